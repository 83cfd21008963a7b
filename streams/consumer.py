"""Shell layer: Faust's Kafka consumer with its read-offset shortcut turned off for dyadwatch's own input topics.

Why. Faust's fetch loop (`Consumer._drain_messages`) remembers the last offset it handed to a stream per partition
(`_read_offset`) and uses it twice: a fetched message at or below it is dropped as "already read", and a jump
above it is recorded as a gap that later counts as acknowledged. Both assume that every message handed over was
processed. Around a rebalance that is not true: a message can be handed over and then skipped by the stream
(its generation is stale, or flow is suspended), and a message still in flight when the partition is seeked
back to its committed offset writes its own, higher offset back after the seek. The partition then drops the
re-fetched messages between the committed offset and that stale one. Measured here before this change: one of
two workers killed mid-stream, the survivor never processed 4-5 articles of the victim's partition and stopped
committing it (docs/reliability.md). Upstream reports of the same family: faust-streaming issues #216, #221,
#606.

What instead. For the topics dyadwatch consumes with acks (`articles`, `relation-events`) no read offset is
kept: every fetched message reaches the stream, nothing is dropped and no gap is invented. A message delivered
twice after a seek is processed twice, which at-least-once delivery allows and the idempotent fold absorbs.
Offsets still advance only over acknowledged messages (Faust's `_acked` bookkeeping is untouched). Table
changelogs keep Faust's behaviour. The price: on these topics a run of more than one missing offset (log
compaction, aborted transactions) would hold commits back until restart, and dyadwatch creates both topics
with `cleanup.policy=delete` (single transaction markers are tolerated by Faust's commit rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import faust
from faust.transport.drivers.aiokafka import Consumer as AIOKafkaConsumer
from faust.types import TP


class ReadOffsets(dict[TP, int | None]):
    """Faust's read-offset map, except that partitions of the `untracked` topics are never remembered."""

    def __init__(self, untracked: Iterable[str]) -> None:
        super().__init__()
        self.untracked = frozenset(untracked)

    def __missing__(self, tp: TP) -> None:  # the defaultdict(lambda: None) Faust expects
        return None

    def __setitem__(self, tp: TP, offset: int | None) -> None:
        if tp.topic not in self.untracked:
            super().__setitem__(tp, offset)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for tp, offset in dict(*args, **kwargs).items():
            self[tp] = offset

    def setdefault(self, tp: TP, default: int | None = None) -> int | None:
        if tp.topic in self.untracked:
            return default
        return super().setdefault(tp, default)


def consumer_class(untracked_topics: Iterable[str]) -> type[AIOKafkaConsumer]:
    """A Faust aiokafka Consumer class that keeps no read offset for `untracked_topics`."""
    topics = frozenset(untracked_topics)

    class DyadwatchConsumer(AIOKafkaConsumer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._read_offset = ReadOffsets(topics)

    return DyadwatchConsumer


def install(app: faust.App, untracked_topics: Iterable[str]) -> None:
    """Make `app` create its consumer from `consumer_class(untracked_topics)`; call before the worker starts."""
    app.transport.Consumer = consumer_class(untracked_topics)  # type: ignore[misc]

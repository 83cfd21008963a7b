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

What instead. For the topics dyadwatch consumes with acks (`articles`, `relation-events`):
1. No read offset is kept: every fetched message reaches the stream, nothing is dropped and no gap is invented.
   A message delivered twice after a seek is processed twice, which at-least-once delivery allows and the
   idempotent fold absorbs.
2. Commits never pass a message that was not acknowledged. Faust commits over a hole of one offset (its
   check is off by one, #606): a message the stream skipped during a rebalance was committed over and lost
   (seen: one article of 40 never enriched after a clean restart). Here a hole is delivered again by a seek
   (`next_commit`); only a hole that survives that re-delivery (a transaction marker, a compacted offset)
   is committed over.
Table changelogs keep Faust's behaviour.
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
            self._repaired: dict[TP, int] = {}
            self._sightings: dict[TP, tuple[int, int] | None] = {}
            self._last_status = ""
            self._log_start: dict[TP, int] = {}

        def _new_offset(self, tp: TP) -> int | None:
            if tp.topic not in topics:
                return super()._new_offset(tp)
            acked: list[int] = self._acked[tp]
            committed = self._base_offset(tp)
            if committed is None:
                return None  # never committed and the log start is not known yet: wait for it
            new_offset, repair, consumed = next_commit(acked, committed, self._repaired.get(tp))
            if repair is not None:
                self._repaired[tp] = repair
                self.log.warning(
                    "%s: offset %d was never acknowledged while later ones were (skipped by the stream); "
                    "seeking back to deliver it again",
                    tp,
                    repair,
                )
                self._thread.seek(tp, repair)
                return None
            self._acked_index[tp].difference_update(consumed)
            return new_offset

        def _base_offset(self, tp: TP) -> int | None:
            """The next offset the group would read: the committed one, or the log start before any commit."""
            committed: int | None = self._committed_offset[tp]
            return committed if committed is not None else self._log_start.get(tp)

        async def on_partitions_revoked(self, revoked: set[TP]) -> None:
            for tp in revoked:
                self._repaired.pop(tp, None)
                self._sightings.pop(tp, None)
                self._log_start.pop(tp, None)
            await super().on_partitions_revoked(revoked)

        async def _log_input_status(self) -> None:
            """One INFO line per change: where each input partition stands (committed, fetch position, ...)."""
            active = self._get_active_partitions()
            rows = []
            for tp in sorted(self.assignment()):
                if tp.topic in topics:
                    rows.append(
                        f"{tp.topic}[{tp.partition}] committed={self._committed_offset[tp]} "
                        f"position={await self.position(tp)} acked={len(self._acked[tp])} "
                        f"{'active' if tp in active else 'PAUSED'}"
                    )
            line = "; ".join(rows)
            if line != self._last_status:
                self._last_status = line
                self.log.info("input partitions: %s", line)

        async def redeliver_stranded(self) -> list[TP]:
            """Seek back partitions whose fetched messages were neither acknowledged nor are in flight.

            A skipped message followed by acknowledged ones is a hole `next_commit` repairs; a skipped message
            at the end of a partition has nothing after it. Called every few seconds (streams/agents.py); a
            partition is sought back on the second sighting of the same (committed, position).
            """
            if self.app.rebalancing or not self.flow_active:
                return []
            await self._log_input_status()
            in_flight = {m.tp for m in list(self._unacked_messages) if not m.acked}
            sought = []
            inputs = [tp for tp in self.assignment() if tp.topic in topics]
            unknown = [tp for tp in inputs if self._committed_offset[tp] is None and tp not in self._log_start]
            if unknown:  # never committed: the group starts at the log start (auto.offset.reset=earliest)
                self._log_start.update(await self.earliest_offsets(*unknown))
            for tp in inputs:
                committed = self._base_offset(tp)
                position = None
                if committed is not None and not self._acked[tp] and tp not in in_flight:
                    position = await self.position(tp)
                act, self._sightings[tp] = stranded(committed, position, self._sightings.get(tp))
                if act and committed is not None:
                    self.log.warning(
                        "%s: offsets %d..%s were fetched but never processed; seeking back to deliver them again",
                        tp,
                        committed,
                        position,
                    )
                    self._thread.seek(tp, committed)
                    sought.append(tp)
            return sought

    return DyadwatchConsumer


def stranded(
    committed: int | None, position: int | None, last_sighting: tuple[int, int] | None
) -> tuple[bool, tuple[int, int] | None]:
    """Whether to seek a partition back to `committed`, and what to remember for the next check.

    `position` is the consumer's next fetch offset, given only when nothing of the partition is acknowledged
    and uncommitted or in flight. Messages between `committed` and `position` were fetched and not processed;
    they might still wait in a queue on the first sighting, not on the second of the very same offsets.
    """
    if committed is None or position is None or position <= committed:
        return False, None
    sighting = (committed, position)
    if last_sighting == sighting:
        return True, None
    return False, sighting


def next_commit(
    acked: list[int], committed: int | None, repaired: int | None
) -> tuple[int | None, int | None, list[int]]:
    """The offset to commit next on one partition, or the offset to deliver again first.

    Returns (commit, repair, consumed). `acked` holds the offsets the stream acknowledged and not yet committed
    (sorted in place; the `consumed` ones are removed from it); `committed` is the next offset the group would
    read. Faust commits over a hole of one offset at the head and stalls on longer ones. Here a hole at
    `committed` while later offsets are acknowledged means a message was handed over and skipped (a stream
    acknowledges in order), so it is delivered again (`repair`), unless this very hole was repaired before and
    is still there: then it holds no message (a transaction marker, a compacted record) and is committed over.
    """
    if not acked:
        return None, None, []
    acked.sort()
    stale = 0
    if committed is not None:
        while stale < len(acked) and acked[stale] < committed:  # acknowledged again after a redelivery
            stale += 1
        if stale == len(acked):
            consumed = acked[:]
            acked.clear()
            return None, None, consumed
        if acked[stale] > committed and repaired != committed:
            return None, committed, []
    end, i = acked[stale], stale + 1
    while i < len(acked) and acked[i] <= end + 1:
        end = max(end, acked[i])
        i += 1
    consumed = acked[:i]
    del acked[:i]
    return end + 1, None, consumed


def install(app: faust.App, untracked_topics: Iterable[str]) -> None:
    """Make `app` create its consumer from `consumer_class(untracked_topics)`; call before the worker starts."""
    app.transport.Consumer = consumer_class(untracked_topics)  # type: ignore[misc]

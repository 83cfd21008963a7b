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
   is committed over. Every seek runs on the consumer thread's loop, which owns aiokafka's fetch buffers.
Table changelogs keep Faust's behaviour, with one guard:
3. A table recovery that reads nothing for `recovery_stall_timeout` seconds while the changelog still holds
   records it has not read is restarted by rejoining the group (a new rebalance seeks, resumes and reads the
   changelogs from scratch), after a WARNING that says where the fetch path stands. Seen once in CI: after one
   of two workers was killed, the survivor's recovery received no changelog record for four minutes and the
   worker processed nothing more (Faust logs "No event received for active tp ... since recovery start" and
   waits for ever). The same stall again after the rejoin, with the consumer fetched past the highwater, means
   the offsets left hold no record (transaction markers): the recovery is completed at the highwater.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import faust
from aiokafka.errors import IllegalStateError
from faust.transport.drivers.aiokafka import Consumer as AIOKafkaConsumer
from faust.types import TP
from mode import Service

from streams.kafka.decisions import next_commit, only_empty_offsets_left, recovery_stalled, stranded

# The versions the adapter below was written against and checked for: its private-attribute access and the fetch
# loop it relies on (tests/unit/test_consumer_guard.py fails on any other installed version).
WRITTEN_FOR = {"faust-streaming": "0.15.3", "aiokafka": "0.14.0"}
THREAD_CALL_TIMEOUT = 10.0  # seconds the consumer thread may take to answer the recovery check


class RecoveryStalled(RuntimeError):
    """A table recovery stalled and could not be restarted in this process."""


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


class DyadwatchConsumer(AIOKafkaConsumer):
    """Faust's aiokafka Consumer with no read offset for `untracked_topics` and a restart for stalled recoveries.

    Configured through the class attributes below: `consumer_class(...)` makes a subclass with them set. Every
    access to a private attribute of Faust or aiokafka is in this class; tests/unit/test_consumer_guard.py
    checks that each one still exists on the installed versions. The decisions are in streams/kafka/decisions.py.
    """

    untracked_topics: frozenset[str] = frozenset()
    recovery_stall_timeout: float = 60.0
    check_interval: float = 5.0
    die: Callable[[str], None] | None = None  # called with the reason when a stalled recovery cannot restart

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_offset = ReadOffsets(self.untracked_topics)
        self._repaired: dict[TP, int] = {}
        self._sightings: dict[TP, tuple[int, int] | None] = {}
        self._last_status = ""
        self._log_start: dict[TP, int] = {}
        self._recovery_sighting: tuple[int, float] | None = None
        self._restarted_at: dict[TP, tuple[int, int]] | None = None
        self.recovery_restarts = 0
        # The last offset, per input partition, of the fetch loop's current batch not yet handed to the streams'
        # queues (Faust's getmany yields a batch message by message; the hand-over waits while a queue is full).
        self._unhanded: dict[TP, int] = {}
        self.callback = self._handing_over(self.callback)

    def _handing_over(self, on_message: Callable[[Any], Awaitable[None]]) -> Callable[[Any], Awaitable[None]]:
        """Faust's per-message callback (the conductor's), noting when a batch's last message was handed over."""

        async def hand_over(message: Any) -> None:
            try:
                await on_message(message)
            finally:
                last = self._unhanded.get(message.tp)
                if last is not None and message.offset >= last:
                    del self._unhanded[message.tp]

        return hand_over

    async def _getmany(self, active_partitions: set[TP] | None, timeout: float) -> dict[TP, list[Any]]:
        # Called by Faust's getmany once the previous batch is through: what it did not hand over was dropped.
        self._unhanded = {}
        records: dict[TP, list[Any]] = await super()._getmany(active_partitions, timeout)
        self._unhanded = {
            TP(tp.topic, tp.partition): batch[-1].offset
            for tp, batch in records.items()
            if batch and tp.topic in self.untracked_topics
        }
        return records

    def _held_partitions(self) -> tuple[set[TP], set[TP]]:
        """(input partitions flow control took out of the fetch, those with fetched messages still in Faust).

        Paused: not among Faust's active partitions (a stream's buffer is full, `on_buffer_full`; or Faust's
        `pause_partitions`). Buffered: a message waits in a stream's queue (handed over, not yet taken by the
        stream, so neither acknowledged nor in flight), or in the fetch loop's batch on its way there.
        """
        assigned = {tp for tp in self.assignment() if tp.topic in self.untracked_topics}
        active = self._get_active_partitions()
        paused = {tp for tp in assigned if tp not in active or tp in self._paused_partitions}
        buffered = {tp for tp in self._unhanded if tp in assigned}
        for channel in list(self.app.topics._topics):
            queue = getattr(channel, "_queue", None)  # created when a stream iterates the channel
            for event in list(queue._queue) if queue is not None else ():
                tp = getattr(getattr(event, "message", None), "tp", None)
                if tp in assigned:
                    buffered.add(tp)
        return paused, buffered

    def _new_offset(self, tp: TP) -> int | None:
        if tp.topic not in self.untracked_topics:
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
            self._seek_soon(tp, repair)
            return None
        self._acked_index[tp].difference_update(consumed)
        return new_offset

    def _seek_soon(self, tp: TP, offset: int) -> None:
        """Seek on the consumer thread's own loop.

        aiokafka's seek touches the fetcher's record buffer and futures, which belong to the consumer
        thread: called from Faust's loop (as `self._thread.seek` does) it can race the thread's
        `fetched_records`, which iterates that buffer, and set futures of another loop.
        """
        aiokafka_consumer = self._thread._ensure_consumer()

        def seek() -> None:
            try:
                aiokafka_consumer.seek(tp, offset)
            except IllegalStateError:  # revoked meanwhile: the new owner starts from the committed offset
                pass

        self._thread.thread_loop.call_soon_threadsafe(seek)

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
            if tp.topic in self.untracked_topics:
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
        partition is sought back on the second sighting of the same (committed, position), never while flow
        control pauses it or its fetched messages still wait in Faust's queues (`_held_partitions`).
        """
        if self.app.rebalancing or not self.flow_active:
            return []
        await self._log_input_status()
        in_flight = {m.tp for m in list(self._unacked_messages) if not m.acked}
        paused, buffered = self._held_partitions()
        sought = []
        inputs = [tp for tp in self.assignment() if tp.topic in self.untracked_topics]
        unknown = [tp for tp in inputs if self._committed_offset[tp] is None and tp not in self._log_start]
        if unknown:  # never committed: the group starts at the log start (auto.offset.reset=earliest)
            self._log_start.update(await self.earliest_offsets(*unknown))
        for tp in inputs:
            committed = self._base_offset(tp)
            position = None
            if committed is not None and not self._acked[tp] and tp not in in_flight:
                position = await self.position(tp)
            act, self._sightings[tp] = stranded(
                committed, position, self._sightings.get(tp), paused=tp in paused, buffered=tp in buffered
            )
            if act and committed is not None:
                self.log.warning(
                    "%s: offsets %d..%s were fetched but never processed; seeking back to deliver them again",
                    tp,
                    committed,
                    position,
                )
                self._seek_soon(tp, committed)
                sought.append(tp)
        return sought

    @Service.task
    async def _recovery_watchdog(self) -> None:
        # A task of the consumer, not an app timer: Faust starts app timers only after the first recovery.
        async for _ in self.itertimer(self.check_interval, name="recovery-watchdog"):
            try:
                await self.restart_stalled_recovery(self.recovery_stall_timeout)
            except RecoveryStalled as exc:
                die = type(self).die  # a plain function, not a method
                if die is None:
                    raise
                # Streams do not run during a recovery, so stopping here loses nothing: the orchestrator
                # starts the worker again and the group delivers the uncommitted messages again.
                die(str(exc))
            except Exception:  # noqa: BLE001 - a failed check is retried on the next tick
                self.log.exception("checking the table recovery failed; retrying in %ss", self.check_interval)

    async def restart_stalled_recovery(self, timeout: float) -> bool:
        """Act on a table recovery that has read nothing for `timeout` seconds. Called every few seconds.

        First a rejoin, which makes Faust seek and read the changelogs again from scratch. Should the new
        recovery stall at the very same offsets although the consumer has fetched past the highwater, the
        offsets left hold no record (a transaction marker, an aborted record) and the recovery is completed
        at the highwater, as Faust itself does for transactional apps only.
        """
        recovery = self.app.tables.recovery
        remaining = recovery.active_remaining_total() if recovery.in_recovery else 0
        stalled, self._recovery_sighting = recovery_stalled(
            remaining, self._recovery_sighting, time.monotonic(), timeout
        )
        if not stalled:
            if not remaining:
                self._restarted_at = None
            return False
        behind = {
            tp: (recovery.active_offsets[tp], highwater)
            for tp, highwater in recovery.active_highwaters.items()
            if highwater is not None
            and recovery.active_offsets.get(tp) is not None
            and highwater > recovery.active_offsets[tp]
        }
        positions = {tp: await self._position_or_none(tp) for tp in behind}
        if only_empty_offsets_left(behind, positions, self._restarted_at):
            for tp, (_, highwater) in behind.items():
                recovery.active_offsets[tp] = highwater
            self.log.warning(
                "table recovery stalled twice at the same offsets although the consumer fetched past the "
                "highwater: those offsets hold no record (transaction markers); completing the recovery at "
                "the highwater: %s",
                "; ".join(f"{tp.topic}[{tp.partition}] {read}->{hw}" for tp, (read, hw) in sorted(behind.items())),
            )
            self._restarted_at = None
            return True
        self.log.warning(
            "table recovery read nothing for %.0fs with %d changelog records still to read; rejoining the "
            "group to restart it. Fetch path: %s",
            timeout,
            remaining,
            await self._fetch_path_state(),
        )
        self._restarted_at = behind
        self.recovery_restarts += 1
        try:
            await asyncio.wait_for(self._thread.call_thread(self._request_rejoin), THREAD_CALL_TIMEOUT)
        except TimeoutError:
            raise RecoveryStalled(
                f"table recovery stalled and the consumer thread did not take a rejoin request within "
                f"{THREAD_CALL_TIMEOUT:.0f}s"
            ) from None
        return True

    async def _position_or_none(self, tp: TP) -> int | None:
        try:
            return await asyncio.wait_for(self.position(tp), THREAD_CALL_TIMEOUT)
        except TimeoutError:  # the consumer thread is busy or blocked: that is worth saying too
            return None

    async def _request_rejoin(self) -> None:
        # Runs on the consumer thread's loop, which owns the coordinator's futures.
        self._thread._ensure_consumer()._coordinator.request_rejoin()

    async def _fetch_path_state(self) -> str:
        """Where the changelog fetch path stands: flow flags, queues and each active changelog partition."""
        app, recovery = self.app, self.app.tables.recovery
        fetcher = getattr(app, "_fetcher", None)
        parts = [
            f"consumer flow {'active' if self.flow_active else 'STOPPED'}",
            f"app flow control {'active' if app.flow_control.is_active() else 'SUSPENDED'}",
            f"changelog queue {app.tables.changelog_queue.qsize()}",
            f"producer buffer {app.producer.buffer.size}",
            f"fetcher {getattr(fetcher, 'state', '?')}",
            f"consumer flags {sorted(self.diag.flags)}",
        ]
        active = self._get_active_partitions()
        for tp in sorted(recovery.active_tps):
            parts.append(
                f"{tp.topic}[{tp.partition}] read={recovery.active_offsets.get(tp)} "
                f"highwater={recovery.active_highwaters.get(tp)} position={await self._position_or_none(tp)} "
                f"read_offset={self._read_offset.get(tp)} "
                f"{'fetching' if tp in active else 'PAUSED' if tp in self._paused_partitions else 'INACTIVE'}"
            )
        return "; ".join(parts)



def consumer_class(
    untracked_topics: Iterable[str],
    recovery_stall_timeout: float = 60.0,
    check_interval: float = 5.0,
    die: Callable[[str], None] | None = None,
) -> type[DyadwatchConsumer]:
    """A `DyadwatchConsumer` subclass that keeps no read offset for `untracked_topics` and restarts stalled
    table recoveries (`die(reason)` is called when even that fails)."""
    return type(
        "DyadwatchConsumer",
        (DyadwatchConsumer,),
        {
            "untracked_topics": frozenset(untracked_topics),
            "recovery_stall_timeout": recovery_stall_timeout,
            "check_interval": check_interval,
            "die": staticmethod(die) if die is not None else None,
        },
    )


def install(
    app: faust.App,
    untracked_topics: Iterable[str],
    recovery_stall_timeout: float = 60.0,
    check_interval: float = 5.0,
    die: Callable[[str], None] | None = None,
) -> None:
    """Make `app` create its consumer from `consumer_class(...)`; call before the worker starts."""
    app.transport.Consumer = consumer_class(  # type: ignore[misc]
        untracked_topics, recovery_stall_timeout, check_interval, die
    )

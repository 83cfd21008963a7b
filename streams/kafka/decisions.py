"""Pure decisions of the consumer adapter (streams/kafka/consumer.py): what to commit, what to deliver again,
when a table recovery is stalled. No Faust, no aiokafka: plain offsets and what the previous check remembered."""

from __future__ import annotations

from collections.abc import Hashable, Mapping


def recovery_stalled(
    remaining: int, last_sighting: tuple[int, float] | None, now: float, timeout: float
) -> tuple[bool, tuple[int, float] | None]:
    """Whether a table recovery is stalled, and what to remember for the next check.

    `remaining` is the number of changelog records the recovery still has to read (0 when none runs). A recovery
    is stalled when that number has stayed the same, above zero, for `timeout` seconds.
    """
    if remaining <= 0:
        return False, None
    if last_sighting is None or last_sighting[0] != remaining:
        return False, (remaining, now)
    if now - last_sighting[1] >= timeout:
        return True, None
    return False, last_sighting


def stranded(
    committed: int | None,
    position: int | None,
    last_sighting: tuple[int, int] | None,
    *,
    paused: bool = False,
    buffered: bool = False,
) -> tuple[bool, tuple[int, int] | None]:
    """Whether to seek a partition back to `committed`, and what to remember for the next check.

    `position` is the consumer's next fetch offset, given only when nothing of the partition is acknowledged
    and uncommitted or in flight. Messages between `committed` and `position` were fetched and not processed;
    they might still wait in a queue on the first sighting, not on the second of the very same offsets.

    Never while the partition is `paused` (flow control took it out of the fetch: a stream's buffer is full, or
    Faust paused it) or while some of its fetched messages are `buffered` (in a stream's queue, or in the fetch
    loop's batch on their way there): then nothing moves because the stream is busy, and the same offsets on two
    checks mean only that. Seeking back such a partition delivers every one of those messages twice.
    """
    if paused or buffered or committed is None or position is None or position <= committed:
        return False, None
    sighting = (committed, position)
    if last_sighting == sighting:
        return True, None
    return False, sighting


def only_empty_offsets_left(
    behind: Mapping[Hashable, tuple[int, int]],
    positions: Mapping[Hashable, int | None],
    restarted_at: Mapping[Hashable, tuple[int, int]] | None,
) -> bool:
    """Whether a stalled recovery's missing offsets hold no record at all.

    `behind` maps each changelog partition the recovery waits for to (last offset read, highwater);
    `positions` gives the consumer's next fetch offset of each; `restarted_at` is `behind` as it was when the
    previous stall was answered with a rejoin (None if there was none). True when this is that same stall again,
    read from scratch, and the consumer has fetched past every highwater: the records were all delivered and the
    offsets after the last one are not records.
    """
    if not behind or restarted_at != behind:
        return False
    return all(positions.get(tp) is not None and positions[tp] > highwater for tp, (_, highwater) in behind.items())


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

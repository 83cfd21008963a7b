"""Unit: the consumer adapter's pure decisions (streams/kafka/decisions.py): commits, re-deliveries, stalls."""

from __future__ import annotations

from faust.types import TP

from streams.kafka.decisions import next_commit, only_empty_offsets_left, recovery_stalled, stranded

CHANGELOG = TP("dyadwatch-relations-changelog", 0)


def test_a_contiguous_run_from_the_committed_offset_is_committed():
    acked = [12, 10, 11]
    assert next_commit(acked, committed=10, repaired=None) == (13, None, [10, 11, 12])
    assert acked == []


def test_a_single_skipped_offset_is_delivered_again_not_committed_over():
    """Faust's own rule commits 13 here (a hole of one at the head is allowed): message 10 would be lost."""
    acked = [11, 12]
    assert next_commit(acked, committed=10, repaired=None) == (None, 10, [])
    assert acked == [11, 12], "nothing is consumed until the hole is filled"
    acked.append(10)  # the re-delivered message is processed and acknowledged
    assert next_commit(acked, committed=10, repaired=10) == (13, None, [10, 11, 12])


def test_a_hole_that_survives_its_redelivery_holds_no_message_and_is_committed_over():
    acked = [11, 12]
    assert next_commit(acked, committed=10, repaired=10) == (13, None, [11, 12])


def test_a_hole_in_the_middle_commits_up_to_it_then_asks_for_it():
    acked = [5, 6, 8, 9]
    assert next_commit(acked, committed=5, repaired=None) == (7, None, [5, 6])
    assert next_commit(acked, committed=7, repaired=None) == (None, 7, [])


def test_offsets_acknowledged_again_below_the_commit_are_dropped():
    acked = [3, 4, 7, 8]
    assert next_commit(acked, committed=7, repaired=None) == (9, None, [3, 4, 7, 8])
    only_stale = [1, 2]
    assert next_commit(only_stale, committed=7, repaired=None) == (None, None, [1, 2])


def test_a_new_group_commits_its_first_run():
    assert next_commit([0, 1, 2, 5], committed=None, repaired=None) == (3, None, [0, 1, 2])
    assert next_commit([], committed=4, repaired=None) == (None, None, [])


def test_fetched_but_unprocessed_messages_are_sought_back_on_the_second_sighting():
    act, memory = stranded(committed=40, position=41, last_sighting=None)
    assert (act, memory) == (False, (40, 41)), "the first sighting may be a message still queued"
    assert stranded(committed=40, position=41, last_sighting=memory) == (True, None)


def test_progress_between_checks_or_nothing_fetched_is_not_stranded():
    assert stranded(committed=41, position=44, last_sighting=(40, 41)) == (False, (41, 44))
    assert stranded(committed=44, position=44, last_sighting=(44, 45)) == (False, None)
    assert stranded(committed=40, position=None, last_sighting=(40, 41)) == (False, None)  # in flight
    assert stranded(committed=None, position=3, last_sighting=None) == (False, None)


def test_a_recovery_is_stalled_when_its_remaining_count_stays_put_for_the_timeout():
    stalled, seen = recovery_stalled(7, None, now=100.0, timeout=60)
    assert not stalled and seen == (7, 100.0)
    stalled, seen = recovery_stalled(7, seen, now=130.0, timeout=60)
    assert not stalled and seen == (7, 100.0)
    stalled, seen = recovery_stalled(7, seen, now=160.0, timeout=60)
    assert stalled and seen is None


def test_a_recovery_that_reads_or_has_nothing_left_is_not_stalled():
    stalled, seen = recovery_stalled(5, (7, 100.0), now=200.0, timeout=60)  # read two records since
    assert not stalled and seen == (5, 200.0)
    assert recovery_stalled(0, (5, 100.0), now=500.0, timeout=60) == (False, None)  # done, or none running


def test_only_a_repeated_stall_fetched_past_the_highwater_has_only_empty_offsets_left():
    behind = {CHANGELOG: (0, 1)}
    assert not only_empty_offsets_left(behind, {CHANGELOG: 2}, restarted_at=None)  # rejoin first
    assert only_empty_offsets_left(behind, {CHANGELOG: 2}, restarted_at={CHANGELOG: (0, 1)})
    assert not only_empty_offsets_left(behind, {CHANGELOG: 1}, restarted_at={CHANGELOG: (0, 1)})  # not fetched
    assert not only_empty_offsets_left(behind, {CHANGELOG: None}, restarted_at={CHANGELOG: (0, 1)})
    assert not only_empty_offsets_left(behind, {CHANGELOG: 2}, restarted_at={CHANGELOG: (0, 3)})  # another stall
    assert not only_empty_offsets_left({}, {}, restarted_at={})


def test_a_partition_flow_control_paused_is_never_stranded():
    """The 200k burst: a partition paused with a full stream buffer shows the same offsets on every check."""
    memory = stranded(committed=40, position=90, last_sighting=None)[1]
    assert stranded(committed=40, position=90, last_sighting=memory, paused=True) == (False, None)
    assert stranded(committed=40, position=90, last_sighting=memory, buffered=True) == (False, None)
    # once resumed and drained, the same offsets count as a first sighting again, not as the second
    assert stranded(committed=40, position=90, last_sighting=None) == (False, (40, 90))

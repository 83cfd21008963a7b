"""Unit: the consumer keeps no read offset for dyadwatch's input topics (streams/consumer.py explains why)."""

from __future__ import annotations

import inspect

from faust.transport.consumer import Consumer as FaustConsumer
from faust.types import TP

from streams.consumer import ReadOffsets, next_commit, stranded
from streams.settings import Settings
from streams.worker import build

ARTICLES = TP("articles", 0)
CHANGELOG = TP("dyadwatch-relations-changelog", 0)


def test_input_partitions_are_never_remembered_and_others_are():
    offsets = ReadOffsets(["articles"])
    offsets[ARTICLES] = 22
    offsets[CHANGELOG] = 7
    offsets.update({TP("articles", 1): 5, TP("dyadwatch-relations-changelog", 1): 3})
    assert offsets[ARTICLES] is None
    assert offsets[TP("articles", 1)] is None
    assert offsets[CHANGELOG] == 7
    assert offsets[TP("dyadwatch-relations-changelog", 1)] == 3
    assert offsets[TP("never-seen", 0)] is None
    assert ARTICLES not in offsets.keys()
    assert offsets.pop(ARTICLES, None) is None
    assert offsets.setdefault(ARTICLES, 4) == 4 and offsets[ARTICLES] is None


def test_a_stale_in_flight_offset_no_longer_drops_the_refetched_messages():
    """The race of docs/reliability.md, replayed on the map: seek back to 18, then a message at 22 finishes."""
    offsets = ReadOffsets(["articles"])
    offsets.update({ARTICLES: 18})  # perform_seek: back to the committed offset
    offsets[ARTICLES] = 22  # the fetch loop finishes a message fetched before the seek
    refetched = range(18, 23)
    # Faust's fetch loop hands a message to the stream only when r_offset is None or offset >= r_offset.
    delivered = [o for o in refetched if offsets[ARTICLES] is None or o >= offsets[ARTICLES]]
    assert delivered == list(refetched)


def test_the_worker_app_creates_its_consumer_with_untracked_input_topics():
    settings = Settings(topic_articles="a-in", topic_relation_events="r-in", web_enabled=False)
    app, _ = build(settings, "127.0.0.1:1")
    read_offsets = app.consumer._read_offset
    assert isinstance(read_offsets, ReadOffsets)
    assert read_offsets.untracked == {"a-in", "r-in"}


def test_faust_still_reads_and_writes_read_offsets_through_the_map():
    """A canary for Faust upgrades: the fix relies on the fetch loop using `_read_offset` item access."""
    source = inspect.getsource(FaustConsumer._drain_messages)
    assert "self._read_offset.__getitem__" in source
    assert "self._read_offset.__setitem__" in source
    assert "offset >= r_offset" in source
    assert "self._new_offset(tp)" in inspect.getsource(FaustConsumer._filter_committable_offsets)


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

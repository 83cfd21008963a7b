"""Unit: the consumer keeps no read offset for dyadwatch's input topics (streams/kafka/consumer.py explains why)."""

from __future__ import annotations

import asyncio
import inspect
import logging
from types import SimpleNamespace

import pytest
from aiokafka.errors import IllegalStateError
from faust.transport.consumer import Consumer as FaustConsumer
from faust.types import TP

from streams.kafka.consumer import ReadOffsets, RecoveryStalled
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


def in_recovery(read: int, highwater: int, partition: int = 0, fetching: bool = True):
    """A worker's consumer whose table recovery has read changelog `partition` up to `read` of `highwater`."""
    app, _ = build(Settings(web_enabled=False), "127.0.0.1:1")
    consumer = app.consumer
    changelog = TP(f"{app.conf.id}-relations-changelog", partition)
    recovery = app.tables.recovery
    recovery.in_recovery = True
    recovery.active_tps.add(changelog)
    recovery.active_highwaters[changelog] = highwater
    recovery.active_offsets[changelog] = read
    consumer._active_partitions = {changelog} if fetching else set()
    return consumer, recovery, changelog


def answering_thread(consumer, position: int) -> list[bool]:
    """Fake the consumer thread: calls run at once, every position is `position`; returns the rejoin requests."""
    rejoins: list[bool] = []
    coordinator = SimpleNamespace(request_rejoin=lambda: rejoins.append(True))
    consumer._thread._ensure_consumer = lambda: SimpleNamespace(_coordinator=coordinator)

    async def call_thread(fun, *args):
        return await fun(*args)

    async def fetch_position(tp):
        return position

    consumer._thread.call_thread = call_thread
    consumer.position = fetch_position
    return rejoins


def test_a_stalled_recovery_is_logged_with_its_fetch_path_and_restarted_by_a_rejoin(caplog):
    consumer, recovery, changelog = in_recovery(read=3, highwater=10)
    rejoined = answering_thread(consumer, position=4)

    async def check_twice():
        return [await consumer.restart_stalled_recovery(timeout=0.0) for _ in range(2)]

    with caplog.at_level(logging.WARNING):
        assert asyncio.run(check_twice()) == [False, True]  # first sighting, then stalled
    assert rejoined == [True] and consumer.recovery_restarts == 1
    warning = caplog.text
    assert "rejoining the group" in warning and "7 changelog records" in warning
    assert f"{changelog.topic}[0] read=3 highwater=10 position=4" in warning and "fetching" in warning
    recovery.in_recovery = False
    assert asyncio.run(consumer.restart_stalled_recovery(timeout=0.0)) is False


def test_a_stalled_recovery_whose_consumer_thread_does_not_answer_raises(monkeypatch):
    monkeypatch.setattr("streams.kafka.consumer.THREAD_CALL_TIMEOUT", 0.05)
    consumer, _, _ = in_recovery(read=-1, highwater=5, partition=1, fetching=False)

    async def blocked(*args):
        await asyncio.sleep(3600)

    consumer._thread.call_thread = blocked
    consumer.position = blocked

    async def check_twice():
        await consumer.restart_stalled_recovery(timeout=0.0)
        await consumer.restart_stalled_recovery(timeout=0.0)

    with pytest.raises(RecoveryStalled, match="did not take a rejoin request"):
        asyncio.run(check_twice())


def test_a_stall_that_survives_its_rejoin_past_the_highwater_completes_at_the_highwater(caplog):
    consumer, recovery, changelog = in_recovery(read=0, highwater=1)
    rejoins = answering_thread(consumer, position=2)  # the record at 0 and the transaction marker at 1 were fetched

    async def checks(n):
        return [await consumer.restart_stalled_recovery(timeout=0.0) for _ in range(n)]

    with caplog.at_level(logging.WARNING):
        assert asyncio.run(checks(2)) == [False, True] and rejoins == [True]
        assert recovery.active_offsets[changelog] == 0
        assert asyncio.run(checks(2)) == [False, True] and rejoins == [True]  # no second rejoin
    assert recovery.active_offsets[changelog] == 1
    assert recovery.active_remaining_total() == 0
    assert "hold no record" in caplog.text


def test_repair_seeks_run_on_the_consumer_threads_loop_never_on_faust_s():
    app, _ = build(Settings(topic_articles="articles", web_enabled=False), "127.0.0.1:1")
    consumer = app.consumer
    scheduled, sought = [], []

    def seek(tp, offset):
        if tp.partition == 9:
            raise IllegalStateError("revoked meanwhile")
        sought.append((tp, offset))

    def seek_from_the_wrong_thread(*args):
        raise AssertionError("aiokafka's seek called from Faust's loop")

    consumer._thread._ensure_consumer = lambda: SimpleNamespace(seek=seek)
    consumer._thread.seek = seek_from_the_wrong_thread
    consumer._thread.thread_loop = SimpleNamespace(call_soon_threadsafe=scheduled.append)
    consumer._committed_offset[ARTICLES] = 12
    consumer._acked[ARTICLES] = [13, 14]  # 12 was skipped by the stream
    assert consumer._new_offset(ARTICLES) is None
    consumer._seek_soon(TP("articles", 9), 3)
    assert len(scheduled) == 2 and not sought
    for callback in scheduled:
        callback()  # what the consumer thread's loop runs
    assert sought == [(ARTICLES, 12)]


def flow_controlled(committed: int, position: int):
    """A worker's consumer owning ARTICLES, fetched up to `position`, nothing acknowledged or in flight."""
    app, _ = build(Settings(topic_articles="articles", web_enabled=False), "127.0.0.1:1")
    consumer = app.consumer
    scheduled: list = []
    consumer.assignment = lambda: {ARTICLES}
    consumer._committed_offset[ARTICLES] = committed
    consumer._active_partitions = {ARTICLES}

    async def fetch_position(tp):
        return position

    consumer.position = fetch_position
    consumer._thread._ensure_consumer = lambda: SimpleNamespace(seek=lambda tp, offset: None)
    consumer._thread.thread_loop = SimpleNamespace(call_soon_threadsafe=scheduled.append)
    return app, consumer, scheduled


def checks(consumer, n: int) -> list[list[TP]]:
    async def run():
        return [await consumer.redeliver_stranded() for _ in range(n)]

    return asyncio.run(run())


def test_a_partition_paused_by_a_full_stream_buffer_is_not_sought_back():
    app, consumer, scheduled = flow_controlled(committed=40, position=90)
    consumer.on_buffer_full(ARTICLES)  # what the conductor calls when the enrich agent's queue is under pressure
    assert ARTICLES not in consumer._get_active_partitions()
    assert checks(consumer, 3) == [[], [], []] and not scheduled
    consumer.on_buffer_drop(ARTICLES)
    assert checks(consumer, 2) == [[], [ARTICLES]], "resumed and still not processed: stranded after all"


def test_a_partition_faust_paused_is_not_sought_back():
    app, consumer, scheduled = flow_controlled(committed=40, position=90)
    consumer.pause_partitions([ARTICLES])
    assert checks(consumer, 3) == [[], [], []] and not scheduled


def test_messages_waiting_in_a_stream_queue_are_not_stranded():
    """Handed to the enrich agent's queue but not yet taken: neither acknowledged nor in flight."""
    app, consumer, scheduled = flow_controlled(committed=40, position=90)
    channel = app.channel()  # a stream's channel, as the conductor holds it
    queue = channel.queue
    queue.put_nowait(SimpleNamespace(message=SimpleNamespace(tp=ARTICLES, offset=41)))
    app.topics._topics.add(channel)
    assert checks(consumer, 3) == [[], [], []] and not scheduled
    queue.get_nowait()  # the stream takes it (and skips it: not acknowledged)
    assert checks(consumer, 2) == [[], [ARTICLES]]


def test_a_fetched_batch_still_on_its_way_to_the_queues_is_not_stranded():
    app, consumer, scheduled = flow_controlled(committed=40, position=43)
    handed: list[int] = []

    async def thread_getmany(active_partitions, timeout):
        return {ARTICLES: [SimpleNamespace(offset=o) for o in (40, 41, 42)]}

    async def on_message(message):  # the conductor's callback, waiting for room in a full queue
        handed.append(message.offset)

    consumer._thread.getmany = thread_getmany
    hand_over = consumer._handing_over(on_message)

    async def fetch_and_hand_over(n):
        await consumer._getmany({ARTICLES}, 1.0)
        for offset in (40, 41, 42)[:n]:
            await hand_over(SimpleNamespace(tp=ARTICLES, offset=offset))

    asyncio.run(fetch_and_hand_over(2))
    assert handed == [40, 41] and consumer._unhanded == {ARTICLES: 42}
    assert checks(consumer, 3) == [[], [], []]
    asyncio.run(fetch_and_hand_over(3))
    assert consumer._unhanded == {}
    assert checks(consumer, 2) == [[], [ARTICLES]], "handed over and never processed: stranded"


def test_the_worker_consumer_hands_messages_over_through_the_tracking_callback():
    app, _ = build(Settings(web_enabled=False), "127.0.0.1:1")
    assert app.consumer.callback.__qualname__.endswith("_handing_over.<locals>.hand_over")

"""Integration: the relations table in Faust's RocksDB store survives a restart on its own disk.

A restarted worker with `DYADWATCH_TABLE_STORE=rocksdb://` and the same data dir reads only the changelog
records written after the ones its store holds (here: those another worker wrote while it was away), not the
whole changelog, and the table keeps counting from where it was.
"""

from __future__ import annotations

import json

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from streams.core.models import RelationState, RelationUpdate
from streams.topology import changelog_topic_name
from tests.support.polling import wait_for
from tests.support.relation_events import event
from tests.support.workers import TopicReader, changelog_recovery, log_digest

pytestmark = pytest.mark.integration

CODES = ["USA", "CHN", "RUS", "IRN", "IND", "FRA", "DEU", "JPN"]
PAIRS = [(a, b) for i, a in enumerate(CODES) for b in CODES[i + 1:]]  # 28 dyads
AWAY = PAIRS[:9]  # the dyads another worker updates while the RocksDB worker is stopped


def send(bootstrap: str, topic: str, updates: list[RelationUpdate]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        for u in updates:
            producer.send(topic, key=u.dyad.encode(), value=u.model_dump_json().encode())
        producer.flush(60)
    finally:
        producer.close()


def round_of(n: int, pairs: list[tuple[str, str]]) -> list[RelationUpdate]:
    """One one-event article per dyad, the n-th day (each a new update: a new article id)."""
    return [event(f"round{n}-{a}-{b}", 3.0, source=a, target=b, days=n) for a, b in pairs]


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(tps).items()}
    finally:
        consumer.close()


def wait_for_counts(reader: TopicReader, expected: dict[str, int], worker, what: str) -> None:
    states: dict[str, int] = {}

    def settled() -> bool:
        for key, value in reader.poll():
            if key and value:
                states[key.decode()] = RelationState.model_validate_json(value).event_count
        return all(states.get(d) == n for d, n in expected.items())

    wait_for(settled, timeout=240, interval=1.0,
             what=lambda: f"{what}: want {expected}\ngot {states}\nlog:\n{log_digest(worker.log())}")


def test_a_restarted_rocksdb_worker_recovers_from_its_own_store_and_reads_only_the_changelog_tail(
    kafka_bootstrap, worker_env, worker_settings, start_worker, tmp_path
):
    topic = worker_settings.topic_relation_events
    changelog = changelog_topic_name(worker_settings)
    rocksdb = {"DYADWATCH_TABLE_STORE": "rocksdb://"}
    dyads = [f"{a}|{b}" if a < b else f"{b}|{a}" for a, b in PAIRS]
    away = set(dyads[: len(AWAY)])
    relations = TopicReader(kafka_bootstrap, worker_settings.topic_relations)
    try:
        first = start_worker(**rocksdb)
        send(kafka_bootstrap, topic, round_of(1, PAIRS))
        wait_for_counts(relations, dict.fromkeys(dyads, 1), first, "the RocksDB worker folds round 1")
        assert first.stop() == 0, log_digest(first.log())
        stored = end_offsets(kafka_bootstrap, changelog)
        assert sum(stored.values()) == len(PAIRS), stored
        assert list((tmp_path / "data" / "faust").rglob("relations-*.db")), "the table was not written to disk"

        # Another worker (memory store, its own data dir) takes the partitions and folds a round for some dyads.
        other = start_worker(DYADWATCH_DATA_DIR=str(tmp_path / "other"))
        send(kafka_bootstrap, topic, round_of(2, AWAY))
        wait_for_counts(relations, {d: 2 for d in away}, other, "the memory worker folds round 2")
        assert other.stop() == 0, log_digest(other.log())
        after_away = end_offsets(kafka_bootstrap, changelog)
        assert sum(after_away.values()) == len(PAIRS) + len(AWAY), after_away
        # The memory worker read the whole changelog back before it worked.
        assert changelog_recovery(other.log(), changelog) == {
            p: (-1, stored[p] - 1) for p in stored
        }, log_digest(other.log())

        again = start_worker(**rocksdb)
        send(kafka_bootstrap, topic, round_of(3, PAIRS))
        wait_for_counts(relations, {d: 3 if d in away else 2 for d in dyads}, again,
                        "the restarted RocksDB worker folds round 3 on the state it kept")
        # Faust's recovery logs where it starts reading each changelog partition (the offset its store holds)
        # and the highwater: the restarted worker read only the records the other worker wrote.
        reads = changelog_recovery(again.log(), changelog)
        assert reads == {p: (stored[p] - 1, after_away[p] - 1) for p in stored}, log_digest(again.log())
        assert sum(high - start for start, high in reads.values()) == len(AWAY)
    finally:
        relations.close()
    final = {json.loads(k): json.loads(v)["event_count"] for k, v in _latest(kafka_bootstrap, changelog).items()}
    assert final == {d: 3 if d in away else 2 for d in dyads}


def _latest(bootstrap: str, topic: str) -> dict[bytes, bytes]:
    from tests.support.workers import read_all

    return {k: v for k, v in read_all(bootstrap, topic) if k and v}

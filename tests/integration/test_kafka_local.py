"""Integration tests for the local Kafka launcher: a real broker in a tmp dir, jars from the shared cache."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic

from streams.kafka.local import LocalKafka
from tests.support.broker import KAFKA_LIBS
from tests.support.polling import wait_for

pytestmark = pytest.mark.integration

SIXTEEN_MIB = 16 * 2**20
ARTICLE_BODY = b"x" * (10 * 2**20)


@pytest.fixture
def kafka(tmp_path: Path) -> Iterator[LocalKafka]:
    launcher = LocalKafka(tmp_path / "kafka", libs_dir=KAFKA_LIBS)
    yield launcher
    launcher.stop()


def create_topic(bootstrap: str) -> str:
    topic = f"launcher-{uuid.uuid4().hex}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()
    return topic


def produce(bootstrap: str, topic: str, key: bytes, value: bytes) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=SIXTEEN_MIB)
    try:
        producer.send(topic, key=key, value=value).get(timeout=30)
    finally:
        producer.close()


def read_first(bootstrap: str, topic: str) -> tuple[bytes, bytes]:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=SIXTEEN_MIB,
        fetch_max_bytes=SIXTEEN_MIB,
    )
    try:
        records = wait_for(
            lambda: [r for batch in consumer.poll(timeout_ms=1000).values() for r in batch],
            timeout=60,
            what=f"a record on {topic}",
        )
        return records[0].key, records[0].value
    finally:
        consumer.close()


def test_a_10_mb_article_survives_a_stop_and_a_restart_on_the_same_port(kafka: LocalKafka) -> None:
    bootstrap = kafka.start()
    assert kafka.start() == bootstrap
    topic = create_topic(bootstrap)
    produce(bootstrap, topic, b"article-1", ARTICLE_BODY)

    assert kafka.stop() is True
    assert kafka.status()["running"] is False
    assert kafka.start() == bootstrap

    assert read_first(bootstrap, topic) == (b"article-1", ARTICLE_BODY)
    status = kafka.status()
    assert status["running"] is True
    assert status["bootstrap"] == bootstrap
    assert Path(status["log_path"]).stat().st_size > 0


def test_a_killed_broker_comes_back_on_the_same_port_with_its_records(kafka: LocalKafka) -> None:
    bootstrap = kafka.start()
    topic = create_topic(bootstrap)
    produce(bootstrap, topic, b"dyad", b"USA->CHN 042")

    kafka.kill()
    assert kafka.status()["running"] is False
    assert kafka.start() == bootstrap

    assert read_first(bootstrap, topic) == (b"dyad", b"USA->CHN 042")

"""Shell layer: small kafka-python clients for people: publish articles, tail a topic, read the relations."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO
from uuid import uuid4

from kafka import KafkaConsumer, KafkaProducer

from streams.core.models import Article
from streams.kafka.admin import ensure_topics
from streams.kafka.bootstrap import kafka_python_config
from streams.settings import Settings


def make_producer(settings: Settings, bootstrap: str) -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        max_request_size=settings.max_message_bytes,
        **kafka_python_config(settings),
    )


def publish_articles(settings: Settings, bootstrap: str, articles: Iterable[Article]) -> list[str]:
    """Send each article to the articles topic keyed by its id; returns the ids once all are acknowledged.

    The topics are created first (idempotent), so a publish before the first worker start cannot leave the
    articles topic with a broker-default partition count.
    """
    ensure_topics(settings, bootstrap)
    producer = make_producer(settings, bootstrap)
    try:
        ids: list[str] = []
        futures = []
        for article in articles:
            value = article.model_dump_json(exclude_none=True).encode()
            futures.append(producer.send(settings.topic_articles, key=article.id.encode(), value=value))
            ids.append(article.id)
        producer.flush()
        for future in futures:
            future.get(timeout=30)
        return ids
    finally:
        producer.close()


def consume(
    settings: Settings,
    bootstrap: str,
    topic: str,
    *,
    from_beginning: bool,
    idle_timeout: float,
) -> Iterator[tuple[bytes | None, bytes | None]]:
    """(key, value) of every record on `topic`, until no record came for idle_timeout seconds."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False,
        consumer_timeout_ms=int(idle_timeout * 1000),
        fetch_max_bytes=settings.max_message_bytes,
        max_partition_fetch_bytes=settings.max_message_bytes,
        client_id=f"dyadwatch-tail-{uuid4().hex[:8]}",
        **kafka_python_config(settings),
    )
    try:
        for record in consumer:
            yield record.key, record.value
    finally:
        consumer.close()


def as_json_line(value: bytes | None) -> str:
    """A record value as one JSON line: JSON stays JSON, anything else becomes a JSON string."""
    if value is None:
        return "null"
    try:
        parsed: Any = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError):
        parsed = value.decode("utf-8", errors="replace")
    return json.dumps(parsed, ensure_ascii=False)


def tail(
    settings: Settings,
    bootstrap: str,
    topic: str,
    *,
    from_beginning: bool,
    idle_timeout: float,
    out: TextIO = sys.stdout,
) -> int:
    count = 0
    for _, value in consume(
        settings, bootstrap, topic, from_beginning=from_beginning, idle_timeout=idle_timeout
    ):
        out.write(as_json_line(value) + "\n")
        out.flush()
        count += 1
    return count


def current_relations(settings: Settings, bootstrap: str, idle_timeout: float = 3.0) -> dict[str, bytes]:
    """The latest RelationState per dyad, read from the compacted relations topic."""
    latest: dict[str, bytes] = {}
    for key, value in consume(
        settings, bootstrap, settings.topic_relations, from_beginning=True, idle_timeout=idle_timeout
    ):
        if key is None:
            continue
        if value is None:
            latest.pop(key.decode(), None)
        else:
            latest[key.decode()] = value
    return latest

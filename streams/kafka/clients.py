"""Shell layer: small kafka-python clients for people: publish articles, tail a topic, read a topic to its end."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaTimeoutError, MessageSizeTooLargeError

from streams.core.models import Article
from streams.kafka.admin import ensure_topics
from streams.kafka.bootstrap import NO_BROKER_HINT, NoBroker
from streams.kafka.config import ClientSecurity
from streams.settings import Settings

BOOTSTRAP_TIMEOUT_MS = 10_000
"""How long a command waits for the first broker to answer before it says it cannot reach one."""


@dataclass(frozen=True)
class Record:
    """One Kafka record as the command line shows it (kcat's fields)."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int | None
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True)
class Published:
    """Where one article landed, or why it did not."""

    article_id: str
    partition: int | None = None
    offset: int | None = None
    error: str | None = None


class _Collect(logging.Handler):
    """Keeps what kafka-python logs (WARNING and up) while a client bootstraps: its timeout says only that it
    could not bootstrap, the log says why (refused, authentication failed, ...)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _bootstrap_reason(messages: list[str]) -> str | None:
    """The telling part of kafka-python's log of a failed bootstrap: an authentication failure first, else the
    last connection failure ('KafkaConnectionError: 111 ECONNREFUSED')."""
    for message in reversed(messages):
        if "auth" in message.lower():
            return message
    for message in reversed(messages):
        found = re.search(r"(?:Bootstrap connection to \S+ failed|Connection failed): (.*?)(?: \(backoff [^)]*\))?$",
                          message)
        if found:
            return found.group(1)
    return None


@contextmanager
def _bootstrapping(bootstrap: str) -> Iterator[None]:
    """Turns a failed bootstrap into NoBroker, with kafka-python's own reason when it logged one."""
    collect = _Collect()
    logger = logging.getLogger("kafka")
    logger.addHandler(collect)
    try:
        yield
    except KafkaTimeoutError as exc:
        reason = _bootstrap_reason(collect.messages)
        raise NoBroker(
            f"cannot reach Kafka at {bootstrap} within {BOOTSTRAP_TIMEOUT_MS // 1000} s "
            f"({reason or type(exc).__name__}): is it running, are the credentials right? {NO_BROKER_HINT}"
        ) from exc
    finally:
        logger.removeHandler(collect)


def make_producer(settings: Settings, bootstrap: str) -> KafkaProducer:
    with _bootstrapping(bootstrap):
        return KafkaProducer(
            bootstrap_servers=bootstrap,
            acks="all",
            max_request_size=settings.max_message_bytes,
            bootstrap_timeout_ms=BOOTSTRAP_TIMEOUT_MS,
            **ClientSecurity.from_settings(settings).kafka_python(),
        )


def make_consumer(settings: Settings, bootstrap: str, *topics: str, **config: Any) -> KafkaConsumer:
    """A group-less consumer (nothing committed, nothing left behind on the cluster)."""
    with _bootstrapping(bootstrap):
        return KafkaConsumer(
            *topics,
            bootstrap_servers=bootstrap,
            group_id=None,
            enable_auto_commit=False,
            fetch_max_bytes=settings.max_message_bytes,
            max_partition_fetch_bytes=settings.max_message_bytes,
            client_id=f"dyadwatch-cli-{uuid4().hex[:8]}",
            bootstrap_timeout_ms=BOOTSTRAP_TIMEOUT_MS,
            **config,
            **ClientSecurity.from_settings(settings).kafka_python(),
        )


def existing_topics(settings: Settings, bootstrap: str) -> set[str]:
    """The topics of the cluster; NoBroker when no broker answers."""
    consumer = make_consumer(settings, bootstrap)
    try:
        with _bootstrapping(bootstrap):
            return set(consumer.topics())
    finally:
        consumer.close()


def send_articles(settings: Settings, bootstrap: str, articles: Iterable[Article]) -> Iterator[Published]:
    """Send each article to the articles topic keyed by its id; yields where each landed, once acknowledged.

    The topics are created first (idempotent), so a publish before the first worker start cannot leave the
    articles topic with a broker-default partition count. An article too large for a Kafka message is
    reported and skipped; the others are sent.
    """
    existing_topics(settings, bootstrap)  # fails fast, in one line, when no broker answers
    ensure_topics(settings, bootstrap)
    producer = make_producer(settings, bootstrap)
    try:
        pending: list[tuple[str, Any]] = []
        for article in articles:
            value = article.model_dump_json(exclude_none=True).encode()
            try:
                future = producer.send(settings.topic_articles, key=article.id.encode(), value=value)
            except MessageSizeTooLargeError:
                yield Published(article.id, error=(
                    f"{len(value):,} bytes as a Kafka message, over DYADWATCH_MAX_MESSAGE_BYTES "
                    f"({settings.max_message_bytes:,}); the article text limit (1 MB) is a separate check"))
                continue
            pending.append((article.id, future))
            if len(pending) >= 500:
                yield from _acknowledged(producer, pending)
                pending = []
        yield from _acknowledged(producer, pending)
    finally:
        producer.close()


def _acknowledged(producer: KafkaProducer, pending: list[tuple[str, Any]]) -> Iterator[Published]:
    producer.flush()
    for article_id, future in pending:
        metadata = future.get(timeout=30)
        yield Published(article_id, metadata.partition, metadata.offset)


def publish_articles(settings: Settings, bootstrap: str, articles: Iterable[Article]) -> list[str]:
    """Send the articles (see send_articles); returns their ids once all are acknowledged."""
    published = list(send_articles(settings, bootstrap, articles))
    failed = [p for p in published if p.error]
    if failed:
        raise ValueError(f"article {failed[0].article_id}: {failed[0].error}")
    return [p.article_id for p in published]


def _record(r: Any) -> Record:
    return Record(r.topic, r.partition, r.offset, r.timestamp if r.timestamp is not None and r.timestamp >= 0
                  else None, r.key, r.value, tuple(r.headers or ()))


def consume(
    settings: Settings,
    bootstrap: str,
    topic: str,
    *,
    from_beginning: bool,
    idle_timeout: float | None,
    max_messages: int | None = None,
    key: bytes | None = None,
) -> Iterator[Record]:
    """Every record of `topic` (with this key, if given) from its end (or beginning), until max_messages records
    or idle_timeout seconds without a record; idle_timeout None follows the topic until interrupted."""
    if max_messages == 0:
        return
    consumer = make_consumer(
        settings,
        bootstrap,
        topic,
        auto_offset_reset="earliest" if from_beginning else "latest",
        consumer_timeout_ms=float("inf") if idle_timeout is None else int(idle_timeout * 1000),
    )
    try:
        count = 0
        for record in consumer:
            if key is not None and record.key != key:
                continue
            yield _record(record)
            count += 1
            if max_messages is not None and count >= max_messages:
                return
    finally:
        consumer.close()


def read_to_end(
    settings: Settings,
    bootstrap: str,
    topic: str,
    *,
    since: datetime | None = None,
    idle_timeout: float = 10.0,
    on_partitions: Callable[[int], None] | None = None,
) -> Iterator[Record]:
    """Every record of `topic` from the beginning (or the first at or after `since`, by record time) up to
    the end offsets it had when the read began. Gives up after idle_timeout seconds without a record."""
    consumer = make_consumer(settings, bootstrap)
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not tps:
            return
        consumer.assign(tps)
        ends = consumer.end_offsets(tps)
        starts = consumer.beginning_offsets(tps)
        if since is not None:
            found = consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in tps})
            starts = {tp: (found[tp].offset if found.get(tp) else ends[tp]) for tp in tps}
        for tp in tps:
            consumer.seek(tp, starts[tp])
        if on_partitions is not None:
            on_partitions(sum(max(0, ends[tp] - starts[tp]) for tp in tps))
        remaining = {tp for tp in tps if starts[tp] < ends[tp]}
        last_record = time.monotonic()
        while remaining:
            batches = consumer.poll(timeout_ms=500, max_records=1000)
            if batches:
                last_record = time.monotonic()
            elif time.monotonic() - last_record > idle_timeout:
                raise TimeoutError(
                    f"{topic}: no record came for {idle_timeout:g} s before the end offsets were reached")
            for tp, records in batches.items():
                for record in records:
                    if record.offset < ends[tp]:
                        yield _record(record)
            for tp in list(remaining):
                if consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        consumer.close()


def current_relations(settings: Settings, bootstrap: str, idle_timeout: float = 10.0) -> dict[str, bytes]:
    """The latest RelationState per dyad, read from the compacted relations topic up to its end."""
    latest: dict[str, bytes] = {}
    for record in read_to_end(settings, bootstrap, settings.topic_relations, idle_timeout=idle_timeout):
        if record.key is None:
            continue
        if record.value is None:
            latest.pop(record.key.decode(), None)
        else:
            latest[record.key.decode()] = record.value
    return latest

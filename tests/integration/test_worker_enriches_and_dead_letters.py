"""Integration: the worker on a real broker enriches articles and dead-letters bad input without dying."""

from __future__ import annotations

import base64
import json

import pytest
from kafka import KafkaProducer

from streams.core.models import Article, DeadLetter, EnrichedArticle
from streams.kafka.clients import publish_articles
from tests.support.polling import wait_for
from tests.support.workers import TopicReader

pytestmark = pytest.mark.integration


def test_the_sample_article_comes_out_enriched_with_its_five_states(
    kafka_bootstrap, worker_settings, start_worker, sample_text
):
    worker = start_worker()
    article = Article(id="sample-1", text=sample_text, title="China, Iran to deepen defense ties")
    assert publish_articles(worker_settings, kafka_bootstrap, [article]) == ["sample-1"]

    reader = TopicReader(kafka_bootstrap, worker_settings.topic_enriched)
    try:
        records = wait_for(
            reader.poll, timeout=180, what=lambda: f"an enriched article; worker log:\n{worker.log()[-3000:]}"
        )
    finally:
        reader.close()
    key, value = records[0]
    enriched = EnrichedArticle.model_validate_json(value)
    assert key == b"sample-1"
    assert enriched.article_id == "sample-1"
    assert {"CHN", "IRN", "USA", "RUS", "UKR"} <= set(enriched.actors)
    assert worker.alive()


BAD_INPUTS = {
    "invalid-json": (b'{"id": "x", "text": ', "InvalidJson"),
    "missing-text": (json.dumps({"id": "no-text", "title": "headline only"}).encode(), "InvalidArticle"),
    "empty-text": (json.dumps({"id": "empty", "text": "   "}).encode(), "InvalidArticle"),
    "five-mb-body": (
        json.dumps({"id": "huge", "text": "war " * (5 * 1024 * 1024 // 4)}).encode(),
        "InvalidArticle",
    ),
    "random-bytes": (bytes(range(256)) * 8, "InvalidUtf8"),
}


def test_bad_inputs_become_dead_letters_with_reasons_and_the_next_good_article_still_flows(
    kafka_bootstrap, worker_settings, start_worker
):
    worker = start_worker()
    producer = KafkaProducer(
        bootstrap_servers=kafka_bootstrap, max_request_size=worker_settings.max_message_bytes
    )
    for name, (value, _) in BAD_INPUTS.items():
        producer.send(worker_settings.topic_articles, key=name.encode(), value=value)
    good = Article(id="good-after-bad", text="Japan and India signed a defense agreement in Tokyo on Monday.")
    producer.send(
        worker_settings.topic_articles, key=b"good-after-bad", value=good.model_dump_json().encode()
    )
    producer.flush()
    producer.close()

    dead = TopicReader(kafka_bootstrap, worker_settings.topic_deadletter)
    enriched = TopicReader(kafka_bootstrap, worker_settings.topic_enriched)
    try:
        wait_for(
            lambda: len(dead.poll()) >= len(BAD_INPUTS),
            timeout=180,
            what=lambda: f"{len(BAD_INPUTS)} dead letters; worker log:\n{worker.log()[-3000:]}",
        )
        wait_for(enriched.poll, timeout=120, what="the good article after the bad ones")
    finally:
        dead.close()
        enriched.close()

    letters = {
        base64.b64decode(d.key_b64 or "").decode(): d
        for d in (DeadLetter.model_validate_json(v) for _, v in dead.records)
    }
    assert set(letters) == set(BAD_INPUTS)
    for name, (value, error_type) in BAD_INPUTS.items():
        letter = letters[name]
        assert letter.error_type == error_type, (name, letter.reason)
        assert letter.reason
        assert letter.topic == worker_settings.topic_articles
        assert letter.value_size == len(value)
        assert base64.b64decode(letter.value_b64) == value
    assert "1000000" in letters["five-mb-body"].reason
    assert [EnrichedArticle.model_validate_json(v).article_id for _, v in enriched.records] == [
        "good-after-bad"
    ]
    assert worker.alive()

"""Integration: one worker on a real broker takes a batch of hostile messages; every one is accounted for."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime

import pytest
from kafka import KafkaProducer

from streams.core.models import DeadLetter, EnrichedArticle
from streams.kafka.admin import ensure_topics
from tests.support.polling import wait_for
from tests.support.workers import TopicReader

pytestmark = pytest.mark.integration

TEN_MB = 10 * 1024 * 1024
HUGE_INTEGER = b'{"id": "big-int", "text": "Chile met Peru.", "n": 1' + b"1" * 4999 + b"}"
"""Python refuses to parse an integer of more than 4,300 digits with a plain ValueError, not a JSONDecodeError."""


@dataclass(frozen=True)
class Hostile:
    """One message to throw at the worker and where it must end: 'enriched' or a dead-letter error type."""

    name: str
    value: bytes | None
    ends_as: str
    key: bytes | None = b""

    @property
    def record_key(self) -> bytes | None:
        return self.name.encode() if self.key == b"" else self.key


def article(article_id: str, text: str, **extra: object) -> bytes:
    return json.dumps({"id": article_id, "text": text, **extra}).encode()


def nested(depth: int) -> bytes:
    return b'{"id": "nested", "text": "Chile praised Peru.", "extra": ' + b"[" * depth + b"]" * depth + b"}"


LONG_SENTENCE = " ".join(["France", "and", "Germany", "discussed", "trade", "with", "Italy"] * 715)
ZH = "中国外交部长周一在北京会见了伊朗外长，双方签署了合作协议。"
AR = "التقى وزير خارجية مصر بنظيره السوداني في القاهرة يوم الاثنين."
RU = "Россия обвинила Украину 🚀🔥 в нарушении перемирия. \u202eevil\u202c"
HTML = ("<html><script>alert('Japan attacks India')</script><p>Japan and <b>India</b> signed a "
        "<a href='javascript:x'>defense pact</a> on Monday.</p><!-- France --></html>")
CONTROL = "Kenya\u0000 and\u0008 Ethiopia\u001b[31m signed a water deal.\u0007"

HOSTILE = [
    Hostile("invalid-json", b'{"id": "x", "text": "unterminated', "InvalidJson"),
    Hostile("json-array", b'["Japan", "India"]', "NotAnObject"),
    Hostile("wrong-types", b'{"id": 17, "text": ["Kenya", "Ethiopia"], "title": 3}', "InvalidArticle"),
    Hostile("bad-date", article("bad-date", "Egypt met Sudan.", published_at="soon"), "InvalidArticle"),
    Hostile("id-too-long", article("x" * 300, "Egypt met Sudan."), "InvalidArticle"),
    Hostile("missing-text", json.dumps({"id": "missing-text"}).encode(), "InvalidArticle"),
    Hostile("empty-text", article("empty-text", " \n\t "), "InvalidArticle"),
    Hostile("null-value", None, "EmptyMessage"),
    Hostile("ten-mb-body", article("ten-mb", "peace " * (TEN_MB // 6)), "InvalidArticle"),
    Hostile("five-thousand-digit-integer", HUGE_INTEGER, "InvalidJson"),
    Hostile("one-mb-key-twelve-mb-value", article("big-key", "war " * (12 * 1024 * 1024 // 4)), "InvalidArticle",
            key=b"k" * (1024 * 1024)),
    Hostile("invalid-utf8", b'{"id": "bad-utf8", "text": "Poland \xff\xfe Belarus"}', "InvalidUtf8"),
    Hostile("raw-control-chars", b'{"id": "raw-ctl", "text": "Chile\x00\x07 met Peru"}', "InvalidJson"),
    Hostile("deep-nesting", nested(200_000), "JsonTooDeep"),
    Hostile("lone-surrogate-text", b'{"id": "s-text", "text": "Turkey \\ud800 warned Greece."}',
            "InvalidUnicode"),
    Hostile("lone-surrogate-title", b'{"id": "s-title", "title": "\\udfff", "text": "Turkey warned Greece."}',
            "InvalidUnicode"),
    Hostile("lone-surrogate-id", b'{"id": "\\ud83d", "text": "Chile met Peru."}', "InvalidArticle"),
    Hostile("surrogate-pair", b'{"id": "pair", "text": "Chile \\ud83d\\ude80 met Peru."}', "enriched"),
    Hostile("escaped-control-chars", article("escaped-ctl", CONTROL), "enriched"),
    Hostile("modest-nesting", nested(300), "enriched"),
    Hostile("five-thousand-words", article("long-sentence", LONG_SENTENCE), "enriched"),
    Hostile("chinese", article("zh", ZH), "enriched"),
    Hostile("arabic", article("ar", AR), "enriched"),
    Hostile("russian-and-emoji", article("ru", RU), "enriched"),
    Hostile("html", article("html", HTML), "enriched"),
    Hostile("same-id-first", article("twice", "Brazil praised Argentina for the trade deal."), "enriched",
            key=b"twice"),
    Hostile("same-id-second", article("twice", "Brazil accused Argentina of dumping steel."), "enriched",
            key=b"twice"),
    Hostile("key-not-utf8", article("odd-key", "Egypt and Sudan signed a dam agreement."), "enriched",
            key=b"\xff\xfe\x00key"),
    Hostile("no-key", article("no-key", "Chile and Peru held talks in Lima."), "enriched", key=None),
]


def test_every_hostile_message_ends_enriched_or_dead_lettered_and_the_books_balance(
    kafka_bootstrap, worker_settings, start_worker
):
    ensure_topics(worker_settings, kafka_bootstrap)  # before the producer, so it cannot auto-create them
    worker = start_worker()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                             max_request_size=worker_settings.max_message_bytes)
    for hostile in HOSTILE:
        sent = producer.send(worker_settings.topic_articles, key=hostile.record_key, value=hostile.value)
        sent.get(timeout=60)
    producer.close()
    total = len(HOSTILE)

    enriched = TopicReader(kafka_bootstrap, worker_settings.topic_enriched)
    dead = TopicReader(kafka_bootstrap, worker_settings.topic_deadletter)
    started = time.monotonic()
    try:
        def accounted() -> bool:
            assert worker.alive(), f"the worker died:\n{worker.log()[-4000:]}"
            return len(enriched.poll()) + len(dead.poll()) >= total

        wait_for(accounted, timeout=300, interval=1.0,
                 what=lambda: f"{total} records on enriched + dead letters, got {len(enriched.records)} + "
                              f"{len(dead.records)}; worker log:\n{worker.log()[-4000:]}")
        settle_until = time.monotonic() + 5  # anything extra (a double send) would show up by now
        while time.monotonic() < settle_until:
            enriched.poll()
            dead.poll()
    finally:
        enriched.close()
        dead.close()
    print(f"hostile batch of {total}: {len(enriched.records)} enriched + {len(dead.records)} dead letters "
          f"in {time.monotonic() - started:.1f}s")

    assert len(enriched.records) + len(dead.records) == total, "articles in != enriched + dead letters"
    out = [EnrichedArticle.model_validate_json(v) for _, v in enriched.records]
    letters = [DeadLetter.model_validate_json(v) for _, v in dead.records]
    by_key = {d.key_sha256: d for d in letters}
    wanted_ids = sorted(json.loads(h.value or b"")["id"] for h in HOSTILE if h.ends_as == "enriched")
    assert sorted(e.article_id for e in out) == wanted_ids
    for hostile in HOSTILE:
        if hostile.ends_as == "enriched":
            continue
        key = hostile.record_key
        letter = by_key.get(hashlib.sha256(key).hexdigest() if key is not None else None)
        assert letter is not None, f"{hostile.name}: no dead letter"
        assert letter.error_type == hostile.ends_as, (hostile.name, letter.reason)
        assert letter.reason and letter.topic == worker_settings.topic_articles and letter.stage == "article"
        assert letter.value_size == len(hostile.value or b"")
        assert letter.value_sha256 == hashlib.sha256(hostile.value or b"").hexdigest()
        assert letter.key_size == (len(key) if key is not None else None)
        assert letter.offset is not None and letter.partition is not None
        kept_value = base64.b64decode(letter.value_b64)
        assert (hostile.value or b"").startswith(kept_value)
        assert letter.value_truncated == (len(kept_value) < len(hostile.value or b""))
        if key is not None:
            kept_key = base64.b64decode(letter.key_b64 or "")
            assert key.startswith(kept_key) and letter.key_truncated == (len(kept_key) < len(key))
    sizes = [len(v or b"") for _, v in dead.records]
    assert max(sizes) <= worker_settings.max_message_bytes, "every dead letter fits the message limit"
    assert len({e.digest for e in out if e.article_id == "twice"}) == 2, "both versions of one id come out"
    assert worker.alive(), worker.log()[-3000:]


def test_publishing_a_file_that_cannot_be_read_says_one_line_and_exits_non_zero(kafka_bootstrap, worker_env, tmp_path):
    """A file that is one article is refused whole (`dyadwatch: FILE: ...`, exit 2); in a .jsonl file the bad line is
    said as `FILE:LINE: ...` and the exit code is 1."""
    huge_integer = tmp_path / "huge-integer.json"
    huge_integer.write_bytes(HUGE_INTEGER)
    huge_line = tmp_path / "huge-integer.jsonl"
    huge_line.write_bytes(HUGE_INTEGER + b"\n")
    deep = tmp_path / "deep.jsonl"
    deep.write_bytes(nested(200_000) + b"\n")
    for path, code, starts in ((huge_integer, 2, f"dyadwatch: {huge_integer}: invalid JSON (a number has"),
                               (huge_line, 1, f"{huge_line}:1: invalid JSON (a number has"),
                               (deep, 1, f"{deep}:1: JSON nested too deeply")):
        done = subprocess.run([sys.executable, "-m", "streams.cli", "publish", str(path)],
                              env={**os.environ, **worker_env}, capture_output=True, text=True, timeout=120)
        assert done.returncode == code, done.stderr[-2000:]
        assert "Traceback" not in done.stderr, done.stderr[-2000:]
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(starts), done.stderr[-2000:]


def test_dates_out_of_range_are_replaced_by_the_arrival_time_and_the_table_gets_every_event(
    kafka_bootstrap, worker_settings, start_worker
):
    """Before: OverflowError in the fold (since the events branch: a refused date), a dead letter 'relation update
    failed' without the article id, the article counted as enriched and the event never in the table."""
    worker = start_worker()
    dated = {
        "year-one": ("Egypt and Sudan signed a water agreement.", "0001-01-01T00:00:00Z"),
        "year-9999": ("Kenya and Ethiopia signed a trade agreement.", "9999-12-31T23:00:00-05:00"),
        "far-future": ("Chile and Peru signed a fishing agreement.", "2999-01-01T00:00:00Z"),
    }
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for article_id, (text, published_at) in dated.items():
        producer.send(worker_settings.topic_articles, key=article_id.encode(),
                      value=article(article_id, text, published_at=published_at)).get(timeout=60)
    stray = {"dyad": "BRA|URY", "article_id": "stray", "event_time": "0001-01-01T00:00:00Z", "events": [
        {"event_index": 0, "relation": {"source": "BRA", "target": "URY", "cameo": "057", "root": 5, "quad_class": 1,
                                        "goldstein": 8.0, "confidence": 0.9, "sentence": "s", "span": [0, 1]}}]}
    producer.send(worker_settings.topic_relation_events, key=b"BRA|URY", value=json.dumps(stray).encode()).get(60)
    producer.close()

    enriched = TopicReader(kafka_bootstrap, worker_settings.topic_enriched)
    dead = TopicReader(kafka_bootstrap, worker_settings.topic_deadletter)
    relations = TopicReader(kafka_bootstrap, worker_settings.topic_relations)
    try:
        def settled() -> bool:
            table = {k: json.loads(v) for k, v in relations.poll() if k and v}
            return len(enriched.poll()) >= 3 and len(dead.poll()) >= 1 and {
                b"EGY|SDN", b"ETH|KEN", b"CHL|PER"} <= set(table)

        wait_for(settled, timeout=240, what=lambda: f"3 enriched, 1 dead letter, 3 dyads; log:\n{worker.digest()}")
        out = {e.article_id: e for e in (EnrichedArticle.model_validate_json(v) for _, v in enriched.poll())}
        letters = [DeadLetter.model_validate_json(v) for _, v in dead.poll()]
        table = {k.decode(): json.loads(v) for k, v in relations.poll() if k and v}
    finally:
        enriched.close()
        dead.close()
        relations.close()
    for article_id, (_, published_at) in dated.items():
        result = out[article_id]
        assert result.published_at == result.received_at, article_id
        assert result.published_at_rejected == datetime.fromisoformat(published_at.replace("Z", "+00:00"))
    assert all(table[d]["event_count"] == 2 for d in ("EGY|SDN", "ETH|KEN", "CHL|PER")), table
    (letter,) = letters
    assert (letter.stage, letter.article_id, letter.error_type) == ("relation_update", "stray", "RelationUpdateError")
    assert "0001-01-01" in letter.reason
    assert worker.alive()

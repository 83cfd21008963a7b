"""Unit: what an incoming message becomes (article or dead letter) and where results go."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime

import pytest

from streams.core.models import EnrichedArticle, Relation, RelationUpdate, Stance, dyad_actors, dyad_key
from streams.core.routing import (
    DEAD_LETTER_FRAMING_BYTES,
    BadArticle,
    article_id_of,
    dead_letter,
    decode_article,
    outputs_for,
)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "error_type"),
    [
        (b"", "EmptyMessage"),
        (None, "EmptyMessage"),
        (b"\xff\xfe\x00garbage", "InvalidUtf8"),
        (b'{"id": "a", "text": ', "InvalidJson"),
        (b"[1, 2, 3]", "NotAnObject"),
        (b'{"id": "a"}', "InvalidArticle"),
        (b'{"id": "a", "text": ""}', "InvalidArticle"),
        (b'{"id": 5, "text": "t"}', "InvalidArticle"),
        (b"[" * 100_000 + b"]" * 100_000, "JsonTooDeep"),
    ],
)
def test_bad_messages_are_refused_with_a_typed_reason(value, error_type):
    with pytest.raises(BadArticle) as caught:
        decode_article(value)
    assert caught.value.error_type == error_type
    assert caught.value.reason


def test_an_invalid_article_keeps_its_id_for_the_dead_letter():
    with pytest.raises(BadArticle) as caught:
        decode_article(b'{"id": "kept", "text": "  "}')
    assert caught.value.article_id == "kept"


def test_unknown_fields_of_an_article_are_ignored():
    assert decode_article(b'{"id": "a", "text": "t", "extra": 1}').id == "a"


def test_a_dead_letter_carries_the_original_bytes_and_where_they_came_from():
    record = dead_letter(
        reason="r",
        error_type="E",
        topic="articles",
        value=b"\x00\x01raw",
        key=b"k",
        partition=3,
        offset=42,
        article_id=None,
        received_at=NOW,
        max_bytes=100_000,
    )
    assert base64.b64decode(record.value_b64) == b"\x00\x01raw"
    assert base64.b64decode(record.key_b64 or "") == b"k"
    assert (record.topic, record.partition, record.offset, record.value_size, record.key_size) == (
        "articles", 3, 42, 5, 1)
    assert record.value_sha256 == hashlib.sha256(b"\x00\x01raw").hexdigest()
    assert record.key_sha256 == hashlib.sha256(b"k").hexdigest()
    assert not record.value_truncated and not record.key_truncated


def letter_of(value: bytes, key: bytes | None, max_bytes: int, reason: str = "r"):
    return dead_letter(reason=reason, error_type="E", topic="articles", value=value, key=key, partition=0,
                       offset=1, article_id="a" * 256, received_at=NOW, max_bytes=max_bytes)


def test_a_dead_letter_of_an_oversized_message_fits_the_limit_and_says_it_is_cut():
    record = letter_of(b"x" * 50_000, None, 10_000)
    assert record.value_truncated and record.value_size == 50_000
    assert len(record.model_dump_json().encode()) <= 10_000
    assert (b"x" * 50_000).startswith(base64.b64decode(record.value_b64))
    assert len(base64.b64decode(record.value_b64)) > 4_000, "the budget is used, not thrown away"
    assert record.value_sha256 == hashlib.sha256(b"x" * 50_000).hexdigest()


def test_a_huge_key_and_a_huge_value_are_both_cut_so_that_the_dead_letter_fits_with_its_key():
    """1 MB key + 12 MB value under the 16 MiB limit: before, 16,992,476 bytes, more than Kafka would take."""
    key, value = b"k" * 1024 * 1024, b"v" * 12 * 1024 * 1024
    record = letter_of(value, key, 16 * 1024 * 1024)
    assert len(record.model_dump_json().encode()) <= 16 * 1024 * 1024 - DEAD_LETTER_FRAMING_BYTES
    assert (record.key_size, record.value_size) == (len(key), len(value))
    assert record.key_sha256 == hashlib.sha256(key).hexdigest()
    assert not record.key_truncated and record.value_truncated
    small = letter_of(value, key, 100_000)
    assert small.key_truncated and small.value_truncated
    assert len(small.model_dump_json().encode()) <= 100_000 - DEAD_LETTER_FRAMING_BYTES


def test_a_dead_letter_keeps_a_bounded_reason():
    record = letter_of(b"v", None, 100_000, reason="why " * 100_000)
    assert len(record.reason) < 5_000 and record.reason.endswith("[...]")


def test_a_five_thousand_digit_integer_is_invalid_json_with_a_reason_for_the_sender():
    with pytest.raises(BadArticle) as caught:
        decode_article(b'{"id": "x", "text": "Chile met Peru.", "n": 1' + b"1" * 4999 + b"}")
    assert caught.value.error_type == "InvalidJson"
    assert "more than 4300 digits; send such numbers as strings" in caught.value.reason


def test_any_unforeseen_failure_of_decoding_is_a_bad_article(monkeypatch):
    def broken(data):
        raise ZeroDivisionError("surprise")

    monkeypatch.setattr("streams.core.routing.Article.model_validate", broken)
    with pytest.raises(BadArticle) as caught:
        decode_article(b'{"id": "x", "text": "Chile met Peru."}')
    assert caught.value.error_type == "UndecodableMessage" and "ZeroDivisionError: surprise" in caught.value.reason


def test_dyad_keys_are_unordered():
    assert dyad_key("IRN", "CHN") == dyad_key("CHN", "IRN") == "CHN|IRN"


def test_a_dyad_key_splits_back_into_its_two_codes_and_anything_else_is_refused():
    assert dyad_actors(dyad_key("USA", "CHN")) == ("CHN", "USA")
    for bad in ("CHN", "CHN|IRN|USA"):
        with pytest.raises(ValueError, match="join two actor codes"):
            dyad_actors(bad)


def _relation(source: str, target: str) -> Relation:
    return Relation(
        source=source,
        target=target,
        cameo="042",
        root=4,
        quad_class=1,
        goldstein=1.9,
        confidence=0.8,
        sentence="s",
        span=(0, 1),
    )


def test_an_enriched_article_fans_out_to_its_topics_with_one_update_per_dyad():
    enriched = EnrichedArticle(
        article_id="a1",
        extractor_version="t",
        received_at=NOW,
        digest="d" * 32,
        source="Wire Service",
        relations=[_relation("IRN", "CHN"), _relation("RUS", "UKR"), _relation("CHN", "IRN")],
        stances=[
            Stance(holder="IRN", polarity="oppose", target="RUS", sentence="s", span=(0, 1), confidence=0.7)
        ],
    )
    outs = outputs_for(enriched)
    assert [(o.role, o.key) for o in outs] == [
        ("enriched", "a1"),
        ("stances", "a1"),
        ("relation_events", "CHN|IRN"),
        ("relation_events", "RUS|UKR"),
    ]
    update = RelationUpdate.model_validate_json(outs[2].value)
    assert [e.event_index for e in update.events] == [0, 2]
    assert (update.event_time, update.publisher, update.update_id) == (NOW, "Wire Service", "a1@dddddddddddddddd")
    assert [e.event_id for e in update.events_view()] == ["a1@dddddddddddddddd#0", "a1@dddddddddddddddd#2"]
    assert json.loads(outs[0].value)["article_id"] == "a1"


def test_an_article_without_events_sends_no_update():
    enriched = EnrichedArticle(article_id="a1", extractor_version="t", received_at=NOW)
    assert [o.role for o in outputs_for(enriched)] == ["enriched"]


def test_updates_take_the_publication_time_over_the_arrival_time():
    published = datetime(2026, 1, 2, tzinfo=UTC)
    enriched = EnrichedArticle(
        article_id="a1",
        extractor_version="t",
        received_at=NOW,
        published_at=published,
        relations=[_relation("IRN", "CHN")],
    )
    update = RelationUpdate.model_validate_json(outputs_for(enriched)[-1].value)
    assert update.event_time == published


@pytest.mark.parametrize(
    ("value", "article_id"),
    [
        (b'{"article_id": "a1", "dyad": "x"}', "a1"),
        (b'{"article_id": 5}', None),
        (b'{"article_id": "' + b"x" * 300 + b'"}', None),
        (b"[1]", None),
        (b"\xff", None),
        (None, None),
        (b'{"article_id": "a1", "n": 1' + b"1" * 5000 + b"}", None),
    ],
)
def test_the_article_id_of_a_relation_message_is_read_when_it_can_be_and_never_raises(value, article_id):
    assert article_id_of(value) == article_id


def test_a_dead_letter_names_its_stage():
    letter = dead_letter(reason="r", error_type="E", topic="relation-events", value=b"{}", key=None, partition=0,
                         offset=0, article_id="a1", received_at=NOW, max_bytes=10_000, stage="relation_update")
    assert (letter.stage, letter.article_id) == ("relation_update", "a1")
    assert dead_letter(reason="r", error_type="E", topic="articles", value=b"", key=None, partition=0, offset=0,
                       article_id=None, received_at=NOW, max_bytes=10_000).stage == "article"

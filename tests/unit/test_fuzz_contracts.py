"""Unit: property tests of the message contracts; decode_article refuses anything with BadArticle only.

Examples per test: DYADWATCH_FUZZ_EXAMPLES (default 150); see docs/reliability.md for a long run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import string
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.core.models import MAX_TEXT_BYTES, Article, DeadLetter
from streams.core.routing import DEAD_LETTER_FRAMING_BYTES, BadArticle, dead_letter, decode_article

EXAMPLES = int(os.environ.get("DYADWATCH_FUZZ_EXAMPLES", "150"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ids = st.text(min_size=1, max_size=256)
texts = st.text(min_size=1, max_size=2000).filter(lambda t: t.strip() != "")
optional_text = st.none() | st.text(max_size=200)
articles = st.builds(
    Article,
    id=ids,
    text=texts,
    title=optional_text,
    url=optional_text,
    source=optional_text,
    published_at=st.none() | st.datetimes(timezones=st.just(UTC)),
    language=st.text(alphabet=string.ascii_lowercase + "-", max_size=16),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30,
)


@fuzz
@given(articles)
def test_an_article_survives_a_round_trip_through_json(article):
    assert Article.model_validate_json(article.model_dump_json()) == article


@fuzz
@given(articles)
def test_what_a_client_publishes_the_worker_decodes_to_the_same_article(article):
    assert decode_article(article.model_dump_json(exclude_none=True).encode()) == article


@fuzz
@given(st.binary(max_size=4000))
def test_decoding_arbitrary_bytes_gives_an_article_or_a_bad_article_with_a_reason(value):
    try:
        decoded = decode_article(value)
    except BadArticle as refused:
        assert refused.reason and refused.error_type
    else:
        assert isinstance(decoded, Article) and decoded.id and decoded.text


@fuzz
@given(json_values)
def test_decoding_any_json_value_gives_an_article_or_a_bad_article(value):
    try:
        decode_article(json.dumps(value).encode())
    except BadArticle as refused:
        assert refused.reason


@fuzz
@given(articles, st.data())
def test_a_mutated_article_gives_an_article_or_a_bad_article(article, data):
    raw = bytearray(article.model_dump_json().encode())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "drop", "insert"]))
        if action == "flip":
            raw[at] ^= 1 << data.draw(st.integers(0, 7))
        elif action == "drop":
            del raw[at]
        else:
            raw.insert(at, data.draw(st.integers(0, 255)))
        if not raw:
            break
    try:
        decoded = decode_article(bytes(raw))
    except BadArticle as refused:
        assert refused.reason and refused.error_type
        return
    # whatever is accepted can be written out again as UTF-8 JSON and read back as the same article
    assert Article.model_validate_json(decoded.model_dump_json().encode("utf-8")) == decoded


@fuzz
@given(st.binary(max_size=5000), st.none() | st.binary(max_size=5000), st.integers(0, 6000), st.text(max_size=300))
def test_a_dead_letter_of_any_bytes_is_valid_json_fits_its_limit_and_says_what_was_cut(value, key, room, reason):
    limit = DEAD_LETTER_FRAMING_BYTES + 4000 + room
    letter = dead_letter(reason=reason, error_type="E", topic="articles", value=value, key=key, partition=0,
                         offset=1, article_id=None, received_at=datetime.now(UTC), max_bytes=limit)
    encoded = letter.model_dump_json().encode()
    assert len(encoded) <= limit - DEAD_LETTER_FRAMING_BYTES
    again = DeadLetter.model_validate_json(encoded)
    kept_value = base64.b64decode(again.value_b64)
    assert value.startswith(kept_value) and again.value_truncated == (len(kept_value) < len(value))
    assert again.value_size == len(value) and again.value_sha256 == hashlib.sha256(value).hexdigest()
    if key is None:
        assert again.key_b64 is None and again.key_size is None and not again.key_truncated
    else:
        kept_key = base64.b64decode(again.key_b64 or "")
        assert key.startswith(kept_key) and again.key_truncated == (len(kept_key) < len(key))
        assert again.key_size == len(key) and again.key_sha256 == hashlib.sha256(key).hexdigest()


@pytest.mark.parametrize("field", ["id", "text", "title", "url", "source"])
def test_a_lone_surrogate_escape_in_any_text_field_is_refused_before_it_can_break_the_output(field):
    raw = {"id": "a", "text": "Chile met Peru.", field: "before \ud800 after"}
    with pytest.raises(BadArticle) as refused:
        decode_article(json.dumps(raw).encode())
    assert refused.value.error_type in ("InvalidUnicode", "InvalidArticle")
    assert refused.value.article_id is None or refused.value.article_id.encode("utf-8")


def test_a_surrogate_pair_escape_is_a_real_character_and_accepted():
    assert decode_article(b'{"id": "a", "text": "rocket \\ud83d\\ude80"}').text == "rocket \U0001f680"


def test_text_just_over_the_limit_is_refused_and_just_under_is_accepted():
    assert decode_article(json.dumps({"id": "a", "text": "x" * MAX_TEXT_BYTES}).encode())
    with pytest.raises(BadArticle):
        decode_article(json.dumps({"id": "a", "text": "é" * (MAX_TEXT_BYTES // 2 + 1)}).encode())

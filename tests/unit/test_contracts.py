"""Unit: the message contracts and their committed JSON Schemas."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from streams.core.models import MAX_TEXT_BYTES, Article
from streams.core.schemas import render_schemas

ROOT = Path(__file__).resolve().parents[2]


def test_an_article_needs_text():
    with pytest.raises(ValidationError, match="text"):
        Article.model_validate({"id": "a1"})


def test_whitespace_is_not_text():
    with pytest.raises(ValidationError, match="text is empty"):
        Article(id="a1", text=" \n\t ")


def test_text_over_one_megabyte_of_utf8_is_refused_with_the_limit_in_the_message():
    text = "é" * (MAX_TEXT_BYTES // 2 + 1)  # under a million characters, over a million bytes
    with pytest.raises(ValidationError, match=str(MAX_TEXT_BYTES)):
        Article(id="a1", text=text)


def test_text_of_exactly_one_megabyte_is_accepted():
    assert len(Article(id="a1", text="a" * MAX_TEXT_BYTES).text) == MAX_TEXT_BYTES


def test_published_at_is_parsed_from_iso_8601():
    article = Article.model_validate({"id": "a", "text": "t", "published_at": "2026-11-27T10:00:00Z"})
    assert article.published_at is not None and article.published_at.year == 2026


def test_derived_ids_depend_on_content_only():
    assert Article.derive_id("same text") == Article.derive_id("same text")
    assert Article.derive_id("same text") != Article.derive_id("other text")


def test_committed_schemas_match_the_models():
    rendered = render_schemas()
    committed = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "schemas").glob("*.schema.json")}
    assert set(committed) == set(rendered), "run `dyadwatch schemas` and commit schemas/"
    for name, text in rendered.items():
        assert committed[name] == text, f"schemas/{name} drifted from the model: run `dyadwatch schemas`"

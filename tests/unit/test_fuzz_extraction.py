"""Unit: fuzz the extraction entry point with random and mutated text; it must never raise.

Examples per test: DYADWATCH_FUZZ_EXAMPLES (default 60); see docs/reliability.md for a long run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.core.extract import Extractor, load_extractor
from streams.core.models import Article, EnrichedArticle

EXAMPLES = int(os.environ.get("DYADWATCH_FUZZ_EXAMPLES", "60"))
fuzz = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

SEEDS = [
    "Japan and India signed a defense cooperation agreement on Monday.",
    "The foreign minister of Egypt met his counterpart from Sudan in Geneva, officials said.",
    "Troops from Turkey shelled positions in Greece, killing several soldiers.",
    "Brazil did not impose sanctions on Argentina, but it accused its government of lying.",
    "NATO urged Russia to withdraw; Ukraine's president said Kyiv would not negotiate.",
    "Chile said Peru had agreed to free the prisoners, while the UN demanded an inquiry.",
]
WORDS = ["Japan", "India", "NATO", "the", "of", "signed", "accused", "not", "minister", "troops", "EU", "UN",
         "Mr.", "Kenya's", "and", "she", "it", "they", "said", "to", "attack", "aid", ",", ".", ";", "\n\n",
         "(", ")", "\"", "U.S.", "army", "Russian", "Chinese", "president", "of", "Ethiopia", "'s", "-", "…"]

texts_from_words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=80).map(" ".join)
any_text = st.text(min_size=1, max_size=600)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A seed sentence with words dropped, doubled, swapped or replaced by noise."""
    words = draw(st.sampled_from(SEEDS)).split(" ")
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(words) - 1))
        action = draw(st.sampled_from(["drop", "double", "swap", "noise", "upper"]))
        if action == "drop" and len(words) > 1:
            del words[at]
        elif action == "double":
            words.insert(at, words[at])
        elif action == "swap":
            other = draw(st.integers(0, len(words) - 1))
            words[at], words[other] = words[other], words[at]
        elif action == "noise":
            words[at] = draw(st.text(min_size=1, max_size=12))
        else:
            words[at] = words[at].upper()
    return " ".join(words)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor()


def check(extractor: Extractor, text: str) -> None:
    if not text.strip():
        return
    article = Article(id="fuzz", text=text)
    enriched = extractor.extract(article)
    again = EnrichedArticle.model_validate_json(enriched.model_dump_json())
    assert again.article_id == "fuzz"
    for entity in enriched.entities:
        assert 0 <= entity.start <= entity.end <= len(text)
    for relation in enriched.relations:
        assert relation.source and relation.target
        assert 0 <= relation.span[0] <= relation.span[1] <= len(text)


@fuzz
@given(text=any_text)
def test_extraction_survives_random_unicode_text(extractor, text):
    check(extractor, text)


@fuzz
@given(text=texts_from_words)
def test_extraction_survives_random_sequences_of_news_words(extractor, text):
    check(extractor, text)


@fuzz
@given(text=mutated())
def test_extraction_survives_mutated_news_sentences(extractor, text):
    check(extractor, text)


def test_extraction_of_a_batch_matches_one_by_one_on_awkward_texts(extractor):
    awkward = ["\x00\x01\x02", "   x", "é" * 500, "Japan" * 200, ". . . . .", "<p>France</p>" * 30,
               "\u202e\u200b", "NATO " * 300]
    articles = [Article(id=f"a{i}", text=t) for i, t in enumerate(awkward)]
    many = list(extractor.extract_many(articles))
    assert [e.article_id for e in many] == [a.id for a in articles]
    assert [e.relations for e in many] == [extractor.extract(a).relations for a in articles]

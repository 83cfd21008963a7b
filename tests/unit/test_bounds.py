"""Unit: the bounds on one article's work: normalised text, parts and their merge, caps, sane dates."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.bounded import BoundedExtractor, part_ranges
from streams.core.bounds import Bounds, Refused, cut_utf8, sane_published_at
from streams.core.extract import load_extractor
from streams.core.models import Article, EnrichedArticle
from tests.conftest import DATA, SAMPLE

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BOUNDS = Bounds()


def corpus_texts() -> list[str]:
    return [json.loads(line)["text"] for split in ("dev", "test")
            for line in (DATA / "events" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def test_normalising_leaves_news_text_exactly_as_it_is():
    """The stream analyses the same text as the labelled corpus: quality figures stay true."""
    for text in [*corpus_texts(), SAMPLE.read_text(encoding="utf-8")]:
        assert BOUNDS.normalise(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_normalised_text_has_the_same_length_and_no_long_runs(text):
    bounds = Bounds(symbol_run=3, word_chars=7)
    normal = bounds.normalise(text)
    assert len(normal) == len(text)
    assert all(len(run) <= 7 for run in normal.split())
    assert not bounds._symbol_runs.search(normal)
    assert all(n == t or n == " " for n, t in zip(normal, text, strict=True))


def test_a_long_run_of_symbols_keeps_its_beginning_and_a_long_word_is_broken():
    normal = BOUNDS.normalise("Chile" + ")" * 40 + " met " + "x" * 250)
    assert normal.startswith("Chile" + ")" * 16 + " " * 24 + " met ")
    assert normal.split()[2:] == ["x" * 100, "x" * 100, "x" * 48]


def test_a_part_never_holds_more_tokens_than_the_budget_and_prefers_sentence_ends():
    doc = spacy.blank("en")(" ".join(f"Sentence {i} has five tokens." for i in range(40)) + " " + "word " * 30)
    ranges = part_ranges(doc, 23)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(doc)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    assert all(0 < end - start <= 23 for start, end in ranges)
    assert all(doc[end - 1].text == "." for _, end in ranges[:-3])  # cut after a full stop while there is one


@pytest.fixture(scope="module")
def extractor():
    return load_extractor()


def test_news_articles_come_out_of_the_bounded_extractor_exactly_as_out_of_the_extractor(extractor):
    """The stream (bounded) finds what the quality figures measure (the Extractor): same entities, events, stances."""
    articles = [Article(id=f"c{i}", text=t) for i, t in enumerate([SAMPLE.read_text(encoding="utf-8"),
                                                                     *corpus_texts()[:60]])]
    bounded = BoundedExtractor(extractor).extract_many(articles, NOW)
    plain = list(extractor.extract_many(articles, received_at=NOW))
    assert bounded == plain


def test_an_article_in_parts_merges_into_offsets_of_its_own_text_with_unique_event_indexes(extractor):
    sentences = [f"Japan and India signed a defense pact in round {i}. Chile accused Peru of spying." for i in range(6)]
    article = Article(id="parts", text="  ".join(sentences), title="t", published_at=NOW - timedelta(hours=1))
    whole = BoundedExtractor(extractor, Bounds()).extract_many([article], NOW)[0]
    parted = BoundedExtractor(extractor, Bounds(part_tokens=30)).extract_many([article], NOW)[0]
    assert isinstance(whole, EnrichedArticle) and isinstance(parted, EnrichedArticle)
    assert len(parted.relations) == len(whole.relations) >= 12
    for relation in parted.relations:
        assert article.text[relation.span[0]:relation.span[1]] == relation.sentence
    for entity in parted.entities:
        assert article.text[entity.start:entity.end] == entity.text
    assert [(r.source, r.target, r.cameo, r.span[0], r.sentence.strip()) for r in parted.relations] == [
        (r.source, r.target, r.cameo, r.span[0], r.sentence.strip()) for r in whole.relations]
    assert parted.digest == article.digest and parted.actors == whole.actors
    assert parted.published_at == article.published_at and parted.published_at_rejected is None


def test_an_article_over_the_token_budget_is_refused_naming_the_limit(extractor):
    article = Article(id="long", text="Chile met Peru. " * 200)
    (result,) = BoundedExtractor(extractor, Bounds(part_tokens=100, article_tokens=500)).extract_many([article], NOW)
    assert isinstance(result, Refused) and result.error_type == "ArticleTooLong"
    assert "800 tokens" in result.reason and "DYADWATCH_MAX_ARTICLE_TOKENS" in result.reason


@pytest.mark.parametrize("run", ["(" * 40_000, "\U0001f600" * 40_000, "a" + "'s" * 5_000, "Chile" + ")" * 40_000])
def test_long_runs_of_punctuation_or_emoji_are_analysed_and_keep_their_offsets(extractor, run):
    """Before the normalisation 40 KB of '(' took 177 s and 40,000 emoji 238 s; this test would not end."""
    text = f"Japan and India signed a defense pact. {run} Chile accused Peru of spying."
    (result,) = BoundedExtractor(extractor).extract_many([Article(id="run", text=text)], NOW)
    assert isinstance(result, EnrichedArticle)
    assert {"CHL", "PER", "JPN", "IND"} <= set(result.actors)
    for entity in result.entities:
        assert text[entity.start:entity.end] == entity.text


def test_evidence_sentences_are_cut_to_their_byte_cap_at_a_character_boundary(extractor):
    text = "Japan and India signed a defense pact " + "ü" * 3000 + "."
    (result,) = BoundedExtractor(extractor, Bounds(sentence_bytes=101)).extract_many([Article(id="c", text=text)], NOW)
    assert isinstance(result, EnrichedArticle) and result.relations
    for relation in result.relations:
        assert len(relation.sentence.encode()) <= 101 and relation.sentence.endswith("…")
        assert text.startswith(relation.sentence[:-1])


def test_cut_utf8_keeps_whole_characters():
    assert cut_utf8("short", 10) == "short"
    assert cut_utf8("€€€€", 9) == "€€…" and cut_utf8("€€€€", 8) == "€…"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), False),
        (datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))), False),
        (datetime(1899, 12, 31, 23, 59, tzinfo=UTC), False),
        (NOW + timedelta(days=1, seconds=1), False),
        (NOW + timedelta(hours=23), True),
        (datetime(1900, 1, 1, tzinfo=UTC), True),
        (datetime(2026, 3, 1, 12, 0), True),  # no zone: read as UTC
        (datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=14))), True),
    ],
)
def test_a_publication_time_outside_the_sane_window_is_replaced_by_the_arrival_time(sent, kept):
    used, rejected = sane_published_at(sent, NOW, BOUNDS)
    assert (used, rejected) == ((sent, None) if kept else (NOW, sent))


def test_the_enriched_article_flags_a_rejected_publication_time(extractor):
    article = Article(id="old", text="Chile met Peru.", published_at=datetime(1, 1, 1, tzinfo=UTC))
    (result,) = BoundedExtractor(extractor).extract_many([article], NOW)
    assert isinstance(result, EnrichedArticle)
    assert (result.published_at, result.published_at_rejected) == (NOW, article.published_at)
    assert EnrichedArticle.model_validate_json(result.model_dump_json()) == result



def test_named_people_hold_the_roles_of_the_arrival_day_when_the_publication_time_is_rejected(extractor):
    arrived = datetime(2024, 6, 1, tzinfo=UTC)
    for sent in (datetime(1800, 1, 1, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC)):
        article = Article(id="odd", text="Rishi Sunak accused Russia of aggression.", published_at=sent)
        (result,) = BoundedExtractor(extractor).extract_many([article], arrived)
        assert isinstance(result, EnrichedArticle)
        assert {(r.source, r.target) for r in result.relations} == {("GBR", "RUS")}

def test_an_article_whose_extraction_raises_is_refused_and_the_batch_goes_on(extractor):
    class FragileNlp:
        """The real pipeline, except that a batch fails and so does any text about Peru."""

        tokenizer = extractor.nlp.tokenizer
        make_doc = extractor.nlp.make_doc

        def pipe(self, *args, **kwargs):
            raise RuntimeError("batch")

        def __call__(self, doc):
            if "Peru" in doc.text:
                raise RuntimeError("broken")
            return extractor.nlp(doc)

    bounded = BoundedExtractor(SimpleNamespace(nlp=FragileNlp()))  # type: ignore[arg-type]
    articles = [Article(id="a", text="Japan met India."), Article(id="b", text="Chile met Peru.")]
    good, bad = bounded.extract_many(articles, NOW)
    assert isinstance(good, EnrichedArticle) and good.article_id == "a" and good.actors == ["IND", "JPN"]
    assert bad == Refused("ExtractionError", "extraction failed: RuntimeError: broken")


def test_one_pipe_call_takes_at_most_the_batch_token_budget(extractor):
    """The pipeline's memory grows with the tokens of one call (5,000: +160 MB, 50,000: +720 MB here)."""
    calls: list[int] = []

    class CountingNlp:
        tokenizer = extractor.nlp.tokenizer

        def pipe(self, parts, as_tuples, batch_size):
            parts = list(parts)
            calls.append(sum(len(doc) for doc, _ in parts))
            return extractor.nlp.pipe(parts, as_tuples=as_tuples, batch_size=batch_size)

    bounded = BoundedExtractor(SimpleNamespace(nlp=CountingNlp()), Bounds(part_tokens=300, batch_tokens=700))  # type: ignore[arg-type]
    long = Article(id="long", text="Chile met Peru on Monday. " * 400)  # 2,400 tokens: 8 parts
    shorts = [Article(id=f"s{i}", text="Japan met India.") for i in range(3)]
    results = bounded.extract_many([*shorts, long], NOW)
    assert all(isinstance(r, EnrichedArticle) for r in results)
    assert calls and max(calls) <= 700 and sum(calls) == 3 * 4 + 2_400

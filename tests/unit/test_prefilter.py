"""Unit: the sentence prefilter (streams/core/prefilter.py) and the BoundedExtractor's parts made of its runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from streams.core.bounded import BoundedExtractor
from streams.core.bounds import Bounds
from streams.core.extract import load_extractor
from streams.core.models import Article, EnrichedArticle
from streams.core.prefilter import Prefilter
from streams.nlp import nlp_config
from tests.support.workers import settings_from

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
FILLER = "Tourism numbers rose by 4.8 percent in September compared with the same month last year."
WEATHER = "Heavy rain fell for most of the week and the harvest was late."


@pytest.fixture(scope="module")
def extractor():
    return load_extractor()


def kept_texts(extractor, text: str) -> list[str]:
    doc = extractor.nlp.make_doc(text)
    return [doc[start:end].text.strip() for start, end in Prefilter(extractor.nlp).kept(doc)]


def test_sentences_naming_fewer_than_two_parties_are_dropped_and_consecutive_kept_ones_joined(extractor):
    text = (f"{FILLER} Japan accused China of spying. India met Chile on Monday. {WEATHER} "
            "A museum opened in Oslo. Peru thanked Chile.")
    assert kept_texts(extractor, text) == [
        "Japan accused China of spying. India met Chile on Monday.",
        "Peru thanked Chile.",
    ]


def test_overlapping_titles_count_once_and_a_later_mention_of_a_named_person_counts(extractor):
    text = (f"Prime Minister Wei Fenghe met Japan's envoy. {FILLER} Wei praised India. "
            "The prime minister arrived late. Wei left.")
    assert kept_texts(extractor, text) == ["Prime Minister Wei Fenghe met Japan's envoy.", "Wei praised India."]


def test_a_plural_pronoun_names_a_pair_and_keeps_the_sentence_before_it(extractor):
    text = f"{FILLER} {WEATHER} They signed a pact. {FILLER} It rained. {WEATHER}"
    assert kept_texts(extractor, text) == [f"{WEATHER} They signed a pact."]


def test_a_discard_phrase_is_always_seen(extractor):
    text = f"{FILLER} The World Cup final drew a record crowd. {WEATHER}"
    assert kept_texts(extractor, text) == ["The World Cup final drew a record crowd."]


def test_an_article_with_no_candidate_sentence_is_a_valid_article_with_no_events(extractor):
    article = Article(id="plain", text=f"{FILLER} {WEATHER}", title="Markets", published_at=NOW)
    (result,) = BoundedExtractor(extractor, prefilter=True).extract_many([article], NOW)
    assert isinstance(result, EnrichedArticle)
    assert result.article_id == "plain" and result.title == "Markets" and result.digest == article.digest
    assert result.relations == [] and result.entities == [] and result.actors == []
    assert result.published_at == NOW


def test_events_of_kept_runs_point_into_the_article_and_match_the_full_pipeline(extractor):
    sentences = []
    for i in range(6):
        sentences += [f"Japan and India signed a defense pact in round {i}.", FILLER, "Chile accused Peru of spying.", WEATHER]
    article = Article(id="runs", text="  ".join(sentences), title="t")
    full = BoundedExtractor(extractor, prefilter=False).extract_many([article], NOW)[0]
    for bounds in (Bounds(), Bounds(part_tokens=100)):
        kept = BoundedExtractor(extractor, bounds, prefilter=True).extract_many([article], NOW)[0]
        assert isinstance(kept, EnrichedArticle) and isinstance(full, EnrichedArticle)
        for relation in kept.relations:
            assert article.text[relation.span[0]:relation.span[1]] == relation.sentence
        for entity in kept.entities:
            assert article.text[entity.start:entity.end] == entity.text
        assert [(r.source, r.target, r.cameo, r.span[0], r.sentence.strip()) for r in kept.relations] == [
            (r.source, r.target, r.cameo, r.span[0], r.sentence.strip()) for r in full.relations]
        assert len(kept.relations) >= 12 and kept.actors == full.actors


@pytest.mark.parametrize("prefilter", [False, True])
def test_each_part_speaks_on_the_articles_day(extractor, prefilter):
    """'Barack Obama' is USA's only while he held office: each part Doc carries the publication day."""
    text = f"Barack Obama met Dmitry Medvedev in Prague. {FILLER} " * 20
    article = Article(id="day", text=text, published_at=datetime(2010, 4, 8, tzinfo=UTC))
    (result,) = BoundedExtractor(extractor, Bounds(part_tokens=100), prefilter=prefilter).extract_many([article], NOW)
    assert isinstance(result, EnrichedArticle)
    obama = [e for e in result.entities if e.text == "Barack Obama"]
    assert len(obama) == 20 and {e.actor for e in obama} == {"USA"}


def test_the_setting_reaches_the_nlp_process_config(tmp_path):
    assert nlp_config(settings_from({})).prefilter is True
    assert nlp_config(settings_from({"DYADWATCH_PREFILTER": "off"})).prefilter is False

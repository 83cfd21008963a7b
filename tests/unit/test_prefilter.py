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
    text = (f"Prime Minister Wei Fenghe met Japan's envoy. {FILLER} Wei praised India. {FILLER} "
            "The prime minister arrived late. Wei left.")
    assert kept_texts(extractor, text) == ["Prime Minister Wei Fenghe met Japan's envoy.", "Wei praised India."]


def test_a_plural_pronoun_names_a_pair_and_keeps_the_sentence_before_it(extractor):
    text = f"{FILLER} {WEATHER} They signed a pact. {FILLER} It rained. {WEATHER}"
    assert kept_texts(extractor, text) == [f"{WEATHER} They signed a pact."]


def test_a_sentence_opened_by_its_one_party_right_after_a_kept_one_is_kept_as_its_answer(extractor):
    text = ("Poland sent troops to its border with Belarus. Minsk denied any incursion. "
            f"The Kremlin said nothing. {FILLER} Later, Minsk reported calm. Japan met Chile. Farmers blamed Peru.")
    assert kept_texts(extractor, text) == [
        "Poland sent troops to its border with Belarus. Minsk denied any incursion.",
        "Japan met Chile. Farmers blamed Peru.",
    ]


def test_a_reaction_in_the_next_sentence_is_coded_on_the_workers_path_as_by_the_extractor(extractor):
    article = Article(id="answer", text="Poland sent troops to its border with Belarus. Minsk denied any incursion.")
    (bounded,) = BoundedExtractor(extractor, prefilter=True).extract_many([article], NOW)
    whole = extractor.extract(article, NOW)
    assert isinstance(bounded, EnrichedArticle) and isinstance(whole, EnrichedArticle)
    coded = {(r.source, r.target, r.cameo) for r in whole.relations}
    assert ("BLR", "POL", "016") in coded
    assert {(r.source, r.target, r.cameo) for r in bounded.relations} == coded


def test_a_state_described_later_keeps_the_sentence_that_names_it(extractor):
    text = ("Lithuania closed two border crossings on Monday. "
            "The foreign ministry also summoned the Belarusian charge d'affaires.")
    article = Article(id="described", text=text)
    (bounded,) = BoundedExtractor(extractor, prefilter=True).extract_many([article], NOW)
    assert isinstance(bounded, EnrichedArticle)
    assert ("LTU", "BLR", "114") in {(r.source, r.target, r.cameo) for r in bounded.relations}


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
        pact = f"Japan and India signed a defense pact in round {i}."
        sentences += [pact, FILLER, "Chile accused Peru of spying.", WEATHER]
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
    assert nlp_config(settings_from({})).prefilter_ner is True
    assert nlp_config(settings_from({"DYADWATCH_PREFILTER_NER": "false"})).prefilter_ner is False


def ner_listed(extractor, text: str) -> list[tuple[str, bool, list[str]]]:
    doc = extractor.nlp.make_doc(text)
    return [
        (doc[s.start:s.end].text.strip(), s.sure, [doc[i].text for i in s.maybe])
        for s in Prefilter(extractor.nlp).plan(doc).ner
    ]


def test_ner_is_listed_for_kept_sentences_with_a_capitalised_word_outside_the_actor_matches(extractor):
    text = ("Japan accused China of spying on Monday. India met Chile in Geneva. "
            "Markets in Peru thanked Chile. BEIRUT - Syria thanked Turkey. "
            "Peru thanked an Istanbul-born envoy of Chile.")
    assert ner_listed(extractor, text) == [
        ("India met Chile in Geneva.", True, []),
        ("Markets in Peru thanked Chile.", False, ["Markets"]),
        ("BEIRUT - Syria thanked Turkey.", True, []),
        ("Peru thanked an Istanbul-born envoy of Chile.", True, []),
    ]


def test_dyad_ner_runs_the_trained_ner_on_the_listed_sentences_only(extractor):
    nlp = extractor.nlp
    text = f"Japan accused China of spying. India met Chile in Geneva on Monday. {WEATHER} Peru thanked Chile."
    whole = nlp(nlp.make_doc(text))
    assert [e.text for e in whole.ents if e.label_ == "GPE" and e.text == "Geneva"] == ["Geneva"]
    doc = nlp.make_doc(text)
    doc._.ner_sentences = Prefilter(nlp).plan(doc).ner
    doc = nlp(doc)
    sentence = next(s for s in Prefilter(nlp).sentences(doc) if "Geneva" in doc[s[0]:s[1]].text)
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [
        (e.start, e.end, e.label_) for e in whole.ents if sentence[0] <= e.start and e.end <= sentence[1]]
    assert all(t.ent_iob_ in ("O", "B", "I") for t in doc)


def test_ner_where_needed_keeps_the_events_actors_and_named_entities(extractor):
    text = ("Toomas Kask, Estonia's foreign minister, said Estonia would expel two Russian diplomats. "
            "Japan and India signed a defense pact in Geneva on Monday. The Bank of China lent Kenya money. "
            f"{FILLER} Kask thanked Latvia. Chile accused Peru of spying.")
    article = Article(id="ner", text=text, published_at=NOW)
    on, off = (BoundedExtractor(extractor, prefilter=True, prefilter_ner=flag).extract_many([article], NOW)[0]
               for flag in (True, False))
    assert isinstance(on, EnrichedArticle) and isinstance(off, EnrichedArticle)
    assert on.model_dump_json() == off.model_dump_json()
    assert any(e.text == "Geneva" and e.actor is None for e in on.entities)

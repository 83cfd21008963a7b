"""Unit tests (model-backed): PETRARCH's discard phrases keep sports and entertainment out of the events, unless an
official acts in the sentence."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from streams.core.actor_dictionary import load_actor_dictionary
from streams.core.extract import load_extractor
from streams.core.rules.doc import discarded
from streams.core.rules.plain import Mention


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_extractor().nlp


def dyads(nlp: Language, text: str) -> set[tuple[str, str]]:
    doc = nlp.make_doc(text)
    doc._.as_of = date(2024, 6, 1)
    return {(r.source, r.target) for r in nlp(doc)._.relations}


def test_a_match_won_is_no_attack(nlp: Language) -> None:
    assert dyads(nlp, "India's cricket team beat Australia by six wickets in Ahmedabad on Sunday.") == set()
    assert nlp("Argentina beat France to win the World Cup.")._.discards == ((6, 8, "story"),)


def test_a_story_discard_rules_out_every_sentence_without_an_official(nlp: Language) -> None:
    text = "Morocco beat Portugal in Doha. The World Cup goes on, and Spain beat Germany."
    assert dyads(nlp, text) == set()


def test_an_official_in_the_sentence_keeps_it_political(nlp: Language) -> None:
    text = "Indian Prime Minister Narendra Modi hosted his Pakistani counterpart at the cricket World Cup final."
    assert ("IND", "PAK") in dyads(nlp, text)


def test_a_capital_or_a_state_alone_is_no_official() -> None:
    assert discarded([Mention(0, 1, "QAT", "GOV", "metonymy"), Mention(2, 3, "MAR")])
    assert not discarded([Mention(0, 2, "IND", "GOV", "person", "Narendra Modi")])


def test_years_disasters_and_time_words_discard_nothing() -> None:
    phrases = {d.phrase for d in load_actor_dictionary().discards}
    assert {"cricket", "world cup", "basketball"} <= phrases
    assert not {"1990", "tsunami", "ebola", "weeks later"} & phrases

"""Unit tests of the dateline component: where a wire dateline ends, and that the parser keeps the sentence start."""

from __future__ import annotations

import pytest

from streams.core.dateline import dateline_ends, dateline_state
from streams.core.extract import load_extractor


@pytest.mark.parametrize(
    ("text", "story"),
    [
        ("PRAGUE, April 8 - Barack Obama signed.", "Barack"),
        ("SOCHI, Russia, March 5 - Russian President Dmitry Medvedev brokered talks.", "Russian"),
        ("PANAMA CITY, Feb 2 - Secretary of State Marco Rubio met.", "Secretary"),
        ("SHARM EL-SHEIKH, Egypt, Oct 13 - Leaders met.", "Leaders"),
        ("BEIRUT (Reuters) - Israeli jets struck.", "Israeli"),
        ("KYIV, Ukraine (AP) \u2014 Russia fired.", "Russia"),
        ("Earlier text.\nMOSCOW, Sept. 1 - Putin spoke.", "Putin"),
        ("PRAGUE, April 8, 2026 (Reuters) - Leaders met.", "Leaders"),
        ("JERUSALEM, 4 June: Israel's foreign minister met.", "Israel's"),
        ("MOSCOW, Dec. 12 /Xinhua/ -- Russia signed.", "Russia"),
        ("BERLIN, Jan 22 (dpa-AFX) - France signed.", "France"),
        ("NEW DELHI/ISLAMABAD, May 7 (Reuters) - India fired.", "India"),
        ("PRAGUE, Thursday - Leaders met.", "Leaders"),
        ("Prague, Czech Republic \u2014 Leaders met.", "Leaders"),
        ("Kyiv, March 3 (AP) - Russia fired.", "Russia"),
        ("KYIV \u2014 Russia fired.", "Russia"),
        ("NEW DELHI/ISLAMABAD \u2014 India fired.", "India"),
        ("KYIV, 3 February 2025 - Russia fired.", "Russia"),
        ("LONDON, Monday 3 March - Britain signed.", "Britain"),
    ],
)
def test_a_dateline_ends_where_the_story_begins(text: str, story: str) -> None:
    assert [text[end:].split()[0] for end in dateline_ends(text)] == [story]


@pytest.mark.parametrize(
    "text",
    [
        "NATO - the alliance - met on Sunday.",
        "Egypt and Jordan signed an accord - a first.",
        "Talks ended. MOSCOW, Sept. 1 - Putin spoke.",
        "Iran, Iraq and Syria met on Monday - a first.",
        "Kosovo - the youngest state - voted.",
        "EU - the bloc - met.",
        "Kyiv - the capital - was quiet.",
    ],
)
def test_capitals_and_dashes_that_open_no_story_are_no_dateline(text: str) -> None:
    assert dateline_ends(text) == []


def test_the_first_sentence_after_a_dateline_is_parsed_whole_with_its_own_subject() -> None:
    text = "PRISTINA, Sept 25 - Kosovo accused Serbia on Monday of backing an armed group. Serbia denied it."
    doc = load_extractor().nlp(text)
    sentences = [sentence.text for sentence in doc.sents]
    assert sentences == [
        "PRISTINA, Sept 25 -",
        "Kosovo accused Serbia on Monday of backing an armed group.",
        "Serbia denied it.",
    ]
    assert [t.text for t in doc if t.dep_ == "nsubj" and t.head.text == "accused"] == ["Kosovo"]


def test_a_title_case_dateline_with_its_country_is_no_party_to_the_story() -> None:
    text = "Prague, Czech Republic \u2014 Germany and France signed a defence pact on Thursday."
    doc = load_extractor().nlp(text)
    assert [sentence.text for sentence in doc.sents][0] == "Prague, Czech Republic \u2014"
    assert {(r.source, r.target) for r in doc._.relations} == {("DEU", "FRA"), ("FRA", "DEU")}


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("KYIV, May 3 (Reuters) - The foreign ministry said ...", ("UKR", "KYIV")),
        ("NEW DELHI, May 8 - The government said ...", ("IND", "NEW DELHI")),
        ("Tokyo, Feb 2 (AP) - The government said ...", ("JPN", "Tokyo")),
        ("GENEVA, May 3 - The talks ...", None),  # a city, no capital
        ("KYIV/MOSCOW, May 3 - Both sides ...", None),
        ("NATO - the alliance said ...", None),
        ("Poland said on Monday that KYIV, May 3 - ...", None),
    ],
)
def test_a_dateline_names_the_state_of_its_capital(text: str, state: tuple[str, str] | None) -> None:
    assert dateline_state(text) == state

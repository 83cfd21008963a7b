"""Unit tests of the actor layer: the dictionary data and the spaCy actor components (model loaded once)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from streams.core.actors import ACTORS_KEY, DATA_DIR, actor_spans_for_token, load_actor_dictionary
from streams.core.build_actor_data import plural, read_curated
from streams.core.extract import load_extractor

UN_MEMBERS = """
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA BRN BGR
BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK COD DNK DJI DMA DOM ECU
EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND
IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS
MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK
PLW PAN PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP
SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK TZA THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR
ARE GBR USA URY UZB VUT VEN VNM YEM ZMB ZWE
""".split()


def _states() -> dict[str, dict[str, object]]:
    lines = (DATA_DIR / "states.jsonl").read_text(encoding="utf-8").splitlines()
    return {record["code"]: record for record in map(json.loads, lines)}


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_extractor().nlp


def actors(doc: Doc) -> list[tuple[str, str | None, str | None, str]]:
    return [(s.text, s._.actor, s._.role, s._.kind) for s in doc.spans[ACTORS_KEY]]


def codes(doc: Doc) -> set[str]:
    return {s._.actor for s in doc.spans[ACTORS_KEY] if s._.actor}


def first(doc: Doc, text: str) -> tuple[str | None, str | None, str | None, str]:
    span = next(s for s in doc.spans[ACTORS_KEY] if s.text == text)
    return span._.actor, span._.role, span._.name, span._.kind


# -- data, no model ------------------------------------------------------------------------------------


def test_every_un_member_is_in_the_states_data_with_a_demonym_and_a_capital_or_a_reason() -> None:
    assert len(set(UN_MEMBERS)) == 193
    states = _states()
    missing = [code for code in UN_MEMBERS if code not in states]
    assert missing == []
    without_demonym = [code for code in UN_MEMBERS if not states[code]["demonyms"]]
    assert without_demonym == ["COG", "DMA"]  # 'Congolese' goes to COD, 'Dominican' to DOM


def test_partially_recognised_states_and_special_regions_have_their_codes() -> None:
    states = _states()
    for code, name in {
        "TWN": "Taiwan",
        "PSE": "Palestine",
        "XKX": "Kosovo",
        "HKG": "Hong Kong",
        "VAT": "Vatican",
    }.items():
        assert name in states[code]["names"], code


def test_curated_lines_only_use_codes_the_states_file_knows() -> None:
    assert set(read_curated()) <= set(_states())


def test_no_phrase_names_two_different_actors() -> None:
    dictionary = load_actor_dictionary()
    meaning: dict[str, str | None] = {}
    clashes = []
    for pattern in dictionary.name_patterns:
        lexeme = dictionary.lexemes[pattern["id"]]
        actor = lexeme.actor if lexeme.kind != "block" else "block"
        if meaning.setdefault(pattern["pattern"], actor) != actor:
            clashes.append(pattern["pattern"])
    assert clashes == []


def test_demonym_plurals_follow_english_spelling() -> None:
    assert plural("Iranian") == "Iranians"
    assert plural("Chinese") is None
    assert plural("British") is None


def test_data_files_are_named_in_sources() -> None:
    sources = (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for name in ("states.jsonl", "states_curated.txt", "igos.jsonl", "institutions.jsonl", "titles.jsonl"):
        assert f"`{name}`" in sources
    assert "LGPL-2.1" in sources


# -- the sample article ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_doc(nlp: Language) -> Doc:
    path = Path(__file__).resolve().parents[1] / "data" / "samples" / "china-iran-defense-cooperation.txt"
    return nlp(path.read_text(encoding="utf-8"))


def test_the_sample_article_names_china_iran_the_us_russia_ukraine_and_nato(sample_doc: Doc) -> None:
    assert {"CHN", "IRN", "USA", "RUS", "UKR", "NATO"} <= codes(sample_doc)


def test_a_later_bare_wei_is_the_chinese_defense_minister(sample_doc: Doc) -> None:
    weis = [s for s in sample_doc.spans[ACTORS_KEY] if s.text == "Wei"]
    assert len(weis) == 2
    assert {(s._.actor, s._.role, s._.name) for s in weis} == {("CHN", "MIL", "Wei Fenghe")}


def test_titles_with_nationality_give_state_and_role(sample_doc: Doc) -> None:
    assert first(sample_doc, "Chinese Defense Minister Wei Fenghe") == ("CHN", "MIL", "Wei Fenghe", "person")
    assert first(sample_doc, "Iranian President Ebrahim Raisi") == ("IRN", "GOV", "Ebrahim Raisi", "person")
    bagheri = "Iran's armed forces chief of staff Mohammad Bagheri"
    assert first(sample_doc, bagheri) == ("IRN", "MIL", "Mohammad Bagheri", "person")
    assert first(sample_doc, "Bagheri") == ("IRN", "MIL", "Mohammad Bagheri", "person")


def test_fars_news_agency_is_iranian_media(sample_doc: Doc) -> None:
    assert first(sample_doc, "Fars News Agency")[:2] == ("IRN", "MED")


def test_both_countries_after_china_and_iran_are_china_and_iran(sample_doc: Doc) -> None:
    both = [s for s in sample_doc.spans[ACTORS_KEY] if s.text.lower() == "both countries"]
    assert [s._.actor for s in both] == ["CHN", "IRN", "CHN", "IRN"]
    assert {s._.kind for s in both} == {"group"}


def test_the_two_militaries_are_the_chinese_and_iranian_militaries(sample_doc: Doc) -> None:
    two = [s for s in sample_doc.spans[ACTORS_KEY] if s.text == "the two militaries"]
    assert sorted((s._.actor, s._.role) for s in two) == [("CHN", "MIL"), ("IRN", "MIL")]


def test_the_morning_post_is_no_chinese_actor(sample_doc: Doc) -> None:
    posts = [s for s in sample_doc.spans[ACTORS_KEY] if "Morning Post" in s.text]
    assert len(posts) == 6
    assert {s._.actor for s in posts} == {None}
    china = [s for s in sample_doc.spans[ACTORS_KEY] if s._.actor == "CHN"]
    assert all("Post" not in s.text and "Sea" not in s.text for s in china)


def test_renmin_university_and_the_south_china_sea_make_no_actor(sample_doc: Doc) -> None:
    text = sample_doc.text
    for place in ("Beijing's Renmin University", "the South China Sea"):
        start = text.index(place)
        inside = [s for s in sample_doc.spans[ACTORS_KEY] if start <= s.start_char < start + len(place)]
        assert inside == [], place


def test_disputed_places_keep_their_own_codes(sample_doc: Doc) -> None:
    assert first(sample_doc, "Taiwan")[0] == "TWN"
    assert first(sample_doc, "Hong Kong")[0] == "HKG"


def test_actor_spans_are_ordered_and_only_pair_phrases_share_tokens(sample_doc: Doc) -> None:
    spans = list(sample_doc.spans[ACTORS_KEY])
    assert spans == sorted(spans, key=lambda s: (s.start, s.end))
    for left, right in zip(spans, spans[1:], strict=False):
        if left.end > right.start:
            assert (left.start, left.end, left._.kind) == (right.start, right.end, "group")


# -- short texts -----------------------------------------------------------------------------------------


def test_capitals_are_governments_by_metonymy(nlp: Language) -> None:
    doc = nlp("Beijing has largely followed Moscow, and Kyiv protested.")
    assert actors(doc) == [
        ("Beijing", "CHN", "GOV", "metonymy"),
        ("Moscow", "RUS", "GOV", "metonymy"),
        ("Kyiv", "UKR", "GOV", "metonymy"),
    ]


def test_seats_of_government_are_governments(nlp: Language) -> None:
    doc = nlp("The Kremlin rebuffed the White House, Downing Street and the Elysee.")
    assert [(a, r) for _, a, r, _ in actors(doc)] == [
        ("RUS", "GOV"),
        ("USA", "GOV"),
        ("GBR", "GOV"),
        ("FRA", "GOV"),
    ]


def test_abbreviations_resolve_to_states(nlp: Language) -> None:
    doc = nlp("The U.S. and the UK warned the DPRK, while the UAE and the PRC stayed silent.")
    assert [a for _, a, _, _ in actors(doc)] == ["USA", "GBR", "PRK", "ARE", "CHN"]


def test_demonyms_resolve_to_their_states(nlp: Language) -> None:
    doc = nlp("Chinese, Iranian, American and British negotiators met Brazilian and Nigerian delegates.")
    assert {"CHN", "IRN", "USA", "GBR", "BRA", "NGA"} <= codes(doc)


def test_institutions_carry_state_and_role(nlp: Language) -> None:
    doc = nlp(
        "The Pentagon and the State Department briefed the Knesset after the Chinese defense ministry, "
        "Iran's foreign ministry and the Islamic Revolutionary Guard Corps spoke; Xinhua reported it."
    )
    found = {(s.text, s._.actor, s._.role) for s in doc.spans[ACTORS_KEY]}
    assert found == {
        ("Pentagon", "USA", "MIL"),
        ("State Department", "USA", "GOV"),
        ("Knesset", "ISR", "LEG"),
        ("Chinese defense ministry", "CHN", "MIL"),
        ("Iran's foreign ministry", "IRN", "GOV"),
        ("Islamic Revolutionary Guard Corps", "IRN", "MIL"),
        ("Xinhua", "CHN", "MED"),
    }


def test_the_security_council_is_one_igo_not_the_un_plus_a_council(nlp: Language) -> None:
    doc = nlp("The United Nations Security Council met as NATO, the EU and the IAEA watched.")
    assert [(t, a, r) for t, a, r, _ in actors(doc)] == [
        ("United Nations Security Council", "UNSC", "IGO"),
        ("NATO", "NATO", "IGO"),
        ("EU", "EU", "IGO"),
        ("IAEA", "IAEA", "IGO"),
    ]


def test_a_foreign_minister_with_nationality_is_a_government_person(nlp: Language) -> None:
    doc = nlp("Russian Foreign Minister Sergei Lavrov arrived. Lavrov then left.")
    assert first(doc, "Russian Foreign Minister Sergei Lavrov") == ("RUS", "GOV", "Sergei Lavrov", "person")
    assert first(doc, "Lavrov") == ("RUS", "GOV", "Sergei Lavrov", "person")


def test_both_sides_after_two_states_are_those_two(nlp: Language) -> None:
    doc = nlp("Japan and South Korea held talks in Seoul. Both sides called them useful.")
    both = [s._.actor for s in doc.spans[ACTORS_KEY] if s.text == "Both sides"]
    assert both == ["JPN", "KOR"]


def test_a_person_named_like_a_country_is_not_that_country(nlp: Language) -> None:
    doc = nlp("Michael Jordan spoke to reporters on Friday.")
    assert "JOR" not in codes(doc)


def test_every_token_of_a_multi_token_name_maps_to_the_same_span(nlp: Language) -> None:
    doc = nlp("Officials said the United States would respond.")
    span = next(s for s in doc.spans[ACTORS_KEY] if s._.actor == "USA")
    assert [t.text for t in span] == ["United", "States"]
    assert actor_spans_for_token(doc, span.start) == actor_spans_for_token(doc, span.end - 1) == [span]
    assert span.root._.actor_spans == [span]
    assert doc[0]._.actor_spans == []

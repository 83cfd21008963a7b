"""Test support: the rule tests' recorded parses and examples (tests/data/rules/), and the tiny name dictionary
that gave the recorded actor mentions.

The rule tests run the pure rules on parses recorded once with the trained model (`tools/record_parses.py`),
so they need no model; `test_recorded_parses.py` re-parses every example and fails when a recording drifted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from streams.core.extract import load_extractor
from streams.core.models import Relation, Stance
from streams.core.rules.anaphora import analyse
from streams.core.rules.assembly import extract_relations, extract_stances
from streams.core.rules.doc import dateline_party, plain_sentences
from streams.core.rules.plain import Mention, Sentence, Token

RULES_DATA = Path(__file__).resolve().parents[1] / "data" / "rules"
EXAMPLES = RULES_DATA / "examples.jsonl"
PARSES = RULES_DATA / "parses.jsonl"
RECORD_COMMAND = ".venv/bin/python tools/record_parses.py"
TOKEN_FIELDS = ("i", "text", "lemma", "pos", "dep", "head", "idx")
MENTION_FIELDS = ("start", "end", "actor", "role", "kind", "name")
MATCHES = ("exactly", "exactly_once", "includes", "excludes", "within")
"""How a check compares the found rows with its rows: the same set, the same rows each once, a superset, no row
in common, a subset."""

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
    "Israeli": "ISR",
    "Italy": "ITA",
    "Japan": "JPN",
    "Jordan": "JOR",
    "Kenya": "KEN",
    "Laos": "LAO",
    "Lebanese": "LBN",
    "Lithuania": "LTU",
    "Lebanon": "LBN",
    "Australian": "AUS",
    "Mexican": "MEX",
    "Mali": "MLI",
    "Burkina Faso": "BFA",
    "Niger": "NER",
    "ECOWAS": "ECOWAS",
    "Democratic Republic of Congo": "COD",
    "Rwanda": "RWA",
    "Lithuanian": "LTU",
    "Polish": "POL",
    "Algerian": "DZA",
    "Mexico": "MEX",
    "Morocco": "MAR",
    "NATO": "NATO",
    "Nauru": "NRU",
    "Nepal": "NPL",
    "North Korea": "PRK",
    "Norway": "NOR",
    "Peru": "PER",
    "Poland": "POL",
    "Qatar": "QAT",
    "Romania": "ROU",
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
    "Venezuelan": "VEN",
    "Colombia": "COL",
    "Vietnam": "VNM",
    "Beijing": "CHN",
    "Tehran": "IRN",
    "Moscow": "RUS",
    "America": "USA",
    "Netherlands": "NLD",
    "Britain": "GBR",
    "Georgia": "GEO",
    "Georgian": "GEO",
    "Italian": "ITA",
    "Kosovo": "XKX",
    "Moldova": "MDA",
    "Nicaragua": "NIC",
    "Serbian": "SRB",
    "Somalia": "SOM",
    "Sweden": "SWE",
    "International Court of Justice": "ICJ",
    "Greek": "GRC",
    "Athens": "GRC",
    "Kyiv": "UKR",
    "Budapest": "HUN",
    "Berlin": "DEU",
    "Colombian": "COL",
    "Ecuadorean": "ECU",
    "Ukrainian": "UKR",
    "Iraqi": "IRQ",
    "Pakistani": "PAK",
    "Philippine": "PHL",
    "Syrian": "SYR",
    "Iraq": "IRQ",
    "Turkish": "TUR",
    "Saudi Arabia": "SAU",
    "Pakistan": "PAK",
    "IAEA": "IAEA",
    "ministers of Egypt": "EGY",  # the actor layer names a title with its 'of' phrase as one mention
}
IGOS = ("EU", "NATO", "International Court of Justice", "ECOWAS", "IAEA")
PEOPLE = {"Wei Fenghe": "CHN", "Mohammad Bagheri": "IRN", "Ebrahim Raisi": "IRN", "Wei": "CHN"}
PATTERN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, STATES | PEOPLE), key=len, reverse=True)) + r")(?!\w)")


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
            # an international organisation's mentions have the IGO role, as the actor layer gives them
            role = "IGO" if name in IGOS else None
            out.append(Mention(span.start, span.end, STATES[name], role, "igo" if name in IGOS else "state"))
    return out


@dataclass(frozen=True)
class Check:
    """One expectation on an example's relations or stances: project each on `fields`, compare by `match`."""

    fields: tuple[str, ...]
    match: str
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Example:
    """An example sentence (or short article) with what the rules must give for it."""

    id: str
    text: str
    relations: tuple[Check, ...]
    stances: tuple[Check, ...]


@dataclass(frozen=True)
class RecordedParse:
    """The plain parse of one example text, as `plain_sentences` and the name dictionary gave it."""

    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]


def _check(raw: dict[str, Any], where: str) -> Check:
    matches = [m for m in MATCHES if m in raw]
    if set(raw) - {"fields", *MATCHES} or len(matches) != 1 or not raw.get("fields"):
        raise ValueError(f"{where}: a check is {{'fields': [...], one of {list(MATCHES)}: [[...], ...]}}, got {raw}")
    rows = tuple(tuple(row) for row in raw[matches[0]])
    if any(len(row) != len(raw["fields"]) for row in rows):
        raise ValueError(f"{where}: every row needs one value per field {raw['fields']}")
    return Check(tuple(raw["fields"]), matches[0], rows)


@cache
def examples() -> tuple[Example, ...]:
    """The examples of `examples.jsonl`, in file order."""
    out = []
    for number, line in enumerate(EXAMPLES.read_text(encoding="utf-8").splitlines(), 1):
        raw = json.loads(line)
        where = f"{EXAMPLES.name}:{number}"
        if set(raw) - {"id", "text", "relations", "stances"} or not {"id", "text"} <= set(raw):
            raise ValueError(f"{where}: an example has 'id', 'text' and 'relations' and/or 'stances' checks")
        checks = {key: tuple(_check(c, where) for c in raw.get(key, [])) for key in ("relations", "stances")}
        out.append(Example(raw["id"], raw["text"], checks["relations"], checks["stances"]))
    return tuple(out)


def example_texts() -> list[str]:
    """Each example text once, in file order: the texts whose parses are recorded."""
    return list(dict.fromkeys(example.text for example in examples()))


def parser() -> Language:
    """The pipeline that parses the examples: the worker's own, loaded once per process and shared with the
    model-backed tests (dyadwatch's components after it add spans, never change the parse)."""
    return load_extractor().nlp


def record(nlp: Language, text: str) -> dict[str, Any]:
    """The plain parse of `text` by `nlp`, as one line of `parses.jsonl`."""
    doc = nlp(text)
    found = mentions(doc)
    meta = nlp.meta
    return {
        "text": text,
        "model": f"{meta['lang']}_{meta['name']} {meta['version']}",
        "sentences": [
            {
                "start_char": sentence.start_char,
                "end_char": sentence.end_char,
                "tokens": [dict(zip(TOKEN_FIELDS, token, strict=True)) for token in sentence.tokens],
            }
            for sentence in plain_sentences(doc, found)
        ],
        "mentions": [{field: getattr(m, field) for field in MENTION_FIELDS} for m in found],
    }


def recorded_lines() -> dict[str, dict[str, Any]]:
    """The lines of `parses.jsonl`, by text."""
    lines = (json.loads(line) for line in PARSES.read_text(encoding="utf-8").splitlines())
    return {line["text"]: line for line in lines}


@cache
def recorded() -> dict[str, RecordedParse]:
    """The recorded parses as plain data, by text."""
    out = {}
    for text, line in recorded_lines().items():
        sentences = tuple(
            Sentence(
                text[s["start_char"] : s["end_char"]],
                s["start_char"],
                s["end_char"],
                tuple(Token(*(t[field] for field in TOKEN_FIELDS)) for t in s["tokens"]),
            )
            for s in line["sentences"]
        )
        found = tuple(Mention(*(m[field] for field in MENTION_FIELDS)) for m in line["mentions"])
        out[text] = RecordedParse(sentences, found)
    return out


def parse_of(text: str) -> RecordedParse:
    found = recorded().get(text)
    if found is None:
        raise LookupError(
            f"no recorded parse of {text!r}: add the example to {EXAMPLES.relative_to(RULES_DATA.parents[1])} "
            f"and run `{RECORD_COMMAND}`"
        )
    return found


def relations(text: str) -> list[Relation]:
    """The events the rules find in `text`, from its recorded parse."""
    parse = parse_of(text)
    return extract_relations(analyse(parse.sentences, parse.mentions, dateline_party(text)))


def stances(text: str) -> list[Stance]:
    """The stances the rules find in `text`, from its recorded parse."""
    parse = parse_of(text)
    return extract_stances(analyse(parse.sentences, parse.mentions, dateline_party(text)))


def drifted(nlp: Language) -> list[str]:
    """One line per example whose recorded parse differs from what `nlp` parses today (or is missing)."""
    lines = recorded_lines()
    out = []
    for text in example_texts():
        fresh = record(nlp, text)
        old = lines.get(text)
        if old is None:
            out.append(f"{text!r}: not recorded")
            continue
        for key in ("sentences", "mentions"):
            if old[key] != fresh[key]:
                out.append(f"{text!r}: {key} {_first_difference(old[key], fresh[key])} (recorded with {old['model']})")
                break
    out.extend(f"{text!r}: recorded but no longer an example" for text in lines if text not in set(example_texts()))
    return out


def _first_difference(old: Any, new: Any) -> str:
    """Where two recorded structures first differ: 'sentence 0 token 3 dep: dobj -> pobj'."""
    if isinstance(old, list) and isinstance(new, list):
        for n, (a, b) in enumerate(zip(old, new, strict=False)):
            if a != b:
                return f"[{n}] {_first_difference(a, b)}"
        return f"count: {len(old)} -> {len(new)}"
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if old.get(key) != new.get(key):
                return f"{key} {_first_difference(old.get(key), new.get(key))}"
    return f"{old!r} -> {new!r}"

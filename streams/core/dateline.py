"""Core layer: the `dyad_dateline` spaCy component (a wire dateline is a sentence of its own, before the parser).

Wire copy opens a story with a dateline: "PRAGUE, April 8 - Barack Obama and Dmitry Medvedev signed ...",
"SOCHI, Russia, March 5 - ...", "BEIRUT (Reuters) - ...". Left to itself the parser reads the place as the
subject of the first sentence and the real subject as its apposition, so the sentence's actors act in no
event. This component, which runs before the parser, starts a sentence at the first word after the dateline's
dash, and none inside the story's first sentence (up to its first full stop, question or exclamation mark): the
parser keeps the sentence starts set before it, so it parses that sentence as written, where left alone it may
split it after the subject ("PRISTINA, Sept 25 - Kosovo | accused Serbia ...").

A dateline in a capital also names the state the story speaks from (`dateline_state`): the rule engine's anaphora
reads an unnamed 'the government' there as that state's until a state is named as a subject.
"""

from __future__ import annotations

import re
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from streams.core.datafile import DATA_DIR, read_jsonl

PLACE = r"(?:[A-Z][A-Z.'\-]*[A-Z.](?:[ \-/][A-Z][A-Z.'\-]*)*|[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)*)"
"""The place in capitals ('KYIV', 'PANAMA CITY', 'SHARM EL-SHEIKH', 'U.N.', 'NEW DELHI/ISLAMABAD') or in title case
('Kyiv', 'Panama City'), which needs a region, date or agency after it to be a dateline."""
REGION = r"(?P<region>, [A-Z][A-Za-z.'\-]*(?: [A-Z][A-Za-z.'\-]*)*)?"
"""An optional country or state after it: 'SOCHI, Russia', 'SPRINGFIELD, Ill.'."""
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
DAY = rf"(?P<day>,? (?:{WEEKDAY},? )?(?:{MONTH} \d{{1,2}}|\d{{1,2}} {MONTH}|{WEEKDAY})(?:,? \d{{4}})?)?"
"""An optional date: ', Aug 12', ', Sept. 14', ', 4 June', ', May 7, 2026', ', 3 February 2025', ', Thursday',
', Monday 3 March'."""
AGENCY = r"(?P<agency> ?(?:\([A-Za-z][A-Za-z .&\-]*\)|/[A-Za-z][A-Za-z .&\-]*/))?"
"""An optional agency: ' (Reuters)', ' (dpa-AFX)', ' /Xinhua/'."""
DATELINE = re.compile(
    rf"^[ \t]*(?P<place>{PLACE}){REGION}{DAY}{AGENCY} ?(?:[-\u2013\u2014]+|:)[ \t]+(?=\S)", re.MULTILINE
)
"""A dateline at the start of the text or of a paragraph, up to the first character of the story, which follows a
dash or a colon; it needs a region, a date or an agency after the place ('NATO - the alliance said' is no
dateline), or a place that is a capital or city we know, in capitals ('KYIV — Poland sent ...': `known_place`)."""


SENTENCE_ENDS = frozenset({".", "!", "?"})


def dateline_ends(text: str) -> list[int]:
    """The character offsets where the story starts after each dateline of `text` (none: [])."""
    return [
        match.end()
        for match in DATELINE.finditer(text)
        if match.group("region") or match.group("day") or match.group("agency") or known_place(match.group("place"))
    ]


def known_place(place: str) -> bool:
    """A place in capitals that is a capital of `data/states.jsonl` or a city of `data/cities.jsonl` ('KYIV',
    'NEW DELHI', 'KYIV/MOSCOW'): a dateline with nothing after it but the dash. A name in title case or an
    acronym ('NATO', 'EU') is none."""
    parts = place.split("/")
    return all(part.isupper() and part.casefold() in place_names() for part in parts)


def dateline_state(text: str) -> tuple[str, str] | None:
    """The state whose capital opens `text` as its dateline, with the place as written ('KYIV, May 3 (Reuters) - ':
    ('UKR', 'KYIV')), else None: in wire copy the story speaks from there, so its unnamed 'the government' or 'the
    foreign ministry' is that state's. A city that is no capital ('GENEVA') or two places ('KYIV/MOSCOW') name none."""
    match = DATELINE.match(text)
    if match is None or match.end() not in dateline_ends(text):
        return None
    place = match.group("place")
    state = capital_states().get(place.casefold())
    return (state, place) if state else None


@cache
def capital_states() -> dict[str, str]:
    """The state of each capital of `data/states.jsonl`, by its case-folded name; a name two states share has none."""
    found: dict[str, set[str]] = {}
    for _, row in read_jsonl(DATA_DIR / "states.jsonl"):
        for capital in row["capitals"]:
            found.setdefault(capital.casefold(), set()).add(row["code"])
    return {name: next(iter(codes)) for name, codes in found.items() if len(codes) == 1}


@cache
def place_names() -> frozenset[str]:
    """The capitals and cities the data files know, case-folded."""
    capitals = (c for _, row in read_jsonl(DATA_DIR / "states.jsonl") for c in row["capitals"])
    cities = (row["city"] for _, row in read_jsonl(DATA_DIR / "cities.jsonl"))
    return frozenset(name.casefold() for name in (*capitals, *cities))


@Language.factory("dyad_dateline", assigns=["token.is_sent_start"])
def make_dyad_dateline(nlp: Language, name: str) -> DyadDateline:
    return DyadDateline()


class DyadDateline:
    """Marks the first token after a dateline as a sentence start, and the rest of that sentence as none."""

    def __call__(self, doc: Doc) -> Doc:
        for offset in dateline_ends(doc.text):
            token = doc.char_span(offset, offset + 1, alignment_mode="expand")
            if token is None or token.start == 0:
                continue
            doc[token.start].is_sent_start = True
            for inside in doc[token.start + 1 :]:
                if inside.is_sent_start:
                    break
                inside.is_sent_start = False
                if inside.text in SENTENCE_ENDS:
                    break
        return doc

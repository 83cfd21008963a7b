"""Build tool: close PETRARCH's open-ended roles with the real terms of office in data/leader_terms.jsonl.

PETRARCH's actor files stop in 2014 and leave many roles open (`[USAGOV >090120]`) or undated
(`[SYRGOV]`). A hand-kept term (name, actor, role, office, start, end) closes them: the terms of one
person for one actor and role are merged into spans (a term starting the day after another ends continues
it), and a PETRARCH role of that actor and role that is open-ended, undated or ends at the dictionaries'
horizon (2014 or later) gets the end of the span it starts in (`closed_by`), or stays open when the
person is still in office (`open_per`). A PETRARCH start within 60 days of the span's start is the same
appointment: it takes the term's real start.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.petrarch.actors import Entry

Row = dict[str, Any]

HORIZON = "2014-01-01"
"""Roles ending on or after this date stop where the dictionaries stop, not where the term did."""
SAME_APPOINTMENT = dt.timedelta(days=60)


@dataclass
class Term:
    name: str
    names: frozenset[str]
    petrarch_name: str | None
    actor: str
    role: str
    start: str
    end: str | None
    line: int


@dataclass
class Span:
    actor: str
    role: str
    start: str
    end: str | None
    lines: list[int] = field(default_factory=list)


def normalized(name: str) -> str:
    """'Abdullah Gül' and 'ABDULLAH_GUL' -> 'abdullah gul'; hyphens, dots and apostrophes become spaces."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[-_.'’]", " ", ascii_name.lower()).split())


def read_terms(path: Path) -> list[Term]:
    terms: list[Term] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = {"name", "actor", "role", "office", "start"} - set(row)
        if missing:
            raise ValueError(f"{path.name}:{number} needs {sorted(missing)}, e.g. " + _EXAMPLE)
        if row.get("end") is not None and row["end"] <= row["start"]:
            raise ValueError(f"{path.name}:{number}: end {row['end']} is not after start {row['start']}")
        for key in ("start", "end"):
            if row.get(key) is not None:
                dt.date.fromisoformat(row[key])
        terms.append(
            Term(
                name=row["name"],
                names=frozenset(normalized(n) for n in (row["name"], *row.get("aliases", ()))),
                petrarch_name=row.get("petrarch_name"),
                actor=row["actor"],
                role=row["role"],
                start=row["start"],
                end=row.get("end"),
                line=number,
            )
        )
    return terms


_EXAMPLE = (
    '{"name": "Barack Obama", "actor": "USA", "role": "GOV", "office": "President", '
    '"start": "2009-01-20", "end": "2017-01-20"}'
)


def spans(terms: list[Term]) -> list[Span]:
    """Terms of one person, actor and role, merged where one starts by the day after the other ends."""
    out: list[Span] = []
    for term in sorted(terms, key=lambda t: t.start):
        last = next((s for s in reversed(out) if (s.actor, s.role) == (term.actor, term.role)), None)
        if last is not None and (last.end is None or _days(last.end, term.start) <= 1):
            if last.end is not None and (term.end is None or term.end > last.end):
                last.end = term.end
            last.lines.append(term.line)
            continue
        out.append(Span(term.actor, term.role, term.start, term.end, [term.line]))
    return out


def _days(earlier: str, later: str) -> int:
    return (dt.date.fromisoformat(later) - dt.date.fromisoformat(earlier)).days


@dataclass
class Closing:
    """What the leader terms did: per term line, the PETRARCH roles it dated."""

    closed: int = 0
    kept_open: int = 0
    terms_used: set[int] = field(default_factory=set)
    people_matched: set[str] = field(default_factory=set)
    people_unmatched: set[str] = field(default_factory=set)


def close_roles(entries: list[Entry], terms: list[Term], source: str) -> Closing:
    """Close the open roles of `entries` (one actor file) in place; `source` names the terms file."""
    by_person: dict[str, list[Term]] = {}
    for term in terms:
        by_person.setdefault(term.name, []).append(term)
    index: dict[str, list[Entry]] = {}
    for entry in entries:
        for phrase in {normalized(entry.name), *map(normalized, entry.phrases), *map(normalized, entry.stems)}:
            index.setdefault(phrase, []).append(entry)
    by_name = {entry.name: entry for entry in entries}
    result = Closing()
    for name, person_terms in by_person.items():
        matched = _entries_for(person_terms, index, by_name)
        person_spans = spans(person_terms)
        touched = False
        for entry in matched:
            for role in entry.codes:
                span = _span_for(role, person_spans)
                if span is None:
                    continue
                touched = True
                if "start" not in role:
                    # an undated role covers the person's offices of that actor and role
                    role["start"] = next(s.start for s in person_spans if (s.actor, s.role) == (span.actor, span.role))
                elif abs(_days(span.start, role["start"])) <= SAME_APPOINTMENT.days:
                    role["start"] = span.start
                where = f"{source}:{span.lines[-1]}"
                result.terms_used.update(span.lines)
                if span.end is None:
                    role.pop("end", None)
                    role["open_per"] = where
                    result.kept_open += 1
                else:
                    role["end"] = span.end
                    role["closed_by"] = where
                    result.closed += 1
        (result.people_matched if touched else result.people_unmatched).add(name)
    return result


def _entries_for(terms: list[Term], index: dict[str, list[Entry]], by_name: dict[str, Entry]) -> list[Entry]:
    found: dict[int, Entry] = {}
    for term in terms:
        # 'petrarch_name' names an entry its names cannot reach: a bare 'ABDULLAH', a misspelling
        if term.petrarch_name is not None and term.petrarch_name in by_name:
            entry = by_name[term.petrarch_name]
            found[entry.line] = entry
        for name in term.names:
            for entry in index.get(name, ()):
                found[entry.line] = entry
    return [found[line] for line in sorted(found)]


def _span_for(role: Row, person_spans: list[Span]) -> Span | None:
    """The span that dates an open, undated or horizon-ended PETRARCH role of the same actor and role.

    A role that starts inside a span (or up to 60 days before it) takes that span; an undated role (which
    then starts with the first span), or one that starts before all the person's spans (an earlier office
    the terms do not list, such as an ambassadorship before a foreign ministry), ends with the last span:
    the terms list the person's offices up to now.
    """
    if role.get("end") is not None and role["end"] < HORIZON:
        return None
    same = [s for s in person_spans if (s.actor, s.role) == (role["actor"], role["role"])]
    if not same:
        return None
    start = role.get("start")
    if start is None:
        return same[-1]
    for span in same:
        early = dt.date.fromisoformat(span.start) - SAME_APPOINTMENT
        if early.isoformat() <= start and (span.end is None or start < span.end):
            return span
    return same[-1] if start < same[0].start else None

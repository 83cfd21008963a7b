"""Core layer: the actor dictionary as data: what each name means and the phrases the actor components match.

Read once per process from `data/` (`load_actor_dictionary`), in the order in which entries win a phrase:

1. ours, hand-written: `states.jsonl`, `cities.jsonl` (major cities: a state only before a role noun),
   `igos.jsonl`, `institutions.jsonl` (named institutions, media, armed groups and people, each role with its
   dates), `titles.jsonl` (role nouns, titles, pair phrases);
2. `leader_terms.jsonl` (hand-kept terms of office): the people no file of 1. names, as dated entries;
3. the PETRARCH2 dictionaries converted by `tools/petrarch` (`petrarch/actors_*.jsonl`, `agents.jsonl`): named
   actors with dated roles (people, institutions, IGOs, non-state armed groups) and agent nouns ("police"
   POL, "rebels" REB, "lawmakers" LEG), less what 1. and 2. already name.

A name's meaning is a `Lexeme`: its kind and its `Term`s, the roles it holds between dates; `Lexeme.on(day)`
is the role on the article's day (none: the name speaks for no actor that day). The entries of 1. and 2. are
matched as written (`name_patterns`, `role_patterns`); PETRARCH's are lower case and matched case-insensitively
(`field_patterns`), a name only where the text writes it as one (`streams.core.actors`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from streams.core.datafile import DATA_DIR, DataFileError, read_jsonl, read_rows
from streams.core.models import Role
from streams.core.words import WORDS

PETRARCH_DIR = "petrarch"
PETRARCH_ACTOR_FILES = ("actors_countries.jsonl", "actors_international.jsonl", "actors_nonstate.jsonl")
PETRARCH_AGENT_FILE = "agents.jsonl"
PETRARCH_DISCARD_FILE = "discards.jsonl"
LEADER_TERMS = "leader_terms.jsonl"

Kind = Literal["state", "igo", "person", "institution", "media", "metonymy", "group", "city"]
KINDS: frozenset[str] = frozenset(get_args(Kind))
ROLES: frozenset[str] = frozenset(get_args(Role))

# Ruler labels: dictionary names, role nouns/titles, pair phrases, and names that block an actor reading.
NAME, ROLE, PAIR, BLOCK = "NAME", "ROLE", "PAIR", "BLOCK"


@dataclass(frozen=True, slots=True)
class Term:
    """A role a name holds for an actor, from `start` (the first day) until `end` (the first day it no longer
    holds: the successor's first day); an open end holds for ever."""

    actor: str | None
    role: Role | None
    start: date | None = None
    end: date | None = None

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Lexeme:
    """What a dictionary entry means. `kind` is a span kind, or 'pair' / 'block' for those ruler labels; `terms`
    are the roles it holds, by date (one undated term for a state, an IGO, a title)."""

    kind: str
    terms: tuple[Term, ...] = ()
    name: str | None = None

    def on(self, day: date) -> Term:
        """The term held on `day` (of overlapping ones, the latest begun); a blank term when none holds."""
        held = [term for term in self.terms if term.holds_on(day)]
        if not held:
            return _NO_TERM
        return max(held, key=lambda term: term.start or date.min)

    @property
    def actors(self) -> frozenset[str | None]:
        """Every actor the entry stands for at some date."""
        return frozenset(term.actor for term in self.terms)


_NO_TERM = Term(None, None)


def _undated(kind: str, actor: str | None, role: Role | None, name: str | None = None) -> Lexeme:
    return Lexeme(kind, (Term(actor, role),), name)


class Institution(BaseModel):
    """One line of `institutions.jsonl`: a named institution, medium, person, armed group, or a place name that
    blocks an actor reading (`kind: block`). A person with several roles over time has one line per role, each
    with its dates; lines of one name may not overlap in time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="The canonical name ('Barack Obama', 'The Pentagon').")
    aliases: tuple[str, ...] = Field((), description="Other ways the text names it ('Obama').")
    actor: str | None = Field(description="The state (ISO 3166-1 alpha-3) or IGO code, or null.")
    role: Role | None = Field(description="The part of the actor it is (GOV, MIL, MED, ...), or null.")
    kind: Kind | Literal["block"]
    start: date | None = Field(None, description="The first day of the role; none: since ever.")
    end: date | None = Field(None, description="The first day the role no longer holds; none: it still holds.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Institution:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"{self.name!r} ends ({self.end}) before it starts ({self.start}); swap or fix the dates")
        return self


EXAMPLE_INSTITUTION = (
    '{"name": "Barack Obama", "aliases": ["Obama"], "actor": "USA", "role": "GOV", "kind": "person", '
    '"start": "2009-01-20", "end": "2017-01-20"}'
)


def read_institutions(path: Path) -> dict[str, tuple[Lexeme, list[str]]]:
    """The lines of `institutions.jsonl` by name: each name's lexeme (its dated terms) and all its aliases."""
    _require(path)
    rows: dict[str, list[tuple[int, Institution]]] = {}
    for number, row in read_rows(path, Institution, EXAMPLE_INSTITUTION, "actor"):
        rows.setdefault(row.name, []).append((number, row))
    out: dict[str, tuple[Lexeme, list[str]]] = {}
    for name, lines in rows.items():
        first_line, first = lines[0]
        terms: list[tuple[int, Term]] = []
        for number, row in lines:
            where = f"{path.name}:{number}"
            if row.kind != first.kind:
                raise DataFileError(f"{where}: {name!r} is a {first.kind} on line {first_line}; one name has one kind")
            term = Term(row.actor, row.role, row.start, row.end)
            clash = next((other_line for other_line, other in terms if _overlap(term, other)), None)
            if clash is not None:
                raise DataFileError(
                    f"{where}: {name!r} already holds a role in these dates on line {clash}; "
                    "give each line of one name its own start and end"
                )
            terms.append((number, term))
        aliases = list(dict.fromkeys(alias for _, row in lines for alias in row.aliases))
        out[name] = (Lexeme(first.kind, tuple(term for _, term in terms), name), aliases)
    return out


def _overlap(a: Term, b: Term) -> bool:
    a_before_b_ends = a.start is None or b.end is None or a.start < b.end
    b_before_a_ends = b.start is None or a.end is None or b.start < a.end
    return a_before_b_ends and b_before_a_ends


class LeaderTerm(BaseModel):
    """One line of `leader_terms.jsonl`: a term of office (tools/petrarch closes PETRARCH's open roles with it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    petrarch_name: str | None = Field(None, description="The PETRARCH entry the term closes, when named otherwise.")
    actor: str
    role: Role
    office: str
    start: date
    end: date | None = None


EXAMPLE_LEADER_TERM = (
    '{"name": "Barack Obama", "actor": "USA", "role": "GOV", "office": "President", "start": "2009-01-20", '
    '"end": "2017-01-20"}'
)


class Discard(NamedTuple):
    """A PETRARCH discard phrase (lower case): no event is coded in a `scope` ('sentence', 'story') naming it."""

    phrase: str
    scope: str


class FieldPattern(NamedTuple):
    """A PETRARCH phrase (lower case) and the lexeme it names; `synonym`: not the entry's own name."""

    label: str
    phrase: str
    id: str
    synonym: bool


@dataclass(frozen=True, slots=True)
class ActorDictionary:
    """The actor dictionary: ruler patterns (label, pattern, id), PETRARCH's phrases, and what each id means."""

    name_patterns: list[dict[str, str]]
    role_patterns: list[dict[str, str]]
    field_patterns: list[FieldPattern]
    lexemes: dict[str, Lexeme]
    discards: list[Discard]


def _require(path: Path) -> None:
    if not path.exists():
        raise FileNotFoundError(
            f"actor data file {path} is missing; run `python -m streams.core.build_actor_data` "
            "or point the component's data_dir at a directory holding it"
        )


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    _require(path)  # here, not in a generator: a missing file is said when the load starts
    return (row for _, row in read_jsonl(path))


def _role(value: Any, where: str) -> Role | None:
    if value is not None and value not in ROLES:
        raise ValueError(f"{where}: role {value!r} is not one of {sorted(ROLES)}; fix the data file")
    return cast("Role | None", value)


@lru_cache(maxsize=4)
def load_actor_dictionary(data_dir: Path = DATA_DIR) -> ActorDictionary:
    """Read ours, the leader terms and PETRARCH's entries from `data_dir`, once per process."""
    names: list[dict[str, str]] = []
    roles: list[dict[str, str]] = []
    lexemes: dict[str, Lexeme] = {}

    def add(label: str, key: str, lexeme: Lexeme, phrases: Iterable[str]) -> None:
        lexemes[key] = lexeme
        target = roles if label in (ROLE, PAIR) else names
        # "the Pentagon" and "The Pentagon" are the same mention; the article stays outside the span.
        unique = dict.fromkeys(phrase.removeprefix("The ") for phrase in phrases)
        target.extend({"label": label, "pattern": phrase, "id": key} for phrase in unique)

    for state in _read_jsonl(data_dir / "states.jsonl"):
        code = state["code"]
        add(NAME, code, _undated("state", code, None, state["name"]), state["names"] + state["demonyms"])
        add(NAME, f"{code}@capital", _undated("metonymy", code, "GOV"), state["capitals"])
    for row in _read_jsonl(data_dir / "cities.jsonl"):
        # a major city stands for its state only as a modifier of a role noun ('an Istanbul prosecutor')
        add(NAME, f"{row['state']}@city:{row['city']}", _undated("city", row["state"], None), [row["city"]])
    parents: dict[str, str] = {}
    for igo in _read_jsonl(data_dir / "igos.jsonl"):
        code = igo["code"]
        # a UN agency counts as the UN (the corpus rules): its code names it, its actor is the UN's
        parents[code] = igo.get("part_of", code)
        add(NAME, code, _undated("igo", parents[code], "IGO", igo["name"]), [igo["name"], *igo["aliases"]])
    institutions = read_institutions(data_dir / "institutions.jsonl")
    for name, (lexeme, aliases) in institutions.items():
        add(BLOCK if lexeme.kind == "block" else NAME, f"inst:{name}", lexeme, [name, *aliases])
    for number, title in enumerate(_read_jsonl(data_dir / "titles.jsonl")):
        kind = title["kind"]
        lexeme = _undated(kind, None, _role(title["role"], f"titles.jsonl line {number + 1}"))
        add(PAIR if kind == "pair" else ROLE, f"title:{number}", lexeme, title["phrases"])
    ours = {pattern["pattern"].lower() for pattern in names + roles}
    for name, (lexeme, phrases) in read_leader_terms(data_dir / LEADER_TERMS).items():
        new = [phrase for phrase in phrases if phrase.lower() not in ours]
        if name not in institutions and new:
            add(NAME, f"term:{name}", lexeme, new)
            ours.update(phrase.lower() for phrase in new)
    prefixes = {p["pattern"].lower() for p in names if lexemes[p["id"]].kind in ("state", "metonymy", "igo")}
    titles = {p["pattern"].lower() for p in roles}
    field = read_petrarch(data_dir / PETRARCH_DIR, ours, lexemes, Composed(prefixes, titles))
    parts = {code: parent for code, parent in parents.items() if code != parent}
    for key, lexeme in lexemes.items():
        if any(term.actor in parts for term in lexeme.terms):
            lexemes[key] = _as_part_of(lexeme, parts)
    discards = read_discards(data_dir / PETRARCH_DIR / PETRARCH_DISCARD_FILE)
    return ActorDictionary(names, roles, field, lexemes, discards)


def read_discards(path: Path) -> list[Discard]:
    """PETRARCH's discard phrases (sports, entertainment, history), less the bare years (wire copy names past
    years in political news all the time) and the phrases words.toml `kept_discards` keeps."""
    return [
        Discard(row["phrase"], row["scope"])
        for row in _read_jsonl(path)
        if not row["phrase"].isdigit() and row["phrase"] not in WORDS.kept_discards
    ]


def _as_part_of(lexeme: Lexeme, parts: dict[str, str]) -> Lexeme:
    """The lexeme with each part's code replaced by its whole's ('UNICEF' -> 'UN')."""
    terms = tuple(
        Term(parts.get(t.actor, t.actor), t.role, t.start, t.end) if t.actor else t for t in lexeme.terms
    )
    return Lexeme(lexeme.kind, terms, lexeme.name)


def read_leader_terms(path: Path) -> dict[str, tuple[Lexeme, list[str]]]:
    """The people of `leader_terms.jsonl` by name: a person lexeme with all their terms, and their phrases."""
    _require(path)
    by_name: dict[str, list[LeaderTerm]] = {}
    for _, row in read_rows(path, LeaderTerm, EXAMPLE_LEADER_TERM, "term"):
        by_name.setdefault(row.name, []).append(row)
    out: dict[str, tuple[Lexeme, list[str]]] = {}
    for name, rows in by_name.items():
        terms = tuple(Term(row.actor, row.role, row.start, row.end) for row in rows)
        phrases = list(dict.fromkeys([name, *(alias for row in rows for alias in row.aliases)]))
        out[name] = (Lexeme("person", terms, name), phrases)
    return out


@dataclass(frozen=True, slots=True)
class Composed:
    """Tells a phrase our rulers already read in parts: a state (or IGO) and one of our titles ('german
    chancellor', "iran's foreign minister"), which the resolver joins itself, with the person's name after it
    and any 'former' before it."""

    prefixes: set[str]
    titles: set[str]

    def __call__(self, phrase: str) -> bool:
        words = phrase.replace("'s ", " 's ").split()
        for cut in range(1, len(words)):
            owner, title = " ".join(words[:cut]), words[cut:]
            if title[0] == "'s":
                title = title[1:]
            if owner in self.prefixes and " ".join(title) in self.titles:
                return True
        return False


def read_petrarch(folder: Path, ours: set[str], lexemes: dict[str, Lexeme], composed: Composed) -> list[FieldPattern]:
    """PETRARCH's actors and agents as lexemes (added to `lexemes`) and their phrases, less the entries marked
    as ours (`ours` in the row: a phrase of it is one of our names), the phrases in `ours` or `composed` of
    ours, the entries that name no actor with a role of ours (places, NGOs, companies abroad), agents cut
    short (`stem`) and any phrase an earlier entry took."""
    patterns: list[FieldPattern] = []
    taken = set(ours)

    def add(label: str, key: str, lexeme: Lexeme, fresh: list[str], own: str) -> None:
        lexemes[key] = lexeme
        taken.update(fresh)
        patterns.extend(FieldPattern(label, phrase, key, phrase != own) for phrase in fresh)

    def untaken(phrases: Iterable[str]) -> list[str]:
        return [phrase for phrase in dict.fromkeys(phrases) if phrase not in taken and not composed(phrase)]

    for name in PETRARCH_ACTOR_FILES:
        for row in _read_jsonl(folder / name):
            fresh = [] if row.get("ours") else untaken([*row["phrases"], *row.get("stems", ())])
            lexeme = petrarch_lexeme(row) if fresh else None
            if lexeme is not None:
                add(NAME, f"pet:{row['src']}", lexeme, fresh, row["name"].lower())
    for row in _read_jsonl(folder / PETRARCH_AGENT_FILE):
        role = _role(row["role"], row["src"])
        if role is None or row.get("ours") or row.get("stem"):
            continue
        singular, *plurals = row["phrases"]
        # 'soldier' is a member of the actor, 'soldiers' a group of them
        for key, kind, phrases in ((row["src"], "institution", [singular]), (f"{row['src']}#plural", "group", plurals)):
            fresh = untaken(phrases)
            if fresh:
                add(ROLE, f"pet:{key}", _undated(kind, None, role), fresh, singular)
    return patterns


def petrarch_lexeme(row: dict[str, Any]) -> Lexeme | None:
    """A PETRARCH actor entry as a lexeme: its codes with an actor and a role of ours are its terms, a dated code
    without them (ELI: out of office) a blank term in its dates; None when no code gives an actor and a role."""
    codes = row["codes"]
    if not any(code["actor"] is not None and code["role"] is not None for code in codes):
        return None
    terms = []
    for code in codes:
        start, end = _day(code.get("start")), _day(code.get("end"))
        if code["actor"] is not None and code["role"] is not None:
            terms.append(Term(code["actor"], _role(code["role"], row["src"]), start, end))
        elif start is not None or end is not None:
            terms.append(Term(None, None, start, end))
    dated = any(term.start is not None or term.end is not None for term in terms)
    return Lexeme("person" if dated else "institution", tuple(terms), _display_name(row["name"]))


_ROMAN = re.compile(r"[IVX]+")


def _display_name(name: str) -> str:
    """PETRARCH's capitals as a name is written: 'ABDULLAH II' -> 'Abdullah II', 'BAN KI-MOON' -> 'Ban Ki-Moon'."""
    return " ".join(word if _ROMAN.fullmatch(word) else word.title() for word in name.split())


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None

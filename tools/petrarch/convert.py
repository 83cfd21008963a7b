"""Build tool: convert PETRARCH2's coding dictionaries into dyadwatch data files, with a conversion report.

    python -m tools.petrarch.convert [--input DIR] [--output DIR] [--data DIR]

reads the vendored dictionaries (third_party/petrarch2-dictionaries/), our hand-written data
(streams/core/data/: which entries are ours, and leader_terms.jsonl to close open-ended roles) and writes
streams/core/data/petrarch/: JSONL files sorted deterministically, one row a line, each row with its
source line (`"src": "CAMEO.2.0.txt:2031"`), and REPORT.md. The row schemas are in tools/petrarch/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.core.datafile import read_jsonl
from tools.petrarch import actors, agents, leaders, report, verbs
from tools.petrarch.codes import CodeTables
from tools.petrarch.lemmas import Lemmas

ROOT = Path(__file__).resolve().parents[2]
INPUT = ROOT / "third_party" / "petrarch2-dictionaries"
DATA = ROOT / "streams" / "core" / "data"
OUTPUT = DATA / "petrarch"

VERB_FILE = "CAMEO.2.0.txt"
OLD_VERB_FILE = "CAMEO.verbpatterns.150430.txt"
ACTOR_FILES = {
    "Phoenix.Countries.actors.txt": "actors_countries.jsonl",
    "Phoenix.International.actors.txt": "actors_international.jsonl",
    "Phoenix.MilNonState.actors.txt": "actors_nonstate.jsonl",
}
AGENT_FILE = "Phoenix.agents.txt"
DISCARD_FILE = "Phoenix.discards.txt"
PREPOSITION_FILE = "Phoenix.prepositions.txt"
LEADER_TERMS = "leader_terms.jsonl"

Row = dict[str, Any]


@dataclass
class Ours:
    """Our hand-written entries, by lower-case phrase or lemma -> 'file:line' (they win on conflict)."""

    names: dict[str, str]
    titles: dict[str, str]
    verbs: dict[str, str]
    states: frozenset[str]
    people: dict[str, str]
    """Normalized person names of institutions.jsonl -> 'institutions.jsonl:N'."""


@dataclass
class Converted:
    files: dict[str, list[Row]] = field(default_factory=dict)
    report: str = ""


def _jsonl(path: Path) -> list[tuple[int, Row]]:
    return list(read_jsonl(path))


def read_ours(data: Path) -> Ours:
    names: dict[str, str] = {}
    people: dict[str, str] = {}

    def add(phrases: list[str], where: str) -> None:
        for phrase in phrases:
            names.setdefault(leaders.normalized(phrase), where)

    states: set[str] = set()
    for number, row in _jsonl(data / "states.jsonl"):
        states.add(row["code"])
        add([*row["names"], *row["demonyms"], *row["capitals"]], f"states.jsonl:{number}")
    for number, row in _jsonl(data / "igos.jsonl"):
        add([row["name"], *row["aliases"]], f"igos.jsonl:{number}")
    for number, row in _jsonl(data / "institutions.jsonl"):
        # a person with several dated roles has one line per role; `aliases` is optional
        aliases = row.get("aliases", [])
        add([row["name"], *aliases], f"institutions.jsonl:{number}")
        if row["kind"] == "person":
            for name in (row["name"], *aliases):
                people.setdefault(leaders.normalized(name), f"institutions.jsonl:{number}")
    titles: dict[str, str] = {}
    for number, row in _jsonl(data / "titles.jsonl"):
        for phrase in row["phrases"]:
            titles.setdefault(phrase.lower(), f"titles.jsonl:{number}")
    verb_cues = {
        row["lemma"]: f"verbs.jsonl:{number}" for number, row in _jsonl(data / "verbs.jsonl") if row["pos"] == "verb"
    }
    return Ours(names, titles, verb_cues, frozenset(states), people)


def check_input(input_dir: Path, data: Path) -> None:
    """Fail early, with what to do, when an input folder lacks a file the converter needs."""
    needed = (VERB_FILE, *ACTOR_FILES, AGENT_FILE, DISCARD_FILE, PREPOSITION_FILE)
    missing = [name for name in needed if not (input_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"no PETRARCH dictionaries in {input_dir} (missing {', '.join(missing)}); "
            "pass --input with the folder of PETRARCH2's data/dictionaries"
        )
    ours = ("states.jsonl", "igos.jsonl", "institutions.jsonl", "titles.jsonl", "verbs.jsonl", LEADER_TERMS)
    missing = [name for name in ours if not (data / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"our data files are not in {data} (missing {', '.join(missing)}); pass --data streams/core/data"
        )


def convert(input_dir: Path, data: Path, lemmas: Lemmas) -> Converted:
    """Everything the converter writes, as rows per output file plus the report text."""
    check_input(input_dir, data)
    ours = read_ours(data)
    tables = CodeTables.load(ours.states)
    out = Converted()
    facts = report.Facts()

    # verbs
    prepositions = frozenset(
        w.strip().lower() for w in (input_dir / PREPOSITION_FILE).read_text(encoding="utf-8").split() if w.strip()
    )
    dictionary = verbs.read(input_dir / VERB_FILE, lemmas)
    ctx = verbs.Context(
        synsets=dictionary.synsets,
        particles=frozenset(tables.verbs["particles"]),
        ambiguous_particles=frozenset(tables.verbs["ambiguous_particles"]),
        prepositions=prepositions,
        articles=frozenset(tables.verbs["articles"]),
        lemmas=lemmas,
        notes=Counter(dictionary.notes),
    )
    verb_out = verbs.convert(dictionary, ctx, VERB_FILE, ours.verbs)
    out.files["verb_patterns.jsonl"] = verb_out.patterns
    out.files["verb_forms.jsonl"] = verb_out.forms
    out.files["synonyms.jsonl"] = verb_out.synsets
    facts.verbs = report.VerbFacts(dictionary, verb_out, ctx.notes)
    old_path = input_dir / OLD_VERB_FILE
    if old_path.exists():
        facts.old_verbs = report.old_dictionary(verbs.read(old_path, lemmas), dictionary)

    # actors, closed by our leader terms
    terms = leaders.read_terms(data / LEADER_TERMS)
    facts.terms = terms
    for source, target in ACTOR_FILES.items():
        actor_file = actors.read(input_dir / source, tables)
        closing = leaders.close_roles(actor_file.entries, terms, LEADER_TERMS)
        without_code = [e for e in actor_file.entries if not e.codes]
        actor_file.entries = [e for e in actor_file.entries if e.codes]
        actor_file.reasons["actor with no code (PETRARCH gives it none either)"] += len(without_code)
        rows = actors.rows(actor_file, source, ours.names)
        out.files[target] = rows
        facts.actors[source] = report.ActorFacts(target, actor_file, rows, len(without_code), closing)
    facts.people = ours.people

    # agents and discards
    agent_out = agents.read_agents(input_dir / AGENT_FILE, tables, lemmas, ours.titles)
    out.files["agents.jsonl"] = agent_out.rows
    facts.agents = agent_out
    discard_out = agents.read_discards(input_dir / DISCARD_FILE)
    out.files["discards.jsonl"] = discard_out.rows
    facts.discards = discard_out
    facts.tables = tables
    for name, rows in out.files.items():
        encoded = encode(rows)
        facts.sizes[name] = len(encoded)
        facts.longest[name] = max((len(line) for line in encoded.splitlines()), default=0)
    out.report = report.render(facts)
    return out


def encode(rows: list[Row]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def write(converted: Converted, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    for name, rows in converted.files.items():
        (output / name).write_bytes(encode(rows))
    (output / "REPORT.md").write_text(converted.report, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.petrarch.convert", description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=INPUT, help=f"PETRARCH2 dictionaries (default {INPUT})")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where to write (default {OUTPUT})")
    parser.add_argument("--data", type=Path, default=DATA, help=f"our hand-written data files (default {DATA})")
    args = parser.parse_args(argv)
    try:
        check_input(args.input, args.data)
        converted = convert(args.input, args.data, Lemmas())
    except (FileNotFoundError, ValueError, OSError) as error:
        print(f"convert: {error}", file=sys.stderr)
        return 1
    write(converted, args.output)
    total = sum(len(rows) for rows in converted.files.values())
    print(f"wrote {total} rows in {len(converted.files)} files and REPORT.md to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

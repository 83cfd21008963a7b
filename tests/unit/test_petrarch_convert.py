"""Unit tests of the PETRARCH conversion as a whole: re-running it reproduces the committed files, and they
hold together (codes in the codebook, roles and actors of ours, sources that point at their lines)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pytest

from streams.core import cameo
from streams.core.models import Role
from tools.petrarch import convert

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "streams" / "core" / "data" / "petrarch"
VENDORED = ROOT / "third_party" / "petrarch2-dictionaries"
DATA = ROOT / "streams" / "core" / "data"
ROLES = frozenset(get_args(Role))
MAX_LINE = 4000


def rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (COMMITTED / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def rerun(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("petrarch")
    assert convert.main(["--output", str(out)]) == 0
    return out


def test_rerunning_the_converter_gives_the_committed_files_byte_for_byte(rerun: Path) -> None:
    written = sorted(p.name for p in rerun.iterdir())
    # COMPILED.md beside them is the engine's compile report (tools/petrarch/compiled.py), not converter output
    assert written == sorted(p.name for p in COMMITTED.iterdir() if p.name != "COMPILED.md")
    changed = [name for name in written if (rerun / name).read_bytes() != (COMMITTED / name).read_bytes()]
    assert not changed, f"run `python -m tools.petrarch.convert` and commit: {changed} differ"


def test_the_converter_says_in_one_line_what_to_do_without_its_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert convert.main(["--input", str(tmp_path), "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pass --input" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_the_files_are_one_reviewable_row_a_line_each_with_its_source() -> None:
    for path in COMMITTED.glob("*.jsonl"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert len(line) <= MAX_LINE, f"{path.name}:{number} is {len(line)} characters long"
            assert json.loads(line)["src"].split(":")[0] in {p.name for p in VENDORED.iterdir()}


def test_rows_are_sorted_by_their_documented_keys() -> None:
    patterns = rows("verb_patterns.jsonl")
    assert patterns == sorted(patterns, key=lambda r: (r["block"], r["code"] or "", r["text"], r["src"]))
    for name in ("actors_countries.jsonl", "actors_international.jsonl", "actors_nonstate.jsonl"):
        actors = rows(name)
        assert actors == sorted(actors, key=lambda r: (r["name"], int(r["src"].rsplit(":", 1)[1])))
    agents = rows("agents.jsonl")
    assert agents == sorted(agents, key=lambda r: (r["phrases"][0], r["src"]))


def test_every_verb_pattern_points_at_its_pattern_line() -> None:
    source = (VENDORED / "CAMEO.2.0.txt").read_text(encoding="utf-8").splitlines()
    for row in rows("verb_patterns.jsonl"):
        line = source[int(row["src"].split(":")[1]) - 1]
        assert line.startswith("-") and row["text"].split()[-1].strip("(){}") in line, row["src"]


def test_every_code_written_is_in_our_cameo_codebook() -> None:
    codes = [
        (r[k], r["src"])
        for r in rows("verb_patterns.jsonl")
        for k in ("code", "reverse_code", "block_code")
        if r.get(k)
    ]
    codes += [(r[k], r["src"]) for r in rows("verb_forms.jsonl") for k in ("code", "block_code") if r.get(k)]
    for code, src in codes:
        assert cameo.lookup(code), src


def test_synonym_sets_referred_to_by_patterns_exist() -> None:
    names = {row["name"] for row in rows("synonyms.jsonl")}
    for row in rows("verb_patterns.jsonl"):
        for word in json.dumps({k: row.get(k) for k in ("subject", "object", "preps")}).split('"'):
            if word.startswith("&"):
                assert word[1:] in names, row["src"]


def test_actors_and_roles_are_ours_or_null() -> None:
    ours = {
        json.loads(line)["code"]
        for name in ("states.jsonl", "igos.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
    }
    for name in ("actors_countries.jsonl", "actors_international.jsonl", "actors_nonstate.jsonl"):
        for row in rows(name):
            for code in row["codes"]:
                assert code["actor"] is None or code["actor"] in ours, row["src"]
                assert code["role"] is None or code["role"] in ROLES, row["src"]
                assert code.get("start", "") <= code.get("end", "9999"), row["src"]
    for row in rows("agents.jsonl"):
        assert row["role"] is None or row["role"] in ROLES, row["src"]


def test_obama_is_us_government_between_his_dates_only() -> None:
    obama = next(r for r in rows("actors_countries.jsonl") if r["name"] == "BARACK OBAMA")
    gov = next(c for c in obama["codes"] if c["role"] == "GOV")
    assert (gov["actor"], gov["start"], gov["end"]) == ("USA", "2009-01-20", "2017-01-20")
    assert gov["closed_by"].startswith("leader_terms.jsonl:")


def test_the_leader_terms_cover_at_least_sixty_people_with_valid_fields() -> None:
    terms = [json.loads(line) for line in (DATA / "leader_terms.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({t["name"] for t in terms}) >= 60
    ours = {
        json.loads(line)["code"]
        for name in ("states.jsonl", "igos.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
    }
    for number, term in enumerate(terms, 1):
        assert term["actor"] in ours and term["role"] in ROLES, number
        assert set(term) <= {"name", "aliases", "petrarch_name", "actor", "role", "office", "start", "end"}, number


def test_the_licence_the_notice_and_sources_carry_the_dictionaries_mit_notice() -> None:
    assert "Apache License\n                           Version 2.0, January 2004" in (ROOT / "LICENSE").read_text()
    mit = "Permission is hereby granted, free of charge, to any person obtaining a copy of"
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert mit in notice and mit in sources and mit in (VENDORED / "LICENSE").read_text(encoding="utf-8")
    for text in (notice, sources, (VENDORED / "SOURCE.md").read_text(encoding="utf-8")):
        assert "676801cd9cb2924bbbad09f86d15c9323e7097bf" in text
    for name in [p.name for p in COMMITTED.glob("*.jsonl")] + ["leader_terms.jsonl"]:
        assert f"`{name}`" in sources, f"name {name} in SOURCES.md"

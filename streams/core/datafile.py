"""Core layer: reading the knowledge files (one JSON object a line), against a strict pydantic model or as they are,
and the TOML files of named, described entries (`data/words.toml`, `data/confidence.toml`).

A line that does not fit stops the load with one line that names the file, the line and the key, and says what
is accepted, e.g. `institutions.jsonl:12: unknown key 'until'; accepted keys: name, aliases, ...`.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

Row = TypeVar("Row", bound=BaseModel)
DATA_DIR = Path(__file__).parent / "data"
"""The knowledge files shipped with the core (streams/core/data/)."""


class DataFileError(ValueError):
    """A line of a knowledge file that does not fit its schema."""


def read_rows(path: Path, model: type[Row], example: str, noun: str) -> Iterator[tuple[int, Row]]:
    """Each non-blank line of `path` as (line number, `model`); `example` is a valid line and `noun` what a line
    is ('cue', 'actor'), both shown in errors."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield number, model.model_validate_json(line)
            except ValidationError as error:
                raise DataFileError(explain(f"{path.name}:{number}", error, model, example, noun)) from None


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line of `path` as (line number, JSON object): the one reader of the generated actor files
    (states.jsonl, igos.jsonl, ...), whose rows need no schema of their own."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield number, json.loads(line)


def explain(where: str, error: ValidationError, model: type[BaseModel], example: str, noun: str) -> str:
    """One line saying what is wrong with a line of `model` and what is accepted."""
    problem = error.errors(include_url=False)[0]
    kind, loc, message = problem["type"], problem["loc"], problem["msg"]
    key = str(loc[0]) if loc else None
    if kind == "json_invalid":
        return f"{where}: not a JSON object ({message}); write one object a line, e.g. {example}"
    if kind == "model_type":
        return f"{where}: a{'n' if noun[0] in 'aeiou' else ''} {noun} is a JSON object, e.g. {example}"
    if kind == "extra_forbidden":
        return f"{where}: unknown key {key!r}; accepted keys: {', '.join(model.model_fields)}"
    if kind == "missing":
        required = " and ".join(repr(name) for name, info in model.model_fields.items() if info.is_required())
        return f"{where}: key {key!r} is missing; every {noun} needs {required}, e.g. {example}"
    if key is None:
        return f"{where}: {message.removeprefix('Value error, ')}"
    return f"{where}: key {key!r}: {message.removeprefix('Value error, ')} (got {problem['input']!r})"


def read_described_toml(path: Path, known: list[str], field: str, noun: str, plural: str, of: str) -> dict[str, Any]:
    """The `field` of each entry of a TOML file whose entries are tables of exactly `means` (text) and `field`.

    Every name in `known` must be there and nothing else; the error names the file and the entry and says what to
    write (`noun`/`plural` name an entry in messages, `of` what its value is: "the list", "the number").
    """
    where = path.name
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{where} is not valid TOML ({error}); fix the file") from error
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise ValueError(f"{where}: unknown {noun} {unknown[0]!r}; the {plural} are: {', '.join(known)}")
    example = "[...]" if field == "words" else "..."
    values: dict[str, Any] = {}
    for name in known:
        table = tables.get(name)
        if not isinstance(table, dict):
            add = f'`means = "..."` and `{field} = {example}`'
            raise ValueError(f"{where}: {noun} [{name}] is missing; add it with {add}")
        if set(table) != {"means", field} or not isinstance(table["means"], str) or not table["means"].strip():
            raise ValueError(f"{where}: [{name}] needs exactly `means` (what {of} means) and `{field}`")
        values[name] = table[field]
    return values

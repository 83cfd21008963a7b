"""Build tool: PETRARCH actor dictionaries (TABARI format) -> actor rows with phrases, codes and dated roles.

An entry starts with its name (`BARACK_OBAMA`), may list synonyms (`+PRESIDENT_OBAMA_`) and carries codes,
on its own line or on following lines: `[USAGOV]`, `[USAGOV 010120-090120]`, `[USAGOV >090120]` (from a
date on), `[USAGOV <090120]` (until a date). Dates are YYMMDD (YY up to 30 is 20YY) or YYYYMMDD, read as
PETRARCH's `dstr_to_ordate` reads them. Underscores join words; a phrase ending in `_` ends on a whole
word, any other phrase's last word is a stem (TABARI's convention; PETRARCH-2 matches whole words).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.petrarch.codes import CodeTables

Row = dict[str, Any]

_BRACKET = re.compile(r"\[([^\]]*)\]")


@dataclass
class Entry:
    name: str
    line: int
    phrases: list[str] = field(default_factory=list)
    stems: list[str] = field(default_factory=list)
    codes: list[Row] = field(default_factory=list)


@dataclass
class ActorFile:
    entries: list[Entry]
    codes_read: int
    reasons: Counter[str]
    """Codes or phrases that were read but could not be converted, by reason."""
    notes: Counter[str]
    """Readings the converter made of irregular input, by kind (the input stays converted)."""
    roles: Counter[str]
    """Why converted codes have no actor or no role of ours, by reason."""


def parse_date(text: str, notes: Counter[str]) -> dt.date:
    """'090120' -> 2009-01-20, '19060101' -> 1906-01-01, '201005011' -> 2010-05-01 (as PETRARCH reads it)."""
    if not text.isdigit():
        raise ValueError(f"date {text!r} is not digits")
    if len(text) not in (6, 8):
        notes["date with a wrong number of digits, read as PETRARCH reads it"] += 1
    if len(text) > 7:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    else:
        year, month, day = int(text[:2]), int(text[2:4]), int(text[4:6])
        year += 2000 if year <= 30 else 1900
    return dt.date(year, month, day)


def parse_code(content: str, tables: CodeTables, notes: Counter[str], roles: Counter[str]) -> Row:
    """'USAGOV 090120-170120' -> {'code', 'actor', 'role', 'start', 'end'} (dates absent when open)."""
    parts = content.split(None, 1)
    code = parts[0]
    when = parts[1].replace(" ", "") if len(parts) > 1 else ""
    resolved = tables.resolve(code)
    if resolved.missing:
        roles[resolved.missing] += 1
    row: Row = {"code": code, "actor": resolved.actor, "role": resolved.role}
    if when:
        if when.startswith(">"):
            row["start"] = parse_date(when[1:], notes).isoformat()
        elif when.startswith("<"):
            row["end"] = parse_date(when[1:], notes).isoformat()
        elif "-" in when:
            start, _, end = when.partition("-")
            row["start"] = parse_date(start, notes).isoformat()
            row["end"] = parse_date(end, notes).isoformat()
        else:
            notes["single date without '>' read as a start"] += 1
            row["start"] = parse_date(when, notes).isoformat()
        if "start" in row and "end" in row and row["end"] < row["start"]:
            raise ValueError("end before start")
    return row


def _phrase(text: str, entry: Entry, reasons: Counter[str], notes: Counter[str]) -> None:
    if "\x1a" in text:
        reasons["phrase with a broken character"] += 1
        return
    exact = text.endswith("_")
    if " " in text.strip("_ "):
        notes["space inside a phrase read as an underscore"] += 1
    words = text.rstrip("_").replace("_", " ").lower().split()
    if not words:
        return
    phrase = " ".join(words)
    target = entry.phrases if exact else entry.stems
    if phrase not in entry.phrases and phrase not in entry.stems:
        target.append(phrase)


def read(path: Path, tables: CodeTables) -> ActorFile:
    entries: list[Entry] = []
    reasons: Counter[str] = Counter()
    notes: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    codes_read = 0
    current: Entry | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("#") or not raw.strip():
            continue
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            head, codes_text = "", line
        elif line.startswith("+"):
            if current is None:
                raise ValueError(f"{path.name}:{number}: a synonym before the first actor")
            _phrase(line[1:].strip(), current, reasons, notes)
            continue
        else:
            cut = line.find("[")
            head, codes_text = (line, "") if cut < 0 else (line[:cut].strip(), line[cut:])
        if head:
            current = Entry(head.rstrip("_").replace("_", " ").strip(), number)
            entries.append(current)
            _phrase(head, current, reasons, notes)
        if current is None:
            raise ValueError(f"{path.name}:{number}: a code before the first actor")
        for content in _BRACKET.findall(codes_text):
            codes_read += 1
            try:
                current.codes.append(parse_code(content.strip(), tables, notes, roles))
            except ValueError:
                reasons["code with an invalid date"] += 1
    return ActorFile(entries, codes_read, reasons, notes, roles)


def rows(actor_file: ActorFile, source: str, ours: dict[str, str]) -> list[Row]:
    """Actor rows sorted by name then line; `ours` maps a lower-case phrase of our own data to 'file:line'."""
    out: list[Row] = []
    for entry in actor_file.entries:
        row: Row = {"name": entry.name, "phrases": entry.phrases}
        if entry.stems:
            row["stems"] = entry.stems
        row["codes"] = entry.codes
        hits = sorted({ours[p] for p in (*entry.phrases, *entry.stems) if p in ours})
        if hits:
            row["ours"] = hits
        row["src"] = f"{source}:{entry.line}"
        out.append(row)
    out.sort(key=lambda r: (r["name"], int(r["src"].rsplit(":", 1)[1])))
    return out

"""Build tool: PETRARCH agent nouns (Phoenix.agents.txt) and discard phrases (Phoenix.discards.txt) -> rows.

Agents: `NOUN {plural} [~CODE]`: `~CODE` adds the role after the actor's code ("Iranian police" ->
IRNCOP), `CODE~` before it (`NGO~`). Regular plurals are made as PETRARCH makes them (-Y -> -IES,
-S -> -SES, else -S); `{}` means none, `{FORM}` gives it. `!PERSON!` and `!MINIST!` stand for the lists
defined as `!PERSON! = MAN, MEN, ...`, with no plural made.

Discards: one phrase a line; `+` in front discards the whole story, otherwise the sentence; a phrase
ending in `_` must end on a whole word, any other is a stem. Matching is case-insensitive.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.petrarch.codes import CodeTables
from tools.petrarch.lemmas import Lemmas

Row = dict[str, Any]

_CODE = re.compile(r"\[([^\]}]*)([\]}])")
_MARKER = re.compile(r"!([A-Z]+)!")


@dataclass
class Converted:
    rows: list[Row]
    read: int
    reasons: Counter[str]
    notes: Counter[str]
    roles: Counter[str]


def _plural(phrase: str) -> str:
    if phrase.endswith("Y"):
        return phrase[:-1] + "IES"
    if phrase.endswith("S"):
        return phrase + "ES"
    return phrase + "S"


def _words(text: str) -> str:
    return " ".join(text.replace("_", " ").lower().split())


def _is_stem(text: str, lemmas: Lemmas) -> bool:
    last = text.replace("_", " ").split()[-1]
    return not lemmas.known(last) and lemmas.completes(last)


def read_agents(path: Path, tables: CodeTables, lemmas: Lemmas, ours: dict[str, str]) -> Converted:
    markers: dict[str, list[str]] = {}
    rows: list[Row] = []
    reasons: Counter[str] = Counter()
    notes: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    read_count = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("#") or not raw.strip():
            continue
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "!" in line and "=" in line:
            name, _, values = line.partition("=")
            markers[name.strip().strip("!")] = [v.strip() for v in values.split(",") if v.strip()]
            continue
        read_count += 1
        match = _CODE.search(line)
        if match is None:
            reasons["agent without a code"] += 1
            continue
        if match.group(2) == "}":
            notes["code closed with '}', read as ']'"] += 1
        code = match.group(1).strip()
        text = line[: match.start()].strip()
        forms: list[str]
        marker = _MARKER.search(text)
        if marker is not None:
            if marker.group(1) not in markers:
                reasons["undefined substitution marker"] += 1
                continue
            forms = [text[: marker.start()] + value + text[marker.end() :] for value in markers[marker.group(1)]]
            forms = [re.sub(r"\{[^}]*\}", "", f).strip() for f in forms]
        elif "{" in text:
            singular = text[: text.find("{")].strip()
            plural = text[text.find("{") + 1 : text.find("}")].strip()
            forms = [singular, plural] if plural else [singular]
        else:
            forms = [text, _plural(text.rstrip("_"))]
        stem = marker is None and "{" not in text and not text.endswith("_") and _is_stem(text, lemmas)
        if stem:
            # 'BROADCAST_MINIST': the stem covers minister, ministry and their plurals
            forms = forms[:1]
        phrases = list(dict.fromkeys(p for p in (_words(f.rstrip("_")) for f in forms) if p))
        role_segments = code.strip("~")
        if not role_segments or not role_segments.isalpha():
            reasons["malformed agent code"] += 1
            continue
        role, missing = tables.role([role_segments[i : i + 3] for i in range(0, len(role_segments), 3)])
        if missing:
            roles[missing] += 1
        row: Row = {"phrases": phrases, "code": code, "role": role}
        if stem:
            notes["agent ending in a stem ('MINIST'), no plural made"] += 1
            row["stem"] = True
        hits = sorted({ours[p] for p in phrases if p in ours})
        if hits:
            row["ours"] = hits
        row["src"] = f"{path.name}:{number}"
        rows.append(row)
    rows.sort(key=lambda r: (r["phrases"][0], r["src"]))
    return Converted(rows, read_count, reasons, notes, roles)


def read_discards(path: Path) -> Converted:
    rows: list[Row] = []
    read_count = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("#") or not raw.strip():
            continue
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        read_count += 1
        story = line.startswith("+")
        text = line.lstrip("+").strip()
        rows.append(
            {
                "phrase": " ".join(text.rstrip("_").lower().split()),
                "scope": "story" if story else "sentence",
                "stem": not text.endswith("_"),
                "src": f"{path.name}:{number}",
            }
        )
    rows.sort(key=lambda r: (r["phrase"], r["scope"], r["src"]))
    return Converted(rows, read_count, Counter(), Counter(), Counter())

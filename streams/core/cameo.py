"""Core layer: the CAMEO event codebook (codes, names, Goldstein values, roots and GDELT quad classes)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from streams.core.models import QuadClass

CAMEO_TSV = Path(__file__).parent / "data" / "cameo.tsv"

INTENT_BY_ROOT: dict[int, str] = {4: "036", 5: "032", 6: "031", 7: "033", 8: "035"}
"""The CAMEO 03x code for an intention to do an event of a cooperative root (agree to meet -> 036)."""
INTENT_BY_CODE: dict[str, str] = {
    "045": "039",
    "061": "0311",
    "062": "0312",
    "063": "0313",
    "064": "0314",
}
"""Finer 03x codes where the intended event says more (agree to hold drills -> 0312, to mediate -> 039)."""

THREAT_BY_CODE: dict[str, str] = {"163": "132", "172": "132", "161": "131", "166": "131"}
THREAT_BY_ROOT: dict[int, str] = {15: "138", 16: "131", 17: "137", 18: "138", 19: "138", 20: "138"}
"""The CAMEO 13x code for an intended act of material conflict ('would reimpose sanctions' -> 132)."""

REJECT_BY_ROOT: dict[int, str] = {4: "125", 5: "120", 6: "121", 7: "122", 8: "124"}
"""The CAMEO 12x code for refusing to do an event of a cooperative root (refuse to meet -> 125)."""


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    name: str
    goldstein: float

    @property
    def root(self) -> int:
        return root_of(self.code)

    @property
    def quad_class(self) -> QuadClass:
        return quad_class_of(self.root)


def root_of(code: str) -> int:
    """The CAMEO root of a code: its first two digits ('0622' -> 6)."""
    if len(code) < 2 or not code[:2].isdigit() or not 1 <= int(code[:2]) <= 20:
        raise ValueError(f"{code!r} is not a CAMEO code: use 3 or 4 digits starting with 01..20, e.g. '042'")
    return int(code[:2])


def quad_class_of(root: int) -> QuadClass:
    """GDELT quad class of a root: 01-05 verbal coop, 06-09 material coop, 10-14 verbal, 15-20 material."""
    if not 1 <= root <= 20:
        raise ValueError(f"CAMEO root {root} is out of range: roots run from 1 to 20")
    if root <= 5:
        return 1
    if root <= 9:
        return 2
    if root <= 14:
        return 3
    return 4


@cache
def codebook(path: Path = CAMEO_TSV) -> dict[str, CameoCode]:
    """All codes of the codebook file, by code; loaded once."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["code"]: CameoCode(row["code"], row["name"], float(row["goldstein"])) for row in rows}


def lookup(code: str) -> CameoCode:
    """The codebook entry of a code; a 4-digit code unknown to the book falls back to its 3-digit parent."""
    book = codebook()
    entry = book.get(code) or book.get(code[:3])
    if entry is None:
        raise KeyError(f"CAMEO code {code!r} is not in {CAMEO_TSV.name}: add a row 'code<TAB>name<TAB>goldstein'")
    return entry

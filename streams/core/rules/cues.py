"""Core layer, rule engine: the cue lexicon (lemma + part of speech -> CAMEO code or stance, and frame)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from streams.core import cameo

DATA_DIR = Path(__file__).parents[1] / "data"
VERBS_JSONL = DATA_DIR / "verbs.jsonl"
STANCE_CUES_JSONL = DATA_DIR / "stance_cues.jsonl"

Control = Literal["report", "intend", "refuse", "stop", "deny"]
"""How a verb governs a cue below it: reports it, intends it, refuses it, stops it ('halted aid'), or denies
its complement ('denied sending troops', 'denied that it had sent troops')."""
Frame = Literal["plain", "complement", "judged"]


@dataclass(frozen=True, slots=True)
class Cue:
    """One lexicon entry: a lemma that signals an event (cameo) or a stance (polarity), with its frame."""

    lemma: str
    pos: str
    cameo: str | None = None
    polarity: str | None = None
    control: Control | None = None
    frame: Frame = "plain"
    symmetric: bool = False
    """Coordinated subjects act on each other ('X and Y met')."""
    mutual: bool = False
    """A joint act: the partner acts too ('X held drills with Y' -> both directions)."""
    reverse: bool = False
    """The subject is the receiver ('X received aid from Y' -> Y->X)."""
    object: bool = True
    preps: tuple[str, ...] = ()
    source_preps: tuple[str, ...] = ()
    target_from_clause: bool = False
    require_object: tuple[str, ...] = ()
    fallback_preps: tuple[str, ...] = ()
    """Prepositions naming a target only when nothing else does ('struck targets in Syria')."""
    refine: tuple[tuple[str, str], ...] = ()
    lends: tuple[str, ...] = ()
    """Objects that make the verb a light verb: 'struck a deal with Niger' is a deal, not a strike."""


Lexicon = dict[tuple[str, str], Cue]


def load_lexicon(path: Path) -> Lexicon:
    """Read a cue lexicon (one JSON object a line: lemma, pos, and cameo or polarity, plus frame fields)."""
    lexicon: Lexicon = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if "lemma" not in row or "pos" not in row:
                raise ValueError(
                    f"{path.name}:{number} needs 'lemma' and 'pos' (verb, noun or adj), e.g. "
                    '{"lemma": "attack", "pos": "verb", "cameo": "190"}'
                )
            if "cameo" in row:
                cameo.lookup(row["cameo"])
            cue = Cue(
                lemma=row["lemma"],
                pos=row["pos"],
                cameo=row.get("cameo"),
                polarity=row.get("polarity"),
                control=row.get("control"),
                frame=row.get("frame", "plain"),
                symmetric=row.get("symmetric", False) or row.get("mutual", False),
                mutual=row.get("mutual", False),
                reverse=row.get("reverse", False),
                object=row.get("object", True),
                preps=tuple(row.get("preps", ())),
                source_preps=tuple(row.get("source_preps", ())),
                target_from_clause=row.get("target_from_clause", False),
                require_object=tuple(row.get("require_object", ())),
                fallback_preps=tuple(row.get("fallback_preps", ())),
                refine=tuple(sorted(row.get("refine", {}).items())),
                lends=tuple(row.get("lends", ())),
            )
            lexicon[(cue.lemma, cue.pos)] = cue
    return lexicon


@cache
def verb_lexicon() -> Lexicon:
    return load_lexicon(VERBS_JSONL)


@cache
def stance_lexicon() -> Lexicon:
    """The stance cues, plus the event lexicon's reporting and intention verbs (as governors, no codes)."""
    governors = {key: dataclasses.replace(cue, cameo=None) for key, cue in verb_lexicon().items() if cue.control}
    return governors | load_lexicon(STANCE_CUES_JSONL)

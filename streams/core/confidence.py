"""Core layer: the one confidence rule of events and stances, with its numbers from `data/confidence.toml`.

A record starts at the base of its kind, loses each named adjustment that applies to it (a resolved party, an
inferred target, a hedged mode, ...), never goes below the floor and is rounded to two places. The file's
numbers are checked when it is read (each in [0, 1], the floor at most either base), so every confidence is
a probability without a clamp at 1.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

from streams.core.datafile import read_described_toml
from streams.core.rules.plain import Party

CONFIDENCE_TOML = Path(__file__).parent / "data" / "confidence.toml"


@dataclass(frozen=True, slots=True)
class Adjustments:
    """One number per entry of `data/confidence.toml` (what each means is written there, beside its value)."""

    event_base: float
    stance_base: float
    resolved_party: float
    inferred_target: float
    no_target: float
    hedged: float
    noun_cue: float
    floor: float


@cache
def load_adjustments(path: Path = CONFIDENCE_TOML) -> Adjustments:
    """Read the adjustments of `path`: each a table with `means` (text) and `value` (a number in [0, 1])."""
    where = path.name
    raw = read_described_toml(path, [f.name for f in fields(Adjustments)], "value", "entry", "entries", "the number")
    values: dict[str, float] = {}
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValueError(f"{where}: [{name}] value must be a number from 0 to 1 (got {value!r})")
        values[name] = float(value)
    if values["floor"] > min(values["event_base"], values["stance_base"]):
        raise ValueError(f"{where}: [floor] {values['floor']} is above a base; the floor is at most either base")
    return Adjustments(**values)


ADJUSTMENTS = load_adjustments()


def adjusted(base: float, *less: float, floor: float) -> float:
    """`base` less every adjustment in `less`, not below `floor`, rounded to two places."""
    confidence = base
    for adjustment in less:
        confidence -= adjustment
    return round(max(floor, confidence), 2)


def is_hedged(mode: str) -> bool:
    """Whether a finding's mode makes it less sure than a plain assertion."""
    return mode != "asserted"


def event_confidence(source: Party, target: Party, mode: str, cue_pos: str, by: Adjustments = ADJUSTMENTS) -> float:
    """An event's confidence: less for each resolved party, an inferred target (place or PETRARCH's default
    target), a hedged mode and a cue that is not a verb."""
    return adjusted(
        by.event_base,
        by.resolved_party * (source.resolved + target.resolved),
        by.inferred_target if target.place or target.inferred else 0.0,
        by.hedged if is_hedged(mode) else 0.0,
        by.noun_cue if cue_pos != "verb" else 0.0,
        floor=by.floor,
    )


def stance_confidence(holder: Party, target: Party | None, mode: str, by: Adjustments = ADJUSTMENTS) -> float:
    """A stance's confidence: less for a resolved holder or target, no target and a hedged mode."""
    return adjusted(
        by.stance_base,
        by.resolved_party * holder.resolved,
        by.no_target if target is None else by.resolved_party * target.resolved,
        by.hedged if is_hedged(mode) else 0.0,
        floor=by.floor,
    )

"""Core layer: display names of actor codes from the actor data (states.jsonl, igos.jsonl), loaded once."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from streams.core.datafile import DATA_DIR, read_jsonl

ACTOR_FILES = ("states.jsonl", "igos.jsonl")


@cache
def actor_names() -> Mapping[str, str]:
    """Actor code -> display name ('IRN' -> 'Iran', 'NATO' -> 'North Atlantic Treaty Organization')."""
    names: dict[str, str] = {}
    for file in ACTOR_FILES:
        for _, row in read_jsonl(DATA_DIR / file):
            names[row["code"]] = row["name"]
    return MappingProxyType(names)


def actor_name(code: str) -> str:
    """The display name of an actor code; an unknown code names itself."""
    return actor_names().get(code, code)

"""Core layer: display names of actor codes from the actor data (states.jsonl, igos.jsonl), loaded once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

ACTOR_FILES = ("states.jsonl", "igos.jsonl")


@cache
def actor_names() -> Mapping[str, str]:
    """Actor code -> display name ('IRN' -> 'Iran', 'NATO' -> 'North Atlantic Treaty Organization')."""
    data = resources.files("streams.core") / "data"
    names: dict[str, str] = {}
    for file in ACTOR_FILES:
        for line in (data / file).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                names[row["code"]] = row["name"]
    return MappingProxyType(names)


def actor_name(code: str) -> str:
    """The display name of an actor code; an unknown code names itself."""
    return actor_names().get(code, code)

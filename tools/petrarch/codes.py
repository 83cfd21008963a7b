"""Build tool: PETRARCH actor and agent codes -> dyadwatch actor codes and roles, by the tables in mapping.toml.

A PETRARCH code is a run of three-letter segments: `USAGOV` (state, role), `USAGOVMIL` (state, role and
sub-role), `GBRVGBELI` (state, territory, role), `IGOUNOKID` (sector, organisation), `NGOUSAHRI`
(sector, country, field), `IMGMUSRUSCNY` (armed group, religion, state, region), `WEU` (a region).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAPPING_TOML = Path(__file__).parent / "mapping.toml"


@dataclass(frozen=True)
class Resolved:
    """What a code means to us: our actor code and Role (either may be None) and why one is missing."""

    actor: str | None
    role: str | None
    missing: str | None = None
    """Why the actor or role is None when the code gives one: counted in the report ('NGO has no role')."""


@dataclass(frozen=True)
class CodeTables:
    roles: dict[str, str]
    government_roles: dict[str, str]
    state_aliases: dict[str, str]
    historic_states: dict[str, str]
    sectors: dict[str, str]
    igos: dict[str, str]
    religions: frozenset[str]
    states: frozenset[str]
    verbs: dict[str, Any]

    @classmethod
    def load(cls, states: frozenset[str], path: Path = MAPPING_TOML) -> CodeTables:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(
            roles=table["roles"],
            government_roles=table["government_roles"],
            state_aliases=table["states"],
            historic_states=table["historic_states"],
            sectors=table["sectors"],
            igos=table["igos"],
            religions=frozenset(table["religions"]["codes"]),
            states=states,
            verbs=table["verbs"],
        )

    def state(self, segment: str, first: bool = True) -> str | None:
        """Our state code for a segment; after the first segment, religion codes are never states
        ('IMGMUSALQ' is a Muslim group, not Mauritius)."""
        if not first and segment in self.religions:
            return None
        if segment in self.states:
            return segment
        return self.state_aliases.get(segment)

    def role(self, segments: list[str]) -> tuple[str | None, str | None]:
        """Our role for the role segments after a state or sector, and why there is none."""
        if not segments:
            return None, None
        first = segments[0]
        if first == "GOV" and len(segments) > 1 and segments[1] in self.government_roles:
            return self.government_roles[segments[1]], None
        if first not in self.roles:
            return None, f"role {first} has no role of ours"
        if not self.roles[first]:
            return None, f"role {first}: no role by design"
        return self.roles[first], None

    def resolve(self, code: str) -> Resolved:
        """`USAGOV` -> (USA, GOV); `IGOUNOKID` -> (UNICEF, IGO); `NGOHRI` -> (None, None, 'NGO ...')."""
        segments = [code[i : i + 3] for i in range(0, len(code), 3)]
        if code == "---":
            return Resolved(None, None, "null code [---]: the name codes nothing")
        if not code.isalpha():
            return Resolved(None, None, "malformed code")
        first = segments[0]
        state = self.state(first)
        if state is not None:
            rest = segments[1:]
            territory = self.state(rest[0]) if rest else None
            if territory is not None:
                # 'GBRVGBELI': a territory of the state (the British Virgin Islands)
                state, rest = territory, rest[1:]
            role, missing = self.role(rest)
            return Resolved(state, role, missing)
        if first in self.historic_states:
            role, _ = self.role(segments[1:])
            return Resolved(None, role, f"historic state {first}")
        if first in self.sectors:
            return self._sector(code, first, segments[1:])
        if first in self.roles:
            role, missing = self.role(segments)
            return Resolved(None, role, missing)
        role, _ = self.role(segments[1:])
        return Resolved(None, role, f"region or group {first}, no state")

    def _sector(self, code: str, sector: str, rest: list[str]) -> Resolved:
        if sector == "IGO":
            match = max((prefix for prefix in self.igos if code.startswith(prefix)), key=len, default=None)
            if match is None:
                return Resolved(None, "IGO", "IGO not in igos.jsonl")
            return Resolved(self.igos[match], "IGO")
        if sector == "IMG":
            # an international armed group sits in a state when its code names one ('IMGMUSRUSCNY')
            state = next((s for s in (self.state(seg, first=False) for seg in rest) if s is not None), None)
            return Resolved(state, "REB", None if state else "armed group with no state")
        role = self.sectors[sector] or None
        return Resolved(None, role, f"{sector} is no actor of ours")

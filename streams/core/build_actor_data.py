"""Core layer, build tool: writes data/states.jsonl from pycountry (ISO 3166-1) and data/states_curated.txt.

Run `python -m streams.core.build_actor_data` after editing the curated file; the runtime reads only the
generated states.jsonl, so pycountry is needed at build time, not in the stream worker.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TypedDict

import pycountry

DATA_DIR = Path(__file__).parent / "data"
CURATED = DATA_DIR / "states_curated.txt"
STATES = DATA_DIR / "states.jsonl"

# Not in ISO 3166-1 but used by the World Bank, the EU and most news coding schemes for Kosovo.
EXTRA_CODES = {"XKX": "Kosovo"}


class StateRecord(TypedDict):
    code: str
    name: str
    names: list[str]
    demonyms: list[str]
    capitals: list[str]


class Curated(TypedDict):
    aliases: list[str]
    demonyms: list[str]
    capitals: list[str]


def _split(field: str) -> list[str]:
    return [part.strip() for part in field.split("|") if part.strip()]


def read_curated(path: Path = CURATED) -> dict[str, Curated]:
    """Parse `CODE ; aliases ; demonyms ; capitals` lines (lists separated by '|')."""
    curated: dict[str, Curated] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [field.strip() for field in line.split(";")]
        if len(fields) != 4 or len(fields[0]) != 3:
            raise ValueError(
                f"{path}:{number}: expected 'ISO3 ; aliases ; demonyms ; capitals', got {line!r}; "
                "leave a field empty rather than dropping its ';'"
            )
        curated[fields[0]] = Curated(
            aliases=_split(fields[1]), demonyms=_split(fields[2]), capitals=_split(fields[3])
        )
    return curated


def _uninverted(name: str) -> str | None:
    """ISO writes 'Korea, Republic of', news 'Republic of Korea'; names that do not invert give None."""
    if "," not in name:
        return name
    head, _, tail = name.partition(", ")
    if "Province of" in tail or "," in tail:
        return None
    return f"{tail} {head}".removeprefix("The ").removeprefix("the ")


def plural(demonym: str) -> str | None:
    """'Iranian' -> 'Iranians'; adjectives that do not take -s ('Chinese', 'British', 'Swiss') give None."""
    if demonym.endswith(("ese", "sh", "ch", "ss", "s", "x", "z")):
        return None
    return demonym + "s"


def _dedup(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def build_states(curated: dict[str, Curated]) -> list[StateRecord]:
    records: list[StateRecord] = []
    iso = {country.alpha_3: country for country in pycountry.countries}
    # a name we curate for one state is no ISO name of another: wire copy's 'Congo' is the DRC, not ISO's COG
    curated_for = {alias: code for code, entry in curated.items() for alias in entry["aliases"]}
    for code in sorted(set(iso) | set(EXTRA_CODES)):
        extra = curated.get(code, Curated(aliases=[], demonyms=[], capitals=[]))
        names: list[str] = []
        display = EXTRA_CODES.get(code)
        if code in iso:
            country = iso[code]
            display = getattr(country, "common_name", None) or _uninverted(country.name) or country.name
            for attr in ("name", "common_name", "official_name"):
                value = getattr(country, attr, None)
                if value:
                    readable = _uninverted(value.removeprefix("the "))
                    if readable and curated_for.get(readable, code) == code:
                        names.append(readable)
        names.extend(extra["aliases"])
        demonyms = list(extra["demonyms"])
        demonyms.extend(p for p in (plural(d) for d in extra["demonyms"]) if p)
        if extra["aliases"]:
            display = extra["aliases"][0]  # "Russia", not ISO's "Russian Federation"
        records.append(
            StateRecord(
                code=code,
                name=str(display),
                names=_dedup(names),
                demonyms=_dedup(demonyms),
                capitals=_dedup(extra["capitals"]),
            )
        )
    return records


def main() -> int:
    curated = read_curated()
    unknown = sorted(set(curated) - {c.alpha_3 for c in pycountry.countries} - set(EXTRA_CODES))
    if unknown:
        print(
            f"unknown codes in {CURATED}: {unknown}; use ISO 3166-1 alpha-3 or add to EXTRA_CODES",
            file=sys.stderr,
        )
        return 1
    records = build_states(curated)
    with STATES.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} states to {STATES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Core layer, rule engine: the cue lexicon (lemma + part of speech -> CAMEO code or stance, and frame)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from streams.core import cameo
from streams.core.datafile import DataFileError, explain
from streams.core.models import Polarity

DATA_DIR = Path(__file__).parents[1] / "data"
VERBS_JSONL = DATA_DIR / "verbs.jsonl"
STANCE_CUES_JSONL = DATA_DIR / "stance_cues.jsonl"

Control = Literal["report", "intend", "refuse", "stop", "deny"]
"""How a verb governs a cue below it: reports it, intends it, refuses it, stops it ('halted aid'), or denies
its complement ('denied sending troops', 'denied that it had sent troops')."""
Frame = Literal["plain", "complement", "judged"]


class Cue(BaseModel):
    """One line of a cue file: a lemma that signals an event (cameo) or a stance (polarity), with its frame.

    The schema is strict: an unknown key or a value of the wrong type is an error, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    lemma: str = Field(min_length=1, description="The word's lemma, lower case ('attack', 'sanction').")
    pos: Literal["verb", "noun", "adj"] = Field(description="Its part of speech.")
    cameo: str | None = Field(None, description="The CAMEO code the cue signals ('190'), or none for a governor.")
    polarity: Polarity | None = Field(None, description="The stance the cue signals, in a stance file.")
    control: Control | None = Field(None, description="How the verb governs a cue below it.")
    frame: Frame = Field("plain", description="Where the parties are: the clause, a complement, or the speakers.")
    symmetric: bool = Field(False, description="Coordinated subjects act on each other ('X and Y met').")
    mutual: bool = Field(
        False, description="A joint act: the partner acts too ('X held drills with Y' -> both directions)."
    )
    reverse: bool = Field(False, description="The subject is the receiver ('X received aid from Y' -> Y->X).")
    object: bool = Field(True, description="The direct object is a target ('attacked Ukraine').")
    preps: tuple[str, ...] = Field(
        (), strict=False, description="Prepositions naming a target ('sanctions on', 'talks with')."
    )
    source_preps: tuple[str, ...] = Field((), strict=False, description="Prepositions naming the source ('aid from').")
    target_from_clause: bool = Field(
        False, description="A noun cue without a target takes its clause's subject ('pressure from X')."
    )
    require_object: tuple[str, ...] = Field(
        (),
        strict=False,
        description="Words one of which must be near the cue, or it is no cue ('hold' needs 'talks', ...).",
    )
    fallback_preps: tuple[str, ...] = Field(
        (),
        strict=False,
        description="Prepositions naming a target only when nothing else does ('blockaded ports with ...'); the "
        "place of an act ('struck targets in Syria') is the place rule's (rules/places.py), not a cue's.",
    )
    refine: tuple[tuple[str, str], ...] = Field(
        (), description="Word -> finer CAMEO code when the word is near the cue ('defense' -> '062')."
    )
    lends: tuple[str, ...] = Field(
        (),
        strict=False,
        description="Objects that make the verb a light verb: 'struck a deal with Niger' is a deal, not a strike.",
    )
    light: bool = Field(
        False,
        description="A light verb: any event noun of the lexicon as its direct object is the event, done by the "
        "verb's subject ('ordered sanctions against', 'ordered the closure of the consulate'), as the words of "
        "`lends` are.",
    )
    clause_target: bool = Field(
        False,
        description="The cue is about an act a clause names; with no target in its frame, the doer or partner of "
        "that act is ('investigating whether Myanmar's military used Thai airspace', 'denied reports that it was "
        "helping Russia').",
    )

    @model_validator(mode="before")
    @classmethod
    def _mutual_is_symmetric(cls, row: Any) -> Any:
        # a joint act is symmetric too: coordinated subjects of 'held drills' act on each other
        if isinstance(row, dict) and row.get("mutual") is True and isinstance(row.get("symmetric", False), bool):
            return {**row, "symmetric": True}
        return row

    @field_validator("refine", mode="before")
    @classmethod
    def _refine_from_object(cls, value: Any) -> Any:
        # written as {"word": "code"}; kept as pairs sorted by word, the order the rules try them in
        if not isinstance(value, dict):
            raise ValueError('must be an object of word -> CAMEO code, e.g. {"defense": "062"}')
        return tuple(sorted(value.items()))

    @field_validator("cameo")
    @classmethod
    def _known_code(cls, value: str | None) -> str | None:
        if value is not None:
            _check_code(value)
        return value

    @field_validator("refine")
    @classmethod
    def _known_refined_codes(cls, value: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        for _, code in value:
            _check_code(code)
        return value

    @model_validator(mode="after")
    def _signals_something(self) -> Cue:
        if self.cameo is None and self.polarity is None and self.control is None:
            raise ValueError("a cue needs 'cameo' (an event), 'polarity' (a stance) or 'control' (a governor)")
        return self


def _check_code(code: str) -> None:
    try:
        cameo.lookup(code)
        cameo.root_of(code)
    except KeyError as error:
        raise ValueError(error.args[0]) from None


CUE_KEYS = tuple(Cue.model_fields)
EXAMPLE_CUE = '{"lemma": "attack", "pos": "verb", "cameo": "190"}'

CueLexicon = dict[tuple[str, str], Cue]


class CueFileError(DataFileError):
    """A line of a cue file that does not fit the schema; the message names the file, the line and the key."""


def load_cue_lexicon(path: Path) -> CueLexicon:
    """Read a cue lexicon: one JSON object a line with the keys of `Cue`; a (lemma, pos) may appear once."""
    lexicon: CueLexicon = {}
    first_line: dict[tuple[str, str], int] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                cue = Cue.model_validate_json(line)
            except ValidationError as error:
                raise CueFileError(explain(where, error, Cue, EXAMPLE_CUE, "cue")) from None
            key = (cue.lemma, cue.pos)
            if key in first_line:
                raise CueFileError(
                    f"{where}: {cue.pos} {cue.lemma!r} is already on line {first_line[key]}; keep one entry"
                )
            first_line[key] = number
            lexicon[key] = cue
    return lexicon


@cache
def event_cues() -> CueLexicon:
    return with_light_verbs(load_cue_lexicon(VERBS_JSONL))


def with_light_verbs(lexicon: CueLexicon) -> CueLexicon:
    """The lexicon with each light verb (`Cue.light`) lending every event noun in it (a noun cue with a code): the
    one place where 'ordered sanctions', 'ordered an investigation into' become the noun's event."""
    nouns = {lemma for (lemma, pos), cue in lexicon.items() if pos == "noun" and cue.cameo is not None}
    return {
        key: cue.model_copy(update={"lends": tuple(sorted({*cue.lends, *nouns}))}) if cue.light else cue
        for key, cue in lexicon.items()
    }


@cache
def stance_cues() -> CueLexicon:
    """The stance cues, plus the event lexicon's reporting and intention verbs (as governors, no codes)."""
    governors = {key: cue.model_copy(update={"cameo": None}) for key, cue in event_cues().items() if cue.control}
    return governors | load_cue_lexicon(STANCE_CUES_JSONL)

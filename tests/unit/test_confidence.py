"""Unit tests: the one confidence rule (streams/core/confidence.py) and its numbers in data/confidence.toml."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from streams.core.confidence import (
    ADJUSTMENTS,
    CONFIDENCE_TOML,
    Adjustments,
    adjusted,
    event_confidence,
    load_adjustments,
    stance_confidence,
)
from streams.core.rules.plain import Party

NAMED = Party("CHN", None, "China")
RESOLVED = replace(NAMED, resolved=True)
PLACE = Party("SYR", None, "Syria", place=True)
INFERRED = Party("USA", None, "U.S.", inferred=True)
IRAN = Party("IRN", None, "Iran")
# every number distinct, so a rule that reads the wrong one gives another figure
BY = Adjustments(
    event_base=0.9, stance_base=0.7, resolved_party=0.11, inferred_target=0.17, no_target=0.05, hedged=0.13,
    noun_cue=0.03, floor=0.2,
)


def write_entries(tmp_path: Path, change: str = "", drop: str = "") -> Path:
    """The shipped file with one entry dropped and `change` appended."""
    tables = tomllib.loads(CONFIDENCE_TOML.read_text(encoding="utf-8"))
    lines = [
        f'[{name}]\nmeans = "{table["means"]}"\nvalue = {table["value"]}\n'
        for name, table in tables.items()
        if name != drop
    ]
    path = tmp_path / "confidence.toml"
    path.write_text("\n".join(lines) + change, encoding="utf-8")
    return path


def test_the_shipped_numbers_load() -> None:
    assert ADJUSTMENTS == Adjustments(
        event_base=0.85, stance_base=0.8, resolved_party=0.1, inferred_target=0.15, no_target=0.1, hedged=0.1,
        noun_cue=0.05, floor=0.1,
    )


def test_the_shipped_numbers_round_trip_through_the_test_writer(tmp_path: Path) -> None:
    assert load_adjustments(write_entries(tmp_path)) == ADJUSTMENTS


def test_an_unknown_entry_is_rejected_with_the_known_names(tmp_path: Path) -> None:
    path = write_entries(tmp_path, '[hedge]\nmeans = "typo"\nvalue = 0.1\n')
    with pytest.raises(ValueError, match=r"confidence.toml: unknown entry 'hedge'; the entries are: .*hedged"):
        load_adjustments(path)


def test_a_missing_entry_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"entry \[noun_cue\] is missing"):
        load_adjustments(write_entries(tmp_path, drop="noun_cue"))


def test_an_entry_without_its_meaning_is_rejected(tmp_path: Path) -> None:
    path = write_entries(tmp_path, drop="hedged", change="[hedged]\nvalue = 0.1\n")
    with pytest.raises(ValueError, match=r"\[hedged\] needs exactly `means`"):
        load_adjustments(path)


@pytest.mark.parametrize("value", ["1.5", "-0.1", '"0.1"', "true"])
def test_a_value_that_is_no_number_from_0_to_1_is_rejected(tmp_path: Path, value: str) -> None:
    path = write_entries(tmp_path, drop="hedged", change=f'[hedged]\nmeans = "not asserted"\nvalue = {value}\n')
    with pytest.raises(ValueError, match=r"\[hedged\] value must be a number from 0 to 1"):
        load_adjustments(path)


def test_a_floor_above_a_base_is_rejected(tmp_path: Path) -> None:
    path = write_entries(tmp_path, drop="floor", change='[floor]\nmeans = "too high"\nvalue = 0.82\n')
    with pytest.raises(ValueError, match=r"\[floor\] 0.82 is above a base"):
        load_adjustments(path)


def test_adjusted_subtracts_each_adjustment_stops_at_the_floor_and_rounds() -> None:
    assert adjusted(0.85, 0.1, 0.0, 0.05, floor=0.1) == 0.7
    assert adjusted(0.85, 0.5, 0.5, floor=0.1) == 0.1
    assert adjusted(0.8, 0.123, floor=0.1) == 0.68


def test_a_direct_asserted_verb_event_has_the_event_base() -> None:
    assert event_confidence(NAMED, IRAN, "asserted", "verb", BY) == 0.9


@pytest.mark.parametrize(
    ("source", "target", "mode", "pos", "want"),
    [
        (RESOLVED, IRAN, "asserted", "verb", 0.79),
        (RESOLVED, replace(IRAN, resolved=True), "asserted", "verb", 0.68),
        (NAMED, PLACE, "asserted", "verb", 0.73),
        (NAMED, INFERRED, "asserted", "verb", 0.73),
        (NAMED, replace(PLACE, inferred=True), "asserted", "verb", 0.73),
        (NAMED, IRAN, "reported", "verb", 0.77),
        (NAMED, IRAN, "intended", "verb", 0.77),
        (NAMED, IRAN, "asserted", "noun", 0.87),
        (NAMED, IRAN, "asserted", "adj", 0.87),
        (RESOLVED, PLACE, "reported", "noun", 0.46),
    ],
)
def test_each_doubt_about_an_event_costs_its_named_adjustment(
    source: Party, target: Party, mode: str, pos: str, want: float
) -> None:
    assert event_confidence(source, target, mode, pos, BY) == want


def test_an_event_never_falls_below_the_floor() -> None:
    heavy = replace(BY, resolved_party=0.3)
    assert event_confidence(RESOLVED, replace(PLACE, resolved=True), "reported", "noun", heavy) == 0.2


def test_the_shipped_numbers_give_the_figures_the_rule_examples_pin() -> None:
    # tests/data/rules/examples.jsonl: 'air strikes in Syria's Idlib province' (a noun cue, the place as its
    # target) at 0.65; 'Colombia refused to accept two U.S. military planes' (PETRARCH's default target) at 0.7
    assert event_confidence(NAMED, PLACE, "asserted", "noun") == 0.65
    assert event_confidence(NAMED, INFERRED, "asserted", "verb") == 0.7
    assert event_confidence(RESOLVED, RESOLVED, "reported", "noun") == 0.5
    assert stance_confidence(RESOLVED, None, "reported") == 0.5


@pytest.mark.parametrize(
    ("holder", "target", "mode", "want"),
    [
        (NAMED, IRAN, "asserted", 0.7),
        (RESOLVED, IRAN, "asserted", 0.59),
        (NAMED, replace(IRAN, resolved=True), "asserted", 0.59),
        (RESOLVED, replace(IRAN, resolved=True), "asserted", 0.48),
        (NAMED, None, "asserted", 0.65),
        (RESOLVED, None, "reported", 0.41),
        (NAMED, IRAN, "reported", 0.57),
        # the target's place or inference and the cue's part of speech do not count for a stance
        (NAMED, PLACE, "asserted", 0.7),
        (NAMED, INFERRED, "asserted", 0.7),
    ],
)
def test_each_doubt_about_a_stance_costs_its_named_adjustment(
    holder: Party, target: Party | None, mode: str, want: float
) -> None:
    assert stance_confidence(holder, target, mode, BY) == want


def test_a_stance_never_falls_below_the_floor() -> None:
    assert stance_confidence(RESOLVED, None, "reported", replace(BY, hedged=0.6)) == 0.2

"""Unit tests: the word lists of streams/core/data/words.toml, loaded once, every list known and explained."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from streams.core.words import WORDS, WORDS_TOML, load_words


def write_lists(tmp_path: Path, change: str = "", drop: str = "") -> Path:
    """The shipped file with one list dropped and `change` appended."""
    tables = tomllib.loads(WORDS_TOML.read_text(encoding="utf-8"))
    lines = []
    for name, table in tables.items():
        if name != drop:
            words = ", ".join(f'"{w}"' for w in table["words"])
            lines.append(f'[{name}]\nmeans = "{table["means"]}"\nwords = [{words}]\n')
    path = tmp_path / "words.toml"
    path.write_text("\n".join(lines) + change, encoding="utf-8")
    return path


def test_the_shipped_lists_load_with_plan_nouns_counting_as_decisions() -> None:
    assert "diplomat" in WORDS.actor_heads and "they" in WORDS.plural_anaphors
    assert WORDS.plan_nouns < WORDS.decision_nouns and "refusal" in WORDS.decision_nouns


def test_the_shipped_lists_round_trip_through_the_test_writer(tmp_path: Path) -> None:
    assert load_words(write_lists(tmp_path)) == WORDS


def test_an_unknown_list_is_rejected_with_the_known_names(tmp_path: Path) -> None:
    path = write_lists(tmp_path, '[actor_head]\nmeans = "typo"\nwords = ["x"]\n')
    with pytest.raises(ValueError, match=r"words.toml: unknown list 'actor_head'; the lists are: .*actor_heads"):
        load_words(path)


def test_a_missing_list_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"list \[weapons\] is missing"):
        load_words(write_lists(tmp_path, drop="weapons"))


def test_a_list_without_its_meaning_is_rejected(tmp_path: Path) -> None:
    path = write_lists(tmp_path, drop="weapons", change='[weapons]\nwords = ["missile"]\n')
    with pytest.raises(ValueError, match=r"\[weapons\] needs exactly `means`"):
        load_words(path)


def test_a_word_listed_twice_is_rejected(tmp_path: Path) -> None:
    path = write_lists(tmp_path, drop="weapons", change='[weapons]\nmeans = "fired"\nwords = ["shell", "shell"]\n')
    with pytest.raises(ValueError, match=r"\[weapons\] lists 'shell' twice"):
        load_words(path)

"""Unit tests: event and stance rules on recorded parses of example sentences (tests/data/rules/), no model.

Each example of `examples.jsonl` names what the rules must give for its text; its id says the rule in a
sentence. The parses were recorded with the trained model by `tools/record_parses.py`.
"""

from __future__ import annotations

from typing import Any

import pytest

from streams.core import cameo
from streams.core.models import Relation, Stance
from streams.core.rules.findings import pair_up
from streams.core.rules.plain import Party
from tests.unit.rule_fixtures import Check, Example, examples, relations, stances

EXAMPLES = examples()


def rows(found: list[Relation] | list[Stance], fields: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [tuple(getattr(record, field) for field in fields) for record in found]


def assert_check(found: list[Relation] | list[Stance], check: Check, what: str) -> None:
    got = rows(found, check.fields)
    want = set(check.rows)
    if check.match == "exactly":
        assert set(got) == want, f"{what} {check.fields}: found {sorted(set(got))}, want exactly {sorted(want)}"
    elif check.match == "exactly_once":
        assert sorted(got) == sorted(check.rows), f"{what} {check.fields}: found {got}, want each of {check.rows} once"
    elif check.match == "includes":
        assert want <= set(got), f"{what} {check.fields}: found {sorted(set(got))}, missing {sorted(want - set(got))}"
    elif check.match == "excludes":
        assert not want & set(got), f"{what} {check.fields}: found {sorted(want & set(got))}, want none of them"
    else:
        assert set(got) <= want, f"{what} {check.fields}: found {sorted(set(got) - want)}, want only {sorted(want)}"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_the_rules_give_each_example_what_it_expects(example: Example) -> None:
    found_relations = relations(example.text) if example.relations else []
    found_stances = stances(example.text) if example.stances else []
    for check in example.relations:
        assert_check(found_relations, check, "relations")
    for check in example.stances:
        assert_check(found_stances, check, "stances")


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_every_record_cites_its_sentence_with_a_probability_and_two_distinct_actors(example: Example) -> None:
    text = example.text
    for relation in relations(text):
        assert text[relation.span[0] : relation.span[1]] == relation.sentence
        assert 0 <= relation.confidence <= 1 and relation.source != relation.target
    for stance in stances(text):
        assert text[stance.span[0] : stance.span[1]] == stance.sentence
        assert 0 <= stance.confidence <= 1 and stance.holder != stance.target


def test_the_root_examples_cover_all_twenty_roots() -> None:
    roots = {cameo.root_of(row[2]) for e in EXAMPLES if e.id.startswith("cameo-root-") for row in e.relations[0].rows}
    assert roots == set(range(1, 21))


def test_pairs_never_include_a_self_dyad() -> None:
    china, iran = Party("CHN", None, "China"), Party("IRN", None, "Iran")
    assert pair_up([china, iran], [china], symmetric=False) == ((iran, china),)
    assert pair_up([china], [], symmetric=True) == ()

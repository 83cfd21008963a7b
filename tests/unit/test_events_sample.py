"""Unit tests (model-backed golden tests): the sample article through the whole pipeline gives the events and
stances analysts expect."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc

from streams.core.extract import load_extractor
from streams.core.models import Relation, Stance

SAMPLE = Path(__file__).parents[1] / "data" / "samples" / "china-iran-defense-cooperation.txt"


@pytest.fixture(scope="module")
def doc() -> Doc:
    return load_extractor().nlp(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def relations(doc: Doc) -> list[Relation]:
    return list(doc._.relations)


@pytest.fixture(scope="module")
def stances(doc: Doc) -> list[Stance]:
    return list(doc._.stances)


def quads_between(relations: list[Relation], a: str, b: str) -> set[int]:
    return {r.quad_class for r in relations if {r.source, r.target} == {a, b}}


def directed_quads(relations: list[Relation], source: str, target: str) -> set[int]:
    return {r.quad_class for r in relations if (r.source, r.target) == (source, target)}


def test_china_and_iran_cooperate(relations: list[Relation]) -> None:
    assert quads_between(relations, "CHN", "IRN") & {1, 2}


def test_russia_uses_material_force_against_ukraine(relations: list[Relation]) -> None:
    assert any(r.root == 19 for r in relations if (r.source, r.target) == ("RUS", "UKR"))
    assert directed_quads(relations, "RUS", "UKR") == {4}


def test_iran_and_china_verbally_oppose_russia_over_the_invasion(relations: list[Relation]) -> None:
    assert 3 in directed_quads(relations, "IRN", "RUS")
    assert 3 in directed_quads(relations, "CHN", "RUS")


def test_china_and_iran_each_cooperate_with_russia(relations: list[Relation]) -> None:
    assert quads_between(relations, "CHN", "RUS") & {1, 2}
    assert quads_between(relations, "IRN", "RUS") & {1, 2}


def test_china_and_iran_each_are_in_conflict_with_the_united_states(relations: list[Relation]) -> None:
    assert quads_between(relations, "CHN", "USA") & {3, 4}
    assert quads_between(relations, "IRN", "USA") & {3, 4}


def test_taiwan_and_hong_kong_are_places_of_dispute_not_parties(relations: list[Relation]) -> None:
    assert not {"TWN", "HKG"} & {actor for r in relations for actor in (r.source, r.target)}


def test_no_event_is_a_self_dyad(relations: list[Relation]) -> None:
    # the sample names China as Beijing and by its officials too: a self-dyad would have several ways in
    assert len({r.source for r in relations} | {r.target for r in relations}) >= 3, "too few events to check"
    assert [(r.source, r.target) for r in relations if r.source == r.target] == []


def test_no_event_between_states_that_only_share_a_sentence(relations: list[Relation]) -> None:
    assert not quads_between(relations, "UKR", "USA") and not quads_between(relations, "NATO", "RUS")


def test_iran_and_china_oppose_russia_about_the_invasion(stances: list[Stance]) -> None:
    opposing = {(s.holder, s.target) for s in stances if s.polarity == "oppose"}
    assert {("IRN", "RUS"), ("CHN", "RUS")} <= opposing
    assert all("invasion" in (s.topic or "") for s in stances if s.polarity == "oppose")


def test_the_sample_stances_blame_nato_side_with_russia_and_demand_of_the_united_states(
    stances: list[Stance],
) -> None:
    found = {(s.holder, s.polarity, s.target) for s in stances}
    assert {("IRN", "blame", "NATO"), ("CHN", "blame", "NATO"), ("CHN", "support", "RUS")} <= found
    assert ("IRN", "demand", "USA") in found


def test_evidence_spans_point_at_their_sentences_in_the_article(relations: list[Relation]) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    assert all(text[r.span[0] : r.span[1]] == r.sentence for r in relations)

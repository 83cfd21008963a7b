"""Unit tests: the CAMEO codebook, its Goldstein values, roots and quad classes, and the lexicon using it."""

from __future__ import annotations

import pytest

from streams.core import cameo
from streams.core.rules.cues import event_cues


@pytest.mark.parametrize(("root", "quad"), [(1, 1), (5, 1), (6, 2), (9, 2), (10, 3), (14, 3), (15, 4), (20, 4)])
def test_quad_classes_follow_gdelts_root_ranges(root: int, quad: int) -> None:
    assert cameo.quad_class_of(root) == quad


@pytest.mark.parametrize(
    ("code", "goldstein"),
    [
        ("010", 0.0),
        ("020", 3.0),
        ("036", 4.0),
        ("042", 1.9),
        ("043", 2.8),
        ("046", 7.0),
        ("051", 3.4),
        ("057", 8.0),
        ("061", 6.4),
        ("062", 7.4),
        ("110", -2.0),
        ("163", -8.0),
        ("190", -10.0),
        ("195", -10.0),
    ],
)
def test_goldstein_values_match_the_cameo_scale(code: str, goldstein: float) -> None:
    assert cameo.lookup(code).goldstein == goldstein


def test_the_codebook_has_every_root_and_values_within_the_scale() -> None:
    book = cameo.codebook()
    assert {entry.root for entry in book.values()} == set(range(1, 21))
    assert all(-10 <= entry.goldstein <= 10 for entry in book.values())


def test_conflict_codes_score_below_zero_and_cooperation_codes_above() -> None:
    book = cameo.codebook().values()
    assert all(e.goldstein < 0 for e in book if e.quad_class >= 3)
    assert all(e.goldstein > 0 for e in book if 3 <= e.root <= 8)


def test_a_finer_code_missing_from_the_book_falls_back_to_its_parent() -> None:
    assert cameo.lookup("0622").code == "062"


def test_an_unknown_code_error_says_how_to_add_it() -> None:
    with pytest.raises(KeyError, match="add a row"):
        cameo.lookup("099")


def test_a_malformed_code_is_rejected_with_an_example() -> None:
    with pytest.raises(ValueError, match="e.g. '042'"):
        cameo.root_of("25")


def test_every_root_has_a_cue_in_the_verb_lexicon() -> None:
    roots = {cameo.root_of(cue.cameo) for cue in event_cues().values() if cue.cameo}
    assert roots == set(range(1, 21))


def test_intentions_and_refusals_map_cooperative_roots_into_roots_3_and_12() -> None:
    assert {cameo.root_of(c) for c in cameo.INTENT_BY_ROOT.values()} == {3}
    assert {cameo.root_of(c) for c in cameo.REJECT_BY_ROOT.values()} == {12}


@pytest.mark.parametrize(
    ("code", "conflict"), [("150", True), ("163", True), ("190", True), ("204", True), ("141", False), ("062", False)]
)
def test_material_conflict_is_quad_four(code: str, conflict: bool) -> None:
    assert cameo.is_material_conflict(code) is conflict
    assert (cameo.lookup(code).quad_class == cameo.MATERIAL_CONFLICT) is conflict


def test_the_named_roots_and_codes_mean_what_the_rules_ask() -> None:
    assert cameo.is_consultation("042") and not cameo.is_consultation("036")
    assert cameo.is_request("023") and cameo.is_request("100") and not cameo.is_request("111")
    assert cameo.is_accusation("112") and cameo.is_accusation("1121") and not cameo.is_accusation("111")
    assert cameo.is_rejection("125") and not cameo.is_rejection("111")
    assert cameo.is_general("040") and not cameo.is_general("042")


def test_intending_cooperation_is_03x_and_intending_force_is_a_threat() -> None:
    assert cameo.intention_of("042") == "036"
    assert cameo.intention_of("062") == "0312"
    assert cameo.intention_of("163") == "132"
    assert cameo.intention_of("144") == "131" and cameo.intention_of("143") == "133"
    assert cameo.intention_of("111") == "111"


def test_refusing_a_cooperative_act_is_12x_and_refusing_a_conflict_is_no_event() -> None:
    assert cameo.refusal_of("040") == "125"
    assert cameo.refusal_of("190") is None


def test_refusing_a_statement_verb_is_declining_comment_and_a_statement_noun_is_no_event() -> None:
    assert cameo.refusal_of("010", verb=True) == "011"
    assert cameo.refusal_of("010") is None
    assert cameo.refusal_of("012", verb=True) is None


def test_a_root_outside_the_codebook_has_no_quad_class() -> None:
    with pytest.raises(ValueError, match=r"outside 1\.\.20"):
        cameo.quad_class_of(21)


@pytest.mark.parametrize(("quad", "cooperative"), [(1, True), (2, True), (3, False), (4, False)])
def test_quads_one_and_two_are_cooperation_three_and_four_conflict(quad: int, cooperative: bool) -> None:
    assert cameo.is_cooperative(quad) is cooperative  # type: ignore[arg-type]


@pytest.mark.parametrize(("code", "intent"), [("031", True), ("0312", True), ("036", False), ("0131", False)])
def test_an_intent_to_cooperate_materially_is_031_and_its_finer_codes(code: str, intent: bool) -> None:
    assert cameo.is_material_intent(code) is intent

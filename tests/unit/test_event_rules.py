"""Unit tests: event rules over a parsed sentence, one per CAMEO root plus the syntactic frames."""

from __future__ import annotations

import pytest

from streams.core.rules.findings import pair_up
from streams.core.rules.plain import Party
from tests.unit.dictionary_actors import dyads, relations

ROOT_CASES = [
    ("Japan commented on South Korea's new export rules.", ("JPN", "KOR", "010")),
    ("Kenya urged Ethiopia to resume talks.", ("KEN", "ETH", "020")),
    ("Vietnam pledged to provide economic aid to Laos.", ("VNM", "LAO", "033")),
    ("India's foreign minister met with Nepal's prime minister on Monday.", ("IND", "NPL", "040")),
    ("Egypt praised Jordan for its mediation.", ("EGY", "JOR", "051")),
    ("Poland and Lithuania held joint military drills.", ("POL", "LTU", "062")),
    ("Germany sent humanitarian aid to Turkey.", ("DEU", "TUR", "073")),
    ("Azerbaijan released Armenian prisoners.", ("AZE", "ARM", "084")),
    ("The Netherlands investigated Russia's role in the crash.", ("NLD", "RUS", "090")),
    ("Serbia demanded an apology from Croatia.", ("SRB", "HRV", "100")),
    ("France sharply criticized Algeria on Tuesday.", ("FRA", "DZA", "111")),
    ("Hungary rejected Ukraine's proposal.", ("HUN", "UKR", "120")),
    ("North Korea threatened South Korea with military strikes.", ("PRK", "KOR", "138")),
    ("Lebanese protesters demonstrated against Israel.", ("LBN", "ISR", "141")),
    ("Russia massed troops near Ukraine.", ("RUS", "UKR", "154")),
    ("Qatar severed diplomatic ties with Bahrain.", ("QAT", "BHR", "161")),
    ("Iran seized a British tanker.", ("IRN", "GBR", "171")),
    ("Israel assassinated a senior Iranian commander.", ("ISR", "IRN", "186")),
    ("Armenia shelled Azerbaijani positions overnight.", ("ARM", "AZE", "194")),
    ("Syria used chemical weapons against Turkey.", ("SYR", "TUR", "204")),
]


@pytest.mark.parametrize(("sentence", "expected"), ROOT_CASES, ids=[c[1][2] for c in ROOT_CASES])
def test_each_cameo_root_is_coded_from_its_cue_with_the_right_direction(
    sentence: str, expected: tuple[str, str, str]
) -> None:
    assert expected in dyads(relations(sentence))


def test_the_root_cases_cover_all_twenty_roots() -> None:
    assert {int(code[:2]) for _, (_, _, code) in ROOT_CASES} == set(range(1, 21))


def test_coordinated_subjects_agreeing_to_cooperate_make_intended_cooperation_both_ways() -> None:
    found = relations("China and Iran have agreed to increase defense cooperation.")
    assert {(r.source, r.target) for r in found} == {("CHN", "IRN"), ("IRN", "CHN")}
    assert all(r.root == 3 and r.quad_class == 1 and r.mode == "intended" for r in found)


def test_a_passive_with_an_agent_puts_the_agent_first() -> None:
    found = relations("Iran was sanctioned by the EU.")
    assert dyads(found) == {("EU", "IRN", "163")}
    assert found[0].quad_class == 4


def test_a_possessive_invasion_is_material_conflict_from_owner_to_victim() -> None:
    found = relations("Russia's invasion into Ukraine shocked Europe.")
    assert [(r.source, r.target, r.root, r.quad_class) for r in found] == [("RUS", "UKR", 19, 4)]


def test_reported_speech_names_its_speaker_and_keeps_the_reported_dyad() -> None:
    found = relations("Spain said Morocco had attacked Algeria.")
    assert [(r.source, r.target, r.mode, r.speaker) for r in found] == [("MAR", "DZA", "reported", "Spain")]


def test_seeking_closer_ties_is_an_intended_event() -> None:
    found = relations("China is seeking closer ties to Iran.")
    assert [(r.source, r.target, r.mode, r.root) for r in found] == [("CHN", "IRN", "intended", 3)]


def test_held_drills_with_a_partner_is_military_cooperation_with_that_partner() -> None:
    assert ("IRN", "RUS", "062") in dyads(relations("Iran held naval drills with Russia."))


def test_pressure_from_a_state_is_a_demand_on_the_clause_subject() -> None:
    assert dyads(relations("Cuba faces growing pressure from the United States.")) == {("USA", "CUB", "100")}


def test_tensions_with_a_state_are_verbal_conflict() -> None:
    found = relations("Venezuela is at increased tensions with Colombia.")
    assert [(r.source, r.target, r.quad_class) for r in found] == [("VEN", "COL", 3)]


def test_a_negated_condemnation_makes_no_event() -> None:
    assert relations("Germany did not condemn Israel.") == []


def test_refusing_to_meet_is_a_rejection_not_a_meeting() -> None:
    assert dyads(relations("Germany refused to meet Iran's envoy.")) == {("DEU", "IRN", "125")}


def test_refusing_to_condemn_makes_no_conflict_event() -> None:
    assert relations("Brazil refused to condemn Russia.") == []


def test_countries_merely_named_together_are_not_paired() -> None:
    assert relations("Leaders of France, Germany and Italy attended a summit in Japan.") == []


def test_places_of_dispute_are_not_parties() -> None:
    found = relations("China has disputes with the United States over Taiwan and Hong Kong.")
    assert {r.target for r in found} <= {"USA"}
    assert not {"TWN", "HKG"} & {r.source for r in found}


def test_pairs_never_include_a_self_dyad() -> None:
    china, iran = Party("CHN", None, "China"), Party("IRN", None, "Iran")
    assert pair_up([china, iran], [china], symmetric=False) == ((iran, china),)
    assert pair_up([china], [], symmetric=True) == ()


def test_every_event_carries_its_sentence_span_in_the_article() -> None:
    text = "Nothing happened at first. Then Russia attacked Ukraine."
    (found,) = relations(text)
    assert text[found.span[0] : found.span[1]] == found.sentence == "Then Russia attacked Ukraine."
    assert 0 <= found.confidence <= 1 and found.trigger == "attacked" and found.goldstein == -10.0


def test_joint_drills_with_a_partner_go_both_ways() -> None:
    found = relations("Iran held naval drills with Russia.")
    assert {(r.source, r.target) for r in found} == {("IRN", "RUS"), ("RUS", "IRN")}


def test_blaming_each_other_is_an_accusation_both_ways() -> None:
    assert dyads(relations("Armenia and Azerbaijan blamed each other for the clash.")) >= {
        ("ARM", "AZE", "112"),
        ("AZE", "ARM", "112"),
    }


def test_receiving_aid_puts_the_giver_first() -> None:
    assert ("EU", "TUR", "073") in dyads(relations("Turkey received humanitarian aid from the EU."))


def test_halting_aid_is_reducing_aid_not_giving_it() -> None:
    assert dyads(relations("Hungary halted military aid to Ukraine.")) == {("HUN", "UKR", "162")}


def test_what_is_demanded_of_another_actor_has_not_happened() -> None:
    found = dyads(relations("Spain demanded that Morocco release Algerian prisoners."))
    assert found == {("ESP", "MAR", "100")}


def test_a_verb_object_told_to_act_is_the_source_of_that_act() -> None:
    found = dyads(relations("The raid prompted Mexico to suspend diplomatic relations with Colombia."))
    assert ("MEX", "COL", "161") in found


def test_coordinated_demonyms_each_become_a_party() -> None:
    found = relations("Polish and Lithuanian troops began a joint exercise.")
    assert {(r.source, r.target) for r in found} == {("POL", "LTU"), ("LTU", "POL")}


def test_an_intended_material_conflict_is_a_threat() -> None:
    found = relations("Germany said it would impose sanctions on Iran.")
    assert [(r.source, r.target, r.cameo, r.quad_class) for r in found] == [("DEU", "IRN", "132", 3)]


def test_a_strike_reported_by_its_victim_targets_the_speaker() -> None:
    assert ("RUS", "UKR", "195") in dyads(relations("Ukraine said Russian drones struck a power plant."))


def test_a_missile_launch_reported_by_a_neighbour_targets_no_one() -> None:
    assert relations("South Korea said North Korea fired two missiles into the sea.") == []


def test_coordinated_verbs_share_their_object() -> None:
    assert dyads(relations("France condemned and sanctioned Iran.")) == {
        ("FRA", "IRN", "111"),
        ("FRA", "IRN", "163"),
    }


def test_a_verb_with_its_own_object_does_not_take_its_neighbours() -> None:
    found = dyads(relations("Russia attacked Ukraine and praised Belarus."))
    assert found == {("RUS", "UKR", "190"), ("RUS", "BLR", "051")}

"""Unit tests: the broader cue lexicon and the frames that carry events in unseen phrasing."""

from __future__ import annotations

import pytest

from tests.unit.dictionary_actors import dyads, relations, stances

LEXICON_CASES = [
    ("Egypt expressed support for Jordan.", ("EGY", "JOR", "051")),
    ("Peru requested assistance from Chile.", ("PER", "CHL", "023")),
    ("Qatar invited Bahrain to talks.", ("QAT", "BHR", "036")),
    ("Germany sold tanks to Poland.", ("DEU", "POL", "072")),
    ("Norway granted asylum to an Iranian dissident.", ("NOR", "IRN", "075")),
    ("Russia returned captured soldiers to Ukraine.", ("RUS", "UKR", "084")),
    ("Armenia and Azerbaijan swapped prisoners on Sunday.", ("ARM", "AZE", "084")),
    ("Algeria recalled its ambassador to Spain.", ("DZA", "ESP", "161")),
    ("Canada expelled two Chinese diplomats.", ("CAN", "CHN", "174")),
    ("Azerbaijani troops captured an Armenian village.", ("AZE", "ARM", "192")),
    ("Iran executed a British national.", ("IRN", "GBR", "180")),
    ("Russian missiles hit Ukraine's power grid.", ("RUS", "UKR", "195")),
    ("Cuba lambasted the United States.", ("CUB", "USA", "111")),
    ("Mexico snubbed Peru.", ("MEX", "PER", "120")),
    ("Poland protested Belarus's treatment of its diplomats.", ("POL", "BLR", "114")),
    ("Lebanese protesters protested outside the Israel embassy.", ("LBN", "ISR", "141")),
]


@pytest.mark.parametrize(("sentence", "expected"), LEXICON_CASES, ids=[c[1][2] for c in LEXICON_CASES])
def test_common_cameo_verbs_and_nouns_beyond_the_first_lexicon_are_coded(
    sentence: str, expected: tuple[str, str, str]
) -> None:
    assert expected in dyads(relations(sentence))


def test_a_dative_recipient_is_the_target() -> None:
    assert dyads(relations("Japan lent Vietnam two billion dollars.")) == {("JPN", "VNM", "071")}


def test_officials_in_a_capital_act_for_its_state() -> None:
    assert ("CHN", "JPN", "111") in dyads(relations("Officials in Beijing criticized Japan."))


@pytest.mark.parametrize(
    "sentence",
    ["Iran denied sending drones to Russia.", "Iran denied that it had sent drones to Russia."],
)
def test_a_denied_act_is_not_an_event(sentence: str) -> None:
    assert relations(sentence) == []


def test_a_vetoed_package_of_aid_is_not_aid() -> None:
    found = dyads(relations("Hungary vetoed the EU's aid to Ukraine."))
    assert not any(source == "EU" and target == "UKR" for source, target, _ in found)


def test_a_condition_is_not_an_event() -> None:
    assert relations("If Russia attacks Lithuania, NATO will respond.") == []


def test_a_summit_named_by_both_sides_is_a_meeting_both_ways() -> None:
    found = dyads(relations("The Chinese-Russian summit ended on Friday."))
    assert found == {("CHN", "RUS", "040"), ("RUS", "CHN", "040")}


def test_an_agentless_passive_takes_the_owner_of_the_attack_as_source() -> None:
    found = relations("Two Polish soldiers were killed in a Russian drone strike.")
    assert [(r.source, r.target, r.quad_class) for r in found] == [("RUS", "POL", 4)]


def test_the_owner_of_a_decision_does_what_was_decided() -> None:
    found = dyads(relations("Beijing's decision to sanction Lithuanian firms angered the EU."))
    assert ("CHN", "LTU", "163") in found


def test_the_owner_of_a_plan_intends_it() -> None:
    found = relations("Moscow's plan to invade Ukraine alarmed NATO.")
    assert [(r.source, r.target, r.mode, r.root) for r in found] == [("RUS", "UKR", "intended", 13)]


def test_troops_massed_along_a_shared_border_face_the_neighbour() -> None:
    found = dyads(relations("Azerbaijan mobilized troops along its border with Armenia."))
    assert found == {("AZE", "ARM", "154")}


def test_an_ethnic_group_is_not_its_kin_state() -> None:
    assert relations("Azerbaijan expelled ethnic Armenians from the region.") == []


def test_condemnation_drawn_from_a_state_targets_the_clause_subject() -> None:
    found = dyads(relations("Israel's strikes drew condemnation from Egypt."))
    assert ("EGY", "ISR", "111") in found


def test_a_loan_from_a_state_is_aid_to_the_receiver() -> None:
    assert ("CHN", "KEN", "071") in dyads(relations("Kenya secured a loan from China."))


def test_warning_against_an_act_does_not_make_it_happen() -> None:
    found = dyads(relations("The EU warned Serbia against recognizing Russia's annexation of Crimea."))
    assert ("EU", "SRB", "130") in found
    assert not any(target == "RUS" for _, target, _ in found)


def test_trading_fire_is_fighting_both_ways() -> None:
    found = dyads(relations("Armenia and Azerbaijan traded fire overnight."))
    assert found == {("ARM", "AZE", "190"), ("AZE", "ARM", "190")}


def test_nominal_condemnation_is_a_criticize_stance() -> None:
    found = {(s.holder, s.polarity, s.target) for s in stances("Israel's strikes drew condemnation from Egypt.")}
    assert found == {("EGY", "criticize", "ISR")}


@pytest.mark.parametrize(
    "sentence",
    ["Analysts say China could invade Taiwan.", "Russia might expel more Polish diplomats."],
)
def test_a_possibility_is_not_an_event(sentence: str) -> None:
    assert relations(sentence) == []


def test_a_postponed_visit_did_not_happen() -> None:
    assert relations("The Iranian president's visit to Turkey was postponed.") == []


def test_two_countries_holding_a_summit_met_each_other() -> None:
    found = dyads(relations("Peru and Chile held a summit in Lima."))
    assert found == {("PER", "CHL", "040"), ("CHL", "PER", "040")}


def test_troops_sent_to_a_border_are_a_show_of_force() -> None:
    found = relations("Poland sent troops to its border with Belarus.")
    assert [(r.source, r.target, r.root) for r in found] == [("POL", "BLR", 15)]


def test_a_state_owning_a_title_acts_through_a_known_person() -> None:
    found = relations("Iranian President Ebrahim Raisi criticized Israel.")
    assert dyads(found) == {("IRN", "ISR", "111")}


def test_an_agreed_increase_of_defense_cooperation_is_intended_military_cooperation() -> None:
    found = relations("Egypt and Jordan agreed to increase defense cooperation.")
    assert {(r.source, r.target, r.cameo, r.quad_class) for r in found} == {
        ("EGY", "JOR", "0312", 1),
        ("JOR", "EGY", "0312", 1),
    }


def test_a_promise_to_cooperate_on_military_training_is_0312() -> None:
    found = relations("India will cooperate with Nepal on military training.")
    assert [(r.source, r.target, r.cameo, r.mode) for r in found] == [("IND", "NPL", "0312", "intended")]


def test_receiving_a_visiting_minister_is_hosting() -> None:
    found = dyads(relations("Kenya received the Chinese foreign minister in Nairobi."))
    assert found == {("KEN", "CHN", "043")}


def test_receiving_aid_still_comes_from_the_giver() -> None:
    assert dyads(relations("Sudan received medical aid from Egypt.")) == {("EGY", "SDN", "073")}


def test_a_flagged_ship_belongs_to_its_flag_state() -> None:
    assert ("IRN", "GBR", "171") in dyads(relations("Iran seized a British-flagged tanker."))


def test_a_negated_verb_does_not_negate_an_act_during_it() -> None:
    found = dyads(relations("Poland did not arrest Lukashenko during his visit to Warsaw, Belarus said."))
    assert not any(code.startswith("17") for _, _, code in found)


def test_ignoring_another_states_request_leaves_the_request_standing() -> None:
    found = dyads(relations("Colombia did not respond to Venezuela's request for talks."))
    assert found == {("VEN", "COL", "026")}


def test_crimes_committed_by_forces_belong_to_their_state() -> None:
    found = dyads(relations("The Netherlands opened an investigation into crimes committed by Russian forces."))
    assert any((s, t, c[:2]) == ("NLD", "RUS", "09") for s, t, c in found)


def test_people_displaced_by_strikes_are_not_the_strikers() -> None:
    found = dyads(relations("Spain sent food to help people displaced by Israeli strikes."))
    assert not any(target == "ISR" for _, target, _ in found)


def test_hacked_websites_of_ministries_are_a_cyber_attack_on_their_state() -> None:
    found = dyads(relations("Russian hackers attacked the websites of several Polish ministries."))
    assert found == {("RUS", "POL", "176")}


def test_coordinated_mediators_each_mediate_with_each_party() -> None:
    found = dyads(relations("Egypt and Qatar are mediating between Israel and Sudan."))
    assert found == {(s, t, "045") for s in ("EGY", "QAT") for t in ("ISR", "SDN")}


def test_a_round_of_talks_held_by_two_armies_is_a_meeting_both_ways() -> None:
    found = dyads(relations("Russian and Chinese commanders held a new round of talks."))
    assert found == {("RUS", "CHN", "040"), ("CHN", "RUS", "040")}


def test_a_reported_attack_on_its_own_people_hits_the_speaker() -> None:
    found = dyads(relations("Vietnam said Chinese ships attacked its fishermen."))
    assert found == {("CHN", "VNM", "190")}


def test_a_phone_call_received_comes_from_the_caller() -> None:
    assert dyads(relations("Kenya's president received a phone call from Ethiopia.")) == {("ETH", "KEN", "041")}


def test_a_delegation_received_is_hosted_by_the_receiver() -> None:
    assert dyads(relations("Kenya received a delegation from Ethiopia.")) == {("KEN", "ETH", "043")}


def test_the_bloc_is_the_organisation_last_named() -> None:
    found = dyads(relations("Hungary criticized NATO on Monday. Serbia also accused the alliance of hypocrisy."))
    assert ("SRB", "NATO", "112") in found


def test_the_doer_of_a_nominal_act_can_follow_by() -> None:
    assert ("ISR", "IRN", "180") in dyads(relations("The killing of an Iranian general by Israel angered Iraq."))


def test_aid_asked_for_is_not_aid_given() -> None:
    found = dyads(relations("Kenya's request for aid from China was approved."))
    assert not any(code.startswith("07") for _, _, code in found)


def test_a_passive_agent_hung_on_the_object_is_still_the_doer() -> None:
    assert dyads(relations("Ethiopia was granted a loan by the EU.")) == {("EU", "ETH", "071")}


def test_hosting_talks_between_two_states_is_mediation() -> None:
    found = dyads(relations("Qatar hosted talks between Sudan and Ethiopia."))
    assert {("QAT", "SDN", "045"), ("QAT", "ETH", "045")} <= found


def test_an_intent_to_host_talks_between_others_is_an_intent_to_mediate() -> None:
    found = dyads(relations("Norway will host talks between Colombia and Venezuela."))
    assert {("NOR", "COL", "039"), ("NOR", "VEN", "039")} <= found


def test_fighting_between_two_states_goes_both_ways() -> None:
    found = dyads(relations("Fighting between Armenia and Azerbaijan killed dozens."))
    assert found == {("ARM", "AZE", "190"), ("AZE", "ARM", "190")}


def test_an_alleged_killing_is_not_asserted() -> None:
    found = dyads(relations("Turkey is looking into allegations that Russian troops killed civilians in Syria."))
    assert not any(code.startswith("18") for _, _, code in found)


def test_a_possessive_pronoun_points_to_the_person_just_named() -> None:
    found = dyads(relations("Hungary did not arrest Wei Fenghe during his visit to Moscow."))
    assert found == {("CHN", "RUS", "042")}


def test_militants_count_for_the_state_they_operate_in() -> None:
    found = relations("Two Chinese engineers were kidnapped by militants in Syria.")
    assert [(r.source, r.target, r.cameo) for r in found] == [("SYR", "CHN", "181")]

"""Unit tests of the core alert rules: which article updates raise which alerts, once."""

from __future__ import annotations

import pytest

from streams.core.alerts import AlertRules, evaluate, fold_and_alert, record_alerts
from streams.core.relations import FoldParams, fold
from tests.support.relation_events import event, relation, update

DEFAULT_RULES = AlertRules()
DEFAULT_PARAMS = FoldParams()


def run(updates, rules=DEFAULT_RULES, params=DEFAULT_PARAMS, state=None):
    """Fold updates one by one as the stream does; returns the final state and every alert raised."""
    raised = []
    for u in updates:
        state, alerts = fold_and_alert(state, u, params, rules)
        raised.extend(alerts)
    return state, raised


def kinds(alerts):
    return [a.kind for a in alerts]


def settled_cooperation():
    """CHN|USA on enough evidence (three news happenings from three articles), cooperative at +3."""
    return [event("c1", 3.0, cameo="042"), event("c2", 3.0, cameo="051", days=0.1),
            event("c3", 3.0, cameo="061", days=0.2)]


# --- band changes ------------------------------------------------------------------------------------------


def test_a_band_change_on_enough_evidence_alerts_once():
    state, alerts = run(settled_cooperation() + [event("a4", -6.0, cameo="112", days=0.3)])
    changes = [a for a in alerts if a.kind == "band_change"]
    assert [(a.before["band"], a.after["band"]) for a in changes] == [("cooperative", "neutral")]
    assert changes[0].severity == "warning"


def test_a_first_article_raises_no_band_change_whatever_its_sentences_do():
    one = update("a1", [relation(8.0, cameo="057"), relation(-9.0, cameo="112"), relation(-10.0, cameo="190"),
                        relation(9.0, cameo="061")])
    _, alerts = run([one])
    assert "band_change" not in kinds(alerts)


def test_no_band_change_while_the_evidence_is_thin():
    # One article cooperative, a second one hostile: the band changes, but on one news happening before.
    state, alerts = run([event("a1", 3.0), event("a2", -10.0, cameo="190", days=0.1)])
    assert state.band != "cooperative" and "band_change" not in kinds(alerts)


def test_the_order_of_sentences_in_an_article_cannot_make_a_band_change():
    # Folded event by event, the two conflicts would take the band to neutral and the cooperation back;
    # folded as one article, the rules see only the state before and after it.
    base, _ = run(settled_cooperation())
    sentences = [relation(-6.5, cameo="112"), relation(-6.5, cameo="130"), relation(9.0, cameo="064"),
                 relation(7.0, cameo="073")]
    article = update("a4", sentences, days=0.3)
    after, alerts = fold_and_alert(base, article)
    assert after.band == base.band == "cooperative" and alerts == []


def test_a_score_hovering_on_a_threshold_does_not_flap():
    base, _ = run(settled_cooperation())
    # +3 x3 then small moves around 1.5 from separate articles: cooperative holds inside the hysteresis.
    wobble = [event("w1", -1.8, cameo="130", days=0.3), event("w2", -0.5, cameo="112", days=0.4),
              event("w3", 2.0, cameo="036", days=0.5)]
    state, alerts = run(wobble, state=base)
    assert state.band == "cooperative" and "band_change" not in kinds(alerts)


def test_falling_into_hostile_is_critical():
    _, alerts = run(settled_cooperation() + [event(f"h{i}", -10.0, cameo=c, days=0.3 + i / 10)
                                             for i, c in enumerate(["190", "180", "173", "163", "145", "200"])])
    change = [a for a in alerts if a.kind == "band_change"][-1]
    assert change.after["band"] == "hostile" and change.severity == "critical"


# --- escalations -------------------------------------------------------------------------------------------


def test_a_very_negative_happening_is_an_escalation():
    _, alerts = run([event("a1", 2.0), event("a2", -8.0, cameo="138", days=1)])
    escalation = next(a for a in alerts if a.kind == "escalation")
    assert "Goldstein -8.0" in escalation.message
    assert escalation.evidence[0].article_id == "a2"


def test_one_happening_alerts_once_however_many_mentions_and_articles_report_it():
    one_article = update("a1", [relation(-10.0, cameo="190"), relation(-10.0, cameo="190")])
    reports = [one_article, event("a2", -10.0, cameo="190", days=0.5), event("a3", -10.0, cameo="193", days=1.5)]
    _, alerts = run(reports)
    assert kinds(alerts).count("escalation") == 1


def test_one_sanctions_decision_reported_by_two_articles_raises_one_escalation():
    _, alerts = run([event("a1", -8.0, cameo="163", publisher="wire"),
                     event("a2", -8.0, cameo="163", days=0.3, publisher="paper")])
    assert kinds(alerts).count("escalation") == 1


def test_a_new_attack_days_later_is_a_new_happening_and_alerts_again():
    _, alerts = run([event("a1", -10.0, cameo="190"), event("a2", -10.0, cameo="190", days=5)])
    assert kinds(alerts).count("escalation") == 2


def test_background_never_alerts():
    rules = AlertRules(watch_actors=frozenset({"USA"}))
    background = [event(f"b{i}", -10.0, cameo="190", mode="background", days=i) for i in range(5)]
    background.append(event("b9", 7.4, cameo="062", mode="background", days=6))
    _, alerts = run(background, rules)
    assert alerts == []


def test_a_background_war_keeps_the_quiet_clock_from_calling_an_attack_the_first_conflict_in_a_month():
    mentions = [event(f"b{d}", -10.0, cameo="190", mode="background", days=d) for d in range(0, 40, 5)]
    _, alerts = run([*mentions, event("attack", -10.0, cameo="190", days=41)])
    (escalation,) = [a for a in alerts if a.kind == "escalation"]
    assert escalation.severity == "warning" and "first material conflict" not in escalation.message


def test_material_conflict_after_a_quiet_month_is_an_escalation_and_a_recent_one_is_not():
    quiet = [event("a1", -5.0, cameo="173", days=0), event("a2", -5.0, cameo="173", days=31)]
    recent = [event("a1", -5.0, cameo="173", days=0), event("a2", -5.0, cameo="173", days=10)]
    assert kinds(run(quiet)[1]).count("escalation") == 2
    assert kinds(run(recent)[1]).count("escalation") == 1


def test_a_retaliation_the_next_day_is_the_other_sides_first_material_conflict():
    expelled = event("a1", -5.0, cameo="174", source="LTU", target="BLR")
    in_return = event("a2", -5.0, cameo="174", source="BLR", target="LTU", days=1)
    more = event("a3", -5.0, cameo="173", source="BLR", target="LTU", days=3)
    _, alerts = run([expelled, in_return, more])
    assert [(a.source, a.kind) for a in alerts] == [("LTU", "escalation"), ("BLR", "escalation")]
    assert "first material conflict by Belarus" in alerts[1].message


def test_a_deadly_attack_after_a_quiet_month_is_critical():
    _, alerts = run([event("a1", -10.0, cameo="190")])
    assert next(a for a in alerts if a.kind == "escalation").severity == "critical"


def test_the_escalation_threshold_is_configurable():
    _, alerts = run([event("a1", -6.0, cameo="112")], AlertRules(escalation_goldstein=-5.0))
    assert kinds(alerts) == ["escalation"]


def test_a_happening_at_the_escalation_threshold_escalates_and_one_just_above_does_not():
    at = DEFAULT_RULES.escalation_goldstein
    assert kinds(run([event("a1", at, cameo="112")])[1]) == ["escalation"]
    assert kinds(run([event("a1", at + 0.1, cameo="112")])[1]) == []


# --- new material cooperation ------------------------------------------------------------------------------


def test_first_military_cooperation_in_a_dyad_alerts_and_the_second_does_not():
    _, alerts = run([event("a1", 3.0), event("a2", 7.4, cameo="062", days=1), event("a3", 7.4, cameo="062", days=9)])
    assert kinds(alerts).count("new_material_cooperation") == 1


def test_a_commitment_both_sides_make_alerts_as_new_material_cooperation_before_any_drill():
    agreed = update("a1", [relation(5.2, cameo="0312"), relation(5.2, cameo="0312", source="CHN", target="USA")])
    _, alerts = run([agreed, event("a2", 7.4, cameo="062", days=3)])
    (new,) = [a for a in alerts if a.kind == "new_material_cooperation"]
    assert "commit to material cooperation, both sides" in new.message and new.cameo == "0312"


def test_one_sides_wish_to_cooperate_materially_is_no_alert():
    _, alerts = run([event("a1", 5.2, cameo="0312")])
    assert "new_material_cooperation" not in kinds(alerts)


def test_an_intent_to_talk_is_not_material_cooperation():
    _, alerts = run([event("a1", 4.0, cameo="036")])
    assert "new_material_cooperation" not in kinds(alerts)


# --- swings ------------------------------------------------------------------------------------------------


def test_a_sharp_swing_within_a_day_on_enough_evidence_alerts_once():
    yesterday = [event(f"y{i}", 9.5, cameo=c, days=-1 + i / 10) for i, c in enumerate(["042", "051", "061"])]
    today = [event("t1", -6.5, cameo="112"), event("t2", 5.5, cameo="036", days=0.1)]
    state, alerts = run(yesterday + today)
    swings = [a for a in alerts if a.kind == "swing"]
    assert state.band == "allied" and len(swings) == 1 and swings[0].severity == "warning"


def test_a_swing_that_changes_the_band_is_said_by_the_band_change_alone():
    yesterday = [event("y1", 4.0, days=-1), event("y2", 4.0, cameo="051", days=-0.9)]
    today = [event("t1", -10.0, cameo="190"), event("t2", -9.0, cameo="180", days=0.1)]
    _, alerts = run(yesterday + today)
    assert "band_change" in kinds(alerts) and "swing" not in kinds(alerts)


def test_a_small_change_within_a_day_is_no_swing():
    updates = [event("y1", 2.0, days=-1), event("y2", 2.0, cameo="051", days=-0.9), event("t1", 0.0, cameo="036")]
    _, alerts = run(updates)
    assert "swing" not in kinds(alerts)


def test_the_swing_threshold_is_configurable():
    updates = [event("y1", 2.0, days=-1), event("y2", 2.0, cameo="051", days=-0.9), event("t1", 0.0, cameo="036")]
    assert "swing" in kinds(run(updates, AlertRules(swing_threshold=0.5))[1])


# --- watch -------------------------------------------------------------------------------------------------


def test_a_watched_actor_alerts_once_per_news_happening():
    rules = AlertRules(watch_actors=frozenset({"IRN"}))
    _, on_iran = run([event("a1", 1.0, source="RUS", target="IRN"), event("a2", 1.0, source="RUS", target="IRN",
                                                                         days=0.2),
                      event("a3", 1.0, source="IRN", target="RUS", days=0.3)], rules)
    _, elsewhere = run([event("a4", 1.0)], rules)
    assert (kinds(on_iran), kinds(elsewhere)) == (["watch", "watch"], [])


def test_a_watched_dyad_may_be_written_in_either_order():
    _, alerts = run([event("a1", 1.0)], AlertRules(watch_dyads=frozenset({"USA|CHN"})))
    assert kinds(alerts) == ["watch"]


def test_a_malformed_watched_dyad_is_refused_with_an_example():
    with pytest.raises(ValueError, match="'CHN|USA'"):
        AlertRules(watch_dyads=frozenset({"CHN"}))


# --- once ------------------------------------------------------------------------------------------------


def test_a_replayed_or_late_update_raises_nothing():
    rules = AlertRules(watch_actors=frozenset({"USA"}))
    state, _ = run([event("a1", 3.0), event("a2", -9.0, cameo="190", days=1)], rules)
    replayed = event("a2", -9.0, cameo="190", days=1)
    assert evaluate(state, fold(state, replayed), replayed, rules) == []
    params = FoldParams(memory_days=10)
    late_state, _ = run([event("a1", 1.0), event("a2", 1.0, days=30)], rules, params)
    late = event("late", -10.0, cameo="190", days=5)
    assert fold_and_alert(late_state, late, params, rules) == (late_state, [])


def test_alert_ids_are_stable_across_replays_from_scratch():
    updates = [event("a1", 3.0), event("a2", -9.0, cameo="190", days=1), event("a3", 7.0, cameo="061", days=2)]
    first, second = run(updates)[1], run(updates)[1]
    assert [a.id for a in first] == [a.id for a in second]
    assert len({a.id for a in first}) == len(first)


def test_a_remembered_alert_id_is_not_raised_again():
    before = fold(None, event("a1", 3.0))
    bad = event("a2", -9.0, cameo="190", days=1)
    after = fold(before, bad)
    alerts = evaluate(before, after, bad)
    assert alerts
    assert evaluate(before, record_alerts(after, alerts, bad, keep=200), bad) == []


def test_remembered_alert_ids_are_bounded():
    state, alerts = run([event(f"a{i}", -9.0, cameo="190", days=3 * i) for i in range(6)],
                        AlertRules(remember_alerts=4))
    assert len(alerts) > 4
    assert state.recent_alert_ids == [a.id for a in alerts][-4:]


def test_alerts_carry_names_codes_and_the_cameo_label_with_before_and_after():
    state, alerts = run([event("a1", 3.0), event("a2", -9.0, cameo="190", days=1)])
    alert = next(a for a in alerts if a.kind == "escalation")
    assert (alert.dyad, alert.actors, alert.names) == ("CHN|USA", ("CHN", "USA"), ("China", "United States"))
    assert (alert.source, alert.target, alert.cameo) == ("USA", "CHN", "190")
    assert alert.cameo_name and alert.cameo_name in alert.message
    assert "United States -> China" in alert.message
    assert alert.before["score"] == pytest.approx(3.0) and alert.after["score"] < 3.0
    assert next(h for h in state.happenings if h.root == 19).alerted == ["escalation"]

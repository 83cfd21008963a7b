"""Unit tests of the core alert rules: which folds raise which alerts, once."""

from __future__ import annotations

import pytest

from streams.core.alerts import AlertRules, evaluate, fold_and_alert, record_alerts
from streams.core.relations import fold
from tests.support.relation_events import event

DEFAULT_RULES = AlertRules()


def run(events, rules=DEFAULT_RULES):
    """Fold events one by one as the stream does; returns the final state and every alert raised."""
    state, raised = None, []
    for e in events:
        state, alerts = fold_and_alert(state, e, rules=rules)
        raised.extend(alerts)
    return state, raised


def kinds(alerts):
    return [a.kind for a in alerts]


def test_band_change_from_cooperative_to_tense_alerts_once():
    _, alerts = run([event("a1", 3.0), event("a2", -6.0, days=0.1), event("a3", -4.0, days=0.2)])
    changes = [a for a in alerts if a.kind == "band_change"]
    assert len(changes) == 1
    assert (changes[0].before["band"], changes[0].after["band"]) == ("cooperative", "tense")
    assert changes[0].severity == "warning"


def test_falling_into_hostile_is_critical():
    _, alerts = run([event("a1", 1.0, confidence=0.2), event("a2", -10.0, cameo="190", days=0.1)])
    change = next(a for a in alerts if a.kind == "band_change")
    assert change.after["band"] == "hostile"
    assert change.severity == "critical"


def test_flapping_back_to_the_same_band_on_the_same_day_alerts_once_per_change():
    events = [event("a1", 3.0), event("a2", -3.0, days=0.01), event("a3", 9.0, days=0.02)]
    events += [event("a4", -9.0, days=0.03), event("a5", 5.0, days=0.04)]
    _, alerts = run(events)
    pairs = [(a.before["band"], a.after["band"]) for a in alerts if a.kind == "band_change"]
    assert len(pairs) == len(set(pairs))


def test_a_first_event_raises_no_band_change():
    _, alerts = run([event("a1", -3.0)])
    assert "band_change" not in kinds(alerts)


def test_a_very_negative_event_is_an_escalation():
    _, alerts = run([event("a1", 2.0), event("a2", -8.0, cameo="138", days=1)])
    escalation = next(a for a in alerts if a.kind == "escalation")
    assert "Goldstein -8.0" in escalation.message
    assert escalation.evidence[0].article_id == "a2"


def test_material_conflict_after_a_quiet_month_is_an_escalation_and_a_recent_one_is_not():
    quiet = [event("a1", -5.0, cameo="173", days=0), event("a2", -5.0, cameo="173", days=31)]
    recent = [event("a1", -5.0, cameo="173", days=0), event("a2", -5.0, cameo="173", days=10)]
    assert kinds(run(quiet)[1]).count("escalation") == 2
    assert kinds(run(recent)[1]).count("escalation") == 1


def test_a_deadly_attack_after_a_quiet_month_is_critical():
    _, alerts = run([event("a1", -10.0, cameo="190")])
    assert next(a for a in alerts if a.kind == "escalation").severity == "critical"


def test_first_military_cooperation_in_a_dyad_alerts_and_the_second_does_not():
    _, alerts = run(
        [event("a1", 3.0), event("a2", 7.4, cameo="062", days=1), event("a3", 7.4, cameo="062", days=2)]
    )
    assert kinds(alerts).count("new_material_cooperation") == 1


def test_a_sharp_swing_within_a_day_alerts_once():
    events = [event("y", 4.0, days=-1), event("t1", -10.0, cameo="190", days=0)]
    events += [event("t2", -9.0, cameo="190", days=0.1)]
    _, alerts = run(events)
    swings = [a for a in alerts if a.kind == "swing"]
    assert len(swings) == 1
    assert swings[0].severity == "warning"


def test_a_small_change_within_a_day_is_no_swing():
    _, alerts = run([event("y", 2.0, days=-1), event("t1", 0.0, days=0)])
    assert "swing" not in kinds(alerts)


def test_the_swing_threshold_is_configurable():
    events = [event("y", 2.0, days=-1), event("t1", 0.0, days=0)]
    _, alerts = run(events, AlertRules(swing_threshold=0.5))
    assert "swing" in kinds(alerts)


def test_a_watched_actor_alerts_on_every_event():
    rules = AlertRules(watch_actors=frozenset({"IRN"}))
    _, on_iran = run(
        [event("a1", 1.0, source="RUS", target="IRN"), event("a2", 1.0, source="IRN", target="RUS")], rules
    )
    _, elsewhere = run([event("a3", 1.0)], rules)
    assert (kinds(on_iran), kinds(elsewhere)) == (["watch", "watch"], [])


def test_a_watched_dyad_may_be_written_in_either_order():
    rules = AlertRules(watch_dyads=frozenset({"USA|CHN"}))
    _, alerts = run([event("a1", 1.0)], rules)
    assert kinds(alerts) == ["watch"]


def test_a_malformed_watched_dyad_is_refused_with_an_example():
    with pytest.raises(ValueError, match="'CHN|USA'"):
        AlertRules(watch_dyads=frozenset({"CHN"}))


def test_a_replayed_event_raises_nothing():
    rules = AlertRules(watch_actors=frozenset({"USA"}))
    state, _ = run([event("a1", 3.0), event("a2", -9.0, cameo="190", days=1)], rules)
    replayed = event("a2", -9.0, cameo="190", days=1)
    assert evaluate(state, fold(state, replayed), replayed, rules) == []


def test_alert_ids_are_stable_across_replays_from_scratch():
    events = [event("a1", 3.0), event("a2", -9.0, cameo="190", days=1), event("a3", 7.0, cameo="061", days=2)]
    first, second = run(events)[1], run(events)[1]
    assert [a.id for a in first] == [a.id for a in second]
    assert len({a.id for a in first}) == len(first)


def test_a_remembered_alert_id_is_not_raised_again():
    before = fold(None, event("a1", 3.0))
    bad = event("a2", -9.0, cameo="190", days=1)
    after = fold(before, bad)
    alerts = evaluate(before, after, bad)
    assert alerts
    assert evaluate(before, record_alerts(after, alerts, keep=200), bad) == []


def test_remembered_alert_ids_are_bounded():
    state, alerts = run(
        [event(f"a{i}", -9.0, cameo="190", days=i) for i in range(6)], AlertRules(remember_alerts=4)
    )
    assert len(alerts) > 4
    assert state.recent_alert_ids == [a.id for a in alerts][-4:]


def test_alerts_name_the_dyad_and_carry_before_and_after_scores():
    _, alerts = run([event("a1", 3.0), event("a2", -9.0, cameo="190", days=1)])
    alert = next(a for a in alerts if a.kind == "band_change")
    assert (alert.dyad, alert.actors) == ("CHN|USA", ("CHN", "USA"))
    assert alert.before["score"] == pytest.approx(3.0)
    assert alert.after["score"] < alert.before["score"]
    assert "CHN-USA moved from cooperative" in alert.message


def test_an_agreed_military_cooperation_alerts_as_new_material_cooperation_before_any_drill():
    _, alerts = run([event("a1", 1.0, cameo="040"), event("a2", 5.2, cameo="0312", days=1)])
    new = [a for a in alerts if a.kind == "new_material_cooperation"]
    assert len(new) == 1 and "commitment" in new[0].message


def test_an_intent_to_talk_is_not_material_cooperation():
    _, alerts = run([event("a1", 4.0, cameo="036")])
    assert "new_material_cooperation" not in kinds(alerts)

"""Unit tests of the core relation arithmetic: folding dyadic events into a RelationState."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from streams.core.relations import (
    ALLIED_MIN,
    COOPERATIVE_MIN,
    NEUTRAL_ABOVE,
    TENSE_ABOVE,
    FoldParams,
    band_for,
    fold,
    score_at_day_start,
)
from tests.support.relation_events import T0, event

DEFAULT_PARAMS = FoldParams()


def fold_all(events, params=DEFAULT_PARAMS):
    state = None
    for e in events:
        state = fold(state, e, params)
    return state


def test_the_first_event_makes_a_state_with_sorted_actors_and_its_goldstein_as_score():
    state = fold(None, event("a1", 3.4, source="USA", target="CHN"))
    assert (state.dyad, state.actor_a, state.actor_b) == ("CHN|USA", "CHN", "USA")
    assert state.score == pytest.approx(3.4)
    assert state.band == "cooperative"
    assert (state.article_count, state.event_count) == (1, 1)
    assert state.first_seen == state.last_seen == T0


def test_the_same_event_applied_twice_changes_nothing():
    once = fold(fold(None, event("a1", 3.0)), event("a2", -6.0, days=1))
    twice = fold(once, event("a2", -6.0, days=1))
    assert twice == once


def test_a_replayed_event_is_recognised_even_if_it_arrives_with_another_time():
    once = fold(None, event("a1", 3.0))
    assert fold(once, event("a1", 3.0, days=2)) == once


def test_old_events_weigh_less_than_new_ones():
    state = fold_all([event("old", 8.0, days=0), event("new", -8.0, days=60)])
    # Two half-lives apart: the old event weighs 1/4, so the mean is (8/4 - 8) / (1/4 + 1) = -4.8.
    assert state.score == pytest.approx(-4.8)


def test_an_event_an_exact_half_life_older_weighs_half():
    state = fold_all([event("new", 9.0, days=30), event("old", 0.0, days=0)])
    assert state.score == pytest.approx(9.0 / 1.5)


def test_the_half_life_is_configurable():
    params = FoldParams(half_life_days=10)
    state = fold_all([event("old", 8.0, days=0), event("new", -8.0, days=10)], params)
    assert state.score == pytest.approx((8 / 2 - 8) / 1.5)


def test_low_confidence_events_weigh_less():
    state = fold_all([event("sure", 6.0, confidence=1.0), event("unsure", -6.0, confidence=0.5, days=0.01)])
    assert state.score == pytest.approx(2.0, abs=1e-3)


def test_events_with_no_confidence_leave_the_score_neutral():
    state = fold(None, event("a1", -9.0, confidence=0.0))
    assert state.score == 0.0
    assert state.band == "neutral"


def test_arrival_order_does_not_change_the_score():
    events = [
        event(f"a{i}", g, days=d) for i, (g, d) in enumerate([(3, 0), (-7, 12), (5, 3), (-2, 40), (1, 9)])
    ]
    forward, backward = fold_all(events), fold_all(events[::-1])
    assert forward.score == pytest.approx(backward.score, abs=1e-9)
    assert forward.trend == pytest.approx(backward.trend, abs=1e-9)
    assert forward.evidence == backward.evidence


def test_counts_go_to_the_direction_of_the_event():
    state = fold_all(
        [
            event("a1", 3.0, source="CHN", target="USA", cameo="042"),
            event("a2", 8.3, source="CHN", target="USA", cameo="061"),
            event("a3", -10.0, source="USA", target="CHN", cameo="190"),
        ]
    )
    assert state.counts_ab.verbal_cooperation == 1
    assert state.counts_ab.material_cooperation == 1
    assert state.counts_ba.material_conflict == 1
    assert state.counts_ba.verbal_cooperation == 0
    assert state.last_material_conflict == T0


def test_an_article_with_several_events_for_the_dyad_is_counted_once():
    state = fold_all([event("a1", 3.0, index=0), event("a1", 4.0, index=1), event("a2", 1.0)])
    assert (state.article_count, state.event_count) == (2, 3)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (10.0, "allied"),
        (ALLIED_MIN, "allied"),
        (4.99, "cooperative"),
        (COOPERATIVE_MIN, "cooperative"),
        (1.49, "neutral"),
        (0.0, "neutral"),
        (NEUTRAL_ABOVE, "tense"),
        (-4.99, "tense"),
        (TENSE_ABOVE, "hostile"),
        (-10.0, "hostile"),
    ],
)
def test_bands_follow_the_documented_thresholds(score, band):
    assert band_for(score) == band


def test_evidence_is_newest_first_and_capped():
    params = FoldParams(evidence_keep=3)
    state = fold_all([event(f"a{i}", 1.0, days=d) for i, d in enumerate([5, 1, 9, 3, 7])], params)
    assert [e.article_id for e in state.evidence] == ["a2", "a4", "a0"]


def test_first_and_last_seen_cover_late_events():
    state = fold_all([event("a1", 1.0, days=5), event("a2", 1.0, days=2), event("a3", 1.0, days=8)])
    assert state.first_seen == T0 + timedelta(days=2)
    assert state.last_seen == T0 + timedelta(days=8)


def test_naive_event_times_are_taken_as_utc():
    naive = event("a1", 1.0).model_copy(update={"event_time": datetime(2026, 3, 1, 12, 0)})
    assert fold(None, naive).last_seen == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_trend_is_the_score_now_minus_the_score_seven_days_before():
    state = fold_all([event("old", 4.0, days=0), event("new", -4.0, days=10)])
    assert state.trend == pytest.approx(state.score - 4.0)


def test_trend_ignores_changes_older_than_the_window():
    state = fold_all([event("a1", 4.0, days=0), event("a2", -4.0, days=1), event("a3", 0.0, days=20)])
    before_window = fold_all([event("a1", 4.0, days=0), event("a2", -4.0, days=1)]).score
    assert state.trend == pytest.approx(state.score - before_window)


def test_trend_of_a_new_dyad_is_measured_from_neutral():
    assert fold(None, event("a1", -6.0)).trend == pytest.approx(-6.0)


def test_the_window_keeps_at_most_one_bucket_per_trend_day():
    state = fold_all([event(f"a{d}", 1.0, days=d) for d in range(30)])
    assert [d.day for d in state.window_days] == [(T0 + timedelta(days=d)).date() for d in range(23, 30)]


def test_score_at_day_start_leaves_out_todays_events():
    state = fold_all([event("y", 6.0, days=-1), event("t1", -6.0, days=0), event("t2", -6.0, days=0.1)])
    assert score_at_day_start(state) == pytest.approx(6.0)
    assert score_at_day_start(fold(None, event("only", 2.0))) is None


def test_applied_event_memory_forgets_whole_old_days_beyond_the_cap():
    params = FoldParams(applied_ids_keep=4)
    state = fold_all([event(f"a{d}", 1.0, days=d) for d in range(6)], params)
    assert sum(len(ids) for ids in state.applied_events.values()) == 4
    assert state.forgotten_through == (T0 + timedelta(days=1)).date()


def test_events_from_forgotten_days_are_ignored():
    params = FoldParams(applied_ids_keep=4)
    state = fold_all([event(f"a{d}", 1.0, days=d) for d in range(6)], params)
    assert fold(state, event("late", -9.0, days=1), params) == state
    assert fold(state, event("a0", 1.0, days=0), params) == state


def test_the_newest_day_is_never_forgotten_even_beyond_the_cap():
    params = FoldParams(applied_ids_keep=2)
    state = fold_all([event("a", 1.0, index=i) for i in range(5)], params)
    assert state.event_count == 5
    assert state.forgotten_through is None


def test_an_event_whose_dyad_does_not_match_its_actors_is_refused_with_the_fix():
    wrong = event("a1", 1.0).model_copy(update={"dyad": "USA|CHN"})
    with pytest.raises(ValueError, match="set dyad to 'CHN|USA'"):
        fold(None, wrong)


def test_an_event_for_another_dyad_is_refused():
    with pytest.raises(ValueError, match="key by dyad"):
        fold(fold(None, event("a1", 1.0)), event("a2", 1.0, source="RUS"))


def test_a_non_positive_half_life_is_refused_with_an_example():
    with pytest.raises(ValueError, match="e.g. 30"):
        FoldParams(half_life_days=0)


def test_the_state_round_trips_through_json():
    state = fold_all([event("a1", 3.0), event("a2", -8.0, cameo="190", days=1)])
    assert type(state).model_validate_json(state.model_dump_json()) == state


def test_the_relation_core_imports_no_stream_framework():
    code = (
        "import sys, streams.core.relations, streams.core.alerts; "
        "print(sorted({'faust', 'aiokafka', 'kafka'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

"""Unit tests of the core relation arithmetic: folding per-article updates into happenings and a RelationState."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from streams.core.models import RelationState
from streams.core.relations import (
    ALLIED_MIN,
    COOPERATIVE_MIN,
    NEUTRAL_ABOVE,
    TENSE_ABOVE,
    FoldParams,
    band_for,
    band_with_hysteresis,
    fold,
    score_at_day_start,
    update_status,
)
from tests.support.relation_events import T0, event, relation, update

DEFAULT_PARAMS = FoldParams()


def fold_all(updates, params=DEFAULT_PARAMS, state=None) -> RelationState:
    for u in updates:
        state = fold(state, u, params)
    assert state is not None
    return state


# --- one update, replays and late updates --------------------------------------------------------------------


def test_the_first_update_makes_a_state_with_sorted_actors_and_its_goldstein_as_score():
    state = fold(None, event("a1", 3.4, source="USA", target="CHN"))
    assert (state.dyad, state.actor_a, state.actor_b) == ("CHN|USA", "CHN", "USA")
    assert state.score == pytest.approx(3.4)
    assert state.band == "cooperative"
    assert (state.article_count, state.event_count, state.happening_count) == (1, 1, 1)
    assert state.first_seen == state.last_seen == T0


def test_the_same_update_applied_twice_changes_nothing():
    once = fold_all([event("a1", 3.0), event("a2", -6.0, days=1)])
    assert update_status(once, event("a2", -6.0, days=1)) == "replay"
    assert fold(once, event("a2", -6.0, days=1)) is once


def test_a_replayed_update_is_recognised_even_if_it_arrives_with_another_time():
    # An article enriched again after a crash has a new arrival time but the same id and digest.
    once = fold(None, event("a1", 3.0))
    assert fold(once, event("a1", 3.0, days=2)) is once


def test_a_new_version_of_an_article_is_a_new_update_but_not_a_new_article():
    first = fold(None, update("a1", [relation(3.0)], digest="v1"))
    second = fold(first, update("a1", [relation(3.0, cameo="057")], digest="v2", days=0.1))
    assert (second.event_count, second.article_count) == (2, 1)


def test_an_article_with_several_events_for_the_dyad_is_counted_once():
    state = fold_all([update("a1", [relation(3.0), relation(4.0, cameo="051")]), event("a2", 1.0)])
    assert (state.article_count, state.event_count) == (2, 3)


# --- happenings: mentions merge ------------------------------------------------------------------------------


def test_two_articles_reporting_one_happening_count_it_once():
    sanctions = [event("a1", -8.0, cameo="163"), event("a2", -8.0, cameo="163", days=0.5)]
    praise = event("a3", 4.0, cameo="051", days=0.5)
    state = fold_all([*sanctions, praise])
    assert state.happening_count == 2
    assert state.score == pytest.approx((-8.0 + 4.0) / 2)
    merged = next(h for h in state.happenings if h.root == 16)
    assert (merged.mentions, merged.article_count) == (2, 2)
    assert (merged.first, merged.last) == (T0, T0 + timedelta(days=0.5))


def test_mentions_of_one_article_and_root_are_one_happening_with_every_mention_counted():
    state = fold(None, update("a1", [relation(-10.0, cameo="190"), relation(-10.0, cameo="193")]))
    (happening,) = state.happenings
    assert (happening.mentions, happening.article_count, happening.codes) == (2, 1, ["190", "193"])
    assert state.event_count == 2


def test_other_roots_and_the_other_direction_are_other_happenings():
    state = fold_all([
        event("a1", -8.0, cameo="163"),
        event("a2", -4.0, cameo="112", days=0.1),
        event("a3", -8.0, cameo="163", source="CHN", target="USA", days=0.2),
    ])
    assert state.happening_count == 3
    assert state.counts_ba.material_conflict == 1 and state.counts_ab.material_conflict == 1


def test_reports_further_apart_than_the_merge_window_are_two_happenings():
    state = fold_all([event("a1", -8.0, cameo="163"), event("a2", -8.0, cameo="163", days=2.5)])
    assert state.happening_count == 2


def test_the_merge_window_is_configurable():
    params = FoldParams(merge_window_days=3)
    state = fold_all([event("a1", -8.0, cameo="163"), event("a2", -8.0, cameo="163", days=2.5)], params)
    assert state.happening_count == 1


def test_a_report_between_two_happenings_links_them_into_one():
    apart = fold_all([event("a1", -8.0, cameo="163"), event("a3", -8.0, cameo="163", days=3.6)])
    bridged = fold(apart, event("a2", -8.0, cameo="163", days=1.8))
    assert (apart.happening_count, bridged.happening_count) == (2, 1)
    assert bridged.happenings[0].mentions == 3


def test_the_strongest_mention_speaks_for_a_happening_whatever_the_order():
    weak = event("a1", -4.0, cameo="110", confidence=0.6)
    strong = event("a2", -2.0, cameo="111", confidence=0.9, days=0.1)
    for order in ([weak, strong], [strong, weak]):
        (happening,) = fold_all(order).happenings
        assert (happening.cameo, happening.goldstein, happening.confidence) == ("111", -2.0, 0.9)
        assert happening.article_id == "a2"


def test_at_equal_confidence_the_more_specific_code_speaks():
    state = fold(None, update("a1", [relation(4.5, cameo="032"), relation(5.2, cameo="0312")]))
    assert state.happenings[0].cameo == "0312"


def test_happenings_count_distinct_articles_exactly_up_to_sixteen_and_estimate_beyond():
    few = fold_all([event(f"a{i}", -8.0, cameo="163", days=i * 0.01) for i in range(12)])
    many = fold_all([event(f"a{i}", -8.0, cameo="163", days=i * 0.001) for i in range(400)])
    assert few.happenings[0].article_count == 12
    assert 250 <= many.happenings[0].article_count <= 600
    assert len(many.happenings[0].articles) == 16 and many.happenings[0].mentions == 400


def test_more_independent_publishers_weigh_a_little_more_and_the_bonus_is_bounded():
    conflict = [event("c", -6.0, cameo="112")]
    two = [event("p1", 6.0, publisher="wire"), event("p2", 6.0, publisher="paper")]
    state = fold_all(conflict + two)
    assert next(h for h in state.happenings if h.root == 4).publisher_count == 2
    assert state.score == pytest.approx((6.0 * 1.1 - 6.0) / 2.1)
    ten = [event(f"p{i}", 6.0, publisher=f"outlet {i}") for i in range(10)]
    assert fold_all(conflict + ten).score == pytest.approx((6.0 * 1.5 - 6.0) / 2.5)


def test_the_same_publisher_twice_is_no_independent_source():
    state = fold_all([event("p1", 6.0, publisher="wire"), event("p2", 6.0, publisher="wire", days=0.1)])
    assert state.happenings[0].publisher_count == 1


# --- background --------------------------------------------------------------------------------------------


def test_background_mentions_weigh_a_tenth_of_news():
    news = event("n", 4.0, cameo="051")
    background = event("b", -10.0, cameo="190", mode="background")
    state = fold_all([news, background])
    assert state.score == pytest.approx((4.0 - 10.0 * 0.1) / 1.1)
    assert (state.happening_count, state.background_count) == (2, 1)
    assert state.counts_ab.material_conflict + state.counts_ba.material_conflict == 0


def test_a_dyad_mentioned_only_as_background_still_shows_its_band_and_is_thin():
    state = fold(None, update("a1", [relation(-10.0, cameo="190", mode="background")] * 2))
    assert (state.band, state.thin, state.background_count) == ("hostile", True, 1)


def test_background_and_news_of_the_same_root_stay_apart():
    # A war mentioned in passing every day must not glue its new attacks into one happening.
    background = [event(f"b{d}", -10.0, cameo="190", mode="background", days=d) for d in range(6)]
    attacks = [event("day0", -10.0, cameo="190", days=0.1), event("day5", -10.0, cameo="190", days=5.1)]
    state = fold_all(background + attacks)
    news = [h for h in state.happenings if not h.background]
    assert len(news) == 2 and state.background_count == 1


def test_the_background_weight_is_configurable():
    params = FoldParams(background_weight=0.5)
    state = fold_all([event("n", 4.0, cameo="051"), event("b", -8.0, cameo="163", mode="background")], params)
    assert state.score == pytest.approx((4.0 - 8.0 * 0.5) / 1.5)


# --- score, decay, trend -----------------------------------------------------------------------------------


def test_old_happenings_weigh_less_than_new_ones():
    state = fold_all([event("old", 8.0, days=0), event("new", -8.0, days=60)], FoldParams(memory_days=90))
    # Two half-lives apart: the old happening weighs 1/4, so the mean is (8/4 - 8) / (1/4 + 1) = -4.8.
    assert state.score == pytest.approx(-4.8)


def test_the_half_life_is_configurable():
    params = FoldParams(half_life_days=10)
    state = fold_all([event("old", 8.0, days=0), event("new", -8.0, days=10)], params)
    assert state.score == pytest.approx((8 / 2 - 8) / 1.5)


def test_low_confidence_weighs_less():
    state = fold_all([event("sure", 6.0, confidence=1.0), event("unsure", -6.0, cameo="112", confidence=0.5)])
    assert state.score == pytest.approx(2.0)


def test_happenings_with_no_confidence_leave_the_score_neutral():
    state = fold(None, event("a1", -9.0, confidence=0.0))
    assert (state.score, state.band) == (0.0, "neutral")


def test_arrival_order_does_not_change_the_score():
    updates = [
        event(f"a{i}", g, days=d, cameo=c)
        for i, (g, d, c) in enumerate([(3, 0, "042"), (-7, 12, "163"), (5, 3, "051"), (-2, 20, "112"), (1, 9, "042")])
    ]
    forward, backward = fold_all(updates), fold_all(updates[::-1])
    assert forward.score == pytest.approx(backward.score, abs=1e-9)
    assert forward.trend == pytest.approx(backward.trend, abs=1e-9)
    assert forward.happenings == backward.happenings
    assert forward.evidence == backward.evidence


def test_trend_is_the_score_now_minus_the_score_seven_days_before():
    state = fold_all([event("old", 4.0, days=0), event("new", -4.0, days=10)])
    assert state.trend == pytest.approx(state.score - 4.0)


def test_trend_of_a_new_dyad_is_measured_from_neutral():
    assert fold(None, event("a1", -6.0, cameo="112")).trend == pytest.approx(-6.0)


def test_score_at_day_start_leaves_out_todays_happenings():
    state = fold_all([event("y", 6.0, days=-1), event("t1", -6.0, cameo="112"), event("t2", -6.0, cameo="163")])
    assert score_at_day_start(state) == pytest.approx(6.0)
    assert score_at_day_start(fold(None, event("only", 2.0))) is None


def test_counts_go_to_the_direction_of_the_happening():
    state = fold_all([
        event("a1", 3.0, source="CHN", target="USA", cameo="042"),
        event("a2", 8.3, source="CHN", target="USA", cameo="061"),
        event("a3", -10.0, source="USA", target="CHN", cameo="190"),
    ])
    assert (state.counts_ab.verbal_cooperation, state.counts_ab.material_cooperation) == (1, 1)
    assert (state.counts_ba.material_conflict, state.counts_ba.verbal_cooperation) == (1, 0)
    assert state.last_material_conflict == T0


def test_evidence_is_newest_first_and_capped():
    params = FoldParams(evidence_keep=3)
    state = fold_all([event(f"a{i}", 1.0, days=d) for i, d in enumerate([5, 1, 9, 3, 7])], params)
    assert [e.article_id for e in state.evidence] == ["a2", "a4", "a0"]


def test_evidence_of_a_big_update_is_its_last_events_and_says_their_mode():
    state = fold(None, update("a1", [relation(1.0)] * 30 + [relation(-10.0, cameo="190", mode="background")]))
    assert [e.event_index for e in state.evidence] == list(range(30, 20, -1))
    assert state.evidence[0].mode == "background"


def test_first_and_last_seen_cover_late_updates():
    state = fold_all([event("a1", 1.0, days=5), event("a2", 1.0, days=2), event("a3", 1.0, days=8)])
    assert (state.first_seen, state.last_seen) == (T0 + timedelta(days=2), T0 + timedelta(days=8))


def test_naive_event_times_are_taken_as_utc():
    naive = event("a1", 1.0).model_copy(update={"event_time": datetime(2026, 3, 1, 12, 0)})
    assert fold(None, naive).last_seen == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


# --- bands and thin evidence -------------------------------------------------------------------------------


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


def test_band_thresholds_are_configurable():
    assert band_for(4.0, FoldParams(allied_min=4.0)) == "allied"


@pytest.mark.parametrize(
    ("score", "previous", "band"),
    [
        (1.3, "cooperative", "cooperative"),  # 0.2 under the threshold: holds
        (0.9, "cooperative", "neutral"),  # 0.6 under: leaves
        (1.7, "neutral", "neutral"),  # 0.2 over: holds
        (2.1, "neutral", "cooperative"),
        (-5.3, "tense", "tense"),
        (-5.6, "tense", "hostile"),
        (8.0, "neutral", "allied"),  # far away: straight there
        (1.6, None, "cooperative"),  # a first band has no hysteresis
    ],
)
def test_a_score_must_go_half_a_point_past_a_threshold_to_change_band(score, previous, band):
    assert band_with_hysteresis(score, previous) == band


def test_a_state_keeps_its_band_while_its_score_sits_on_a_threshold():
    state = fold_all([event("a1", 2.0), event("a2", 1.0, cameo="051", days=0.1)])  # 1.5: cooperative
    sitting = fold(state, event("a3", 1.0, cameo="057", days=0.2))  # 1.33: inside the hysteresis
    assert (state.band, sitting.band) == ("cooperative", "cooperative")
    assert band_for(sitting.score) == "neutral"


def test_one_article_is_thin_evidence_and_two_news_happenings_from_two_articles_are_not():
    one = fold(None, update("a1", [relation(3.0), relation(4.0, cameo="051")]))
    two = fold(one, event("a2", 3.0, cameo="057", days=0.1))
    assert (one.thin, two.thin) == (True, False)


def test_background_happenings_are_no_evidence_for_a_band():
    state = fold_all([event("a1", -9.0, cameo="163"), event("a2", -10.0, cameo="190", mode="background")])
    assert state.thin


# --- material cooperation ----------------------------------------------------------------------------------


def test_the_first_news_of_material_cooperation_is_remembered():
    state = fold_all([event("a1", 1.0), event("a2", 7.4, cameo="062", days=1), event("a3", 7.4, cameo="062", days=9)])
    assert state.first_material_cooperation == T0 + timedelta(days=1)


def test_a_commitment_both_sides_make_is_material_cooperation_and_one_sides_wish_is_not():
    both = update("a1", [relation(5.2, cameo="0312"), relation(5.2, cameo="0312", source="CHN", target="USA")])
    one_side = event("a2", 5.2, cameo="0312")
    assert fold(None, both).first_material_cooperation == T0
    assert fold(None, one_side).first_material_cooperation is None


def test_commitments_by_each_side_in_two_articles_within_the_window_are_an_agreement():
    state = fold_all([event("a1", 5.2, cameo="0312"), event("a2", 5.2, cameo="0312", source="CHN", target="USA",
                                                            days=1)])
    assert state.first_material_cooperation == T0 + timedelta(days=1)


def test_background_material_cooperation_is_not_news_of_it():
    assert fold(None, event("a1", 7.4, cameo="062", mode="background")).first_material_cooperation is None


# --- memory: the horizon, sealing, caps --------------------------------------------------------------------


def test_happenings_older_than_the_memory_horizon_are_sealed_without_changing_the_score():
    params = FoldParams(memory_days=10, half_life_days=5)
    early = [event("a1", -8.0, cameo="163"), event("a2", 5.0, cameo="051", days=1)]
    state = fold_all([*early, event("a3", 2.0, days=20)], params)
    assert [h.article_id for h in state.happenings] == ["a3"]
    assert state.happening_count == 3 and state.counts_ba.material_conflict == 1
    weights = [2 ** (-20 / 5), 2 ** (-19 / 5), 1.0]
    expected = (-8.0 * weights[0] + 5.0 * weights[1] + 2.0) / sum(weights)
    assert state.score == pytest.approx(expected)


def test_an_update_dated_before_the_horizon_is_ignored_and_said_to_be_late():
    params = FoldParams(memory_days=10)
    state = fold_all([event("a1", 1.0), event("a2", 1.0, days=30)], params)
    late = event("late", -9.0, cameo="163", days=5)
    assert update_status(state, late) == "late"
    assert fold(state, late, params) is state


def test_an_update_inside_the_horizon_still_joins_its_happening_late():
    params = FoldParams(memory_days=10)
    state = fold_all([event("a1", -8.0, cameo="163", days=20), event("a2", 1.0, days=25)], params)
    joined = fold(state, event("late", -8.0, cameo="163", days=19), params)
    assert joined.happening_count == 2 and joined.happenings[-1].mentions == 2


def test_a_dyads_memory_is_bounded_whatever_the_days_volume():
    params = FoldParams(updates_keep=50, happenings_keep=10)
    cameos = ["042", "051", "057", "112", "163", "173", "190", "036", "061", "130", "141", "186"]
    updates = [event(f"a{i}", 1.0, cameo=cameos[i % len(cameos)], days=i / 5000) for i in range(2000)]
    state = fold_all(updates, params)
    assert len(state.applied) <= 50 and len(state.happenings) <= 10
    assert (state.event_count, state.article_count) == (2000, 2000)
    assert len(state.model_dump_json()) < 20_000


def test_a_forgotten_update_replayed_is_ignored_as_late_not_counted_again():
    params = FoldParams(updates_keep=3)
    state = fold_all([event(f"a{i}", 1.0, days=i / 24) for i in range(6)], params)
    assert update_status(state, event("a0", 1.0)) == "late"
    assert fold(state, event("a0", 1.0), params) is state


def test_past_the_happening_cap_the_least_recently_mentioned_are_sealed_and_later_reports_start_anew():
    params = FoldParams(happenings_keep=2)
    state = fold_all([event("a1", 1.0, cameo="042"), event("a2", 1.0, cameo="051", days=1),
                      event("a3", 1.0, cameo="036", days=2)], params)
    assert [h.article_id for h in state.happenings] == ["a3", "a2"]
    again = fold(state, event("a4", 1.0, cameo="042", days=0.5), params)
    assert (state.happening_count, again.happening_count, again.event_count) == (3, 4, 4)


def test_sealed_happenings_inside_the_trend_window_keep_one_bucket_per_day():
    params = FoldParams(happenings_keep=1)
    cameos = ["042", "051", "057", "036"]
    state = fold_all([event(f"a{d}", 1.0, cameo=cameos[d % 4], days=d * 3) for d in range(4)], params)
    assert len({d.day for d in state.window_days}) == len(state.window_days)


# --- bad updates -------------------------------------------------------------------------------------------


def test_an_update_whose_dyad_does_not_match_its_events_is_refused_with_the_fix():
    wrong = event("a1", 1.0).model_copy(update={"dyad": "USA|CHN"})
    with pytest.raises(ValueError, match="set dyad to 'CHN|USA'"):
        fold(None, wrong)


def test_an_update_mixing_dyads_is_refused():
    mixed = update("a1", [relation(1.0), relation(1.0, source="RUS", target="UKR")])
    with pytest.raises(ValueError, match="one update per dyad"):
        fold(None, mixed)


def test_an_update_for_another_dyad_is_refused():
    with pytest.raises(ValueError, match="key by dyad"):
        fold(fold(None, event("a1", 1.0)), event("a2", 1.0, source="RUS"))


@pytest.mark.parametrize(
    "when", [datetime(1, 1, 1, tzinfo=UTC), datetime.fromisoformat("9999-12-31T23:00-05:00")]
)
def test_an_update_dated_out_of_range_is_refused_with_a_hint_not_an_overflow(when):
    with pytest.raises(ValueError, match="send a real publication time"):
        fold(None, event("a1", 1.0).model_copy(update={"event_time": when}))


@pytest.mark.parametrize(
    ("params", "hint"),
    [
        ({"half_life_days": 0}, "e.g. 30"),
        ({"memory_days": 3}, "at least trend_days"),
        ({"background_weight": 2}, "e.g. 0.1"),
        ({"allied_min": 1.0}, "thresholds must fall"),
    ],
)
def test_wrong_fold_parameters_are_refused_with_an_example(params, hint):
    with pytest.raises(ValueError, match=hint):
        FoldParams(**params)


def test_the_state_round_trips_through_json():
    state = fold_all([event("a1", 3.0), event("a2", -8.0, cameo="190", days=1, publisher="wire")])
    assert type(state).model_validate_json(state.model_dump_json()) == state

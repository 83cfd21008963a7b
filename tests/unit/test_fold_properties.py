"""Property tests of the core relation fold: idempotent, bounded and, inside the memory horizon, independent
of the order updates arrive in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.models import Mode, RelationState, RelationUpdate
from streams.core.relations import FoldParams, band_for, fold, update_status
from tests.support.relation_events import relation, update

CAMEOS = ["010", "036", "042", "057", "061", "073", "084", "112", "130", "141", "163", "173", "186", "190", "200"]
MODES: list[Mode] = ["asserted", "reported", "intended", "background"]


@st.composite
def articles(draw: st.DrawFn, number: int, spread_days: float) -> RelationUpdate:
    """One article's update for CHN|USA: one to four events in either direction, at the article's time."""
    relations = [
        relation(
            draw(st.floats(min_value=-10, max_value=10, allow_nan=False)),
            cameo=draw(st.sampled_from(CAMEOS)),
            confidence=draw(st.one_of(st.just(0.0), st.floats(min_value=0.05, max_value=1))),
            mode=draw(st.sampled_from(MODES)),
            **draw(st.sampled_from([{"source": "USA", "target": "CHN"}, {"source": "CHN", "target": "USA"}])),
        )
        for _ in range(draw(st.integers(min_value=1, max_value=4)))
    ]
    return update(
        f"art{number}",
        relations,
        days=draw(st.floats(min_value=0, max_value=spread_days, allow_nan=False)),
        publisher=draw(st.sampled_from([None, "wire", "paper", "radio"])),
    )


@st.composite
def streams_of(draw: st.DrawFn, spread_days: float = 20.0, most: int = 12) -> list[RelationUpdate]:
    """Updates whose times all lie within `spread_days`: inside the default 30-day memory horizon."""
    count = draw(st.integers(min_value=1, max_value=most))
    return [draw(articles(number, spread_days)) for number in range(count)]


PARAMS = st.builds(
    FoldParams,
    half_life_days=st.sampled_from([1.0, 7.0, 30.0, 365.0]),
    evidence_keep=st.integers(min_value=0, max_value=5),
    merge_window_days=st.sampled_from([0.0, 0.5, 2.0, 5.0]),
)


def fold_all(updates: list[RelationUpdate], params: FoldParams, state: RelationState | None = None) -> RelationState:
    for u in updates:
        state = fold(state, u, params)
    assert state is not None
    return state


def assert_same_relation(one: RelationState, other: RelationState, params: FoldParams) -> None:
    assert abs(one.score - other.score) <= 1e-6
    assert abs(one.trend - other.trend) <= 1e-6
    assert (one.counts_ab, one.counts_ba) == (other.counts_ab, other.counts_ba)
    assert (one.happening_count, one.background_count) == (other.happening_count, other.background_count)
    assert one.happenings == other.happenings
    assert (one.event_count, one.article_count, one.thin) == (other.event_count, other.article_count, other.thin)
    assert (one.first_seen, one.last_seen) == (other.first_seen, other.last_seen)
    assert one.first_material_cooperation == other.first_material_cooperation
    assert one.evidence == other.evidence
    assert sorted(one.applied) == sorted(other.applied)
    # The band has hysteresis, so it may depend on the path; away from the thresholds it cannot.
    if all(band_for(one.score + d, params) == band_for(one.score, params) for d in (-0.6, 0.6)):
        assert one.band == other.band


@settings(deadline=None)
@given(streams_of(), PARAMS, st.data())
def test_folding_an_update_again_changes_nothing(updates, params, data):
    state = fold_all(updates, params)
    again = data.draw(st.sampled_from(updates))
    assert update_status(state, again) == "replay"
    assert fold(state, again, params) is state


@settings(deadline=None)
@given(streams_of(), PARAMS, st.data())
def test_replaying_a_prefix_changes_nothing(updates, params, data):
    state = fold_all(updates, params)
    prefix = updates[: data.draw(st.integers(min_value=0, max_value=len(updates)))]
    assert fold_all(prefix, params, state) is state


@settings(deadline=None)
@given(streams_of(), PARAMS, st.randoms(use_true_random=False))
def test_updates_in_any_order_inside_the_horizon_give_the_same_relation(updates, params, random):
    shuffled = list(updates)
    random.shuffle(shuffled)
    assert_same_relation(fold_all(updates, params), fold_all(shuffled, params), params)


@settings(deadline=None)
@given(streams_of(), PARAMS)
def test_the_score_stays_within_the_goldstein_scale_after_every_update(updates, params):
    state = None
    for u in updates:
        state = fold(state, u, params)
        assert -10 <= state.score <= 10
        assert -20 <= state.trend <= 20


@settings(deadline=None)
@given(streams_of(), PARAMS)
def test_every_event_and_article_is_counted_once(updates, params):
    state = fold_all(updates + updates, params)
    assert state.event_count == sum(len(u.events) for u in updates)
    assert state.article_count == len({u.article_id for u in updates})
    assert sum(h.mentions for h in state.happenings) == state.event_count
    news = sum(state.counts_ab.model_dump().values()) + sum(state.counts_ba.model_dump().values())
    assert news + state.background_count == state.happening_count == len(state.happenings)


@settings(deadline=None, max_examples=30)
@given(streams_of(spread_days=200.0, most=120), st.integers(min_value=1, max_value=8),
       st.integers(min_value=1, max_value=20))
def test_memory_stays_bounded_whatever_the_volume_and_every_update_is_folded_or_said_late(
    updates, happenings_keep, updates_keep
):
    params = FoldParams(happenings_keep=happenings_keep, updates_keep=updates_keep, memory_days=10)
    state, folded_events = None, 0
    for u in updates:
        status = update_status(state, u)
        after = fold(state, u, params)
        assert (after is not state) == (status == "new")
        folded_events += len(u.events) if status == "new" else 0
        state = after
        assert len(state.happenings) <= happenings_keep and len(state.applied) <= updates_keep
    assert state is not None
    assert state.event_count == folded_events
    assert state.happening_count >= len(state.happenings)

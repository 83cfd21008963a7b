"""Property tests of the core relation fold: idempotent, bounded and independent of arrival order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.models import RelationEvent, RelationState
from streams.core.relations import FoldParams, fold
from tests.support.relation_events import event

CAMEOS = [
    "010",
    "036",
    "042",
    "057",
    "061",
    "073",
    "084",
    "112",
    "130",
    "141",
    "163",
    "173",
    "186",
    "190",
    "200",
]


@st.composite
def articles(draw: st.DrawFn, number: int) -> list[RelationEvent]:
    """The events of one article: one to three, all at the article's time, in either direction."""
    days = draw(st.floats(min_value=-120, max_value=120, allow_nan=False))
    return [
        event(
            f"art{number}",
            draw(st.floats(min_value=-10, max_value=10, allow_nan=False)),
            days=days,
            index=index,
            cameo=draw(st.sampled_from(CAMEOS)),
            confidence=draw(st.one_of(st.just(0.0), st.floats(min_value=0.05, max_value=1))),
            **draw(st.sampled_from([{"source": "USA", "target": "CHN"}, {"source": "CHN", "target": "USA"}])),
        )
        for index in range(draw(st.integers(min_value=1, max_value=3)))
    ]


@st.composite
def event_lists(draw: st.DrawFn) -> list[RelationEvent]:
    count = draw(st.integers(min_value=1, max_value=12))
    return [e for number in range(count) for e in draw(articles(number))]


PARAMS = st.builds(
    FoldParams,
    half_life_days=st.sampled_from([1.0, 7.0, 30.0, 365.0]),
    evidence_keep=st.integers(min_value=0, max_value=5),
)


def fold_all(
    events: list[RelationEvent], params: FoldParams, state: RelationState | None = None
) -> RelationState:
    for e in events:
        state = fold(state, e, params)
    assert state is not None
    return state


def assert_same_relation(one: RelationState, other: RelationState) -> None:
    assert abs(one.score - other.score) <= 1e-6
    assert abs(one.trend - other.trend) <= 1e-6
    assert (one.counts_ab, one.counts_ba) == (other.counts_ab, other.counts_ba)
    assert (one.event_count, one.article_count) == (other.event_count, other.article_count)
    assert (one.first_seen, one.last_seen) == (other.first_seen, other.last_seen)
    assert one.evidence == other.evidence
    assert [d.day for d in one.window_days] == [d.day for d in other.window_days]
    assert one.applied_events == other.applied_events


@settings(deadline=None)
@given(event_lists(), PARAMS, st.data())
def test_fold_is_idempotent(events, params, data):
    state = fold_all(events, params)
    again = data.draw(st.sampled_from(events))
    assert fold(state, again, params) == state


@settings(deadline=None)
@given(event_lists(), PARAMS)
def test_the_score_stays_within_the_goldstein_scale_after_every_event(events, params):
    state = None
    for e in events:
        state = fold(state, e, params)
        assert -10 <= state.score <= 10
        assert -20 <= state.trend <= 20


@settings(deadline=None)
@given(event_lists(), PARAMS, st.randoms(use_true_random=False))
def test_folding_events_in_any_order_gives_the_same_relation(events, params, random):
    shuffled = list(events)
    random.shuffle(shuffled)
    assert_same_relation(fold_all(events, params), fold_all(shuffled, params))


@settings(deadline=None)
@given(event_lists(), PARAMS, st.data())
def test_replaying_a_prefix_twice_changes_nothing(events, params, data):
    state = fold_all(events, params)
    prefix = events[: data.draw(st.integers(min_value=0, max_value=len(events)))]
    assert fold_all(prefix, params, state) == state


@settings(deadline=None)
@given(event_lists(), PARAMS)
def test_every_event_and_article_is_counted_once(events, params):
    state = fold_all(events + events, params)
    assert state.event_count == len(events)
    assert state.article_count == len({e.article_id for e in events})
    counts = [*state.counts_ab.model_dump().values(), *state.counts_ba.model_dump().values()]
    assert sum(counts) == len(events)

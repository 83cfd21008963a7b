"""Unit tests of the end-to-end benchmark's expectation: what the table must show once the worker has folded the
core's results, whatever order the updates reach it in (bench/e2e.py, no broker)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from bench.e2e import MEMORY_SLACK, Expectation, memory_for
from streams.core.models import EnrichedArticle, Relation, RelationState
from streams.core.relations import FoldParams, fold
from streams.core.routing import relation_updates
from streams.settings import Settings

DEFAULT_MEMORY = Settings.model_fields["memory_days"].default
RECEIVED = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)


def relation(source: str, target: str, cameo: str = "042") -> Relation:
    return Relation(
        source=source, target=target, cameo=cameo, root=int(cameo[:2]), quad_class=1, goldstein=1.9,
        confidence=0.8, sentence="x", span=(0, 1),
    )


def article(article_id: str, published_at: datetime | None, *relations: Relation) -> EnrichedArticle:
    return EnrichedArticle(
        article_id=article_id, published_at=published_at, received_at=RECEIVED, relations=list(relations),
        extractor_version="t", digest=article_id,
    )


def table_after(updates_in_order: list, memory_days: float) -> dict[str, int]:  # type: ignore[type-arg]
    params = FoldParams(memory_days=memory_days)
    states: dict[str, RelationState] = {}
    for update in updates_in_order:
        states[update.dyad] = fold(states.get(update.dyad), update, params)
    return {dyad: state.event_count for dyad, state in states.items()}


# Wire articles keep their first text's date: years apart, and some undated (their arrival time).
WIRE = [
    article("w0", datetime(2008, 3, 3, tzinfo=UTC), relation("USA", "RUS"), relation("RUS", "USA", "111")),
    article("w1", datetime(2025, 11, 14, tzinfo=UTC), relation("USA", "RUS"), relation("CHN", "USA")),
    article("w2", None, relation("RUS", "USA", "190")),
    article("w3", datetime(2014, 6, 1), relation("USA", "CHN", "036")),  # no zone: UTC, as the fold reads it
]


def test_the_table_reaches_the_expected_counts_in_every_arrival_order_of_updates_years_apart():
    expected = Expectation.of(WIRE)
    assert expected.per_dyad == {"RUS|USA": 4, "CHN|USA": 2}
    updates = [u for a in WIRE for u in relation_updates(a)]
    memory = memory_for(Expectation.of([]), expected)
    for order in itertools.permutations(updates):
        assert table_after(list(order), memory) == expected.per_dyad, [(u.dyad, u.article_id) for u in order]


def test_with_the_default_memory_the_same_updates_newest_first_fall_short():
    """What the wire corpus did to the benchmark: the table published states that never reached the counts."""
    updates = sorted((u for a in WIRE for u in relation_updates(a)), key=lambda u: u.event_time.replace(tzinfo=UTC))
    assert table_after(updates[::-1], DEFAULT_MEMORY) != Expectation.of(WIRE).per_dyad


def test_the_memory_spans_warm_up_and_timed_articles_and_stays_the_default_for_a_month_of_news():
    warm = Expectation.of([article("warm", datetime(2008, 3, 1, tzinfo=UTC), relation("USA", "RUS"))])
    timed = Expectation.of(WIRE[1:3])
    span = (RECEIVED - datetime(2008, 3, 1, tzinfo=UTC) + MEMORY_SLACK) / timedelta(days=1)
    assert span < memory_for(warm, timed) <= span + 1
    month = [article(f"g{i}", datetime(2026, 9, 1, tzinfo=UTC) + timedelta(hours=9 * i), relation("USA", "RUS"))
             for i in range(60)]
    assert memory_for(Expectation.of(month[:6]), Expectation.of(month)) == DEFAULT_MEMORY
    assert memory_for(Expectation.of([]), Expectation.of([article("none", None)])) == DEFAULT_MEMORY

"""Test support: builds relations and RelationUpdates for the fold and alert tests in a line each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streams.core.models import IndexedRelation, Mode, Relation, RelationUpdate, dyad_key

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
"""A fixed noon, so that a few hours either way stay on the same UTC day."""

_QUAD_OF_ROOT = {**dict.fromkeys(range(1, 6), 1), **dict.fromkeys(range(6, 10), 2)}
_QUAD_OF_ROOT |= {**dict.fromkeys(range(10, 15), 3), **dict.fromkeys(range(15, 21), 4)}


def relation(
    goldstein: float,
    *,
    source: str = "USA",
    target: str = "CHN",
    cameo: str = "042",
    confidence: float = 1.0,
    mode: Mode = "asserted",
) -> Relation:
    """A relation; the quad class follows the CAMEO root."""
    root = int(cameo[:2])
    return Relation(
        source=source,
        target=target,
        cameo=cameo,
        root=root,
        quad_class=_QUAD_OF_ROOT[root],
        goldstein=goldstein,
        confidence=confidence,
        mode=mode,
        sentence=f"{source} did {cameo} to {target}.",
        span=(0, 10),
    )


def update(
    article: str,
    relations: list[Relation],
    *,
    days: float = 0.0,
    publisher: str | None = None,
    digest: str = "",
) -> RelationUpdate:
    """One article's update for the dyad of its relations, `days` after T0."""
    first = relations[0]
    return RelationUpdate(
        dyad=dyad_key(first.source, first.target),
        article_id=article,
        article_digest=digest,
        publisher=publisher,
        event_time=T0 + timedelta(days=days),
        events=[IndexedRelation(event_index=i, relation=r) for i, r in enumerate(relations)],
    )


def event(
    article: str,
    goldstein: float,
    *,
    days: float = 0.0,
    source: str = "USA",
    target: str = "CHN",
    cameo: str = "042",
    confidence: float = 1.0,
    mode: Mode = "asserted",
    publisher: str | None = None,
) -> RelationUpdate:
    """An article with one event, `days` after T0."""
    one = relation(goldstein, source=source, target=target, cameo=cameo, confidence=confidence, mode=mode)
    return update(article, [one], days=days, publisher=publisher)

"""Test support: builds RelationEvents for the fold and alert tests in a line each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streams.core.models import Relation, RelationEvent

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
"""A fixed noon, so that a few hours either way stay on the same UTC day."""

_QUAD_OF_ROOT = {**dict.fromkeys(range(1, 6), 1), **dict.fromkeys(range(6, 10), 2)}
_QUAD_OF_ROOT |= {**dict.fromkeys(range(10, 15), 3), **dict.fromkeys(range(15, 21), 4)}


def event(
    article: str,
    goldstein: float,
    *,
    days: float = 0.0,
    index: int = 0,
    source: str = "USA",
    target: str = "CHN",
    cameo: str = "042",
    confidence: float = 1.0,
) -> RelationEvent:
    """An event `days` after T0; the quad class follows the CAMEO root."""
    root = int(cameo[:2])
    first, second = sorted((source, target))
    return RelationEvent(
        dyad=f"{first}|{second}",
        article_id=article,
        event_index=index,
        event_time=T0 + timedelta(days=days),
        relation=Relation(
            source=source,
            target=target,
            cameo=cameo,
            root=root,
            quad_class=_QUAD_OF_ROOT[root],
            goldstein=goldstein,
            confidence=confidence,
            sentence=f"{source} did {cameo} to {target} in {article}.",
            span=(0, 10),
        ),
    )

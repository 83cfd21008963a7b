"""Shell layer: the changelog-backed Faust table of relation states, keyed by dyad."""

from __future__ import annotations

import faust

from streams.settings import Settings


def relations_table(app: faust.App, settings: Settings) -> faust.Table:
    """One RelationState per dyad, stored as its JSON-mode dict (Faust's json codec writes the changelog, so
    live values and values recovered from the changelog have the same shape); partitioned exactly like the
    relation-events topic."""
    return app.Table(
        "relations",
        default=None,
        partitions=settings.partitions,
        help="Current state of every bilateral relation, keyed by dyad 'A|B'.",
    )

"""Shell layer: the changelog-backed Faust table of relation states, keyed by dyad."""

from __future__ import annotations

import faust

from streams.settings import Settings


def relations_table(app: faust.App, settings: Settings) -> faust.Table:
    """One RelationState (JSON bytes) per dyad; partitioned exactly like the relation-events topic."""
    return app.Table(
        "relations",
        default=None,
        partitions=settings.partitions,
        schema=faust.Schema(key_type=str, value_type=bytes, key_serializer="raw", value_serializer="raw"),
        help="Current state of every bilateral relation, keyed by dyad 'A|B'.",
    )

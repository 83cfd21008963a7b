"""Core layer: dyadic events as flat, GDELT-like rows for analysts (pandas, R, a spreadsheet)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Literal

from streams.core.alerts import cameo_name
from streams.core.models import RelationEvent

ColumnType = Literal["date", "timestamp", "string", "int", "float"]

COLUMNS: tuple[tuple[str, ColumnType, str], ...] = (
    ("date", "date", "UTC day of the event (the article's published_at, else its arrival), like GDELT's SQLDATE"),
    ("event_time", "timestamp", "The event time itself, UTC"),
    ("source_code", "string", "Source actor: ISO 3166-1 alpha-3 state code or IGO code (GDELT Actor1Code)"),
    ("source_name", "string", "Display name of the source actor"),
    ("source_role", "string", "What part of the source acted: GOV, MIL, MED, ... (empty: the state as such)"),
    ("target_code", "string", "Target actor code (GDELT Actor2Code)"),
    ("target_name", "string", "Display name of the target actor"),
    ("target_role", "string", "What part of the target was acted on"),
    ("cameo_code", "string", "CAMEO event code (GDELT EventCode), kept as text: '042' keeps its zero"),
    ("cameo_label", "string", "The CAMEO codebook's name of that code"),
    ("cameo_root", "int", "CAMEO root, the first two digits (GDELT EventRootCode)"),
    ("quad_class", "int", "1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict"),
    ("goldstein", "float", "Goldstein intensity, -10 .. +10 (GDELT GoldsteinScale)"),
    ("mode", "string", "asserted, reported, intended, or background (only referred to as context: weighs little)"),
    ("confidence", "float", "The extractor's confidence in the event, 0 .. 1"),
    ("article_id", "string", "Id of the article the event comes from"),
    ("publisher", "string", "Who published the article (its source), when known"),
    ("event_index", "int", "Position of the event among the article's events"),
    ("url", "string", "The article's url, when it was published with one (GDELT SOURCEURL)"),
    ("sentence", "string", "The evidence sentence"),
)
"""Every exported column, in order, with its type and meaning (the README's export table shows them)."""

COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _, _ in COLUMNS)

Row = dict[str, str | int | float | date | datetime | None]


def event_row(event: RelationEvent, name: Callable[[str], str], url: str | None = None,
              publisher: str | None = None) -> Row:
    """One event as one flat row of COLUMNS (names from `name`; url and publisher from the article)."""
    r = event.relation
    return {
        "date": event.event_time.date(),
        "event_time": event.event_time,
        "source_code": r.source,
        "source_name": name(r.source),
        "source_role": r.source_role,
        "target_code": r.target,
        "target_name": name(r.target),
        "target_role": r.target_role,
        "cameo_code": r.cameo,
        "cameo_label": cameo_name(r.cameo),
        "cameo_root": r.root,
        "quad_class": r.quad_class,
        "goldstein": r.goldstein,
        "mode": r.mode,
        "confidence": r.confidence,
        "article_id": event.article_id,
        "publisher": publisher,
        "event_index": event.event_index,
        "url": url,
        "sentence": " ".join(r.sentence.split()),
    }

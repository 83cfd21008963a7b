"""Shell layer: `dyadwatch export`: events read off relation-events, written as CSV, Parquet (pyarrow) or JSON lines."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError
from rich.console import Console

from streams.core.export import COLUMN_NAMES, COLUMNS, Row, event_row
from streams.core.models import RelationUpdate
from streams.kafka.clients import read_to_end
from streams.relations_view import safe_url
from streams.settings import Settings

LATE_ARRIVAL = timedelta(days=1)
"""Records are read from this long before --since: an article dated before its arrival still counts."""

PARQUET_ROW_GROUP = 10_000


def _update(value: bytes | None) -> RelationUpdate | None:
    """The relation update a relation-events record carries (one article's events for one dyad), if valid."""
    try:
        return RelationUpdate.model_validate_json(value or b"")
    except ValidationError:
        return None


def article_urls(settings: Settings, bootstrap: str, since: datetime | None, timeout: float) -> dict[str, str]:
    """Article id -> url, from the enriched articles on their topic (only the ids that have a url)."""
    urls: dict[str, str] = {}
    start = since - LATE_ARRIVAL if since else None
    for record in read_to_end(settings, bootstrap, settings.topic_enriched, since=start, idle_timeout=timeout):
        try:
            data = json.loads(record.value or b"")
            url = safe_url(data.get("url"))
        except (ValueError, AttributeError):
            continue
        if url:
            urls[str(data.get("article_id"))] = url
    return urls


def event_rows(settings: Settings, bootstrap: str, since: datetime | None, until: datetime | None,
               name: Callable[[str], str], *, timeout: float = 10.0,
               on_total: Callable[[int], None] | None = None,
               on_record: Callable[[], None] | None = None) -> Iterator[Row]:
    """Every event on relation-events dated in [since, until), once each (redeliveries dropped), as rows."""
    urls = article_urls(settings, bootstrap, since, timeout)
    seen: set[str] = set()
    start = since - LATE_ARRIVAL if since else None
    for record in read_to_end(settings, bootstrap, settings.topic_relation_events, since=start,
                              idle_timeout=timeout, on_partitions=on_total):
        if on_record is not None:
            on_record()
        update = _update(record.value)
        if update is None:
            continue
        for event in update.events_view():
            if (since and event.event_time < since) or (until and event.event_time >= until):
                continue
            if event.event_id in seen:
                continue
            seen.add(event.event_id)
            yield event_row(event, name, urls.get(event.article_id), update.publisher)


def _text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_csv(rows: Iterator[Row], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=list(COLUMN_NAMES), lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: "" if v is None else _text(v) for k, v in row.items()})
        count += 1
    return count


def write_jsonl(rows: Iterator[Row], out: IO[str]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps({k: _text(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
        count += 1
    return count


def parquet_schema():  # type: ignore[no-untyped-def]
    import pyarrow as pa

    types = {"date": pa.date32(), "timestamp": pa.timestamp("us", tz="UTC"), "string": pa.string(),
             "int": pa.int32(), "float": pa.float64()}
    return pa.schema([pa.field(name, types[kind], metadata={"description": meaning})
                      for name, kind, meaning in COLUMNS])


def write_parquet(rows: Iterator[Row], out: IO[bytes]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        from streams.core.inputs import InputError

        raise InputError("parquet needs pyarrow: pip install 'dyadwatch[parquet]' (or use --format csv)") from None
    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= PARQUET_ROW_GROUP:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


@contextmanager
def _target(output: str, binary: bool) -> Iterator[Any]:
    if output == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        (sys.stdout.buffer if binary else sys.stdout).flush()
        return
    path = Path(output)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") if binary else partial.open("w", encoding="utf-8", newline="") as handle:
        yield handle
    partial.replace(path)  # a failed export leaves no half file under the name asked for


def export_events(settings: Settings, bootstrap: str, fmt: str, output: str, since: datetime | None,
                  until: datetime | None, name: Callable[[str], str], *, timeout: float = 10.0,
                  progress: Console | None = None) -> int:
    """Write the events to `output` ('-' is stdout) in `fmt`; returns how many were written."""
    writers: dict[str, Callable[[Iterator[Row], Any], int]] = {
        "csv": write_csv, "jsonl": write_jsonl, "parquet": write_parquet}
    if progress is None:
        with _target(output, fmt == "parquet") as handle:
            return writers[fmt](event_rows(settings, bootstrap, since, until, name, timeout=timeout), handle)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("reading relation-events"), BarColumn(), MofNCompleteColumn(), console=progress,
                  transient=True) as bar:
        task = bar.add_task("read", total=None)
        rows = event_rows(settings, bootstrap, since, until, name, timeout=timeout,
                          on_total=lambda n: bar.update(task, total=n),
                          on_record=lambda: bar.advance(task))
        with _target(output, fmt == "parquet") as handle:
            return writers[fmt](rows, handle)



"""Shell layer: what the command line shows people (rich tables and lines) and programs (JSON lines, kcat formats).

Pure rendering over the message models and records: no Kafka client, no settings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from streams.core.alerts import cameo_name
from streams.core.models import (
    Alert,
    DeadLetter,
    EnrichedArticle,
    QuadCounts,
    RelationState,
    RelationUpdate,
    Stance,
)
from streams.kafka.clients import Record

BAND_STYLE = {
    "allied": "bold green",
    "cooperative": "green",
    "neutral": "dim",
    "tense": "yellow",
    "hostile": "bold red",
}
SEVERITY_STYLE = {"info": "cyan", "warning": "yellow", "critical": "bold red"}
POLARITY_VERB = {
    "support": "supports",
    "oppose": "opposes",
    "blame": "blames",
    "demand": "demands of",
    "praise": "praises",
    "criticize": "criticizes",
}

Names = Callable[[str], str]


def cameo_label(code: str) -> str:
    """The codebook's name of a CAMEO code in lower case ('0312' -> 'express intent to cooperate militarily')."""
    name = cameo_name(code) or ""
    return name[:1].lower() + name[1:]


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def signed(value: float, digits: int = 1) -> str:
    return f"{value:+.{digits}f}"


def when(ts: datetime | None) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if ts else ""


def quads(c: QuadCounts) -> str:
    return f"{c.verbal_cooperation}·{c.material_cooperation}·{c.verbal_conflict}·{c.material_conflict}"


# relations


def fitted_table(headers: list[str], rows: list[list[Text]], width: int, *, flex: str, flex_min: int = 16,
                 right: frozenset[str] = frozenset(), drop: tuple[str, ...] = (), show_header: bool = True,
                 caps: Mapping[str, int] | None = None) -> Table:
    """A table fitted to `width` terminal columns: every column keeps the width of its content (at most its
    cap) but `flex`, which gives way first (ellipsis); then the columns of `drop` go, in order, until it fits."""
    widths = {h: min((caps or {}).get(h, 10_000), max([len(h) if show_header else 0, *(r[i].cell_len for r in rows)]))
              for i, h in enumerate(headers)}
    shown = list(headers)

    def room() -> int:
        return width - sum(widths[h] for h in shown if h != flex) - 2 * (len(shown) - 1)

    for column in drop:
        if room() >= min(flex_min, widths[flex]):
            break
        shown.remove(column)
    table = Table(box=None, header_style="bold", pad_edge=False, show_edge=False, show_header=show_header)
    for header in shown:
        table.add_column(header, no_wrap=True, overflow="ellipsis",
                         width=max(8, min(widths[flex], room())) if header == flex else widths[header],
                         justify="right" if header in right else "left")
    for row in rows:
        table.add_row(*(cell for header, cell in zip(headers, row, strict=True) if header in shown))
    return table


def relations_table(states: Iterable[RelationState], name: Names, width: int = 120) -> Table:
    """The relations table as people read it: one row per dyad with names, score, band, trend and counts.

    Fitted to `width`: the names give way first, then the quad counts, the time and the codes go.
    """
    headers = ["Dyad", "Names", "Score", "Band", "Trend 7d", "Events", "Mentions", "Articles", "A→B", "B→A",
               "Last event"]
    rows = [
        [
            Text(f"{s.actor_a}–{s.actor_b}", style="cyan"),
            Text(f"{name(s.actor_a)} – {name(s.actor_b)}"),
            Text(signed(s.score, 2)),
            Text.assemble((s.band, BAND_STYLE.get(s.band, "")), (" thin" if s.thin else "", "dim")),
            Text(signed(s.trend, 2), style="green" if s.trend > 0 else "red" if s.trend < 0 else "dim"),
            Text(str(s.happening_count)),
            Text(str(s.event_count), style="dim"),
            Text(str(s.article_count)),
            Text(quads(s.counts_ab), style="dim"),
            Text(quads(s.counts_ba), style="dim"),
            Text(when(s.last_seen)),
        ]
        for s in states
    ]
    return fitted_table(headers, rows, width, flex="Names",
                        right=frozenset({"Score", "Trend 7d", "Events", "Mentions", "Articles"}),
                        drop=("B→A", "A→B", "Mentions", "Last event", "Dyad"))


RELATIONS_FOOTNOTE = (
    "Score: time-decayed mean Goldstein value (-10 hostile … +10 cooperative); thin: too little evidence for a band "
    "change to alert; Events: happenings (reports of one event count once), Mentions: every report; A→B/B→A: news "
    "happenings per quad class (verbal coop · material coop · verbal conflict · material conflict). --json for "
    "every field."
)


# one article


def _signed_text(value: float) -> Text:
    return Text(f"({signed(value)})", style="green" if value > 0 else "red" if value < 0 else "dim")


def stance_text(s: Stance, name: Names) -> str:
    verb = POLARITY_VERB.get(s.polarity, s.polarity)
    target = f" {name(s.target)}" if s.target else ""
    topic = (": " if s.polarity == "demand" else " on ") + s.topic if s.topic else ""
    return f"{name(s.holder)} {verb}{target}{topic}"


def article_summary(enriched: EnrichedArticle, name: Names, width: int = 120) -> RenderableType:
    """One article as people read it: a heading, one line per event ('China -> Iran  0312 express intent to
    cooperate militarily  (+5.2)  'sentence...'') and one per stance."""
    title = enriched.title or enriched.source or enriched.article_id
    heading = Text.assemble(
        (title, "bold"),
        (f"  {enriched.article_id}", "dim"),
        f"\n{len(enriched.relations)} events, {len(enriched.stances)} stances, {len(enriched.actors)} actors: "
        f"{', '.join(name(a) for a in enriched.actors)}",
    )
    parts: list[RenderableType] = [heading]
    if enriched.relations:
        rows = [
            [
                Text(f"{name(r.source)} -> {name(r.target)}"),
                Text(f"{r.cameo} {cameo_label(r.cameo)}" + ("" if r.mode == "asserted" else f" [{r.mode}]")),
                _signed_text(r.goldstein),
                Text(f"'{one_line(r.sentence)}'", style="dim"),
            ]
            for r in enriched.relations
        ]
        parts += [Text("Events", style="bold underline"),
                  fitted_table(["who", "what", "goldstein", "sentence"], rows, width, flex="sentence", flex_min=30,
                               right=frozenset({"goldstein"}), show_header=False,
                               caps={"who": max(18, width // 5), "what": max(24, min(48, width * 2 // 5))})]
    if enriched.stances:
        rows = [[Text(stance_text(s, name)), Text(f"'{one_line(s.sentence)}'", style="dim")]
                for s in enriched.stances]
        parts += [Text("Stances", style="bold underline"),
                  fitted_table(["stance", "sentence"], rows, width, flex="sentence", flex_min=30,
                               show_header=False, caps={"stance": max(30, width // 2)})]
    return Group(*parts)


def enriched_summary(value: bytes | None, name: Names, width: int = 120) -> RenderableType:
    """An enriched-article record as its events and stances (nothing when it is not one)."""
    try:
        enriched = EnrichedArticle.model_validate_json(value or b"")
    except ValidationError:
        return Text("")
    summary = article_summary(enriched, name, width)
    assert isinstance(summary, Group)
    return Group(*summary.renderables[1:], Text(""))


# records of any topic


def record_time(record: Record) -> str:
    if record.timestamp_ms is None:
        return ""
    return datetime.fromtimestamp(record.timestamp_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _decoded(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", errors="replace")


def _parsed_value(value: bytes | None) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except (UnicodeDecodeError, ValueError):
        return value.decode("utf-8", errors="replace")


def record_json(record: Record) -> str:
    """One record as a JSON line: where it is (topic, partition, offset, timestamp), its key and its value
    (JSON stays JSON, other bytes become a string)."""
    timestamp = (datetime.fromtimestamp(record.timestamp_ms / 1000, UTC).isoformat(timespec="milliseconds")
                 .replace("+00:00", "Z") if record.timestamp_ms is not None else None)
    return json.dumps({
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "timestamp": timestamp,
        "key": _decoded(record.key),
        "value": _parsed_value(record.value),
    }, ensure_ascii=False)


_FORMAT_TOKEN = re.compile(r"%[tpokKsSTh%]|\\[nt\\]")


def kcat_format(fmt: str) -> Callable[[Record], str]:
    """A kcat -f format as a function of a record: %t topic, %p partition, %o offset, %k key, %s value,
    %T timestamp (ms), %K / %S key / value length, %h headers, %% a percent sign; \\n, \\t, \\\\ escapes.
    A format without a newline gets one at the end, so each record is one line."""
    if "\\n" not in fmt and "\n" not in fmt:
        fmt += "\\n"

    def render(record: Record) -> str:
        def token(match: re.Match[str]) -> str:
            t = match.group(0)
            values = {
                "%t": record.topic,
                "%p": str(record.partition),
                "%o": str(record.offset),
                "%k": _decoded(record.key) or "",
                "%s": _decoded(record.value) or "",
                "%T": str(record.timestamp_ms if record.timestamp_ms is not None else -1),
                "%K": str(len(record.key) if record.key is not None else -1),
                "%S": str(len(record.value) if record.value is not None else -1),
                "%h": ",".join(f"{k}={v.decode('utf-8', errors='replace')}" for k, v in record.headers),
                "%%": "%",
                "\\n": "\n",
                "\\t": "\t",
                "\\\\": "\\",
            }
            return values[t]

        return _FORMAT_TOKEN.sub(token, fmt)

    return render


def unknown_format_tokens(fmt: str) -> list[str]:
    """The %x tokens of a format that kcat_format does not know."""
    return sorted({m for m in re.findall(r"%.", fmt) if not _FORMAT_TOKEN.fullmatch(m)})


def _summary(role: str | None, value: bytes | None, name: Names) -> Text:
    """A record value in a few words, by what the topic holds; anything else as compact JSON."""
    if value is None:
        return Text("(tombstone: the key is deleted)", style="dim")
    try:
        if role == "alerts":
            a = Alert.model_validate_json(value)
            names = a.names or (name(a.actors[0]), name(a.actors[1]))
            return Text.assemble((a.severity.upper(), SEVERITY_STYLE.get(a.severity, "")), " ", (a.kind, "bold"),
                                 f"  {names[0]} – {names[1]}: {one_line(a.message)}")
        if role == "relations":
            s = RelationState.model_validate_json(value)
            return Text.assemble(f"{name(s.actor_a)} – {name(s.actor_b)}  {signed(s.score, 2)} ",
                                 (s.band, BAND_STYLE.get(s.band, "")), (" thin" if s.thin else "", "dim"),
                                 f"  {s.happening_count} events ({s.event_count} mentions) in "
                                 f"{s.article_count} articles")
        if role == "enriched":
            e = EnrichedArticle.model_validate_json(value)
            first = e.relations[0] if e.relations else None
            lead = (f"; {name(first.source)} -> {name(first.target)} {first.cameo} {cameo_label(first.cameo)}"
                    if first else "")
            return Text(f"{e.title or e.source or e.article_id}: {len(e.relations)} events, "
                        f"{len(e.stances)} stances{lead}")
        if role == "relation_events":
            u = RelationUpdate.model_validate_json(value)
            first = u.events[0].relation
            more = f" (+{len(u.events) - 1} more)" if len(u.events) > 1 else ""
            return Text(f"{u.article_id}: {len(u.events)} event{'s' * (len(u.events) != 1)}; {name(first.source)} "
                        f"-> {name(first.target)}  {first.cameo} {cameo_label(first.cameo)}  "
                        f"({signed(first.goldstein)}){more}")
        if role == "stances":
            st = Stance.model_validate_json(value)
            return Text(f"{stance_text(st, name)}  '{one_line(st.sentence)}'")
        if role == "deadletter":
            d = DeadLetter.model_validate_json(value)
            return Text.assemble(("dead letter", "red"), f" {d.error_type}: {one_line(d.reason)} "
                                 f"({d.topic}[{d.partition}]@{d.offset}, {d.value_size:,} bytes)")
        if role == "articles":
            data = json.loads(value)
            title = data.get("title") or one_line(str(data.get("text", "")))[:80]
            return Text(f"{title}  ({len(str(data.get('text', ''))):,} characters)")
    except (ValidationError, ValueError, TypeError, AttributeError):
        pass
    parsed = _parsed_value(value)
    return Text(json.dumps(parsed, ensure_ascii=False) if not isinstance(parsed, str) else parsed)


def record_line(record: Record, role: str | None, name: Names) -> Text:
    """One record as a line for people: where it is, when, its key and a summary of its value."""
    return Text.assemble(
        (f"{record.topic}[{record.partition}]@{record.offset}", "cyan"),
        " ",
        (record_time(record), "dim"),
        " ",
        (_decoded(record.key) or "-", "bold"),
        "  ",
        _summary(role, record.value, name),
        no_wrap=True,
        overflow="ellipsis",
        end="",
    )


def role_of(topic: str, topics: Mapping[str, str]) -> str | None:
    """The role ('alerts', 'enriched', ...) of a configured topic name, if it is one of ours."""
    return next((role for role, name in topics.items() if name == topic), None)

"""View layer, pure (no Faust, no Kafka): the web view's mirror of the relations table, queries and JSON."""

from __future__ import annotations

import json
from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from streams.core.alerts import cameo_name
from streams.core.bounds import cut_utf8
from streams.core.models import (
    DYAD_SEPARATOR,
    Alert,
    AlertKind,
    Band,
    Evidence,
    Happening,
    QuadCounts,
    RelationState,
    Severity,
    dyad_key,
)
from streams.core.names import actor_names

ALERTS_KEEP = 500
"""Alerts the mirror keeps, newest by time."""

ARTICLES_KEEP = 50_000
"""Article id -> url entries the mirror keeps for evidence links, least recently seen dropped first."""

HISTORY_KEEP = 240
"""Score points the mirror keeps per dyad: the newest half as they came, older ones thinned to one per UTC day."""

HISTORY_POINTS_KEEP = 200_000
"""Score points the mirror keeps over all dyads (32 MB measured); past it, the dyads updated longest ago lose theirs."""

Point = tuple[float, float, str, int]
"""(time as a POSIX timestamp, score, band, event count): a score point, kept small."""

BAND_RANK: dict[str, int] = {"hostile": 0, "tense": 1, "neutral": 2, "cooperative": 3, "allied": 4}

SortKey = Literal[
    "dyad", "actor_a", "actor_b", "name_a", "name_b", "score", "band", "trend",
    "event_count", "article_count", "happening_count", "first_seen", "last_seen",
]
SORT_KEYS: tuple[str, ...] = SortKey.__args__  # type: ignore[attr-defined]


class ActorNames:
    """Actor code -> display name from the actor data (states and IGOs); an unknown code names itself."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = dict(names)

    @classmethod
    def load(cls) -> ActorNames:
        return cls(actor_names())

    def name(self, code: str) -> str:
        return self._names.get(code, code)


def safe_url(url: str | None) -> str | None:
    """The url when it is http(s) with a host; anything else (javascript:, data:, relative) is no link."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


class _Public(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RelationSummary(_Public):
    """One row of the relations list: a RelationState without its evidence and bookkeeping, with names."""

    dyad: str = Field(description="Unordered dyad key 'A|B', codes sorted.")
    actor_a: str
    actor_b: str
    name_a: str = Field(description="Display name of actor_a.")
    name_b: str
    score: float = Field(ge=-10, le=10)
    band: Band
    trend: float = Field(description="Change of the score over the last 7 days.")
    thin: bool = Field(description="Too little evidence yet (news happenings, articles) for the band to mean much.")
    counts_ab: QuadCounts = Field(description="News happenings with actor_a as source, per quad class.")
    counts_ba: QuadCounts = Field(description="News happenings with actor_b as source, per quad class.")
    happening_count: int = Field(ge=0, description="Happenings, news and background.")
    background_count: int = Field(ge=0, description="Happenings only mentioned as background.")
    first_seen: datetime
    last_seen: datetime
    article_count: int = Field(ge=0)
    event_count: int = Field(ge=0, description="Events extracted: every mention in every article.")
    last_material_conflict: datetime | None = None
    first_material_cooperation: datetime | None = None


class EvidenceView(Evidence):
    """A piece of evidence with the article's url and title, when the view has seen the enriched article."""

    url: str | None = Field(None, description="The article's http(s) url, when known.")
    title: str | None = None


class HappeningView(_Public):
    """One recent happening of a relation: what happened, how often and by how many it was reported."""

    source: str
    target: str
    cameo: str
    cameo_name: str | None = None
    goldstein: float
    quad_class: int
    background: bool
    mode: str
    confidence: float
    first: datetime
    last: datetime
    mentions: int
    article_count: int
    publisher_count: int
    article_id: str = Field(description="Article of its strongest mention.")
    alerted: list[str]


class RelationDetail(RelationSummary):
    """One relation with its recent happenings and its evidence, newest first."""

    happenings: list[HappeningView]
    evidence: list[EvidenceView]


class RelationList(_Public):
    version: int = Field(description="Grows with every change the view has read; poll and compare.")
    loaded: bool = Field(description="False while the view is still reading the relations topic.")
    count: int = Field(description="Relations in this response.")
    total: int = Field(description="Relations matching the query; more than count when `limit` cut the list.")
    relations: list[RelationSummary]
    source: str = Field("relations", description="The compacted Kafka topic the view mirrors the table from.")
    latest_record_at: datetime | None = Field(
        None, description="Write time of the newest relations record the view has read (none yet: null)."
    )


class ScorePoint(_Public):
    """A relation's score after one update: at the time of its latest event."""

    time: datetime = Field(description="The state's last_seen: the latest event time folded in.")
    score: float = Field(ge=-10, le=10)
    band: Band
    event_count: int = Field(ge=0)


class RelationHistory(_Public):
    """A relation's score over time, oldest first, as the view has read it from the relations topic."""

    dyad: str
    actor_a: str
    actor_b: str
    name_a: str
    name_b: str
    count: int
    points: list[ScorePoint] = Field(
        description=f"Oldest first; the newest {HISTORY_KEEP // 2} updates as they came, older ones one per UTC "
        "day. Updates the topic has compacted away before the view started are not in it."
    )


class AlertList(_Public):
    count: int
    alerts: list[Alert] = Field(description="Newest first, filtered; at most `limit` of the last 500 alerts.")


class ErrorBody(_Public):
    error: str = Field(description="What went wrong and how to ask instead.")


class BadQuery(ValueError):
    """A query parameter the API cannot use; the message says which values it accepts."""


@dataclass(frozen=True)
class RelationsQuery:
    actor: str | None = None
    band: Band | None = None
    sort: str = "last_seen"
    descending: bool = True
    limit: int | None = None


def parse_relations_query(params: Mapping[str, str], max_rows: int | None = None) -> RelationsQuery:
    """The query of /api/relations; `limit` (at most max_rows, its default) bounds the rows of one response."""
    actor = params.get("actor", "").strip().upper() or None
    band = params.get("band", "").strip().lower() or None
    if band is not None and band not in BAND_RANK:
        raise BadQuery(f"band={band!r} is not a band; use one of {', '.join(BAND_RANK)}")
    sort = params.get("sort", "last_seen").strip() or "last_seen"
    if sort not in SORT_KEYS:
        raise BadQuery(f"sort={sort!r} is not a column; use one of {', '.join(SORT_KEYS)}")
    order = params.get("order", "desc").strip().lower() or "desc"
    if order not in ("asc", "desc"):
        raise BadQuery(f"order={order!r} must be asc or desc")
    limit = max_rows
    if params.get("limit", "").strip():
        text = params["limit"].strip()
        if not text.isdigit() or int(text) < 1 or (max_rows is not None and int(text) > max_rows):
            bound = f"from 1 to {max_rows}" if max_rows is not None else "of at least 1"
            raise BadQuery(f"limit={text!r} must be a whole number {bound}")
        limit = int(text)
    return RelationsQuery(actor=actor, band=band, sort=sort, descending=order == "desc", limit=limit)  # type: ignore[arg-type]


def parse_since(text: str | None) -> datetime | None:
    """An ISO 8601 time (a date alone means its midnight); no zone means UTC."""
    if text is None or not text.strip():
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadQuery(f"since={text!r} is not ISO 8601; use e.g. since=2026-03-01T12:00:00Z") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


ALERT_KINDS: tuple[str, ...] = AlertKind.__args__  # type: ignore[attr-defined]
SEVERITIES: tuple[str, ...] = Severity.__args__  # type: ignore[attr-defined]
ALERTS_LIMIT_DEFAULT = 100


@dataclass(frozen=True)
class AlertsQuery:
    since: datetime | None = None
    kind: str | None = None
    dyad: str | None = None
    actor: str | None = None
    severity: str | None = None
    limit: int = ALERTS_LIMIT_DEFAULT


def parse_alerts_query(params: Mapping[str, str]) -> AlertsQuery:
    """/api/alerts parameters: since, kind, dyad ('CHN|IRN' or 'CHN-IRN', either order), actor, severity
    (at least this severe), limit (1-500)."""
    kind = params.get("kind", "").strip().lower() or None
    if kind is not None and kind not in ALERT_KINDS:
        raise BadQuery(f"kind={kind!r} is not an alert kind; use one of {', '.join(ALERT_KINDS)}")
    severity = params.get("severity", "").strip().lower() or None
    if severity is not None and severity not in SEVERITIES:
        raise BadQuery(f"severity={severity!r} is not a severity; use one of {', '.join(SEVERITIES)}")
    dyad = params.get("dyad", "").strip().upper() or None
    if dyad is not None:
        parts = dyad.replace("-", DYAD_SEPARATOR).split(DYAD_SEPARATOR)
        if len(parts) != 2 or not all(parts):
            raise BadQuery(f"dyad={dyad!r} is not a dyad; join two actor codes by '|' or '-', e.g. dyad=CHN|IRN")
        dyad = dyad_key(*parts)
    raw_limit = params.get("limit", "").strip() or str(ALERTS_LIMIT_DEFAULT)
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= ALERTS_KEEP:
        raise BadQuery(f"limit={raw_limit!r} must be a whole number from 1 to {ALERTS_KEEP}")
    return AlertsQuery(
        since=parse_since(params.get("since")),
        kind=kind,
        dyad=dyad,
        actor=params.get("actor", "").strip().upper() or None,
        severity=severity,
        limit=int(raw_limit),
    )


def _sort_value(row: RelationSummary, key: str) -> Any:
    if key == "band":
        return BAND_RANK[row.band]
    return getattr(row, key)


@dataclass
class Mirror:
    """The complete relations table (latest state per dyad), the latest alerts and article urls, in memory.

    Titles are cut to title_bytes and urls over url_bytes dropped: the mirror keeps up to ARTICLES_KEEP of them.
    """

    names: ActorNames
    title_bytes: int = 300
    url_bytes: int = 1_024
    states: dict[str, RelationState] = field(default_factory=dict)
    alerts: deque[Alert] = field(default_factory=lambda: deque(maxlen=ALERTS_KEEP))
    articles: OrderedDict[str, tuple[str | None, str | None]] = field(default_factory=OrderedDict)
    history: OrderedDict[str, list[Point]] = field(default_factory=OrderedDict)
    """Dyad -> its score points in the order read; least recently updated dyad first."""
    history_points: int = 0
    source: str = "relations"
    latest_record_at: datetime | None = None
    version: int = 0
    rejected: int = 0
    loaded: bool = False

    @property
    def etag(self) -> str:
        """HTTP entity tag of what the view would serve now: changes with every applied record and on load."""
        return f'"{self.version}{"" if self.loaded else "-loading"}"'

    def apply_relation(self, key: bytes | None, value: bytes | None, timestamp_ms: int | None = None) -> bool:
        """A record of the compacted relations topic: a state replaces the dyad's (and adds a point to its
        history), a tombstone removes it."""
        if timestamp_ms is not None and timestamp_ms >= 0:
            written = datetime.fromtimestamp(timestamp_ms / 1000, UTC)
            self.latest_record_at = max(written, self.latest_record_at or written)
        if value is None:
            if key is None or self.states.pop(key.decode(errors="replace"), None) is None:
                return False
            self.history_points -= len(self.history.pop(key.decode(errors="replace"), []))
            self.version += 1
            return True
        try:
            state = RelationState.model_validate_json(value)
        except ValidationError:
            self.rejected += 1
            return False
        self.states[state.dyad] = state
        self._add_point(state)
        self.version += 1
        return True

    def _add_point(self, state: RelationState) -> None:
        point: Point = (state.last_seen.timestamp(), state.score, state.band, state.event_count)
        points = self.history.setdefault(state.dyad, [])
        self.history.move_to_end(state.dyad)
        if points and points[-1] == point:
            return  # a republished state (a replay) is no new point
        points.append(point)
        self.history_points += 1
        if len(points) > HISTORY_KEEP:
            kept = thinned(points, HISTORY_KEEP)
            self.history_points -= len(points) - len(kept)
            self.history[state.dyad] = kept
        while self.history_points > HISTORY_POINTS_KEEP and len(self.history) > 1:
            _, dropped = self.history.popitem(last=False)
            self.history_points -= len(dropped)

    def apply_alert(self, value: bytes | None) -> bool:
        """An alert record; alerts stay ordered by time and the same id is kept once."""
        try:
            alert = Alert.model_validate_json(value or b"")
        except ValidationError:
            self.rejected += 1
            return False
        if any(a.id == alert.id for a in self.alerts):
            return False
        if len(self.alerts) == self.alerts.maxlen and alert.time < self.alerts[0].time:
            return False
        ordered = sorted([*self.alerts, alert], key=lambda a: a.time)
        self.alerts.clear()
        self.alerts.extend(ordered)
        self.version += 1
        return True

    def apply_enriched(self, value: bytes | None) -> bool:
        """An enriched article: remember its url and title for evidence links (bounded)."""
        try:
            record = json.loads(value or b"")
            article_id = record["article_id"]
        except (ValueError, TypeError, KeyError):
            self.rejected += 1
            return False
        url, title = safe_url(record.get("url")), record.get("title")
        if url is not None and len(url.encode("utf-8", errors="replace")) > self.url_bytes:
            url = None  # a cut url is a broken link
        title = cut_utf8(title, self.title_bytes) if isinstance(title, str) else None
        if url is None and title is None:
            return False
        self.articles[article_id] = (url, title)
        self.articles.move_to_end(article_id)
        while len(self.articles) > ARTICLES_KEEP:
            self.articles.popitem(last=False)
        self.version += 1
        return True

    def summary(self, state: RelationState) -> RelationSummary:
        fields = state.model_dump(include=set(RelationSummary.model_fields) - {"name_a", "name_b"})
        return RelationSummary(name_a=self.names.name(state.actor_a), name_b=self.names.name(state.actor_b),
                               **fields)

    def relations(self, query: RelationsQuery = RelationsQuery()) -> RelationList:
        rows = [
            self.summary(s) for s in self.states.values()
            if (query.actor is None or query.actor in (s.actor_a, s.actor_b))
            and (query.band is None or s.band == query.band)
        ]
        rows.sort(key=lambda r: r.dyad)
        rows.sort(key=lambda r: _sort_value(r, query.sort), reverse=query.descending)
        total = len(rows)
        rows = rows[: query.limit] if query.limit is not None else rows
        return RelationList(version=self.version, loaded=self.loaded, count=len(rows), total=total, relations=rows,
                            source=self.source, latest_record_at=self.latest_record_at)

    def relation(self, a: str, b: str) -> RelationDetail | None:
        """The relation between a and b, in either order; None when the view knows none."""
        state = self.states.get(dyad_key(a.strip().upper(), b.strip().upper()))
        if state is None:
            return None
        evidence = [
            EvidenceView(**e.model_dump(), url=self.articles.get(e.article_id, (None, None))[0],
                         title=self.articles.get(e.article_id, (None, None))[1])
            for e in state.evidence
        ]
        happenings = [happening_view(h) for h in state.happenings]
        return RelationDetail(**self.summary(state).model_dump(), happenings=happenings, evidence=evidence)

    def relation_history(self, a: str, b: str) -> RelationHistory | None:
        """The score over time of the relation between a and b, in either order; None when the view knows none."""
        state = self.states.get(dyad_key(a.strip().upper(), b.strip().upper()))
        if state is None:
            return None
        points = [
            ScorePoint(time=datetime.fromtimestamp(t, UTC), score=score, band=band, event_count=events)  # type: ignore[arg-type]
            for t, score, band, events in sorted(self.history.get(state.dyad, []), key=lambda p: p[0])
        ]
        return RelationHistory(dyad=state.dyad, actor_a=state.actor_a, actor_b=state.actor_b,
                               name_a=self.names.name(state.actor_a), name_b=self.names.name(state.actor_b),
                               count=len(points), points=points)

    def alerts_matching(self, query: AlertsQuery = AlertsQuery()) -> AlertList:
        """The newest alerts that pass every filter of the query, at most `query.limit`."""
        floor = SEVERITIES.index(query.severity) if query.severity else 0
        picked = [
            a for a in reversed(self.alerts)
            if (query.since is None or a.time >= query.since)
            and (query.kind is None or a.kind == query.kind)
            and (query.dyad is None or a.dyad == query.dyad)
            and (query.actor is None or query.actor in a.actors)
            and SEVERITIES.index(a.severity) >= floor
        ][: query.limit]
        return AlertList(count=len(picked), alerts=picked)


def happening_view(h: Happening) -> HappeningView:
    return HappeningView(
        cameo_name=cameo_name(h.cameo),
        **h.model_dump(exclude={"articles", "publishers", "codes", "root", "event_index"}),
    )


def thinned(points: list[Point], keep: int) -> list[Point]:
    """At most `keep` points: the newest keep // 2 as they are, the older ones reduced to the last of each UTC
    day, and if that is still too many, the oldest days dropped."""
    recent = points[-(keep // 2):]
    by_day: dict[int, Point] = {}
    for point in points[: -(keep // 2)]:
        by_day[int(point[0] // 86_400)] = point
    older = list(by_day.values())[-(keep - len(recent)):] if keep > len(recent) else []
    return [*older, *recent]


def inert_json(model: BaseModel) -> bytes:
    """The model as JSON with <, > and & escaped (valid JSON, same data): no byte of it reads as markup."""
    body = model.model_dump_json().encode()
    return body.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


def not_found(a: str, b: str) -> ErrorBody:
    return ErrorBody(error=f"no relation between {a} and {b} yet; GET /api/relations lists the known dyads")


def openapi_document(version: str) -> dict[str, Any]:
    """OpenAPI 3.1 description of the read-only JSON API, schemas generated from the pydantic models."""
    schemas: dict[str, Any] = {}
    for model in (RelationList, RelationDetail, RelationHistory, AlertList, ErrorBody):
        schema = model.model_json_schema(mode="serialization", ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema

    def ref(name: str) -> dict[str, Any]:
        return {"$ref": f"#/components/schemas/{name}"}

    def ok(name: str, description: str) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": ref(name)}}}

    bad = ok("ErrorBody", "A query parameter is wrong; the error says which values work.")
    actor_param = {"name": "actor", "in": "query", "required": False, "schema": {"type": "string"},
                   "description": "Only dyads with this actor code (e.g. CHN, NATO)."}
    band_param = {"name": "band", "in": "query", "required": False,
                  "schema": {"type": "string", "enum": list(BAND_RANK)}}
    sort_param = {"name": "sort", "in": "query", "required": False,
                  "schema": {"type": "string", "enum": list(SORT_KEYS), "default": "last_seen"}}
    order_param = {"name": "order", "in": "query", "required": False,
                   "schema": {"type": "string", "enum": ["asc", "desc"], "default": "desc"}}
    limit_param = {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
                   "description": "At most this many relations, the first in the sort order (default and "
                                  "maximum: DYADWATCH_WEB_MAX_ROWS)."}
    actor_path = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"},
                   "description": "An actor code; the two may come in either order."} for n in ("a", "b")]
    since_param = {"name": "since", "in": "query", "required": False,
                   "schema": {"type": "string", "format": "date-time"},
                   "description": "Only alerts at or after this ISO 8601 time (no zone means UTC)."}
    alert_params = [
        since_param,
        {"name": "kind", "in": "query", "required": False, "schema": {"type": "string", "enum": list(ALERT_KINDS)},
         "description": "Only alerts of this kind."},
        {"name": "dyad", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "Only alerts on this dyad: two actor codes joined by '|' or '-', in either order."},
        {"name": "actor", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "Only alerts on dyads with this actor code."},
        {"name": "severity", "in": "query", "required": False,
         "schema": {"type": "string", "enum": list(SEVERITIES)},
         "description": "Only alerts at least this severe (info < warning < critical)."},
        {"name": "limit", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": ALERTS_KEEP, "default": ALERTS_LIMIT_DEFAULT},
         "description": "At most this many alerts, newest first."},
    ]
    health = {"description": "The process answers.", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"status": {"type": "string"}}}}}}
    ready_schema = {"type": "object", "properties": {
        "ready": {"type": "boolean"}, "assigned": {"type": "array", "items": {"type": "string"}},
        "broker": {"type": "boolean"}, "mirror_loaded": {"type": "boolean"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "dyadwatch relations view", "version": version,
                 "description": "Read-only view of the relations table and the latest alerts. Every "
                                "worker with the web enabled answers with the complete table."},
        "paths": {
            "/api/relations": {"get": {
                "summary": "Every known relation, filtered and sorted.",
                "parameters": [actor_param, band_param, sort_param, order_param, limit_param],
                "responses": {"200": ok("RelationList", "The relations."), "400": bad}}},
            "/api/relations/{a}/{b}": {"get": {
                "summary": "One relation with its evidence.",
                "parameters": actor_path,
                "responses": {"200": ok("RelationDetail", "The relation."),
                              "404": ok("ErrorBody", "No relation between the two actors yet.")}}},
            "/api/relations/{a}/{b}/history": {"get": {
                "summary": "One relation's score over time, oldest first.",
                "parameters": actor_path,
                "responses": {"200": ok("RelationHistory", "The score points."),
                              "404": ok("ErrorBody", "No relation between the two actors yet.")}}},
            "/api/alerts": {"get": {
                "summary": "The latest alerts, newest first, filtered.",
                "parameters": alert_params,
                "responses": {"200": ok("AlertList", "The alerts."), "400": bad}}},
            "/healthz": {"get": {"summary": "Liveness.", "responses": {"200": health}}},
            "/readyz": {"get": {"summary": "Readiness: broker reachable, partitions assigned, mirror loaded.",
                                "responses": {
                                    "200": {"description": "Ready.", "content": {
                                        "application/json": {"schema": ready_schema}}},
                                    "503": {"description": "Not ready yet.", "content": {
                                        "application/json": {"schema": ready_schema}}}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics.", "responses": {"200": {
                "description": "Prometheus text format 0.0.4.",
                "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        },
        "components": {"schemas": schemas},
    }

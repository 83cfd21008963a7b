"""Core layer: relation arithmetic, folding dyadic events into one RelationState per dyad (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from streams.core.models import (
    Band,
    DaySums,
    DecayedSums,
    Evidence,
    QuadCounts,
    RelationEvent,
    RelationState,
)

ALLIED_MIN = 5.0
"""A score at or above this is 'allied'."""
COOPERATIVE_MIN = 1.5
"""A score at or above this (and below ALLIED_MIN) is 'cooperative'."""
NEUTRAL_ABOVE = -1.5
"""A score above this (and below COOPERATIVE_MIN) is 'neutral'."""
TENSE_ABOVE = -5.0
"""A score above this (and at or below NEUTRAL_ABOVE) is 'tense'; at or below it, 'hostile'."""

_QUAD_FIELDS = {
    1: "verbal_cooperation",
    2: "material_cooperation",
    3: "verbal_conflict",
    4: "material_conflict",
}


@dataclass(frozen=True)
class FoldParams:
    """How events are folded into a relation.

    half_life_days: an event this much older than the latest one weighs half as much.
    evidence_keep: how many pieces of evidence a state keeps (newest by event time).
    trend_days: the trend compares the score now with the score this many days before the latest event.
    applied_ids_keep: about how many applied event ids a dyad remembers for idempotence; whole days of the
        oldest ids are forgotten beyond it, and events from forgotten days are ignored from then on.
    """

    half_life_days: float = 30.0
    evidence_keep: int = 10
    trend_days: int = 7
    applied_ids_keep: int = 5000

    def __post_init__(self) -> None:
        if not self.half_life_days > 0:
            raise ValueError(f"half_life_days must be positive (e.g. 30), got {self.half_life_days}")
        if self.evidence_keep < 0:
            raise ValueError(f"evidence_keep must be 0 or more (e.g. 10), got {self.evidence_keep}")
        if self.trend_days < 1:
            raise ValueError(f"trend_days must be at least 1 (e.g. 7), got {self.trend_days}")
        if self.applied_ids_keep < 1:
            raise ValueError(f"applied_ids_keep must be at least 1 (e.g. 5000), got {self.applied_ids_keep}")


def band_for(score: float) -> Band:
    """The named band of a score; see the threshold constants."""
    if score >= ALLIED_MIN:
        return "allied"
    if score >= COOPERATIVE_MIN:
        return "cooperative"
    if score > NEUTRAL_ABOVE:
        return "neutral"
    if score > TENSE_ABOVE:
        return "tense"
    return "hostile"


def mean_goldstein(sums: DecayedSums) -> float:
    """The weighted mean of some sums, in [-10, 10]; 0 (neutral) when they carry no weight."""
    if sums.weight <= 0:
        return 0.0
    return max(-10.0, min(10.0, sums.weighted_goldstein / sums.weight))


def score_at_day_start(state: RelationState) -> float | None:
    """The score from the events before the UTC day of the latest event; None if there were none."""
    today = state.last_seen.date()
    earlier = _total([state.settled, *(d for d in state.window_days if d.day < today)])
    return mean_goldstein(earlier) if earlier.weight > 0 else None


def evidence_of(event: RelationEvent) -> Evidence:
    """The evidence an event leaves behind."""
    relation = event.relation
    return Evidence(
        article_id=event.article_id,
        event_index=event.event_index,
        sentence=relation.sentence,
        cameo=relation.cameo,
        source=relation.source,
        target=relation.target,
        goldstein=relation.goldstein,
        time=_utc(event.event_time),
    )


def fold(
    state: RelationState | None, event: RelationEvent, params: FoldParams = FoldParams()
) -> RelationState:
    """Add one event to a dyad's state; returns `state` itself when the event was applied before.

    The score does not depend on the order events arrive in (up to float rounding): every sum is kept
    relative to the latest event time, older events enter decayed, and a newer event rescales the sums.
    """
    actor_a, actor_b = _actors_of(event)
    if state is not None and state.dyad != event.dyad:
        raise ValueError(f"event of dyad {event.dyad!r} folded into the state of {state.dyad!r}: key by dyad")
    time = _utc(event.event_time)
    key = _applied_key(event)
    if state is not None and _already_applied(state, key, time.date()):
        return state

    last_seen = time if state is None else max(state.last_seen, time)
    settled, window_days = _add_to_sums(state, event, time, last_seen, params)
    total = _total([settled, *window_days])
    score = mean_goldstein(total)
    article_seen = state is not None and _article_seen(state, key)
    applied_events, forgotten_through = _remember(state, key, time.date(), params.applied_ids_keep)
    quad_field = _QUAD_FIELDS[event.relation.quad_class]
    a_is_source = event.relation.source == actor_a
    counts_ab = state.counts_ab if state is not None else QuadCounts()
    counts_ba = state.counts_ba if state is not None else QuadCounts()
    if a_is_source:
        counts_ab = _bump(counts_ab, quad_field)
    else:
        counts_ba = _bump(counts_ba, quad_field)
    last_conflict = state.last_material_conflict if state is not None else None
    if event.relation.quad_class == 4:
        last_conflict = time if last_conflict is None else max(last_conflict, time)

    return RelationState(
        dyad=event.dyad,
        actor_a=actor_a,
        actor_b=actor_b,
        score=score,
        band=band_for(score),
        trend=score - mean_goldstein(settled),
        counts_ab=counts_ab,
        counts_ba=counts_ba,
        evidence=_newest_evidence(state, event, params.evidence_keep),
        first_seen=time if state is None else min(state.first_seen, time),
        last_seen=last_seen,
        article_count=(0 if state is None else state.article_count) + (0 if article_seen else 1),
        event_count=(0 if state is None else state.event_count) + 1,
        last_material_conflict=last_conflict,
        settled=settled,
        window_days=window_days,
        applied_events=applied_events,
        forgotten_through=forgotten_through,
        recent_alert_ids=[] if state is None else state.recent_alert_ids,
    )


def _actors_of(event: RelationEvent) -> tuple[str, str]:
    relation = event.relation
    if relation.source == relation.target:
        raise ValueError(
            f"event {event.event_id} has source = target = {relation.source!r}: a dyad needs two actors"
        )
    actor_a, actor_b = sorted((relation.source, relation.target))
    if event.dyad != f"{actor_a}|{actor_b}":
        raise ValueError(
            f"event {event.event_id} has dyad {event.dyad!r} but its relation is {relation.source}->"
            f"{relation.target}: set dyad to '{actor_a}|{actor_b}' (sorted codes joined by '|')"
        )
    return actor_a, actor_b


def _utc(moment: datetime) -> datetime:
    """Aware UTC time; a naive time is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _decay(age: timedelta, params: FoldParams) -> float:
    return float(2.0 ** (-(age / timedelta(days=1)) / params.half_life_days))


def _scaled(sums: DecayedSums, factor: float) -> DecayedSums:
    return DecayedSums(weighted_goldstein=sums.weighted_goldstein * factor, weight=sums.weight * factor)


def _total(parts: list[DecayedSums]) -> DecayedSums:
    return DecayedSums(
        weighted_goldstein=sum(p.weighted_goldstein for p in parts), weight=sum(p.weight for p in parts)
    )


def _add_to_sums(
    state: RelationState | None, event: RelationEvent, time: datetime, last_seen: datetime, params: FoldParams
) -> tuple[DecayedSums, list[DaySums]]:
    """The settled sums and the per-day window sums with the event added, all relative to `last_seen`."""
    settled, window_days = DecayedSums(), list[DaySums]()
    if state is not None:
        rescale = _decay(last_seen - state.last_seen, params)
        settled = _scaled(state.settled, rescale)
        window_days = [
            DaySums(day=d.day, weighted_goldstein=d.weighted_goldstein * rescale, weight=d.weight * rescale)
            for d in state.window_days
        ]
    window_start = last_seen.date() - timedelta(days=params.trend_days - 1)
    # Days that fell out of the window move, whole, into the settled sums.
    settled = _total([settled, *(d for d in window_days if d.day < window_start)])
    window_days = [d for d in window_days if d.day >= window_start]

    weight = event.relation.confidence * _decay(last_seen - time, params)
    added = DecayedSums(weighted_goldstein=weight * event.relation.goldstein, weight=weight)
    day = time.date()
    if day < window_start:
        return _total([settled, added]), window_days
    others = [d for d in window_days if d.day != day]
    same_day = [d for d in window_days if d.day == day]
    merged = _total([*same_day, added])
    today = DaySums(day=day, weighted_goldstein=merged.weighted_goldstein, weight=merged.weight)
    return settled, sorted([*others, today], key=lambda d: d.day)


def _short_hash(text: str) -> str:
    # 48 bits: among a dyad's few thousand remembered events a collision is about one in ten million.
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:12]


def _applied_key(event: RelationEvent) -> str:
    return f"{_short_hash(event.article_id)}/{_short_hash(event.event_id)}"


def _already_applied(state: RelationState, key: str, day: date) -> bool:
    if state.forgotten_through is not None and day <= state.forgotten_through:
        return True
    return any(key in keys for keys in state.applied_events.values())


def _article_seen(state: RelationState, key: str) -> bool:
    article = key.split("/", 1)[0] + "/"
    return any(k.startswith(article) for keys in state.applied_events.values() for k in keys)


def _remember(
    state: RelationState | None, key: str, day: date, keep: int
) -> tuple[dict[date, list[str]], date | None]:
    """Applied-event memory plus `key`; past `keep` ids the oldest days are forgotten, never the newest."""
    applied = {} if state is None else dict(state.applied_events)
    applied[day] = sorted([*applied.get(day, []), key])
    forgotten = None if state is None else state.forgotten_through
    days = sorted(applied)
    size = sum(len(keys) for keys in applied.values())
    while size > keep and len(days) > 1:
        oldest = days.pop(0)
        size -= len(applied.pop(oldest))
        forgotten = oldest if forgotten is None else max(forgotten, oldest)
    return {d: applied[d] for d in days}, forgotten


def _bump(counts: QuadCounts, field: str) -> QuadCounts:
    return counts.model_copy(update={field: getattr(counts, field) + 1})


def _newest_evidence(state: RelationState | None, event: RelationEvent, keep: int) -> list[Evidence]:
    pieces = [evidence_of(event), *([] if state is None else state.evidence)]
    pieces.sort(key=lambda e: (e.time, e.article_id, e.event_index), reverse=True)
    return pieces[:keep]

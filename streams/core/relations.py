"""Core layer: relation arithmetic, folding per-article updates into one RelationState per dyad (pure)."""

from __future__ import annotations

import hashlib
from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from streams.core.cameo import (
    MATERIAL_CONFLICT,
    MATERIAL_COOPERATION,
    VERBAL_CONFLICT,
    VERBAL_COOPERATION,
    is_material_intent,
)
from streams.core.models import (
    Band,
    DaySums,
    DecayedSums,
    Evidence,
    Happening,
    QuadClass,
    QuadCounts,
    Relation,
    RelationEvent,
    RelationState,
    RelationUpdate,
    dyad_actors,
    dyad_key,
)

ALLIED_MIN = 5.0
"""Default: a score at or above this is 'allied'."""
COOPERATIVE_MIN = 1.5
"""Default: a score at or above this (and below ALLIED_MIN) is 'cooperative'."""
NEUTRAL_ABOVE = -1.5
"""Default: a score above this (and below COOPERATIVE_MIN) is 'neutral'."""
TENSE_ABOVE = -5.0
"""Default: a score above this (and at or below NEUTRAL_ABOVE) is 'tense'; at or below it, 'hostile'."""

SKETCH_KEEP = 16
"""Article and publisher hashes a happening keeps: exact counts up to this many, estimates beyond."""
CODES_KEEP = 8
"""Distinct CAMEO codes a happening keeps."""

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)

_QUAD_FIELDS = {
    VERBAL_COOPERATION: "verbal_cooperation",
    MATERIAL_COOPERATION: "material_cooperation",
    VERBAL_CONFLICT: "verbal_conflict",
    MATERIAL_CONFLICT: "material_conflict",
}

Status = Literal["new", "replay", "late"]


@dataclass(frozen=True)
class FoldParams:
    """How updates are folded into a relation.

    half_life_days: a happening this much older than the latest event weighs half as much.
    evidence_keep: how many pieces of evidence a state keeps (newest by event time).
    trend_days: the trend compares the score now with the score this many days before the latest event.
    merge_window_days: mentions of one directed dyad and CAMEO root this close in time are one happening.
    memory_days: happenings whose last mention is this much older than the latest event are sealed into the
        settled sums; updates dated before the horizon are ignored from then on.
    happenings_keep: a hard cap on the happenings a state keeps; past it the least recently mentioned are
        sealed (a later report of one of them starts a new happening).
    updates_keep: a hard cap on the applied-update ids a state keeps for idempotence; past it the oldest are
        forgotten and the horizon moves past them, whatever the day's volume.
    background_weight: weight factor of a happening only ever mentioned as background.
    publisher_bonus / publisher_bonus_max: extra weight per independent publisher beyond the first, capped.
    allied_min, cooperative_min, neutral_above, tense_above: the band thresholds (see band_for).
    band_hysteresis: how far past a threshold the score must go before the band changes.
    thin_happenings / thin_articles: below this many news happenings or articles, the evidence is thin.
    """

    half_life_days: float = 30.0
    evidence_keep: int = 10
    trend_days: int = 7
    merge_window_days: float = 2.0
    memory_days: float = 30.0
    happenings_keep: int = 100
    updates_keep: int = 1000
    background_weight: float = 0.1
    publisher_bonus: float = 0.1
    publisher_bonus_max: float = 0.5
    allied_min: float = ALLIED_MIN
    cooperative_min: float = COOPERATIVE_MIN
    neutral_above: float = NEUTRAL_ABOVE
    tense_above: float = TENSE_ABOVE
    band_hysteresis: float = 0.5
    thin_happenings: int = 2
    thin_articles: int = 2

    def __post_init__(self) -> None:
        checks = [
            (self.half_life_days > 0, f"half_life_days must be positive (e.g. 30), got {self.half_life_days}"),
            (self.evidence_keep >= 0, f"evidence_keep must be 0 or more (e.g. 10), got {self.evidence_keep}"),
            (self.trend_days >= 1, f"trend_days must be at least 1 (e.g. 7), got {self.trend_days}"),
            (self.merge_window_days >= 0,
             f"merge_window_days must be 0 or more (e.g. 2), got {self.merge_window_days}"),
            (self.memory_days >= self.trend_days,
             f"memory_days must be at least trend_days ({self.trend_days}), e.g. 30; got {self.memory_days}"),
            (self.happenings_keep >= 1, f"happenings_keep must be at least 1 (e.g. 100), got {self.happenings_keep}"),
            (self.updates_keep >= 1, f"updates_keep must be at least 1 (e.g. 1000), got {self.updates_keep}"),
            (0 <= self.background_weight <= 1,
             f"background_weight must be in [0, 1] (e.g. 0.1), got {self.background_weight}"),
            (self.publisher_bonus >= 0, f"publisher_bonus must be 0 or more (e.g. 0.1), got {self.publisher_bonus}"),
            (self.publisher_bonus_max >= 0,
             f"publisher_bonus_max must be 0 or more (e.g. 0.5), got {self.publisher_bonus_max}"),
            (self.allied_min > self.cooperative_min > self.neutral_above > self.tense_above,
             "band thresholds must fall: allied_min > cooperative_min > neutral_above > tense_above "
             f"(e.g. 5 > 1.5 > -1.5 > -5), got {self.allied_min}, {self.cooperative_min}, "
             f"{self.neutral_above}, {self.tense_above}"),
            (self.band_hysteresis >= 0, f"band_hysteresis must be 0 or more (e.g. 0.5), got {self.band_hysteresis}"),
            (self.thin_happenings >= 0, f"thin_happenings must be 0 or more (e.g. 2), got {self.thin_happenings}"),
            (self.thin_articles >= 0, f"thin_articles must be 0 or more (e.g. 2), got {self.thin_articles}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @property
    def merge_window(self) -> timedelta:
        return timedelta(days=self.merge_window_days)


DEFAULT_PARAMS = FoldParams()


def band_for(score: float, params: FoldParams = DEFAULT_PARAMS) -> Band:
    """The named band of a score, without hysteresis; see the thresholds in FoldParams."""
    if score >= params.allied_min:
        return "allied"
    if score >= params.cooperative_min:
        return "cooperative"
    if score > params.neutral_above:
        return "neutral"
    if score > params.tense_above:
        return "tense"
    return "hostile"


def band_with_hysteresis(score: float, previous: Band | None, params: FoldParams = DEFAULT_PARAMS) -> Band:
    """The band of a score that was in `previous`: it stays there until the score is more than
    `band_hysteresis` past one of that band's thresholds, so a score sitting on a threshold does not flap."""
    plain = band_for(score, params)
    if previous is None or plain == previous:
        return plain
    h = params.band_hysteresis
    if band_for(score - h, params) == previous or band_for(score + h, params) == previous:
        return previous
    return plain


def mean_goldstein(sums: DecayedSums) -> float:
    """The weighted mean of some sums, in [-10, 10]; 0 (neutral) when they carry no weight."""
    if sums.weight <= 0:
        return 0.0
    return max(-10.0, min(10.0, sums.weighted_goldstein / sums.weight))


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
        mode=relation.mode,
        time=_utc(event.event_time),
    )


def update_status(state: RelationState | None, update: RelationUpdate) -> Status:
    """'replay' when the same article version's update was folded before, 'late' when it is dated before the
    state's horizon (it cannot be told from a replay any more), else 'new'."""
    if state is None:
        return "new"
    time = _checked_time(update)
    # By article version alone: an article enriched again after a crash arrives with another arrival time.
    if _holds(state.applied, _version_of(update) + "\n"):
        return "replay"
    if state.horizon is not None and time < state.horizon:
        return "late"
    return "new"


def fold(
    state: RelationState | None, update: RelationUpdate, params: FoldParams = DEFAULT_PARAMS
) -> RelationState:
    """Add one article's events for a dyad to its state; returns `state` itself for a replay or a late update.

    Mentions merge into happenings (same directed dyad, CAMEO root and background-ness, event times within
    the merge window of one another: single linkage), and the score counts each happening once. Inside the
    memory horizon the result does not depend on the order updates arrive in (up to float rounding).
    """
    actor_a, actor_b = _actors_of(update)
    if state is not None and state.dyad != update.dyad:
        raise ValueError(f"update of dyad {update.dyad!r} folded into the state of {state.dyad!r}: key by dyad")
    if update_status(state, update) != "new":
        assert state is not None
        return state
    time = _checked_time(update)
    last_seen = time if state is None else max(state.last_seen, time)
    settled, window_days = _rescaled_sums(state, last_seen, params)
    live = _merge(list(state.happenings) if state else [], _happenings_of(update, time), params)

    horizon = last_seen - timedelta(days=params.memory_days)
    if state is not None and state.horizon is not None:
        horizon = max(horizon, state.horizon)
    key = _applied_key(update, time)
    applied, horizon = _remember(state.applied if state else [], key, horizon, params.updates_keep)
    live, sealed = _seal(live, horizon, params)
    applied = applied[bisect_left(applied, _stamp(horizon - timedelta(seconds=1))) :]

    window_start = last_seen.date() - timedelta(days=params.trend_days - 1)
    settled, window_days = _add_sealed(settled, window_days, sealed, last_seen, window_start, params)
    sealed_ab = state.sealed_counts_ab if state else QuadCounts()
    sealed_ba = state.sealed_counts_ba if state else QuadCounts()
    sealed_background = state.sealed_background if state else 0
    for h in sealed:
        if h.background:
            sealed_background += 1
        elif h.source == actor_a:
            sealed_ab = _bump(sealed_ab, h.quad_class)
        else:
            sealed_ba = _bump(sealed_ba, h.quad_class)

    contributions = [(h, _contribution(h, last_seen, params)) for h in live]
    total = _total([settled, *window_days, *(c for _, c in contributions)])
    earlier = _total([settled, *(c for h, c in contributions if h.first.date() < window_start)])
    score = mean_goldstein(total)
    counts_ab, counts_ba, live_background = sealed_ab, sealed_ba, 0
    for h in live:
        if h.background:
            live_background += 1
        elif h.source == actor_a:
            counts_ab = _bump(counts_ab, h.quad_class)
        else:
            counts_ba = _bump(counts_ba, h.quad_class)
    background_count = sealed_background + live_background
    happening_count = _sum_counts(counts_ab) + _sum_counts(counts_ba) + background_count
    article_seen = state is not None and _article_seen(state.applied, key)
    article_count = (state.article_count if state else 0) + (0 if article_seen else 1)

    return RelationState(
        dyad=update.dyad,
        actor_a=actor_a,
        actor_b=actor_b,
        score=score,
        band=band_with_hysteresis(score, state.band if state else None, params),
        trend=score - mean_goldstein(earlier),
        thin=happening_count - background_count < params.thin_happenings or article_count < params.thin_articles,
        counts_ab=counts_ab,
        counts_ba=counts_ba,
        happening_count=happening_count,
        background_count=background_count,
        happenings=live,
        evidence=_newest_evidence(state, update, params.evidence_keep),
        first_seen=time if state is None else min(state.first_seen, time),
        last_seen=last_seen,
        article_count=article_count,
        event_count=(state.event_count if state else 0) + len(update.events),
        last_material_conflict=_latest_conflict(state, update, time),
        last_material_conflict_ab=_latest_conflict(state, update, time, source=actor_a),
        last_material_conflict_ba=_latest_conflict(state, update, time, source=actor_b),
        first_material_cooperation=_first_material_cooperation(state, live, params),
        settled=settled,
        window_days=window_days,
        sealed_counts_ab=sealed_ab,
        sealed_counts_ba=sealed_ba,
        sealed_background=sealed_background,
        applied=applied,
        horizon=horizon,
        recent_alert_ids=[] if state is None else state.recent_alert_ids,
    )


def touched_happenings(state: RelationState, update: RelationUpdate) -> list[Happening]:
    """The live happenings that hold the update's mentions (none for a replay or a late update)."""
    time = _utc(update.event_time)
    keys = {_mention_key(e.relation) for e in update.events}
    return [h for h in state.happenings if _key_of(h) in keys and h.first <= time <= h.last]


def mark_alerted(state: RelationState, happening: Happening, kind: str) -> RelationState:
    """The state with `happening` remembering that it raised an alert of `kind`."""
    happenings = [
        h.model_copy(update={"alerted": sorted({*h.alerted, kind})}) if h == happening else h
        for h in state.happenings
    ]
    return state.model_copy(update={"happenings": happenings})


def score_at_day_start(state: RelationState, params: FoldParams = DEFAULT_PARAMS) -> float | None:
    """The score from the happenings before the UTC day of the latest event; None if there were none."""
    today = state.last_seen.date()
    earlier = _total(
        [
            state.settled,
            *(d for d in state.window_days if d.day < today),
            *(_contribution(h, state.last_seen, params) for h in state.happenings if h.first.date() < today),
        ]
    )
    return mean_goldstein(earlier) if earlier.weight > 0 else None


def is_commitment(happening: Happening) -> bool:
    """A news happening that holds an intent to cooperate materially (CAMEO 031x)."""
    return not happening.background and any(is_material_intent(c) for c in happening.codes)


def short_hash(text: str, digits: int = 12) -> str:
    """A short hex digest: 48 bits by default (a collision among a dyad's thousand ids is one in 10^8)."""
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:digits]


def _actors_of(update: RelationUpdate) -> tuple[str, str]:
    for event in update.events:
        relation = event.relation
        if relation.source == relation.target:
            raise ValueError(
                f"event {update.update_id}#{event.event_index} has source = target = {relation.source!r}: "
                "a dyad needs two actors"
            )
        expected = dyad_key(relation.source, relation.target)
        if update.dyad != expected:
            raise ValueError(
                f"update {update.update_id} has dyad {update.dyad!r} but its event {event.event_index} is "
                f"{relation.source}->{relation.target}: set dyad to '{expected}' (sorted codes joined by '|'), "
                "one update per dyad"
            )
    return dyad_actors(update.dyad)


def _utc(moment: datetime) -> datetime:
    """Aware UTC time; a naive time is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _checked_time(update: RelationUpdate) -> datetime:
    try:
        time = _utc(update.event_time)
    except OverflowError:
        time = LATEST
    if not EARLIEST <= time < LATEST:
        raise ValueError(
            f"update {update.update_id} is dated {update.event_time.isoformat()}, outside {EARLIEST.year}-"
            f"{LATEST.year}: send a real publication time (or none, to use the arrival time)"
        )
    return time


def _decay(age: timedelta, params: FoldParams) -> float:
    return float(2.0 ** (-(age / timedelta(days=1)) / params.half_life_days))


def _total(parts: Iterable[DecayedSums]) -> DecayedSums:
    parts = list(parts)
    return DecayedSums(
        weighted_goldstein=sum(p.weighted_goldstein for p in parts), weight=sum(p.weight for p in parts)
    )


def _contribution(h: Happening, last_seen: datetime, params: FoldParams) -> DecayedSums:
    """A happening's weight: its best confidence, less for background, a little more for more publishers,
    decayed from its last mention."""
    weight = h.confidence * _decay(last_seen - h.last, params)
    if h.background:
        weight *= params.background_weight
    extra = params.publisher_bonus * max(0, h.publisher_count - 1)
    weight *= 1.0 + min(params.publisher_bonus_max, extra)
    return DecayedSums(weighted_goldstein=weight * h.goldstein, weight=weight)


def _rescaled_sums(
    state: RelationState | None, last_seen: datetime, params: FoldParams
) -> tuple[DecayedSums, list[DaySums]]:
    """The sealed sums relative to the new `last_seen`; window days that fell out of the window move, whole,
    into the settled sums."""
    if state is None:
        return DecayedSums(), []
    factor = _decay(last_seen - state.last_seen, params)
    settled = DecayedSums(
        weighted_goldstein=state.settled.weighted_goldstein * factor, weight=state.settled.weight * factor
    )
    days = [
        DaySums(day=d.day, weighted_goldstein=d.weighted_goldstein * factor, weight=d.weight * factor)
        for d in state.window_days
    ]
    window_start = last_seen.date() - timedelta(days=params.trend_days - 1)
    settled = _total([settled, *(d for d in days if d.day < window_start)])
    return settled, [d for d in days if d.day >= window_start]


def _add_sealed(
    settled: DecayedSums,
    window_days: list[DaySums],
    sealed: list[Happening],
    last_seen: datetime,
    window_start: date,
    params: FoldParams,
) -> tuple[DecayedSums, list[DaySums]]:
    by_day = {d.day: d for d in window_days}
    for h in sealed:
        part = _contribution(h, last_seen, params)
        day = h.first.date()
        if day < window_start:
            settled = _total([settled, part])
            continue
        merged = _total([by_day[day], part]) if day in by_day else part
        by_day[day] = DaySums(day=day, weighted_goldstein=merged.weighted_goldstein, weight=merged.weight)
    return settled, [by_day[d] for d in sorted(by_day)]


HappeningKey = tuple[str, str, int, bool]


def _mention_key(relation: Relation) -> HappeningKey:
    return (relation.source, relation.target, relation.root, relation.mode == "background")


def _key_of(h: Happening) -> HappeningKey:
    return (h.source, h.target, h.root, h.background)


def _strength(confidence: float, cameo: str, article_id: str, event_index: int) -> tuple[float, int, str, str, int]:
    """Which mention speaks for a happening: the most confident, then the most specific code; the rest only
    makes the choice the same whatever the order."""
    return (confidence, len(cameo), cameo, article_id, -event_index)


def _happenings_of(update: RelationUpdate, time: datetime) -> list[Happening]:
    """One happening per (directed dyad, root, background) among the update's events."""
    groups: dict[HappeningKey, list[tuple[int, Relation]]] = {}
    for event in update.events:
        groups.setdefault(_mention_key(event.relation), []).append((event.event_index, event.relation))
    article = [short_hash(update.article_id, 8)]
    publishers = [short_hash(update.publisher, 8)] if update.publisher else []
    happenings = []
    for (source, target, root, background), mentions in groups.items():
        index, best = max(
            mentions, key=lambda m: _strength(m[1].confidence, m[1].cameo, update.article_id, m[0])
        )
        happenings.append(
            Happening(
                source=source,
                target=target,
                root=root,
                quad_class=best.quad_class,
                background=background,
                cameo=best.cameo,
                goldstein=best.goldstein,
                mode=best.mode,
                confidence=best.confidence,
                codes=sorted({r.cameo for _, r in mentions})[:CODES_KEEP],
                first=time,
                last=time,
                mentions=len(mentions),
                article_count=1,
                publisher_count=len(publishers),
                articles=article,
                publishers=publishers,
                article_id=update.article_id,
                event_index=index,
            )
        )
    return happenings


def _sketch(*parts: list[str]) -> list[str]:
    """The smallest SKETCH_KEEP distinct hashes: bounded, and the same whatever order parts merge in."""
    return sorted(set().union(*parts))[:SKETCH_KEEP]


def _sketch_count(sketch: list[str]) -> int:
    """Distinct items behind a sketch: exact below SKETCH_KEEP, else the bottom-k estimate (k-1)/max."""
    if len(sketch) < SKETCH_KEEP:
        return len(sketch)
    largest = (int(sketch[-1], 16) + 1) / 16 ** len(sketch[-1])
    return max(SKETCH_KEEP, int(round((SKETCH_KEEP - 1) / largest)))


def _combined(one: Happening, other: Happening) -> Happening:
    """Two happenings of the same key as one: commutative and associative, so any merge order gives it."""
    best = max(one, other, key=lambda h: _strength(h.confidence, h.cameo, h.article_id, h.event_index))
    articles, publishers = _sketch(one.articles, other.articles), _sketch(one.publishers, other.publishers)
    return best.model_copy(
        update={
            "codes": sorted({*one.codes, *other.codes})[:CODES_KEEP],
            "first": min(one.first, other.first),
            "last": max(one.last, other.last),
            "mentions": one.mentions + other.mentions,
            "articles": articles,
            "article_count": max(1, _sketch_count(articles)),
            "publishers": publishers,
            "publisher_count": _sketch_count(publishers),
            "alerted": sorted({*one.alerted, *other.alerted}),
        }
    )


def _merge(live: list[Happening], fresh: list[Happening], params: FoldParams) -> list[Happening]:
    """Single linkage on event times: a fresh happening joins every live one of its key within the window,
    and so may bridge two of them into one."""
    window = params.merge_window
    for new in fresh:
        key = _key_of(new)
        linked = [
            h for h in live if _key_of(h) == key and h.first - window <= new.last and new.first <= h.last + window
        ]
        merged = new
        for h in linked:
            merged = _combined(merged, h)
        gone = {id(h) for h in linked}
        live = [h for h in live if id(h) not in gone] + [merged]
    return _newest_first(live)


def _newest_first(happenings: list[Happening]) -> list[Happening]:
    return sorted(happenings, key=lambda h: (h.last, h.first, *_key_of(h)), reverse=True)


def _seal(live: list[Happening], horizon: datetime, params: FoldParams) -> tuple[list[Happening], list[Happening]]:
    """Happenings no future update can join (last mention a merge window before the horizon) leave memory,
    and past `happenings_keep` the least recently mentioned leave too (`live` is newest first). A report that
    would have joined one of those then starts a happening of its own: past the cap, merging gives way to
    bounded memory, but nothing is dropped."""
    window = params.merge_window
    kept = [h for h in live if h.last >= horizon - window]
    sealed = [h for h in live if h.last < horizon - window] + kept[params.happenings_keep :]
    return kept[: params.happenings_keep], sealed


_EPOCH_OFFSET = 3_000_000_000
"""Added to epoch seconds so that every time from 1900 to 9000 is a positive 12-digit stamp that sorts as text."""


def _stamp(time: datetime) -> str:
    return f"{int(time.timestamp() // 1) + _EPOCH_OFFSET:012d}"


def _stamp_time(key: str) -> datetime:
    return datetime.fromtimestamp(int(key[:12]) - _EPOCH_OFFSET, tz=UTC)


def _version_of(update: RelationUpdate) -> str:
    return f"/{short_hash(update.article_id)}/{short_hash(update.article_digest, 6)}"


def _applied_key(update: RelationUpdate, time: datetime) -> str:
    """'stamp/article hash/version hash', sorting by time: the stamp tells when the id may be forgotten."""
    return _stamp(time) + _version_of(update)


def _holds(applied: list[str], needle: str) -> bool:
    """Whether some key holds `needle` (keys hold no newline: one search over them all joined, at C speed)."""
    return needle in "\n".join(applied) + "\n"


def _article_seen(applied: list[str], key: str) -> bool:
    return _holds(applied, "/" + key.split("/")[1] + "/")


def _remember(applied: list[str], key: str, horizon: datetime, keep: int) -> tuple[list[str], datetime]:
    """Applied-update ids plus `key`, oldest first; past `keep` the oldest are forgotten and the horizon moves
    past them, so that a replay of a forgotten update is ignored as late instead of counted again."""
    keys = list(applied)
    insort(keys, key)
    if len(keys) > keep:
        dropped, keys = keys[: len(keys) - keep], keys[len(keys) - keep :]
        horizon = max(horizon, _stamp_time(dropped[-1]) + timedelta(seconds=1))
    return keys, horizon


def _bump(counts: QuadCounts, quad_class: QuadClass) -> QuadCounts:
    field = _QUAD_FIELDS[quad_class]
    return counts.model_copy(update={field: getattr(counts, field) + 1})


def _sum_counts(counts: QuadCounts) -> int:
    return (
        counts.verbal_cooperation + counts.material_cooperation + counts.verbal_conflict + counts.material_conflict
    )


def _latest_conflict(
    state: RelationState | None, update: RelationUpdate, time: datetime, source: str | None = None
) -> datetime | None:
    """The latest quad-4 mention of the dyad, or of one source's side of it."""
    latest = None
    if state is not None:
        latest = state.last_material_conflict if source is None else last_conflict_by(state, source)
    if any(e.relation.quad_class == MATERIAL_CONFLICT and source in (None, e.relation.source) for e in update.events):
        latest = time if latest is None else max(latest, time)
    return latest


def last_conflict_by(state: RelationState, source: str) -> datetime | None:
    """The latest quad-4 mention with `source` as the side that acted."""
    return state.last_material_conflict_ab if source == state.actor_a else state.last_material_conflict_ba


def _first_material_cooperation(
    state: RelationState | None, live: list[Happening], params: FoldParams
) -> datetime | None:
    """The earliest news of material cooperation: a quad-2 happening, or commitments (031x) both sides make
    within the merge window of each other (one side's wish, 'Iran is trying to buy arms', is not yet one)."""
    times = [] if state is None or state.first_material_cooperation is None else [state.first_material_cooperation]
    news = [h for h in live if not h.background]
    times += [h.first for h in news if h.quad_class == MATERIAL_COOPERATION]
    commitments = [h for h in news if is_commitment(h)]
    window = params.merge_window
    for one in commitments:
        for other in commitments:
            if (other.source, other.target) == (one.target, one.source) and (
                one.first - window <= other.last and other.first <= one.last + window
            ):
                times.append(max(one.first, other.first))
    return min(times) if times else None


def _newest_evidence(state: RelationState | None, update: RelationUpdate, keep: int) -> list[Evidence]:
    # Every event of an update has the update's time, so its newest evidence is its last events.
    newest = sorted(update.events, key=lambda e: e.event_index, reverse=True)[:keep]
    view = update.model_copy(update={"events": newest}).events_view() if newest else []
    pieces = [*(evidence_of(e) for e in view), *([] if state is None else state.evidence)]
    pieces.sort(key=lambda e: (e.time, e.article_id, e.event_index), reverse=True)
    return pieces[:keep]

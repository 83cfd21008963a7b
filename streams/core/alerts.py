"""Core layer: alert rules, pure functions from a relation's states before and after one article's update."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from streams.core.cameo import MATERIAL_CONFLICT, MATERIAL_COOPERATION, MATERIAL_INTENT, lookup, root_of
from streams.core.models import (
    DYAD_SEPARATOR,
    Alert,
    AlertKind,
    Band,
    Evidence,
    Happening,
    RelationState,
    RelationUpdate,
    Severity,
    dyad_actors,
    dyad_key,
)
from streams.core.names import actor_name
from streams.core.relations import (
    DEFAULT_PARAMS,
    FoldParams,
    evidence_of,
    fold,
    is_commitment,
    last_conflict_by,
    mark_alerted,
    score_at_day_start,
    touched_happenings,
)

_BAND_RANK: dict[Band, int] = {"hostile": 0, "tense": 1, "neutral": 2, "cooperative": 3, "allied": 4}

HAPPENING_KINDS: frozenset[AlertKind] = frozenset({"escalation", "watch"})
"""Alert kinds raised once per happening (the happening remembers them)."""


@dataclass(frozen=True)
class AlertRules:
    """Which conditions raise alerts.

    escalation_goldstein: a news happening at or below this Goldstein value is an escalation.
    conflict_quiet_days: a material-conflict (quad 4) happening after this many days without one by the same side
        (news or background) is an escalation.
    swing_threshold: a score change of at least this much within one UTC day is a swing.
    watch_actors / watch_dyads: any news happening on these actors or dyads ('CHN|USA', either order) alerts.
    remember_alerts: how many alert ids a state keeps so that the same condition does not alert twice.
    evidence_per_alert: how many pieces of evidence an alert carries.
    """

    escalation_goldstein: float = -7.0
    conflict_quiet_days: int = 30
    swing_threshold: float = 3.0
    watch_actors: frozenset[str] = frozenset()
    watch_dyads: frozenset[str] = frozenset()
    remember_alerts: int = 200
    evidence_per_alert: int = 3

    def __post_init__(self) -> None:
        if not -10 <= self.escalation_goldstein <= 10:
            raise ValueError(
                f"escalation_goldstein must be in [-10, 10] (e.g. -7), not {self.escalation_goldstein}"
            )
        if self.conflict_quiet_days < 0:
            raise ValueError(
                f"conflict_quiet_days must be 0 or more (e.g. 30), got {self.conflict_quiet_days}"
            )
        if not self.swing_threshold > 0:
            raise ValueError(f"swing_threshold must be positive (e.g. 3), got {self.swing_threshold}")
        if self.remember_alerts < 0:
            raise ValueError(f"remember_alerts must be 0 or more (e.g. 200), got {self.remember_alerts}")
        if self.evidence_per_alert < 0:
            raise ValueError(f"evidence_per_alert must be 0 or more (e.g. 3), got {self.evidence_per_alert}")
        malformed = sorted(d for d in self.watch_dyads if d.count(DYAD_SEPARATOR) != 1)
        if malformed:
            raise ValueError(
                f"watch_dyads {malformed} are not dyads: join two actor codes by '|', as in 'CHN|USA'"
            )
        normalized = frozenset(dyad_key(*dyad_actors(d)) for d in self.watch_dyads)
        object.__setattr__(self, "watch_dyads", normalized)


DEFAULT_RULES = AlertRules()


def evaluate(
    before: RelationState | None,
    after: RelationState,
    update: RelationUpdate,
    rules: AlertRules = DEFAULT_RULES,
    params: FoldParams = DEFAULT_PARAMS,
) -> list[Alert]:
    """The alerts raised by folding one article's `update` into `before` to give `after`, evaluated once.

    Nothing when the fold changed nothing (a replay or a late update), and nothing whose id the state already
    remembers (see `record_alerts`): the same condition alerts once.
    """
    if before is not None and after == before:
        return []
    touched = [h for h in touched_happenings(after, update) if not h.background]
    band_change = _band_change(before, after, rules)
    raised = [
        *band_change,
        *(a for h in touched for a in _escalation(before, after, h, update, rules)),
        *_new_material_cooperation(before, after, touched, update, rules),
        # A swing that changes the band is said by the band change already.
        *([] if band_change else _swing(before, after, rules, params)),
        *(a for h in touched for a in _watch(before, after, h, update, rules)),
    ]
    remembered = set(after.recent_alert_ids)
    return [alert for alert in raised if alert.id not in remembered]


def record_alerts(state: RelationState, alerts: list[Alert], update: RelationUpdate, keep: int) -> RelationState:
    """The state remembering `alerts`: their ids (the latest `keep` in all), and on each happening the kinds
    it raised, so that more mentions of it never raise them again."""
    if not alerts:
        return state
    for alert in alerts:
        if alert.kind in HAPPENING_KINDS:
            happening = _happening_of(state, alert, update)
            if happening is not None:
                state = mark_alerted(state, happening, alert.kind)
    ids = [*state.recent_alert_ids, *(alert.id for alert in alerts)]
    return state.model_copy(update={"recent_alert_ids": ids[-keep:] if keep else []})


def fold_and_alert(
    state: RelationState | None,
    update: RelationUpdate,
    params: FoldParams = DEFAULT_PARAMS,
    rules: AlertRules = DEFAULT_RULES,
) -> tuple[RelationState, list[Alert]]:
    """Fold the whole update, evaluate the rules once, remember the alerts: the one call a stream processor needs."""
    after = fold(state, update, params)
    alerts = evaluate(state, after, update, rules, params)
    return record_alerts(after, alerts, update, rules.remember_alerts), alerts


def alert_id(kind: AlertKind, dyad: str, *facts: str) -> str:
    """Stable id of a condition: the same kind, dyad and identifying facts always give the same id."""
    digest = hashlib.sha256("|".join([kind, dyad, *facts]).encode("utf-8", errors="surrogatepass"))
    return f"alert:{digest.hexdigest()[:24]}"


def cameo_name(code: str) -> str | None:
    """The codebook's name of a CAMEO code, if the codebook knows it."""
    try:
        return lookup(code).name
    except KeyError:
        return None


def _alert(
    kind: AlertKind,
    severity: Severity,
    facts: list[str],
    before: RelationState | None,
    after: RelationState,
    message: str,
    evidence: list[Evidence],
    time: datetime,
    happening: Happening | None = None,
) -> Alert:
    return Alert(
        id=alert_id(kind, after.dyad, *facts),
        kind=kind,
        severity=severity,
        dyad=after.dyad,
        actors=(after.actor_a, after.actor_b),
        names=(actor_name(after.actor_a), actor_name(after.actor_b)),
        source=happening.source if happening else None,
        target=happening.target if happening else None,
        cameo=happening.cameo if happening else None,
        cameo_name=cameo_name(happening.cameo) if happening else None,
        before=_summary(before),
        after=_summary(after),
        message=message,
        evidence=evidence,
        time=time,
    )


def _summary(state: RelationState | None) -> dict[str, int | float | str | None]:
    if state is None:
        return {}
    return {
        "score": round(state.score, 3),
        "band": state.band,
        "trend": round(state.trend, 3),
        "happenings": state.happening_count,
        "articles": state.article_count,
    }


def _pair(state: RelationState) -> str:
    return f"{actor_name(state.actor_a)} and {actor_name(state.actor_b)}"


def _what(h: Happening) -> str:
    name = cameo_name(h.cameo)
    code = f"{name} (CAMEO {h.cameo})" if name else f"CAMEO {h.cameo}"
    return f"{actor_name(h.source)} -> {actor_name(h.target)}: {code}"


def _mentions_of(
    h: Happening, update: RelationUpdate, rules: AlertRules, prefix: str = ""
) -> list[Evidence]:
    """The update's mentions of a happening, those with a code starting with `prefix` first, then the most
    confident."""
    mentions = [
        e
        for e in update.events_view()
        if (e.relation.source, e.relation.target, e.relation.root) == (h.source, h.target, h.root)
        and (e.relation.mode == "background") == h.background
    ]
    mentions.sort(key=lambda e: (not e.relation.cameo.startswith(prefix), -e.relation.confidence, e.event_index))
    return [evidence_of(e) for e in mentions[: rules.evidence_per_alert]]


def _happening_of(state: RelationState, alert: Alert, update: RelationUpdate) -> Happening | None:
    if alert.cameo is None:
        return None
    root = root_of(alert.cameo)
    return next(
        (
            h
            for h in touched_happenings(state, update)
            if not h.background and (h.source, h.target, h.root) == (alert.source, alert.target, root)
        ),
        None,
    )


def _settled_enough(before: RelationState | None, after: RelationState) -> bool:
    """Changes of the score count only when it rests on enough evidence before and after (see FoldParams.thin_*)."""
    return before is not None and not before.thin and not after.thin


def _band_change(before: RelationState | None, after: RelationState, rules: AlertRules) -> list[Alert]:
    if before is None or before.band == after.band or not _settled_enough(before, after):
        return []
    worse = _BAND_RANK[after.band] < _BAND_RANK[before.band]
    severity: Severity = "critical" if after.band == "hostile" else "warning" if worse else "info"
    message = (
        f"{_pair(after)} moved from {before.band} to {after.band} "
        f"(score {before.score:+.2f} -> {after.score:+.2f}; {after.happening_count} happenings in "
        f"{after.article_count} articles)"
    )
    facts = [before.band, after.band, after.last_seen.date().isoformat()]
    evidence = after.evidence[: rules.evidence_per_alert]
    return [_alert("band_change", severity, facts, before, after, message, evidence, after.last_seen)]


def _escalation(
    before: RelationState | None, after: RelationState, h: Happening, update: RelationUpdate, rules: AlertRules
) -> list[Alert]:
    if "escalation" in h.alerted:
        return []
    reasons = []
    if h.goldstein <= rules.escalation_goldstein:
        reasons.append(f"Goldstein {h.goldstein:+.1f}")
    if h.quad_class == MATERIAL_CONFLICT:
        # Per side: a retaliation the next day is the other side's first step, not more of the same.
        last = None if before is None else last_conflict_by(before, h.source)
        if last is None or h.first - last >= timedelta(days=rules.conflict_quiet_days):
            reasons.append(f"first material conflict by {actor_name(h.source)} in {rules.conflict_quiet_days} days")
    if not reasons:
        return []
    message = f"Escalation {_what(h)}; " + "; ".join(reasons)
    severity: Severity = "critical" if len(reasons) == 2 else "warning"
    facts = [h.source, h.target, str(h.root), update.update_id]
    evidence = _mentions_of(h, update, rules)
    return [_alert("escalation", severity, facts, before, after, message, evidence, h.last, h)]


def _new_material_cooperation(
    before: RelationState | None,
    after: RelationState,
    touched: list[Happening],
    update: RelationUpdate,
    rules: AlertRules,
) -> list[Alert]:
    if after.first_material_cooperation is None:
        return []
    if before is not None and before.first_material_cooperation is not None:
        return []
    material = [h for h in touched if h.quad_class == MATERIAL_COOPERATION] or [h for h in touched if is_commitment(h)]
    if not material:
        return []
    h = material[0]
    if h.quad_class == MATERIAL_COOPERATION:
        message = f"First material cooperation between {_pair(after)}: {_what(h)}"
        prefix = ""
    else:
        message = f"{_pair(after)} commit to material cooperation, both sides (a first for them): {_what(h)}"
        prefix = MATERIAL_INTENT
    evidence = [e for m in material for e in _mentions_of(m, update, rules, prefix)][: rules.evidence_per_alert]
    # One per dyad: whichever happening turns out to be the first, it is the same condition.
    return [_alert("new_material_cooperation", "info", [], before, after, message, evidence, h.last, h)]


def _swing(
    before: RelationState | None, after: RelationState, rules: AlertRules, params: FoldParams
) -> list[Alert]:
    day_start = score_at_day_start(after, params)
    if before is None or day_start is None or not _settled_enough(before, after):
        return []
    delta = after.score - day_start
    previous = before.score - day_start
    if abs(delta) < rules.swing_threshold:
        return []
    if abs(previous) >= rules.swing_threshold and (previous > 0) == (delta > 0):
        return []
    direction = "up" if delta > 0 else "down"
    day = after.last_seen.date().isoformat()
    message = (
        f"{_pair(after)} score swung {delta:+.2f} on {day} (from {day_start:+.2f} to {after.score:+.2f})"
    )
    severity: Severity = "warning" if delta < 0 else "info"
    evidence = after.evidence[: rules.evidence_per_alert]
    return [_alert("swing", severity, [day, direction], before, after, message, evidence, after.last_seen)]


def _watch(
    before: RelationState | None, after: RelationState, h: Happening, update: RelationUpdate, rules: AlertRules
) -> list[Alert]:
    if "watch" in h.alerted:
        return []
    watched = sorted({after.actor_a, after.actor_b} & rules.watch_actors)
    if after.dyad in rules.watch_dyads:
        watched.append(after.dyad)
    if not watched:
        return []
    message = f"Watched {', '.join(watched)}: {_what(h)} (Goldstein {h.goldstein:+.1f})"
    facts = [h.source, h.target, str(h.root), update.update_id]
    evidence = _mentions_of(h, update, rules)
    return [_alert("watch", "info", facts, before, after, message, evidence, h.last, h)]

"""Core layer: alert rules, pure functions from a relation's before/after states and the event to alerts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from streams.core.models import Alert, AlertKind, Band, Evidence, RelationEvent, RelationState, Severity
from streams.core.relations import FoldParams, evidence_of, fold, score_at_day_start

_DEFAULT_FOLD = FoldParams()

_BAND_RANK: dict[Band, int] = {"hostile": 0, "tense": 1, "neutral": 2, "cooperative": 3, "allied": 4}


@dataclass(frozen=True)
class AlertRules:
    """Which conditions raise alerts.

    escalation_goldstein: an event at or below this Goldstein value is an escalation.
    conflict_quiet_days: a material-conflict (quad 4) event after this many days without one is an escalation.
    swing_threshold: a score change of at least this much within one UTC day is a swing.
    watch_actors / watch_dyads: any event on these actors or dyads ('CHN|USA', either order) alerts.
    remember_alerts: how many alert ids a state keeps so that the same condition does not alert twice.
    evidence_per_alert: how many pieces of evidence a band-change or swing alert carries.
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
        malformed = sorted(d for d in self.watch_dyads if len(d.split("|")) != 2)
        if malformed:
            raise ValueError(
                f"watch_dyads {malformed} are not dyads: join two actor codes by '|', as in 'CHN|USA'"
            )
        normalized = frozenset("|".join(sorted(d.split("|"))) for d in self.watch_dyads)
        object.__setattr__(self, "watch_dyads", normalized)


def evaluate(
    before: RelationState | None, after: RelationState, event: RelationEvent, rules: AlertRules = AlertRules()
) -> list[Alert]:
    """The alerts raised by folding `event` into `before` to give `after`.

    Nothing when the fold changed nothing (a replayed event), and nothing whose id the state already
    remembers (see `record_alerts`): the same condition alerts once.
    """
    if before is not None and after == before:
        return []
    raised = [
        *_band_change(before, after, rules),
        *_escalation(before, after, event, rules),
        *_new_material_cooperation(before, after, event),
        *_swing(before, after, rules),
        *_watch(before, after, event, rules),
    ]
    remembered = set(after.recent_alert_ids)
    return [alert for alert in raised if alert.id not in remembered]


def record_alerts(state: RelationState, alerts: list[Alert], keep: int) -> RelationState:
    """The state remembering the ids of `alerts` as well (the latest `keep` ids in all)."""
    if not alerts:
        return state
    ids = [*state.recent_alert_ids, *(alert.id for alert in alerts)]
    return state.model_copy(update={"recent_alert_ids": ids[-keep:] if keep else []})


def fold_and_alert(
    state: RelationState | None,
    event: RelationEvent,
    params: FoldParams = _DEFAULT_FOLD,
    rules: AlertRules = AlertRules(),
) -> tuple[RelationState, list[Alert]]:
    """Fold the event, evaluate the rules, remember the alerts: the one call a stream processor needs."""
    after = fold(state, event, params)
    alerts = evaluate(state, after, event, rules)
    return record_alerts(after, alerts, rules.remember_alerts), alerts


def alert_id(kind: AlertKind, dyad: str, *facts: str) -> str:
    """Stable id of a condition: the same kind, dyad and identifying facts always give the same id."""
    digest = hashlib.sha256("|".join([kind, dyad, *facts]).encode("utf-8", errors="surrogatepass"))
    return f"alert:{digest.hexdigest()[:24]}"


def _alert(
    kind: AlertKind,
    severity: Severity,
    facts: list[str],
    before: RelationState | None,
    after: RelationState,
    message: str,
    evidence: list[Evidence],
    time: datetime,
) -> Alert:
    return Alert(
        id=alert_id(kind, after.dyad, *facts),
        kind=kind,
        severity=severity,
        dyad=after.dyad,
        actors=(after.actor_a, after.actor_b),
        before=_summary(before),
        after=_summary(after),
        message=message,
        evidence=evidence,
        time=time,
    )


def _summary(state: RelationState | None) -> dict[str, float | str | None]:
    if state is None:
        return {}
    return {"score": round(state.score, 3), "band": state.band, "trend": round(state.trend, 3)}


def _pair(state: RelationState) -> str:
    return f"{state.actor_a}-{state.actor_b}"


def _band_change(before: RelationState | None, after: RelationState, rules: AlertRules) -> list[Alert]:
    if before is None or before.band == after.band:
        return []
    worse = _BAND_RANK[after.band] < _BAND_RANK[before.band]
    severity: Severity = "critical" if after.band == "hostile" else "warning" if worse else "info"
    message = (
        f"{_pair(after)} moved from {before.band} to {after.band} "
        f"(score {before.score:+.2f} -> {after.score:+.2f})"
    )
    facts = [before.band, after.band, after.last_seen.date().isoformat()]
    evidence = after.evidence[: rules.evidence_per_alert]
    return [_alert("band_change", severity, facts, before, after, message, evidence, after.last_seen)]


def _escalation(
    before: RelationState | None, after: RelationState, event: RelationEvent, rules: AlertRules
) -> list[Alert]:
    relation = event.relation
    evidence = evidence_of(event)
    reasons = []
    if relation.goldstein <= rules.escalation_goldstein:
        reasons.append(f"Goldstein {relation.goldstein:+.1f} (CAMEO {relation.cameo})")
    if relation.quad_class == 4:
        last = None if before is None else before.last_material_conflict
        if last is None or evidence.time - last >= timedelta(days=rules.conflict_quiet_days):
            reasons.append(f"first material conflict in {rules.conflict_quiet_days} days")
    if not reasons:
        return []
    message = f"Escalation {relation.source} -> {relation.target}: " + "; ".join(reasons)
    severity: Severity = "critical" if len(reasons) == 2 else "warning"
    return [
        _alert("escalation", severity, [event.event_id], before, after, message, [evidence], evidence.time)
    ]


MATERIAL_INTENT_PREFIX = "031"
"""CAMEO 031x, intent to engage in material (economic, military, judicial, intelligence) cooperation: an agreed
plan for joint drills is news before the first drill, so it counts for the new-material-cooperation alert."""


def _new_material_cooperation(
    before: RelationState | None, after: RelationState, event: RelationEvent
) -> list[Alert]:
    relation = event.relation
    committed = relation.cameo.startswith(MATERIAL_INTENT_PREFIX)
    if relation.quad_class != 2 and not committed:
        return []
    if before is not None and before.counts_ab.material_cooperation + before.counts_ba.material_cooperation:
        return []
    evidence = evidence_of(event)
    what = "commitment to material cooperation" if committed else "material cooperation"
    message = f"First {what} in {_pair(after)}: {relation.source} -> {relation.target} CAMEO {relation.cameo}"
    # One per dyad: whichever event turns out to be the first, it is the same condition.
    return [_alert("new_material_cooperation", "info", [], before, after, message, [evidence], evidence.time)]


def _swing(before: RelationState | None, after: RelationState, rules: AlertRules) -> list[Alert]:
    day_start = score_at_day_start(after)
    if before is None or day_start is None:
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
    before: RelationState | None, after: RelationState, event: RelationEvent, rules: AlertRules
) -> list[Alert]:
    watched = sorted({after.actor_a, after.actor_b} & rules.watch_actors)
    if after.dyad in rules.watch_dyads:
        watched.append(after.dyad)
    if not watched:
        return []
    relation = event.relation
    evidence = evidence_of(event)
    message = (
        f"Watched {', '.join(watched)}: {relation.source} -> {relation.target} CAMEO {relation.cameo} "
        f"(Goldstein {relation.goldstein:+.1f})"
    )
    return [_alert("watch", "info", [event.event_id], before, after, message, [evidence], evidence.time)]

"""Shell layer: counters and a processing-time histogram of one worker, rendered for Prometheus.

Counters carry labels a dashboard can sum over: the topic a message came from or went to, its kind, and the
outcome (enriched or dead letter, folded or replayed); alerts by kind and severity; lag per input partition.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _AlertLike(Protocol):
    kind: str
    severity: str


@dataclass
class Metrics:
    articles_in: int = 0
    enriched: int = 0
    dead_letters: int = 0
    """Dead letters of stage "article": articles in = enriched + dead_letters."""
    update_dead_letters: int = 0
    """Dead letters of stage "relation_update": relation events that could not be folded."""
    events_out: int = 0
    updates_out: int = 0
    updates_in: int = 0
    relation_updates: int = 0
    replays: int = 0
    late_updates: int = 0
    alerts: int = 0
    alerts_by_kind: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(kind, severity) -> alerts sent."""
    batch_seconds_buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    batch_seconds_sum: float = 0.0
    batch_count: int = 0
    articles_extracted: int = 0

    def observe_batch(self, articles: int, seconds: float) -> None:
        """One nlp.pipe batch took `seconds` for `articles` articles; the histogram is per article."""
        per_article = seconds / max(articles, 1)
        for i, bound in enumerate(BUCKETS):
            if per_article <= bound:
                self.batch_seconds_buckets[i] += articles
        self.batch_seconds_sum += seconds
        self.batch_count += 1
        self.articles_extracted += articles

    def observe_alerts(self, alerts: Iterable[_AlertLike]) -> None:
        for alert in alerts:
            self.alerts += 1
            self.alerts_by_kind[(alert.kind, alert.severity)] += 1


def input_lag(
    highwaters: Mapping[tuple[str, int], int | None],
    committed: Mapping[tuple[str, int], int | None],
    inputs: Iterable[str],
) -> dict[tuple[str, int], int]:
    """Messages behind the end, per (topic, partition) of the input topics only.

    A worker is also assigned the table's changelog partitions (and Faust's own topics), which it reads but
    never commits: counting them made an idle worker report its whole changelog as lag.
    `committed` is the offset of the last processed message of a partition (None: nothing processed yet).
    """
    wanted = set(inputs)

    def behind(tp: tuple[str, int], highwater: int | None) -> int:
        done = committed.get(tp)
        return max(0, (highwater or 0) - (done + 1 if done is not None else 0))

    return {tp: behind(tp, hw) for tp, hw in sorted(highwaters.items()) if tp[0] in wanted}


def _labels(**labels: str | int) -> str:
    def escaped(value: str | int) -> str:
        return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

    return "{" + ",".join(f'{k}="{escaped(v)}"' for k, v in labels.items()) + "}"


def prometheus_text(m: Metrics, topics: Mapping[str, str], lag: Mapping[tuple[str, int], int] | None) -> str:
    """The worker's metrics in Prometheus text format 0.0.4; `topics` maps roles to the configured names."""
    lines: list[str] = []

    def family(name: str, kind: str, help_text: str, samples: Iterable[tuple[str, float | int]]) -> None:
        lines.extend([f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"])
        lines.extend(f"{name}{labels} {value}" for labels, value in samples)

    family("dyadwatch_messages_in_total", "counter", "Messages taken off an input topic, by topic and kind.", [
        (_labels(topic=topics["articles"], kind="article"), m.articles_in),
        (_labels(topic=topics["relation_events"], kind="relation_update"), m.updates_in),
    ])
    family("dyadwatch_articles_total", "counter", "Articles taken in, by outcome: enriched or dead-lettered.", [
        (_labels(outcome="enriched"), m.enriched),
        (_labels(outcome="dead_letter"), m.dead_letters),
    ])
    family("dyadwatch_records_out_total", "counter", "Records sent, by topic and kind.", [
        (_labels(topic=topics["enriched"], kind="enriched_article"), m.enriched),
        (_labels(topic=topics["relation_events"], kind="relation_update"), m.updates_out),
        (_labels(topic=topics["relations"], kind="relation_state"), m.relation_updates + m.replays + m.late_updates),
        (_labels(topic=topics["alerts"], kind="alert"), m.alerts),
        (_labels(topic=topics["deadletter"], kind="dead_letter"), m.dead_letters + m.update_dead_letters),
    ])
    family("dyadwatch_events_out_total", "counter",
           "Dyadic events sent inside relation updates (one update per article and dyad).",
           [("", m.events_out)])
    family("dyadwatch_relation_updates_total", "counter",
           "Relation updates taken in, by outcome: folded into the table, a replay already counted, late (dated "
           "before the dyad's horizon) or dead-lettered.", [
               (_labels(outcome="folded"), m.relation_updates),
               (_labels(outcome="replay"), m.replays),
               (_labels(outcome="late"), m.late_updates),
               (_labels(outcome="dead_letter"), m.update_dead_letters),
           ])
    family("dyadwatch_alerts_total", "counter", "Alerts sent, by kind and severity.",
           [(_labels(kind=kind, severity=severity), n) for (kind, severity), n in sorted(m.alerts_by_kind.items())])
    family("dyadwatch_article_processing_seconds", "histogram",
           "NLP time per article (batch time / batch size).",
           [*((_labels(le=bound), count) for bound, count in zip(BUCKETS, m.batch_seconds_buckets, strict=True)),
            (_labels(le="+Inf"), m.articles_extracted)])
    lines.append(f"dyadwatch_article_processing_seconds_sum {m.batch_seconds_sum}")
    lines.append(f"dyadwatch_article_processing_seconds_count {m.articles_extracted}")
    if lag is not None:
        family("dyadwatch_consumer_lag", "gauge",
               "Messages behind the end of an input partition assigned to this worker (0 when idle).",
               [(_labels(topic=topic, partition=partition), n) for (topic, partition), n in lag.items()])
    return "\n".join(lines) + "\n"

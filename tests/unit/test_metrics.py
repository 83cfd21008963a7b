"""Unit: the worker's Prometheus metrics: lag of the input topics only, counters labelled for a dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from streams.metrics import Metrics, input_lag, prometheus_text
from streams.settings import Settings


@dataclass
class _Alert:
    kind: str
    severity: str


def test_an_idle_worker_has_no_lag_however_long_the_changelog_it_reads():
    highwaters = {("articles", 0): 12, ("articles", 1): 0, ("relation-events", 0): 40,
                  ("dyadwatch-relations-changelog", 0): 55, ("dyadwatch-__assignor-__leader", 0): 3}
    committed = {("articles", 0): 11, ("articles", 1): None, ("relation-events", 0): 39,
                 ("dyadwatch-relations-changelog", 0): None}
    assert input_lag(highwaters, committed, ["articles", "relation-events"]) == {
        ("articles", 0): 0, ("articles", 1): 0, ("relation-events", 0): 0}


def test_lag_counts_what_is_past_the_last_processed_message():
    assert input_lag({("articles", 0): 10}, {("articles", 0): 3}, ["articles"]) == {("articles", 0): 6}
    assert input_lag({("articles", 0): 10}, {}, ["articles"]) == {("articles", 0): 10}


def test_counters_carry_topic_kind_and_outcome_labels_and_alerts_their_kind_and_severity():
    m = Metrics(articles_in=5, enriched=4, dead_letters=1, update_dead_letters=1, events_out=9, updates_out=6,
                updates_in=10, relation_updates=7, replays=2)
    m.observe_alerts([_Alert("escalation", "warning"), _Alert("escalation", "warning"), _Alert("watch", "info")])
    text = prometheus_text(m, Settings(topic_alerts="geo-alerts").topics, {("articles", 0): 3})
    for line in [
        'dyadwatch_messages_in_total{topic="articles",kind="article"} 5',
        'dyadwatch_messages_in_total{topic="relation-events",kind="relation_update"} 10',
        'dyadwatch_articles_total{outcome="enriched"} 4',
        'dyadwatch_articles_total{outcome="dead_letter"} 1',
        'dyadwatch_records_out_total{topic="relation-events",kind="relation_update"} 6',
        'dyadwatch_relation_updates_total{outcome="dead_letter"} 1',
        'dyadwatch_records_out_total{topic="articles.deadletter",kind="dead_letter"} 2',
        "dyadwatch_events_out_total 9",
        'dyadwatch_records_out_total{topic="geo-alerts",kind="alert"} 3',
        'dyadwatch_relation_updates_total{outcome="replay"} 2',
        'dyadwatch_alerts_total{kind="escalation",severity="warning"} 2',
        'dyadwatch_alerts_total{kind="watch",severity="info"} 1',
        'dyadwatch_consumer_lag{topic="articles",partition="0"} 3',
        "# TYPE dyadwatch_consumer_lag gauge",
    ]:
        assert line in text.splitlines(), line
    assert "dyadwatch_consumer_lag" not in prometheus_text(m, Settings().topics, None)

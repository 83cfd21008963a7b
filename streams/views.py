"""Shell layer: the worker's HTTP endpoints (health, readiness, metrics)."""

from __future__ import annotations

import faust
from faust.web import Request, Response, View

from streams.agents import Shell
from streams.metrics import BUCKETS


def prometheus_text(shell: Shell, lag: int | None) -> str:
    m = shell.metrics
    lines = [
        "# HELP dyadwatch_articles_in_total Messages taken off the articles topic.",
        "# TYPE dyadwatch_articles_in_total counter",
        f"dyadwatch_articles_in_total {m.articles_in}",
        "# HELP dyadwatch_articles_enriched_total Articles enriched and sent on.",
        "# TYPE dyadwatch_articles_enriched_total counter",
        f"dyadwatch_articles_enriched_total {m.enriched}",
        "# HELP dyadwatch_dead_letters_total Messages sent to the dead-letter topic.",
        "# TYPE dyadwatch_dead_letters_total counter",
        f"dyadwatch_dead_letters_total {m.dead_letters}",
        "# HELP dyadwatch_events_out_total Dyadic events sent to relation-events.",
        "# TYPE dyadwatch_events_out_total counter",
        f"dyadwatch_events_out_total {m.events_out}",
        "# HELP dyadwatch_relation_updates_total Relation states changed in the table.",
        "# TYPE dyadwatch_relation_updates_total counter",
        f"dyadwatch_relation_updates_total {m.relation_updates}",
        "# HELP dyadwatch_alerts_total Alerts sent.",
        "# TYPE dyadwatch_alerts_total counter",
        f"dyadwatch_alerts_total {m.alerts}",
        "# HELP dyadwatch_article_processing_seconds NLP time per article (batch time / batch size).",
        "# TYPE dyadwatch_article_processing_seconds histogram",
    ]
    for bound, count in zip(BUCKETS, m.batch_seconds_buckets, strict=True):
        lines.append(f'dyadwatch_article_processing_seconds_bucket{{le="{bound}"}} {count}')
    lines.append(f'dyadwatch_article_processing_seconds_bucket{{le="+Inf"}} {m.articles_extracted}')
    lines.append(f"dyadwatch_article_processing_seconds_sum {m.batch_seconds_sum}")
    lines.append(f"dyadwatch_article_processing_seconds_count {m.articles_extracted}")
    if lag is not None:
        lines += ["# HELP dyadwatch_consumer_lag Messages behind the end of the assigned partitions.",
                  "# TYPE dyadwatch_consumer_lag gauge", f"dyadwatch_consumer_lag {lag}"]
    return "\n".join(lines) + "\n"


async def consumer_lag(app: faust.App) -> int | None:
    consumer = app.consumer
    assigned = consumer.assignment()
    if not assigned:
        return None
    highwaters = await consumer.highwaters(*assigned)
    committed = {tp: consumer._committed_offset.get(tp) for tp in assigned}  # noqa: SLF001 - no public API
    return sum(max(0, (hw or 0) - ((committed.get(tp) or -1) + 1)) for tp, hw in highwaters.items())


def register_views(app: faust.App, shell: Shell) -> None:
    @app.page("/healthz")
    class Health(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok"})

    @app.page("/readyz")
    class Ready(View):
        async def get(self, request: Request) -> Response:
            assigned = sorted(f"{tp.topic}[{tp.partition}]" for tp in app.consumer.assignment())
            ready = bool(assigned) and app.producer is not None
            return self.json({"ready": ready, "assigned": assigned}, status=200 if ready else 503)

    @app.page("/metrics")
    class MetricsView(View):
        async def get(self, request: Request) -> Response:
            try:
                lag = await consumer_lag(app)
            except Exception:  # noqa: BLE001 - metrics must answer even while rebalancing
                lag = None
            return self.text(prometheus_text(shell, lag), content_type="text/plain; version=0.0.4")

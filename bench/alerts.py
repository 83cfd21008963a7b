"""Bench layer: alerts per 100 articles, per kind, and which alert-worthy happenings got an alert.

Usage: python -m bench.alerts [--stream tests/data/streams/war-and-trade.jsonl] [--bench-articles 160]
                              [--worker] [--out bench/out/alerts.json]

Offline (the default, deterministic): the extractor's output for each article, in publication order, goes
through the same pure functions the relations agent calls (`routing.relation_updates`, `alerts.fold_and_alert`)
with the default settings. `--worker` also publishes the stream to a fresh local Kafka, lets one real
`dyadwatch worker` build the table, and counts the records on its `alerts` topic.

On the stream fixture (tests/data/streams/) it also scores the alerts against `happenings.jsonl` (an alert
covers a happening when it names the same directed dyad and CAMEO root within two days of its date; the
happenings of one occasion on one dyad stand for one alert) and the news/background modes of the extracted
events against `war-and-trade.expected.jsonl` (matched by directed dyad and CAMEO root within an article).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.corpus import make_corpus
from streams.core.alerts import fold_and_alert
from streams.core.extract import Extractor
from streams.core.models import Alert, Article, EnrichedArticle, RelationState, dyad_key
from streams.core.routing import relation_updates
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
STREAM = ROOT / "tests" / "data" / "streams" / "war-and-trade.jsonl"
OUT = ROOT / "bench" / "out" / "alerts.json"
KAFKA_LIBS = ROOT / ".dyadwatch" / "kafka-libs"
MATCH_DAYS = 2


def load_articles(path: Path) -> list[Article]:
    return [Article.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def fold_offline(enriched: list[EnrichedArticle], settings: Settings) -> tuple[dict[str, RelationState], list[Alert]]:
    """Every article's updates folded in order through the relations agent's pure core; the alerts raised."""
    params, rules = settings.fold_params(), settings.alert_rules()
    states: dict[str, RelationState] = {}
    raised: list[Alert] = []
    for article in enriched:
        for update in relation_updates(article):
            state, alerts = fold_and_alert(states.get(update.dyad), update, params, rules)
            states[update.dyad] = state
            raised.extend(alerts)
    return states, raised


def summary(alerts: list[Alert], articles: int) -> dict[str, Any]:
    kinds = Counter(a.kind for a in alerts)
    return {
        "articles": articles,
        "alerts": len(alerts),
        "per_100_articles": round(100 * len(alerts) / articles, 1),
        "per_kind": {
            k: {"alerts": n, "per_100_articles": round(100 * n / articles, 1)} for k, n in sorted(kinds.items())
        },
        "per_severity": dict(sorted(Counter(a.severity for a in alerts).items())),
    }


@dataclass(frozen=True)
class Happening:
    id: str
    source: str
    target: str
    cameo: str
    day: date
    alert_worthy: bool
    occasion: str

    @property
    def root(self) -> int:
        return int(self.cameo[:2])

    def covered_by(self, alert: Alert) -> bool:
        if alert.cameo is None or (alert.source, alert.target) != (self.source, self.target):
            return False
        return int(alert.cameo[:2]) == self.root and abs(alert.time.date() - self.day) <= timedelta(days=MATCH_DAYS)


def load_happenings(path: Path) -> list[Happening]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        Happening(r["happening"], r["source"], r["target"], r["cameo"], date.fromisoformat(r["date"]),
                  r["alert_worthy"], r["occasion"])
        for r in rows
    ]


def score_alerts(alerts: list[Alert], happenings: list[Happening]) -> dict[str, Any]:
    """Alert-worthy occasions (per dyad) that got an alert, and what every alert was about."""
    occasions: dict[tuple[str, str], list[Happening]] = {}
    for h in happenings:
        occasions.setdefault((h.occasion, dyad_key(h.source, h.target)), []).append(h)
    worthy = {key: hs for key, hs in occasions.items() if any(h.alert_worthy for h in hs)}
    covered = {key for key, hs in worthy.items() if any(h.covered_by(a) for h in hs for a in alerts)}
    about: Counter[str] = Counter()
    stray: list[str] = []
    for alert in alerts:
        matched = [h for h in happenings if h.covered_by(alert)]
        if any(h.alert_worthy for h in matched):
            about["an alert-worthy happening"] += 1
        elif matched:
            about["news that should not page"] += 1
        elif alert.cameo is None:
            about[f"the score ({alert.kind})"] += 1
        else:
            about["no happening (background or an extraction error)"] += 1
            stray.append(f"{alert.kind} {alert.source}->{alert.target} {alert.cameo} {alert.time.date()}")
    return {
        "alert_worthy_occasions": len(worthy),
        "covered": len(covered),
        "missed": sorted(f"{occasion} ({dyad})" for occasion, dyad in set(worthy) - covered),
        "alerts_about": dict(about),
        "alerts_on_no_happening": stray,
    }


@dataclass
class ModeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def as_dict(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class ModeReport:
    news: ModeScore = field(default_factory=ModeScore)
    background: ModeScore = field(default_factory=ModeScore)


def score_modes(enriched: list[EnrichedArticle], expected_path: Path) -> dict[str, Any]:
    """News and background events of each article against the fixture's expectations, by (source, target,
    root) multisets: how well the extractor tells a report from a mention in passing."""
    expected = {row["id"]: row for row in map(json.loads, expected_path.read_text(encoding="utf-8").splitlines())}
    report = ModeReport()
    for article in enriched:
        row = expected[article.article_id]
        for mode, score in (("news", report.news), ("background", report.background)):
            gold = Counter((e["source"], e["target"], int(e["cameo"][:2])) for e in row[mode])
            got = Counter(
                (r.source, r.target, r.root) for r in article.relations if (r.mode == "background") == (mode != "news")
            )
            matched = gold & got
            score.tp += sum(matched.values())
            score.fp += sum((got - matched).values())
            score.fn += sum((gold - matched).values())
    return {"news": report.news.as_dict(), "background": report.background.as_dict()}


def run_worker(articles: list[Article], states: dict[str, RelationState], work: Path) -> list[Alert]:
    """Publish the articles to a fresh local Kafka, let one worker build the table, read the alerts topic."""
    from streams.kafka.admin import ensure_topics
    from streams.kafka.clients import publish_articles
    from streams.kafka.local import LocalKafka
    from tests.support.workers import TopicReader, WorkerProcess, fresh_env, settings_from

    kafka = LocalKafka(work / "kafka", libs_dir=KAFKA_LIBS)
    bootstrap = kafka.start()
    try:
        env = fresh_env(bootstrap, work)
        settings = settings_from(env)
        ensure_topics(settings, bootstrap)
        worker = WorkerProcess(env, work / "worker.log").start()
        relations = TopicReader(bootstrap, settings.topic_relations)
        try:
            publish_articles(settings, bootstrap, articles)
            expected = {d: s.event_count for d, s in states.items()}
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline:
                seen = {k.decode(): RelationState.model_validate_json(v).event_count
                        for k, v in relations.poll() if k and v}
                if seen == expected:
                    break
                if not worker.alive():
                    raise SystemExit(f"the worker died:\n{worker.log()[-3000:]}")
            else:
                raise SystemExit(f"the table did not settle in 900 s:\n{worker.digest()}")
        finally:
            relations.close()
        time.sleep(3)
        alerts = TopicReader(bootstrap, settings.topic_alerts)
        try:
            records, last = [], -1
            while len(records) != last:
                last = len(records)
                records = list(alerts.poll())
                time.sleep(1)
        finally:
            alerts.close()
            worker.stop()
        return [Alert.model_validate_json(v) for _, v in records if v]
    finally:
        kafka.stop()


def measure(name: str, articles: list[Article], extractor: Extractor, worker: bool,
            fixture: Path | None) -> dict[str, Any]:
    enriched = list(extractor.extract_many(articles))
    settings = Settings()
    states, alerts = fold_offline(enriched, settings)
    result: dict[str, Any] = {
        "events": sum(len(e.relations) for e in enriched),
        "background_events": sum(1 for e in enriched for r in e.relations if r.mode == "background"),
        "dyads": len(states),
        "thin_dyads": sum(1 for s in states.values() if s.thin),
        "offline": summary(alerts, len(articles)),
    }
    happenings = load_happenings(fixture / "happenings.jsonl") if fixture is not None else None
    if fixture is not None and happenings is not None:
        result["offline"]["against_happenings"] = score_alerts(alerts, happenings)
        result["modes"] = score_modes(enriched, fixture / f"{STREAM.stem}.expected.jsonl")
    if worker:
        with tempfile.TemporaryDirectory(prefix="dyadwatch-alerts-") as tmp:
            through = run_worker(articles, states, Path(tmp))
        result["worker"] = summary(through, len(articles))
        if happenings is not None:
            result["worker"]["against_happenings"] = score_alerts(through, happenings)
    print(f"{name}: {json.dumps(result, indent=2)}", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stream", type=Path, default=STREAM, help="a JSONL stream fixture with happenings.jsonl")
    parser.add_argument("--bench-articles", type=int, default=160, help="bench corpus articles (0: none)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", action="store_true", help="also run the stream through a real worker")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    extractor = Extractor()
    report: dict[str, Any] = {}
    stream = load_articles(args.stream)
    stream.sort(key=lambda a: (a.published_at is None, a.published_at, a.id))
    report["stream"] = measure(args.stream.name, stream, extractor, args.worker, args.stream.parent)
    if args.bench_articles:
        corpus = make_corpus(args.bench_articles, seed=args.seed)
        report["bench_corpus"] = measure(f"bench corpus ({args.bench_articles})", corpus, extractor, args.worker, None)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

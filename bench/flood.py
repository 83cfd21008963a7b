"""Bench: flood one worker at a multiple of its sustainable rate; lag must rise, then drain, RSS stay bounded.

    .venv/bin/python -m bench.flood --seconds 60 --factor 10     # a dedicated local Kafka in a temp dir
    .venv/bin/python -m bench.flood --bootstrap 127.0.0.1:9092   # or an existing broker
    .venv/bin/python -m bench.flood --burst 20000                # N small articles at once, see below

Steps: measure the sustainable rate (articles/s a single worker enriches, from a warm-up batch), publish at
`factor` times that rate for `seconds`, sample lag (articles published - enriched - dead-lettered) and the
worker's VmRSS every second until the lag is back to zero, and check every article came out exactly once.
Prints a summary and writes every sample to bench/out/flood.json.

Burst mode (`--burst N`): publish N small articles at once after the warm-up, then sample every second the
enrich lag and the relation-events lag (records on the topic - offsets the worker's group committed) until
both are zero. Reports duplicate enriched records (records - distinct article ids), the drain time of each,
and how often the worker sought a partition back as stranded. Writes bench/out/burst.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from streams.core.models import EnrichedArticle
from streams.kafka.admin import ensure_topics
from streams.kafka.local import LocalKafka
from tests.support.articles import make_articles
from tests.support.broker import KAFKA_LIBS
from tests.support.workers import TopicReader, WorkerProcess, fresh_env, relation_books, settings_from

ROOT = Path(__file__).resolve().parents[1]


def vm_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Outputs:
    """Counts enriched (distinct ids and records) and dead-lettered records as they arrive."""

    def __init__(self, bootstrap: str, enriched: str, deadletter: str) -> None:
        self.enriched = TopicReader(bootstrap, enriched)
        self.dead = TopicReader(bootstrap, deadletter)
        self.ids: set[str] = set()
        self._seen = 0

    def poll(self) -> int:
        self.enriched.poll()
        self.dead.poll()
        for _, value in self.enriched.records[self._seen:]:
            self.ids.add(EnrichedArticle.model_validate_json(value or b"").article_id)
        self._seen = len(self.enriched.records)
        return len(self.ids) + len(self.dead.records)

    def close(self) -> None:
        self.enriched.close()
        self.dead.close()


class RelationLag:
    """Relation events produced (end offsets of the topic) and consumed (offsets the worker's group committed)."""

    def __init__(self, bootstrap: str, topic: str, group: str) -> None:
        self.topic, self.group = topic, group
        # A consumer of the worker's group that never subscribes: it reads the group's commits, never joins.
        self.offsets = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)

    def poll(self) -> tuple[int, int]:
        partitions = self.offsets.partitions_for_topic(self.topic) or set()
        tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        produced = sum(self.offsets.end_offsets(tps).values()) if tps else 0
        consumed = sum(self.offsets.committed(tp) or 0 for tp in tps)
        return produced, consumed

    def close(self) -> None:
        self.offsets.close()


def publish(producer: KafkaProducer, topic: str, articles: list, rate: float, seconds: float,
            every_second: Callable[[int], None] = lambda sent: None) -> int:
    """Send articles at `rate` per second for `seconds`, calling every_second(sent so far); returns the count."""
    start, sent, ticked = time.monotonic(), 0, 0
    while (elapsed := time.monotonic() - start) < seconds and sent < len(articles):
        due = min(int(elapsed * rate) + 1, len(articles))
        for article in articles[sent:due]:
            producer.send(topic, key=article.id.encode(), value=article.model_dump_json().encode())
        sent = due
        if int(elapsed) > ticked:
            ticked = int(elapsed)
            every_second(sent)
        time.sleep(0.01)
    producer.flush()
    return sent


def run(bootstrap: str, work: Path, seconds: float, factor: float, warmup: int, drain_timeout: float) -> dict:
    env = fresh_env(bootstrap, work, DYADWATCH_BATCH_WITHIN="0.2")
    settings = settings_from(env)
    ensure_topics(settings, bootstrap)
    worker = WorkerProcess(env, work / "worker.log").start()
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    outputs = Outputs(bootstrap, settings.topic_enriched, settings.topic_deadletter)
    samples: list[dict] = []
    try:
        warm = make_articles(warmup, seed=1, prefix="warm")
        publish(producer, settings.topic_articles, warm, rate=1e9, seconds=60)
        while (base := outputs.poll()) == 0:  # the clock starts at the first output: model loading excluded
            if not worker.alive():
                raise SystemExit(f"worker died during warm-up:\n{worker.log()[-3000:]}")
            time.sleep(0.1)
        started = time.monotonic()
        while outputs.poll() < warmup:
            time.sleep(0.1)
        sustainable = max(warmup - base, 1) / (time.monotonic() - started)
        rss_idle = vm_rss_mib(worker.proc.pid)
        flood_rate = sustainable * factor
        flood = make_articles(int(flood_rate * seconds) + 1, seed=2, prefix="flood")
        print(f"sustainable ~{sustainable:.1f} articles/s; flooding at {flood_rate:.0f}/s for {seconds:.0f}s "
              f"({len(flood)} articles)", flush=True)

        t0 = time.monotonic()

        def sample(sent: int) -> int:
            done = outputs.poll()
            samples.append({"t": round(time.monotonic() - t0, 1), "lag": sent - done,
                            "rss_mib": round(vm_rss_mib(worker.proc.pid), 1)})
            return done

        sent = warmup + publish(producer, settings.topic_articles, flood, flood_rate, seconds,
                                lambda n: sample(warmup + n))
        publish_seconds = time.monotonic() - t0
        while sample(sent) < sent and time.monotonic() - t0 < seconds + drain_timeout and worker.alive():
            time.sleep(1.0)
        drained_at = time.monotonic() - t0
    finally:
        producer.close()
        outputs.close()
        worker.stop()
    peak = max(samples, key=lambda s: s["lag"])
    return {
        "sustainable_per_s": round(sustainable, 1),
        "flood_per_s": round(flood_rate, 1),
        "flood_seconds": seconds,
        "publish_seconds": round(publish_seconds, 1),
        "articles_in": sent,
        "articles_out_distinct": len(outputs.ids) + len(outputs.dead.records),
        "enriched_records": len(outputs.enriched.records),
        "peak_lag": peak["lag"],
        "peak_lag_at_s": peak["t"],
        "drained_after_s": round(drained_at, 1),
        "drained": samples[-1]["lag"] == 0,
        "rss_idle_mib": round(rss_idle, 1),
        "rss_max_mib": max(s["rss_mib"] for s in samples),
        "rss_end_mib": samples[-1]["rss_mib"],
        "samples": samples,
    }


def burst(bootstrap: str, work: Path, n: int, warmup: int, drain_timeout: float, partitions: int) -> dict:
    """Publish `n` small articles at once; measure duplicates and the drain of enrich and relation updates."""
    env = fresh_env(bootstrap, work, DYADWATCH_BATCH_WITHIN="0.2", DYADWATCH_PARTITIONS=str(partitions))
    settings = settings_from(env)
    ensure_topics(settings, bootstrap)
    worker = WorkerProcess(env, work / "worker.log").start()
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    outputs = Outputs(bootstrap, settings.topic_enriched, settings.topic_deadletter)
    relations = RelationLag(bootstrap, settings.topic_relation_events, settings.app_id)
    samples: list[dict] = []
    enrich_drained = relations_drained = None
    try:
        warm = make_articles(warmup, seed=1, prefix="warm")
        publish(producer, settings.topic_articles, warm, rate=1e9, seconds=60)
        while outputs.poll() < warmup:  # model loading and the first rebalance are not part of the burst
            if not worker.alive():
                raise SystemExit(f"worker died during warm-up:\n{worker.log()[-3000:]}")
            time.sleep(0.2)
        articles = make_articles(n, seed=2, prefix="burst")
        t0 = time.monotonic()
        publish(producer, settings.topic_articles, articles, rate=1e9, seconds=3600)
        published_at = time.monotonic() - t0
        total = warmup + n
        print(f"published {n} articles in {published_at:.1f}s", flush=True)
        while time.monotonic() - t0 < drain_timeout and worker.alive():
            done = outputs.poll()
            produced, consumed = relations.poll()
            t = round(time.monotonic() - t0, 1)
            samples.append({"t": t, "enrich_lag": total - done, "relation_events": produced,
                            "relation_lag": produced - consumed})
            if enrich_drained is None and done >= total:
                enrich_drained = t
            if enrich_drained is not None and produced == consumed:
                relations_drained = t
                break
            time.sleep(1.0)
        log = worker.log()
    finally:
        producer.close()
        outputs.close()
        relations.close()
        worker.stop()
    distinct = len(outputs.ids)
    books = relation_books(log) or {}
    return {
        "burst": n,
        "partitions": partitions,
        "warmup": warmup,
        "publish_seconds": round(published_at, 1),
        "articles_in": total,
        "enriched_distinct": distinct,
        "dead_letters": len(outputs.dead.records),
        "enriched_records": len(outputs.enriched.records),
        "duplicate_enriched": len(outputs.enriched.records) - distinct,
        "relation_events": samples[-1]["relation_events"] if samples else 0,
        "enrich_drained_after_s": enrich_drained,
        "relations_drained_after_s": relations_drained,
        "peak_enrich_lag": max((s["enrich_lag"] for s in samples), default=0),
        "peak_relation_lag": max((s["relation_lag"] for s in samples), default=0),
        "stranded_seeks": log.count("were fetched but never processed; seeking back"),
        # relation events the relate agent read again (a seek back): folded once, the rest counted as replays
        "relation_updates_in": books.get("updates_in"),
        "relation_replays": books.get("replays"),
        "samples": samples,
        "worker_log": log,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bootstrap", help="an existing broker; default: a fresh local Kafka in a temp dir")
    p.add_argument("--seconds", type=float, default=60.0, help="length of the flood")
    p.add_argument("--factor", type=float, default=10.0, help="flood rate / sustainable rate")
    p.add_argument("--warmup", type=int, default=150, help="articles used to measure the sustainable rate")
    p.add_argument("--drain-timeout", type=float, default=1800.0, help="seconds allowed to drain the lag")
    p.add_argument("--burst", type=int, help="publish this many articles at once instead of a timed flood")
    p.add_argument("--partitions", type=int, default=2, help="partitions of every topic (burst mode)")
    p.add_argument("--out", type=Path, help="default: bench/out/flood.json, or burst.json with --burst")
    args = p.parse_args()
    args.out = args.out or ROOT / "bench" / "out" / ("burst.json" if args.burst else "flood.json")
    with tempfile.TemporaryDirectory(prefix="dyadwatch-flood-") as tmp:
        work = Path(tmp)
        kafka = None if args.bootstrap else LocalKafka(work / "kafka", libs_dir=KAFKA_LIBS)
        bootstrap = args.bootstrap or kafka.start()
        try:
            if args.burst:
                result = burst(bootstrap, work, args.burst, args.warmup, args.drain_timeout, args.partitions)
            else:
                result = run(bootstrap, work, args.seconds, args.factor, args.warmup, args.drain_timeout)
        finally:
            if kafka is not None:
                kafka.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if "worker_log" in result:
        args.out.with_suffix(".log").write_text(result.pop("worker_log"))
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=2))
    if args.burst:
        ok = (result["relations_drained_after_s"] is not None and result["duplicate_enriched"] == 0
              and result["enriched_distinct"] + result["dead_letters"] == result["articles_in"])
        print("OK: both drained, no duplicate" if ok else "FAILED: not drained, an article lost or duplicated")
        return 0 if ok else 1
    ok = result["drained"] and result["articles_out_distinct"] == result["articles_in"]
    print("OK: lag drained, every article out" if ok else "FAILED: lag did not drain or articles were lost")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

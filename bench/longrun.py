"""Bench: RSS of one worker (its process and its NLP process) over a long run, a figure per chunk of articles.

    .venv/bin/python -m bench.longrun --articles 20000 --every 5000

One worker on a dedicated local Kafka (temp dir), with the settings of the environment (DYADWATCH_PREFILTER).
The articles (tests/support/articles.py: 2-4 sentences each) go in chunks of `every`, each published at once; when
a chunk is all out (enriched or dead-lettered) the worker's and its NLP process's VmRSS and VmHWM are read from
/proc, with the chunk's rate and the load average. Prints a line per chunk; writes bench/out/longrun.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from kafka import KafkaProducer

from bench.e2e import memory_kb
from bench.flood import Outputs
from streams.kafka.admin import ensure_topics
from streams.kafka.local import LocalKafka
from tests.support.articles import make_articles
from tests.support.broker import KAFKA_LIBS
from tests.support.workers import WorkerProcess, fresh_env, settings_from

OUT = Path(__file__).resolve().parent / "out" / "longrun.json"


def run(bootstrap: str, work: Path, articles: int, every: int, timeout: float) -> dict[str, object]:
    work.mkdir(parents=True, exist_ok=True)
    env = fresh_env(bootstrap, work, DYADWATCH_BATCH_WITHIN="0.05")
    settings = settings_from(env)
    ensure_topics(settings, bootstrap)
    worker = WorkerProcess(env, work / "worker.log").start()
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    outputs = Outputs(bootstrap, settings.topic_enriched, settings.topic_deadletter)
    rows: list[dict[str, object]] = []
    try:
        done = 0
        for chunk in range((articles + every - 1) // every):
            batch = make_articles(min(every, articles - done), seed=100 + chunk, prefix=f"long{chunk}")
            started = time.monotonic()
            for article in batch:
                value = article.model_dump_json().encode()
                producer.send(settings.topic_articles, key=article.id.encode(), value=value)
            producer.flush()
            done += len(batch)
            while outputs.poll() < done:
                if not worker.alive():
                    raise SystemExit(f"worker died:\n{worker.log()[-3000:]}")
                if time.monotonic() - started > timeout:
                    raise SystemExit(f"chunk {chunk} not out after {timeout:.0f}s:\n{worker.log()[-3000:]}")
                time.sleep(0.5)
            seconds = time.monotonic() - started
            assert worker.proc is not None
            memory = memory_kb(worker.proc.pid)
            row = {
                "articles": done,
                "rss_mib": round(memory["VmRSS"] / 1024, 1),
                "hwm_mib": round(memory["VmHWM"] / 1024, 1),
                "chunk_seconds": round(seconds, 1),
                "articles_per_s": round(len(batch) / seconds, 1),
                "load": [round(x, 2) for x in os.getloadavg()],
                "dead_letters": len(outputs.dead.records),
            }
            print(json.dumps(row), flush=True)
            rows.append(row)
    finally:
        producer.close()
        outputs.close()
        worker.stop()
    return {"prefilter": settings.prefilter, "every": every, "rows": rows}


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.longrun", description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=20_000)
    p.add_argument("--every", type=int, default=5_000)
    p.add_argument("--timeout", type=float, default=1_800, help="seconds one chunk may take to come out")
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="dyadwatch-longrun-") as tmp:
        kafka = LocalKafka(Path(tmp) / "kafka", libs_dir=KAFKA_LIBS)
        bootstrap = kafka.start()
        try:
            report = run(bootstrap, Path(tmp) / "w", args.articles, args.every, args.timeout)
        finally:
            kafka.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Bench layer: restarting a worker on a big relations table, memory:// against rocksdb://, in one run.

Usage: python -m bench.recovery [--dyads 50000] [--rounds 2] [--out bench/out/recovery.json]

1. A fresh local Kafka; one worker with `DYADWATCH_TABLE_STORE=rocksdb://` folds `--dyads` RelationUpdates,
   one per dyad (synthetic actor codes, one event each), written straight to `relation-events`: the fold,
   the changelog and the RocksDB store are the real worker's; only the NLP step before it is skipped (it
   plays no part in recovery). The worker is stopped (SIGTERM).
2. `--rounds` times, in turn: a memory:// worker with an empty data dir (it reads the whole changelog),
   the rocksdb:// worker again on its own data dir (it reads only what its store does not hold), and a
   rocksdb:// worker on an empty data dir (a pod without its volume: it reads the whole changelog too).
   Each start is timed from the process spawn to Faust's "Worker ready" (which includes loading the spaCy
   model, the same for both), and its recovery from Faust's own log lines ("Highwater for active changelog
   partitions" to "Recovery complete"); the changelog records it read come from Faust's logged start offsets
   and highwaters. VmRSS and VmHWM of the worker process (the table lives there; the NLP process is apart and
   reported apart) are read from /proc once it is ready and has idled 5 s. Every worker is stopped after.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from streams.core.models import RelationUpdate

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "recovery.json"
KAFKA_LIBS = ROOT / ".dyadwatch" / "kafka-libs"
PARTITIONS = 6


def updates(dyads: int) -> list[RelationUpdate]:
    """One one-event update per dyad: sources A000.., targets B000.. (250 targets a source)."""
    from tests.support.relation_events import event

    return [event(f"fill-{i}", 3.0, source=f"A{i // 250:03d}", target=f"B{i % 250:03d}", days=(i % 20) / 10)
            for i in range(dyads)]


def send_all(bootstrap: str, topic: str, batch: list[RelationUpdate]) -> None:
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20, batch_size=256 * 1024)
    try:
        for u in batch:
            producer.send(topic, key=u.dyad.encode(), value=u.model_dump_json().encode())
        producer.flush(120)
    finally:
        producer.close()


def status_kb(pid: int) -> dict[str, int]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines) if k in ("VmRSS", "VmHWM")}


def log_time(log: str, marker: str) -> float | None:
    """The wall time of the last line holding `marker` in a worker log (Faust's '[YYYY-mm-dd HH:MM:SS,mmm]')."""
    for line in reversed(log.splitlines()):
        if marker in line and line.startswith("["):
            stamp = line[1:24]
            return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()  # local time, as logged
    return None


def du_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def start_and_measure(env: dict[str, str], log_path: Path, changelog: str, store: str) -> dict[str, Any]:
    from tests.support.workers import WorkerProcess, changelog_recovery

    spawned = time.time()
    worker = WorkerProcess({**env, "DYADWATCH_TABLE_STORE": store}, log_path).start()
    try:
        deadline = time.monotonic() + 900
        while "Worker ready" not in worker.log():
            if not worker.alive():
                raise SystemExit(f"the {store} worker died:\n{worker.digest()}")
            if time.monotonic() > deadline:
                raise SystemExit(f"the {store} worker was not ready in 900 s:\n{worker.digest()}")
            time.sleep(0.1)
        seen_ready = time.time()
        time.sleep(5)
        log = worker.log()
        assert worker.proc is not None
        worker_mem = status_kb(worker.proc.pid)
        nlp = worker.nlp_process()
        nlp_mem = status_kb(nlp) if nlp else {}
        reads = changelog_recovery(log, changelog)
        began, complete, ready = (log_time(log, m) for m in
                                  ("Highwater for active changelog partitions", "Recovery complete", "Worker ready"))
    finally:
        worker.stop()
    return {
        "store": store,
        "data_dir": "own" if store == "rocksdb://" else "empty",
        "spawn_to_ready_s": round((ready or seen_ready) - spawned, 2),
        "recovery_s": round(complete - began, 2) if began and complete else None,
        "changelog_records_read": sum(high - start for start, high in reads.values()),
        "changelog_start_offsets": {p: s for p, (s, _) in sorted(reads.items())},
        "worker_rss_mb": round(worker_mem.get("VmRSS", 0) / 1024, 1),
        "worker_peak_rss_mb": round(worker_mem.get("VmHWM", 0) / 1024, 1),
        "nlp_rss_mb": round(nlp_mem.get("VmRSS", 0) / 1024, 1),
    }


def machine_load() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()]}


def run(dyads: int, rounds: int, work: Path) -> dict[str, Any]:
    from streams.kafka.admin import ensure_topics
    from streams.kafka.local import LocalKafka
    from streams.topology import changelog_topic_name
    from tests.support.workers import WorkerProcess, fresh_env, read_all, relation_books, settings_from

    kafka = LocalKafka(work / "kafka", libs_dir=KAFKA_LIBS)
    bootstrap = kafka.start()
    try:
        env = fresh_env(bootstrap, work, DYADWATCH_PARTITIONS=str(PARTITIONS), DYADWATCH_PROGRESS_INTERVAL="1")
        settings = settings_from(env)
        ensure_topics(settings, bootstrap)
        changelog = changelog_topic_name(settings)
        rocks_env = {**env, "DYADWATCH_DATA_DIR": str(work / "rocksdb-data")}

        load_before = machine_load()
        filler = WorkerProcess({**rocks_env, "DYADWATCH_TABLE_STORE": "rocksdb://"}, work / "fill.log").start()
        try:
            started = time.monotonic()
            send_all(bootstrap, settings.topic_relation_events, updates(dyads))
            deadline = started + 3600
            while (books := relation_books(filler.log())) is None or books["folded"] < dyads:
                if not filler.alive() or time.monotonic() > deadline:
                    raise SystemExit(f"the fill did not finish ({books}):\n{filler.digest()}")
                time.sleep(1)
            fill_s = time.monotonic() - started
            time.sleep(3)
        finally:
            filler.stop()
        records = read_all(bootstrap, changelog)
        fill = {
            "dyads": dyads,
            "how": "RelationUpdates written to relation-events, folded by a rocksdb:// worker (no NLP)",
            "seconds": round(fill_s, 1),
            "folded": books["folded"],
            "changelog_records": len(records),
            "changelog_mb": round(sum(len(k or b"") + len(v or b"") for k, v in records) / 2**20, 1),
            "rocksdb_store_mb": du_mb(work / "rocksdb-data" / "faust"),
        }
        del records
        starts = []
        for n in range(rounds):
            memory_env = {**env, "DYADWATCH_DATA_DIR": str(work / f"memory-data-{n}")}
            starts.append(start_and_measure(memory_env, work / f"memory-{n}.log", changelog, "memory://"))
            starts.append(start_and_measure(rocks_env, work / f"rocksdb-{n}.log", changelog, "rocksdb://"))
            # A pod without its volume (a Deployment): RocksDB on an empty disk reads the whole changelog.
            empty_env = {**env, "DYADWATCH_DATA_DIR": str(work / f"rocksdb-empty-{n}")}
            starts.append(start_and_measure(empty_env, work / f"rocksdb-empty-{n}.log", changelog, "rocksdb://"))
            starts[-1]["data_dir"] = "empty"
            print(json.dumps(starts[-3:]), flush=True)
        return {
            "partitions": PARTITIONS,
            "fill": fill,
            "starts": starts,
            "machine": {"before": load_before, "after": machine_load()},
        }
    finally:
        kafka.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dyads", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dw-recovery-") as tmp:
        result = run(args.dyads, args.rounds, Path(tmp))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

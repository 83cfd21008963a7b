"""Bench layer: what one saturated worker waits on, and whether a take setting changes it (issue 14).

Usage: python -m bench.waits [--articles 48] [--rounds 2] [--arms base,within=0.01,size=32]
Per round and arm: bare nlp.pipe, then one worker end to end with that arm's settings (same texts), the ratio of the
two and the CPU the worker and its NLP process used over the wall time. The first round of the base arm runs with
`py-spy record --idle` on the worker and on its NLP process; their samples, per thread, in wait buckets.
Writes bench/out/waits.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench import e2e, nlp
from bench.corpus import make_corpus
from bench.profiling import raw_stacks
from streams.kafka.local import LocalKafka

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
KAFKA_LIBS = ROOT / ".dyadwatch" / "kafka-libs"
PARTITIONS = 6
ARM_KEYS = {"within": "DYADWATCH_BATCH_WITHIN", "size": "DYADWATCH_BATCH_SIZE"}

# First match on the leaf-most frames wins: what a sample with an idle leaf is waiting in.
WAITS: list[tuple[str, tuple[str, ...]]] = [
    ("worker io thread: waiting for the NLP answer (_exchange poll/recv)", ("_exchange",)),
    ("worker io thread: waiting for the next request (queue get)", ("_worker (concurrent/futures",)),
    ("NLP child: waiting for the next request (conn.recv)", ("child_main",)),
    ("event loop: select (nothing ready: fetch, acks, take within)", ("EpollSelector.select", "select (selectors")),
    ("kafka/aiokafka thread waiting", ("kafka/", "aiokafka")),
    ("other thread waiting (Condition.wait, sleep)", ("wait (threading", "sleep", "_bootstrap")),
]


def schedstat(pid: int) -> tuple[float, float]:
    """Seconds on a CPU and seconds runnable but waiting for one (the run queue), from /proc/PID/schedstat."""
    on_cpu, waiting, _ = Path(f"/proc/{pid}/schedstat").read_text().split()
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def spy(pid: int, out: Path) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid), "--idle", "--threads"]
    command += ["--format", "raw", "--rate", "50", "--output", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_spy(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def per_thread(raw: Path) -> dict[str, object]:
    """Per thread: samples, and the share of them in each wait bucket or busy (py-spy --idle keeps idle stacks).

    A sample is idle when py-spy could not see the thread on a CPU; py-spy's raw format does not mark it, so a leaf
    in a known blocking call (select, poll, recv, wait, acquire, sleep, get) counts as waiting."""
    threads: dict[str, Counter[str]] = defaultdict(Counter)
    leaves: dict[str, Counter[str]] = defaultdict(Counter)
    blocking = (
        "_worker (concurrent/futures/thread.py:81)",
        "select (",
        "poll (",
        "recv",
        "_recv",
        "wait (",
        "acquire",
        "sleep",
        "get (queue",
        "_poll (",
        "read (",
    )
    for frames, count in raw_stacks(raw):
        thread = frames[0][:40]
        leaf = frames[-1]
        leaves[thread][leaf] += count
        if not any(b in leaf for b in blocking):
            threads[thread]["busy"] += count
            continue
        bucket = next((name for name, ms in WAITS if any(m in f for f in frames for m in ms)), "waiting elsewhere")
        threads[thread][bucket] += count
    out: dict[str, object] = {}
    for thread, buckets in sorted(threads.items(), key=lambda kv: -sum(kv[1].values())):
        total = sum(buckets.values())
        out[thread] = {
            "samples": total,
            "shares": {k: round(v / total, 3) for k, v in buckets.most_common()},
            "top_leaves": [(f, round(n / total, 3)) for f, n in leaves[thread].most_common(5)],
        }
    return out


def run_arm(
    bootstrap: str, tmp: Path, env: dict[str, str], warm, articles, expected, tokens: int, profile: bool
) -> dict[str, object]:
    original = e2e.fresh_env

    def patched(*args, **kwargs):  # type: ignore[no-untyped-def]
        return {**original(*args, **kwargs), **env}

    spies: list[tuple[str, subprocess.Popen[bytes], Path]] = []
    pids: dict[str, int] = {}

    def setup(group: e2e.Group) -> None:
        if not profile:
            return
        worker = group.procs[0]
        assert worker.proc is not None
        child = worker.nlp_process()
        assert child is not None
        pids.update(worker=worker.proc.pid, nlp_child=child)
        window["spawned"] = time.monotonic()
        for name, pid in pids.items():
            out = tmp / f"spy-{name}.txt"
            spies.append((name, spy(pid, out), out))
        time.sleep(1.0)  # py-spy attaches before the first article goes out
        window["cpu_before"] = {name: e2e.cpu_seconds([pid]) for name, pid in pids.items()}  # type: ignore[assignment]
        window["sched_before"] = {name: schedstat(pid) for name, pid in pids.items()}  # type: ignore[assignment]
        window["started"] = time.monotonic()

    wait_complete = e2e.RelationsWatch.wait_complete
    window: dict[str, float] = {}

    def hooked(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        done = wait_complete(self, *args, **kwargs)
        if spies and "stopped" not in window:  # the timed run is complete: stop sampling at once
            window["stopped"] = time.monotonic()
            window["cpu_after"] = {name: e2e.cpu_seconds([pid]) for name, pid in pids.items()}  # type: ignore[assignment]
            window["sched_after"] = {name: schedstat(pid) for name, pid in pids.items()}  # type: ignore[assignment]
            for _, proc, _ in spies:
                stop_spy(proc)
        return done

    e2e.fresh_env = patched
    e2e.RelationsWatch.wait_complete = hooked  # type: ignore[method-assign]
    try:
        result = e2e.throughput(bootstrap, tmp, 1, PARTITIONS, warm, articles, expected, tokens, setup=setup)
    finally:
        e2e.fresh_env = original
        e2e.RelationsWatch.wait_complete = wait_complete  # type: ignore[method-assign]
        for _, proc, _ in spies:
            if proc.poll() is None:
                stop_spy(proc)
    if spies:
        result["profile"] = {name: per_thread(out) for name, _, out in spies if out.exists()}
        run_s = float(result["seconds"])  # type: ignore[arg-type]
        result["profile_window"] = {
            "spied_s": round(window["stopped"] - window["spawned"], 2),
            "before_run_s": round(window["started"] - window["spawned"], 2),
            "run_s": run_s,
            "cpu_over_run": {
                name: round((window["cpu_after"][name] - window["cpu_before"][name]) / run_s, 3)  # type: ignore[index]
                for name in pids
            },
            # main thread only (schedstat of the pid is its main thread): share of the run on a CPU / in the run queue
            "main_thread_on_cpu_over_run": {
                name: round((window["sched_after"][name][0] - window["sched_before"][name][0]) / run_s, 3)  # type: ignore[index]
                for name in pids
            },
            "main_thread_runqueue_over_run": {
                name: round((window["sched_after"][name][1] - window["sched_before"][name][1]) / run_s, 3)  # type: ignore[index]
                for name in pids
            },
        }
        OUT.mkdir(parents=True, exist_ok=True)
        for name, _, out in spies:
            if out.exists():
                (OUT / f"waits-{name}.txt").write_text(out.read_text())
    return result


def parse_arm(text: str) -> dict[str, str]:
    if text == "base":
        return {}
    env = {}
    for part in text.split("+"):
        key, _, value = part.partition("=")
        env[ARM_KEYS[key]] = value
    return env


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--articles", type=int, default=48)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--arms", default="base,within=0.01")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-profile", action="store_true")
    args = p.parse_args(argv)
    articles = make_corpus(args.articles, seed=args.seed)
    warm = make_corpus(6, seed=args.seed + 1, prefix="warm")
    texts = [a.text for a in articles]
    bare, _ = nlp.bare_pipe(texts)
    core, enriched = nlp.extraction_core(articles, bare.tokens, warm)
    print(f"bare {bare.articles_per_s:.2f}, extraction core {core.articles_per_s:.2f} articles/s", flush=True)
    by_id = {e.article_id: e for e in enriched}
    expected = e2e.Expectation.of([by_id[a.id] for a in articles])
    warm_pair = (warm, e2e.Expectation.of([by_id[a.id] for a in warm]))
    report: dict[str, object] = {
        "articles": len(articles),
        "tokens": bare.tokens,
        "load_at_start": os.getloadavg(),
        "bare_once": bare.articles_per_s,
        "core_once": core.articles_per_s,
    }
    rows = []
    with tempfile.TemporaryDirectory(prefix="dyadwatch-waits-") as tmp_dir:
        tmp = Path(tmp_dir)
        kafka = LocalKafka(tmp / "kafka", libs_dir=KAFKA_LIBS)
        bootstrap = kafka.start()
        try:
            for r in range(args.rounds):
                for i, arm in enumerate(args.arms.split(",")):
                    before, started = schedstat(os.getpid()), time.monotonic()
                    bare, _ = nlp.bare_pipe(texts)
                    after, wall = schedstat(os.getpid()), time.monotonic() - started
                    profile = r == 0 and i == 0 and not args.no_profile
                    res = run_arm(
                        bootstrap,
                        tmp / f"r{r}-{i}",
                        parse_arm(arm),
                        warm_pair,
                        articles,
                        expected,
                        bare.tokens,
                        profile,
                    )
                    cpu = res["cpu_seconds"]["workers"]  # type: ignore[index]
                    row = {
                        "round": r,
                        "arm": arm,
                        "profiled": profile,
                        "bare_articles_per_s": round(bare.articles_per_s, 3),
                        "worker_articles_per_s": res["articles_per_s"],
                        "ratio": round(float(res["articles_per_s"]) / bare.articles_per_s, 3),  # type: ignore[arg-type]
                        # bare's load, warm-up and single calls included: on a CPU / in the run queue over its wall
                        "bare_on_cpu_over_wall": round((after[0] - before[0]) / wall, 3),
                        "bare_runqueue_over_wall": round((after[1] - before[1]) / wall, 3),
                        "worker_cpu_over_wall": round(cpu / float(res["seconds"]), 3),  # type: ignore[arg-type]
                        "load": [round(x, 2) for x in os.getloadavg()],
                    }
                    if "profile" in res:
                        row["profile"] = res["profile"]
                        row["profile_window"] = res["profile_window"]
                        print(json.dumps(res["profile_window"]), flush=True)
                    print(json.dumps({k: v for k, v in row.items() if k != "profile"}), flush=True)
                    rows.append(row)
        finally:
            kafka.stop()
    report["rows"] = rows
    report["load_at_end"] = os.getloadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "waits.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Bench layer: the one benchmark command: corpus, bare spaCy, extraction core, broker runs, report and plot.

Usage: python -m bench.run [--articles 160] [--latency-articles 80] [--profile-articles 48] [--seed 7]
                           [--corpus generated|wire]
                           [--cli] [--no-profile]
Writes bench/out/report.json, bench/out/report.md and docs/benchmarks-run.png (all from this one run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import e2e, nlp
from bench.corpus import count_tokens, make_corpus, make_wire_corpus
from bench.profiling import summarize
from streams.kafka.local import LocalKafka, kafka_version
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PLOT = ROOT / "docs" / "benchmarks-run.png"
KAFKA_LIBS = ROOT / ".dyadwatch" / "kafka-libs"
PARTITIONS = 6
TARGETS = {
    "one_worker_over_bare": 1.0,  # issue 14 point 1: one worker end to end at least the bare pipeline
    "two_workers_over_one": 1.7,
    "p99_over_one_article": 3.0,
    "worker_rss_mb": 600.0,
}


def machine() -> dict[str, object]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line))
    import faust
    import spacy

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "faust": faust.__version__,
        "kafka": kafka_version(),
        "java": subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0],
    }


CORPUS_WORDS = {"generated": "generated articles", "wire": "wire articles (dev and stream texts joined)"}


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run(args: argparse.Namespace) -> dict[str, object]:
    report: dict[str, object] = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine()}
    report["load_at_start"] = load()
    report["prefilter"] = Settings().prefilter
    corpus = make_wire_corpus if args.corpus == "wire" else make_corpus
    articles = corpus(args.articles, seed=args.seed)
    warm = corpus(6, seed=args.seed + 1, prefix="warm")
    tokens_each = [count_tokens(a.text) for a in articles]
    texts = [a.text for a in articles]
    print(f"corpus: {len(articles)} articles, {sum(tokens_each)} tokens", flush=True)

    bare, one_article_s = nlp.bare_pipe(texts)
    print(f"(a) bare nlp.pipe: {bare.articles_per_s:.2f} articles/s", flush=True)
    core, enriched = nlp.extraction_core(articles, bare.tokens, warm)
    enriched_by_id = {e.article_id: e for e in enriched}
    print(f"(b) extraction core: {core.articles_per_s:.2f} articles/s", flush=True)
    report["corpus"] = {
        "articles": len(articles),
        "tokens": bare.tokens,
        "tokens_min": min(tokens_each),
        "tokens_max": max(tokens_each),
        "events": sum(len(enriched_by_id[a.id].relations) for a in articles),
        "eventless_articles": sum(1 for a in articles if not enriched_by_id[a.id].relations),
        "seed": args.seed,
        "kind": args.corpus,
    }
    report["bare_pipe"] = {**bare.as_dict(), "one_article_nlp_call_s": round(one_article_s, 3)}
    report["extraction_core"] = core.as_dict()
    if args.cli:
        report["extraction_cli"] = nlp.extraction_cli(articles, bare.tokens)
    expected = e2e.Expectation.of([enriched_by_id[a.id] for a in articles])
    warm_pair = (warm, e2e.Expectation.of([enriched_by_id[a.id] for a in warm]))

    with tempfile.TemporaryDirectory(prefix="dyadwatch-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        kafka = LocalKafka(tmp / "kafka", libs_dir=KAFKA_LIBS)
        bootstrap = kafka.start()
        try:
            runs = []
            for workers in (1, 2):
                result = e2e.throughput(
                    bootstrap, tmp / f"w{workers}", workers, PARTITIONS, warm_pair, articles, expected, bare.tokens
                )
                print(f"(c) {workers} worker(s): {result['articles_per_s']} articles/s", flush=True)
                runs.append(result)
            report["end_to_end"] = runs
            rate = 0.5 * float(runs[0]["articles_per_s"])  # type: ignore[arg-type]
            subset = articles[: args.latency_articles]
            lat = e2e.latency(
                bootstrap,
                tmp / "latency",
                PARTITIONS,
                rate,
                warm_pair,
                subset,
                e2e.Expectation.of([enriched_by_id[a.id] for a in subset]),
            )
            print(f"(d) latency at {rate:.2f} articles/s: p50 {lat['p50_s']} p99 {lat['p99_s']}", flush=True)
            report["latency"] = lat
            if not args.no_profile:
                raw = e2e.profile(
                    bootstrap,
                    tmp / "profile",
                    PARTITIONS,
                    warm_pair,
                    articles[: args.profile_articles],
                    e2e.Expectation.of([enriched_by_id[a.id] for a in articles[: args.profile_articles]]),
                    tmp / "profile.txt",
                )
                OUT.mkdir(parents=True, exist_ok=True)
                shutil.copy(raw, OUT / "profile-one-worker.txt")
                report["profile_one_worker"] = summarize(raw)
        finally:
            kafka.stop()
    report["load_at_end"] = load()
    report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    report["ratios"] = ratios(report)
    return report


def ratios(report: dict[str, object]) -> dict[str, dict[str, float | bool]]:
    bare = report["bare_pipe"]
    one, two = report["end_to_end"]  # type: ignore[misc]
    lat = report["latency"]
    rss = max(m for r in (one, two, lat) for m in r["worker_vmhwm_mb"])  # type: ignore[index]
    one_article = 1 / bare["articles_per_s"]  # type: ignore[index]
    values = {
        "one_worker_over_bare": one["articles_per_s"] / bare["articles_per_s"],  # type: ignore[index]
        "two_workers_over_one": two["articles_per_s"] / one["articles_per_s"],
        "p99_over_one_article": lat["p99_s"] / one_article,  # type: ignore[index]
        "worker_rss_mb": rss,
    }
    return {
        name: {
            "value": round(value, 3),
            "target": TARGETS[name],
            "met": value <= TARGETS[name]
            if name in ("p99_over_one_article", "worker_rss_mb")
            else value >= TARGETS[name],
        }
        for name, value in values.items()
    }


def markdown(report: dict) -> str:  # type: ignore[type-arg]
    m, c, bare, core = report["machine"], report["corpus"], report["bare_pipe"], report["extraction_core"]
    one, two = report["end_to_end"]
    lat = report["latency"]
    lines = [
        f"# dyadwatch benchmark run, {report['started_at']}",
        "",
        f"Machine: {m['nproc']} cores, {m['cpu']}, {m['memory_gb']} GB; Python {m['python']}, spaCy {m['spacy']}, "
        f"faust-streaming {m['faust']}, Kafka {m['kafka']} ({m['java']}). "
        f"Load average at start {report['load_at_start']}, at end {report['load_at_end']}.",
        "",
        f"Corpus: {c['articles']} {CORPUS_WORDS[c.get('kind', 'generated')]} (seed {c['seed']}), {c['tokens']} tokens "
        f"({c['tokens_min']}-{c['tokens_max']} per article), {c['events']} events, "
        f"{c['eventless_articles']} articles without an event.",
        *memory_note(report),
        "",
        "| stage | articles/s | tokens/s | notes |",
        "|---|---|---|---|",
        f"| (a) bare `nlp.pipe` | {bare['articles_per_s']} | {bare['tokens_per_s']} | "
        f"{bare['ms_per_article']} ms/article in a batch; one `nlp(text)` {bare['one_article_nlp_call_s']} s |",
        f"| (b) extraction core (in-process) | {core['articles_per_s']} | {core['tokens_per_s']} | "
        f"the worker's `BoundedExtractor`, prefilter {'on' if report.get('prefilter') else 'off'} |",
    ]
    if "extraction_cli" in report:
        cli = report["extraction_cli"]
        lines.append(
            f"| (b) `dyadwatch extract --jsonl` | {cli['articles_per_s_net']} | {cli['tokens_per_s_net']} | "
            f"wall {cli['wall_seconds']} s incl. {cli['startup_seconds']} s start-up |"
        )
    for r in (one, two):
        lines.append(
            f"| (c) end to end, {r['workers']} worker(s) | {r['articles_per_s']} | {r['tokens_per_s']} | "
            f"{r['events']} events{surplus(r)}, {r['partitions']} partitions, {r['seconds']} s; "
            f"peak RSS {r['worker_vmhwm_mb']} MB |"
        )
    lines += [
        "",
        f"(d) Latency, publish to relations record, one worker at {lat['rate_articles_per_s']} articles/s "
        f"(half of (c, 1 worker)): p50 {lat['p50_s']} s, p95 {lat['p95_s']} s, p99 {lat['p99_s']} s, "
        f"max {lat['max_s']} s over {lat['measured']} articles ({lat['eventless']} without events, "
        f"{lat['unmatched']} with an event pushed out of the evidence window).",
        "",
        "| target | value | goal | met |",
        "|---|---|---|---|",
    ]
    for name, r in report["ratios"].items():
        lines.append(f"| {name} | {r['value']} | {r['target']} | {'yes' if r['met'] else 'NO'} |")
    if "profile_one_worker" in report:
        p = report["profile_one_worker"]
        lines += ["", f"Profile of one saturated worker ({p['samples']} py-spy samples, all threads):", ""]
        lines += [f"- {name}: {share:.0%}" for name, share in p["buckets"].items()]
    return "\n".join(lines) + "\n"


def surplus(run: dict) -> str:  # type: ignore[type-arg]
    """Events the table held beyond the in-process core's (a worker that extracts otherwise than the core)."""
    extra = run.get("surplus_events", 0)
    return f" (the table held {extra} more than the core gave)" if extra else ""


def memory_note(report: dict) -> list[str]:  # type: ignore[type-arg]
    """A line on the fold memory the workers ran with when it is not the default (bench.e2e Expectation.memory_days)."""
    days = {r.get("memory_days") for r in [*report["end_to_end"], report["latency"]]} - {None}
    default = Settings.model_fields["memory_days"].default
    if not days or days == {default}:
        return []
    shown = ", ".join(f"{d:g}" for d in sorted(days))
    return [
        "",
        f"The workers' DYADWATCH_MEMORY_DAYS was {shown} (default {default:g}): the corpus's event times span more "
        "than the default, and a dyad's table ignores updates dated before its horizon.",
    ]


def plot(report: dict, path: Path) -> None:  # type: ignore[type-arg]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    one, two = report["end_to_end"]
    lat = report["latency"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    names = ["bare nlp.pipe", "extraction core", "1 worker", "2 workers"]
    values = [
        report["bare_pipe"]["articles_per_s"],
        report["extraction_core"]["articles_per_s"],
        one["articles_per_s"],
        two["articles_per_s"],
    ]
    bars = left.bar(names, values, color=["#888888", "#aaaaaa", "#3b75af", "#1f4e79"])
    left.bar_label(bars, fmt="%.2f")
    left.set_ylabel("articles / s")
    left.set_title(f"Throughput ({report['corpus']['articles']} articles, {report['machine']['nproc']} cores)")
    left.tick_params(axis="x", labelsize=8)
    one_article = 1 / report["bare_pipe"]["articles_per_s"]
    pct = ["p50", "p95", "p99", "max"]
    seconds = [lat["p50_s"], lat["p95_s"], lat["p99_s"], lat["max_s"]]
    bars = right.bar(pct, seconds, color="#c0504d")
    right.bar_label(bars, fmt="%.2f")
    right.axhline(
        3 * one_article, color="black", linestyle="--", label=f"target: 3 x one article ({3 * one_article:.2f} s)"
    )
    right.set_ylabel("seconds, publish -> relations record")
    right.set_title(f"Latency at {lat['rate_articles_per_s']} articles/s, 1 worker")
    right.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=160, help="corpus size for (a), (b) and (c)")
    p.add_argument("--latency-articles", type=int, default=80, help="articles published at a fixed rate for (d)")
    p.add_argument("--profile-articles", type=int, default=48, help="articles for the py-spy profile of one worker")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--corpus", choices=tuple(CORPUS_WORDS), default="generated",
        help="generated articles (bench/corpus.py's templates) or wire articles joined from the dev and stream texts",
    )
    p.add_argument("--cli", action="store_true", help="also time `dyadwatch extract --jsonl` (adds ~a minute)")
    p.add_argument("--no-profile", action="store_true", help="skip the py-spy profile")
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    started = time.monotonic()
    report = run(args)
    report["bench_seconds"] = round(time.monotonic() - started, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.out / "report.md").write_text(markdown(report), encoding="utf-8")
    plot(report, PLOT)
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

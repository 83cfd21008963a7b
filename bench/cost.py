"""Bench layer: the cost curve: end-to-end throughput and worker RSS at 1, 2, 3 workers and three article lengths.

Usage: python -m bench.cost [--quick] [--workers 1,2,3] [--lengths 300,1500,5000] [--pin none,broker,split]
                            [--budget TOKENS] [--seed 7] [--out bench/out/cost.json] [--svg docs/cost-curve.svg]

For each length L, `articles_of_length` generates articles of about L tokens with bench/corpus.py's generator
(its length window set to L - w/2 .. L + w/2, w = max(80, L/5)); each length gets `budget / L` articles (at
least 18; `--quick`: a quarter of the budget, at least 6). In the same run, per length: bare `nlp.pipe` of the
default pipeline on the same texts (before and after the broker runs; their mean is the baseline) and the
worker's own BoundedExtractor in this process (whose output is the expected table); then for each worker count,
a fresh group of real `dyadwatch worker` processes on one local broker (bench.e2e.throughput, as bench.run).
Each cell records articles/s, tokens/s, ratio to bare and to one worker, VmRSS and VmHWM per worker (a worker
plus its children: the NLP process), CPU seconds of workers, broker and this process, and the load average.
`--pin` (one mode or several, each a cell of its own, back to back) pins with taskset after warm-up: `broker`
puts the broker and this process on CPU 0 and every worker on the other CPUs; `split` puts worker i on CPU
i mod ncpu and leaves the broker free; `none` pins nothing.
Writes the JSON report and the SVG plot (throughput vs workers, one line per length; peak RSS vs workers).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from bench import e2e, nlp
from bench.corpus import make_corpus
from bench.nlp import Timing, bare_pipe
from bench.run import KAFKA_LIBS, PARTITIONS, load, machine
from streams.core.models import Article, EnrichedArticle
from streams.kafka.local import LocalKafka

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "cost.json"
SVG = ROOT / "docs" / "cost-curve.svg"
BUDGET = 72_000
"""Tokens per length and cell in a full run (a quarter with --quick)."""
MIN_ARTICLES = 18
QUICK_MIN_ARTICLES = 6
PIN_MODES = ("none", "broker", "split")
HEADROOM = 1.3
"""The y axis runs to 1.3 x the highest value: the legend sits in the band above the lines."""
COLOURS = ["#3b75af", "#c0504d", "#4f9a4f", "#8064a2", "#f79646"]


def window(length: int) -> tuple[int, int]:
    """The generator's token window for articles of about `length` tokens (it needs at least 80 tokens of room)."""
    width = max(80, length // 5)
    return length - width // 2, length + width // 2


def article_count(length: int, budget: int, minimum: int) -> int:
    return max(minimum, round(budget / length))


def articles_of_length(length: int, n: int, seed: int) -> list[Article]:
    """`n` generated articles of about `length` tokens, ids `len{length}-00000`, ..."""
    low, high = window(length)
    return make_corpus(n, seed=seed + length, min_tokens=low, max_tokens=high, prefix=f"len{length}")


def bounded_core(articles: list[Article]) -> tuple[float, list[EnrichedArticle]]:
    """The worker's own extraction (BoundedExtractor with the worker's settings: parts, budgets) in this process:
    seconds, and the enriched articles that make the expected table (a 5,000-token article may be cut in parts)."""
    from threadpoolctl import threadpool_limits

    bounded = nlp.worker_core()  # the NLP process's own settings, the sentence prefilter among them
    received = datetime.now(UTC)
    with threadpool_limits(1, user_api="blas"):
        bounded.extract_many(articles[:2], received)  # warm-up
        started = time.perf_counter()
        results = bounded.extract_many(articles, received)
        seconds = time.perf_counter() - started
    refused = [r for r in results if not isinstance(r, EnrichedArticle)]
    if refused:
        raise RuntimeError(f"the worker's bounds refuse {len(refused)} bench articles: {refused[0]}")
    return seconds, [r for r in results if isinstance(r, EnrichedArticle)]


def taskset(pids: Sequence[int], cpus: str) -> None:
    """Pin every thread of each pid to `cpus` (a taskset list, e.g. "0" or "1-3")."""
    for pid in pids:
        subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(pid)], check=True, capture_output=True)


def pinner(mode: str, broker_pid: int, ncpu: int) -> Callable[[e2e.Group], None] | None:
    """What `--pin` does to a warm group just before its cell is timed (None: nothing)."""
    if mode == "none":
        return None
    if ncpu < 2:
        raise SystemExit("--pin needs at least 2 CPUs")

    def pin(group: e2e.Group) -> None:
        for i, worker in enumerate(group.procs):
            assert worker.proc is not None
            pids = [worker.proc.pid, *worker.children()]
            taskset(pids, f"1-{ncpu - 1}" if mode == "broker" else str(i % ncpu))
        if mode == "broker":
            taskset([broker_pid, os.getpid()], "0")

    return pin


def ratio(value: float, base: float) -> float | None:
    return round(value / base, 3) if base else None


def ratio_table(cells: list[dict[str, object]], bare: dict[int, float]) -> list[dict[str, object]]:
    """Per cell: tokens/s over bare nlp.pipe on the same length and over one worker on the same length; tokens
    per CPU second of the workers (with their NLP processes), which a machine shared with others does not
    bend as much as wall time; and how many cores workers, broker and bench used together over the cell."""
    one = {(c.get("pin", "none"), c["length"]): c["tokens_per_s"] for c in cells if c["workers"] == 1}
    rows = []
    for c in cells:
        key = (c.get("pin", "none"), c["length"])
        tokens_per_s, seconds = float(c["tokens_per_s"]), float(c["seconds"])  # type: ignore[arg-type]
        cpu: dict[str, float] = c["cpu_seconds"]  # type: ignore[assignment]
        rows.append(
            {
                "workers": c["workers"],
                "length": c["length"],
                "pin": key[0],
                "over_bare": ratio(tokens_per_s, bare[int(c["length"])]),  # type: ignore[call-overload]
                "over_one_worker": ratio(tokens_per_s, float(one[key]))  # type: ignore[arg-type]
                if key in one
                else None,
                "tokens_per_worker_cpu_s": round(tokens_per_s * seconds / cpu["workers"], 1)
                if cpu["workers"]
                else None,
                "cores_used": round(sum(cpu.values()) / seconds, 2),
            }
        )
    return rows


def run(args: argparse.Namespace) -> dict[str, object]:
    report: dict[str, object] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "pins": args.pin,
        "quick": args.quick,
        "load_at_start": load(),
    }
    budget = args.budget // 4 if args.quick else args.budget
    minimum = QUICK_MIN_ARTICLES if args.quick else MIN_ARTICLES
    corpora = {
        length: articles_of_length(length, article_count(length, budget, minimum), args.seed) for length in args.lengths
    }
    warm = make_corpus(6, seed=args.seed + 1, prefix="warm")
    lengths: dict[int, dict[str, object]] = {}
    expected: dict[int, e2e.Expectation] = {}
    for length, articles in corpora.items():
        texts = [a.text for a in articles]
        timing, _ = bare_pipe(texts)
        core_s, enriched = bounded_core(articles)
        expected[length] = e2e.Expectation.of(enriched)
        docs = timing.tokens / timing.articles
        lengths[length] = {
            "articles": len(articles),
            "tokens": timing.tokens,
            "tokens_per_article": round(docs, 1),
            "window": list(window(length)),
            "events": sum(expected[length].per_dyad.values()),
            "bare_before": {**timing.as_dict(), "load": load()},
            "core_in_process": Timing(len(articles), timing.tokens, core_s).as_dict(),
        }
        print(
            f"length {length}: {len(articles)} articles, {docs:.0f} spaCy tokens each; "
            f"bare {timing.tokens_per_s:.0f} tokens/s",
            flush=True,
        )
    _, warm_enriched = bounded_core(warm)
    warm_pair = (warm, e2e.Expectation.of(warm_enriched))
    cells: list[dict[str, object]] = []
    ncpu = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="dyadwatch-cost-") as tmp_dir:
        tmp = Path(tmp_dir)
        kafka = LocalKafka(tmp / "kafka", libs_dir=KAFKA_LIBS)
        bootstrap = kafka.start()
        broker_pid = kafka.status()["pid"]
        cases = [(length, pin, workers) for length in corpora for pin in args.pin for workers in args.workers]
        try:
            for length, pin, workers in cases:  # the cells compared with each other run back to back
                before = load()
                cell = e2e.throughput(
                    bootstrap,
                    tmp / f"w{workers}-l{length}-{pin}",
                    workers,
                    PARTITIONS,
                    warm_pair,
                    corpora[length],
                    expected[length],
                    int(lengths[length]["tokens"]),  # type: ignore[call-overload]
                    setup=pinner(pin, broker_pid, ncpu),
                    broker_pid=broker_pid,
                )
                if pin != "none":
                    taskset([broker_pid, os.getpid()], f"0-{ncpu - 1}")
                cell.update(length=length, pin=pin, load_before=before, load_after=load())
                cells.append(cell)
                print(
                    f"{workers} worker(s), length {length}, pin {pin}: {cell['articles_per_s']} articles/s, "
                    f"{cell['tokens_per_s']} tokens/s, RSS {cell['worker_vmrss_mb']} MB, "
                    f"load {cell['load_after']}",
                    flush=True,
                )
        finally:
            kafka.stop()
    for length, articles in corpora.items():
        timing, _ = bare_pipe([a.text for a in articles])
        lengths[length]["bare_after"] = {**timing.as_dict(), "load": load()}
    bare: dict[int, float] = {}
    for length, figures in lengths.items():
        pair = [float(figures[k]["tokens_per_s"]) for k in ("bare_before", "bare_after")]  # type: ignore[index]
        bare[length] = round(sum(pair) / 2, 1)
        figures["bare_tokens_per_s"] = bare[length]
        figures["bare_articles_per_s"] = round(bare[length] / float(figures["tokens_per_article"]), 3)  # type: ignore[arg-type]
    report["lengths"] = {str(k): v for k, v in lengths.items()}
    report["cells"] = cells
    report["ratios"] = ratio_table(cells, bare)
    report["load_at_end"] = load()
    report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


def markdown(report: dict) -> str:  # type: ignore[type-arg]
    """The cost-curve table: one row per cell."""
    ratios = {(r["workers"], r["length"], r["pin"]): r for r in report["ratios"]}
    lines = [
        "| workers | pin | length (tokens/article) | articles | articles/s | tokens/s | x bare | x 1 worker "
        "| RSS per worker, MB (VmRSS / VmHWM) | CPU s: workers / broker / bench | cores used "
        "| tokens per worker CPU s | load before -> after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in report["cells"]:
        r = ratios[(c["workers"], c["length"], c.get("pin", "none"))]
        figures = report["lengths"][str(c["length"])]
        rss = ", ".join(f"{a:.0f} / {b:.0f}" for a, b in zip(c["worker_vmrss_mb"], c["worker_vmhwm_mb"], strict=True))
        cpu = c["cpu_seconds"]
        lines.append(
            f"| {c['workers']} | {c.get('pin', 'none')} | {c['length']} ({figures['tokens_per_article']:.0f}) "
            f"| {c['articles']} "
            f"| {c['articles_per_s']:.2f} | {c['tokens_per_s']:.0f} | {r['over_bare']:.2f} "
            f"| {r['over_one_worker']:.2f} | {rss} | {cpu['workers']:.1f} / {cpu.get('broker', 0):.1f} / "
            f"{cpu['bench']:.1f} | {r['cores_used']:.2f} | {r['tokens_per_worker_cpu_s'] or 0:.0f} "
            f"| {c['load_before'][0]} -> {c['load_after'][0]} |"
        )
    lines += [
        "",
        "| length | bare nlp.pipe tokens/s (before, after; mean) | articles/s | worker's core in-process |",
        "|---|---|---|---|",
    ]
    for length, f in report["lengths"].items():
        lines.append(
            f"| {length} | {f['bare_before']['tokens_per_s']:.0f}, {f['bare_after']['tokens_per_s']:.0f}; "
            f"{f['bare_tokens_per_s']:.0f} | {f['bare_articles_per_s']:.2f} | "
            f"{f['core_in_process']['tokens_per_s']:.0f} tokens/s |"
        )
    return "\n".join(lines) + "\n"


def _panel(
    x0: float, title: str, ylabel: str, series: dict[str, list[tuple[int, float]]], dashed: dict[str, float]
) -> list[str]:
    """One line chart at horizontal offset x0: a polyline per series, a dashed level per entry of `dashed`."""
    width, height, left, top = 300.0, 200.0, 50.0, 30.0
    xs = sorted({x for points in series.values() for x, _ in points})
    top_value = max([y for points in series.values() for _, y in points] + list(dashed.values()) + [1.0]) * HEADROOM
    span = max(xs[-1] - xs[0], 1) if xs else 1

    def px(x: float) -> float:
        return x0 + left + (x - (xs[0] if xs else 0)) / span * width

    def py(y: float) -> float:
        return top + height - y / top_value * height

    out = [
        f'<text x="{x0 + left + width / 2}" y="18" text-anchor="middle" font-size="13">{escape(title)}</text>',
        f'<line x1="{x0 + left}" y1="{top + height}" x2="{x0 + left + width}" y2="{top + height}" stroke="#000"/>',
        f'<line x1="{x0 + left}" y1="{top}" x2="{x0 + left}" y2="{top + height}" stroke="#000"/>',
        f'<text x="{x0 + 12}" y="{top + height / 2}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 {x0 + 12} {top + height / 2})">{escape(ylabel)}</text>',
        f'<text x="{x0 + left + width / 2}" y="{top + height + 32}" font-size="11" text-anchor="middle">workers</text>',
    ]
    for x in xs:
        out.append(f'<text x="{px(x):.1f}" y="{top + height + 15}" font-size="10" text-anchor="middle">{x}</text>')
    for i in range(5):
        y = top_value / HEADROOM * i / 4
        out.append(f'<text x="{x0 + left - 4}" y="{py(y) + 3:.1f}" font-size="10" text-anchor="end">{y:.0f}</text>')
    for i, (name, points) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        coords = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in sorted(points))
        out.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"><title>'
            f"{escape(name)}</title></polyline>"
        )
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in points]
        if name in dashed:
            y = py(dashed[name])
            out.append(
                f'<line x1="{x0 + left}" y1="{y:.1f}" x2="{x0 + left + width}" y2="{y:.1f}" '
                f'stroke="{colour}" stroke-dasharray="5,4"/>'
            )
        out.append(
            f'<text x="{x0 + left + 8}" y="{top + 12 + 13 * i}" font-size="10" fill="{colour}">{escape(name)}</text>'
        )
    return out


def svg(report: dict) -> str:  # type: ignore[type-arg]
    """Left: tokens/s vs workers, one line per length, bare nlp.pipe dashed; right: peak RSS per worker."""
    throughput: dict[str, list[tuple[int, float]]] = {}
    rss: dict[str, list[tuple[int, float]]] = {}
    bare: dict[str, float] = {}
    for c in report["cells"]:
        pin = c.get("pin", "none")
        name = f"{c['length']} tokens" + ("" if pin == "none" else f", pin {pin}")
        throughput.setdefault(name, []).append((c["workers"], c["tokens_per_s"]))
        rss.setdefault(name, []).append((c["workers"], max(c["worker_vmhwm_mb"])))
        bare[name] = report["lengths"][str(c["length"])]["bare_tokens_per_s"]
    body = _panel(0, "Throughput, end to end (dashed: bare nlp.pipe)", "tokens / s", throughput, bare)
    body += _panel(390, "Peak RSS of one worker + its NLP process", "MB (VmHWM)", rss, {})
    note = (
        f"{report['machine']['nproc']} cores, load average {report['load_at_start'][0]} -> "
        f"{report['load_at_end'][0]}, {report['started_at']}"
    )
    body.append(f'<text x="10" y="292" font-size="10" fill="#555">{escape(note)}</text>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="760" height="300" viewBox="0 0 760 300" '
        'font-family="sans-serif">\n<rect width="760" height="300" fill="#fff"/>\n' + "\n".join(body) + "\n</svg>\n"
    )


def numbers(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def pin_modes(text: str) -> list[str]:
    modes = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [m for m in modes if m not in PIN_MODES]
    if unknown or not modes:
        raise argparse.ArgumentTypeError(f"pin modes are {', '.join(PIN_MODES)}; got {text!r}")
    return modes


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.cost", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a quarter of the tokens per cell: a first look")
    p.add_argument("--workers", type=numbers, default=[1, 2, 3])
    p.add_argument("--lengths", type=numbers, default=[300, 1500, 5000])
    p.add_argument("--pin", type=pin_modes, default=["none"], help="taskset pinning of broker and workers")
    p.add_argument("--budget", type=int, default=BUDGET, help="tokens per length and cell")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--svg", type=Path, default=SVG)
    args = p.parse_args(argv)
    started = time.monotonic()
    report = run(args)
    report["bench_seconds"] = round(time.monotonic() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    args.svg.parent.mkdir(parents=True, exist_ok=True)
    args.svg.write_text(svg(report), encoding="utf-8")
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

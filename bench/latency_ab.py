"""Bench: latency publish -> table with the sentence prefilter on and off at one fixed publish rate, back to back.

    PYTHONPATH=. .venv/bin/python -m bench.latency_ab [--articles 280] [--rate 2.4] [--order on,off,off,on]

`bench.run` publishes at half of each setup's own throughput, so an on/off pair there differs in rate as well;
here every run publishes the same articles at the same rate (`e2e.latency`, one worker, one broker for all runs).
Before each run, bare `nlp.pipe` over the first 40 articles gives "one article" (1 / its articles/s, as in
bench.run's ratio). Prints per run p50/p95/p99/max, the ratio to one article, the load average before and after,
and the slowest articles with their token counts; writes bench/out/latency-ab.json.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import e2e, nlp
from bench.corpus import count_tokens, make_corpus
from bench.run import KAFKA_LIBS, OUT, PARTITIONS, load
from streams.kafka.local import LocalKafka


def expectations(articles: list, warm: list, prefilter: str) -> dict:  # type: ignore[type-arg]
    os.environ["DYADWATCH_PREFILTER"] = prefilter
    timing, enriched = nlp.extraction_core(articles, 0, warm)
    return {"core_articles_per_s": round(timing.articles_per_s, 3), "by_id": {e.article_id: e for e in enriched}}


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.latency_ab", description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=280)
    p.add_argument("--rate", type=float, default=2.4, help="articles/s published, the same for every run")
    p.add_argument("--order", default="on,off,off,on")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    articles = make_corpus(args.articles, seed=args.seed)
    warm = make_corpus(6, seed=args.seed + 1, prefix="warm")
    tokens = {a.id: count_tokens(a.text) for a in articles}
    texts = [a.text for a in articles]
    setups = {v: expectations(articles, warm, v) for v in sorted(set(args.order.split(",")))}
    keys = {v: {i: len(e.relations) for i, e in s["by_id"].items()} for v, s in setups.items()}
    print(
        f"{len(articles)} articles, {sum(tokens.values())} tokens; events per setup "
        f"{ {v: sum(k.values()) for v, k in keys.items()} }; core articles/s "
        f"{ {v: s['core_articles_per_s'] for v, s in setups.items()} }",
        flush=True,
    )
    runs = []
    with tempfile.TemporaryDirectory(prefix="dyadwatch-latab-") as tmp_dir:
        tmp = Path(tmp_dir)
        kafka = LocalKafka(tmp / "kafka", libs_dir=KAFKA_LIBS)
        bootstrap = kafka.start()
        try:
            for n, setting in enumerate(args.order.split(",")):
                by_id = setups[setting]["by_id"]
                bare, one_call = nlp.bare_pipe(texts[:40])
                os.environ["DYADWATCH_PREFILTER"] = setting
                before, started = load(), datetime.now(UTC).strftime("%H:%M:%S")
                lat = e2e.latency(
                    bootstrap,
                    tmp / f"run{n}",
                    PARTITIONS,
                    args.rate,
                    (warm, e2e.Expectation.of([by_id[a.id] for a in warm])),
                    articles,
                    e2e.Expectation.of([by_id[a.id] for a in articles]),
                )
                one = 1 / bare.articles_per_s
                slow = sorted(lat["per_article_s"].items(), key=lambda kv: -kv[1])[:8]  # type: ignore[union-attr]
                run = {
                    "prefilter": setting,
                    "started": started,
                    "finished": datetime.now(UTC).strftime("%H:%M:%S"),
                    "load_before": before,
                    "load_after": load(),
                    "bare_articles_per_s": round(bare.articles_per_s, 3),
                    "one_article_s": round(one, 3),
                    "one_nlp_call_s": round(one_call, 3),
                    **{k: v for k, v in lat.items() if k != "per_article_s"},
                    "p50_over_one": round(lat["p50_s"] / one, 2),
                    "p95_over_one": round(lat["p95_s"] / one, 2),
                    "p99_over_one": round(lat["p99_s"] / one, 2),
                    "slowest": [(i, s, tokens[i], keys[setting][i]) for i, s in slow],
                    "per_article_s": lat["per_article_s"],
                }
                runs.append(run)
                print(json.dumps({k: v for k, v in run.items() if k != "per_article_s"}), flush=True)
        finally:
            kafka.stop()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "latency-ab.json").write_text(json.dumps({"tokens": tokens, "runs": runs}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Bench layer: in-process timings of the bare spaCy pipeline and of the extraction core on the same texts."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import spacy
from threadpoolctl import threadpool_limits

from streams.core.bounded import BoundedExtractor
from streams.core.bounds import Refused
from streams.core.extract import Extractor, freeze_loaded
from streams.core.models import Article, EnrichedArticle
from streams.core.pipeline import DEFAULT_MODEL, build_nlp

BATCH_SIZE = 16
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Timing:
    articles: int
    tokens: int
    seconds: float

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds

    def as_dict(self) -> dict[str, float]:
        return {
            "articles": self.articles,
            "tokens": self.tokens,
            "seconds": round(self.seconds, 3),
            "articles_per_s": round(self.articles_per_s, 3),
            "tokens_per_s": round(self.tokens_per_s, 1),
            "ms_per_article": round(1000 * self.seconds / self.articles, 1),
        }


def bare_pipe(texts: list[str]) -> tuple[Timing, float]:
    """The ceiling: the trained pipeline alone over `texts` with nlp.pipe; also the mean seconds of one nlp(text).

    Like the worker, with one BLAS thread (it is faster than two on 2 cores, so the ceiling is the higher one).
    """
    with threadpool_limits(1, user_api="blas"):
        return _bare_pipe(texts)


def _bare_pipe(texts: list[str]) -> tuple[Timing, float]:
    nlp = spacy.load(DEFAULT_MODEL)
    list(nlp.pipe(texts[:4], batch_size=BATCH_SIZE))  # warm-up: first-call allocations are not throughput
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=BATCH_SIZE))
    timing = Timing(len(texts), tokens, time.perf_counter() - started)
    singles = texts[: min(10, len(texts))]
    started = time.perf_counter()
    for text in singles:
        nlp(text)
    one = (time.perf_counter() - started) / len(singles)
    del nlp
    gc.collect()
    return timing, one


def extraction_core(
    articles: list[Article], tokens: int, untimed: list[Article]
) -> tuple[Timing, list[EnrichedArticle]]:
    """The worker's core in this process: the BoundedExtractor with the worker's settings (DYADWATCH_PREFILTER and
    the bounds), one BLAS thread; `untimed` warm it up, untimed. Its results are what the table must show."""
    with threadpool_limits(1, user_api="blas"):
        return _extraction_core(articles, tokens, untimed)


def worker_core() -> BoundedExtractor:
    """The worker's core as the NLP process builds it: the BoundedExtractor with the worker's settings."""
    from streams.nlp import nlp_config
    from streams.settings import Settings

    config = nlp_config(Settings())
    extractor = Extractor(build_nlp())
    freeze_loaded()  # as load_extractor does in the NLP process
    return BoundedExtractor(
        extractor,
        config.bounds,
        batch_size=BATCH_SIZE,
        prefilter=config.prefilter,
        prefilter_ner=config.prefilter_ner,
    )


def _extraction_core(
    articles: list[Article], tokens: int, untimed: list[Article]
) -> tuple[Timing, list[EnrichedArticle]]:
    bounded = worker_core()
    extra = _enriched(bounded.extract_many(untimed, datetime.now(UTC)))
    started = time.perf_counter()
    enriched = _enriched(bounded.extract_many(articles, datetime.now(UTC)))
    return Timing(len(articles), tokens, time.perf_counter() - started), [*enriched, *extra]


def _enriched(outcomes: list[EnrichedArticle | Refused]) -> list[EnrichedArticle]:
    refused = [o for o in outcomes if isinstance(o, Refused)]
    if refused:
        raise RuntimeError(f"{len(refused)} bench articles refused by the worker's bounds: {refused[0]}")
    return [o for o in outcomes if isinstance(o, EnrichedArticle)]


def extraction_cli(articles: list[Article], tokens: int) -> dict[str, float]:
    """`dyadwatch extract --jsonl` as a user runs it: wall time, and wall time minus a one-article run (start-up)."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("".join(a.model_dump_json() + "\n" for a in articles), encoding="utf-8")
        one = Path(tmp) / "one.jsonl"
        one.write_text(articles[0].model_dump_json() + "\n", encoding="utf-8")

        def wall(path: Path) -> float:
            started = time.perf_counter()
            command = [sys.executable, "-m", "streams.cli", "extract", "--jsonl", str(path), "--batch-size", "16"]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=dict(os.environ))
            return time.perf_counter() - started

        startup = wall(one)
        total = wall(corpus)
    net = max(total - startup, 1e-9)
    return {
        "articles": len(articles),
        "wall_seconds": round(total, 3),
        "startup_seconds": round(startup, 3),
        "articles_per_s_wall": round(len(articles) / total, 3),
        "articles_per_s_net": round(len(articles) / net, 3),
        "tokens_per_s_net": round(tokens / net, 1),
    }


def nlp_paths_ab(articles: list[Article], rounds: int = 3) -> list[dict[str, float]]:
    """Articles/s of the three ways the worker's NLP has run, alternated `rounds` times on the same articles in
    batches of BATCH_SIZE (alternation spreads the load of a shared machine over all three):
    `thread` the Extractor on a thread of the calling process (the worker before the NLP process),
    `bounded` the BoundedExtractor in the calling process (normalisation, parts, merge: the core's cost),
    `process` the NlpProcess (a spawn child, JSON both ways over a pipe: what the worker runs now)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime

    from streams.core.bounded import BoundedExtractor
    from streams.core.extract import load_extractor
    from streams.nlp import NlpProcess, nlp_config
    from streams.settings import Settings

    settings = Settings()
    config = nlp_config(settings)
    extractor = load_extractor()
    bounded = BoundedExtractor(
        extractor,
        config.bounds,
        batch_size=BATCH_SIZE,
        prefilter=config.prefilter,
        prefilter_ner=config.prefilter_ner,
    )
    process = NlpProcess(config, timeout=settings.nlp_timeout)
    process.start()
    batches = [articles[i : i + BATCH_SIZE] for i in range(0, len(articles), BATCH_SIZE)]
    thread = ThreadPoolExecutor(max_workers=1)

    async def through_thread() -> None:
        loop = asyncio.get_running_loop()
        for batch in batches:
            await loop.run_in_executor(thread, lambda b=batch: list(extractor.extract_many(b, batch_size=BATCH_SIZE)))

    async def through_bounded() -> None:
        for batch in batches:
            bounded.extract_many(batch, datetime.now(UTC))

    async def through_process() -> None:
        for batch in batches:
            await process.extract(batch, datetime.now(UTC))

    paths = {"thread": through_thread, "bounded": through_bounded, "process": through_process}
    results: list[dict[str, float]] = []
    try:
        with threadpool_limits(1, user_api="blas"):
            asyncio.run(through_process())  # warm both sides once, untimed
            list(extractor.extract_many(articles[:BATCH_SIZE], batch_size=BATCH_SIZE))
            for _ in range(rounds):
                row: dict[str, float] = {}
                for name, path in paths.items():
                    started = time.perf_counter()
                    asyncio.run(path())
                    row[name] = round(len(articles) / (time.perf_counter() - started), 3)
                results.append(row)
                print(row, flush=True)
    finally:
        process.stop()
    return results


if __name__ == "__main__":
    import argparse

    from bench.corpus import make_corpus

    parser = argparse.ArgumentParser(description="A/B of the worker's NLP paths (thread, bounded, process).")
    parser.add_argument("--articles", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    nlp_paths_ab(make_corpus(args.articles, seed=args.seed), args.rounds)

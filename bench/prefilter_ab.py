"""Bench: the sentence prefilter's effect on the worker's core, in-process, interleaved with the bare pipeline.

    .venv/bin/python -m bench.prefilter_ab [--articles 40] [--rounds 3]

Per round, on the same bench corpus (bench/corpus.py) and one BLAS thread: bare `nlp.pipe`, the
BoundedExtractor with the prefilter off, and with it on (on first in every other round); prints articles/s of each,
the ratios to bare in the same round, the share of tokens the prefilter keeps, and the load average.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime

import spacy
from threadpoolctl import threadpool_limits

from bench.corpus import make_corpus
from streams.core.bounded import BoundedExtractor
from streams.core.extract import Extractor
from streams.core.pipeline import DEFAULT_MODEL, build_nlp

BATCH = 16


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.prefilter_ab", description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=40)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    threadpool_limits(1, user_api="blas")
    articles = make_corpus(args.articles, seed=args.seed)
    texts = [a.text for a in articles]
    bare = spacy.load(DEFAULT_MODEL)
    extractor = Extractor(build_nlp())
    off = BoundedExtractor(extractor, batch_size=BATCH, prefilter=False)
    on = BoundedExtractor(extractor, batch_size=BATCH, prefilter=True)
    assert on.prefilter is not None
    docs = [extractor.nlp.make_doc(t) for t in texts]
    kept = sum(end - start for doc in docs for start, end in on.prefilter.kept(doc))
    print(f"{len(articles)} articles, {sum(map(len, docs))} tokens; prefilter keeps {kept / sum(map(len, docs)):.3f}")
    warm = make_corpus(4, seed=args.seed + 1, prefix="warm")
    list(bare.pipe([a.text for a in warm], batch_size=BATCH))
    off.extract_many(warm, datetime.now(UTC))
    on.extract_many(warm, datetime.now(UTC))

    def timed(run) -> float:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        run()
        return len(articles) / (time.perf_counter() - started)

    for round_ in range(args.rounds):
        load = os.getloadavg()[0]
        a = timed(lambda: list(bare.pipe(texts, batch_size=BATCH)))
        if round_ % 2:  # every other round the prefilter goes first: a load that falls or rises favours neither
            c = timed(lambda: on.extract_many(articles, datetime.now(UTC)))
            b = timed(lambda: off.extract_many(articles, datetime.now(UTC)))
        else:
            b = timed(lambda: off.extract_many(articles, datetime.now(UTC)))
            c = timed(lambda: on.extract_many(articles, datetime.now(UTC)))
        print(
            f"round {round_ + 1} (load {load:.1f}): bare {a:.2f}/s, core prefilter off {b:.2f}/s = {b / a:.2f} x bare, "
            f"on {c:.2f}/s = {c / a:.2f} x bare, on/off {c / b:.2f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

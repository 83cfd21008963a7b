"""Bench: where the worker's extraction core spends its CPU, stage by stage, beside bare `nlp.pipe` in the same run.

    PYTHONPATH=. .venv/bin/python -m bench.core_profile [--articles 48] [--seed 7] [--rounds 3] [--cprofile 40]

One process, one BLAS thread, the bench corpus (bench/corpus.py; `--texts stream|dev`: the stream fixture or the
dev texts instead). Each round times, in this process's CPU seconds
(a shared machine's other jobs do not count, as they do on the wall clock), bare `nlp.pipe` of the default model
over the texts (bench.nlp's ceiling) and the worker's core (`bench.nlp.worker_core`: the BoundedExtractor with the
worker's settings, prefilter on by default), the two in turns (each first every other round). In the core, the
stages are timed apart:

- the plan: normalising and tokenizing the text, the prefilter's choice of sentences (`Prefilter.kept`), and
  joining the kept runs into part Docs (`BoundedExtractor._joined`, which tokenizes them again);
- each pipeline component (a component's `pipe` is timed without the components before it in the stream);
- the Doc -> EnrichedArticle step (`doc_to_enriched`) and the merge of the parts (`BoundedExtractor._merge`);
- the garbage collector, wherever it ran (`gc.callbacks`);
- the rest of `extract_many` (spaCy's pipe plumbing, the plan's own loop).

Prints per round each stage's CPU seconds and its share of bare `nlp.pipe`'s CPU in the same round, and the core
over bare; `--ner-ab` alternates `DYADWATCH_PREFILTER_NER` on and off by round;
with `--cprofile N`, one more pass of the core under cProfile and its N top functions by own time.
Writes bench/out/core_profile.json.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import spacy
from threadpoolctl import threadpool_limits

import streams.core.bounded as bounded_module
from bench.corpus import make_corpus
from bench.nlp import BATCH_SIZE, worker_core
from streams.core.pipeline import DEFAULT_MODEL

OUT = Path(__file__).resolve().parents[1] / "bench" / "out" / "core_profile.json"
clock = time.process_time
SPENT: dict[str, float] = defaultdict(float)


class _Upstream:
    """The stream a component's `pipe` reads, timing how long pulling a Doc from upstream takes."""

    def __init__(self, stream: Iterable[Any]) -> None:
        self.stream = iter(stream)
        self.spent = 0.0

    def __iter__(self) -> _Upstream:
        return self

    def __next__(self) -> Any:
        started = clock()
        try:
            return next(self.stream)
        finally:
            self.spent += clock() - started


class _Timed:
    """A pipeline component whose calls are timed under its name."""

    def __init__(self, name: str, proc: Callable[..., Any]) -> None:
        self.name = name
        self.proc = proc

    def __call__(self, doc: Any, **kwargs: Any) -> Any:
        started = clock()
        try:
            return self.proc(doc, **kwargs)
        finally:
            SPENT[self.name] += clock() - started

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.proc, attr)


class _TimedPipe(_Timed):
    """A component with its own `pipe` (the trained ones batch there): timed without what upstream costs."""

    def pipe(self, stream: Iterable[Any], **kwargs: Any) -> Iterator[Any]:
        upstream = _Upstream(stream)
        inner = self.proc.pipe(upstream, **kwargs)
        while True:
            upstream.spent = 0.0
            started = clock()
            try:
                doc = next(inner)
            except StopIteration:
                SPENT[self.name] += clock() - started - upstream.spent
                return
            SPENT[self.name] += clock() - started - upstream.spent
            yield doc


def timed_function(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        started = clock()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[name] += clock() - started

    return run


def instrument(core: Any) -> None:
    """Time the core's stages (see the module doc) in SPENT, in place."""
    nlp = core.extractor.nlp
    nlp._components = [  # noqa: SLF001 - the pipeline's own list of (name, component)
        (name, (_TimedPipe if hasattr(proc, "pipe") else _Timed)(f"component {name}", proc))
        for name, proc in nlp._components  # noqa: SLF001
    ]
    tokenizer = nlp.tokenizer
    joining = [False]

    class Tokenizer:
        def __call__(self, text: str) -> Any:
            started = clock()
            try:
                return tokenizer(text)
            finally:
                SPENT["plan: tokenizer (again, joined runs)" if joining[0] else "plan: tokenizer"] += clock() - started

        def __getattr__(self, attr: str) -> Any:
            return getattr(tokenizer, attr)

    nlp.tokenizer = Tokenizer()
    normalise = core.bounds.normalise

    class BoundsProxy:
        def __getattr__(self, attr: str) -> Any:
            return getattr(proxied, attr)

        def normalise(self, text: str) -> str:
            started = clock()
            try:
                return normalise(text)
            finally:
                SPENT["plan: normalise"] += clock() - started

    proxied = core.bounds  # Bounds is frozen: normalise is timed through a stand-in
    core.bounds = BoundsProxy()
    if core.prefilter is not None:
        plan = core.prefilter.plan
        core.prefilter.plan = timed_function("plan: prefilter kept (sentences, matchers)", plan)
    joined = core._joined  # noqa: SLF001

    def joined_timed(*args: Any) -> Any:
        joining[0] = True
        started = clock()
        try:
            return joined(*args)
        finally:
            joining[0] = False
            SPENT["plan: joined runs (incl. tokenizer again)"] += clock() - started

    core._joined = joined_timed  # noqa: SLF001
    core._merge = timed_function("merge of the parts", core._merge)  # noqa: SLF001
    core._plan = timed_function("plan (all)", core._plan)  # noqa: SLF001
    bounded_module.doc_to_enriched = timed_function("doc_to_enriched", bounded_module.doc_to_enriched)
    gc_started = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started[0] = clock()
        else:
            SPENT[f"gc (generation {info['generation']})"] += clock() - gc_started[0]

    gc.callbacks.append(on_gc)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.core_profile", description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=48)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cprofile", type=int, default=0, help="also profile one pass; print this many functions")
    p.add_argument("--no-instrument", action="store_true", help="time the core whole, without the stage timers")
    p.add_argument(
        "--freeze-ab", action="store_true",
        help="alternate the rounds between the loaded pipeline frozen for the garbage collector (gc.freeze, as the "
        "NLP process does) and not (gc.unfreeze)",
    )
    p.add_argument(
        "--ner-ab", action="store_true",
        help="alternate the rounds between NER on the sentences the prefilter lists for it (DYADWATCH_PREFILTER_NER "
        "on, odd rounds) and NER on every kept sentence (off, even rounds)",
    )
    p.add_argument(
        "--texts", choices=("bench", "stream", "dev"), default="bench",
        help="the bench corpus (--articles of --seed), the war-and-trade stream fixture or the dev texts",
    )
    p.add_argument("--cprofile-dump", type=Path, help="write the cProfile stats here (pstats format)")
    args = p.parse_args(argv)
    threadpool_limits(1, user_api="blas")
    if args.texts == "bench":
        articles = make_corpus(args.articles, seed=args.seed)
    else:  # real wire copy names more than the dictionary holds (bench.ner_share)
        from bench.ner_share import text_sets

        articles = text_sets(0, args.seed)[args.texts]
    texts = [a.text for a in articles]
    warm = make_corpus(6, seed=args.seed + 1, prefix="warm")
    bare = spacy.load(DEFAULT_MODEL)
    core = worker_core()
    received = datetime.now(UTC)
    list(bare.pipe([a.text for a in warm], batch_size=BATCH_SIZE))
    core.extract_many(warm, received)
    tokens = sum(len(core.extractor.nlp.make_doc(t)) for t in texts)
    kept = (
        sum(end - start for t in texts for start, end in core.prefilter.kept(core.extractor.nlp.make_doc(t)))
        if core.prefilter is not None
        else tokens
    )
    print(f"{len(articles)} articles, {tokens} tokens, prefilter {'on' if core.prefilter else 'off'}"
          f" (keeps {kept / tokens:.3f})", flush=True)
    if not args.no_instrument:
        instrument(core)
    rounds = []
    for n in range(args.rounds):
        frozen = None
        if args.freeze_ab:
            frozen = n % 2 == 1
            gc.unfreeze()
            gc.collect()
            if frozen:
                gc.freeze()
        ner = None
        if args.ner_ab:
            ner = core.prefilter_ner = n % 2 == 0
        load = os.getloadavg()[0]
        runs: list[tuple[str, Callable[[], object]]] = [
            ("bare", lambda: list(bare.pipe(texts, batch_size=BATCH_SIZE))),
            ("core", lambda: core.extract_many(articles, received)),
        ]
        if n % 2:
            runs.reverse()
        cpu: dict[str, float] = {}
        for name, run in runs:
            if name == "core":
                SPENT.clear()
            started = clock()
            run()
            cpu[name] = clock() - started
        stages = dict(SPENT)
        accounted = sum(v for k, v in stages.items() if not k.startswith("plan: ") and not k.startswith("gc"))
        stages["rest of extract_many"] = cpu["core"] - accounted
        row = {"round": n + 1, "load": load, "frozen": frozen, "prefilter_ner": ner, "bare_cpu": cpu["bare"],
               "core_cpu": cpu["core"], "core_over_bare_speed": cpu["bare"] / cpu["core"], "stages": stages}
        rounds.append(row)
        how = "" if frozen is None else f", loaded pipeline {'frozen' if frozen else 'not frozen'} for gc"
        how += "" if ner is None else f", NER {'on the sentences listed for it' if ner else 'on every kept sentence'}"
        print(f"\nround {n + 1} (load {load:.1f}{how}): bare {cpu['bare']:.2f} CPU s, core {cpu['core']:.2f} CPU s, "
              f"core speed / bare {cpu['bare'] / cpu['core']:.3f}")
        if not args.no_instrument:
            print("| stage | CPU s | share of bare | ms/article |\n|---|---|---|---|")
            for name, value in sorted(stages.items(), key=lambda kv: -kv[1]):
                print(f"| {name} | {value:.3f} | {100 * value / cpu['bare']:.1f}% | "
                      f"{1000 * value / len(articles):.1f} |")
        print(flush=True)
    profile = ""
    if args.cprofile:
        profiler = cProfile.Profile()
        profiler.enable()
        core.extract_many(articles, received)
        profiler.disable()
        if args.cprofile_dump:
            profiler.dump_stats(args.cprofile_dump)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.cprofile)
        stats.sort_stats("cumulative").print_stats(r"streams/core", args.cprofile)
        profile = out.getvalue()
        print(profile)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"articles": len(articles), "tokens": tokens, "kept": kept, "rounds": rounds,
                               "cprofile": profile}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

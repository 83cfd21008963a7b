"""Bench: `dyad_attributes` and `dyad_lemmas` against spaCy's attribute_ruler and lemmatizer, alone and in the worker's
core, beside bare `nlp.pipe`.

    .venv/bin/python -m bench.attributes_ab [--articles 48] [--rounds 6] [--seed 7]

One process, one BLAS thread, the bench corpus (bench/corpus.py). Each round runs (a) each component alone on the
same Docs (copies of the Docs as they reach it): spaCy's AttributeRuler and ours, spaCy's Lemmatizer and ours, in
ms per article; (b) bare `nlp.pipe` (bench.nlp's ceiling), the worker's core (`bench.nlp.worker_core`) with our
components handing every Doc to spaCy's, and the same core with the lookups. The runs of (b) are interleaved
batch by batch (16 articles), each setup first in turn. It gives articles per second of wall time and of this
process's CPU time, and the ratios within the round (the machine is shared: only same-round ratios count). The two
cores' enriched articles are checked equal. Prints the load average per round; writes
bench/out/attributes_ab.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import spacy
from spacy.tokens import Doc
from threadpoolctl import threadpool_limits

from bench.corpus import make_corpus
from bench.nlp import BATCH_SIZE, worker_core
from streams.core.attributes import FastAttributes, FastLemmas
from streams.core.models import Article
from streams.core.pipeline import ATTRIBUTES, DEFAULT_MODEL

OUT = Path(__file__).resolve().parents[1] / "bench" / "out" / "attributes_ab.json"


def parsed_docs(nlp: spacy.Language, texts: list[str], component: str) -> list[Doc]:
    """The Docs as they reach `component`: every component before it, run on the whole text."""
    before = nlp.pipe_names[: nlp.pipe_names.index(component)]
    with nlp.select_pipes(enable=before):
        return list(nlp.pipe(texts, batch_size=BATCH_SIZE))


def component_ms(component: Callable[[Doc], Doc], docs: list[Doc]) -> float:
    copies = [doc.copy() for doc in docs]
    started = time.perf_counter()
    for doc in copies:
        component(doc)
    return 1000 * (time.perf_counter() - started) / len(docs)


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of this process for one run (one BLAS thread: CPU time is the work done, without the
    time a shared machine's other jobs took the core)."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.attributes_ab", description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=48)
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    threadpool_limits(1, user_api="blas")
    articles: list[Article] = make_corpus(args.articles, seed=args.seed)
    texts = [a.text for a in articles]
    warm = make_corpus(6, seed=args.seed + 1, prefix="warm")
    bare = spacy.load(DEFAULT_MODEL)
    core = worker_core()
    fast = core.extractor.nlp.get_pipe(ATTRIBUTES)
    lemmas = core.extractor.nlp.get_pipe("lemmatizer")
    assert isinstance(fast, FastAttributes) and isinstance(lemmas, FastLemmas)
    received = datetime.now(UTC)
    list(bare.pipe([a.text for a in warm], batch_size=BATCH_SIZE))
    core.extract_many(warm, received)
    docs = parsed_docs(core.extractor.nlp, texts, ATTRIBUTES)
    ruled = parsed_docs(core.extractor.nlp, texts, "lemmatizer")
    tokens = sum(len(doc) for doc in docs)
    print(f"{len(articles)} articles, {tokens} tokens; rules {len(fast.attrs)}", flush=True)

    outputs: dict[bool, list[object]] = {True: [], False: []}

    def core_run(chunk: list[Article], exact: bool, first: bool) -> Callable[[], object]:
        def go() -> object:
            fast.exact = lemmas.exact = exact  # False: our components hand every Doc to spaCy's
            try:
                result = core.extract_many(chunk, received)
            finally:
                fast.exact = lemmas.exact = True
            if first:
                outputs[exact].extend(result)
            return result

        return go

    chunks = [articles[i : i + BATCH_SIZE] for i in range(0, len(articles), BATCH_SIZE)]
    names = ["bare", "core_spacy", "core_lookup"]
    rounds = []
    for n in range(args.rounds):
        load = os.getloadavg()
        component = {
            "spacy_attribute_ruler": component_ms(fast.ruler, docs),
            "dyad_attributes": component_ms(fast, docs),
            "spacy_lemmatizer": component_ms(lemmas.lemmatizer, ruled),
            "dyad_lemmas": component_ms(lemmas, ruled),
        }
        wall = dict.fromkeys(names, 0.0)
        cpu = dict.fromkeys(names, 0.0)
        for k, chunk in enumerate(chunks):
            runs: dict[str, Callable[[], object]] = {
                "bare": lambda chunk=chunk: list(bare.pipe([a.text for a in chunk], batch_size=BATCH_SIZE)),
                "core_spacy": core_run(chunk, False, n == 0),
                "core_lookup": core_run(chunk, True, n == 0),
            }
            for name in names[(n + k) % 3 :] + names[: (n + k) % 3]:  # each first in turn
                w, c = timed(runs[name])
                wall[name] += w
                cpu[name] += c
        row = {
            "round": n + 1,
            "load_1_5_15": [round(x, 2) for x in load],
            "component_ms_per_article": {k: round(v, 2) for k, v in component.items()},
            "articles_per_s_wall": {k: round(len(articles) / v, 3) for k, v in wall.items()},
            "articles_per_cpu_s": {k: round(len(articles) / v, 3) for k, v in cpu.items()},
            **{
                f"{a}_over_{b}_{clock}": round(times[b] / times[a], 3)
                for a, b in (("core_spacy", "bare"), ("core_lookup", "bare"), ("core_lookup", "core_spacy"))
                for clock, times in (("wall", wall), ("cpu", cpu))
            },
        }
        rounds.append(row)
        print(
            f"round {n + 1} (load {load[0]:.1f}): ruler {component['spacy_attribute_ruler']:.1f} -> "
            f"{component['dyad_attributes']:.2f}, lemmatizer {component['spacy_lemmatizer']:.2f} -> "
            f"{component['dyad_lemmas']:.2f} ms/article; per CPU s: bare {len(articles) / cpu['bare']:.2f}, "
            f"core with spaCy's {row['core_spacy_over_bare_cpu']:.3f} x bare, with the lookups "
            f"{row['core_lookup_over_bare_cpu']:.3f} x bare (lookups/spaCy's "
            f"{row['core_lookup_over_core_spacy_cpu']:.3f}); wall: {row['core_spacy_over_bare_wall']:.3f} / "
            f"{row['core_lookup_over_bare_wall']:.3f} ({row['core_lookup_over_core_spacy_wall']:.3f})",
            flush=True,
        )
    same = outputs[True] == outputs[False]
    print(f"enriched articles of the two cores identical: {same}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": len(articles),
        "tokens": tokens,
        "seed": args.seed,
        "prefilter": core.prefilter is not None,
        "rounds": rounds,
        "outputs_identical": same,
    }
    OUT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())

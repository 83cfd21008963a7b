"""Bench: the extraction core's own (non-statistical) steps, each timed alone on the same Docs, beside bare
`nlp.pipe` in the same process.

    PYTHONPATH=. .venv/bin/python -m bench.core_parts [--articles 48] [--seed 7] [--reps 5]

One process, one BLAS thread, the bench corpus (bench/corpus.py) planned as the worker plans it
(`bench.nlp.worker_core`: the BoundedExtractor, prefilter on by default) and run once through the pipeline,
keeping the Docs. Then, `--reps` times, each step over all the Docs in this process's CPU seconds: the plan
(normalise + tokenizer, `Prefilter.kept`, the parts), each of dyadwatch's components (on copies of the Docs as
they reach it; the copy is not timed), the plain parse (`plain_mentions`, `plain_sentences`, `analyse`), the
rules (`extract_relations`, `extract_stances`), `doc_to_enriched`, and bare `nlp.pipe` over the texts. Prints
the least of each step's reps in ms per article and as a share of bare's least, the figure that moves least
with a shared machine's other work; writes bench/out/core_parts.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import spacy
from threadpoolctl import threadpool_limits

from bench.corpus import make_corpus
from bench.nlp import BATCH_SIZE, worker_core
from streams.core import extract
from streams.core.pipeline import DEFAULT_MODEL
from streams.core.rules import anaphora, assembly
from streams.core.rules import doc as rules_doc

OUT = Path(__file__).resolve().parents[1] / "bench" / "out" / "core_parts.json"
clock = time.process_time


def cpu(run: Callable[[], Any]) -> float:
    started = clock()
    run()
    return clock() - started


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.core_parts", description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=48)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    threadpool_limits(1, user_api="blas")
    articles = make_corpus(args.articles, seed=args.seed)
    texts = [a.text for a in articles]
    bare = spacy.load(DEFAULT_MODEL)
    core = worker_core()
    nlp = core.extractor.nlp
    received = datetime.now(UTC)
    core.extract_many(make_corpus(6, seed=args.seed + 1, prefix="warm"), received)
    list(bare.pipe(texts[:6], batch_size=BATCH_SIZE))

    def plans() -> list[Any]:
        return [core._plan(a, received) for a in articles]  # noqa: SLF001

    planned = plans()
    part_articles = [a for a, plan in zip(articles, planned, strict=True) for _ in plan.docs]
    part_docs = [d for plan in planned for d in plan.docs]
    ours = [n for n in nlp.pipe_names if n.startswith("dyad_") and n not in ("dyad_attributes", "dyad_dateline")]
    trained = [n for n in nlp.pipe_names if n not in ours]
    with nlp.select_pipes(enable=trained):
        stage = list(nlp.pipe([d.copy() for d in part_docs], batch_size=BATCH_SIZE))
    staged: dict[str, list[Any]] = {}
    for name in ours:
        staged[name] = stage
        component = nlp.get_pipe(name)
        stage = [component(d.copy()) for d in stage]
    final = stage
    mentions = [rules_doc.plain_mentions(d) for d in final]
    sentences = [rules_doc.plain_sentences(d, m, d._.discards or ()) for d, m in zip(final, mentions, strict=True)]
    analyses = [anaphora.analyse(s, m) for s, m in zip(sentences, mentions, strict=True)]
    tokens = sum(len(nlp.make_doc(t)) for t in texts)
    print(f"{len(articles)} articles, {tokens} tokens, {len(part_docs)} part Docs of {sum(map(len, part_docs))} "
          f"tokens, prefilter {'on' if core.prefilter else 'off'}", flush=True)

    steps: dict[str, Callable[[], Any]] = {
        "bare nlp.pipe": lambda: list(bare.pipe(texts, batch_size=BATCH_SIZE)),
        "plan: normalise + tokenizer": lambda: [nlp.tokenizer(core.bounds.normalise(t)) for t in texts],
        "plan (all: tokenizer, prefilter, parts)": plans,
    }
    if core.prefilter is not None:
        made = [nlp.tokenizer(core.bounds.normalise(t)) for t in texts]
        steps["plan: prefilter kept"] = lambda: [core.prefilter.kept(d) for d in made]  # type: ignore[union-attr]
    dateline = nlp.get_pipe("dyad_dateline")
    steps["component dyad_dateline"] = lambda: [dateline(d) for d in [x.copy() for x in part_docs]]
    for name in ours:
        component = nlp.get_pipe(name)
        steps[f"component {name}"] = (
            lambda component=component, name=name: [component(d) for d in [x.copy() for x in staged[name]]]
        )
    steps["  plain_mentions"] = lambda: [rules_doc.plain_mentions(d) for d in final]
    steps["  plain_sentences"] = lambda: [
        rules_doc.plain_sentences(d, m, d._.discards or ()) for d, m in zip(final, mentions, strict=True)
    ]
    steps["  analyse"] = lambda: [anaphora.analyse(s, m) for s, m in zip(sentences, mentions, strict=True)]
    steps["  extract_relations"] = lambda: [assembly.extract_relations(a) for a in analyses]
    steps["  extract_stances"] = lambda: [assembly.extract_stances(a) for a in analyses]
    steps["doc_to_enriched"] = lambda: [
        extract.doc_to_enriched(d, a, received) for d, a in zip(final, part_articles, strict=True)
    ]
    copies = {"component dyad_dateline"} | {f"component {n}" for n in ours}
    best: dict[str, float] = {}
    loads = []
    for _ in range(args.reps):
        loads.append(os.getloadavg()[0])
        for name, run in steps.items():
            if name in ("  extract_relations", "  extract_stances"):
                # fresh analyses each rep, made before the clock starts: what the rules keep on an Analysis as
                # they read it (mention texts, actors per token) must not carry over from the rep before
                fresh = [anaphora.analyse(s, m) for s, m in zip(sentences, mentions, strict=True)]
                rules = assembly.extract_relations if name == "  extract_relations" else assembly.extract_stances
                seconds = cpu(lambda fresh=fresh, rules=rules: [rules(a) for a in fresh])
            elif name in copies:
                # the copies are made before the clock starts: time the component alone
                docs = [x.copy() for x in (part_docs if name == "component dyad_dateline" else staged[name[10:]])]
                component = nlp.get_pipe(name[10:])
                seconds = cpu(lambda docs=docs, component=component: [component(d) for d in docs])
            else:
                seconds = cpu(run)
            best[name] = min(best.get(name, seconds), seconds)
    base = best["bare nlp.pipe"]
    print(f"load {min(loads):.1f}-{max(loads):.1f}; least of {args.reps} reps, CPU\n")
    print("| step | ms/article | share of bare |\n|---|---|---|")
    for name, seconds in best.items():
        print(f"| {name} | {1000 * seconds / len(articles):.2f} | {100 * seconds / base:.2f}% |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"articles": len(articles), "tokens": tokens, "loads": loads,
                                    "seconds": best}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

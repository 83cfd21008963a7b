"""Bench: the share of the prefilter's kept sentences and tokens that NER sees with `DYADWATCH_PREFILTER_NER` on.

    PYTHONPATH=. .venv/bin/python -m bench.ner_share [--articles 40] [--seed 7]

Per text set (the bench corpus of `--articles`, the sample articles, the war-and-trade stream fixture, the dev
texts of the labelled corpus; never the test split) it runs the worker's BoundedExtractor (prefilter on, NER
prefilter on) once and counts, by wrapping the trained ner that `dyad_ner` holds: the articles' tokens, the tokens
the prefilter keeps, the kept sentences and those listed for NER (sure; maybe, and of those the tagger sent to
NER), and the tokens handed to the trained ner (the runs with their context of `NER_CONTEXT` tokens either side).
No timing: a share of tokens is what NER's CPU follows (docs/benchmarks.md, "NER only where it can matter").
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spacy.tokens import Doc
from threadpoolctl import threadpool_limits

from bench.corpus import make_corpus
from streams.core.bounded import BoundedExtractor
from streams.core.extract import load_extractor
from streams.core.models import Article
from streams.core.prefilter import MAYBE_TAGS, NerWhereNeeded

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
RECEIVED = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def text_sets(articles: int, seed: int) -> dict[str, list[Article]]:
    stream = DATA / "streams" / "war-and-trade.jsonl"
    dev = DATA / "events" / "dev.jsonl"
    return {
        "bench": make_corpus(articles, seed=seed),
        "samples": [
            Article(id=f"sample-{path.stem}", text=path.read_text("utf-8"))
            for path in sorted((DATA / "samples").glob("*.txt"))
        ],
        "stream": [
            Article.model_validate_json(line) for line in stream.read_text("utf-8").splitlines() if line.strip()
        ],
        "dev": [
            Article(id=row["id"], text=row["text"])
            for row in map(json.loads, filter(str.strip, dev.read_text("utf-8").splitlines()))
        ],
    }


class Counter:
    """Wraps the trained ner: counts the Docs and tokens it is handed, and the listed sentences of the part Docs."""

    def __init__(self, component: NerWhereNeeded) -> None:
        self.component = component
        self.trained = component.ner
        self.ner_tokens = 0
        self.kept_tokens = 0
        self.listed = self.sure = self.maybe = self.maybe_sent = 0

    def parts(self, docs: Iterable[Doc]) -> Iterator[Doc]:
        for doc in docs:
            self.kept_tokens += len(doc)
            for sentence in doc._.ner_sentences or ():
                self.listed += 1
                if sentence.sure:
                    self.sure += 1
                else:
                    self.maybe += 1
                    self.maybe_sent += any(doc[i].tag_ in MAYBE_TAGS for i in sentence.maybe)
            yield doc

    def pipe(self, docs, batch_size: int = 128):  # type: ignore[no-untyped-def]
        """Stands in for the trained ner inside `dyad_ner`: counts, then hands the Docs on."""
        docs = list(docs)
        self.ner_tokens += sum(map(len, docs))
        return self.trained.pipe(docs, batch_size=batch_size)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.ner_share", description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=40)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    threadpool_limits(1, user_api="blas")
    extractor = load_extractor()
    component = extractor.nlp.get_pipe("ner")
    assert isinstance(component, NerWhereNeeded)
    bounded = BoundedExtractor(extractor, prefilter=True, prefilter_ner=True)
    assert bounded.prefilter is not None
    print(
        "| texts | articles | tokens | kept by the prefilter | kept sentences | listed for NER (sure + maybe) "
        "| sent to NER | tokens NER sees / kept | / all |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, articles in text_sets(args.articles, args.seed).items():
        counter = Counter(component)
        pipe = component.pipe

        def counted(docs: Iterable[Doc], batch_size: int = 128, c: Counter = counter, p: Any = pipe) -> Iterator[Doc]:
            return p(c.parts(docs), batch_size)  # type: ignore[no-any-return]

        component.ner = counter
        component.pipe = counted  # type: ignore[method-assign]
        try:
            bounded.extract_many(articles, RECEIVED)
        finally:
            component.pipe = pipe  # type: ignore[method-assign]
            component.ner = counter.trained
        docs = [extractor.nlp.make_doc(bounded.bounds.normalise(a.text)) for a in articles]
        tokens = sum(map(len, docs))
        sentences = 0
        for doc in docs:
            kept = bounded.prefilter.kept(doc)
            sentences += sum(any(a <= s < b for a, b in kept) for s, _ in bounded.prefilter.sentences(doc))
        sent = counter.sure + counter.maybe_sent
        print(
            f"| {name} | {len(articles)} | {tokens:,} | {counter.kept_tokens / tokens:.3f} | {sentences:,} | "
            f"{counter.listed:,} ({counter.sure:,} + {counter.maybe:,}) | {sent:,} ({sent / max(sentences, 1):.3f}) | "
            f"{counter.ner_tokens / max(counter.kept_tokens, 1):.3f} | {counter.ner_tokens / tokens:.3f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

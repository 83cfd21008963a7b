"""Bench: the extraction core's whole output on fixed texts, written out so that two versions of the code can be
compared byte for byte (a speed change must not change one event, entity or stance).

    PYTHONPATH=. .venv/bin/python -m bench.core_identity --out /tmp/before    # on the old code
    PYTHONPATH=. .venv/bin/python -m bench.core_identity --out /tmp/after     # on the new code
    cmp -s /tmp/before/bounded-on.jsonl /tmp/after/bounded-on.jsonl && echo same   # and so on per file

The texts: the bench corpus (`bench/corpus.py`, `--articles` of seed `--seed`), a few articles long enough to be
analysed in parts (over `DYADWATCH_PART_TOKENS`), the war-and-trade stream fixture, the sample articles and the
dev texts of the labelled corpus (tests/data/events/dev.jsonl; never the test split). Each goes through three
paths, one file each: the worker's `BoundedExtractor` with the prefilter on (`bounded-on.jsonl`) and off
(`bounded-off.jsonl`), and the plain `Extractor` (`extractor.jsonl`), all on the process-wide `load_extractor()`;
`--paths` may add `bounded-on-allner` (the prefilter on, NER on every kept sentence: `DYADWATCH_PREFILTER_NER=false`,
what `bounded-on` was before the NER prefilter).
A line is one EnrichedArticle's JSON, with one fixed arrival time.
Prints per file its articles, entities, events, stances and sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from threadpoolctl import threadpool_limits

from bench.corpus import make_corpus
from streams.core.bounded import BoundedExtractor
from streams.core.bounds import Bounds, Refused
from streams.core.extract import load_extractor
from streams.core.models import Article, EnrichedArticle

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
RECEIVED = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
BATCH = 16


def texts(articles: int, seed: int) -> list[Article]:
    corpus = make_corpus(articles, seed=seed)
    long = make_corpus(3, seed=seed + 4, min_tokens=5_500, max_tokens=12_000, prefix="long")
    stream = [
        Article.model_validate_json(line)
        for line in (DATA / "streams" / "war-and-trade.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    samples = [
        Article(id=f"sample-{path.stem}", text=path.read_text("utf-8"))
        for path in sorted((DATA / "samples").glob("*.txt"))
    ]
    dev = []
    for line in (DATA / "events" / "dev.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            dev.append(Article(id=row["id"], text=row["text"]))
    return [*corpus, *long, *stream, *samples, *dev]


def line_of(outcome: EnrichedArticle | Refused) -> str:
    if isinstance(outcome, Refused):
        return json.dumps({"refused": outcome.error_type, "reason": outcome.reason})
    return outcome.model_dump_json()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.core_identity", description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True, help="a folder for the three files")
    p.add_argument("--articles", type=int, default=160)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--paths", default="bounded-on,bounded-off,extractor")
    args = p.parse_args(argv)
    threadpool_limits(1, user_api="blas")
    args.out.mkdir(parents=True, exist_ok=True)
    articles = texts(args.articles, args.seed)
    extractor = load_extractor()  # as the NLP process loads it
    for path in args.paths.split(","):
        if path == "extractor":
            outcomes: list[EnrichedArticle | Refused] = list(
                extractor.extract_many(articles, batch_size=BATCH, received_at=RECEIVED)
            )
        else:
            bounded = BoundedExtractor(
                extractor,
                Bounds(),
                batch_size=BATCH,
                prefilter=path.startswith("bounded-on"),
                prefilter_ner=path != "bounded-on-allner",
            )
            outcomes = bounded.extract_many(articles, RECEIVED)
        lines = [line_of(o) for o in outcomes]
        body = "".join(line + "\n" for line in lines)
        (args.out / f"{path}.jsonl").write_text(body, encoding="utf-8")
        done = [o for o in outcomes if isinstance(o, EnrichedArticle)]
        print(
            f"{path}: {len(outcomes)} articles ({len(outcomes) - len(done)} refused), "
            f"{sum(len(o.entities) for o in done)} entities, {sum(len(o.relations) for o in done)} events, "
            f"{sum(len(o.stances) for o in done)} stances, sha256 {hashlib.sha256(body.encode()).hexdigest()[:16]}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

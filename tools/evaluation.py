"""Tools: scores extracted events and stances against the labelled corpus (tests/data/events; bench/eval_extraction)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from streams.core.cameo import is_cooperative, quad_class_of, root_of
from streams.core.models import Article, EnrichedArticle

DATA_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "events"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "bench" / "out" / "quality.json"
SPLITS = ("dev", "test")
LEVELS = ("dyad", "directed_polarity", "directed_quad")
"""Event levels, loosest first: unordered pair; source->target with cooperation/conflict; with quad class."""
CONSTRUCTIONS = (
    "article", "capital", "coordination", "dateline", "demonym", "former-official", "intended", "long",
    "mediation", "metonymy", "named-official", "negation", "nominal", "passive", "place-target", "possessive",
    "prepositional", "reciprocal", "reported", "title",
)  # fmt: skip
"""The corpus tags that name how an event is written (tests/data/events/README.md), for the recall table."""
UNDATED_DAY = datetime(2025, 6, 1, tzinfo=UTC)
"""The day an item without `published_at` is scored on, so the figures do not move with the calendar (a
named official holds a role by date; tests/data/events/README.md)."""


MODES_TAG = "modes"
"""Items with this tag mark every background event (`"mode": "background"`); only they are scored for modes."""


@dataclass(frozen=True)
class Event:
    source: str
    target: str
    cameo: str
    quad: int
    background: bool = False
    """Referred to only as context (gold `"mode": "background"`, or an extracted `Relation.mode`)."""

    @property
    def root(self) -> int:
        return root_of(self.cameo)

    def key(self, level: str) -> tuple[str, ...]:
        """What must agree for a gold and a predicted event to match at `level` (see LEVELS)."""
        if level == "dyad":
            low, high = sorted((self.source, self.target))
            return (low, high)
        if level == "directed_polarity":
            return (self.source, self.target, "coop" if is_cooperative(self.quad) else "conflict")
        if level == "directed_quad":
            return (self.source, self.target, str(self.quad))
        if level == "directed_root":
            return (self.source, self.target, str(self.root))
        raise ValueError(f"unknown level {level!r}; use one of {LEVELS + ('directed_root',)}")

    def __str__(self) -> str:
        return f"{self.source}->{self.target} {self.cameo} q{self.quad}"


@dataclass(frozen=True)
class StanceKey:
    holder: str
    polarity: str
    target: str | None

    def __str__(self) -> str:
        return f"{self.holder} {self.polarity} {self.target or '-'}"


@dataclass(frozen=True)
class Labels:
    """What one item says happened: the gold annotation, or a prediction reduced to what is scored."""

    events: tuple[Event, ...] = ()
    stances: tuple[StanceKey, ...] = ()


@dataclass(frozen=True)
class GoldItem:
    id: str
    text: str
    labels: Labels
    actors: tuple[str, ...] = ()
    """Actor codes mentioned, in order of first mention: the input of the gold-actor baseline."""
    tags: tuple[str, ...] = ()
    published_at: datetime | None = None
    """When the item's article appeared, if the item says (named officials hold their roles by date)."""


def parse_gold_line(line: str) -> GoldItem:
    """One corpus line (format in tests/data/events/README.md) to a GoldItem, checking the codes."""
    raw = json.loads(line)
    item_id = raw["id"]
    events = []
    for ev in raw.get("events", []):
        cameo = str(ev["cameo"])
        if len(cameo) < 3 or not cameo.isdigit():
            raise ValueError(f"{item_id}: cameo {cameo!r} needs at least 3 digits, e.g. '042' or '190'")
        quad = quad_class_of(int(cameo[:2]))
        if ev.get("quad", quad) != quad:
            raise ValueError(f"{item_id}: quad {ev['quad']} does not fit cameo {cameo}; it should be {quad}")
        if ev["source"] == ev["target"]:
            raise ValueError(f"{item_id}: self-dyad {ev['source']}; code events between two distinct actors")
        if ev.get("mode", "background") != "background":
            raise ValueError(f"{item_id}: mode {ev['mode']!r}: mark background events only, as 'mode': 'background'")
        events.append(Event(ev["source"], ev["target"], cameo, quad, ev.get("mode") == "background"))
    stances = [StanceKey(st["holder"], st["polarity"], st.get("target")) for st in raw.get("stances", [])]
    return GoldItem(
        id=item_id,
        text=raw["text"],
        labels=Labels(tuple(events), tuple(stances)),
        actors=tuple(raw.get("actors", [])),
        tags=tuple(raw.get("tags", [])),
        published_at=datetime.fromisoformat(raw["published_at"]) if raw.get("published_at") else None,
    )


def load_gold(path: Path) -> list[GoldItem]:
    with path.open(encoding="utf-8") as lines:
        return [parse_gold_line(line) for line in lines if line.strip()]


def articles_for(items: Iterable[GoldItem]) -> list[Article]:
    """The items as articles; an undated item speaks on `UNDATED_DAY`, not on the day it is scored."""
    return [Article(id=item.id, text=item.text, published_at=item.published_at or UNDATED_DAY) for item in items]


def labels_of(article: EnrichedArticle) -> Labels:
    events = tuple(Event(r.source, r.target, r.cameo, r.quad_class, r.mode == "background") for r in article.relations)
    stances = tuple(StanceKey(s.holder, s.polarity, s.target) for s in article.stances)
    return Labels(events, stances)


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    def add(self, gold: Counter[Any], predicted: Counter[Any]) -> None:
        """Count one item's multiset match."""
        matched = gold & predicted
        self.tp += sum(matched.values())
        self.fp += sum((predicted - matched).values())
        self.fn += sum((gold - matched).values())

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class RootRecall:
    gold: int = 0
    directed: int = 0
    """Gold events of this root whose source->target was predicted with any code."""
    same_root: int = 0


@dataclass(frozen=True)
class ErrorExample:
    item_id: str
    kind: str
    """"missed" (gold, not predicted) or "spurious" (predicted, not in gold), at the directed_quad level."""
    event: Event
    text: str


@dataclass
class Report:
    levels: dict[str, PRF] = field(default_factory=lambda: {level: PRF() for level in LEVELS})
    stance: PRF = field(default_factory=PRF)
    per_root: dict[int, RootRecall] = field(default_factory=dict)
    root_confusions: Counter[tuple[int, int]] = field(default_factory=Counter)
    """(gold root, predicted root) for events whose direction matched but whose root did not."""
    errors: list[ErrorExample] = field(default_factory=list)
    per_tag: dict[str, PRF] = field(default_factory=dict)
    """directed_quad counts over the items carrying each corpus tag (negation, passive, no-event, ...)."""
    per_construction: dict[str, dict[str, PRF]] = field(default_factory=dict)
    """Counts at each level over the items carrying each construction tag (`CONSTRUCTIONS`)."""
    background: PRF = field(default_factory=PRF)
    """Background events (directed_quad) on the items tagged `modes`: does the extractor tell context from news?"""
    items: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            **{level: prf.as_dict() for level, prf in self.levels.items()},
            "stance": self.stance.as_dict(),
            "background": self.background.as_dict(),
            "per_root_recall": {
                f"{root:02d}": {"gold": rr.gold, "directed": rr.directed, "same_root": rr.same_root}
                for root, rr in sorted(self.per_root.items())
            },
            "root_confusions": [
                {"gold_root": f"{g:02d}", "predicted_root": f"{p:02d}", "count": n}
                for (g, p), n in self.root_confusions.most_common()
            ],
            "per_tag": {tag: prf.as_dict() for tag, prf in sorted(self.per_tag.items())},
            "per_construction_recall": {
                tag: {level: round(prf.recall, 4) for level, prf in levels.items()} | {"gold": levels["dyad"].gold}
                for tag, levels in sorted(self.per_construction.items())
            },
            "errors": {
                "missed": sum(1 for e in self.errors if e.kind == "missed"),
                "spurious": sum(1 for e in self.errors if e.kind == "spurious"),
            },
        }


def score(items: Sequence[GoldItem], predictions: Mapping[str, Labels]) -> Report:
    """Micro-averaged P/R/F1, multiset matching inside each item; a missing prediction predicts nothing."""
    report = Report(items=len(items))
    for item in items:
        gold, predicted = item.labels, predictions.get(item.id, Labels())
        constructions = [report.per_construction.setdefault(tag, {}) for tag in item.tags if tag in CONSTRUCTIONS]
        for level, prf in report.levels.items():
            gold_keys = Counter(e.key(level) for e in gold.events)
            predicted_keys = Counter(e.key(level) for e in predicted.events)
            prf.add(gold_keys, predicted_keys)
            for levels in constructions:
                levels.setdefault(level, PRF()).add(gold_keys, predicted_keys)
        gold_quads = Counter(e.key("directed_quad") for e in gold.events)
        predicted_quads = Counter(e.key("directed_quad") for e in predicted.events)
        for tag in item.tags:
            report.per_tag.setdefault(tag, PRF()).add(gold_quads, predicted_quads)
        report.stance.add(Counter(gold.stances), Counter(predicted.stances))
        if MODES_TAG in item.tags:
            report.background.add(
                Counter(e.key("directed_quad") for e in gold.events if e.background),
                Counter(e.key("directed_quad") for e in predicted.events if e.background),
            )
        _count_roots(report, gold.events, predicted.events)
        _collect_errors(
            report, item, predicted.events, gold_quads - predicted_quads, predicted_quads - gold_quads
        )
    return report


def _count_roots(report: Report, gold: Sequence[Event], predicted: Sequence[Event]) -> None:
    directed_left = Counter((e.source, e.target) for e in predicted)
    root_left = Counter(e.key("directed_root") for e in predicted)
    unmatched_gold: list[Event] = []
    for event in gold:
        recall = report.per_root.setdefault(event.root, RootRecall())
        recall.gold += 1
        if directed_left[(event.source, event.target)] > 0:
            directed_left[(event.source, event.target)] -= 1
            recall.directed += 1
        if root_left[event.key("directed_root")] > 0:
            root_left[event.key("directed_root")] -= 1
            recall.same_root += 1
        else:
            unmatched_gold.append(event)
    unmatched_pred = [e for e in predicted if root_left[e.key("directed_root")] > 0]
    for event in unmatched_gold:
        partner = next(
            (p for p in unmatched_pred if (p.source, p.target) == (event.source, event.target)), None
        )
        if partner is not None:
            unmatched_pred.remove(partner)
            report.root_confusions[(event.root, partner.root)] += 1


def _collect_errors(
    report: Report,
    item: GoldItem,
    predicted: Sequence[Event],
    missed: Counter[tuple[str, ...]],
    spurious: Counter[tuple[str, ...]],
) -> None:
    for kind, left, events in (("missed", missed, item.labels.events), ("spurious", spurious, predicted)):
        for event in events:
            if left[event.key("directed_quad")] > 0:
                left[event.key("directed_quad")] -= 1
                report.errors.append(ErrorExample(item.id, kind, event, item.text))


def cooccurrence_baseline(actors: Sequence[str]) -> Labels:
    """The scale baseline: every two distinct actors, in order of first mention, as one verbal cooperation."""
    distinct = list(dict.fromkeys(actors))
    return Labels(tuple(Event(a, b, "010", 1) for a, b in combinations(distinct, 2)))


def extracted_actors(article: EnrichedArticle) -> list[str]:
    """The extractor's resolved actor mentions in text order (what its own baseline pairs up)."""
    return [e.actor for e in sorted(article.entities, key=lambda e: e.start) if e.actor]


Predictor = Callable[[list[Article]], Iterable[EnrichedArticle]]


def extractor_predictor(articles: list[Article]) -> Iterable[EnrichedArticle]:
    # Imported here so the scoring functions and their tests need neither spaCy nor the model.
    from streams.core.extract import Extractor

    return list(Extractor().extract_many(articles))


def worker_predictor(prefilter: bool, prefilter_ner: bool = True) -> Predictor:
    """The worker's path: the BoundedExtractor with the default bounds, the prefilter on or off (and with it, NER
    on the sentences it lists for NER, or on all it keeps)."""

    def predict(articles: list[Article]) -> Iterable[EnrichedArticle]:
        from streams.core.bounded import BoundedExtractor
        from streams.core.extract import load_extractor

        bounded = BoundedExtractor(load_extractor(), prefilter=prefilter, prefilter_ner=prefilter_ner)
        outcomes = bounded.extract_many(articles, datetime.now(UTC))
        refused = [o for o in outcomes if not isinstance(o, EnrichedArticle)]
        if refused:
            raise RuntimeError(f"{len(refused)} gold articles refused by the bounds: {refused[0]}")
        return [o for o in outcomes if isinstance(o, EnrichedArticle)]

    return predict


@dataclass
class SplitResult:
    extractor: Report
    baseline_gold_actors: Report
    baseline_extractor_actors: Report


def evaluate_split(items: Sequence[GoldItem], predict: Predictor) -> SplitResult:
    enriched = {article.article_id: article for article in predict(articles_for(items))}
    missing = [item.id for item in items if item.id not in enriched]
    if missing:
        raise ValueError(
            f"the predictor returned no EnrichedArticle for {missing[:5]}; it must return one per article"
        )
    return SplitResult(
        extractor=score(items, {key: labels_of(article) for key, article in enriched.items()}),
        baseline_gold_actors=score(items, {item.id: cooccurrence_baseline(item.actors) for item in items}),
        baseline_extractor_actors=score(
            items,
            {key: cooccurrence_baseline(extracted_actors(article)) for key, article in enriched.items()},
        ),
    )


def format_table(results: Mapping[str, SplitResult]) -> str:
    header = (
        f"{'split':<6} {'system':<22} {'level':<18} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
    )
    rows = [header, "-" * len(header)]
    for split, result in results.items():
        systems = (
            ("extractor", result.extractor),
            ("baseline/gold-actors", result.baseline_gold_actors),
            ("baseline/extr-actors", result.baseline_extractor_actors),
        )
        for name, report in systems:
            measured = list(report.levels.items()) + (
                [("stance", report.stance), ("background", report.background)] if name == "extractor" else []
            )
            for level, prf in measured:
                rows.append(
                    f"{split:<6} {name:<22} {level:<18} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f}"
                    f" {prf.tp:5d} {prf.fp:5d} {prf.fn:5d}"
                )
        rows.append("")
    return "\n".join(rows)


def format_roots(report: Report) -> str:
    rows = ["root  gold  directed  same_root"]
    for root, rr in sorted(report.per_root.items()):
        rows.append(f"{root:02d}    {rr.gold:4d}  {rr.directed:8d}  {rr.same_root:9d}")
    confusions = ", ".join(f"{g:02d}->{p:02d} x{n}" for (g, p), n in report.root_confusions.most_common(12))
    rows.append(f"root confusions (gold->predicted): {confusions or 'none'}")
    return "\n".join(rows)


def format_tags(report: Report) -> str:
    rows = [f"{'tag':<18} {'P':>6} {'R':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for tag, prf in sorted(report.per_tag.items()):
        rows.append(f"{tag:<18} {prf.precision:6.3f} {prf.recall:6.3f} {prf.tp:4d} {prf.fp:4d} {prf.fn:4d}")
    return "\n".join(rows)


def format_constructions(report: Report) -> str:
    rows = [f"{'construction':<18} {'gold':>4} {'R dyad':>7} {'R polar':>7} {'R quad':>7}"]
    for tag, levels in sorted(report.per_construction.items()):
        recalls = " ".join(f"{levels[level].recall:7.3f}" for level in LEVELS)
        rows.append(f"{tag:<18} {levels['dyad'].gold:4d} {recalls}")
    return "\n".join(rows)


def format_errors(report: Report, limit: int) -> str:
    rows = []
    for error in report.errors[:limit]:
        rows.append(f"{error.kind:<8} {error.item_id:<10} {error.event}  | {error.text[:110]}")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None, predict: Predictor = extractor_predictor) -> int:
    parser = argparse.ArgumentParser(description="Score the extractor on the labelled event corpus.")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--show-errors", action="store_true", help="print missed and spurious events")
    parser.add_argument("--errors-limit", type=int, default=60)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the JSON report")
    parser.add_argument(
        "--prefilter",
        choices=("on", "off"),
        help="score the worker's path (BoundedExtractor) with the sentence prefilter on or off instead of the "
        "Extractor alone",
    )
    parser.add_argument(
        "--prefilter-ner",
        choices=("on", "off"),
        default="on",
        help="with --prefilter on: NER only on the kept sentences the prefilter lists for it (on, the default) or "
        "on every kept sentence (off)",
    )
    args = parser.parse_args(argv)
    if args.prefilter:
        predict = worker_predictor(args.prefilter == "on", args.prefilter_ner == "on")
    splits = SPLITS if args.split == "all" else (args.split,)
    results = {
        split: evaluate_split(load_gold(args.data_dir / f"{split}.jsonl"), predict) for split in splits
    }
    print(format_table(results))
    for split, result in results.items():
        print(f"[{split}] per-root recall of the extractor\n{format_roots(result.extractor)}\n")
        print(f"[{split}] extractor by corpus tag (directed_quad)\n{format_tags(result.extractor)}\n")
        print(f"[{split}] recall of the extractor by construction\n{format_constructions(result.extractor)}\n")
        if args.show_errors:
            errors = format_errors(result.extractor, args.errors_limit)
            print(f"[{split}] errors (directed_quad level)\n{errors}\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    summary = {
        split: {
            "extractor": result.extractor.as_dict(),
            "baseline_gold_actors": result.baseline_gold_actors.as_dict(),
            "baseline_extractor_actors": result.baseline_extractor_actors.as_dict(),
        }
        for split, result in results.items()
    }
    args.out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

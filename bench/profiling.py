"""Bench layer: where a worker's CPU time goes, from py-spy's collapsed stacks, in a few named buckets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

# First matching rule wins; a rule matches when any frame of the stack contains its marker.
BUCKETS: list[tuple[str, tuple[str, ...]]] = [
    ("idle: event loop waiting in select", ("EpollSelector.select",)),
    ("dyadwatch spaCy components (actors, events, stances)", ("core/actors.py", "core/events.py", "core/stances.py")),
    ("Doc -> EnrichedArticle", ("doc_to_enriched",)),
    ("spaCy/thinc trained pipeline", ("spacy/", "thinc/", "spacy_", "blis")),
    ("relations fold, table, relations send", ("apply_relation_update",)),
    ("enrich: decode, encode, send outputs", ("enrich_batch",)),
    ("Kafka client and Faust runtime", ("aiokafka", "faust/", "mode/", "kafka/")),
]
OTHER = "other (event loop, start-up, GC)"


def raw_stacks(raw: Path) -> Iterator[tuple[list[str], int]]:
    """Each stack of `py-spy record --format raw` output (outermost frame first) with its sample count."""
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if stack and count_text.isdigit():
            yield stack.split(";"), int(count_text)


def summarize(raw: Path) -> dict[str, object]:
    """Samples per bucket and the top self-time functions, from `py-spy record --format raw` output."""
    buckets: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    total = 0
    for frames, count in raw_stacks(raw):
        total += count
        bucket = next((name for name, markers in BUCKETS if any(m in f for f in frames for m in markers)), OTHER)
        buckets[bucket] += count
        leaves[frames[-1]] += count
    return {
        "samples": total,
        "buckets": {name: round(n / total, 3) for name, n in buckets.most_common()} if total else {},
        "top_self": [(frame, round(n / total, 3)) for frame, n in leaves.most_common(12)] if total else [],
    }

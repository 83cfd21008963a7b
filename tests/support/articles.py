"""Test support: varied small articles, and the table they must produce, computed with the same core."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from streams.core.extract import Extractor
from streams.core.models import Article, dyad_key

PAIRS = [
    ("Japan", "India"),
    ("France", "Germany"),
    ("Brazil", "Argentina"),
    ("Egypt", "Sudan"),
    ("Turkey", "Greece"),
    ("Kenya", "Ethiopia"),
    ("Poland", "Belarus"),
    ("Chile", "Peru"),
]
TEMPLATES = [
    "{a} and {b} signed a defense cooperation agreement on {day}.",
    "{a} accused {b} of violating the ceasefire along the border on {day}.",
    "The foreign minister of {a} met his counterpart from {b} in Geneva on {day}.",
    "{a} imposed new sanctions on {b} on {day}, officials said.",
    "{a} sent humanitarian aid to {b} after the floods on {day}.",
    "Troops from {a} shelled positions in {b} on {day}, killing several soldiers.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def make_articles(n: int, seed: int, prefix: str) -> list[Article]:
    rng = random.Random(seed)
    articles = []
    for i in range(n):
        a, b = rng.choice(PAIRS)
        if rng.random() < 0.5:
            a, b = b, a
        sentences = [
            rng.choice(TEMPLATES).format(a=a, b=b, day=rng.choice(DAYS)) for _ in range(rng.randint(1, 3))
        ]
        sentences.append("Markets were calm and the weather stayed dry.")
        articles.append(Article(id=f"{prefix}-{i:04d}", text=" ".join(sentences)))
    return articles


@dataclass(frozen=True)
class Expected:
    event_count: int
    article_count: int


def expected_table(extractor: Extractor, articles: list[Article]) -> dict[str, Expected]:
    """Per dyad: how many events and distinct articles the relations table must count."""
    events: dict[str, int] = defaultdict(int)
    arts: dict[str, set[str]] = defaultdict(set)
    for enriched in extractor.extract_many(articles):
        for relation in enriched.relations:
            dyad = dyad_key(relation.source, relation.target)
            events[dyad] += 1
            arts[dyad].add(enriched.article_id)
    return {d: Expected(events[d], len(arts[d])) for d in events}

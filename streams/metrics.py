"""Shell layer: counters and a processing-time histogram of one worker, rendered for Prometheus."""

from __future__ import annotations

from dataclasses import dataclass, field

BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class Metrics:
    articles_in: int = 0
    enriched: int = 0
    dead_letters: int = 0
    """Dead letters of stage "article": articles in = enriched + dead_letters."""
    update_dead_letters: int = 0
    """Dead letters of stage "relation_update": relation events that could not be folded."""
    events_out: int = 0
    updates_out: int = 0
    updates_in: int = 0
    relation_updates: int = 0
    replays: int = 0
    late_updates: int = 0
    update_dead_letters: int = 0
    alerts: int = 0
    batch_seconds_buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    batch_seconds_sum: float = 0.0
    batch_count: int = 0
    articles_extracted: int = 0

    def observe_batch(self, articles: int, seconds: float) -> None:
        """One nlp.pipe batch took `seconds` for `articles` articles; the histogram is per article."""
        per_article = seconds / max(articles, 1)
        for i, bound in enumerate(BUCKETS):
            if per_article <= bound:
                self.batch_seconds_buckets[i] += articles
        self.batch_seconds_sum += seconds
        self.batch_count += 1
        self.articles_extracted += articles

"""Shell layer: the topics dyadwatch declares, in one place (used by the Faust app, the admin and the tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from streams.settings import Settings

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    role: str
    name: str
    partitions: int
    key: str
    value: str
    cleanup_policy: str = "delete"
    config: dict[str, str] = field(default_factory=dict)

    def topic_config(self) -> dict[str, str]:
        return {"cleanup.policy": self.cleanup_policy, **self.config}


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Every topic of the topology with its key, value model, partitions and cleanup policy."""
    big = {"max.message.bytes": str(settings.max_message_bytes)}
    week = {"retention.ms": str(7 * DAY_MS)}
    month = {"retention.ms": str(30 * DAY_MS)}
    n = settings.partitions
    t = settings.topics
    return [
        TopicSpec("articles", t["articles"], n, "article id (or none)", "Article", config={**big, **week}),
        TopicSpec("enriched", t["enriched"], n, "article id", "EnrichedArticle", config={**big, **week}),
        TopicSpec(
            "deadletter",
            t["deadletter"],
            n,
            "article id when readable, else none",
            "DeadLetter",
            config={**big, **month},
        ),
        TopicSpec("stances", t["stances"], n, "article id", "Stance", config=week),
        TopicSpec("relation_events", t["relation_events"], n, "dyad 'A|B'", "RelationUpdate", config=week),
        TopicSpec("relations", t["relations"], n, "dyad 'A|B'", "RelationState", cleanup_policy="compact"),
        TopicSpec("alerts", t["alerts"], n, "dyad 'A|B'", "Alert", config=month),
    ]


def changelog_topic_name(settings: Settings, table: str = "relations") -> str:
    """Faust's name for a table's changelog topic (compacted, one partition per relation-events partition)."""
    return f"{settings.app_id}-{table}-changelog"

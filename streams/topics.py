"""Shell layer: the Faust topic objects of the topology (names, partitions and configs from topology.py)."""

from __future__ import annotations

from dataclasses import dataclass

import faust
from faust.types import TopicT

from streams.settings import Settings
from streams.topology import topic_specs


@dataclass(frozen=True)
class Topics:
    articles: TopicT
    enriched: TopicT
    deadletter: TopicT
    stances: TopicT
    relation_events: TopicT
    relations: TopicT
    alerts: TopicT

    def by_role(self, role: str) -> TopicT:
        topic: TopicT = getattr(self, role)
        return topic


def declare_topics(app: faust.App, settings: Settings) -> Topics:
    topics = {
        spec.role: app.topic(
            spec.name,
            partitions=spec.partitions,
            # Article keys come from outside and may be any bytes: decoding them as str would make Faust ack
            # the message and crash the agent instead of letting it reach the dead-letter topic.
            key_type=bytes if spec.role == "articles" else str,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            config=spec.config,
            compacting=spec.cleanup_policy == "compact",
            deleting=spec.cleanup_policy == "delete",
        )
        for spec in topic_specs(settings)
    }
    return Topics(**topics)

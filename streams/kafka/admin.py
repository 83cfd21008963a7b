"""Shell layer: create the topology's topics with their partitions and configs (kafka-python admin)."""

from __future__ import annotations

import logging
import time

from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError

from streams.kafka.config import ClientSecurity
from streams.settings import Settings
from streams.topology import TopicSpec, topic_specs

log = logging.getLogger(__name__)


class TopologyMismatch(RuntimeError):
    """An existing topic has fewer partitions than the topology needs."""


def ensure_topics(
    settings: Settings, bootstrap: str, specs: list[TopicSpec] | None = None, attempts: int = 3
) -> list[str]:
    """Create every missing topic; check that existing ones have the declared partition count.

    Returns the names created. Raises TopologyMismatch when a topic exists with another partition count,
    because the relations table needs relation-events and its changelog partitioned alike. A broker error is
    retried (a dead bootstrap broker of a cluster makes the first metadata request fail now and then).
    """
    specs = specs if specs is not None else topic_specs(settings)
    for attempt in range(1, attempts + 1):
        try:
            return _ensure_topics_once(settings, bootstrap, specs)
        except KafkaError as exc:
            if attempt == attempts:
                raise
            log.warning("creating topics failed (%s), attempt %d of %d; retrying", exc, attempt, attempts)
            time.sleep(attempt)
    raise AssertionError("unreachable")


def _ensure_topics_once(settings: Settings, bootstrap: str, specs: list[TopicSpec]) -> list[str]:
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id=f"{settings.app_id}-admin",
        **ClientSecurity.from_settings(settings).kafka_python(),
    )
    try:
        existing = set(admin.list_topics())
        missing = [s for s in specs if s.name not in existing]
        created: list[str] = []
        if missing:
            new = {
                s.name: {
                    "num_partitions": s.partitions,
                    "replication_factor": settings.replication_factor,
                    "configs": s.topic_config(),
                }
                for s in missing
            }
            try:
                admin.create_topics(new, wait_for_metadata=True)
                created = [s.name for s in missing]
            except TopicAlreadyExistsError:
                log.info("topics created concurrently by another process")
        present = [s for s in specs if s.name in existing]
        if present:
            described = admin.describe_topics([s.name for s in present])
            counts = {d["name"]: len(d["partitions"]) for d in described}
            for spec in present:
                if counts.get(spec.name) != spec.partitions:
                    raise TopologyMismatch(
                        f"topic {spec.name!r} has {counts.get(spec.name)} partitions but dyadwatch is configured "
                        f"for {spec.partitions}: set DYADWATCH_PARTITIONS={counts.get(spec.name)} or recreate it"
                    )
        return created
    finally:
        admin.close()

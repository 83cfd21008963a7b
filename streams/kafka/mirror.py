"""Shell layer: a group-less reader filling the view's Mirror from the relations, alerts, enriched topics."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from mode import Service

from streams.kafka.config import ClientSecurity
from streams.relations_view import ALERTS_KEEP, Mirror
from streams.settings import Settings

log = logging.getLogger(__name__)

ENRICHED_TAIL = 20_000
"""Enriched articles read back per partition at start, for evidence links; older evidence shows no link."""


class MirrorReader(Service):
    """Assigns itself ALL partitions (no consumer group): every worker's view mirrors the complete table.

    The relations topic is compacted, so reading it from the beginning yields the latest state of every dyad;
    the alerts and enriched topics are read from a bounded tail.
    """

    def __init__(self, settings: Settings, bootstrap: str, mirror: Mirror, **kwargs: Any) -> None:
        self.settings = settings
        self.bootstrap = bootstrap
        self.mirror = mirror
        self.consumer: AIOKafkaConsumer | None = None
        self._loaded_at: dict[TopicPartition, int] = {}
        super().__init__(**kwargs)

    async def on_start(self) -> None:
        s = self.settings
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            client_id=f"{s.app_id}-view",
            fetch_max_bytes=s.max_message_bytes,
            max_partition_fetch_bytes=s.max_message_bytes,
            **ClientSecurity.from_settings(s).aiokafka(),
        )
        await self.consumer.start()
        cluster = await self.consumer._client.fetch_all_metadata()  # noqa: SLF001 - no public call lists partitions
        tails = {s.topic_relations: None, s.topic_alerts: ALERTS_KEEP, s.topic_enriched: ENRICHED_TAIL}
        partitions: dict[TopicPartition, int | None] = {}
        for topic, tail in tails.items():
            found = cluster.partitions_for_topic(topic)
            if not found:
                raise RuntimeError(f"topic {topic!r} does not exist; run `dyadwatch topics` to create it")
            partitions.update({TopicPartition(topic, p): tail for p in found})
        self.consumer.assign(list(partitions))
        starts = await self.consumer.beginning_offsets(list(partitions))
        ends = await self.consumer.end_offsets(list(partitions))
        for tp, tail in partitions.items():
            self.consumer.seek(tp, starts[tp] if tail is None else max(starts[tp], ends[tp] - tail))
        self._loaded_at = {tp: ends[tp] for tp in partitions if tp.topic == s.topic_relations}
        await self._check_loaded()

    async def on_stop(self) -> None:
        if self.consumer is not None:
            await self.consumer.stop()

    async def _check_loaded(self) -> None:
        assert self.consumer is not None
        positions = [await self.consumer.position(tp) >= end for tp, end in self._loaded_at.items()]
        if all(positions):
            self.mirror.loaded = True
            log.info("web view: relations mirror loaded, %d dyads", len(self.mirror.states))

    @Service.task
    async def _read(self) -> None:
        assert self.consumer is not None
        s = self.settings
        while not self.should_stop:
            batches = await self.consumer.getmany(timeout_ms=1000, max_records=2000)
            for tp, records in batches.items():
                for record in records:
                    if tp.topic == s.topic_relations:
                        self.mirror.apply_relation(record.key, record.value, record.timestamp)
                    elif tp.topic == s.topic_alerts:
                        self.mirror.apply_alert(record.value)
                    else:
                        self.mirror.apply_enriched(record.value)
            if not self.mirror.loaded:
                await self._check_loaded()

    async def broker_reachable(self, timeout: float = 3.0) -> bool:
        """One metadata round trip to the broker, within timeout seconds."""
        if self.consumer is None:
            return False
        try:
            await asyncio.wait_for(self.consumer.topics(), timeout)
        except Exception:  # noqa: BLE001 - any failure means not reachable, which readiness reports
            return False
        return True

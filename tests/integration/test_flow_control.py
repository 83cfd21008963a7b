"""Integration: flow control is not a fault. A partition whose messages wait behind a full stream buffer is
read once (issue 16 point 6: under a burst the stranded check re-read such partitions, 10,494 duplicates).

The stranded check (streams/kafka/consumer.py) seeks back a partition whose fetched messages were neither
acknowledged nor in flight on two checks in a row. Messages that wait in the enrich agent's queue behind another
partition's backlog look exactly like that: nothing of their partition moves until the stream reaches them.
Here partition 1 gets a few articles while the queue holds hundreds of partition 0's, and the check runs every
0.3 s, so before the fix it always sought partition 1 back and its articles came out twice.
"""

from __future__ import annotations

import pytest
from kafka import KafkaProducer

from streams.core.models import EnrichedArticle
from tests.support.articles import make_articles
from tests.support.polling import wait_for
from tests.support.workers import TopicReader

pytestmark = pytest.mark.integration

BACKLOG = 400  # articles for partition 0: a queue the enrich agent needs several seconds for
BEHIND = 10  # articles for partition 1, queued behind that backlog


def test_messages_waiting_behind_another_partitions_backlog_are_not_read_twice(
    kafka_bootstrap, worker_settings, start_worker
):
    settings = worker_settings
    enriched = TopicReader(kafka_bootstrap, settings.topic_enriched)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", linger_ms=20)
    try:
        for article in make_articles(BACKLOG, seed=7, prefix="backlog"):
            producer.send(settings.topic_articles, key=article.id.encode(), value=article.model_dump_json().encode(),
                          partition=0)
        producer.flush()
        worker = start_worker(DYADWATCH_STRANDED_CHECK_INTERVAL="0.3")
        wait_for(lambda: enriched.poll(), 180, what=lambda: f"a first enriched article\n{worker.digest()}")
        for article in make_articles(BEHIND, seed=8, prefix="behind"):
            producer.send(settings.topic_articles, key=article.id.encode(), value=article.model_dump_json().encode(),
                          partition=1)
        producer.flush()

        def ids() -> list[str]:
            return [EnrichedArticle.model_validate_json(value or b"").article_id for _, value in enriched.poll()]

        wait_for(lambda: len(set(ids())) == BACKLOG + BEHIND, 600,
                 what=lambda: f"{BACKLOG + BEHIND} distinct enriched articles\n{worker.digest()}")
        # Whatever a seek back would deliver again comes out within a few checks of the last article.
        for _ in range(10):
            enriched.poll()
        seen = ids()
    finally:
        producer.close()
        enriched.close()
    duplicates = len(seen) - len(set(seen))
    assert "seeking back to deliver them again" not in worker.log(), worker.digest()
    assert duplicates == 0, f"{duplicates} articles enriched twice without any fault"

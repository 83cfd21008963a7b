"""Integration: faults mid-stream (broker restart, a worker of two killed, a replica of three killed).

Every test publishes a modest batch, injects one fault while the worker is busy, and then requires the
relations table (read from its compacted topic) to equal the one computed offline: nothing lost, nothing
counted twice. The books are checked too: every (article, dyad) update the offline run expects is on
relation-events, and each worker that lived through the test balances its relations books (updates in =
folded + replays + late + dead letters) with every distinct update folded exactly once. Each prints a FIGURES
line (records in and out, seconds to recover) for docs/reliability.md.
A worker killed with SIGKILL and restarted is covered in test_relations_topology.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from streams.core.extract import Extractor, load_extractor
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_producer, publish_articles
from streams.kafka.local import LocalKafka
from streams.settings import Settings
from streams.topology import changelog_topic_name
from tests.integration.test_relations_topology import counts_of, wait_for_table
from tests.support.articles import expected_table, make_articles
from tests.support.broker import KAFKA_LIBS
from tests.support.cluster import kafka_cluster
from tests.support.polling import wait_for
from tests.support.workers import (
    TopicReader,
    WorkerProcess,
    distinct_updates,
    fresh_env,
    pipeline_diagnosis,
    relation_books,
    settings_from,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(env: dict[str, str]) -> WorkerProcess:
        worker = WorkerProcess(env, tmp_path / f"worker-{len(started)}.log").start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def count_records(bootstrap: str, topic: str, settle: float = 3.0) -> int:
    reader = TopicReader(bootstrap, topic)
    try:
        last, quiet_since = -1, time.monotonic()
        while time.monotonic() - quiet_since < settle:
            if len(reader.poll()) != last:
                last, quiet_since = len(reader.records), time.monotonic()
        return last
    finally:
        reader.close()


def report(
    fault: str,
    settings: Settings,
    bootstrap: str,
    articles: int,
    recovered_s: float,
    expected_updates: int,
    whole: list[WorkerProcess],
) -> None:
    """Print the FIGURES line and check the books. `whole`: the workers that ran from start to end unharmed,
    alone, so that their books must show every distinct update folded exactly once."""
    enriched = count_records(bootstrap, settings.topic_enriched)
    updates = count_records(bootstrap, settings.topic_relation_events)
    distinct = len(distinct_updates(bootstrap, settings))
    books = [relation_books(w.log()) for w in whole]
    print(f"\nFIGURES {fault}: articles in {articles}, enriched records {enriched}, relation-update records "
          f"{updates} ({distinct} distinct, {expected_updates} expected), relations books {books}, table "
          f"complete {recovered_s:.1f}s after the fault")
    assert enriched >= articles, "an article was lost before enrichment"
    assert distinct == expected_updates, "an (article, dyad) update was lost before the relations agent"
    for worker in whole:
        settled = balanced_books(worker, folded=distinct)
        assert settled["late"] == settled["dead"] == 0, settled


def balanced_books(worker: WorkerProcess, folded: int | None = None) -> dict[str, int]:
    """The worker's relations books once they balance (updates in = folded + replays + late + dead letters;
    a progress line may fall between the two counts of one update), with `folded` updates if given."""

    def balanced() -> dict[str, int] | None:
        b = relation_books(worker.log())
        if b is None or b["updates_in"] != b["folded"] + b["replays"] + b["late"] + b["dead"]:
            return None
        return b if folded is None or b["folded"] == folded else None

    return wait_for(balanced, timeout=30, interval=1.0,
                    what=lambda: f"balanced books with {folded} folded: {relation_books(worker.log())}")


def updates_of(expected) -> int:  # type: ignore[no-untyped-def]
    """One update per (article, dyad): the offline table's article counts, summed."""
    return sum(e.article_count for e in expected.values())


def first_updates(relations: TopicReader, worker: WorkerProcess, n: int = 3) -> None:
    wait_for(lambda: len(relations.poll()) >= n, timeout=240, interval=0.5,
             what=lambda: f"{n} relation updates; log:\n{worker.digest()}")


def test_a_broker_stopped_and_restarted_mid_stream_loses_and_doubles_nothing(tmp_path, workers, extractor):
    kafka = LocalKafka(tmp_path / "kafka", libs_dir=KAFKA_LIBS)
    bootstrap = kafka.start()
    try:
        env = fresh_env(bootstrap, tmp_path)
        settings = settings_from(env)
        ensure_topics(settings, bootstrap)
        articles = make_articles(60, seed=31, prefix="bounce")
        table = expected_table(extractor, articles)
        expected = counts_of(table)
        worker = workers(env)
        publish_articles(settings, bootstrap, articles)
        relations = TopicReader(bootstrap, settings.topic_relations)
        try:
            first_updates(relations, worker)
            relations.close()
            kafka.stop()
            down_at = time.monotonic()
            time.sleep(5)
            assert worker.alive(), f"the worker died with the broker:\n{worker.log()[-3000:]}"
            kafka.start()
            relations = TopicReader(bootstrap, settings.topic_relations)
            wait_for_table(
                relations, expected, timeout=300, log=worker.log,
                diagnose=lambda: pipeline_diagnosis(bootstrap, settings),
            )
            recovered = time.monotonic() - down_at
        finally:
            relations.close()
        assert worker.alive()
        report("broker stop 5s + start", settings, bootstrap, len(articles), recovered, updates_of(table), [worker])
    finally:
        kafka.stop()


def test_one_of_two_workers_killed_mid_stream_hands_its_partitions_over_without_loss(
    kafka_bootstrap, tmp_path, workers, extractor
):
    env = fresh_env(kafka_bootstrap, tmp_path)
    settings = settings_from(env)
    ensure_topics(settings, kafka_bootstrap)
    articles = make_articles(80, seed=37, prefix="rebalance")
    table = expected_table(extractor, articles)
    expected = counts_of(table)
    survivor, victim = workers(env), workers(env)
    relations = TopicReader(kafka_bootstrap, settings.topic_relations)
    try:
        wait_for(lambda: "Worker]: Ready" in survivor.log() and "Worker]: Ready" in victim.log(), timeout=180,
                 what=lambda: f"both workers ready; logs:\n{survivor.log()[-1500:]}\n{victim.log()[-1500:]}")
        publish_articles(settings, kafka_bootstrap, articles)
        first_updates(relations, victim)
        victim.kill()
        killed_at = time.monotonic()
        wait_for_table(
            relations, expected, timeout=300, log=survivor.log,
            diagnose=lambda: pipeline_diagnosis(kafka_bootstrap, settings),
        )
        recovered = time.monotonic() - killed_at
    finally:
        relations.close()
    assert survivor.alive()
    report("one of two workers SIGKILLed", settings, kafka_bootstrap, len(articles), recovered, updates_of(table), [])
    balanced_books(survivor)


def test_a_three_broker_cluster_keeps_every_record_when_one_broker_dies_mid_stream(
    tmp_path, workers, extractor
):
    with kafka_cluster(tmp_path / "cluster") as cluster:
        bootstrap = cluster.bootstrap
        env = fresh_env(bootstrap, tmp_path, DYADWATCH_REPLICATION_FACTOR="3")
        settings = settings_from(env)
        ensure_topics(settings, bootstrap)
        articles = make_articles(60, seed=41, prefix="replica")
        table = expected_table(extractor, articles)
        expected = counts_of(table)
        worker = workers(env)
        relations = TopicReader(bootstrap, settings.topic_relations)
        try:
            publish_articles(settings, bootstrap, articles[:30])
            first_updates(relations, worker)
            cluster.nodes[0].kill()
            killed_at = time.monotonic()
            # The client's own producer (acks=all; two of three replicas suffice). Not publish_articles: its
            # ensure_topics admin client fails about one time in three while the first bootstrap is down.
            producer = make_producer(settings, bootstrap)
            sends = [producer.send(settings.topic_articles, key=a.id.encode(), value=a.model_dump_json().encode())
                     for a in articles[30:]]
            producer.flush()
            for sent in sends:
                sent.get(timeout=60)
            producer.close()
            wait_for_table(relations, expected, timeout=400, log=worker.log)
            recovered = time.monotonic() - killed_at
        finally:
            relations.close()
        assert worker.alive()
        report("one of three brokers SIGKILLed (RF 3, min ISR 2)", settings, bootstrap, len(articles),
               recovered, updates_of(table), [worker])


def test_a_table_recovery_stalled_on_an_offset_without_a_record_is_restarted_then_completed(
    kafka_bootstrap, tmp_path, workers, extractor
):
    """Faust waits for ever for a changelog offset that holds no record (here a transaction marker)."""
    env = fresh_env(
        kafka_bootstrap, tmp_path, DYADWATCH_RECOVERY_STALL_TIMEOUT="4", DYADWATCH_STRANDED_CHECK_INTERVAL="1"
    )
    settings = settings_from(env)
    ensure_topics(settings, kafka_bootstrap)
    changelog = changelog_topic_name(settings)
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics([NewTopic(changelog, settings.partitions, 1, topic_configs={"cleanup.policy": "compact"})])
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=f"{settings.app_id}-marker")
    try:
        producer.init_transactions()
        producer.begin_transaction()
        producer.send(changelog, key=b'"XXA|XXB"', value=None, partition=0)  # a tombstone, then the marker
        producer.commit_transaction()
    finally:
        producer.close()
    articles = make_articles(20, seed=43, prefix="marker")
    expected = counts_of(expected_table(extractor, articles))
    worker = workers(env)
    relations = TopicReader(kafka_bootstrap, settings.topic_relations)
    try:
        publish_articles(settings, kafka_bootstrap, articles)
        wait_for_table(relations, expected, timeout=300, log=worker.log,
                       diagnose=lambda: pipeline_diagnosis(kafka_bootstrap, settings))
    finally:
        relations.close()
    log = worker.log()
    assert "rejoining the group to restart it" in log  # the first answer: read everything again
    assert "hold no record" in log  # the same stall again, fetched past the highwater: completed there
    assert worker.alive()


def log_offsets(log: str, since: float, markers: dict[str, str]) -> dict[str, float]:
    """Seconds after `since` (a time.time()) of the first log line holding each marker."""
    import re
    from datetime import datetime

    stamp = re.compile(r"^\[?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})")
    found: dict[str, float] = {}
    for line in log.splitlines():
        match = stamp.match(line)
        for name, marker in markers.items():
            if match and name not in found and marker in line:
                found[name] = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp() - since
    return found


def test_a_worker_killed_and_started_again_is_ready_and_enriching_after_the_group_drops_the_dead_member(
    kafka_bootstrap, worker_settings, start_worker
):
    """Restart-to-ready after a SIGKILL: the new member waits in its join until the group drops the dead one, a
    session timeout after its last heartbeat (Faust's default 60 s: ready after 59.4 s; DYADWATCH_SESSION_TIMEOUT
    10 s: after 8.7 s, 5 of them the worker's own start)."""
    import json
    import urllib.request

    from tests.integration.test_web_api import free_port

    port = free_port()

    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=3) as response:
                return response.status == 200 and bool(json.loads(response.read())["assigned"])
        except OSError:
            return False

    web = {"DYADWATCH_WEB_ENABLED": "true", "DYADWATCH_WEB_PORT": str(port)}
    first = start_worker(**web)
    wait_for(ready, timeout=180, what=lambda: f"the first worker ready; log:\n{first.digest()}")
    enriched = TopicReader(kafka_bootstrap, worker_settings.topic_enriched)
    try:
        publish_articles(worker_settings, kafka_bootstrap, make_articles(10, seed=3, prefix="before-kill"))
        wait_for(lambda: len(enriched.poll()) >= 10, timeout=180, what=lambda: f"10 enriched\n{first.digest()}")
        first.kill()
        killed_at, killed_wall = time.monotonic(), time.time()
        second = start_worker(**web)
        wait_for(ready, timeout=240, interval=0.25, what=lambda: f"the second worker ready\n{second.digest()}")
        ready_s = time.monotonic() - killed_at
        publish_articles(worker_settings, kafka_bootstrap, make_articles(1, seed=4, prefix="after-kill"))
        wait_for(lambda: any(b"after-kill" in (k or b"") for k, _ in enriched.poll()), timeout=120,
                 what=lambda: f"the article published after the restart\n{second.digest()}")
        enriching_s = time.monotonic() - killed_at
    finally:
        enriched.close()
    steps = log_offsets(second.log(), killed_wall, {
        "nlp_ready": "NLP process", "joined": "Joined group", "assigned": "Assigned", "worker_ready": "Worker]: Ready"})
    print(f"\nFIGURES restart after SIGKILL: ready {ready_s:.1f}s, first new article enriched {enriching_s:.1f}s; "
          f"steps (s after the kill): {', '.join(f'{k} {v:.1f}' for k, v in steps.items())}")

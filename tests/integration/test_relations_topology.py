"""Integration: articles -> relation updates -> the relations table, its topic and alerts, on a real broker."""

from __future__ import annotations

import json

import pytest

from streams.core.extract import load_extractor
from streams.core.models import Alert, RelationState
from streams.kafka.clients import publish_articles
from tests.support.articles import expected_table, make_articles
from tests.support.polling import wait_for
from tests.support.workers import TopicReader, log_digest, pipeline_diagnosis

pytestmark = pytest.mark.integration


def latest_states(reader: TopicReader) -> dict[str, RelationState]:
    states: dict[str, RelationState] = {}
    for key, value in reader.poll():
        if key is not None and value is not None:
            states[key.decode()] = RelationState.model_validate_json(value)
    return states


def counts(states: dict[str, RelationState]) -> dict[str, tuple[int, int]]:
    return {d: (s.event_count, s.article_count) for d, s in states.items()}


def wait_for_table(
    reader: TopicReader, expected: dict[str, tuple[int, int]], timeout: float, log, diagnose=None
) -> dict:
    def settled() -> dict[str, RelationState] | None:
        states = latest_states(reader)
        return states if counts(states) == expected else None

    try:
        return wait_for(settled, timeout=timeout, interval=1.0, what="the relations table to settle")
    except AssertionError as exc:
        diagnosis = diagnose() if diagnose is not None else ""
        raise AssertionError(
            f"{exc}\nexpected {expected}\ngot {counts(latest_states(reader))}\n{diagnosis}\n"
            f"log (DEBUG lines dropped, repeats counted):\n{log_digest(log())}"
        ) from None


@pytest.fixture
def diagnose(kafka_bootstrap, worker_settings):
    return lambda: pipeline_diagnosis(kafka_bootstrap, worker_settings)


@pytest.fixture(scope="module")
def extractor():
    return load_extractor()


def test_the_sample_article_on_an_empty_system_raises_only_the_new_military_cooperation_alert(
    kafka_bootstrap, worker_settings, start_worker, sample_text, extractor
):
    from streams.core.models import Article

    sample = Article(id="sample", text=sample_text)
    wanted = set(expected_table(extractor, [sample]))
    worker = start_worker()
    publish_articles(worker_settings, kafka_bootstrap, [sample])
    relations = TopicReader(kafka_bootstrap, worker_settings.topic_relations)
    alerts = TopicReader(kafka_bootstrap, worker_settings.topic_alerts)
    try:
        states = wait_for(
            lambda: (s := latest_states(relations)) and set(s) == wanted and s,
            timeout=180,
            what=lambda: f"states for {wanted}; log:\n{worker.log()[-2000:]}",
        )
        # Alerts are delivered before the table is written, so every alert is on its topic by now.
        raised = [Alert.model_validate_json(v) for _, v in alerts.poll()]
    finally:
        relations.close()
        alerts.close()
    assert [(a.dyad, a.kind) for a in raised] == [("CHN|IRN", "new_material_cooperation")], raised
    assert raised[0].names == ("China", "Iran") and raised[0].cameo_name
    assert states["CHN|IRN"].band in ("cooperative", "allied")
    russia_ukraine = states["RUS|UKR"]
    assert (russia_ukraine.band, russia_ukraine.thin) == ("hostile", True)
    assert russia_ukraine.happening_count == russia_ukraine.background_count == 1
    assert all(s.thin for s in states.values()), "one article is thin evidence for every dyad"


def test_a_worker_killed_mid_stream_and_restarted_counts_every_article_exactly_once(
    kafka_bootstrap, worker_settings, start_worker, extractor, diagnose
):
    articles = make_articles(80, seed=7, prefix="kill")
    expected = counts_of(expected_table(extractor, articles))
    assert expected, "the generated articles must carry events"
    first = start_worker()
    publish_articles(worker_settings, kafka_bootstrap, articles)
    relations = TopicReader(kafka_bootstrap, worker_settings.topic_relations)
    try:
        wait_for(
            lambda: len(relations.poll()) >= 5,
            timeout=180,
            what=lambda: f"first updates; log:\n{first.log()[-2000:]}",
        )
        first.kill()
        second = start_worker()
        wait_for_table(relations, expected, timeout=240, log=second.log, diagnose=diagnose)
    finally:
        relations.close()


def test_a_clean_restart_recovers_the_table_from_its_changelog(
    kafka_bootstrap, worker_settings, start_worker, extractor, diagnose
):
    before = make_articles(20, seed=11, prefix="before")
    after = make_articles(20, seed=12, prefix="after")
    relations = TopicReader(kafka_bootstrap, worker_settings.topic_relations)
    try:
        first = start_worker()
        publish_articles(worker_settings, kafka_bootstrap, before)
        wait_for_table(
            relations, counts_of(expected_table(extractor, before)), timeout=180, log=first.log, diagnose=diagnose
        )
        assert first.stop() == 0
        second = start_worker()
        publish_articles(worker_settings, kafka_bootstrap, after)
        wait_for_table(
            relations,
            counts_of(expected_table(extractor, before + after)),
            timeout=180,
            log=second.log,
            diagnose=diagnose,
        )
    finally:
        relations.close()


def test_two_workers_in_one_group_build_the_same_table_as_one(
    kafka_bootstrap, worker_settings, start_worker, extractor, diagnose
):
    articles = make_articles(60, seed=23, prefix="two")
    expected = counts_of(expected_table(extractor, articles))
    relations = TopicReader(kafka_bootstrap, worker_settings.topic_relations)
    try:
        one, two = start_worker(), start_worker()
        publish_articles(worker_settings, kafka_bootstrap, articles)
        wait_for_table(relations, expected, timeout=240, log=lambda: one.log() + two.log(), diagnose=diagnose)
        assert one.alive() and two.alive()
    finally:
        relations.close()


def counts_of(expected) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    return {d: (e.event_count, e.article_count) for d, e in expected.items()}


def test_relations_prints_the_current_table_as_json_lines(
    kafka_bootstrap, worker_settings, worker_env, start_worker, extractor
):
    import subprocess
    import sys

    articles = make_articles(6, seed=5, prefix="cli")
    expected = counts_of(expected_table(extractor, articles))
    start_worker()
    publish_articles(worker_settings, kafka_bootstrap, articles)
    relations = TopicReader(kafka_bootstrap, worker_settings.topic_relations)
    try:
        wait_for_table(relations, expected, timeout=180, log=lambda: "")
    finally:
        relations.close()
    import os

    out = subprocess.run(
        [sys.executable, "-m", "streams.cli", "relations", "--timeout", "3"],
        env={**os.environ, **worker_env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert {row["dyad"] for row in rows} == set(expected)

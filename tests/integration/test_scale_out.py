"""Integration: three workers on six partitions build the same relations table as one worker."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from streams.core.extract import load_extractor
from streams.core.models import RelationState
from streams.core.relations import band_for
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import publish_articles
from tests.support.articles import make_articles
from tests.support.polling import wait_for
from tests.support.workers import TopicReader, WorkerProcess, fresh_env, settings_from

pytestmark = pytest.mark.integration

FIGURES = Path(__file__).resolve().parents[2] / "bench" / "out" / "scale-out.json"


def dated_articles(n: int):  # type: ignore[no-untyped-def]
    start = datetime(2026, 10, 1, tzinfo=UTC)
    return [
        a.model_copy(update={"published_at": start + timedelta(hours=i)})
        for i, a in enumerate(make_articles(n, seed=31, prefix="scale"))
    ]


def run_group(bootstrap: str, tmp_path: Path, workers: int, articles, expected_events: int):  # type: ignore[no-untyped-def]
    """Start `workers` processes in one fresh group, publish; return the final table and the seconds taken."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = fresh_env(bootstrap, tmp_path, DYADWATCH_PARTITIONS="6")
    settings = settings_from(env)
    ensure_topics(settings, bootstrap)
    procs = [WorkerProcess(env, tmp_path / f"worker-{i}.log").start() for i in range(workers)]
    reader = TopicReader(bootstrap, settings.topic_relations)
    try:
        started = time.monotonic()
        publish_articles(settings, bootstrap, articles)

        def complete() -> dict[str, RelationState] | None:
            states = {k.decode(): RelationState.model_validate_json(v) for k, v in reader.poll() if k and v}
            return states if sum(s.event_count for s in states.values()) == expected_events else None

        states = wait_for(
            complete,
            timeout=300,
            interval=1.0,
            what=lambda: "the table to complete; logs:\n" + "\n".join(p.log()[-1500:] for p in procs),
        )
        elapsed = time.monotonic() - started
        assert all(p.alive() for p in procs)
        return states, elapsed
    finally:
        reader.close()
        for p in procs:
            p.stop()


def test_three_workers_on_six_partitions_build_the_table_one_worker_builds(kafka_bootstrap, tmp_path):
    articles = dated_articles(60)
    expected_events = sum(len(e.relations) for e in load_extractor().extract_many(articles))
    one, one_seconds = run_group(kafka_bootstrap, tmp_path / "one", 1, articles, expected_events)
    three, three_seconds = run_group(kafka_bootstrap, tmp_path / "three", 3, articles, expected_events)
    assert set(one) == set(three)
    for dyad, state in one.items():
        other = three[dyad]
        assert (other.event_count, other.article_count, other.happening_count) == (
            state.event_count,
            state.article_count,
            state.happening_count,
        ), dyad
        # Bands have hysteresis, so the order of a dyad's updates may settle a score near a threshold either
        # way; away from the thresholds the band cannot differ.
        if all(band_for(state.score + d) == band_for(state.score) for d in (-0.6, 0.6)):
            assert other.band == state.band, dyad
        assert other.counts_ab == state.counts_ab and other.counts_ba == state.counts_ba, dyad
        assert other.score == pytest.approx(state.score, abs=1e-6), dyad
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    FIGURES.write_text(
        json.dumps(
            {
                "articles": len(articles),
                "dyads": len(one),
                "events": sum(s.event_count for s in one.values()),
                "partitions": 6,
                "one_worker_seconds": round(one_seconds, 1),
                "three_workers_seconds": round(three_seconds, 1),
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            indent=2,
        )
        + "\n"
    )

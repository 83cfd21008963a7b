"""Integration tests: a real Kafka broker for the session; fresh topics and group per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.kafka.admin import ensure_topics
from tests.support.workers import WorkerProcess, fresh_env, settings_from

pytestmark = pytest.mark.integration


@pytest.fixture
def worker_env(kafka_bootstrap: str, tmp_path: Path) -> dict[str, str]:
    return fresh_env(kafka_bootstrap, tmp_path)


@pytest.fixture
def worker_settings(worker_env: dict[str, str], kafka_bootstrap: str):  # type: ignore[no-untyped-def]
    """The test's settings, with its topics already created (readers may subscribe before the worker starts)."""
    settings = settings_from(worker_env)
    ensure_topics(settings, kafka_bootstrap)
    return settings


@pytest.fixture
def start_worker(worker_env: dict[str, str], worker_settings, tmp_path: Path) -> Iterator:  # type: ignore[no-untyped-def,type-arg]
    started: list[WorkerProcess] = []

    def start(**extra: str) -> WorkerProcess:
        worker = WorkerProcess({**worker_env, **extra}, tmp_path / f"worker-{len(started)}.log").start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()

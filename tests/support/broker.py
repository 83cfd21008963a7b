"""Test support: the broker rule for tests (env var -> testcontainers when Docker answers -> local Kafka)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_KAFKA_DIR = ROOT / ".dyadwatch" / "test-kafka"
KAFKA_LIBS = ROOT / ".dyadwatch" / "kafka-libs"


def docker_engine_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@contextmanager
def session_broker() -> Iterator[str]:
    """Yield a bootstrap address of a real Kafka broker, by the project's one rule."""
    explicit = os.environ.get("DYADWATCH_KAFKA_BOOTSTRAP", "").strip()
    if explicit:
        yield explicit
        return
    if docker_engine_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("apache/kafka:4.1.1").with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    from streams.kafka.local import LocalKafka

    kafka = LocalKafka(TEST_KAFKA_DIR, libs_dir=KAFKA_LIBS)
    bootstrap = kafka.start()
    try:
        yield bootstrap
    finally:
        kafka.stop()

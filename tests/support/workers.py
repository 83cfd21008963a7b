"""Test support: `dyadwatch worker` as a real process, and a consumer that collects a topic."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kafka import KafkaConsumer

from streams.settings import Settings


def fresh_env(bootstrap: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for one test: its own topics (uuid names), its own group, the given broker."""
    tag = uuid.uuid4().hex[:10]
    env = {
        "DYADWATCH_KAFKA_BOOTSTRAP": bootstrap,
        "DYADWATCH_APP_ID": f"dw-test-{tag}",
        "DYADWATCH_DATA_DIR": str(tmp_path / "data"),
        "DYADWATCH_WEB_ENABLED": "false",
        "DYADWATCH_PARTITIONS": "2",
        "DYADWATCH_BATCH_WITHIN": "0.1",
    }
    for role in ("articles", "enriched", "deadletter", "stances", "relation_events", "relations", "alerts"):
        env[f"DYADWATCH_TOPIC_{role.upper()}"] = f"{role.replace('_', '-')}-{tag}"
    env.update(extra)
    return env


def settings_from(env: dict[str, str]) -> Settings:
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        return Settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)


@dataclass
class WorkerProcess:
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self) -> WorkerProcess:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop/kill
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker"],
            env={**os.environ, **self.env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 60) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close()
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self._close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


class TopicReader:
    """Collects every record of one topic from the beginning, incrementally."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.consumer = KafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            max_partition_fetch_bytes=32 * 1024 * 1024,
            fetch_max_bytes=64 * 1024 * 1024,
        )
        self.records: list[tuple[bytes | None, bytes | None]] = []

    def poll(self) -> list[tuple[bytes | None, bytes | None]]:
        for batch in self.consumer.poll(timeout_ms=500).values():
            self.records.extend((r.key, r.value) for r in batch)
        return self.records

    def close(self) -> None:
        self.consumer.close()

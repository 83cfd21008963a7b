"""Test support: `dyadwatch worker` as a real process, and a consumer that collects a topic."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from kafka import KafkaConsumer

from streams.settings import Settings

if TYPE_CHECKING:
    from streams.core.models import RelationUpdate

_STAMP = re.compile(r"^\[[^\]]*\] \[\d+\] ")
_PROGRESS = re.compile(
    r"relation updates in (?P<updates_in>\d+) = folded (?P<folded>\d+) \+ replays (?P<replays>\d+) "
    r"\+ late (?P<late>\d+) \+ dead letters (?P<dead>\d+)"
)


def relation_books(log: str) -> dict[str, int] | None:
    """The relations agent's books from a worker log's last progress line: updates in, folded, replays, late,
    dead (letters); None before the first line."""
    found = _PROGRESS.findall(log)
    if not found:
        return None
    return dict(zip(_PROGRESS.groupindex, map(int, found[-1]), strict=True))
_NUMBER = re.compile(r"\d+(\.\d+)?")


def log_digest(text: str, limit: int = 6000) -> str:
    """The end of a worker log without DEBUG lines, each repeated warning kept once (the first) with its count.

    A stalled worker repeats the same warnings every few seconds; a plain tail would show only those.
    """
    kept: list[str] = []
    first: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for line in text.splitlines():
        if "[DEBUG]" in line:
            continue
        if not _STAMP.match(line) or "[INFO]" in line:  # INFO lines and continuations are kept as they are
            kept.append(line)
            continue
        shape = _NUMBER.sub("#", _STAMP.sub("", line))
        if shape in first:
            index = first[shape]
            repeats[index] = repeats.get(index, 1) + 1
            continue
        first[shape] = len(kept)
        kept.append(line)
    lines = [f"{line}  [x{repeats[i]}]" if i in repeats else line for i, line in enumerate(kept)]
    digest = "\n".join(lines)
    return digest[-limit:]


def child_pids(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(c) for c in task.read_text().split()]
        except OSError:
            continue
    return children


def peak_rss_kb(pid: int) -> int:
    """VmHWM of one process in kB (0 when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


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
        "DYADWATCH_PROGRESS_INTERVAL": "2",
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

    def children(self) -> list[int]:
        """Pids of the worker's child processes (its NLP process and multiprocessing's resource tracker)."""
        return child_pids(self.proc.pid) if self.alive() and self.proc is not None else []

    def nlp_process(self) -> int | None:
        """Pid of the worker's NLP process (a multiprocessing spawn child), when it runs."""
        for pid in self.children():
            try:
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            except OSError:
                continue
        return None

    def peak_rss_mb(self) -> float:
        """VmHWM (peak resident memory) of the worker plus its live children, in MiB."""
        if self.proc is None or not self.alive():
            return 0.0
        return sum(peak_rss_kb(pid) for pid in [self.proc.pid, *self.children()]) / 1024

    def digest(self, limit: int = 6000) -> str:
        return log_digest(self.log(), limit)

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


def read_all(bootstrap: str, topic: str, timeout_ms: int = 3000) -> list[tuple[bytes | None, bytes | None]]:
    """Every record of `topic` from the beginning, partition by partition (for diagnostics)."""
    from kafka import TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        consumer_timeout_ms=timeout_ms,
        max_partition_fetch_bytes=32 * 1024 * 1024,
        fetch_max_bytes=64 * 1024 * 1024,
    )
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        return [(r.key, r.value) for r in consumer]
    finally:
        consumer.close()


def distinct_updates(bootstrap: str, settings: Settings) -> dict[tuple[str, str], RelationUpdate]:
    """The distinct relation updates on the relation-events topic, by (dyad, article version)."""
    from streams.core.models import RelationUpdate

    updates: dict[tuple[str, str], RelationUpdate] = {}
    for _, value in read_all(bootstrap, settings.topic_relation_events):
        if value:
            update = RelationUpdate.model_validate_json(value)
            updates[(update.dyad, update.update_id)] = update
    return updates


def pipeline_diagnosis(bootstrap: str, settings: Settings) -> str:
    """Where the books stop balancing: per dyad, the distinct relation events on the topic (in distinct
    updates), the event count of the last changelog record of the table, and of the last record on the
    relations topic."""
    import json

    events: dict[str, set[str]] = {}
    for update in distinct_updates(bootstrap, settings).values():
        events.setdefault(update.dyad, set()).update(e.event_id for e in update.events_view())
    changelog = {
        json.loads(k): json.loads(v)["event_count"]
        for k, v in read_all(bootstrap, f"{settings.app_id}-relations-changelog")
        if k and v
    }
    published = {
        k.decode(): json.loads(v)["event_count"] for k, v in read_all(bootstrap, settings.topic_relations) if k and v
    }
    rows = [
        f"{dyad}: relation-events {len(ids)} distinct, changelog {changelog.get(dyad)}, relations {published.get(dyad)}"
        for dyad, ids in sorted(events.items())
    ]
    articles = len(read_all(bootstrap, settings.topic_articles))
    enriched = {json.loads(v).get("article_id") for _, v in read_all(bootstrap, settings.topic_enriched) if v}
    return "\n".join([f"articles {articles}, distinct enriched {len(enriched)}", *rows])


def _faust_logtable(log: str, title: str, topic: str) -> dict[int, int]:
    """The last table Faust's recovery logged under `title` ('Reading Starts At - Active', 'Highwater -
    Active'): partition -> offset for `topic` (Faust writes a ditto mark for a repeated topic name)."""
    start = log.rfind(f"+{title}-")
    if start < 0:
        return {}
    rows: dict[int, int] = {}
    current = None
    for line in log[start:].splitlines()[3:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[1].isdigit():
            break
        current = current if cells[0] == "〃" else cells[0]
        if current == topic:
            rows[int(cells[1])] = int(cells[2])
    return rows


def changelog_recovery(log: str, changelog: str) -> dict[int, tuple[int, int]]:
    """What a worker's last table recovery read of `changelog`, from Faust's log: partition -> (offset it
    started after, highwater offset). Records read = highwater - start; a store that kept nothing starts at -1."""
    starts = _faust_logtable(log, "Reading Starts At - Active", changelog)
    highwaters = _faust_logtable(log, "Highwater - Active", changelog)
    return {p: (starts[p], highwaters[p]) for p in starts if p in highwaters}

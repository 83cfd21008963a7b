"""Bench layer: end-to-end runs through a real broker: saturated throughput, latency at a fixed rate, worker RSS."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError

from streams.core.models import Article, EnrichedArticle
from streams.core.routing import relation_updates
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_producer, publish_articles
from streams.settings import Settings
from tests.support.workers import WorkerProcess, child_pids, fresh_env, settings_from

EventKey = tuple[str, int]


MEMORY_SLACK = timedelta(days=2)
"""Added to an expectation's span of event times: an undated article's event time is its arrival time, and the
worker takes it off the topic minutes after the in-process core saw it."""


@dataclass(frozen=True)
class Expectation:
    """What the table must show once `articles` are folded: events per dyad, and each article's event keys; and the
    span of the updates' event times (`earliest`, `latest`), which the worker's memory must cover (`memory_days`)."""

    per_dyad: dict[str, int]
    per_article: dict[str, list[EventKey]]
    earliest: datetime | None = None
    latest: datetime | None = None

    @staticmethod
    def of(enriched: list[EnrichedArticle]) -> Expectation:
        """From the core's results, grouped into relation updates as the worker groups them (routing)."""
        per_dyad: dict[str, int] = defaultdict(int)
        per_article: dict[str, list[EventKey]] = {}
        times: list[datetime] = []
        for result in enriched:
            per_article[result.article_id] = [(result.article_id, i) for i in range(len(result.relations))]
            for update in relation_updates(result):
                per_dyad[update.dyad] += len(update.events)
                times.append(_utc(update.event_time))
        return Expectation(dict(per_dyad), per_article, min(times, default=None), max(times, default=None))

    def plus(self, other: Expectation) -> Expectation:
        dyads = dict(self.per_dyad)
        for dyad, count in other.per_dyad.items():
            dyads[dyad] = dyads.get(dyad, 0) + count
        earliest = min((t for t in (self.earliest, other.earliest) if t is not None), default=None)
        latest = max((t for t in (self.latest, other.latest) if t is not None), default=None)
        return Expectation(dyads, {**self.per_article, **other.per_article}, earliest, latest)

    def memory_days(self, default: float) -> float:
        """The worker's DYADWATCH_MEMORY_DAYS for these updates: `default`, or more when their event times span
        more than that. A dyad's table ignores an update dated before its horizon (the latest event it holds less
        the memory: RelationState.horizon) and publishes the state unchanged, so a corpus whose articles lie years
        apart (the wire corpus keeps its texts' own dates, 2008-2026) and reach the table in an order no one
        controls (partitions, batches) would lose a different share of its events each run, and the table would
        never reach the counts the core gave. Memory over the whole span plus MEMORY_SLACK: no update is late."""
        if self.earliest is None or self.latest is None:
            return default
        span = (self.latest - self.earliest + MEMORY_SLACK) / timedelta(days=1)
        return default if span <= default else float(int(span) + 1)


def _utc(moment: datetime) -> datetime:
    """As the fold reads an event time: a time without a zone is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass
class RelationsWatch:
    """Reads the relations topic in a thread; notes when each (article, event) first shows up in evidence."""

    bootstrap: str
    topic: str
    event_counts: dict[str, int] = field(default_factory=dict)
    first_seen: dict[EventKey, float] = field(default_factory=dict)
    records: int = 0
    _target: dict[str, int] = field(default_factory=dict)
    _complete_at: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> RelationsWatch:
        consumer = KafkaConsumer(
            self.topic,
            bootstrap_servers=self.bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=50,
            max_partition_fetch_bytes=32 * 1024 * 1024,
        )
        self._thread = threading.Thread(target=self._run, args=(consumer,), daemon=True)
        self._thread.start()
        return self

    def _run(self, consumer: KafkaConsumer) -> None:
        try:
            while not self._stop.is_set():
                polled = consumer.poll(timeout_ms=100)
                received = time.monotonic()
                with self._lock:
                    for batch in polled.values():
                        for record in batch:
                            self._note(record.key, record.value, received)
                    if self._complete_at is None and self._target and self._satisfied():
                        self._complete_at = received
        finally:
            consumer.close()

    def _note(self, key: bytes | None, value: bytes | None, received: float) -> None:
        if not key or not value:
            return
        state = json.loads(value)
        self.records += 1
        dyad = key.decode()
        self.event_counts[dyad] = max(self.event_counts.get(dyad, 0), int(state["event_count"]))
        for piece in state.get("evidence", []):
            self.first_seen.setdefault((piece["article_id"], int(piece.get("event_index", 0))), received)

    def _satisfied(self) -> bool:
        return all(self.event_counts.get(d, 0) >= n for d, n in self._target.items())

    def expect(self, per_dyad: dict[str, int]) -> None:
        with self._lock:
            self._target = dict(per_dyad)
            self._complete_at = time.monotonic() if self._satisfied() else None

    def wait_complete(self, timeout: float, what: Callable[[], str]) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._complete_at is not None:
                    return self._complete_at
            time.sleep(0.05)
        with self._lock:
            counts = dict(self.event_counts)
        short = sorted((d, counts.get(d, 0), n) for d, n in self._target.items() if counts.get(d, 0) < n)
        shown = ", ".join(f"{d} {got}/{n}" for d, got, n in short[:10])
        raise TimeoutError(
            f"the table did not complete in {timeout:.0f}s "
            f"({len(short)} of {len(self._target)} dyads short: {shown}); {what()}"
        )

    def surplus(self) -> int:
        """Events the table holds beyond the expectation (dyads over their count, dyads it does not name): 0 when
        the worker folded exactly what the in-process core gave."""
        with self._lock:
            return sum(max(0, got - self._target.get(d, 0)) for d, got in self.event_counts.items())

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by `pids` (all their threads), from /proc/<pid>/stat."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat(5)
    return total / os.sysconf("SC_CLK_TCK")


def memory_kb(pid: int) -> dict[str, int]:
    """VmHWM (peak RSS) and VmRSS of a worker process and its children (its NLP process), in kB, from /proc."""
    wanted = {"VmHWM", "VmRSS"}
    values: dict[str, int] = dict.fromkeys(wanted, 0)
    for one in [pid, *child_pids(pid)]:
        try:
            status = Path(f"/proc/{one}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            name, _, rest = line.partition(":")
            if name in wanted:
                values[name] += int(rest.split()[0])
    return values


def wait_for_group(bootstrap: str, group: str, members: int, timeout: float = 120) -> None:
    """Until the consumer group is Stable with `members` members that all hold partitions."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        deadline = time.monotonic() + timeout
        info: dict[str, Any] = {}
        while time.monotonic() < deadline:
            try:
                info = admin.describe_groups([group]).get(group, {})
            except KafkaError:
                info = {}
            state = info.get("group_state", info.get("state"))
            if state == "Stable" and len(info.get("members", [])) == members:
                return
            time.sleep(0.5)
        raise TimeoutError(f"consumer group {group} did not reach {members} stable members in {timeout:.0f}s: {info}")
    finally:
        admin.close()


@dataclass
class Group:
    """`workers` dyadwatch worker processes in one fresh consumer group with their own topics; the fold's memory
    `memory_days` (Expectation.memory_days) when given, else the setting's default."""

    bootstrap: str
    tmp: Path
    workers: int
    partitions: int
    memory_days: float | None = None
    env: dict[str, str] = field(init=False)
    settings: Settings = field(init=False)
    procs: list[WorkerProcess] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tmp.mkdir(parents=True, exist_ok=True)
        defaults = Settings.model_fields
        self.env = fresh_env(
            self.bootstrap,
            self.tmp,
            DYADWATCH_PARTITIONS=str(self.partitions),
            DYADWATCH_BATCH_WITHIN=str(defaults["batch_within"].default),
            **({} if self.memory_days is None else {"DYADWATCH_MEMORY_DAYS": str(self.memory_days)}),
        )
        self.settings = settings_from(self.env)
        ensure_topics(self.settings, self.bootstrap)

    def start(self, warm: list[Article], warm_expected: Expectation, watch: RelationsWatch) -> None:
        self.procs = [WorkerProcess(self.env, self.tmp / f"worker-{i}.log").start() for i in range(self.workers)]
        wait_for_group(self.bootstrap, self.settings.app_id, self.workers)
        watch.expect(warm_expected.per_dyad)
        publish_articles(self.settings, self.bootstrap, warm)
        watch.wait_complete(180, self.logs)

    def logs(self) -> str:
        return "worker logs:\n" + "\n".join(p.log()[-1500:] for p in self.procs)

    def memory(self) -> list[dict[str, int]]:
        return [memory_kb(p.proc.pid) for p in self.procs if p.proc is not None and p.alive()]

    def pids(self) -> list[int]:
        """The live workers and their children (the NLP processes)."""
        return [pid for p in self.procs if p.proc is not None and p.alive() for pid in [p.proc.pid, *p.children()]]

    def stop(self) -> None:
        for p in self.procs:
            p.stop()


def memory_for(warm: Expectation, expected: Expectation) -> float:
    """The fold memory a group needs for its warm-up and timed articles together (Expectation.memory_days), at
    least the setting (DYADWATCH_MEMORY_DAYS here, else its default)."""
    return warm.plus(expected).memory_days(Settings().memory_days)


def throughput(
    bootstrap: str,
    tmp: Path,
    workers: int,
    partitions: int,
    warm: tuple[list[Article], Expectation],
    articles: list[Article],
    expected: Expectation,
    tokens: int,
    setup: Callable[[Group], None] | None = None,
    broker_pid: int | None = None,
) -> dict[str, object]:
    """Publish all `articles` at once to a warm group; seconds until every dyad's event count is in the table.

    `setup` runs on the warm group just before the clock starts (bench.cost pins processes to cores there).
    CPU seconds over the timed window are counted for the workers with their NLP processes, for this process
    (publisher and watcher) and, given its pid, for the broker."""
    group = Group(bootstrap, tmp, workers, partitions, memory_for(warm[1], expected))
    watch = RelationsWatch(bootstrap, group.settings.topic_relations).start()
    try:
        group.start(warm[0], warm[1], watch)
        if setup is not None:
            setup(group)
        watch.expect(warm[1].plus(expected).per_dyad)
        meters: dict[str, Callable[[], list[int]]] = {"workers": group.pids, "bench": lambda: [os.getpid()]}
        if broker_pid is not None:
            meters["broker"] = lambda: [broker_pid]
        cpu_before = {name: cpu_seconds(pids()) for name, pids in meters.items()}
        started = time.monotonic()
        publish_articles(group.settings, bootstrap, articles)
        published = time.monotonic() - started
        done = watch.wait_complete(120 + 10 * len(articles), group.logs)
        seconds = done - started
        cpu = {name: round(cpu_seconds(pids()) - cpu_before[name], 2) for name, pids in meters.items()}
        memory = group.memory()
        if len(memory) != workers:
            raise RuntimeError(f"a worker died during the run; {group.logs()}")
        return {
            "workers": workers,
            "partitions": partitions,
            "articles": len(articles),
            "events": sum(expected.per_dyad.values()),
            "relation_records": watch.records,
            "surplus_events": watch.surplus(),
            "memory_days": group.settings.memory_days,
            "publish_seconds": round(published, 3),
            "seconds": round(seconds, 3),
            "articles_per_s": round(len(articles) / seconds, 3),
            "tokens_per_s": round(tokens / seconds, 1),
            "worker_vmhwm_mb": [round(m["VmHWM"] / 1024, 1) for m in memory],
            "worker_vmrss_mb": [round(m["VmRSS"] / 1024, 1) for m in memory],
            "cpu_seconds": cpu,
        }
    finally:
        watch.stop()
        group.stop()


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def latency(
    bootstrap: str,
    tmp: Path,
    partitions: int,
    rate: float,
    warm: tuple[list[Article], Expectation],
    articles: list[Article],
    expected: Expectation,
) -> dict[str, object]:
    """One worker; publish one article every 1/rate s; per article: publish -> its last event in the table."""
    group = Group(bootstrap, tmp, 1, partitions, memory_for(warm[1], expected))
    watch = RelationsWatch(bootstrap, group.settings.topic_relations).start()
    try:
        group.start(warm[0], warm[1], watch)
        watch.expect(warm[1].plus(expected).per_dyad)
        producer = make_producer(group.settings, bootstrap)
        published: dict[str, float] = {}
        started = time.monotonic()
        for i, article in enumerate(articles):
            delay = started + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            published[article.id] = time.monotonic()
            value = article.model_dump_json(exclude_none=True).encode()
            producer.send(group.settings.topic_articles, key=article.id.encode(), value=value)
        producer.flush()
        producer.close()
        watch.wait_complete(120 + 10 * len(articles), group.logs)
        memory = group.memory()
    finally:
        watch.stop()
        group.stop()
    seconds: list[float] = []
    per_article: dict[str, float] = {}
    unmatched = eventless = 0
    for article in articles:
        keys = expected.per_article.get(article.id, [])
        if not keys:
            eventless += 1
            continue
        seen = [watch.first_seen.get(k) for k in keys]
        if any(t is None for t in seen):
            unmatched += 1  # an event pushed out of the evidence window by newer ones: no exact receipt time
            continue
        seconds.append(max(t for t in seen if t is not None) - published[article.id])
        per_article[article.id] = round(seconds[-1], 3)
    return {
        "workers": 1,
        "rate_articles_per_s": round(rate, 3),
        "articles": len(articles),
        "measured": len(seconds),
        "eventless": eventless,
        "unmatched": unmatched,
        "p50_s": round(percentile(seconds, 50), 3),
        "p95_s": round(percentile(seconds, 95), 3),
        "p99_s": round(percentile(seconds, 99), 3),
        "max_s": round(max(seconds), 3),
        "memory_days": group.settings.memory_days,
        "worker_vmhwm_mb": [round(m["VmHWM"] / 1024, 1) for m in memory],
        "per_article_s": per_article,
    }


def profile(
    bootstrap: str,
    tmp: Path,
    partitions: int,
    warm: tuple[list[Article], Expectation],
    articles: list[Article],
    expected: Expectation,
    out: Path,
) -> Path:
    """A saturated one-worker run with `py-spy record` attached to the warm worker for exactly that run."""
    group = Group(bootstrap, tmp, 1, partitions, memory_for(warm[1], expected))
    watch = RelationsWatch(bootstrap, group.settings.topic_relations).start()
    spy: subprocess.Popen[bytes] | None = None
    try:
        group.start(warm[0], warm[1], watch)
        worker = group.procs[0].proc
        assert worker is not None
        command = [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(worker.pid)]
        command += ["--format", "raw", "--rate", "50", "--threads", "--output", str(out)]
        spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # py-spy attaches before the first article goes out
        watch.expect(warm[1].plus(expected).per_dyad)
        publish_articles(group.settings, bootstrap, articles)
        watch.wait_complete(120 + 10 * len(articles), group.logs)
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
            try:
                spy.wait(60)
            except subprocess.TimeoutExpired:
                spy.kill()
                spy.wait()
        watch.stop()
        group.stop()
    return out

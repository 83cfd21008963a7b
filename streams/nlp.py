"""Shell layer: the worker's NLP in a child process of its own, fed and drained one batch at a time.

The spaCy pipeline holds the GIL for as long as one call into it lasts; in the worker's own process that
stops the event loop, the Kafka consumer thread's heartbeats and `/healthz` with it. In a child process
(spawn start method: nothing of Faust's threads or loop is inherited) the worker's process stays free, and
what the child does to one article cannot end the worker: a child that dies on a batch, or takes longer than
`timeout` seconds per article, is killed and started again, the batch is retried one article at a time, and
the article it dies on (or that times out) again comes back as `Refused`, a dead letter.

The queue is bounded by construction: one request (one batch of at most `batch_size` articles) is in flight;
the next is sent when its results are back. Both directions are JSON (the message contracts), not pickles
of objects.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

from streams.core.bounds import Bounds, Refused
from streams.core.models import Article, EnrichedArticle
from streams.settings import Settings

log = logging.getLogger(__name__)

Outcome = EnrichedArticle | Refused


WATCH_INTERVAL = 1.0
"""Seconds between checks that an idle NLP process is still alive."""


class Nlp(Protocol):
    """What the enrich agent needs of the NLP: per article and in order, its EnrichedArticle or a Refused."""

    async def extract(self, articles: Sequence[Article], received_at: datetime) -> list[Outcome]: ...

    async def keep_alive(self) -> None: ...

START_TIMEOUT = 300.0
"""Seconds a new NLP process may take to load the model and say it is ready."""


class NlpDied(Exception):
    """The child process died or ran out of time on a request; error_type names which."""

    def __init__(self, error_type: str, reason: str) -> None:
        super().__init__(reason)
        self.error_type = error_type
        self.reason = reason


@dataclass(frozen=True)
class NlpConfig:
    """What the child needs to build its BoundedExtractor (picklable, sent once at start)."""

    bounds: Bounds
    batch_size: int
    prefilter: bool = False
    prefilter_ner: bool = True


def nlp_config(settings: Settings) -> NlpConfig:
    return NlpConfig(
        bounds=Bounds(
            symbol_run=settings.max_symbol_run,
            word_chars=settings.max_word_chars,
            part_tokens=settings.part_tokens,
            article_tokens=settings.max_article_tokens,
            batch_tokens=settings.batch_tokens,
            sentence_bytes=settings.max_sentence_bytes,
            earliest_published_at=settings.earliest_published_at,
            future_tolerance=settings.published_at_future_tolerance,
        ),
        batch_size=settings.batch_size,
        prefilter=settings.prefilter,
        prefilter_ner=settings.prefilter_ner,
    )


def child_main(conn: Connection, config: NlpConfig) -> None:
    """The child: load the pipeline once, then answer requests until the worker closes its end of the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the worker decides
    from threadpoolctl import threadpool_limits

    from streams.core.bounded import BoundedExtractor
    from streams.core.extract import load_extractor

    # One BLAS thread: spaCy's small matrices gain nothing from more, and OpenBLAS threads spinning against the
    # broker and other workers on the same cores cost more than they give (docs/benchmarks.md).
    threadpool_limits(1, user_api="blas")
    bounded = BoundedExtractor(
        load_extractor(),
        config.bounds,
        batch_size=config.batch_size,
        prefilter=config.prefilter,
        prefilter_ner=config.prefilter_ner,
    )
    conn.send(("ready", os.getpid()))
    while True:
        try:
            received_at, values = conn.recv()
        except (EOFError, OSError):
            return
        articles = [Article.model_validate_json(v) for v in values]
        results = bounded.extract_many(articles, datetime.fromisoformat(received_at))
        answer = [
            ("ok", r.model_dump_json().encode())
            if isinstance(r, EnrichedArticle)
            else ("refused", r.error_type, r.reason)
            for r in results
        ]
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return


class NlpProcess:
    """One child process with the NLP, its pipe, and a thread of the worker that waits on the pipe."""

    def __init__(
        self, config: NlpConfig, timeout: float, target: Callable[[Connection, NlpConfig], None] = child_main
    ) -> None:
        self.config = config
        self.timeout = timeout
        self.target = target
        self.restarts = 0
        self._context = multiprocessing.get_context("spawn")
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlp-io")
        self._lock = asyncio.Lock()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Spawn the child and wait until its pipeline is loaded (blocking: call it before the worker runs)."""
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=self.target, args=(child, self.config), name="dyadwatch-nlp", daemon=True
        )
        process.start()
        child.close()
        if not parent.poll(START_TIMEOUT):
            process.kill()
            raise RuntimeError(f"the NLP process did not load the spaCy pipeline in {START_TIMEOUT:.0f}s")
        try:
            parent.recv()
        except EOFError as exc:
            raise RuntimeError(
                f"the NLP process exited while loading the pipeline (exit code {process.exitcode})"
            ) from exc
        self._process, self._conn = process, parent
        log.info("NLP process %s ready", process.pid)

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()  # the child reads EOF and returns
        if self._process is not None:
            self._process.join(5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._process, self._conn = None, None

    def _kill(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
        self.stop()

    async def extract(self, articles: Sequence[Article], received_at: datetime) -> list[Outcome]:
        """Per article and in order: its EnrichedArticle, or why it is refused. Never raises for an article."""
        async with self._lock:
            try:
                return await self._ask(articles, received_at)
            except NlpDied as died:
                log.warning(
                    "NLP process %s: %s on a batch of %d; restarting it, then one article at a time",
                    self.pid, died.reason, len(articles),
                )
                await self._restart()
            outcomes: list[Outcome] = []
            for article in articles:
                try:
                    outcomes.extend(await self._ask([article], received_at))
                except NlpDied as died:
                    log.warning(
                        "NLP process %s: %s on article %r; it is dead-lettered", self.pid, died.reason, article.id
                    )
                    outcomes.append(Refused(died.error_type, f"{died.reason} on this article alone"))
                    await self._restart()
            return outcomes

    async def keep_alive(self) -> None:
        """Start the child again if it died while idle (killed, out of memory): the next batch finds it ready."""
        if self._lock.locked() or self._process is None or self._process.is_alive():
            return
        async with self._lock:
            if self._process is not None and not self._process.is_alive():
                log.warning("NLP process %s died while idle (exit code %s); starting it again",
                            self._process.pid, self._process.exitcode)
                await self._restart()

    async def _restart(self) -> None:
        loop = asyncio.get_running_loop()
        self._kill()
        self.restarts += 1
        await loop.run_in_executor(self._io, self.start)

    async def _ask(self, articles: Sequence[Article], received_at: datetime) -> list[Outcome]:
        if self._conn is None:
            raise NlpDied("NlpProcessDied", "the NLP process is not running")
        request = (received_at.isoformat(), [a.model_dump_json().encode() for a in articles])
        deadline = self.timeout * len(articles)
        answer = await asyncio.get_running_loop().run_in_executor(self._io, self._exchange, request, deadline)
        return [
            EnrichedArticle.model_validate_json(item[1]) if item[0] == "ok" else Refused(item[1], item[2])
            for item in answer
        ]

    def _exchange(self, request: tuple[str, list[bytes]], deadline: float) -> list[Any]:
        """Send one request and wait for its answer, on the io thread (the worker's loop stays free)."""
        assert self._conn is not None and self._process is not None
        started = time.monotonic()
        try:
            self._conn.send(request)
            if not self._conn.poll(deadline):
                self._kill()
                raise NlpDied(
                    "NlpTimeout",
                    f"the NLP took more than {deadline:.0f}s ({self.timeout:.0f}s per article, DYADWATCH_NLP_TIMEOUT)",
                )
            answer: list[Any] = self._conn.recv()
        except (EOFError, OSError) as exc:
            self._process.join(1)
            code = self._process.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            seconds = time.monotonic() - started
            raise NlpDied("NlpProcessDied", f"the NLP process died ({how}) after {seconds:.1f}s") from exc
        return answer

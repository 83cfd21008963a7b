"""Unit (shell, real child processes): the NLP process answers as the core does; dying on an article costs only it.

The supervision tests run a stand-in child (tests/support/nlp_stand_in.py, same protocol, no model).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from streams.core.bounded import BoundedExtractor
from streams.core.bounds import Bounds, Refused
from streams.core.extract import load_extractor
from streams.core.models import Article, EnrichedArticle
from streams.nlp import NlpConfig, NlpProcess
from tests.support.nlp_stand_in import stand_in

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BOUNDS = Bounds(article_tokens=5_000)


def articles(*texts: str) -> list[Article]:
    return [Article(id=f"a{i}", text=text) for i, text in enumerate(texts)]


def test_the_nlp_process_answers_as_the_core_does_in_order_refusals_included():
    batch = [*articles("Japan and India signed a defense pact.", "Chile met Peru. " * 2_000, "Chile met Peru.")]
    nlp = NlpProcess(NlpConfig(BOUNDS, batch_size=16), timeout=60)
    nlp.start()
    try:
        got = asyncio.run(nlp.extract(batch, NOW))
    finally:
        nlp.stop()
    assert got == BoundedExtractor(load_extractor(), BOUNDS).extract_many(batch, NOW)
    assert isinstance(got[1], Refused) and got[1].error_type == "ArticleTooLong"
    assert nlp.restarts == 0


@pytest.fixture
def supervised():
    nlp = NlpProcess(NlpConfig(BOUNDS, batch_size=16), timeout=0.5, target=stand_in)
    nlp.start()
    yield nlp
    nlp.stop()


def test_an_article_the_child_dies_on_is_dead_lettered_and_the_rest_of_the_batch_is_enriched(supervised):
    first = supervised.pid
    got = asyncio.run(supervised.extract(articles("fine", "then die", "fine too"), NOW))
    assert [type(r) for r in got] == [EnrichedArticle, Refused, EnrichedArticle]
    assert got[1] == Refused("NlpProcessDied", got[1].reason)
    assert "the NLP process died (exit code 3)" in got[1].reason and got[1].reason.endswith("on this article alone")
    assert supervised.restarts == 2 and supervised.pid != first  # after the batch, after the article alone
    assert asyncio.run(supervised.extract(articles("after"), NOW))[0].article_id == "a0"


def test_an_article_over_its_time_is_dead_lettered_and_the_loop_runs_meanwhile(supervised):
    async def run() -> tuple[list[object], int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        ticker = asyncio.create_task(tick())
        got = await supervised.extract(articles("fine", "stall here"), NOW)
        ticker.cancel()
        return got, ticks

    got, ticks = asyncio.run(run())
    assert [type(r) for r in got] == [EnrichedArticle, Refused]
    assert got[1].error_type == "NlpTimeout" and "DYADWATCH_NLP_TIMEOUT" in got[1].reason
    assert supervised.restarts == 2
    assert ticks >= 10, "the wait is on a thread: the worker's loop keeps running"


def test_the_worker_process_never_imports_spacy():
    """Only the NLP process loads the model: the worker's own memory holds Faust, Kafka and the table."""
    import subprocess
    import sys

    code = "import sys, streams.worker, streams.views, streams.cli; print('spacy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr


def test_a_child_that_dies_while_idle_is_started_again_before_the_next_batch(supervised):
    import os
    import signal

    first = supervised.pid
    os.kill(first, signal.SIGKILL)
    supervised._process.join(5)  # noqa: SLF001 - wait until the kill is visible, as the worker's next tick would
    asyncio.run(supervised.keep_alive())
    assert supervised.pid not in (None, first) and supervised.restarts == 1
    asyncio.run(supervised.keep_alive())  # alive: nothing to do
    assert supervised.restarts == 1

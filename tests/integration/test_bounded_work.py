"""Integration: no article holds the worker: pathological text, huge articles and a dying NLP process, on a real broker.

Each test reproduces a fault of issue 16 that stopped or bloated a worker before the bounds (see
docs/reliability.md for the figures before and after).
"""

from __future__ import annotations

import os
import signal
import urllib.request

import pytest

from streams.core.models import Article, DeadLetter, EnrichedArticle, RelationUpdate
from streams.kafka.clients import publish_articles
from tests.integration.test_web_api import free_port
from tests.support.articles import make_articles
from tests.support.polling import wait_for
from tests.support.workers import TopicReader

pytestmark = pytest.mark.integration

FRAME = "Japan and India signed a defense pact on Monday. {run} Chile accused Peru of spying on Tuesday."
PATHOLOGICAL = [
    Article(id="parens", text=FRAME.format(run="(" * 40_000)),
    Article(id="emoji", text=FRAME.format(run="\U0001f600" * 40_000)),
]
"""40 KB of '(' froze a worker for 177 s; 40,000 emoji took 238 s of tokenizer time (GIL held all along)."""


def healthz(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


class Outputs:
    """Enriched articles and dead letters of one test, read as they come."""

    def __init__(self, bootstrap: str, settings) -> None:  # type: ignore[no-untyped-def]
        self.enriched = TopicReader(bootstrap, settings.topic_enriched)
        self.dead = TopicReader(bootstrap, settings.topic_deadletter)

    def poll(self) -> tuple[list[EnrichedArticle], list[DeadLetter]]:
        return ([EnrichedArticle.model_validate_json(v) for _, v in self.enriched.poll()],
                [DeadLetter.model_validate_json(v) for _, v in self.dead.poll()])

    def close(self) -> None:
        self.enriched.close()
        self.dead.close()


def test_long_runs_of_punctuation_and_emoji_are_enriched_while_healthz_keeps_answering(
    kafka_bootstrap, worker_settings, start_worker
):
    port = free_port()
    worker = start_worker(DYADWATCH_WEB_ENABLED="true", DYADWATCH_WEB_PORT=str(port))
    wait_for(lambda: healthz(port), timeout=180, what=lambda: f"/healthz; log:\n{worker.digest()}")
    outputs = Outputs(kafka_bootstrap, worker_settings)
    answers: list[bool] = []
    try:
        publish_articles(worker_settings, kafka_bootstrap, [*PATHOLOGICAL, Article(id="plain", text="Chile met Peru.")])

        def done() -> bool:
            answers.append(healthz(port))
            assert worker.alive(), worker.digest()
            return len(outputs.poll()[0]) >= 3

        wait_for(done, timeout=300, interval=0.2, what=lambda: f"3 enriched; log:\n{worker.digest()}")
        enriched, dead = outputs.poll()
    finally:
        outputs.close()
    assert not dead, [d.reason for d in dead]
    by_id = {e.article_id: e for e in enriched}
    for article in PATHOLOGICAL:
        assert {"JPN", "IND", "CHL", "PER"} <= set(by_id[article.id].actors)
        assert all(article.text[e.start:e.end] == e.text for e in by_id[article.id].entities)
    print(f"FIGURES /healthz polled {len(answers)} times while the articles were processed, answered "
          f"{sum(answers)}")
    assert answers and all(answers), "/healthz answered every poll while the worker had the articles"


def test_a_killed_nlp_process_is_replaced_and_every_article_still_comes_out(
    kafka_bootstrap, worker_settings, start_worker
):
    worker = start_worker()
    articles = make_articles(150, seed=5, prefix="nlp-kill")
    wait_for(worker.nlp_process, timeout=180, what=lambda: f"the NLP process; log:\n{worker.digest()}")
    outputs = Outputs(kafka_bootstrap, worker_settings)
    try:
        publish_articles(worker_settings, kafka_bootstrap, articles)
        wait_for(lambda: outputs.poll()[0], timeout=180, what=lambda: f"a first article; log:\n{worker.digest()}")
        child = worker.nlp_process()
        assert child is not None
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: len({e.article_id for e in outputs.poll()[0]}) >= len(articles), timeout=240,
                 what=lambda: f"{len(articles)} enriched; log:\n{worker.digest()}")
        enriched, dead = outputs.poll()
    finally:
        outputs.close()
    assert worker.alive() and worker.nlp_process() not in (None, child)
    assert {e.article_id for e in enriched} == {a.id for a in articles}
    assert not dead, [d.reason for d in dead]
    log = worker.log()
    assert "restarting it" in log or "died while idle" in log, "killed at work or idle, it is started again"


def test_an_article_of_fifty_thousand_sentences_is_dead_lettered_and_the_worker_stays_small(
    kafka_bootstrap, worker_settings, start_worker
):
    """Before: 3.85 GB of RSS, and a 22 MB enriched record that could not be sent."""
    worker = start_worker()
    wait_for(lambda: "[^Worker]: Ready" in worker.log(), timeout=180, what=lambda: f"ready; log:\n{worker.digest()}")
    huge = Article(id="fifty-thousand", text="Chile met Peru. " * 50_000)
    assert len(huge.text.encode()) == 800_000
    outputs = Outputs(kafka_bootstrap, worker_settings)
    peak = 0.0
    try:
        publish_articles(worker_settings, kafka_bootstrap, [huge, Article(id="after", text="Chile met Peru.")])

        def done() -> bool:
            nonlocal peak
            peak = max(peak, worker.peak_rss_mb())
            enriched, dead = outputs.poll()
            return len(enriched) + len(dead) >= 2

        wait_for(done, timeout=240, what=lambda: f"2 outputs; log:\n{worker.digest()}")
        enriched, dead = outputs.poll()
        peak = max(peak, worker.peak_rss_mb())
    finally:
        outputs.close()
    (letter,) = dead
    assert (letter.article_id, letter.error_type, letter.stage) == ("fifty-thousand", "ArticleTooLong", "article")
    assert "200000 tokens" in letter.reason and "DYADWATCH_MAX_ARTICLE_TOKENS" in letter.reason
    assert [e.article_id for e in enriched] == ["after"]
    print(f"FIGURES 50,000-sentence article: worker + NLP process peak RSS {peak:.0f} MiB")
    assert peak < 600


def test_an_article_just_under_the_budget_is_analysed_in_parts_and_merged(
    kafka_bootstrap, worker_settings, start_worker
):
    worker = start_worker(DYADWATCH_PART_TOKENS="2000")
    sentences = [f"Japan and India signed pact number {i}." if i % 50 == 0 else "Markets were calm."
                 for i in range(2_500)]
    article = Article(id="parts", text=" ".join(sentences))
    outputs = Outputs(kafka_bootstrap, worker_settings)
    peak = 0.0
    try:
        publish_articles(worker_settings, kafka_bootstrap, [article])

        def done() -> list[EnrichedArticle]:
            nonlocal peak
            peak = max(peak, worker.peak_rss_mb())
            return outputs.poll()[0]

        (enriched,) = wait_for(done, timeout=240, what=lambda: f"the article; log:\n{worker.digest()}")
    finally:
        outputs.close()
    assert len(enriched.relations) == 100  # 'Japan and India signed': one event each way
    assert all(article.text[r.span[0]:r.span[1]].strip() == r.sentence.strip() for r in enriched.relations)
    assert all(article.text[e.start:e.end] == e.text for e in enriched.entities)
    print(f"FIGURES {len(article.text)} chars in parts of 2,000 tokens: peak RSS {peak:.0f} MiB")
    updates = TopicReader(kafka_bootstrap, worker_settings.topic_relation_events)

    def indexes() -> list[int]:
        return sorted(e.event_index for _, v in updates.poll() for e in RelationUpdate.model_validate_json(v).events)

    try:
        wait_for(lambda: len(indexes()) >= 100, timeout=60, what="100 events in relation updates")
        found = indexes()
    finally:
        updates.close()
    assert found == list(range(100)), "one event index per event of the article, none twice"


def test_an_article_at_the_token_budget_is_enriched_and_the_worker_stays_small(
    kafka_bootstrap, worker_settings, start_worker, sample_text
):
    """The largest article the worker takes (just under DYADWATCH_MAX_ARTICLE_TOKENS, ~260 KB of news text)."""
    worker = start_worker()
    wait_for(lambda: "[^Worker]: Ready" in worker.log(), timeout=180, what=lambda: f"ready; log:\n{worker.digest()}")
    article = Article(id="at-budget", text="\n\n".join([sample_text] * 89))
    outputs = Outputs(kafka_bootstrap, worker_settings)
    peak = 0.0
    try:
        publish_articles(worker_settings, kafka_bootstrap, [article])

        def done() -> list[EnrichedArticle]:
            nonlocal peak
            peak = max(peak, worker.peak_rss_mb())
            return outputs.poll()[0]

        (enriched,) = wait_for(done, timeout=300, what=lambda: f"the article; log:\n{worker.digest()}")
        peak = max(peak, worker.peak_rss_mb())
    finally:
        outputs.close()
    assert enriched.relations and all(article.text[e.start:e.end] == e.text for e in enriched.entities)
    print(f"FIGURES article at the budget ({len(article.text)} chars, {len(enriched.relations)} events): "
          f"worker + NLP process peak RSS {peak:.0f} MiB")
    assert peak < 800, "under the pods' memory limit in deploy/k8s"

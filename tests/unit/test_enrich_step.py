"""Unit (shell, with fakes): one enrich batch accounts for every article even when an output cannot be written."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from streams.agents import EXIT_UNRECOVERABLE, enrich_batch
from streams.core.bounds import Refused
from streams.core.models import Article, EnrichedArticle
from tests.support.shell import event_of, make_shell


class FakeNlp:
    async def keep_alive(self):
        pass

    async def extract(self, articles, received_at):
        return [
            Refused("ArticleTooLong", "too long") if "refuse" in a.text
            else EnrichedArticle(article_id=a.id, received_at=received_at, extractor_version="fake", digest="d")
            for a in articles
        ]


def shell_with(fail_enriched_for=()):
    shell, _ = make_shell(FakeNlp(), fail_for={"enriched": fail_enriched_for})
    return shell


def events_of(values):
    return [event_of(v, "articles", i) for i, v in enumerate(values)]


def article(i, text=None):
    return Article(id=f"a{i}", text=text or f"Article number {i}.").model_dump_json().encode()


def test_an_article_whose_output_cannot_be_written_is_dead_lettered_and_the_rest_go_on():
    shell = shell_with(fail_enriched_for={"a1"})
    asyncio.run(enrich_batch(shell, events_of([article(0), article(1), b"{not json", article(2)])))
    enriched = [k for k, _ in shell.topics.enriched.records]
    dead = [json.loads(v) for _, v in shell.topics.deadletter.records]
    assert enriched == ["a0", "a2"]
    assert {d["error_type"] for d in dead} == {"OutputError", "InvalidJson"}
    output_failure = next(d for d in dead if d["error_type"] == "OutputError")
    assert output_failure["article_id"] == "a1" and "cannot write a1" in output_failure["reason"]
    assert shell.metrics.articles_in == 4 == shell.metrics.enriched + shell.metrics.dead_letters


def test_an_article_the_nlp_refuses_is_dead_lettered_with_the_nlp_reason():
    shell = shell_with()
    asyncio.run(enrich_batch(shell, events_of([article(0), article(1, "please refuse me")])))
    assert [k for k, _ in shell.topics.enriched.records] == ["a0"]
    (dead,) = [json.loads(v) for _, v in shell.topics.deadletter.records]
    assert (dead["error_type"], dead["reason"], dead["article_id"], dead["stage"]) == (
        "ArticleTooLong", "too long", "a1", "article")
    assert shell.metrics.articles_in == 2 == shell.metrics.enriched + shell.metrics.dead_letters


def test_by_default_an_unrecoverable_batch_stops_the_process_at_once_without_committing():
    """`Shell.die` must end the process (exit 70) before Faust's take() can ack and commit the batch."""
    code = (
        "from tests.support.shell import event_of, make_shell\n"
        "make_shell()[0].die('producer gone')\n"
        "print('still running')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == EXIT_UNRECOVERABLE == 70
    assert "still running" not in done.stdout
    assert "producer gone; exiting with 70 without committing" in done.stderr

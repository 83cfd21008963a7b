"""Test support: a stand-in for the NLP child process (same protocol, no model) that dies or stalls on cue."""

from __future__ import annotations

import os
import time
from multiprocessing.connection import Connection

from streams.core.models import Article, EnrichedArticle
from streams.nlp import NlpConfig


def stand_in(conn: Connection, config: NlpConfig) -> None:
    """'die' in a text ends the process (exit code 3), 'stall' sleeps for a minute; anything else is enriched."""
    conn.send(("ready", os.getpid()))
    while True:
        try:
            received_at, values = conn.recv()
        except EOFError:
            return
        answer = []
        for value in values:
            article = Article.model_validate_json(value)
            if "die" in article.text:
                os._exit(3)
            if "stall" in article.text:
                time.sleep(60)
            enriched = EnrichedArticle(article_id=article.id, extractor_version="stand-in", received_at=received_at)
            answer.append(("ok", enriched.model_dump_json().encode()))
        conn.send(answer)

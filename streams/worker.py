"""Shell layer: wire settings, topics, table and agents into a Faust worker and run it."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import faust

from streams.admin import ensure_topics
from streams.agents import Shell, register_agents
from streams.app import create_app
from streams.core.extract import Extractor
from streams.metrics import Metrics
from streams.settings import Settings
from streams.tables import relations_table
from streams.topics import declare_topics

log = logging.getLogger(__name__)


def build(settings: Settings, bootstrap: str) -> tuple[faust.App, Shell]:
    """The whole topology on one App; the extractor loads lazily, once per process."""
    app = create_app(settings, bootstrap)
    topics = declare_topics(app, settings)
    table = relations_table(app, settings)

    @cache
    def extractor() -> Extractor:
        from streams.core.extract import load_extractor

        return load_extractor()

    shell = Shell(
        settings=settings,
        topics=topics,
        table=table,
        extractor=extractor,
        metrics=Metrics(),
        executor=ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlp"),
    )
    register_agents(app, shell)
    if settings.web_enabled:
        from streams.views import register_views

        register_views(app, shell)
    return app, shell


def run_worker(settings: Settings, bootstrap: str) -> None:
    """Create the topics, load the model, then run the Faust worker until SIGTERM/SIGINT."""
    ensure_topics(settings, bootstrap)
    app, shell = build(settings, bootstrap)
    shell.extractor()  # load the spaCy model before joining the group, not inside the first rebalance
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True)
    log.info("dyadwatch worker: broker %s, group %s", bootstrap, settings.app_id)
    worker.execute_from_commandline()

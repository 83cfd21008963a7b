"""Shell layer: wire settings, topics, table and agents into a Faust worker and run it."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time

import faust

from streams.agents import Shell, register_agents
from streams.app import create_app
from streams.kafka.admin import ensure_topics
from streams.kafka.consumer import install as install_consumer
from streams.metrics import Metrics
from streams.nlp import Nlp, NlpProcess, nlp_config
from streams.settings import Settings
from streams.tables import relations_table
from streams.topics import declare_topics

log = logging.getLogger(__name__)


def build(settings: Settings, bootstrap: str, nlp: Nlp | None = None) -> tuple[faust.App, Shell]:
    """The whole topology on one App; the NLP (by default an NlpProcess, not started yet) is the caller's."""
    (settings.data_dir / "faust").mkdir(parents=True, exist_ok=True)  # Faust makes only the last level
    app = create_app(settings, bootstrap)
    topics = declare_topics(app, settings)
    table = relations_table(app, settings)
    shell = Shell(
        settings=settings,
        topics=topics,
        table=table,
        nlp=nlp or NlpProcess(nlp_config(settings), timeout=settings.nlp_timeout),
        metrics=Metrics(),
    )
    install_consumer(
        app,
        [settings.topic_articles, settings.topic_relation_events],
        recovery_stall_timeout=settings.recovery_stall_timeout,
        check_interval=settings.stranded_check_interval,
        die=shell.die,
    )
    register_agents(app, shell)
    if settings.web_enabled:
        from streams.views import register_views

        register_views(app, shell)
    return app, shell


def run_worker(settings: Settings, bootstrap: str) -> None:
    """Create the topics, load the model, then run the Faust worker until SIGTERM/SIGINT."""
    ensure_topics(settings, bootstrap)
    nlp = NlpProcess(nlp_config(settings), timeout=settings.nlp_timeout)
    app, _ = build(settings, bootstrap, nlp)
    nlp.start()  # load the spaCy model before joining the group, not inside the first rebalance
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True)
    log.info("dyadwatch worker: broker %s, group %s, NLP process %s", bootstrap, settings.app_id, nlp.pid)
    try:
        worker.execute_from_commandline()
    finally:
        nlp.stop()


def run_workers(settings: Settings, bootstrap: str, processes: int) -> int:
    """Run `processes` workers in one consumer group (one per core: the NLP is CPU-bound), until SIGTERM/SIGINT.

    Each child is `dyadwatch worker --processes 1`; child i serves the web view on web_port + i. When one child
    exits, the others are stopped too, and the first non-zero exit code is returned.
    """
    ensure_topics(settings, bootstrap)
    children = [subprocess.Popen(_child_command(settings, i)) for i in range(processes)]
    log.info(
        "dyadwatch: %d worker processes in group %s: pids %s", processes, settings.app_id, [c.pid for c in children]
    )

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while all(child.poll() is None for child in children):
        time.sleep(0.5)
    forward(signal.SIGTERM, None)
    for child in children:
        try:
            child.wait(60)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return next((child.returncode for child in children if child.returncode), 0)


def _child_command(settings: Settings, index: int) -> list[str]:
    command = [sys.executable, "-m", "streams.cli", "worker", "--processes", "1"]
    if settings.kafka_bootstrap:  # it may have come from --bootstrap, which the children do not see otherwise
        command += ["--bootstrap", settings.kafka_bootstrap]
    if not settings.web_enabled:
        return [*command, "--no-web"]
    return [*command, "--web-port", str(settings.web_port + index if settings.web_port else 0)]

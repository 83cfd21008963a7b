"""Shell layer: the Faust agents. Decode a message, call the core, send the results; never die on one message."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import faust
from faust.types import EventT
from pydantic import ValidationError

from streams.core.alerts import AlertRules, fold_and_alert
from streams.core.bounds import Refused
from streams.core.models import Article, DeadLetterStage, RelationState, RelationUpdate
from streams.core.relations import FoldParams, update_status
from streams.core.routing import BadArticle, article_id_of, dead_letter, decode_article, outputs_for
from streams.metrics import Metrics
from streams.nlp import WATCH_INTERVAL, Nlp
from streams.settings import Settings
from streams.topics import Topics

log = logging.getLogger(__name__)

EXIT_UNRECOVERABLE = 70


def _exit_without_commit(reason: str) -> None:
    """Stop the worker at once, committing nothing: what was not committed is delivered again on restart."""
    log.critical("%s; exiting with %d without committing", reason, EXIT_UNRECOVERABLE)
    logging.shutdown()
    os._exit(EXIT_UNRECOVERABLE)


@dataclass
class Shell:
    """What the agents share: settings, topics, the table, the NLP (a process of its own) and metrics."""

    settings: Settings
    topics: Topics
    table: faust.Table
    nlp: Nlp
    metrics: Metrics
    die: Callable[[str], None] = _exit_without_commit

    async def send_dead_letter(
        self,
        event: EventT,
        reason: str,
        error_type: str,
        article_id: str | None,
        stage: DeadLetterStage = "article",
    ) -> None:
        message = event.message
        log.warning(
            "dead-lettering %s[%s]@%s (%s): %s", message.topic, message.partition, message.offset, stage, reason
        )
        record = dead_letter(
            reason=reason,
            error_type=error_type,
            topic=message.topic,
            value=message.value,
            key=message.key,
            partition=message.partition,
            offset=message.offset,
            article_id=article_id,
            received_at=datetime.now(UTC),
            max_bytes=self.settings.max_message_bytes,
            stage=stage,
        )
        await self.topics.deadletter.send(key=article_id, value=record.model_dump_json().encode())
        if stage == "article":
            self.metrics.dead_letters += 1
        else:
            self.metrics.update_dead_letters += 1

    async def send_update_dead_letter(self, event: EventT, reason: str, error_type: str) -> None:
        """Dead-letter a relation-update message (stage relation_update), with its article id when it can be read."""
        await self.send_dead_letter(
            event, reason, error_type, article_id_of(event.message.value), stage="relation_update"
        )


async def enrich_batch(shell: Shell, events: Sequence[EventT]) -> None:
    """Articles -> enriched articles, stances and relation updates (one per dyad); bad input -> dead letters."""
    received_at = datetime.now(UTC)
    shell.metrics.articles_in += len(events)
    valid: list[tuple[EventT, Article]] = []
    for event in events:
        try:
            valid.append((event, decode_article(event.message.value)))
        except BadArticle as exc:
            await shell.send_dead_letter(event, exc.reason, exc.error_type, exc.article_id)
    if not valid:
        return
    loop = asyncio.get_running_loop()
    started = loop.time()
    results = await shell.nlp.extract([a for _, a in valid], received_at)
    shell.metrics.observe_batch(len(valid), loop.time() - started)
    for (event, article), result in zip(valid, results, strict=True):
        if isinstance(result, Refused):
            await shell.send_dead_letter(event, result.reason, result.error_type, article.id)
            continue
        try:
            outputs = outputs_for(result)
            for out in outputs:
                await shell.topics.by_role(out.role).send(key=out.key, value=out.value)
        except Exception as exc:  # noqa: BLE001 - an article whose outputs cannot be written is dead-lettered
            await shell.send_dead_letter(
                event, f"output failed: {type(exc).__name__}: {exc}", "OutputError", article.id
            )
            continue
        shell.metrics.enriched += 1
        shell.metrics.events_out += len(result.relations)
        shell.metrics.updates_out += sum(1 for out in outputs if out.role == "relation_events")


async def apply_relation_update(shell: Shell, event: EventT, params: FoldParams, rules: AlertRules) -> None:
    """Fold one article's update for a dyad into the table, evaluate the alert rules once, publish the results.

    Books: updates in = folded + replays + late + update dead letters (the agent dead-letters what raises)."""
    shell.metrics.updates_in += 1
    try:
        update = RelationUpdate.model_validate_json(event.message.value or b"")
    except ValidationError as exc:
        await shell.send_update_dead_letter(
            event, f"not a valid RelationUpdate: {exc.errors()[:3]}", "InvalidUpdate"
        )
        return
    stored = shell.table.get(update.dyad)
    before = RelationState.model_validate(stored) if stored else None
    status = update_status(before, update)
    if status != "new":
        assert before is not None
        # A replayed update (at-least-once delivery) or one dated before the horizon: the table holds what it
        # can. Publish the current state again all the same: a worker that died after its changelog write
        # reached the broker but before the relations topic did would otherwise leave the topic one state
        # behind the table for good.
        await shell.topics.relations.send(key=update.dyad, value=before.model_dump_json().encode())
        if status == "replay":
            shell.metrics.replays += 1
        else:
            shell.metrics.late_updates += 1
        return
    after, alerts = fold_and_alert(before, update, params, rules)
    if alerts:
        # Alerts reach their topic before the table remembers them: were the worker to die between the two,
        # the replayed update would find them remembered and never raise them again.
        sent = [
            await shell.topics.alerts.send(key=alert.dyad, value=alert.model_dump_json().encode())
            for alert in alerts
        ]
        await asyncio.gather(*sent)
        shell.metrics.observe_alerts(alerts)
    shell.table[update.dyad] = after.model_dump(mode="json")
    await shell.topics.relations.send(key=update.dyad, value=after.model_dump_json().encode())
    shell.metrics.relation_updates += 1


def register_agents(app: faust.App, shell: Shell) -> None:
    settings = shell.settings
    params = settings.fold_params()
    rules = settings.alert_rules()

    @app.timer(interval=settings.progress_interval)
    async def progress() -> None:
        m = shell.metrics
        line = (
            m.articles_in, m.enriched, m.dead_letters, m.events_out, m.updates_out, m.updates_in,
            m.relation_updates, m.replays, m.late_updates, m.update_dead_letters, m.alerts,
        )
        if line != getattr(progress, "last", None):
            progress.last = line  # type: ignore[attr-defined]
            log.info(
                "progress: articles in %d, enriched %d, dead letters %d, events out %d in %d updates, relation "
                "updates in %d = folded %d + replays %d + late %d + dead letters %d, alerts %d",
                *line,
            )

    @app.timer(interval=settings.stranded_check_interval)
    async def redeliver_stranded() -> None:
        # See streams/kafka/consumer.py: a message the stream skipped at the end of a partition is fetched again.
        try:
            await app.consumer.redeliver_stranded()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a failed check (broker away, rebalance) is retried on the next tick
            log.warning("checking for stranded messages failed; retrying in %ss", settings.stranded_check_interval)

    @app.timer(interval=WATCH_INTERVAL)
    async def watch_nlp() -> None:
        await shell.nlp.keep_alive()

    @app.agent(shell.topics.articles, name="enrich")
    async def enrich(stream: faust.StreamT[bytes]) -> None:
        # take_events batches for nlp.pipe; this agent writes no table, so batches may span partitions.
        async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
            try:
                await enrich_batch(shell, events)
            except Exception as exc:  # noqa: BLE001 - see below
                # Decoding, extraction and every output are guarded per article, so only a producer that
                # cannot even write a dead letter gets here. Leaving this loop would ack the batch (Faust acks
                # take() batches on exit) and a restarted agent has been seen to process nothing more: stop
                # the process before anything is committed, so that the batch is delivered again on restart.
                shell.die(f"enrich batch failed and could not be dead-lettered: {type(exc).__name__}: {exc}")

    @app.agent(shell.topics.relation_events, name="relate")
    async def relate(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            try:
                await apply_relation_update(shell, event, params, rules)
            except Exception as exc:  # noqa: BLE001 - log and keep the stream alive; the event is already acked
                log.exception(
                    "relation update at %s[%s]@%s failed",
                    event.message.topic,
                    event.message.partition,
                    event.message.offset,
                )
                await shell.send_update_dead_letter(
                    event, f"relation update failed: {type(exc).__name__}: {exc}", "RelationUpdateError"
                )

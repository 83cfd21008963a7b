"""Shell layer: the one rule for choosing the Kafka cluster (client security settings: streams/kafka/config.py)."""

from __future__ import annotations

from streams.settings import Settings


def resolve_bootstrap(settings: Settings) -> str:
    """An explicit DYADWATCH_KAFKA_BOOTSTRAP wins; otherwise the embedded local Kafka is started (or reused)."""
    if settings.kafka_bootstrap:
        return settings.kafka_bootstrap
    from streams.kafka.local import ensure_local_kafka

    return ensure_local_kafka(settings.kafka_dir)


class NoBroker(RuntimeError):
    """No Kafka broker to talk to; the message says how to start one or name one."""


NO_BROKER_HINT = (
    "start the local one with `dyadwatch kafka start` (or `make run`), "
    "or name yours with --bootstrap HOST:PORT or DYADWATCH_KAFKA_BOOTSTRAP"
)


def client_bootstrap(settings: Settings) -> str:
    """For commands that only talk to a broker (publish, tail, relations, topics, export): the configured
    cluster, else the local Kafka when it runs. Never starts one: only `kafka start` and `worker` do."""
    if settings.kafka_bootstrap:
        return settings.kafka_bootstrap
    from streams.kafka.local import LocalKafka

    status = LocalKafka(settings.kafka_dir).status()
    if status["running"] and status["bootstrap"]:
        return str(status["bootstrap"])
    raise NoBroker(f"no Kafka broker is running (none configured, no local Kafka in {settings.kafka_dir}): "
                   f"{NO_BROKER_HINT}")


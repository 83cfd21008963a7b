"""Shell layer: the one rule for choosing the Kafka cluster, and client settings derived from Settings."""

from __future__ import annotations

from typing import Any

from streams.settings import Settings


def resolve_bootstrap(settings: Settings) -> str:
    """An explicit DYADWATCH_KAFKA_BOOTSTRAP wins; otherwise the embedded local Kafka is started (or reused)."""
    if settings.kafka_bootstrap:
        return settings.kafka_bootstrap
    from streams.kafka.local import ensure_local_kafka

    return ensure_local_kafka(settings.kafka_dir)


def kafka_python_config(settings: Settings) -> dict[str, Any]:
    """Security settings for kafka-python clients (producer, consumer, admin), passed through unchanged."""
    config: dict[str, Any] = {"security_protocol": settings.security_protocol}
    if settings.sasl_mechanism:
        config["sasl_mechanism"] = settings.sasl_mechanism
        config["sasl_plain_username"] = settings.sasl_username
        config["sasl_plain_password"] = (
            settings.sasl_password.get_secret_value() if settings.sasl_password else None
        )
    for key in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
        value = getattr(settings, key)
        if value is not None:
            config[key] = str(value)
    return config

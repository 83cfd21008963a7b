"""Shell layer: the one settings object. Nothing else in dyadwatch reads the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "dyadwatch"


class Settings(BaseSettings):
    """Every knob of dyadwatch, read once from `DYADWATCH_*` environment variables (or a `.env` file)."""

    model_config = SettingsConfigDict(env_prefix="DYADWATCH_", env_file=".env", frozen=True, extra="ignore")

    kafka_bootstrap: str | None = Field(
        None,
        description="host:port[,host:port...] of your Kafka cluster; unset = start the embedded local Kafka.",
    )
    data_dir: Path = Field(default_factory=_default_data_dir, description="Local Kafka data, jars and logs.")
    app_id: str = Field("dyadwatch", description="Faust app id: the consumer group and the changelog prefix.")
    partitions: int = Field(6, ge=1, description="Partitions of every topic dyadwatch creates.")
    replication_factor: int = Field(1, ge=1, description="Replication factor of the topics dyadwatch creates.")

    topic_articles: str = Field("articles", description="Incoming articles (Article JSON).")
    topic_enriched: str = Field("articles.enriched", description="EnrichedArticle per article.")
    topic_deadletter: str = Field("articles.deadletter", description="DeadLetter per refused message.")
    topic_stances: str = Field("stances", description="Stance records.")
    topic_relation_events: str = Field("relation-events", description="RelationEvent per event, keyed by dyad.")
    topic_relations: str = Field("relations", description="RelationState per dyad (compacted).")
    topic_alerts: str = Field("alerts", description="Alert records.")

    max_message_bytes: int = Field(16 * 1024 * 1024, description="Largest Kafka message accepted and produced.")
    batch_size: int = Field(16, ge=1, description="Articles per nlp.pipe batch in the enrich agent.")
    stranded_check_interval: float = Field(
        5.0,
        gt=0,
        description="Seconds between checks for fetched but unprocessed messages (see streams/kafka/consumer.py).",
    )
    progress_interval: float = Field(10.0, gt=0, description="Seconds between progress lines in the worker log.")
    recovery_stall_timeout: float = Field(
        60.0,
        gt=0,
        description="Seconds a table recovery may read nothing before the worker rejoins its group to restart it.",
    )
    batch_within: float = Field(0.05, gt=0, description="Seconds to wait for a batch to fill.")
    workers: int = Field(
        1, ge=0, description="Worker processes `dyadwatch worker` runs in one group; 0 = one per CPU core."
    )

    half_life_days: float = Field(30.0, gt=0, description="Half-life of an event's weight in a relation's score.")
    evidence_keep: int = Field(10, ge=1, description="Pieces of evidence kept per relation.")
    watch_actors: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Actor codes that alert on any event."
    )
    watch_dyads: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Dyads ('CHN|IRN') that alert on any event."
    )

    web_enabled: bool = Field(True, description="Serve the web view from `dyadwatch worker`.")
    web_host: str = Field("127.0.0.1", description="Address the web view binds to.")
    web_port: int = Field(6066, ge=0, le=65535, description="Port of the web view.")

    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="Kafka security protocol for the worker and every client."
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = Field(
        None, description="SASL mechanism, with SASL_PLAINTEXT or SASL_SSL."
    )
    sasl_username: str | None = Field(None, description="SASL user name.")
    sasl_password: SecretStr | None = Field(None, description="SASL password (never logged).")
    ssl_cafile: Path | None = Field(None, description="CA bundle that signed the brokers' certificates.")
    ssl_certfile: Path | None = Field(None, description="Client certificate, for mutual TLS.")
    ssl_keyfile: Path | None = Field(None, description="Client private key, for mutual TLS.")

    log_level: str = Field("info", description="Worker log level.")

    @field_validator("kafka_bootstrap")
    @classmethod
    def _bootstrap_is_host_port_list(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        for server in value.split(","):
            host, sep, port = server.strip().rpartition(":")
            if not sep or not host or not port.isdigit():
                raise ValueError(
                    f"DYADWATCH_KAFKA_BOOTSTRAP must be host:port[,host:port...], got {value!r} (e.g. localhost:9092)"
                )
        return ",".join(s.strip() for s in value.split(","))

    @field_validator("watch_actors", "watch_dyads", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @property
    def topics(self) -> dict[str, str]:
        """Logical topic role -> configured topic name."""
        return {
            "articles": self.topic_articles,
            "enriched": self.topic_enriched,
            "deadletter": self.topic_deadletter,
            "stances": self.topic_stances,
            "relation_events": self.topic_relation_events,
            "relations": self.topic_relations,
            "alerts": self.topic_alerts,
        }

    @property
    def kafka_dir(self) -> Path:
        return self.data_dir / "kafka"

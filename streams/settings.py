"""Shell layer: the one settings object. Nothing else in dyadwatch reads the environment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from streams.core.alerts import AlertRules
from streams.core.relations import FoldParams


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
    topic_relation_events: str = Field(
        "relation-events", description="RelationUpdate per article and dyad, keyed by dyad."
    )
    topic_relations: str = Field("relations", description="RelationState per dyad (compacted).")
    topic_alerts: str = Field("alerts", description="Alert records.")

    max_message_bytes: int = Field(
        16 * 1024 * 1024,
        ge=64 * 1024,
        description="Largest Kafka message accepted and produced (at least 64 KiB: a dead letter must fit).",
    )
    batch_size: int = Field(16, ge=1, description="Articles per nlp.pipe batch in the enrich agent.")
    stranded_check_interval: float = Field(
        5.0,
        gt=0,
        description="Seconds between checks for fetched but unprocessed messages (see streams/kafka/consumer.py).",
    )
    progress_interval: float = Field(10.0, gt=0, description="Seconds between progress lines in the worker log.")
    session_timeout: float = Field(
        10.0,
        ge=6,
        le=90,
        description="Seconds without a heartbeat after which the group drops a worker: how long a restarted "
        "worker waits for a killed one's partitions (heartbeats every 3 s; the NLP runs in its own process).",
    )
    recovery_stall_timeout: float = Field(
        60.0,
        gt=0,
        description="Seconds a table recovery may read nothing before the worker rejoins its group to restart it.",
    )
    batch_within: float = Field(0.05, gt=0, description="Seconds to wait for a batch to fill.")
    nlp_timeout: float = Field(
        120.0,
        gt=0,
        description="Seconds the NLP process may take per article; past it the process is restarted and the "
        "article dead-lettered (NlpTimeout).",
    )
    max_symbol_run: int = Field(
        16,
        ge=1,
        description="Longest run of punctuation, symbols or emoji the NLP sees; the rest of a run is blanked "
        "(offsets stay true; spaCy's tokenizer is quadratic in such runs).",
    )
    max_word_chars: int = Field(
        100, ge=1, description="Longest whitespace-free run the NLP sees; a longer one gets a space every so many."
    )
    part_tokens: int = Field(
        5_000,
        ge=100,
        description="An article of more tokens is analysed in parts of at most this many, cut at sentence ends, "
        "and merged.",
    )
    prefilter: bool = Field(
        True,
        description="Run the parser and NER only on the sentences that can hold an event: those naming an actor, "
        "a title or role, or a pronoun that can stand for one (and the sentence before such a pronoun); "
        "streams/core/prefilter.py.",
    )
    prefilter_ner: bool = Field(
        True,
        description="With the prefilter: run NER only on the kept sentences whose entities can matter, those with "
        "a capitalised word outside every actor match (not a day or month; a common first word only when the "
        "tagger calls it a proper noun or adjective); the other kept sentences are parsed without NER. false: NER "
        "on every kept sentence. streams/core/prefilter.py.",
    )
    max_article_tokens: int = Field(
        50_000, ge=1, description="An article of more tokens is dead-lettered (ArticleTooLong)."
    )
    batch_tokens: int = Field(
        5_000,
        ge=100,
        description="Most tokens one nlp.pipe call takes (articles or parts of one); the NLP's memory grows with it.",
    )
    max_sentence_bytes: int = Field(
        1_000,
        ge=16,
        description="Evidence sentences (enriched articles, relation events, the table) are cut to this many "
        "bytes of UTF-8.",
    )
    earliest_published_at: datetime = Field(
        datetime(1900, 1, 1, tzinfo=UTC),
        description="An article published earlier is given its arrival time (the one sent is kept in "
        "published_at_rejected).",
    )
    published_at_future_tolerance: timedelta = Field(
        timedelta(days=1),
        description="An article published more than this after its arrival is given its arrival time "
        "(ISO 8601 duration or seconds).",
    )
    workers: int = Field(
        1, ge=0, description="Worker processes `dyadwatch worker` runs in one group; 0 = one per CPU core."
    )
    table_store: Literal["memory://", "rocksdb://"] = Field(
        "memory://",
        description="Where a worker keeps the relations table: memory:// (a restart reads the whole changelog "
        "again) or rocksdb:// (on disk under DYADWATCH_DATA_DIR/faust; a restart reads only the changelog records "
        "written after the ones it stored; needs rocksdict: pip install 'dyadwatch[rocksdb]').",
    )

    half_life_days: float = Field(30.0, gt=0, description="Half-life of an event's weight in a relation's score.")
    evidence_keep: int = Field(10, ge=1, description="Pieces of evidence kept per relation.")
    watch_actors: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Actor codes that alert on any event."
    )
    watch_dyads: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Dyads ('CHN|IRN') that alert on any event."
    )
    trend_days: int = Field(7, ge=1, description="A relation's trend is its score now minus this many days ago.")
    merge_window_days: float = Field(
        2.0, ge=0, description="Mentions of one directed dyad and CAMEO root this close in time are one happening."
    )
    memory_days: float = Field(
        30.0,
        gt=0,
        description="Happenings this much older than a dyad's latest event are sealed; older updates ignored.",
    )
    happenings_keep: int = Field(100, ge=1, description="Most happenings a relation keeps unsealed.")
    updates_keep: int = Field(1000, ge=1, description="Most applied-update ids a relation remembers for idempotence.")
    background_weight: float = Field(
        0.1, ge=0, le=1, description="Weight of a happening only mentioned as background (context) in the score."
    )
    publisher_bonus: float = Field(0.1, ge=0, description="Extra weight of a happening per publisher beyond the first.")
    publisher_bonus_max: float = Field(0.5, ge=0, description="Cap on that extra weight.")
    band_allied_min: float = Field(5.0, description="A score at or above this is 'allied'.")
    band_cooperative_min: float = Field(1.5, description="A score at or above this is 'cooperative'.")
    band_neutral_above: float = Field(-1.5, description="A score above this is 'neutral'.")
    band_tense_above: float = Field(-5.0, description="A score above this is 'tense'; at or below, 'hostile'.")
    band_hysteresis: float = Field(
        0.5, ge=0, description="How far past a threshold the score must go before a relation changes band."
    )
    thin_happenings: int = Field(
        2, ge=0, description="Fewer news happenings than this make a relation's evidence thin (no band changes)."
    )
    thin_articles: int = Field(2, ge=0, description="Fewer articles than this make a relation's evidence thin.")
    escalation_goldstein: float = Field(
        -7.0, ge=-10, le=10, description="A news happening at or below this Goldstein value is an escalation."
    )
    conflict_quiet_days: int = Field(
        30, ge=0, description="Material conflict after this many days without one is an escalation."
    )
    swing_threshold: float = Field(3.0, gt=0, description="A score change within one UTC day that is a swing.")
    remember_alerts: int = Field(200, ge=0, description="Alert ids a relation remembers, so no condition alerts twice.")
    evidence_per_alert: int = Field(3, ge=0, description="Pieces of evidence an alert carries.")

    web_enabled: bool = Field(True, description="Serve the web view from `dyadwatch worker`.")
    web_host: str = Field("127.0.0.1", description="Address the web view binds to.")
    web_port: int = Field(6066, ge=0, le=65535, description="Port of the web view.")
    web_allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names the web view answers besides 127.0.0.1, localhost, ::1 and DYADWATCH_WEB_HOST "
        "(comma-separated); a request for any other Host gets 400 (no DNS rebinding).",
    )
    web_idle_timeout: float = Field(
        15.0,
        gt=0,
        description="Seconds a web connection may sit idle, or take to send its request, before it is closed.",
    )
    web_write_timeout: float = Field(
        30.0, gt=0, description="Seconds a web client may take to read one response before its connection is dropped."
    )
    web_max_rows: int = Field(
        5_000, ge=1, description="Most relations one /api/relations response lists (`limit` asks for fewer)."
    )
    max_title_bytes: int = Field(
        300, ge=16, description="Article titles the web view keeps are cut to this many bytes."
    )
    max_url_bytes: int = Field(
        1_024, ge=16, description="Article urls longer than this many bytes are kept by the web view as no link."
    )

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

    @field_validator("earliest_published_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

    @field_validator("watch_actors", "watch_dyads", "web_allowed_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("table_store")
    @classmethod
    def _rocksdb_is_installed(cls, value: str) -> str:
        if value != "rocksdb://":
            return value
        try:
            import rocksdict  # noqa: F401 - Faust's RocksDB store uses it when it can be imported
        except ImportError:
            raise ValueError(
                "DYADWATCH_TABLE_STORE=rocksdb:// needs the rocksdict package: pip install 'dyadwatch[rocksdb]' "
                "(or pip install rocksdict), or set DYADWATCH_TABLE_STORE=memory://"
            ) from None
        return value

    @model_validator(mode="after")
    def _relation_rules_hold_together(self) -> Settings:
        self.fold_params()
        self.alert_rules()
        return self

    def fold_params(self) -> FoldParams:
        """How the relations agent folds updates (every threshold of the fold is a setting)."""
        return FoldParams(
            half_life_days=self.half_life_days,
            evidence_keep=self.evidence_keep,
            trend_days=self.trend_days,
            merge_window_days=self.merge_window_days,
            memory_days=self.memory_days,
            happenings_keep=self.happenings_keep,
            updates_keep=self.updates_keep,
            background_weight=self.background_weight,
            publisher_bonus=self.publisher_bonus,
            publisher_bonus_max=self.publisher_bonus_max,
            allied_min=self.band_allied_min,
            cooperative_min=self.band_cooperative_min,
            neutral_above=self.band_neutral_above,
            tense_above=self.band_tense_above,
            band_hysteresis=self.band_hysteresis,
            thin_happenings=self.thin_happenings,
            thin_articles=self.thin_articles,
        )

    def alert_rules(self) -> AlertRules:
        """Which conditions raise alerts."""
        return AlertRules(
            escalation_goldstein=self.escalation_goldstein,
            conflict_quiet_days=self.conflict_quiet_days,
            swing_threshold=self.swing_threshold,
            watch_actors=frozenset(self.watch_actors),
            watch_dyads=frozenset(self.watch_dyads),
            remember_alerts=self.remember_alerts,
            evidence_per_alert=self.evidence_per_alert,
        )

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

"""Shell layer: the Faust App, built from the one Settings object. Nothing else lives here."""

from __future__ import annotations

import faust

from streams.kafka.config import ClientSecurity
from streams.settings import Settings

# Faust's default buffer per stream. Its fetch loop is one loop for every topic: when a batch holds more of one
# topic than that topic's stream buffer can take, the loop waits for room and no other topic is read meanwhile
# (under a burst of articles, relation-events went unread for minutes). Faust pauses a partition once its
# buffer is 80% full, so a batch of at most an eighth of the buffer always fits in the rest.
STREAM_BUFFER_MAXSIZE = 4096
MAX_POLL_RECORDS = STREAM_BUFFER_MAXSIZE // 8


def create_app(settings: Settings, bootstrap: str) -> faust.App:
    return faust.App(
        settings.app_id,
        broker=[f"kafka://{server}" for server in bootstrap.split(",")],
        broker_credentials=ClientSecurity.from_settings(settings).faust_credentials(),
        store=settings.table_store,
        datadir=str(settings.data_dir / "faust"),
        autodiscover=False,
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        producer_max_request_size=settings.max_message_bytes,
        consumer_max_fetch_size=settings.max_message_bytes,
        stream_buffer_maxsize=STREAM_BUFFER_MAXSIZE,
        broker_max_poll_records=MAX_POLL_RECORDS,
        producer_acks=-1,
        # A killed worker's partitions wait for this timeout before a new member gets them (Faust's default 60 s).
        broker_session_timeout=settings.session_timeout,
        processing_guarantee="at_least_once",
        consumer_auto_offset_reset="earliest",
        web_enabled=settings.web_enabled,
        web_bind=settings.web_host,
        web_host=settings.web_host,
        web_port=settings.web_port,
        web_in_thread=False,
        # aiohttp closes a connection that is idle, or has not sent a whole request, after keepalive_timeout
        # (its default is an hour); the view takes only GETs, so a request body may be small.
        web_application_options={
            "client_max_size": 64 * 1024,
            "handler_args": {"keepalive_timeout": settings.web_idle_timeout},
        },
        # Faust's /router and /table pages show only this worker's partitions and the raw table rows;
        # the view serves the complete table instead (streams/views.py).
        web_router_enabled=False,
        web_tables_enabled=False,
    )

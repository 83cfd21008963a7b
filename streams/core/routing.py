"""Core layer: what an incoming message becomes and where each result goes (pure, no Kafka)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from streams.core.models import (
    MAX_ID_CHARS,
    Article,
    DeadLetter,
    DeadLetterStage,
    EnrichedArticle,
    IndexedRelation,
    RelationUpdate,
    dyad_key,
)


class BadArticle(ValueError):
    """A message on the articles topic that is not a valid Article; the message says why."""

    def __init__(self, reason: str, error_type: str, article_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error_type = error_type
        self.article_id = article_id


def decode_article(value: bytes | None) -> Article:
    """Parse one message value into an Article, or raise BadArticle with a reason a person can act on."""
    if value is None or len(value) == 0:
        raise BadArticle("empty message: the value must be a JSON Article object", "EmptyMessage")
    try:
        raw = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadArticle(f"value is not valid UTF-8 ({exc.reason} at byte {exc.start})", "InvalidUtf8") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadArticle(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", "InvalidJson") from exc
    except RecursionError as exc:
        raise BadArticle("JSON nested too deeply to be an article", "JsonTooDeep") from exc
    if not isinstance(data, dict):
        raise BadArticle(f"expected a JSON object, got {type(data).__name__}", "NotAnObject")
    raw_id = data.get("id")
    article_id = raw_id if isinstance(raw_id, str) and _is_utf8_text(raw_id) else None
    try:
        article = Article.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'article'}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise BadArticle(f"not a valid Article: {problems}", "InvalidArticle", article_id) from exc
    for field in ("id", "text", "title", "url", "source", "language"):
        text = getattr(article, field)
        if text is not None and not _is_utf8_text(text):
            # JSON may escape a lone UTF-16 surrogate (\ud800) that no UTF-8 output can carry.
            raise BadArticle(
                f"{field} holds a lone UTF-16 surrogate escape (\\ud800-\\udfff): send whole characters, "
                "escaped as surrogate pairs or as UTF-8",
                "InvalidUnicode",
                article_id,
            )
    return article


def article_id_of(value: bytes | None) -> str | None:
    """The `article_id` of a JSON message, when it has a readable one; None for anything else (never raises)."""
    try:
        data = json.loads(value or b"")
    except Exception:  # noqa: BLE001 - any message content, however broken, only means "no id"
        return None
    raw_id = data.get("article_id") if isinstance(data, dict) else None
    return raw_id if isinstance(raw_id, str) and _is_utf8_text(raw_id) and len(raw_id) <= MAX_ID_CHARS else None


def _is_utf8_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def dead_letter(
    *,
    reason: str,
    error_type: str,
    topic: str,
    value: bytes | None,
    key: bytes | None,
    partition: int | None,
    offset: int | None,
    article_id: str | None,
    received_at: datetime,
    max_value_bytes: int,
    stage: DeadLetterStage = "article",
) -> DeadLetter:
    """The dead-letter record for a message; the original bytes ride along (base64) up to max_value_bytes.

    A larger original stays readable at topic/partition/offset, which the record names.
    """
    original = value or b""
    kept = original[:max_value_bytes]
    return DeadLetter(
        reason=reason,
        error_type=error_type,
        stage=stage,
        topic=topic,
        partition=partition,
        offset=offset,
        key_b64=base64.b64encode(key).decode("ascii") if key is not None else None,
        value_b64=base64.b64encode(kept).decode("ascii"),
        value_size=len(original),
        value_truncated=len(kept) < len(original),
        article_id=article_id,
        received_at=received_at,
    )


@dataclass(frozen=True)
class Outgoing:
    """One message to send: the topic role (see topology), its key and its JSON value."""

    role: str
    key: str | None
    value: bytes


def outputs_for(enriched: EnrichedArticle) -> list[Outgoing]:
    """Every message an enriched article produces: itself, its stances, and one relation update per dyad
    holding all of the article's events for that dyad (in the order the dyads first appear)."""
    out = [Outgoing("enriched", enriched.article_id, enriched.model_dump_json().encode())]
    out.extend(Outgoing("stances", enriched.article_id, s.model_dump_json().encode()) for s in enriched.stances)
    out.extend(Outgoing("relation_events", u.dyad, u.model_dump_json().encode()) for u in relation_updates(enriched))
    return out


def relation_updates(enriched: EnrichedArticle) -> list[RelationUpdate]:
    """The article's events grouped by dyad, one RelationUpdate each, in the order the dyads first appear."""
    event_time = enriched.published_at or enriched.received_at or datetime.now(UTC)
    by_dyad: dict[str, list[IndexedRelation]] = {}
    for index, relation in enumerate(enriched.relations):
        dyad = dyad_key(relation.source, relation.target)
        by_dyad.setdefault(dyad, []).append(IndexedRelation(event_index=index, relation=relation))
    return [
        RelationUpdate(
            dyad=dyad,
            article_id=enriched.article_id,
            article_digest=enriched.digest,
            publisher=enriched.source,
            event_time=event_time,
            events=events,
        )
        for dyad, events in by_dyad.items()
    ]

"""Core layer: what an incoming message becomes and where each result goes (pure, no Kafka)."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
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
    """Parse one message value into an Article, or raise BadArticle with a reason a person can act on.

    Nothing else escapes: a failure this function does not foresee is a BadArticle too (`UndecodableMessage`).
    """
    try:
        return _decode_article(value)
    except BadArticle:
        raise
    except Exception as exc:  # noqa: BLE001 - no message content may end the worker; it becomes a dead letter
        raise BadArticle(
            f"message could not be decoded ({type(exc).__name__}: {str(exc)[:300]})", "UndecodableMessage"
        ) from exc


def _decode_article(value: bytes | None) -> Article:
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
    except ValueError as exc:
        # Python refuses integers of more than sys.get_int_max_str_digits() digits (4,300) with a plain ValueError.
        raise BadArticle(f"invalid JSON: {json_value_error(exc)}", "InvalidJson") from exc
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


def json_value_error(exc: ValueError) -> str:
    """What a ValueError of json.loads that is not a JSONDecodeError means, said for the sender of the JSON."""
    if "integer string conversion" in str(exc):
        return f"a number has more than {sys.get_int_max_str_digits()} digits; send such numbers as strings"
    return str(exc)[:300]


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


DEAD_LETTER_FRAMING_BYTES = 2048
"""Room left in a dead letter's size budget for Kafka's record framing and the record's key (an article id)."""

REASON_KEEP = 4000
"""Characters of a reason a dead letter keeps (an exception's message can be as long as its input)."""


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
    max_bytes: int,
    stage: DeadLetterStage = "article",
) -> DeadLetter:
    """The dead-letter record for a message: its JSON always fits in `max_bytes`, the Kafka message limit.

    The original key and value ride along (base64), cut where the budget ends: the key keeps up to half of it,
    the value what is left. Sizes and sha256 digests of both originals are always kept, and a cut original stays
    readable at topic/partition/offset, which the record names.
    """
    original_value = value or b""
    record = DeadLetter(
        reason=reason if len(reason) <= REASON_KEEP else reason[:REASON_KEEP] + " [...]",
        error_type=error_type,
        stage=stage,
        topic=topic,
        partition=partition,
        offset=offset,
        key_b64="" if key is not None else None,
        key_size=len(key) if key is not None else None,
        key_sha256=hashlib.sha256(key).hexdigest() if key is not None else None,
        key_truncated=False,
        value_b64="",
        value_size=len(original_value),
        value_sha256=hashlib.sha256(original_value).hexdigest(),
        value_truncated=False,
        article_id=article_id,
        received_at=received_at,
    )
    room = max(0, max_bytes - DEAD_LETTER_FRAMING_BYTES - len(record.model_dump_json().encode()))
    kept_key = (key or b"")[: min(len(key or b""), _bytes_in_base64(room // 2))]
    kept_value = original_value[: _bytes_in_base64(room - _base64_length(len(kept_key)))]
    return record.model_copy(
        update={
            "key_b64": base64.b64encode(kept_key).decode("ascii") if key is not None else None,
            "key_truncated": key is not None and len(kept_key) < len(key),
            "value_b64": base64.b64encode(kept_value).decode("ascii"),
            "value_truncated": len(kept_value) < len(original_value),
        }
    )


def _base64_length(size: int) -> int:
    return 4 * ((size + 2) // 3)


def _bytes_in_base64(room: int) -> int:
    """The most bytes whose base64 takes at most `room` characters."""
    return max(0, room) // 4 * 3


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

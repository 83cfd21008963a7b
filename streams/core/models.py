"""Core layer: the message contracts. Every Kafka message dyadwatch reads or writes is one of these models."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_TEXT_BYTES = 1_000_000
"""Largest article text accepted, in bytes of UTF-8 (1 MB)."""

MAX_ID_CHARS = 256
"""Longest article id accepted, in characters."""

Role = Literal["GOV", "MIL", "MED", "LEG", "JUD", "DIP", "POL", "OPP", "REB", "BUS", "EDU", "CVL", "IGO"]
"""What part of an actor acted: government, military, media, legislature, judiciary, diplomats, police,
opposition, rebels, business, education/research, civilians; IGO for international organisations."""

Mode = Literal["asserted", "reported", "intended", "background"]
"""asserted: the article says it happened; reported: a speaker says so; intended: agree to / plan / seek / try;
background: the text only refers to it as context ("over its invasion of Ukraine", "since the 2015 deal")."""

Polarity = Literal["support", "oppose", "blame", "demand", "praise", "criticize"]

QuadClass = Literal[1, 2, 3, 4]
"""GDELT quad class: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict."""

Band = Literal["allied", "cooperative", "neutral", "tense", "hostile"]

Span = tuple[int, int]


DYAD_SEPARATOR = "|"


def dyad_key(a: str, b: str) -> str:
    """The unordered dyad key of two actors: both codes sorted, joined by '|' ('CHN|IRN'). The one rule."""
    first, second = sorted((a, b))
    return f"{first}{DYAD_SEPARATOR}{second}"


def dyad_actors(key: str) -> tuple[str, str]:
    """The two actor codes of a dyad key ('CHN|IRN' -> ('CHN', 'IRN')), as written; ValueError if not two."""
    parts = key.split(DYAD_SEPARATOR)
    if len(parts) != 2:
        raise ValueError(f"{key!r} is not a dyad: join two actor codes by '|', as in 'CHN|USA'")
    return parts[0], parts[1]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Article(_Message):
    """One news article, as published to the `articles` topic."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=False)

    id: Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS, description="Stable article id.")]
    text: Annotated[str, Field(description="Article body, plain text; required, at most 1 MB of UTF-8.")]
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    language: Annotated[str, Field(max_length=16)] = "en"

    @field_validator("text")
    @classmethod
    def _text_is_real(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("text is empty: an article needs some text to analyse")
        size = len(text.encode("utf-8", errors="surrogatepass"))
        if size > MAX_TEXT_BYTES:
            raise ValueError(
                f"text is {size} bytes of UTF-8, over the limit of {MAX_TEXT_BYTES}; split the article"
            )
        return text

    @staticmethod
    def derive_id(text: str, title: str | None = None) -> str:
        """A content id for articles published without one: the same text always gets the same id."""
        return "sha256:" + content_digest(text, title)

    @property
    def digest(self) -> str:
        return content_digest(self.text, self.title)


def content_digest(text: str, title: str | None = None) -> str:
    """Hex digest (32 chars) of an article's title and text."""
    payload = ((title or "") + "\n" + text).encode("utf-8", errors="surrogatepass")
    return hashlib.sha256(payload).hexdigest()[:32]


class Entity(_Message):
    """A mention in the text, resolved to an actor where possible."""

    text: str
    start: int = Field(ge=0, description="Character offset in the article text.")
    end: int = Field(ge=0)
    label: str = Field(description="Entity label: spaCy's (GPE, NORP, ORG, PERSON, ...) or ACTOR for ours.")
    actor: str | None = Field(None, description="ISO 3166-1 alpha-3 state code, or an IGO code such as NATO.")
    role: Role | None = None
    name: str | None = Field(None, description="Canonical name of the person or institution, when known.")


class Relation(_Message):
    """A directed dyadic event: source did something (CAMEO) to target, with its evidence."""

    source: str
    target: str
    source_role: Role | None = None
    target_role: Role | None = None
    cameo: str = Field(pattern=r"^[0-2][0-9]{1,3}$", description="CAMEO event code, e.g. '042' or '190'.")
    root: int = Field(ge=1, le=20, description="CAMEO root (the first two digits).")
    quad_class: QuadClass
    goldstein: float = Field(ge=-10, le=10)
    mode: Mode = "asserted"
    confidence: float = Field(ge=0, le=1)
    trigger: str = Field("", description="The word or phrase that carries the event.")
    speaker: str | None = Field(None, description="Who says so, for reported events.")
    sentence: str
    span: Span = Field(description="Character span of the evidence sentence in the article text.")


class Stance(_Message):
    """Who stands where: holder supports / opposes / blames / demands something of target."""

    holder: str
    polarity: Polarity
    target: str | None = None
    topic: str | None = None
    sentence: str
    span: Span
    confidence: float = Field(ge=0, le=1)


class EnrichedArticle(_Message):
    """An article after extraction: what goes to `articles.enriched`."""

    article_id: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: datetime | None = Field(
        None, description="The article's publication time; its arrival time when the one sent was not sane."
    )
    published_at_rejected: datetime | None = Field(
        default=None,
        description="The published_at sent with the article when it lay outside the sane window (before 1900, "
        "or more than a day after arrival; see DYADWATCH_EARLIEST_PUBLISHED_AT, "
        "DYADWATCH_PUBLISHED_AT_FUTURE_TOLERANCE): published_at then holds the arrival time.",
    )
    received_at: datetime | None = Field(None, description="When the worker took the article off the topic.")
    language: str = "en"
    actors: list[str] = Field(default_factory=list, description="Distinct actor codes, sorted.")
    entities: list[Entity] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    stances: list[Stance] = Field(default_factory=list)
    extractor_version: str
    digest: str = Field(
        "", description="Digest of the article's title and text: tells versions of one id apart."
    )


class RelationEvent(_Message):
    """One dyadic event of an article: the per-event view of a RelationUpdate (see `RelationUpdate.events_view`)."""

    dyad: str = Field(description="Unordered dyad key, the two actor codes sorted and joined by '|'.")
    article_id: str
    article_digest: str = Field("", description="Digest of the article version the event comes from.")
    event_index: int = Field(ge=0, description="Position of the event in its article's relations.")
    event_time: datetime = Field(description="published_at of the article, else its arrival time.")
    relation: Relation

    @property
    def event_id(self) -> str:
        """Identity of one event: the same article version's n-th event is the same event."""
        version = f"@{self.article_digest[:16]}" if self.article_digest else ""
        return f"{self.article_id}{version}#{self.event_index}"


class IndexedRelation(_Message):
    """One event of a RelationUpdate: its position in the article's relations and the relation itself."""

    event_index: int = Field(ge=0, description="Position of the event in its article's relations.")
    relation: Relation


class RelationUpdate(_Message):
    """All of one article version's events for one dyad (`relation-events`, keyed by dyad): folded at once."""

    dyad: str = Field(description="Unordered dyad key, the two actor codes sorted and joined by '|'.")
    article_id: str
    article_digest: str = Field("", description="Digest of the article version the events come from.")
    publisher: str | None = Field(None, description="Who published the article (`Article.source`), if known.")
    event_time: datetime = Field(description="published_at of the article, else its arrival time.")
    events: list[IndexedRelation] = Field(min_length=1, description="The article's events for this dyad.")

    @property
    def update_id(self) -> str:
        """Identity for idempotence: the same article version's update for a dyad is the same update."""
        version = f"@{self.article_digest[:16]}" if self.article_digest else ""
        return f"{self.article_id}{version}"

    def events_view(self) -> list[RelationEvent]:
        """The update as one RelationEvent per event."""
        return [
            RelationEvent(
                dyad=self.dyad,
                article_id=self.article_id,
                article_digest=self.article_digest,
                event_index=e.event_index,
                event_time=self.event_time,
                relation=e.relation,
            )
            for e in self.events
        ]


class QuadCounts(_Message):
    """How many events of each GDELT quad class one side of a dyad initiated."""

    verbal_cooperation: int = Field(default=0, ge=0)
    material_cooperation: int = Field(default=0, ge=0)
    verbal_conflict: int = Field(default=0, ge=0)
    material_conflict: int = Field(default=0, ge=0)


class Evidence(_Message):
    """One event behind a relation: which article, which sentence, what was coded."""

    article_id: str
    event_index: int = Field(default=0, ge=0, description="Position of the event in its article's relations.")
    sentence: str
    cameo: str
    source: str
    target: str
    goldstein: float
    mode: Mode = "asserted"
    time: datetime


class DecayedSums(_Message):
    """Sums of confidence weight and weight x Goldstein, every weight decayed to the state's last_seen."""

    weighted_goldstein: float = 0.0
    weight: float = Field(default=0.0, ge=0)


class DaySums(DecayedSums):
    """DecayedSums of the events of one UTC day."""

    day: date


class Happening(_Message):
    """One real-world event behind its reports: the mentions of one directed dyad, CAMEO root and mode class
    (news, or background) whose event times lie within the merge window of one another (single linkage)."""

    source: str
    target: str
    root: int = Field(ge=1, le=20)
    quad_class: QuadClass
    background: bool = Field(description="Every mention only refers to it as context: weighs little, never alerts.")
    cameo: str = Field(description="The code of its strongest mention (highest confidence, then most specific).")
    goldstein: float = Field(ge=-10, le=10, description="Goldstein value of that mention.")
    mode: Mode = Field(description="Mode of that mention.")
    confidence: float = Field(ge=0, le=1, description="Highest confidence of its mentions.")
    codes: list[str] = Field(default_factory=list, description="Distinct CAMEO codes of its mentions (bounded).")
    first: datetime = Field(description="Earliest event time of its mentions.")
    last: datetime = Field(description="Latest event time of its mentions: the time its weight decays from.")
    mentions: int = Field(ge=1, description="Events folded into it, every report counted.")
    article_count: int = Field(ge=1, description="Distinct articles reporting it (estimated above 16).")
    publisher_count: int = Field(ge=0, description="Distinct publishers reporting it (estimated above 16).")
    articles: list[str] = Field(default_factory=list, description="Smallest short hashes of its article ids.")
    publishers: list[str] = Field(default_factory=list, description="Smallest short hashes of its publishers.")
    article_id: str = Field(description="Article of its strongest mention.")
    event_index: int = Field(ge=0, description="Index of that mention in its article's relations.")
    alerted: list[str] = Field(default_factory=list, description="Alert kinds it has raised (once each).")


class RelationState(_Message):
    """Current state of one bilateral relation: a row of the `relations` table and topic."""

    BOOKKEEPING: ClassVar[frozenset[str]] = frozenset(
        {"settled", "window_days", "sealed_counts_ab", "sealed_counts_ba", "sealed_background", "applied",
         "horizon", "recent_alert_ids"}
    )
    """Fields the fold keeps for itself (decayed sums, idempotence memory); not for people."""

    dyad: str
    actor_a: str = Field(description="First actor of the sorted pair.")
    actor_b: str
    score: float = Field(ge=-10, le=10, description="Time-decayed, weighted mean Goldstein value of its happenings.")
    band: Band = Field(description="Named band of the score, with hysteresis around each threshold.")
    trend: float = Field(description="Change of the score over the last 7 days.")
    thin: bool = Field(
        True, description="Too little evidence (news happenings, articles) for its band to raise band changes."
    )
    counts_ab: QuadCounts = Field(
        default_factory=QuadCounts, description="News happenings with actor_a as source, per quad class."
    )
    counts_ba: QuadCounts = Field(
        default_factory=QuadCounts, description="News happenings with actor_b as source, per quad class."
    )
    happening_count: int = Field(0, ge=0, description="Happenings, news and background.")
    background_count: int = Field(0, ge=0, description="Happenings only ever mentioned as background.")
    happenings: list[Happening] = Field(
        default_factory=list, description="Recent happenings (inside the memory horizon), newest first."
    )
    evidence: list[Evidence] = Field(
        default_factory=list, description="The last pieces of evidence, newest first."
    )
    first_seen: datetime
    last_seen: datetime = Field(description="Latest event time; the reference time of every decayed sum.")
    article_count: int = Field(ge=0, description="Distinct articles folded.")
    event_count: int = Field(ge=0, description="Events folded: every mention in every article.")
    last_material_conflict: datetime | None = Field(
        default=None, description="Latest event time of a quad-4 mention (news or background)."
    )
    last_material_conflict_ab: datetime | None = Field(
        default=None, description="Latest event time of a quad-4 mention with actor_a as source."
    )
    last_material_conflict_ba: datetime | None = Field(
        default=None, description="Latest event time of a quad-4 mention with actor_b as source."
    )
    first_material_cooperation: datetime | None = Field(
        default=None,
        description="Time of the first news of material cooperation (quad 2, or a commitment both sides make).",
    )
    settled: DecayedSums = Field(
        default_factory=DecayedSums, description="Sums of the sealed happenings older than the trend window."
    )
    window_days: list[DaySums] = Field(
        default_factory=list, description="Sums of sealed happenings per UTC day inside the trend window."
    )
    sealed_counts_ab: QuadCounts = Field(default_factory=QuadCounts, description="counts_ab of sealed happenings.")
    sealed_counts_ba: QuadCounts = Field(default_factory=QuadCounts, description="counts_ba of sealed happenings.")
    sealed_background: int = Field(0, ge=0, description="Sealed background happenings.")
    applied: list[str] = Field(
        default_factory=list,
        description="'time stamp/article hash/version hash' of the applied updates inside the horizon (bounded).",
    )
    horizon: datetime | None = Field(
        None, description="Updates dated before this are ignored: their happenings are sealed, their ids gone."
    )
    recent_alert_ids: list[str] = Field(
        default_factory=list, description="Ids of the latest alerts on this dyad, oldest first (bounded)."
    )

    def public_json(self) -> str:
        """The state as people and the web view see it: without the fold's bookkeeping."""
        return self.model_dump_json(exclude=set(self.BOOKKEEPING))


AlertKind = Literal["band_change", "escalation", "new_material_cooperation", "swing", "watch"]
Severity = Literal["info", "warning", "critical"]


class Alert(_Message):
    """Something changed in a relation that a consumer should know about (`alerts` topic)."""

    id: str = Field(description="Stable id: the same condition always gets the same id.")
    kind: AlertKind
    severity: Severity
    dyad: str
    actors: tuple[str, str]
    names: tuple[str, str] | None = Field(None, description="Display names of the two actors.")
    source: str | None = Field(None, description="Source actor of the happening the alert is about.")
    target: str | None = Field(None, description="Target actor of that happening.")
    cameo: str | None = Field(None, description="CAMEO code of that happening.")
    cameo_name: str | None = Field(None, description="The CAMEO codebook's name of that code.")
    before: dict[str, int | float | str | None] = Field(
        default_factory=dict, description="The relation before the article: score, band, trend, happenings, articles."
    )
    after: dict[str, int | float | str | None] = Field(default_factory=dict, description="The same, after it.")
    message: str
    evidence: list[Evidence] = Field(default_factory=list)
    time: datetime


DeadLetterStage = Literal["article", "relation_update"]
"""Where a message failed: turning an article into its outputs, or folding a relation update into the table."""


class DeadLetter(_Message):
    """A message that could not be processed, with the reason and the original bytes (`articles.deadletter`)."""

    reason: str
    error_type: str
    stage: DeadLetterStage = Field(
        "article",
        description="article: a message of the articles topic (articles in = enriched + these); "
        "relation_update: a message of the relation-events topic that could not be folded.",
    )
    topic: str
    partition: int | None = None
    offset: int | None = None
    key_b64: str | None = Field(None, description="Original key bytes (the first key_size when cut), base64.")
    key_size: int | None = Field(None, ge=0, description="Size of the original key in bytes; None: no key.")
    key_truncated: bool = Field(False, description="True when the key was too large to carry whole.")
    key_sha256: str | None = Field(None, description="Hex sha256 of the original key.")
    value_b64: str = Field(description="Original value bytes (its beginning when cut), base64.")
    value_size: int = Field(ge=0)
    value_truncated: bool = Field(False, description="True when the original was too large to carry whole.")
    value_sha256: str = Field("", description="Hex sha256 of the original value (of b'' for no value).")
    article_id: str | None = Field(
        None, description="The article id, when it could be read (for a relation update: the article it came from)."
    )
    received_at: datetime


MESSAGE_MODELS: dict[str, type[BaseModel]] = {
    "article": Article,
    "entity": Entity,
    "relation": Relation,
    "stance": Stance,
    "enriched-article": EnrichedArticle,
    "relation-event": RelationEvent,
    "relation-update": RelationUpdate,
    "relation-state": RelationState,
    "alert": Alert,
    "dead-letter": DeadLetter,
}

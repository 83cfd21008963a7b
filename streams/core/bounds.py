"""Core layer: what one article may cost: text normalised for the tokenizer, a token budget, caps, sane dates.

`BoundedExtractor(extractor, bounds).extract_many(articles, received_at)` returns, per article and in order,
an EnrichedArticle or a `Refused` (why the article is a dead letter). On the way:

1. The text the NLP sees is normalised, length for length, so that every character offset stays an offset
   into the article's own text: a run of more than `symbol_run` characters that are neither letters, digits
   nor whitespace (punctuation, symbols, emoji) keeps its first `symbol_run` characters, the rest become
   spaces; a whitespace-free run of more than `word_chars` characters gets a space every `word_chars`
   characters. spaCy's tokenizer strips affixes one at a time and searches the rest of the run each time:
   quadratic in a run's length (40 KB of '(' took 177 s, 40,000 emoji 238 s).
2. An article of more than `article_tokens` tokens is refused (`ArticleTooLong`); one of more than
   `part_tokens` tokens is analysed in parts of at most that many tokens, cut after a sentence end where one
   lies in the second half of the part, and the parts' results merged: offsets are shifted back into the
   article's text, relations keep their order (the event index stays unique per article).
3. Entity texts and evidence sentences are taken from the article's own text (not the normalised one), and
   each sentence is cut to `sentence_bytes` of UTF-8: the table keeps them as evidence.
4. A `published_at` before `earliest_published_at` or more than `future_tolerance` after the arrival time is
   replaced by the arrival time; the enriched article keeps what was sent in `published_at_rejected`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from streams.core.models import Article, EnrichedArticle, Entity, Relation, Stance

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from streams.core.extract import Extractor

SENTENCE_ENDS = frozenset({".", "!", "?", "…", "。", "！", "？"})
ELLIPSIS = "…"


@dataclass(frozen=True)
class Bounds:
    """The limits of one article's work and of the text kept from it (the worker fills them from Settings)."""

    symbol_run: int = 16
    word_chars: int = 100
    part_tokens: int = 5_000
    article_tokens: int = 50_000
    sentence_bytes: int = 1_000
    earliest_published_at: datetime = datetime(1900, 1, 1, tzinfo=UTC)
    future_tolerance: timedelta = timedelta(days=1)
    _symbol_runs: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _long_runs: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if min(self.symbol_run, self.word_chars, self.part_tokens, self.article_tokens, self.sentence_bytes) < 1:
            raise ValueError(f"every bound must be at least 1: {self}")
        object.__setattr__(self, "_symbol_runs", re.compile(rf"[^\w\s]{{{self.symbol_run + 1},}}"))
        object.__setattr__(self, "_long_runs", re.compile(rf"\S{{{self.word_chars + 1},}}"))

    def normalise(self, text: str) -> str:
        """The text the NLP sees: same length, long runs of symbols blanked, long words broken (see above)."""
        keep = self.symbol_run
        text = self._symbol_runs.sub(lambda m: m.group()[:keep] + " " * (len(m.group()) - keep), text)
        return self._long_runs.sub(self._break_run, text)

    def _break_run(self, match: re.Match[str]) -> str:
        chars = list(match.group())
        step = self.word_chars + 1
        chars[self.word_chars :: step] = " " * len(range(self.word_chars, len(chars), step))
        return "".join(chars)


@dataclass(frozen=True)
class Refused:
    """An article the NLP does not (or cannot) turn into an EnrichedArticle: a dead letter with this reason."""

    error_type: str
    reason: str


def cut_utf8(text: str, max_bytes: int) -> str:
    """`text` when it fits in max_bytes of UTF-8, else its beginning and an ellipsis, within max_bytes."""
    if len(text) * 4 <= max_bytes:
        return text
    encoded = text.encode("utf-8", errors="surrogatepass")
    if len(encoded) <= max_bytes:
        return text
    room = max(0, max_bytes - len(ELLIPSIS.encode()))
    return encoded[:room].decode("utf-8", errors="ignore") + ELLIPSIS


def sane_published_at(
    published_at: datetime | None, received_at: datetime, bounds: Bounds
) -> tuple[datetime | None, datetime | None]:
    """(the publication time to use, the rejected one or None): outside the sane window, the arrival time.

    A time without a zone is read as UTC. A time that cannot even be expressed in UTC (year 9999 west of
    Greenwich) is outside the window.
    """
    if published_at is None:
        return None, None
    aware = published_at if published_at.tzinfo is not None else published_at.replace(tzinfo=UTC)
    try:
        utc = aware.astimezone(UTC)
    except OverflowError:
        return received_at, published_at
    if bounds.earliest_published_at <= utc <= received_at + bounds.future_tolerance:
        return published_at, None
    return received_at, published_at


@dataclass(frozen=True)
class _Plan:
    """How one article is analysed: its normalised text and the character ranges of its parts."""

    text: str
    parts: list[tuple[int, int]]


class BoundedExtractor:
    """An Extractor kept inside the Bounds: normalised text, parts, caps and sane dates (see the module doc)."""

    def __init__(self, extractor: Extractor, bounds: Bounds | None = None, batch_size: int = 16) -> None:
        self.extractor = extractor
        self.bounds = bounds or Bounds()
        self.batch_size = batch_size

    def extract_many(self, articles: Sequence[Article], received_at: datetime) -> list[EnrichedArticle | Refused]:
        plans = [self._plan(article) for article in articles]
        parts = [
            article.model_copy(update={"text": plan.text[start:end]})
            for article, plan in zip(articles, plans, strict=True)
            if isinstance(plan, _Plan)
            for start, end in plan.parts
        ]
        extracted = iter(self._extract_parts(parts, received_at))
        results: list[EnrichedArticle | Refused] = []
        for article, plan in zip(articles, plans, strict=True):
            if isinstance(plan, Refused):
                results.append(plan)
                continue
            pieces: list[tuple[int, EnrichedArticle]] = []
            refused: Refused | None = None
            for start, _ in plan.parts:
                outcome = next(extracted)
                if isinstance(outcome, Refused):
                    refused = refused or outcome
                else:
                    pieces.append((start, outcome))
            results.append(refused or self._merge(article, pieces, received_at))
        return results

    def _plan(self, article: Article) -> _Plan | Refused:
        text = self.bounds.normalise(article.text)
        budget = self.bounds.part_tokens
        if len(text) <= budget:  # a token holds at least one character: no need to count
            return _Plan(text, [(0, len(text))])
        doc = self.extractor.nlp.tokenizer(text)
        if len(doc) > self.bounds.article_tokens:
            return Refused(
                "ArticleTooLong",
                f"article has {len(doc)} tokens, over the budget of {self.bounds.article_tokens} tokens per article "
                "(DYADWATCH_MAX_ARTICLE_TOKENS); send it as several articles",
            )
        return _Plan(text, part_ranges(doc, budget))

    def _extract_parts(self, parts: list[Article], received_at: datetime) -> list[EnrichedArticle | Refused]:
        """nlp.pipe over every part; if the batch fails, part by part so that only the bad article fails."""
        try:
            return list(self.extractor.extract_many(parts, batch_size=self.batch_size, received_at=received_at))
        except Exception:  # noqa: BLE001 - the fallback below isolates the part that broke the batch
            results: list[EnrichedArticle | Refused] = []
            for part in parts:
                try:
                    results.append(self.extractor.extract(part, received_at=received_at))
                except Exception as exc:  # noqa: BLE001 - one bad article must not stop the stream
                    results.append(Refused("ExtractionError", f"extraction failed: {type(exc).__name__}: {exc}"))
            return results

    def _merge(
        self, article: Article, pieces: list[tuple[int, EnrichedArticle]], received_at: datetime
    ) -> EnrichedArticle:
        text, cap = article.text, self.bounds.sentence_bytes
        entities: list[Entity] = []
        relations: list[Relation] = []
        stances: list[Stance] = []
        actors: set[str] = set()
        for offset, piece in pieces:
            actors.update(piece.actors)
            for e in piece.entities:
                start, end = e.start + offset, e.end + offset
                entities.append(e.model_copy(update={"start": start, "end": end, "text": text[start:end]}))
            for r in piece.relations:
                span = (r.span[0] + offset, r.span[1] + offset)
                sentence = cut_utf8(text[span[0] : span[1]], cap)
                relations.append(r.model_copy(update={"span": span, "sentence": sentence}))
            for s in piece.stances:
                span = (s.span[0] + offset, s.span[1] + offset)
                sentence = cut_utf8(text[span[0] : span[1]], cap)
                stances.append(s.model_copy(update={"span": span, "sentence": sentence}))
        published_at, rejected = sane_published_at(article.published_at, received_at, self.bounds)
        return pieces[0][1].model_copy(
            update={
                "actors": sorted(actors),
                "entities": entities,
                "relations": relations,
                "stances": stances,
                "published_at": published_at,
                "published_at_rejected": rejected,
                "digest": article.digest,
            }
        )


def part_ranges(doc: Doc, part_tokens: int) -> list[tuple[int, int]]:
    """Character ranges covering doc.text, each of at most part_tokens tokens, cut after a sentence end when one
    lies in the second half of the part (else at the budget itself)."""
    ends = [t.i + 1 for t in doc if t.text in SENTENCE_ENDS or (t.is_space and "\n" in t.text)]
    ranges: list[tuple[int, int]] = []
    start = 0
    while len(doc) - start > part_tokens:
        limit = start + part_tokens
        at = bisect_right(ends, limit) - 1
        cut = ends[at] if at >= 0 and ends[at] > start + part_tokens // 2 else limit
        while cut < limit and doc[cut].is_space:  # whitespace after a sentence end stays with that sentence
            cut += 1
        ranges.append((doc[start].idx if ranges else 0, doc[cut].idx))
        start = cut
    ranges.append((doc[start].idx if ranges else 0, len(doc.text)))
    return ranges

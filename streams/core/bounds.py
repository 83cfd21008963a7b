"""Core layer: what one article may cost and what is kept of it: the limits, and the small pure rules on them.

The limits (`Bounds`, filled by the worker from Settings) are applied by `streams.core.bounded.BoundedExtractor`:

1. The text the NLP sees is normalised, length for length, so that every character offset stays an offset
   into the article's own text: a run of more than `symbol_run` characters that are neither letters, digits
   nor whitespace (punctuation, symbols, emoji) keeps its first `symbol_run` characters, the rest become
   spaces; a whitespace-free run of more than `word_chars` characters gets a space every `word_chars`
   characters. spaCy's tokenizer strips affixes one at a time and searches the rest of the run each time:
   quadratic in a run's length (40 KB of '(' took 177 s, 40,000 emoji 238 s).
2. An article of more than `article_tokens` tokens is refused (`ArticleTooLong`); one of more than
   `part_tokens` tokens is analysed in parts of at most that many tokens, cut after a sentence end where one
   lies in the second half of the part, and the parts' results merged: offsets are shifted back into the
   article's text, relations keep their order (the event index stays unique per article). One nlp.pipe call
   takes parts and articles up to `batch_tokens` tokens together: the pipeline's memory grows with them, about
   16 KB per token of the call, nearly all of it tok2vec's activations (the NLP process on the budget article
   of docs/reliability.md: loaded 224 MiB, peak 482 MiB at 16,000 tokens per call, 333 MiB at 5,000; calls of
   5,000 tokens were no slower on the bench corpus, docs/benchmarks.md "Memory").
3. Entity texts and evidence sentences are taken from the article's own text (not the normalised one), and
   each sentence is cut to `sentence_bytes` of UTF-8 (`cut_utf8`): the table keeps them as evidence.
4. A `published_at` before `earliest_published_at` or more than `future_tolerance` after the arrival time is
   replaced by the arrival time (`sane_published_at`); the enriched article keeps the one sent in
   `published_at_rejected`.

No spaCy here: the worker's own process (the view's caps, the agents' Refused) imports this module, and only
the NLP process loads spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

ELLIPSIS = "…"


@dataclass(frozen=True)
class Bounds:
    """The limits of one article's work and of the text kept from it (the worker fills them from Settings)."""

    symbol_run: int = 16
    word_chars: int = 100
    part_tokens: int = 5_000
    article_tokens: int = 50_000
    batch_tokens: int = 5_000
    sentence_bytes: int = 1_000
    earliest_published_at: datetime = datetime(1900, 1, 1, tzinfo=UTC)
    future_tolerance: timedelta = timedelta(days=1)
    _symbol_runs: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _long_runs: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        limits = (self.symbol_run, self.word_chars, self.part_tokens, self.article_tokens, self.batch_tokens)
        if min(*limits, self.sentence_bytes) < 1:
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

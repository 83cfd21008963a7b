"""Core layer: the Extractor kept inside the Bounds (streams/core/bounds.py says what each bound does).

`BoundedExtractor(extractor, bounds).extract_many(articles, received_at)` returns, per article and in order,
an EnrichedArticle or a `Refused` (why the article is a dead letter).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from spacy.tokens import Doc

from streams.core.bounds import Bounds, Refused, cut_utf8, sane_published_at
from streams.core.extract import Extractor, doc_to_enriched
from streams.core.models import Article, EnrichedArticle, Entity, Relation, Stance

SENTENCE_ENDS = frozenset({".", "!", "?", "…", "。", "！", "？"})


@dataclass(frozen=True)
class _Plan:
    """How one article is analysed: its parts, each the tokenized Doc of a slice of the normalised text and the
    character offset of that slice."""

    parts: list[tuple[int, Doc]]


class BoundedExtractor:
    """An Extractor kept inside the Bounds: normalised text, parts, caps and sane dates (see the module doc).

    Each text is tokenized once, here: the Docs (whole, or the parts' slices) go into nlp.pipe as they are.
    """

    def __init__(self, extractor: Extractor, bounds: Bounds | None = None, batch_size: int = 16) -> None:
        self.extractor = extractor
        self.bounds = bounds or Bounds()
        self.batch_size = batch_size

    def extract_many(self, articles: Sequence[Article], received_at: datetime) -> list[EnrichedArticle | Refused]:
        plans = [self._plan(article) for article in articles]
        parts = [
            (doc, article)
            for article, plan in zip(articles, plans, strict=True)
            if isinstance(plan, _Plan)
            for _, doc in plan.parts
        ]
        extracted = iter(self._extract_parts(parts, received_at))
        results: list[EnrichedArticle | Refused] = []
        for article, plan in zip(articles, plans, strict=True):
            if isinstance(plan, Refused):
                results.append(plan)
                continue
            pieces: list[tuple[int, EnrichedArticle]] = []
            refused: Refused | None = None
            for offset, _ in plan.parts:
                outcome = next(extracted)
                if isinstance(outcome, Refused):
                    refused = refused or outcome
                else:
                    pieces.append((offset, outcome))
            results.append(refused or self._merge(article, pieces, received_at))
        return results

    def _plan(self, article: Article) -> _Plan | Refused:
        doc = self.extractor.nlp.tokenizer(self.bounds.normalise(article.text))
        if len(doc) > self.bounds.article_tokens:
            return Refused(
                "ArticleTooLong",
                f"article has {len(doc)} tokens, over the budget of {self.bounds.article_tokens} tokens per article "
                "(DYADWATCH_MAX_ARTICLE_TOKENS); send it as several articles",
            )
        if len(doc) <= self.bounds.part_tokens:
            return _Plan([(0, doc)])
        ranges = part_ranges(doc, self.bounds.part_tokens)
        return _Plan([(doc[start].idx, doc[start:end].as_doc()) for start, end in ranges])

    def _extract_parts(
        self, parts: list[tuple[Doc, Article]], received_at: datetime
    ) -> list[EnrichedArticle | Refused]:
        """Every part, in nlp.pipe calls of at most batch_size parts and bounds.batch_tokens tokens."""
        results: list[EnrichedArticle | Refused] = []
        call: list[tuple[Doc, Article]] = []
        tokens = 0
        for part in parts:
            if call and (len(call) == self.batch_size or tokens + len(part[0]) > self.bounds.batch_tokens):
                results += self._pipe(call, received_at)
                call, tokens = [], 0
            call.append(part)
            tokens += len(part[0])
        return results + (self._pipe(call, received_at) if call else [])

    def _pipe(self, parts: list[tuple[Doc, Article]], received_at: datetime) -> list[EnrichedArticle | Refused]:
        """One nlp.pipe call; if it fails, part by part so that only the bad article fails."""
        nlp = self.extractor.nlp
        try:
            return [
                doc_to_enriched(doc, article, received_at)
                for doc, article in nlp.pipe(parts, as_tuples=True, batch_size=len(parts))
            ]
        except Exception:  # noqa: BLE001 - the fallback below isolates the part that broke the batch
            results: list[EnrichedArticle | Refused] = []
            for doc, article in parts:
                try:  # from the text again: a Doc the failed batch went through may hold part of its annotations
                    results.append(doc_to_enriched(nlp(doc.text), article, received_at))
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
    """Token ranges covering the doc, each of at most part_tokens tokens, cut after a sentence end when one lies
    in the second half of the part (else at the budget itself); whitespace after the cut stays before it."""
    ends = [t.i + 1 for t in doc if t.text in SENTENCE_ENDS or (t.is_space and "\n" in t.text)]
    ranges: list[tuple[int, int]] = []
    start = 0
    while len(doc) - start > part_tokens:
        limit = start + part_tokens
        at = bisect_right(ends, limit) - 1
        cut = ends[at] if at >= 0 and ends[at] > start + part_tokens // 2 else limit
        while cut < limit and doc[cut].is_space:
            cut += 1
        ranges.append((start, cut))
        start = cut
    ranges.append((start, len(doc)))
    return ranges

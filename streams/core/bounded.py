"""Core layer: the Extractor kept inside the Bounds (streams/core/bounds.py says what each bound does).

`BoundedExtractor(extractor, bounds).extract_many(articles, received_at)` returns, per article and in order,
an EnrichedArticle or a `Refused` (why the article is a dead letter).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from spacy.tokens import Doc

from streams.core.bounds import Bounds, Refused, cut_utf8, sane_published_at
from streams.core.extract import Extractor, article_day, doc_to_enriched
from streams.core.models import Article, EnrichedArticle, Entity, Relation, Stance
from streams.core.prefilter import NerSentence, Prefilter

SENTENCE_ENDS = frozenset({".", "!", "?", "…", "。", "！", "？"})


@dataclass(frozen=True)
class _Part:
    """Where the text of one Doc the pipeline analyses lies in the article: the Doc's characters from
    `starts[k]` on are the article's from `origins[k]` on (one pair for a slice; one per kept run of sentences
    when the prefilter joined several runs into one Doc). The Doc itself is not kept here: it goes into
    nlp.pipe and is let go as soon as its results are taken."""

    starts: tuple[int, ...]
    origins: tuple[int, ...]

    def at(self, char: int) -> int:
        """The article offset of the Doc's character offset `char`."""
        k = bisect_right(self.starts, char) - 1
        return char - self.starts[k] + self.origins[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The article offsets of a span of the Doc: its first and its last character mapped each."""
        return self.at(start), self.at(end - 1) + 1 if end > start else self.at(start)


@dataclass(frozen=True)
class _Plan:
    """How one article is analysed: its parts (none when the prefilter kept no sentence) and their Docs, in order
    (emptied when they go into the pipeline)."""

    parts: list[_Part]
    docs: list[Doc]


class BoundedExtractor:
    """An Extractor kept inside the Bounds: normalised text, parts, caps and sane dates (see the module doc).

    Each text is tokenized once, here: the Docs (whole, or the parts' slices) go into nlp.pipe as they are.
    """

    def __init__(
        self,
        extractor: Extractor,
        bounds: Bounds | None = None,
        batch_size: int = 16,
        prefilter: bool = False,
        prefilter_ner: bool = True,
    ) -> None:
        self.extractor = extractor
        self.bounds = bounds or Bounds()
        self.batch_size = batch_size
        self.prefilter = Prefilter(extractor.nlp) if prefilter else None
        self.prefilter_ner = prefilter_ner
        """With the prefilter: NER runs only on the kept sentences it lists for NER (streams/core/prefilter.py)."""

    def extract_many(self, articles: Sequence[Article], received_at: datetime) -> list[EnrichedArticle | Refused]:
        plans = [self._plan(article, received_at) for article in articles]
        # the Docs go from the plans into one queue that _extract_parts empties call by call: an analysed Doc
        # (tensor, parse, entities) is let go once its results are taken, not held until the last part is done
        parts: deque[tuple[Doc, Article]] = deque()
        for article, plan in zip(articles, plans, strict=True):
            if isinstance(plan, _Plan):
                parts.extend((doc, article) for doc in plan.docs)
                plan.docs.clear()
        extracted = iter(self._extract_parts(parts, received_at))
        results: list[EnrichedArticle | Refused] = []
        for article, plan in zip(articles, plans, strict=True):
            if isinstance(plan, Refused):
                results.append(plan)
                continue
            pieces: list[tuple[_Part, EnrichedArticle]] = []
            refused: Refused | None = None
            for part in plan.parts:
                outcome = next(extracted)
                if isinstance(outcome, Refused):
                    refused = refused or outcome
                else:
                    pieces.append((part, outcome))
            results.append(refused or self._merge(article, pieces, received_at))
        return results

    def _plan(self, article: Article, received_at: datetime) -> _Plan | Refused:
        doc = self.extractor.nlp.tokenizer(self.bounds.normalise(article.text))
        if len(doc) > self.bounds.article_tokens:
            return Refused(
                "ArticleTooLong",
                f"article has {len(doc)} tokens, over the budget of {self.bounds.article_tokens} tokens per article "
                "(DYADWATCH_MAX_ARTICLE_TOKENS); send it as several articles",
            )
        if self.prefilter is not None:
            parts = self._kept_parts(doc)
        elif len(doc) <= self.bounds.part_tokens:
            parts = [(doc, _Part((0,), (0,)))]
        else:
            ranges = part_ranges(doc, self.bounds.part_tokens)
            parts = [(doc[start:end].as_doc(), _Part((0,), (doc[start].idx,))) for start, end in ranges]
        # the day named people hold their roles on: the publication time the output gives, not one it rejects
        published_at, _ = sane_published_at(article.published_at, received_at, self.bounds)
        day = article_day(article.model_copy(update={"published_at": published_at}), received_at)
        for part_doc, _ in parts:
            part_doc._.as_of = day
        return _Plan([part for _, part in parts], [part_doc for part_doc, _ in parts])

    def _kept_parts(self, doc: Doc) -> list[tuple[Doc, _Part]]:
        """The prefilter's kept runs of sentences, cut to at most part_tokens each and joined, in order, into
        Docs of at most part_tokens tokens; each Doc carries the sentences of it NER must see (`prefilter_ner`)."""
        assert self.prefilter is not None
        budget = self.bounds.part_tokens
        plan = self.prefilter.plan(doc)
        runs: list[tuple[int, int]] = []
        for start, end in plan.kept:
            if end - start <= budget:
                runs.append((start, end))
            else:
                runs += [(start + a, start + b) for a, b in part_ranges(doc[start:end].as_doc(), budget)]
        if runs == [(0, len(doc))]:
            parts = [(doc, _Part((0,), (0,)), runs)]
        else:
            groups: list[list[tuple[int, int]]] = []
            tokens = 0
            for run in runs:
                if not groups or tokens + run[1] - run[0] > budget:
                    groups.append([])
                    tokens = 0
                groups[-1].append(run)
                tokens += run[1] - run[0]
            parts = [(*self._joined(doc, group), group) for group in groups]
        if self.prefilter_ner:
            for part_doc, part, group in parts:
                part_doc._.ner_sentences = _ner_sentences(doc, plan.ner, part_doc, part, group)
        return [(part_doc, part) for part_doc, part, _ in parts]

    def _joined(self, doc: Doc, runs: list[tuple[int, int]]) -> tuple[Doc, _Part]:
        """One Doc of the runs' text, in order, a space between two runs where the text had none, tokenized again
        (a run starts and ends at whitespace, so its tokens are the same; far cheaper than Doc.from_docs), and
        where each run's text starts in it and in the article."""
        pieces: list[str] = []
        starts: list[int] = []
        at = 0
        for start, end in runs:
            if pieces and not pieces[-1][-1:].isspace():
                pieces.append(" ")
                at += 1
            starts.append(at)
            text = doc[start:end].text_with_ws
            pieces.append(text)
            at += len(text)
        if len(runs) == 1:
            joined = doc[runs[0][0] : runs[0][1]].as_doc()
        else:
            joined = self.extractor.nlp.tokenizer("".join(pieces))
        return joined, _Part(tuple(starts), tuple(doc[start].idx for start, _ in runs))

    def _extract_parts(
        self, parts: deque[tuple[Doc, Article]], received_at: datetime
    ) -> list[EnrichedArticle | Refused]:
        """Every part, in nlp.pipe calls of at most batch_size parts and bounds.batch_tokens tokens; the queue is
        emptied as it goes, so that no Doc outlives its call."""
        results: list[EnrichedArticle | Refused] = []
        while parts:
            call = [parts.popleft()]
            tokens = len(call[0][0])
            while parts and len(call) < self.batch_size and tokens + len(parts[0][0]) <= self.bounds.batch_tokens:
                tokens += len(parts[0][0])
                call.append(parts.popleft())
            results += self._pipe(call, received_at)
            del call
        return results

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
                    fresh = nlp.make_doc(doc.text)
                    fresh._.as_of = doc._.as_of
                    results.append(doc_to_enriched(nlp(fresh), article, received_at))
                except Exception as exc:  # noqa: BLE001 - one bad article must not stop the stream
                    results.append(Refused("ExtractionError", f"extraction failed: {type(exc).__name__}: {exc}"))
            return results

    def _merge(
        self, article: Article, pieces: list[tuple[_Part, EnrichedArticle]], received_at: datetime
    ) -> EnrichedArticle:
        text, cap = article.text, self.bounds.sentence_bytes
        entities: list[Entity] = []
        relations: list[Relation] = []
        stances: list[Stance] = []
        actors: set[str] = set()
        for part, piece in pieces:
            actors.update(piece.actors)
            for e in piece.entities:
                start, end = part.span(e.start, e.end)
                entities.append(e.model_copy(update={"start": start, "end": end, "text": text[start:end]}))
            for r in piece.relations:
                span = part.span(*r.span)
                sentence = cut_utf8(text[span[0] : span[1]], cap)
                relations.append(r.model_copy(update={"span": span, "sentence": sentence}))
            for s in piece.stances:
                span = part.span(*s.span)
                sentence = cut_utf8(text[span[0] : span[1]], cap)
                stances.append(s.model_copy(update={"span": span, "sentence": sentence}))
        # an article the prefilter kept nothing of is still an EnrichedArticle, with no actors and no events
        base = pieces[0][1] if pieces else doc_to_enriched(self.extractor.nlp.make_doc(""), article, received_at)
        published_at, rejected = sane_published_at(article.published_at, received_at, self.bounds)
        return base.model_copy(
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


def _ner_sentences(
    doc: Doc, listed: list[NerSentence], part_doc: Doc, part: _Part, runs: list[tuple[int, int]]
) -> list[NerSentence]:
    """The prefilter's NER sentences of `doc` that lie in the part Doc made of `runs` (its k-th run's text starts at
    `part.starts[k]`), in the part Doc's token offsets; a sentence cut by a part's end is its piece in each."""
    if part_doc is doc:
        return listed
    out: list[NerSentence] = []

    def token_at(k: int, i: int) -> int:
        char = part.starts[k] + doc[i].idx - part.origins[k]
        span = part_doc.char_span(char, char + len(doc[i]), alignment_mode="expand")
        assert span is not None
        return span.start

    k = 0
    for sentence in listed:
        while k < len(runs) and runs[k][1] <= sentence.start:
            k += 1
        j = k
        while j < len(runs) and runs[j][0] < sentence.end:
            low, high = max(sentence.start, runs[j][0]), min(sentence.end, runs[j][1])
            if low < high:
                maybe = tuple(token_at(j, i) for i in sentence.maybe if low <= i < high)
                out.append(NerSentence(token_at(j, low), token_at(j, high - 1) + 1, sentence.sure, maybe))
            j += 1
    return out


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

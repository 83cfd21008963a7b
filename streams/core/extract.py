"""Core layer: articles -> EnrichedArticle via spaCy; `doc_to_enriched` is the one spaCy-to-model step.

API: `Extractor(nlp=None).extract(article, received_at=None)`, `.extract_many(articles, batch_size=16,
received_at=None)` (same order as the input, via `nlp.pipe`), and `load_extractor()`, a process-wide cached
Extractor so a worker loads the model once. Entity offsets are character offsets into `article.text`.
Each article's day (`article_day`: published_at, else received_at, else today) goes to the pipeline as
`doc._.as_of`, so a named person holds the role of that day.

`load_extractor()` also hands the loaded pipeline to the garbage collector's permanent generation
(`freeze_loaded`): its ~280,000 objects live as long as the process, and a full collection that walks them all
took 0.17-0.66 s per 48 bench articles (`python -m bench.core_profile --freeze-ab`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

import streams.core.extensions  # noqa: F401  (registers doc._.as_of)
from streams.core.actors import ACTORS_KEY
from streams.core.models import Article, EnrichedArticle, Entity, Relation, Stance
from streams.core.pipeline import build_nlp

EXTRACTOR_VERSION = "dyadwatch-extract/0.1.0"
UNRESOLVED_LABELS = frozenset({"GPE", "NORP", "ORG", "PERSON"})
"""spaCy entity types reported even when they resolve to no actor, with actor=None."""


def doc_to_enriched(doc: Doc, article: Article, received_at: datetime | None = None) -> EnrichedArticle:
    """Turn a processed Doc of `article.text` into the `articles.enriched` message."""
    actor_spans = list(doc.spans.get(ACTORS_KEY, ()))
    entities = [
        Entity(
            text=span.text,
            start=span.start_char,
            end=span.end_char,
            label="ACTOR",
            actor=span._.actor,
            role=span._.role,
            name=span._.name,
        )
        for span in actor_spans
    ]
    covered = {i for span in actor_spans for i in range(span.start, span.end)}
    entities.extend(
        Entity(
            text=ent.text,
            start=ent.start_char,
            end=ent.end_char,
            label=ent.label_,
            actor=None,
            role=None,
            name=None,
        )
        for ent in doc.ents
        if ent.label_ in UNRESOLVED_LABELS and not any(i in covered for i in range(ent.start, ent.end))
    )
    entities.sort(key=lambda e: (e.start, e.end))
    relations: list[Relation] = list(doc._.relations or [])
    stances: list[Stance] = list(doc._.stances or [])
    return EnrichedArticle(
        article_id=article.id,
        title=article.title,
        url=article.url,
        source=article.source,
        published_at=article.published_at,
        received_at=received_at,
        language=article.language,
        actors=sorted({span._.actor for span in actor_spans if span._.actor}),
        entities=entities,
        relations=relations,
        stances=stances,
        extractor_version=EXTRACTOR_VERSION,
        digest=article.digest,
    )


def article_day(article: Article, received_at: datetime | None = None) -> date:
    """The day an article speaks on: when it was published, else when it arrived, else today (UTC)."""
    moment = article.published_at or received_at or datetime.now(UTC)
    return moment.date()


class Extractor:
    """Runs the pipeline over articles. Pass `nlp` to share or replace the pipeline (tests, benchmarks)."""

    def __init__(self, nlp: Language | None = None) -> None:
        self.nlp = nlp if nlp is not None else build_nlp()

    def extract(self, article: Article, received_at: datetime | None = None) -> EnrichedArticle:
        return doc_to_enriched(self.nlp(self._doc(article, received_at)), article, received_at)

    def extract_many(
        self, articles: Iterable[Article], batch_size: int = 16, received_at: datetime | None = None
    ) -> Iterator[EnrichedArticle]:
        pairs = ((self._doc(article, received_at), article) for article in articles)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            yield doc_to_enriched(doc, article, received_at)

    def _doc(self, article: Article, received_at: datetime | None) -> Doc:
        """The article's tokens, dated: the pipeline's components run on this Doc."""
        doc = self.nlp.make_doc(article.text)
        doc._.as_of = article_day(article, received_at)
        return doc


def freeze_loaded() -> None:
    """Move every object alive now (the loaded pipeline, its dictionaries and compiled patterns) out of the
    garbage collector's reach: they live as long as the process, so a full collection need not walk them again
    and again. What the pipeline makes per article is collected as before. Call it once, after loading."""
    gc.collect()
    gc.freeze()


@cache
def load_extractor() -> Extractor:
    """The process-wide Extractor: the model is loaded on first call, once per process, and frozen for the
    garbage collector (`freeze_loaded`)."""
    extractor = Extractor()
    freeze_loaded()
    return extractor

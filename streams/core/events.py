"""Core layer: the `dyad_events` spaCy component (parse + actor spans -> `doc._.relations`, dyadic CAMEO events)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

import streams.core.extensions  # noqa: F401  (registers doc._.plain_parse and doc._.relations)
from streams.core.rules.assembly import extract_relations
from streams.core.rules.cues import CueLexicon, event_cues
from streams.core.rules.doc import plain_doc
from streams.core.rules.patterns import VerbPatterns, verb_patterns


@Language.factory(
    "dyad_events",
    requires=["token.dep", "token.lemma", "doc.spans"],
    assigns=["doc._.plain_parse", "doc._.relations"],
)
def make_dyad_events(nlp: Language, name: str) -> DyadEvents:
    return DyadEvents(event_cues(), verb_patterns())


class DyadEvents:
    """Sets `doc._.plain_parse` to the article's analysed sentences and `doc._.relations` to its events, from our
    cue lexicon and PETRARCH's compiled verb patterns (both loaded when the pipeline is built)."""

    def __init__(self, lexicon: CueLexicon, patterns: VerbPatterns) -> None:
        self.lexicon = lexicon
        self.patterns = patterns

    def __call__(self, doc: Doc) -> Doc:
        analyses = plain_doc(doc)
        doc._.plain_parse = analyses
        doc._.relations = extract_relations(analyses, self.lexicon, self.patterns)
        return doc

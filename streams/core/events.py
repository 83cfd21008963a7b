"""Core layer: the `dyad_events` spaCy component (parse + actor spans -> `doc._.relations`, dyadic CAMEO events)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from streams.core.rules.assembly import extract_relations
from streams.core.rules.cues import Lexicon, verb_lexicon
from streams.core.rules.doc import plain_doc

PLAIN_KEY = "dyadwatch.plain"
"""doc.user_data key where dyad_events leaves the plain parse for dyad_stances, which takes it away."""


@Language.factory("dyad_events", requires=["token.dep", "token.lemma", "doc.spans"], assigns=["doc._.relations"])
def make_dyad_events(nlp: Language, name: str) -> DyadEvents:
    return DyadEvents(verb_lexicon())


class DyadEvents:
    """Sets `doc._.relations` to the article's dyadic CAMEO events."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        analyses = plain_doc(doc)
        doc.user_data[PLAIN_KEY] = analyses
        doc._.relations = extract_relations(analyses, self.lexicon)
        return doc

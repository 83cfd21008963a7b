"""Core layer: the `dyad_stances` spaCy component (parse + actor spans -> `doc._.stances`: who supports, opposes,
blames, demands, praises or criticizes whom)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

import streams.core.extensions  # noqa: F401  (registers doc._.plain_parse and doc._.stances)
from streams.core.rules.assembly import extract_stances
from streams.core.rules.cues import CueLexicon, stance_cues
from streams.core.rules.doc import plain_doc


@Language.factory(
    "dyad_stances",
    requires=["doc._.plain_parse", "token.dep", "token.lemma", "doc.spans"],
    assigns=["doc._.stances"],
)
def make_dyad_stances(nlp: Language, name: str) -> DyadStances:
    return DyadStances(stance_cues())


class DyadStances:
    """Sets `doc._.stances` to the article's stances, from the parse `dyad_events` left in `doc._.plain_parse`
    (without `dyad_events` before it, it turns the parse into plain data itself)."""

    def __init__(self, lexicon: CueLexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        analyses = doc._.plain_parse
        doc._.stances = extract_stances(plain_doc(doc) if analyses is None else analyses, self.lexicon)
        return doc

"""Core layer: the `dyad_stances` spaCy component (parse + actor spans -> `doc._.stances`: who supports, opposes,
blames, demands, praises or criticizes whom)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from streams.core.events import PLAIN_KEY
from streams.core.rules.assembly import extract_stances
from streams.core.rules.cues import Lexicon, stance_lexicon
from streams.core.rules.doc import plain_doc


@Language.factory("dyad_stances", requires=["token.dep", "token.lemma", "doc.spans"], assigns=["doc._.stances"])
def make_dyad_stances(nlp: Language, name: str) -> DyadStances:
    return DyadStances(stance_lexicon())


class DyadStances:
    """Sets `doc._.stances` to the article's stances."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        analyses = doc.user_data.pop(PLAIN_KEY, None) or plain_doc(doc)
        doc._.stances = extract_stances(analyses, self.lexicon)
        return doc

"""Build tool: lemmas of PETRARCH's upper-case words, as dyadwatch's own spaCy pipeline lemmatizes text.

PETRARCH lists inflected forms ("RALLIES", "HURRIED"); the engine matches spaCy lemmas, so every word
the converter writes is the lemma the pipeline's rule lemmatizer gives a token of that word: a word that
is itself a base form in the lemmatizer's index stays ("crisis", "news", "headquarters"), a plural whose
singular is in the index becomes it ("talks" -> "talk", "arms" -> "arm", as a tagged plural would).
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from streams.core.pipeline import DEFAULT_MODEL

_STEM_ENDINGS = ("er", "ry", "y", "ies", "ia", "anization", "anisation")
"""Endings that TABARI-era dictionaries cut off to make a stem ('MINIST', 'INDUSTR', 'AUTHORIT')."""

# Morphology that makes the rule lemmatizer apply its rules instead of taking the word as a base form.
_INFLECTED = {"NOUN": "Number=Plur", "VERB": "Tense=Past|VerbForm=Fin"}


class Lemmas:
    """Noun and verb lemmas of single words, from the rule lemmatizer of `model`."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        try:
            self._nlp: Language = spacy.load(model, exclude=["tok2vec", "tagger", "parser", "ner", "senter"])
        except OSError as error:
            raise OSError(f"spaCy model {model!r} is not installed; run `make install` first") from error
        lemmatizer = self._nlp.get_pipe("lemmatizer")
        assert isinstance(lemmatizer, Lemmatizer)
        self._lemmatizer = lemmatizer
        index = lemmatizer.lookups.get_table("lemma_index")
        self._index = {pos: frozenset(index[pos]) for pos in ("noun", "verb", "adj")}

    def _rules(self, word: str, pos: str) -> list[str]:
        doc = Doc(self._nlp.vocab, words=[word], pos=[pos], morphs=[_INFLECTED[pos]])
        return self._lemmatizer.rule_lemmatize(doc[0])

    def is_noun(self, word: str) -> bool:
        """True for a word whose lemma is a noun the lemmatizer knows ('forces', 'embargo')."""
        return self.noun(word) in self._index["noun"]

    def is_adjective(self, word: str) -> bool:
        return word.lower() in self._index["adj"]

    def known(self, word: str) -> bool:
        """True for a word the lemmatizer knows as a noun, verb or adjective, in any inflection."""
        word = word.lower()
        return any(word in self._index[pos] for pos in self._index) or self.is_noun(word)

    def completes(self, stem: str) -> bool:
        """True when a common noun ending completes `stem` to a known noun ('minist' -> 'minister',
        'industr' -> 'industry', 'org' -> 'organization')."""
        stem = stem.lower()
        return any(stem + ending in self._index["noun"] for ending in _STEM_ENDINGS)

    @cache  # noqa: B019  (one Lemmas per run; the cache lives as long as the converter)
    def noun(self, word: str) -> str:
        """The lemma of a noun or noun modifier: 'rallies' -> 'rally', 'crisis' -> 'crisis'."""
        word = word.lower()
        if not word.isalpha():
            return word
        nouns = self._index["noun"]
        forms = [form for form in self._rules(word, "NOUN") if form != word]
        if word in nouns:
            return next((form for form in forms if form in nouns), word)
        if word in self._index["adj"]:
            return word
        return forms[0] if forms else word

    @cache  # noqa: B019
    def verb(self, word: str) -> str:
        """The lemma of a verb form: 'hurried' -> 'hurry', 'burnt' -> 'burn', 'base' -> 'base'."""
        word = word.lower()
        verbs = self._index["verb"]
        if word in verbs or not word.isalpha():
            return word
        forms = self._rules(word, "VERB")
        known = [form for form in forms if form in verbs]
        if known:
            return known[0]
        # an unknown verb is lemmatized only when it looks inflected ('unimpress' stays)
        return forms[0] if forms and word.endswith(("ed", "ing")) else word

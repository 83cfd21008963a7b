"""Core layer: the sentences of an article that can hold an event, found before the statistical pipeline runs.

The parser and NER cost most of the time per article; a sentence that names no actor, no title or role, and no
pronoun that can stand for one cannot be a dyadic event or a stance, so it need not be parsed.
`Prefilter(nlp).kept(doc)` reads a tokenizer-only Doc and returns the token ranges of the sentences to analyse,
in order, consecutive sentences joined: a sentence is kept when it holds

- a phrase of the actor dictionary, matched by the pipeline's own rulers (`dyad_actor_names` on ORTH,
  `dyad_actor_roles` and `dyad_actor_field` on LOWER: names, demonyms, capitals, IGOs, institutions, people,
  titles, pair phrases, PETRARCH's names and agent nouns, and its discard phrases, which must be seen to void
  a story),
- a later mention of a person named before (the last word of a name or of the title-cased words after a title:
  "Wei" after "Defense Minister Wei Fenghe"),
- a pronoun or noun that can refer back to an actor (words.toml `plural_anaphors`, `singular_anaphors`,
  `person_anaphors`, `igo_nouns`, `collective_nouns`), and then the sentence before it too, so the anaphor
  still finds what it stands for.

Sentences are cut by spaCy's rule-based sentencizer (its predictions only: nothing is written on the Doc, so the
dateline component and the parser still set the sentences the pipeline sees). The rulers' matchers are run
without their components, so the Doc carries no candidates into the pipeline.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from streams.core.actors import FieldNames
from streams.core.words import WORDS

RULERS = ("dyad_actor_names", "dyad_actor_roles")
FIELD = "dyad_actor_field"
ANAPHOR_LISTS = ("plural_anaphors", "singular_anaphors", "person_anaphors", "igo_nouns", "collective_nouns")
_NAME_WORDS = 4
"""Title-cased words after a title taken as a person's name ('President Joe Biden': 'Biden')."""


class Prefilter:
    """Which sentences of a tokenizer-only Doc the full pipeline must see (see the module doc)."""

    def __init__(self, nlp: Language) -> None:
        self.matchers: list[PhraseMatcher] = [nlp.get_pipe(name).phrase_matcher for name in RULERS]
        field = nlp.get_pipe(FIELD)
        assert isinstance(field, FieldNames)
        self.field = field.matcher
        self.roles = nlp.get_pipe("dyad_actor_roles").phrase_matcher
        self.anaphors = PhraseMatcher(nlp.vocab, attr="LOWER")
        words = sorted({word for name in ANAPHOR_LISTS for word in getattr(WORDS, name)})
        self.anaphors.add("ANAPHOR", list(nlp.tokenizer.pipe(words)))
        self.sentencizer = Sentencizer()

    def sentences(self, doc: Doc) -> list[tuple[int, int]]:
        """Token ranges of the doc's sentences, by the rule-based sentencizer (the Doc is left as it is); the
        whitespace between two sentences ends the first, so a kept run starts at a word."""
        (starts,) = self.sentencizer.predict([doc])
        cuts: list[int] = []
        for i, start in enumerate(starts):
            if start and i > 0:
                while i < len(doc) and doc[i].is_space:
                    i += 1
                if i < len(doc) and (not cuts or i > cuts[-1]):
                    cuts.append(i)
        return list(zip([0, *cuts], [*cuts, len(doc)], strict=True))

    def kept(self, doc: Doc) -> list[tuple[int, int]]:
        """Token ranges of the sentences to analyse, consecutive kept sentences joined into one range."""
        if not len(doc):
            return []
        sentences = self.sentences(doc)
        sentence_of = [0] * len(doc)
        for n, (start, end) in enumerate(sentences):
            for i in range(start, end):
                sentence_of[i] = n
        keep = [False] * len(sentences)
        names: set[str] = set()
        for matcher in self.matchers:
            for _, start, end in matcher(doc):
                keep[sentence_of[start]] = True
                names.update(self._name_words(doc, start, end, matcher is self.roles))
        for _, start, _end in self.field(doc):
            keep[sentence_of[start]] = True
        for _, start, _end in self.anaphors(doc):
            n = sentence_of[start]
            keep[n] = True
            if n:
                keep[n - 1] = True
        if names:
            for token in doc:
                if token.text in names:
                    keep[sentence_of[token.i]] = True
        ranges: list[tuple[int, int]] = []
        for (start, end), kept in zip(sentences, keep, strict=True):
            if not kept:
                continue
            if ranges and ranges[-1][1] == start:
                ranges[-1] = (ranges[-1][0], end)
            else:
                ranges.append((start, end))
        return ranges

    @staticmethod
    def _name_words(doc: Doc, start: int, end: int, title: bool) -> list[str]:
        """The words a later sentence may name this mention's person by: a name's last word, or the name after a
        title ("Minister Wei Fenghe" -> "Wei", "Fenghe")."""
        if not title:
            last = doc[end - 1]
            return [last.text] if last.is_title and end - start > 1 else []
        words = []
        for token in doc[end : end + _NAME_WORDS]:
            if not token.is_title:
                break
            words.append(token.text)
        return words

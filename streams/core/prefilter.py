"""Core layer: the sentences of an article that can hold an event, found before the statistical pipeline runs.

The parser and NER cost most of the time per article; a sentence that cannot name two parties (a dyadic event
has a source and a target; a stance a holder and what it is about) holds no event, so it need not be parsed.
`Prefilter(nlp).kept(doc)` reads a tokenizer-only Doc and returns the token ranges of the sentences to analyse,
in order, consecutive sentences joined. The mentions counted in a sentence (overlapping ones count once):

- a phrase of the actor dictionary, matched by the pipeline's own rulers' matchers (`dyad_actor_names` on ORTH,
  `dyad_actor_roles` and `dyad_actor_field` on LOWER: names, demonyms, capitals, IGOs, institutions, people,
  titles and role nouns, PETRARCH's names and agent nouns); a pair phrase ("both countries") counts two,
- a later mention of a person named before (the last word of a name or of the title-cased words after a title:
  "Wei" after "Defense Minister Wei Fenghe"),
- a pronoun or noun that can refer back to an actor (words.toml `singular_anaphors`, `person_anaphors`,
  `igo_nouns`, `collective_nouns`; `plural_anaphors` count two).

A sentence of at least `PARTIES` mentions is kept, and so is the sentence before a kept one that holds an anaphor
(what the anaphor stands for is named there), and any sentence holding one of PETRARCH's discard phrases (it
voids its sentence or its story, so it must be seen).

Sentences are cut by spaCy's rule-based sentencizer (its predictions only: nothing is written on the Doc, so the
dateline component and the parser still set the sentences the pipeline sees). The rulers' matchers are run
without their components, so the Doc carries no candidates into the pipeline.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Sentencizer, SpanRuler
from spacy.tokens import Doc

from streams.core.actor_dictionary import PAIR
from streams.core.actors import DISCARD, FieldNames
from streams.core.words import WORDS

RULERS = ("dyad_actor_names", "dyad_actor_roles")
FIELD = "dyad_actor_field"
ANAPHOR_LISTS = ("singular_anaphors", "person_anaphors", "igo_nouns", "collective_nouns")
PAIR_ANAPHOR_LISTS = ("plural_anaphors",)
"""Pronouns that stand for a pair ('they', 'both'): two parties in one word."""
PARTIES = 2
"""Parties a sentence must be able to name to be analysed: a dyadic event has a source and a target, and a stance
has a holder and a target or topic named beside it."""
_NAME_WORDS = 4
"""Title-cased words after a title taken as a person's name ('President Joe Biden': 'Biden')."""


class Prefilter:
    """Which sentences of a tokenizer-only Doc the full pipeline must see (see the module doc)."""

    def __init__(self, nlp: Language, parties: int = PARTIES) -> None:
        self.parties = parties
        self.rulers: list[SpanRuler] = [nlp.get_pipe(name) for name in RULERS]
        self.roles = self.rulers[1]
        field = nlp.get_pipe(FIELD)
        assert isinstance(field, FieldNames)
        self.field = field.matcher
        self.discard = nlp.vocab.strings.as_int(DISCARD)
        self.anaphors = PhraseMatcher(nlp.vocab, attr="LOWER")
        plural = sorted({word for name in PAIR_ANAPHOR_LISTS for word in getattr(WORDS, name)})
        self.anaphors.add(PAIR, list(nlp.tokenizer.pipe(plural)))
        self.plural = nlp.vocab.strings.as_int(PAIR)
        single = sorted({word for name in ANAPHOR_LISTS for word in getattr(WORDS, name)} - set(plural))
        self.anaphors.add("ONE", list(nlp.tokenizer.pipe(single)))
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
        mentions: dict[int, list[tuple[int, int, int]]] = {}
        anaphors: set[int] = set()
        discards: set[int] = set()
        names: set[str] = set()

        def mention(start: int, end: int, parties: int = 1) -> None:
            mentions.setdefault(sentence_of[start], []).append((start, end, parties))

        for ruler in self.rulers:
            labels = ruler._match_label_id_map  # noqa: SLF001 - the ruler's own match id -> (label, id)
            for match_id, start, end in ruler.phrase_matcher(doc):
                mention(start, end, 2 if labels[match_id]["label"] == PAIR else 1)
                names.update(self._name_words(doc, start, end, ruler is self.roles))
        for match_id, start, end in self.field(doc):
            if match_id == self.discard:
                discards.add(sentence_of[start])
            else:
                mention(start, end)
        for match_id, start, end in self.anaphors(doc):
            mention(start, end, 2 if match_id == self.plural else 1)
            anaphors.add(sentence_of[start])
        if names:
            for token in doc:
                if token.text in names:
                    mention(token.i, token.i + 1)
        keep = [n in discards or _parties(mentions.get(n, [])) >= self.parties for n in range(len(sentences))]
        for n in sorted(anaphors):
            if keep[n] and n:
                keep[n - 1] = True
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


def _parties(mentions: list[tuple[int, int, int]]) -> int:
    """How many parties a sentence's mentions name: overlapping mentions ('prime minister', 'minister') are one;
    a pair phrase or a plural pronoun is two."""
    count, end = 0, -1
    for start, stop, parties in sorted(mentions):
        if start >= end:
            count += parties
            end = stop
        else:
            end = max(end, stop)
    return count

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
  `igo_nouns`, `collective_nouns`, `state_descriptions` such as 'the government' or 'the foreign ministry';
  `plural_anaphors` count two).

A sentence of at least `PARTIES` mentions is kept, and so is the sentence before a kept one that holds an anaphor
(what the anaphor stands for is named there), a sentence opened by its one mention right after a sentence of two
(it may answer it: "Minsk denied any incursion.", whom it answers taken from the sentence before), and any
sentence holding one of PETRARCH's discard phrases (it voids its sentence or its story, so it must be seen).

NER (issue 14). Of the kept sentences, NER's output is read only for entities of names (a person beside a title or
no name matched, an organisation or place a matched name lies inside, the unresolved GPE, NORP, ORG and PERSON
entities of the EnrichedArticle), and such an entity has a capitalised word outside every actor match (the
lower-case ones, 'the defence ministry' as ORG, are not reported any more). So `Prefilter.plan(doc)` also lists
the kept sentences that hold such a word (`NerSentence`): a capitalised word outside every match of the rulers
that is an actor by itself (a block or a city, 'Istanbul', counts as outside), not a day or month
(data/ner_words.toml `plain_capitals`); one that is the first word of its sentence or of a quote ("The",
"Markets", "We"; not one all in capitals, as "BEIRUT" in a dateline) is only a `maybe`, which the `dyad_ner`
component below decides by the tagger's tag (a proper noun or an adjective sends it to NER). `dyad_ner` stands in
the trained `ner`'s place and runs it on the listed sentences only, each run of them with `NER_CONTEXT` tokens
either side (the receptive field of the model's own tok2vec: the features of the sentence's tokens are the same
as in the whole Doc), and copies the entities inside each run back by token offset; the other tokens are outside
any entity. A Doc without a list (`doc._.ner_sentences` None: the Extractor, the prefilter off, or
`DYADWATCH_PREFILTER_NER=false`) goes to the trained ner whole, as before (docs/benchmarks.md, "NER only where it
can matter").

Sentences are cut by spaCy's rule-based sentencizer (its predictions only: nothing is written on the Doc, so the
dateline component and the parser still set the sentences the pipeline sees). The rulers' matchers are run
without their components, so the Doc carries no candidates into the pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import NamedTuple, cast

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import EntityRecognizer, Sentencizer, SpanRuler
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span

from streams.core.actor_dictionary import BLOCK, PAIR
from streams.core.actors import _PREFIX_ONLY_KINDS, DISCARD, ActorResolver, FieldNames
from streams.core.datafile import read_described_toml
from streams.core.takeover import trained_pipe
from streams.core.words import WORDS

RULERS = ("dyad_actor_names", "dyad_actor_roles")
FIELD = "dyad_actor_field"
RESOLVER = "dyad_actors"
ANAPHOR_LISTS = ("singular_anaphors", "person_anaphors", "igo_nouns", "collective_nouns", "state_descriptions")
PAIR_ANAPHOR_LISTS = ("plural_anaphors",)
"""Pronouns that stand for a pair ('they', 'both'): two parties in one word."""
PARTIES = 2
"""Parties a sentence must be able to name to be analysed: a dyadic event has a source and a target, and a stance
has a holder and a target or topic named beside it."""
ANSWER_OPENING = 1
"""How many words may come before the one party of a sentence that answers the sentence before ('The Kremlin
denied ...')."""
_NAME_WORDS = 4
"""Title-cased words after a title taken as a person's name ('President Joe Biden': 'Biden')."""
NER_WORDS_TOML = Path(__file__).parent / "data" / "ner_words.toml"
OPENERS = frozenset({'"', "“", "‘", "'", "«", "(", "[", ":", "—", "–", "-"})
"""After one of these a capitalised word may be a common word starting a quote or a clause, as at a sentence's
start."""
MAYBE_TAGS = frozenset({"NNP", "NNPS", "JJ"})
"""Tags that make a capitalised first word a name NER must see ('Karabakh', 'ANKARA', 'Kurdish'); 'The',
'Markets', 'We' are tagged otherwise."""
NER_CONTEXT = 4
"""Tokens of context either side of a run of sentences sent to NER: en_core_web_sm's ner has its own tok2vec, a
CNN of depth 4 and window 1, so a token's features read 4 tokens either side."""


@cache
def plain_capitals(path: Path = NER_WORDS_TOML) -> frozenset[str]:
    """data/ner_words.toml `plain_capitals`, lower-cased."""
    words = read_described_toml(path, ["plain_capitals"], "words", "list", "lists", "the list")["plain_capitals"]
    return frozenset(word.lower() for word in words)


class NerSentence(NamedTuple):
    """A kept sentence whose entities the core may read: tokens `start`-`end` of the Doc; `sure` when it holds a
    capitalised word outside every actor match that is no first word, else `maybe` lists the first words that are
    (the tagger decides them, `dyad_ner`)."""

    start: int
    end: int
    sure: bool
    maybe: tuple[int, ...] = ()


@dataclass(frozen=True)
class Plan:
    """The prefilter's answer for one Doc: the kept runs of sentences and the kept sentences NER must see."""

    kept: list[tuple[int, int]]
    ner: list[NerSentence]


class Prefilter:
    """Which sentences of a tokenizer-only Doc the full pipeline must see (see the module doc)."""

    def __init__(self, nlp: Language, parties: int = PARTIES) -> None:
        self.parties = parties
        self.rulers = [cast(SpanRuler, nlp.get_pipe(name)) for name in RULERS]
        self.roles = self.rulers[1]
        field = nlp.get_pipe(FIELD)
        assert isinstance(field, FieldNames)
        self.field = field.matcher
        self.discard = nlp.vocab.strings.as_int(DISCARD)
        self.anaphors = PhraseMatcher(nlp.vocab, attr="LOWER")
        plural = sorted({word for name in PAIR_ANAPHOR_LISTS for word in getattr(WORDS, name)})
        tokenizer = cast(Tokenizer, nlp.tokenizer)
        self.anaphors.add(PAIR, list(tokenizer.pipe(plural)))
        self.plural = nlp.vocab.strings.as_int(PAIR)
        single = sorted({word for name in ANAPHOR_LISTS for word in getattr(WORDS, name)} - set(plural))
        self.anaphors.add("ONE", list(tokenizer.pipe(single)))
        self.sentencizer = Sentencizer()
        self.plain = plain_capitals()
        lexemes = cast(ActorResolver, nlp.get_pipe(RESOLVER)).lexemes
        self.uncovering = [
            {
                match_id
                for match_id, label in ruler._match_label_id_map.items()  # noqa: SLF001 - match id -> (label, id)
                if label["label"] == BLOCK or lexemes[label["id"]].kind in _PREFIX_ONLY_KINDS
            }
            for ruler in self.rulers
        ]
        """Per ruler, the match ids whose words no actor mention holds by themselves (blocks; 'Istanbul', an actor
        only as a prefix): NER may find an entity there that the EnrichedArticle reports unresolved."""

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
        return self.plan(doc).kept

    def plan(self, doc: Doc) -> Plan:
        """The kept runs of sentences and, of the kept sentences, those NER must see (see the module doc)."""
        if not len(doc):
            return Plan([], [])
        sentences = self.sentences(doc)
        sentence_of = [0] * len(doc)
        for n, (start, end) in enumerate(sentences):
            for i in range(start, end):
                sentence_of[i] = n
        mentions: dict[int, list[tuple[int, int, int]]] = {}
        anaphors: set[int] = set()
        discards: set[int] = set()
        names: set[str] = set()
        matched = bytearray(len(doc))

        def mention(start: int, end: int, parties: int = 1) -> None:
            mentions.setdefault(sentence_of[start], []).append((start, end, parties))

        for ruler, uncovering in zip(self.rulers, self.uncovering, strict=True):
            labels = ruler._match_label_id_map  # noqa: SLF001 - the ruler's own match id -> (label, id)
            for match_id, start, end in ruler.phrase_matcher(doc):
                mention(start, end, 2 if labels[match_id]["label"] == PAIR else 1)
                names.update(self._name_words(doc, start, end, ruler is self.roles))
                if match_id not in uncovering:
                    matched[start:end] = b"\x01" * (end - start)
        for match_id, start, end in self.field(doc):
            if match_id == self.discard:
                discards.add(sentence_of[start])
            else:
                mention(start, end)
                matched[start:end] = b"\x01" * (end - start)
        for match_id, start, end in self.anaphors(doc):
            mention(start, end, 2 if match_id == self.plural else 1)
            anaphors.add(sentence_of[start])
        if names:
            for token in doc:
                if token.text in names:
                    mention(token.i, token.i + 1)
        counted = [_parties(mentions.get(n, [])) for n in range(len(sentences))]
        keep = [n in discards or counted[n] >= self.parties for n in range(len(sentences))]
        # a sentence opened by its one party, right after one of two, may answer it ('... after two Belarusian
        # helicopters entered Polish airspace. Minsk denied any incursion.', 'Athens called the remarks
        # unacceptable.': the rules take whom it answers from the sentence before)
        for n in range(1, len(sentences)):
            opening = sentences[n][0] + ANSWER_OPENING
            if counted[n] and counted[n - 1] >= self.parties and any(m[0] <= opening for m in mentions[n]):
                keep[n] = True
        for n in sorted(anaphors):
            if keep[n] and n:
                keep[n - 1] = True
        ranges: list[tuple[int, int]] = []
        ner: list[NerSentence] = []
        for (start, end), kept in zip(sentences, keep, strict=True):
            if not kept:
                continue
            if ranges and ranges[-1][1] == start:
                ranges[-1] = (ranges[-1][0], end)
            else:
                ranges.append((start, end))
            named = self._ner_sentence(doc, start, end, matched)
            if named is not None:
                ner.append(named)
        return Plan(ranges, ner)

    def _ner_sentence(self, doc: Doc, start: int, end: int, matched: bytearray) -> NerSentence | None:
        """The sentence as NER must see it, or None when it holds no capitalised word outside the actor matches
        but days, months and common first words."""
        first = True
        maybe: list[int] = []
        for token in doc[start:end]:
            if token.is_punct or token.is_space:
                first = first or token.text in OPENERS
                continue
            opening, first = first, False
            lower = token.lower_
            if matched[token.i] or token.text == lower or lower in self.plain:
                continue
            if not opening or (token.is_upper and len(token) > 1):  # 'BEIRUT', 'NATO' open no common word
                return NerSentence(start, end, sure=True)
            maybe.append(token.i)
        return NerSentence(start, end, sure=False, maybe=tuple(maybe)) if maybe else None

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


class NerWhereNeeded:
    """The `dyad_ner` component: the trained `ner`, run only on the sentences `doc._.ner_sentences` lists (the
    module doc); a Doc without the list goes to it whole."""

    def __init__(self, ner: EntityRecognizer) -> None:
        self.ner = ner

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        stream = iter(docs)
        while batch := list(islice(stream, batch_size)):
            whole: list[Doc] = []
            pieces: list[tuple[int, int, int, int, Doc]] = []
            for n, doc in enumerate(batch):
                runs = ner_runs(doc)
                if runs is None or runs == [(0, len(doc))]:
                    whole.append(doc)
                    continue
                for start, end in runs:
                    low, high = max(0, start - NER_CONTEXT), min(len(doc), end + NER_CONTEXT)
                    pieces.append((n, low, start, end, doc[low:high].as_doc()))
            ner_docs = whole + [piece for *_, piece in pieces]
            if ner_docs:
                for _ in self.ner.pipe(ner_docs, batch_size=len(ner_docs)):
                    pass
            found: dict[int, list[Span]] = {}
            for n, low, start, end, piece in pieces:
                doc = batch[n]
                found.setdefault(n, []).extend(
                    Span(doc, low + ent.start, low + ent.end, label=ent.label)
                    for ent in piece.ents
                    if low + ent.start >= start and low + ent.end <= end
                )
            analysed = {id(doc) for doc in whole}
            for n, doc in enumerate(batch):
                if id(doc) not in analysed:
                    doc.set_ents(found.get(n, []), default="outside")
            yield from batch


def ner_runs(doc: Doc) -> list[tuple[int, int]] | None:
    """The token ranges of `doc` NER must see, by its `ner_sentences` and the tagger's tags; runs closer than twice
    NER_CONTEXT are joined (their context would be read twice). None: the Doc has no list (all of it)."""
    listed: list[NerSentence] | None = doc._.ner_sentences
    if listed is None:
        return None
    runs: list[tuple[int, int]] = []
    for sentence in listed:
        if not sentence.sure and not any(doc[i].tag_ in MAYBE_TAGS for i in sentence.maybe):
            continue
        if runs and sentence.start - runs[-1][1] <= 2 * NER_CONTEXT:
            runs[-1] = (runs[-1][0], sentence.end)
        else:
            runs.append((sentence.start, sentence.end))
    return runs


@Language.factory(
    "dyad_ner",
    default_config={"source": "spacy_ner"},
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
)
def make_dyad_ner(nlp: Language, name: str, source: str) -> NerWhereNeeded:
    ner = trained_pipe(nlp, "dyad_ner", source, EntityRecognizer, "ner")
    return NerWhereNeeded(ner)

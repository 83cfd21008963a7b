"""Core layer, rule engine: the one step from spaCy to plain data (a parsed Doc + actor spans -> analysed sentences)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TypeVar, cast

import numpy
from spacy.attrs import DEP, HEAD, IDX, LEMMA, ORTH, POS
from spacy.tokens import Doc, Span

from streams.core.actors import role_and_name
from streams.core.models import Role
from streams.core.rules.anaphora import analyse
from streams.core.rules.plain import Analysis, Mention, Sentence, Token
from streams.core.words import WORDS

ANAPHOR_WORDS = WORDS.plural_anaphors | WORDS.singular_anaphors | WORDS.person_anaphors


OFFICIAL_ROLES = frozenset({"GOV", "MIL", "DIP", "LEG", "JUD", "POL", "IGO"})
"""Roles of an official, whose presence makes a sentence political whatever its topic ('the prime minister
hosted his counterpart at the cricket semi-final')."""


def plain_doc(doc: Doc) -> list[Analysis]:
    """The actor spans and the parse of `doc` as plain, analysed sentences."""
    mentions = plain_mentions(doc)
    return analyse(plain_sentences(doc, mentions, doc._.discards or ()), mentions)


def plain_sentences(
    doc: Doc, mentions: Sequence[Mention], discards: Sequence[tuple[int, int, str]] = ()
) -> list[Sentence]:
    """The spaCy parse as plain tokens: the one place spaCy types turn into ours.

    Only sentences with an actor mention or an anaphor can hold a dyad, so only those are converted; and
    none that a discard phrase rules out (`discarded`)."""
    if not len(doc):
        return []
    covered = {i for m in mentions for i in range(m.start, m.end)}
    orths, lemmas, poses, deps = doc.to_array([ORTH, LEMMA, POS, DEP]).T.tolist()
    # HEAD is a relative offset that to_array stores as uint64: signed again after astype, then absolute
    places = doc.to_array([HEAD, IDX]).astype("int64")
    places[:, 0] += numpy.arange(len(doc), dtype="int64")
    heads, idxs = places.T.tolist()
    # each string once per Doc, looked up (in C) per token
    strings = doc.vocab.strings
    names: _Memo[str] = _Memo(lambda key: strings[key])
    lowered: _Memo[str] = _Memo(lambda key: names[key].lower())
    # whether a word, lower-cased, can refer back to an actor (ANAPHOR_WORDS), by its ORTH key
    anaphoric: _Memo[bool] = _Memo(lambda key: lowered[key] in ANAPHOR_WORDS)
    story = any(scope == "story" for _, _, scope in discards)
    text = doc.text  # a sentence's text is its characters' slice of it (Span.text joins its tokens' texts)
    sentences = []
    for sent in doc.sents:
        start, end = sent.start, sent.end
        if covered.isdisjoint(range(start, end)) and not any(map(anaphoric.__getitem__, orths[start:end])):
            continue
        named = story or any(start <= first < end for first, _, scope in discards)
        if named and discarded([m for m in mentions if start <= m.start < end]):
            continue
        columns = zip(
            range(start, end),
            map(names.__getitem__, orths[start:end]),
            map(lowered.__getitem__, lemmas[start:end]),
            map(names.__getitem__, poses[start:end]),
            map(names.__getitem__, deps[start:end]),
            heads[start:end],
            idxs[start:end],
            strict=True,
        )
        tokens = tuple(map(_token, columns))
        start_char, end_char = sent.start_char, sent.end_char
        sentences.append(Sentence(text[start_char:end_char], start_char, end_char, tokens))
    return sentences


_V = TypeVar("_V")

_token = partial(tuple.__new__, Token)
"""A Token from its seven fields in order, without NamedTuple's Python-level constructor (the same tuple)."""


class _Memo(dict[int, _V]):
    """A value per string key, computed once the first time it is asked for (strings, lowered, anaphoric)."""

    def __init__(self, compute: Callable[[int], _V]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: int) -> _V:
        found = self[key] = self.compute(key)
        return found


def discarded(mentions: Sequence[Mention]) -> bool:
    """Whether a sentence that names a discard phrase (sports, entertainment, history: "beat Australia by six
    wickets", "won the World Cup") codes no event: unless an official of an actor is in it."""
    return not any(m.role in OFFICIAL_ROLES and m.kind != "metonymy" for m in mentions)


def plain_mentions(doc: Doc) -> list[Mention]:
    """Actor mentions from the actor layer's `doc.spans["actors"]` (span._.actor, _.role, _.kind, _.name)."""
    spans: Iterable[Span] = doc.spans.get("actors", [])
    out = []
    for span in spans:
        # span._.actor is the span's kb_id and span._.kind its label; role and name are read once
        if span.kb_id_:
            role, name = role_and_name(span)
            out.append(
                Mention(span.start, span.end, span.kb_id_, cast(Role | None, role), span.label_ or "state", name)
            )
    return out

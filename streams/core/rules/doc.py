"""Core layer, rule engine: the one step from spaCy to plain data (a parsed Doc + actor spans -> analysed sentences)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TypeVar, cast

import numpy
from spacy.attrs import DEP, HEAD, IDX, LEMMA, ORTH, POS, SENT_START, SPACY
from spacy.tokens import Doc, Span

from streams.core.actors import role_and_name
from streams.core.dateline import dateline_state
from streams.core.models import Role
from streams.core.rules.anaphora import analyse
from streams.core.rules.plain import Analysis, Mention, Party, Sentence, Token
from streams.core.words import WORDS

ANAPHOR_WORDS = WORDS.plural_anaphors | WORDS.singular_anaphors | WORDS.person_anaphors


OFFICIAL_ROLES = frozenset({"GOV", "MIL", "DIP", "LEG", "JUD", "POL", "IGO"})
"""Roles of an official, whose presence makes a sentence political whatever its topic ('the prime minister
hosted his counterpart at the cricket semi-final')."""


def plain_doc(doc: Doc) -> list[Analysis]:
    """The actor spans and the parse of `doc` as plain, analysed sentences."""
    mentions = plain_mentions(doc)
    return analyse(plain_sentences(doc, mentions, doc._.discards or ()), mentions, dateline_party(doc.text))


def dateline_party(text: str) -> Party | None:
    """The state a story's dateline names by its capital ('KYIV, May 3 (Reuters) - '), as a party."""
    found = dateline_state(text)
    return Party(found[0], None, found[1]) if found else None


def plain_sentences(
    doc: Doc, mentions: Sequence[Mention], discards: Sequence[tuple[int, int, str]] = ()
) -> list[Sentence]:
    """The spaCy parse as plain tokens: the one place spaCy types turn into ours.

    Only sentences with an actor mention or an anaphor can hold a dyad, so only those are converted; and
    none that a discard phrase rules out (`discarded`)."""
    if not len(doc):
        return []
    covered = {i for m in mentions for i in range(m.start, m.end)}
    orths, lemmas, poses, deps, spaces = doc.to_array([ORTH, LEMMA, POS, DEP, SPACY]).T.tolist()
    # HEAD is a relative offset that to_array stores as uint64: signed again after astype, then absolute
    places = doc.to_array([HEAD, IDX, SENT_START]).astype("int64")
    places[:, 0] += numpy.arange(len(doc), dtype="int64")
    heads, idxs = places[:, :2].T.tolist()
    # each string once per Doc, looked up (in C) per token
    strings = doc.vocab.strings
    names: _Memo[str] = _Memo(lambda key: strings[key])
    lowered: _Memo[str] = _Memo(lambda key: names[key].lower())
    # whether a word, lower-cased, can refer back to an actor (ANAPHOR_WORDS), by its ORTH key
    anaphoric: _Memo[bool] = _Memo(lambda key: lowered[key] in ANAPHOR_WORDS)
    story = any(scope == "story" for _, _, scope in discards)
    sentences = []
    for start, end in _bounds(doc, places[:, 2]):
        if covered.isdisjoint(range(start, end)) and not any(map(anaphoric.__getitem__, orths[start:end])):
            continue
        named = story or any(start <= first < end for first, _, scope in discards)
        if named and discarded([m for m in mentions if start <= m.start < end]):
            continue
        words = list(map(names.__getitem__, orths[start:end]))
        columns = zip(
            range(start, end),
            words,
            map(lowered.__getitem__, lemmas[start:end]),
            map(names.__getitem__, poses[start:end]),
            map(names.__getitem__, deps[start:end]),
            heads[start:end],
            idxs[start:end],
            strict=True,
        )
        tokens = tuple(map(_token, columns))
        # a sentence's characters, as Span.start_char and Span.end_char count them, and its text as Span.text joins
        # it (each word with its space, the last without; Doc.text would build a spaCy Token per word of the Doc)
        start_char, end_char = idxs[start], idxs[end - 1] + len(words[-1])
        text = "".join(map(str.__add__, words[:-1], map(_SPACES.__getitem__, spaces[start : end - 1]))) + words[-1]
        sentences.append(Sentence(text, start_char, end_char, tokens))
    return sentences


def _bounds(doc: Doc, starts: numpy.ndarray) -> list[tuple[int, int]]:
    """The (start, end) token bounds of `doc.sents`, read from the SENT_START column (`starts`) without building
    a Token per word (Doc.sents and its annotation check do); `doc.sents` itself when a hook makes the sentences or
    none are set (its error)."""
    if "sents" in doc.user_hooks or (len(starts) > 1 and not starts[1:].any()):
        return [(sent.start, sent.end) for sent in doc.sents]
    firsts = [0, *(numpy.flatnonzero(starts[1:] == 1) + 1).tolist()]
    return list(zip(firsts, [*firsts[1:], len(starts)], strict=True))


_SPACES = ("", " ")
"""A token's trailing whitespace by its SPACY flag."""

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


_RoleOrNone = Role | None
"""The type of a mention's role, made once (`Role | None` in a cast builds and hashes a Union per call)."""


def plain_mentions(doc: Doc) -> list[Mention]:
    """Actor mentions from the actor layer's `doc.spans["actors"]` (span._.actor, _.role, _.kind, _.name)."""
    spans: Iterable[Span] = doc.spans.get("actors", [])
    out = []
    for span in spans:
        # span._.actor is the span's kb_id and span._.kind its label; role and name are read once
        if span.kb_id_:
            role, name = role_and_name(span)
            out.append(
                Mention(span.start, span.end, span.kb_id_, cast(_RoleOrNone, role), span.label_ or "state", name)
            )
    return out

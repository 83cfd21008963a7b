"""Core layer, rule engine: the one step from spaCy to plain data (a parsed Doc + actor spans -> analysed sentences)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

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
    covered = {i for m in mentions for i in range(m.start, m.end)}
    rows = doc.to_array([ORTH, LEMMA, POS, DEP]).tolist()
    # HEAD is a relative offset that to_array stores as uint64: signed again after astype
    places = doc.to_array([HEAD, IDX]).astype("int64").tolist()
    strings = doc.vocab.strings
    names: dict[int, str] = {}

    def name(key: int) -> str:
        found = names.get(key)
        if found is None:
            found = names[key] = strings[key]
        return found

    story = any(scope == "story" for _, _, scope in discards)
    sentences = []
    for sent in doc.sents:
        span = range(sent.start, sent.end)
        if not any(i in covered or name(rows[i][0]).lower() in ANAPHOR_WORDS for i in span):
            continue
        named = story or any(sent.start <= start < sent.end for start, _, scope in discards)
        if named and discarded([m for m in mentions if sent.start <= m.start < sent.end]):
            continue
        tokens = tuple(
            Token(i, name(r[0]), name(r[1]).lower(), name(r[2]), name(r[3]), i + p[0], p[1])
            for i, r, p in zip(span, rows[sent.start : sent.end], places[sent.start : sent.end], strict=True)
        )
        sentences.append(Sentence(sent.text, sent.start_char, sent.end_char, tokens))
    return sentences


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

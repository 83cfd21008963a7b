"""Core layer, rule engine: the plain parse (tokens, sentences, actor mentions, parties) every rule reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from streams.core.models import Role


class Token(NamedTuple):
    """One parsed token; `i` and `head` are indices in the document, `idx` a character offset."""

    i: int
    text: str
    lemma: str
    pos: str
    dep: str
    head: int
    idx: int


@dataclass(frozen=True, slots=True)
class Mention:
    """An actor mention over tokens [start, end) of the document."""

    start: int
    end: int
    actor: str
    role: Role | None = None
    kind: str = "state"
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start_char: int
    end_char: int
    tokens: tuple[Token, ...]


@dataclass(frozen=True, slots=True)
class Party:
    actor: str
    role: Role | None
    text: str
    resolved: bool = False
    """True when the party came from a pronoun or a borrowed clause subject, not a direct mention."""
    place: bool = False
    """True for a state named only as the place of the act ('air strikes in Syria'): a target coders infer."""
    inferred: bool = False
    """True for a party found by the verb-phrase fallback (`arguments.phrase_parties`), not by the cue's frame."""


COARSE_POS = {"VERB": "verb", "AUX": "verb", "NOUN": "noun", "PROPN": "noun", "ADJ": "adj", "ADP": "adj"}


def coarse_pos(pos: str) -> str:
    return COARSE_POS.get(pos, "")


PREP_DEPS = frozenset({"prep", "agent", "dative"})
"""Arcs of a word that an object of a preposition hangs from ('in Syria', 'by Iran', 'to Kyiv' as a dative)."""


@dataclass
class Analysis:
    """A sentence with its children index, mentions and resolved anaphors: built once, read by every rule."""

    sentence: Sentence
    mentions: dict[int, tuple[Mention, ...]]
    """Token index -> the mentions over it (a group such as 'both countries' is one mention per member)."""
    anaphors: dict[int, tuple[Party, ...]] = field(default_factory=dict)
    by_i: dict[int, Token] = field(default_factory=dict)
    children: dict[int, list[Token]] = field(default_factory=dict)
    by_dep: dict[tuple[int, str], list[Token]] = field(default_factory=dict)
    mentioned: list[Token] = field(default_factory=list)
    """The sentence's tokens that a mention is over, in order (the only ones whose `mentions` a rule reads)."""
    texts: dict[tuple[int, int, str], str] = field(default_factory=dict)
    """`mention_text` by the mention's (start, end, actor), as it is first asked for."""
    preps: dict[int, list[Token]] = field(default_factory=dict)
    """Token index -> its children that a preposition's object hangs from (`PREP_DEPS`), in order (`pobjs`)."""
    parties: dict[tuple[int, int], tuple[Party, ...]] | None = None
    """`arguments.actors_at` by (token, depth), once the sentence's anaphors are resolved (`anaphora.analyse` sets
    it; None before: resolving writes the anaphors actors_at reads)."""

    def __post_init__(self) -> None:
        by_i, children, by_dep, preps = self.by_i, self.children, self.by_dep, self.preps
        mentions, mentioned = self.mentions, self.mentioned
        for tok in self.sentence.tokens:
            i, head = tok.i, tok.head
            by_i[i] = tok
            if i in mentions:
                mentioned.append(tok)
            children.setdefault(i, [])
            if head != i:
                dep = tok.dep
                children.setdefault(head, []).append(tok)
                by_dep.setdefault((head, dep), []).append(tok)
                if dep in PREP_DEPS:
                    preps.setdefault(head, []).append(tok)

    def head(self, tok: Token) -> Token | None:
        return None if tok.head == tok.i else self.by_i.get(tok.head)

    def kids(self, tok: Token, *deps: str) -> list[Token]:
        # always a new list: callers may extend it
        if len(deps) == 1:
            # the common case, read from the index
            found = self.by_dep.get((tok.i, deps[0]))
            return found.copy() if found else []
        children = self.children.get(tok.i)
        if not children:
            return []
        if not deps:
            return children.copy()
        return [c for c in children if c.dep in deps]

    def pobjs(self, tok: Token, preps: Iterable[str]) -> list[Token]:
        """Objects of the prepositions `preps` hanging from tok ('such as' counts as 'as')."""
        heads = self.preps.get(tok.i)
        if not heads:
            return []
        wanted = set(preps)
        by_dep = self.by_dep
        return [o for p in heads if p.lemma in wanted for o in by_dep.get((p.i, "pobj"), ())]

    def text_of(self, first: Token, last: Token) -> str:
        start = first.idx - self.sentence.start_char
        end = last.idx + len(last.text) - self.sentence.start_char
        return self.sentence.text[start:end]

    def subtree(self, tok: Token) -> list[Token]:
        out = [tok]
        for child in self.kids(tok):
            out.extend(self.subtree(child))
        return out

    def phrase(self, tok: Token) -> str:
        nodes = [t for t in self.subtree(tok) if t.dep != "punct"]
        return self.text_of(min(nodes, key=lambda t: t.i), max(nodes, key=lambda t: t.i))


def party_of(mention: Mention, text: str, resolved: bool = False) -> Party:
    return Party(mention.actor, mention.role, mention.name or text, resolved)


def mention_text(an: Analysis, mention: Mention) -> str:
    """The text of a mention's tokens in the sentence, first to last; its actor code if none is there."""
    key = (mention.start, mention.end, mention.actor)
    found = an.texts.get(key)
    if found is None:
        found = an.texts[key] = _mention_text(an, mention)
    return found


def _mention_text(an: Analysis, mention: Mention) -> str:
    by_i = an.by_i
    span = range(mention.start, mention.end)
    first = next((by_i[i] for i in span if i in by_i), None)
    if first is None:
        return mention.actor
    last = next(by_i[i] for i in reversed(span) if i in by_i)
    return an.text_of(first, last)

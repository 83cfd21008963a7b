"""Core layer: actor recognition in spaCy (dictionary rulers plus the `dyad_actors` resolver component).

Four components, added after `ner` by `streams.core.pipeline.build_nlp`, over the actor dictionary of
`streams.core.actor_dictionary` (loaded once per process):

- `dyad_actor_names`: a spaCy `SpanRuler` (PhraseMatcher on ORTH) over our names: state names,
  abbreviations, demonyms, capitals, IGOs, named institutions, media and people, the leader terms' people,
  and place names that must *not* become actors ("South China Sea").
- `dyad_actor_roles`: a `SpanRuler` (PhraseMatcher on LOWER) over role nouns and titles ("defense minister",
  "foreign ministry", "diplomats") and pair phrases ("both countries", "the two militaries").
- `dyad_actor_field`: a PhraseMatcher on LOWER over PETRARCH's names and agent nouns, whose patterns are
  token lists (no Doc per phrase); a name counts only where the text writes it as a name ("Rice" is
  Condoleezza Rice, "rice" is not), and a one-word synonym that is an English word is left out. It also
  finds PETRARCH's discard phrases ("world cup", "cricket") and sets `doc._.discards`.
- `dyad_actors`: joins "Iran's" + "foreign ministry", "Chinese" + "Defense Minister" + "Wei Fenghe", resolves
  later short mentions of people ("Wei"), "both countries" to the pair last named, and drops names inside
  longer proper names ("South China Morning Post", "Beijing's Renmin University"), but not a state's name or
  demonym opening the name of an agency ("the Philippine National Bureau of Investigation").

A person's role holds between its dates (`institutions.jsonl` rows may carry `start` and `end`): on the article's
day (`doc._.as_of`, set by the Extractor; today when unset) "Barack Obama" is USA GOV from 2009-01-20 and no
actor from 2017-01-20. A title with a nationality says the role itself ("Russian President Dmitry Medvedev"). A
title or name after "former", "ex-" or "the late" (words.toml `former_marks`) gives no actor at all.

Output: `doc.spans["actors"]`, in order. Spans do not overlap, except that a pair phrase ("both countries")
yields one span per member over the same tokens. Each span has read-only extensions `span._.actor`
(ISO 3166-1 alpha-3 or IGO code, or None for e.g. private media), `span._.role` (a `models.Role` or None),
`span._.name` (canonical person/institution name) and `span._.kind` ("state", "igo", "person",
"institution", "media", "metonymy", "group"). `token._.actor_spans` / `actor_spans_for_token(doc, i)` give
the actor spans a token belongs to, so a rule holding any token of "the United States" (its parse head or
not) finds the same span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import SpanRuler
from spacy.strings import get_string_id
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

import streams.core.extensions  # noqa: F401  (registers doc._.as_of)
from streams.core.actor_dictionary import (
    BLOCK,
    NAME,
    ROLE,
    Discard,
    FieldPattern,
    Lexeme,
    load_actor_dictionary,
)
from streams.core.datafile import DATA_DIR
from streams.core.models import Role
from streams.core.words import WORDS

ACTORS_KEY = "actors"
DISCARD = "DISCARD"
"""The matcher label of PETRARCH's discard phrases."""
CANDIDATES_KEY = "actor_candidates"
_ATTRS_PREFIX = "dyadwatch.actor"


# Names that can be followed by a role noun: "Iran's foreign ministry", "Chinese diplomats", "UN officials".
_PREFIX_KINDS = frozenset({"state", "metonymy", "igo", "city"})
# Names that are an actor only as such a prefix: "an Istanbul prosecutor" is Turkish, "Istanbul" alone no one.
_PREFIX_ONLY_KINDS = frozenset({"city"})
# spaCy entity types that, when longer than a dictionary name inside them, make that name part of another
# proper name: "the South China Morning Post" (ORG), "Michael Jordan" (PERSON).
_CONTAINER_LABELS = frozenset({"ORG", "FAC", "LOC", "PERSON", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"})
_MAX_NAME_TOKENS = 4


@dataclass(frozen=True, slots=True)
class ActorMention:
    """One resolved mention, before it becomes a spaCy span."""

    start: int
    end: int
    kind: str
    actor: str | None
    role: Role | None
    name: str | None = None


def _data_dir(value: str | None) -> Path:
    return Path(value) if value else DATA_DIR


def _ruler(nlp: Language, name: str, attr: str, patterns: list[dict[str, str]]) -> SpanRuler:
    ruler = SpanRuler(nlp, name, spans_key=CANDIDATES_KEY, phrase_matcher_attr=attr, scorer=None)
    # Phrase patterns only need the tokenizer; without this, SpanRuler runs the whole pipeline over them.
    with nlp.select_pipes(disable=nlp.pipe_names):
        ruler.add_patterns(patterns)  # type: ignore[arg-type]
    return ruler


@Language.factory("dyad_actor_names", assigns=["doc.spans"], default_config={"data_dir": None})
def make_actor_names(nlp: Language, name: str, data_dir: str | None) -> SpanRuler:
    return _ruler(nlp, name, "ORTH", load_actor_dictionary(_data_dir(data_dir)).name_patterns)


@Language.factory("dyad_actor_roles", assigns=["doc.spans"], default_config={"data_dir": None})
def make_actor_roles(nlp: Language, name: str, data_dir: str | None) -> SpanRuler:
    return _ruler(nlp, name, "LOWER", load_actor_dictionary(_data_dir(data_dir)).role_patterns)


# Words a PETRARCH agent phrase may end with that belong to the phrase after it ('ambassador to', 'embassy in').
_TRAILING_PREPOSITIONS = frozenset({"to", "in", "at", "for", "of", "on", "from", "with"})

# A phrase of these characters is its words split on spaces, as the tokenizer would split it.
_PLAIN_PHRASE = re.compile(r"[a-z0-9 ]+")


class FieldNames:
    """The `dyad_actor_field` component: PETRARCH's lower-case names and agent nouns, matched on LOWER, added
    to the rulers' candidates, and its discard phrases, set in `doc._.discards` as (start, end, scope). One
    PhraseMatcher key per label; the matched words give the lexeme id (or the discard's scope)."""

    def __init__(self, nlp: Language, patterns: list[FieldPattern], discards: list[Discard]) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.ids: dict[tuple[int, ...], str] = {}
        common = _english_words(nlp)
        phrases = [p.phrase for p in patterns] + [d.phrase for d in discards]
        odd = [phrase for phrase in phrases if not _PLAIN_PHRASE.fullmatch(phrase)]
        docs = cast(Tokenizer, nlp.tokenizer).pipe(odd)
        tokenized = {phrase: [t.lower_ for t in doc] for phrase, doc in zip(odd, docs, strict=True)}
        # one int per word and one tuple per phrase, shared by the matcher and the id tables (memory)
        hashes: dict[str, int] = {}

        def key_of(phrase: str) -> tuple[int, ...]:
            words = tokenized.get(phrase) or phrase.split()
            return tuple(hashes.setdefault(word, get_string_id(word)) for word in words)

        keys: dict[str, list[tuple[int, ...]]] = {}
        self.scopes: dict[tuple[int, ...], str] = {}
        for discard in discards:
            key = key_of(discard.phrase)
            if key not in self.scopes:
                self.scopes[key] = discard.scope
                keys.setdefault(DISCARD, []).append(key)
        for pattern in patterns:
            key = key_of(pattern.phrase)
            if pattern.synonym and len(key) == 1 and pattern.phrase in common:
                # 'senate' for the US Congress, 'youth' for a Basque group: a word, not a name
                continue
            if len(key) > 1 and pattern.phrase.rsplit(" ", 1)[-1] in _TRAILING_PREPOSITIONS:
                # 'ambassador to', 'embassy in': the preposition begins the phrase that says to whom or where
                continue
            if key not in self.ids:
                self.ids[key] = pattern.id
                keys.setdefault(pattern.label, []).append(key)
        for label, tuples in keys.items():
            self.matcher.add(label, tuples)  # type: ignore[arg-type]

    def __call__(self, doc: Doc) -> Doc:
        found = []
        discards = []
        strings = doc.vocab.strings
        for match_id, start, end in self.matcher(doc):
            label = strings[match_id]
            key = tuple(t.lower for t in doc[start:end])
            if label == DISCARD:
                discards.append((start, end, self.scopes[key]))
                continue
            span = Span(doc, start, end, label=label, span_id=self.ids[key])
            if label != NAME or _written_as_a_name(span):
                found.append(span)
        if found:
            doc.spans[CANDIDATES_KEY] = [*doc.spans.get(CANDIDATES_KEY, ()), *found]
        doc._.discards = tuple(discards)
        return doc


def _english_words(nlp: Language) -> frozenset[str]:
    """The base forms the pipeline's English lemmatizer knows (its `lemma_index`), if it has one."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    return frozenset(word for words in lookups.get_table("lemma_index").values() for word in words)


def _written_as_a_name(span: Span) -> bool:
    """'Rice', 'RICE', 'al-Maliki': the last word is capitalised ('rice exports' names no one)."""
    words = [token for token in span if token.is_alpha]
    return bool(words) and (words[-1].is_title or words[-1].is_upper)


@Language.factory("dyad_actor_field", assigns=["doc.spans", "doc._.discards"], default_config={"data_dir": None})
def make_actor_field(nlp: Language, name: str, data_dir: str | None) -> FieldNames:
    dictionary = load_actor_dictionary(_data_dir(data_dir))
    return FieldNames(nlp, dictionary.field_patterns, dictionary.discards)


def role_and_name(span: Span) -> list[str | None]:
    """`span._.role` and `span._.name` in one look-up: [role, name]."""
    # Stored like spaCy's own extension values (plain data in doc.user_data), so docs still serialise.
    user_data = cast(dict[Any, list[str | None]], span.doc.user_data)
    return user_data.get((_ATTRS_PREFIX, span.start, span.end, span.kb_id_), [None, None])


def actor_spans_for_token(doc: Doc, token_i: int) -> list[Span]:
    """The actor spans covering token `token_i`: none, one, or one per member of a pair phrase."""
    return [span for span in doc.spans.get(ACTORS_KEY, ()) if span.start <= token_i < span.end]


def _register_extensions() -> None:
    # Getters, not stored values: spaCy keys stored span values by character offsets, which the members
    # of a pair phrase share.
    getters: dict[str, Any] = {
        "actor": lambda span: span.kb_id_ or None,
        "kind": lambda span: span.label_,
        "role": lambda span: role_and_name(span)[0],
        "name": lambda span: role_and_name(span)[1],
    }
    for attr, getter in getters.items():
        Span.set_extension(attr, getter=getter, force=True)
    Token.set_extension("actor_spans", getter=lambda tok: actor_spans_for_token(tok.doc, tok.i), force=True)


_register_extensions()


class _People:
    """People met so far in a document, by full name and by each part of a two-or-more-part name."""

    def __init__(self) -> None:
        self._by_key: dict[str, ActorMention | None] = {}

    def add(self, mention: ActorMention) -> None:
        if mention.kind != "person" or mention.name is None:
            return
        parts = mention.name.split()
        keys = {mention.name} | (set(parts) if len(parts) > 1 else set())
        for key in keys:
            known = self._by_key.get(key)
            # A part shared by two different people ("Mohammad") resolves to neither.
            self._by_key[key] = mention if key not in self._by_key or (known and known.name == mention.name) else None

    def get(self, text: str) -> ActorMention | None:
        return self._by_key.get(text)

    def __bool__(self) -> bool:
        return bool(self._by_key)


class ActorResolver:
    """The `dyad_actors` component: turns ruler candidates into `doc.spans["actors"]`."""

    def __init__(
        self,
        lexemes: dict[str, Lexeme],
        name_patterns: list[dict[str, str]] | None = None,
        role_patterns: list[dict[str, str]] | None = None,
    ) -> None:
        self.lexemes = lexemes
        self._role_phrases = frozenset(p["pattern"].lower() for p in role_patterns or ())
        """Our role nouns and titles, lower case: a name that is one ('Congress') is an office any state has."""
        self._by_surname = _people_by_surname(lexemes, name_patterns or [])
        """Our people's names of two words or more by last word: (first word, lexeme id)."""
        self._named: dict[int, Span] = {}
        """The current document's dictionary people by first token, for 'President' + 'Xi Jinping'."""
        self._day = date.min
        """The current document's day, which picks the role each name holds."""

    def __call__(self, doc: Doc) -> Doc:
        self._day = doc._.as_of or datetime.now(UTC).date()
        candidates = list(doc.spans.get(CANDIDATES_KEY, ()))
        if CANDIDATES_KEY in doc.spans:
            del doc.spans[CANDIDATES_KEY]
        covered = {i for span in candidates if span.label_ != BLOCK for i in range(span.start, span.end)}
        units = [
            u for u in filter_spans(candidates) if u.label_ != BLOCK and not self._inside_other_name(doc, u, covered)
        ]
        mentions = self._resolve(doc, units)
        spans = []
        for m in mentions:
            span = Span(doc, m.start, m.end, label=m.kind, kb_id=m.actor or "")
            cast(dict[Any, Any], doc.user_data)[(_ATTRS_PREFIX, m.start, m.end, span.kb_id_)] = [
                m.role,
                m.name,
            ]
            spans.append(span)
        doc.spans[ACTORS_KEY] = spans
        return doc

    def _inside_other_name(self, doc: Doc, unit: Span, covered: set[int]) -> bool:
        """True for 'China' in 'South China Sea' and 'Beijing' in "Beijing's Renmin University"."""
        if unit.label_ != NAME:
            return False
        first = doc[unit.start]
        if first.ent_type_ in _CONTAINER_LABELS:
            ent_start = unit.start
            while ent_start > 0 and doc[ent_start].ent_iob_ == "I":
                ent_start -= 1
            ent_end = unit.start + 1
            while ent_end < len(doc) and doc[ent_end].ent_iob_ == "I":
                ent_end += 1
            if ent_end - ent_start > len(unit) and any(
                doc[i].pos_ == "PROPN" and i not in covered for i in range(ent_start, ent_end)
            ):
                return not self._opens_state_agency(doc, unit, ent_start, ent_end)
        if self.lexemes[unit.id_].kind == "metonymy" and unit.end + 1 < len(doc):
            after = doc[unit.end + 1]
            return (
                doc[unit.end].text in WORDS.possessive_marks
                and after.ent_type_ in {"ORG", "FAC"}
                and after.ent_iob_ == "B"
                and unit.end + 1 not in covered
            )
        return False

    def _opens_state_agency(self, doc: Doc, unit: Span, ent_start: int, ent_end: int) -> bool:
        """'The Philippine National Bureau of Investigation', 'the Polish Internal Security Agency': a state's name or
        demonym opening a proper name whose head is an agency noun (words.toml `agency_heads`) is the agency's
        owner, not a word of another name ('South China Morning Post', 'Russian Direct Investment Fund')."""
        first = ent_start + 1 if doc[ent_start].lower_ == "the" else ent_start
        return (
            unit.start == first
            and self.lexemes[unit.id_].kind == "state"
            and doc[ent_start:ent_end].root.lemma_.lower() in WORDS.agency_heads
        )

    def _resolve(self, doc: Doc, units: list[Span]) -> list[ActorMention]:
        out: list[ActorMention] = []
        people = _People()
        last_pair: tuple[str, str] | None = None
        taken = {i for u in units for i in range(u.start, u.end)}
        self._named = {u.start: u for u in units if u.label_ == NAME and self.lexemes[u.id_].kind == "person"}
        consumed = 0
        i = 0
        while i < len(units):
            unit = units[i]
            if unit.start < consumed:
                # a known person's name already taken into 'Chinese President Xi Jinping'
                i += 1
                continue
            lex = self.lexemes[unit.id_]
            term = lex.on(self._day)
            nxt = units[i + 1] if i + 1 < len(units) else None
            mention: ActorMention | None = None
            if unit.label_ == NAME:
                mention = ActorMention(unit.start, unit.end, lex.kind, term.actor, term.role, lex.name)
                if nxt is not None and lex.kind in _PREFIX_KINDS and _joined(doc, unit.end, nxt.start):
                    joined = self._join(doc, mention, nxt, taken)
                    if joined is not None:
                        mention = joined
                        i += 1
                if lex.kind in _PREFIX_ONLY_KINDS and mention.kind in _PREFIX_ONLY_KINDS:
                    mention = None
            elif unit.label_ == ROLE:
                mention = self._unprefixed_role(doc, unit, lex, nxt, taken, people)
                if mention is not None and nxt is not None and mention.end == nxt.end:
                    i += 1
            else:
                members = last_pair or _last_two(doc, out)
                if members:
                    out.extend(ActorMention(unit.start, unit.end, "group", code, term.role) for code in members)
            if mention is not None:
                mention = _unheld_if_former(doc, mention)
                # 'Hosni Mubarak ... Mubarak said': a later part of the name is the same person
                people.add(mention)
                prev = out[-1] if out else None
                if (
                    prev
                    and prev.actor
                    and mention.actor
                    and prev.actor != mention.actor
                    and _coordinated(doc, prev, mention)
                ):
                    last_pair = (prev.actor, mention.actor)
                out.append(mention)
                consumed = max(consumed, mention.end)
            i += 1
        named = self._appositive_titles(doc, self._variant_names(doc, out, people), people)
        return self._later_mentions(doc, named, people)

    def _appositive_titles(self, doc: Doc, mentions: list[ActorMention], people: _People) -> list[ActorMention]:
        """'Toomas Kask, Estonia's foreign minister, said': a PERSON entity no name matched, set beside a title
        that says whose it is, holds that title's state and role (and so does a later 'Kask')."""
        covered = {i for m in mentions for i in range(m.start, m.end)}
        by_start = {m.start: m for m in mentions if m.kind == "person" and m.actor is not None}
        found: list[ActorMention] = []
        for ent in doc.ents:
            if ent.label_ != "PERSON" or any(i in covered for i in range(ent.start, ent.end)):
                continue
            title = by_start.get(ent.end + 1) or by_start.get(ent.end + 2)
            between = doc[ent.end : title.start] if title is not None else None
            if (
                title is None
                or between is None
                or between[0].text != ","
                or not all(t.text == "," or t.lower_ == "the" for t in between)
            ):
                continue
            mention = ActorMention(ent.start, ent.end, "person", title.actor, title.role, ent.text)
            people.add(mention)
            found.append(mention)
        return sorted(mentions + found, key=lambda m: (m.start, m.end)) if found else mentions

    def _variant_names(self, doc: Doc, mentions: list[ActorMention], people: _People) -> list[ActorMention]:
        """'Lloyd J. Austin', 'Dmitri Peskov', 'Sergey Shoigu': a PERSON entity no name matched, whose last word is
        the last word of one of our people's names and whose first word is that name's first word, or spelt the
        same in its first four letters, is that person (when only one person fits)."""
        covered = {i for m in mentions for i in range(m.start, m.end)}
        found: list[ActorMention] = []
        for ent in doc.ents:
            if ent.label_ != "PERSON" or len(ent) < 2 or any(i in covered for i in range(ent.start, ent.end)):
                continue
            first, last = ent[0].text, ent[-1].text
            fits = {
                key
                for given, key in self._by_surname.get(last, ())
                if given == first or (len(first) >= 4 and given[:4] == first[:4])
            }
            if len(fits) != 1:
                continue
            lex = self.lexemes[fits.pop()]
            term = lex.on(self._day)
            named = ActorMention(ent.start, ent.end, "person", term.actor, term.role, lex.name)
            mention = _unheld_if_former(doc, named)
            people.add(mention)
            found.append(mention)
        return sorted(mentions + found, key=lambda m: (m.start, m.end)) if found else mentions

    def _join(self, doc: Doc, prefix: ActorMention, unit: Span, taken: set[int]) -> ActorMention | None:
        """Iran's + foreign ministry; Chinese + Defense Minister + Wei Fenghe; Iranian + IRGC."""
        lex = self.lexemes[unit.id_]
        term = lex.on(self._day)
        if unit.label_ == NAME:
            if lex.kind == "person" and prefix.kind == "state":
                # 'U.S. Secretary of State Hillary Clinton': the text says whose she is
                role = term.role if term.actor == prefix.actor else None
                return ActorMention(prefix.start, unit.end, "person", prefix.actor, role, lex.name)
            if term.actor == prefix.actor:
                return ActorMention(prefix.start, unit.end, lex.kind, term.actor, term.role, lex.name)
            if prefix.kind in ("state", "metonymy") and unit.text.lower() in self._role_phrases:
                # "Peru's Congress", 'the German Foreign Office', "Russia's Security Council": a name another
                # actor's office goes by is, after a state, that state's own office of the kind
                role = "GOV" if term.role == "IGO" else term.role
                return ActorMention(prefix.start, unit.end, "institution", prefix.actor, role)
            return None
        if unit.label_ != ROLE:
            return None
        role = "IGO" if prefix.kind == "igo" else term.role
        kind = "state" if lex.kind == "state" else lex.kind
        if kind == "state":
            return ActorMention(prefix.start, unit.end, kind, prefix.actor, None, prefix.name)
        if kind != "person":
            return ActorMention(prefix.start, unit.end, kind, prefix.actor, role, None)
        known = self._named.get(unit.end)
        if known is not None:
            return ActorMention(prefix.start, known.end, "person", prefix.actor, role, self.lexemes[known.id_].name)
        name_end = _person_name_end(doc, unit.end, taken)
        end = name_end or unit.end
        name = doc[unit.end : name_end].text if name_end else None
        return ActorMention(prefix.start, end, "person", prefix.actor, role, name)

    def _unprefixed_role(
        self, doc: Doc, unit: Span, lex: Lexeme, nxt: Span | None, taken: set[int], people: _People
    ) -> ActorMention | None:
        """'the foreign ministry of Iran' or 'President Ebrahim Raisi'; a bare 'the military' names no one."""
        if (
            nxt is not None
            and nxt.label_ == NAME
            and nxt.start == unit.end + 1
            and doc[unit.end].lower_ == "of"
            and self.lexemes[nxt.id_].kind in _PREFIX_KINDS
        ):
            owner = self.lexemes[nxt.id_]
            role = "IGO" if owner.kind == "igo" else lex.on(self._day).role
            kind = "state" if lex.kind == "state" else lex.kind
            actor = owner.on(self._day).actor
            return ActorMention(unit.start, nxt.end, kind, actor, None if kind == "state" else role)
        if lex.kind != "person":
            return None
        named = self._named.get(unit.end)
        if named is not None:
            person_lex = self.lexemes[named.id_]
            # the title gives the role ('President'); the name's term on the day gives the state
            held = person_lex.on(self._day)
            role = lex.on(self._day).role if held.actor else None
            return ActorMention(unit.start, named.end, "person", held.actor, role, person_lex.name)
        name_end = _person_name_end(doc, unit.end, taken)
        if name_end is None:
            return None
        name = doc[unit.end : name_end].text
        known = people.get(name)
        if known is not None:
            return ActorMention(unit.start, name_end, "person", known.actor, known.role, known.name)
        role = lex.on(self._day).role
        if (
            nxt is not None
            and nxt.start == name_end + 1
            and doc[name_end].lower_ == "of"
            and nxt.label_ == NAME
            and self.lexemes[nxt.id_].kind == "state"
        ):
            # 'Foreign Minister Adam Nowak of Poland': the state named after the name
            return ActorMention(unit.start, nxt.end, "person", self.lexemes[nxt.id_].on(self._day).actor, role, name)
        return ActorMention(unit.start, name_end, "person", None, role, name)

    def _later_mentions(self, doc: Doc, mentions: list[ActorMention], people: _People) -> list[ActorMention]:
        """'Wei said': a bare name met before with a title resolves to that person."""
        if not people:
            return mentions
        covered = {i for m in mentions for i in range(m.start, m.end)}
        found: list[ActorMention] = []
        for ent in doc.ents:
            if ent.label_ != "PERSON" or any(i in covered for i in range(ent.start, ent.end)):
                continue
            known = people.get(ent.text) or next(
                (p for t in reversed(ent) if (p := people.get(t.text)) is not None), None
            )
            if known is not None and known.end <= ent.start:
                found.append(ActorMention(ent.start, ent.end, "person", known.actor, known.role, known.name))
                covered.update(range(ent.start, ent.end))
        for token in doc:
            if token.pos_ == "PROPN" and token.i not in covered:
                known = people.get(token.text)
                if known is not None and known.end <= token.i:
                    found.append(ActorMention(token.i, token.i + 1, "person", known.actor, known.role, known.name))
        return sorted(mentions + found, key=lambda m: (m.start, m.end)) if found else mentions


def _people_by_surname(lexemes: dict[str, Lexeme], patterns: list[dict[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Our people's names of two words or more, by last word: (first word, lexeme id)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for pattern in patterns:
        words = pattern["pattern"].split()
        if len(words) >= 2 and lexemes[pattern["id"]].kind == "person":
            out.setdefault(words[-1], []).append((words[0], pattern["id"]))
    return out


def _joined(doc: Doc, left_end: int, right_start: int) -> bool:
    """Only a possessive and up to two adjectives may stand between a state and its role noun."""
    gap = doc[left_end:right_start]
    tokens = list(gap)
    if tokens and tokens[0].text in WORDS.possessive_marks:
        tokens = tokens[1:]
    return len(tokens) <= 2 and all(t.pos_ == "ADJ" or t.text == "-" for t in tokens)


def _person_name_end(doc: Doc, start: int, taken: set[int]) -> int | None:
    """End of the person name right after a title: spaCy's PERSON entity, else a run of capitalised PROPNs."""
    if start >= len(doc) or start in taken or not doc[start].text[:1].isupper():
        # 'declared the Mexican president persona non grata': a name is written with a capital
        return None
    first = doc[start]
    end = start
    if first.ent_type_ == "PERSON" and first.ent_iob_ == "B":
        end = start + 1
        while end < len(doc) and doc[end].ent_iob_ == "I" and end not in taken:
            end += 1
        return end
    while (
        end < len(doc)
        and end - start < _MAX_NAME_TOKENS
        and end not in taken
        and doc[end].pos_ == "PROPN"
        and doc[end].is_title
    ):
        end += 1
    return end if end > start else None


def _unheld_if_former(doc: Doc, mention: ActorMention) -> ActorMention:
    """'former Prime Minister Tony Blair', "Britain's former prime minister", 'ex-President X', 'the late X':
    a person or group whose office is past speaks for no actor (the name stays)."""
    if mention.kind not in ("person", "group") or (mention.actor is None and mention.role is None):
        return mention
    before = mention.start - 1
    while before >= 0 and doc[before].text == "-":
        before -= 1
    first = max(before, 0)
    if any(token.lower_ in WORDS.former_marks for token in doc[first : mention.end]):
        return ActorMention(mention.start, mention.end, mention.kind, None, None, mention.name)
    return mention


def _coordinated(doc: Doc, left: ActorMention, right: ActorMention) -> bool:
    """'China and Iran', 'China-Iran', 'both Iran and China'."""
    between = doc[left.end : right.start]
    return len(between) == 1 and between[0].lower_ in WORDS.coordinators


_PLACE_PREPOSITIONS = frozenset({"in", "at"})


def _last_two(doc: Doc, mentions: list[ActorMention]) -> tuple[str, str] | None:
    """The two most recently named distinct actors, in the order they were named; a state or capital named as
    the place of a meeting ('on the sidelines of an ASEAN gathering in Vientiane, and the two sides agreed') is
    no side."""
    seen: list[str] = []
    for m in reversed(mentions):
        if m.kind in ("state", "metonymy") and m.start > 0 and doc[m.start - 1].lower_ in _PLACE_PREPOSITIONS:
            continue
        # 'The UN called on both sides': the two sides are states, not the organisation asking them
        if m.actor and m.kind != "group" and m.role != "IGO" and m.actor not in seen:
            seen.append(m.actor)
            if len(seen) == 2:
                return seen[1], seen[0]
    return None


@Language.factory(
    "dyad_actors",
    requires=["doc.spans", "doc.ents", "token.pos"],
    assigns=["doc.spans", "span._.actor", "span._.role", "span._.name", "span._.kind"],
    default_config={"data_dir": None},
)
def make_actor_resolver(nlp: Language, name: str, data_dir: str | None) -> ActorResolver:
    dictionary = load_actor_dictionary(_data_dir(data_dir))
    return ActorResolver(dictionary.lexemes, dictionary.name_patterns, dictionary.role_patterns)

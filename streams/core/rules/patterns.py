"""Core layer, rule engine: PETRARCH2's verb patterns, compiled once into matchers over the plain parse.

The converted dictionary (`data/petrarch/verb_patterns.jsonl`, `verb_forms.jsonl`, `synonyms.jsonl`; row
schemas in tools/petrarch/README.md) becomes, per verb lemma, its forms ('call' and 'call off') and its
block's patterns, most specific first, with every synonym set (`&WEAPON`) expanded into the words it stands
for. A verb of the parse matches a pattern when its subject, particle, object and prepositional phrases carry
the pattern's words (a word matches a token's lemma or its lower-cased text); the first match gives the
CAMEO code, else the verb alone gives its form's code, and a code of `None` (`[---]`) means no event.

A match becomes a `Cue` (the frame fields the rest of the engine reads: where the target stands, whether the
act is mutual or the subject is acted upon), so arguments, governance and assembly treat PETRARCH's verbs
exactly like ours. Our own lexicon (verbs.jsonl) wins: `findings.event_cue` says how the two are combined;
`petrarch_overrides.jsonl` recodes the few patterns our coding rules disagree with.

The matchers read the plain parse (`rules.plain`), not a spaCy Doc, as every rule does: so the rule tests
run the patterns on recorded parses without the model, and a pattern's slots are checked with the same
children index the argument rules use. A spaCy `DependencyMatcher` would need the Doc the rules never see.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from streams.core import cameo
from streams.core.rules.arguments import conjuncts, shared_objects
from streams.core.rules.cues import DATA_DIR, Cue
from streams.core.rules.plain import Analysis, Token
from streams.core.words import WORDS

PETRARCH_DIR = DATA_DIR / "petrarch"
PATTERNS_JSONL = PETRARCH_DIR / "verb_patterns.jsonl"
FORMS_JSONL = PETRARCH_DIR / "verb_forms.jsonl"
SYNONYMS_JSONL = PETRARCH_DIR / "synonyms.jsonl"
OVERRIDES_JSONL = DATA_DIR / "petrarch_overrides.jsonl"

Alternatives = tuple[frozenset[str], ...]
"""Ways to fill one slot: any one of these word sets, each wholly present."""

PARTICLE_DEPS = ("prt", "advmod", "prep", "agent", "cc")
"""Where spaCy puts the particle of a phrasal verb ('called off', 'pulled back', 'abide by', 'arrest and')."""

# spaCy splits a hyphen between a letter or digit and a letter ('cease-fire' -> 'cease', '-', 'fire')
HYPHEN = re.compile(r"(?<=[a-z0-9])-(?=[a-z])")


class Override(BaseModel):
    """One line of `petrarch_overrides.jsonl`: our code for a PETRARCH pattern or verb form, which wins."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    src: str = Field(pattern=r"^[A-Za-z0-9_.]+:[0-9]+$", description="The row's `src` ('CAMEO.2.0.txt:1742').")
    text: str = Field(
        min_length=1, description="The pattern's `text`, or the form's `key`: checks that `src` still points there."
    )
    code: str | None = Field(description="Our CAMEO code for it, or null: no event.")
    why: str = Field(min_length=10, description="Why ours differs, in a sentence.")

    @field_validator("code")
    @classmethod
    def _known_code(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                cameo.lookup(value)
            except KeyError as error:
                raise ValueError(error.args[0]) from None
        return value


class OverrideError(ValueError):
    """A line of the overrides file that is malformed or names no converted row; the message says which."""


def load_overrides(path: Path) -> dict[str, tuple[int, Override]]:
    """Our overrides by the `src` they recode, with their line numbers."""
    out: dict[str, tuple[int, Override]] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = Override.model_validate_json(line)
            except ValidationError as error:
                problem = error.errors(include_url=False)[0]
                where = ".".join(str(p) for p in problem["loc"]) or "line"
                raise OverrideError(
                    f"{path.name}:{number}: {where}: {problem['msg']} (keys: src, text, code, why)"
                ) from None
            if row.src in out:
                raise OverrideError(f"{path.name}:{number}: {row.src} is already on line {out[row.src][0]}; keep one")
            out[row.src] = (number, row)
    return out


@dataclass(frozen=True, slots=True)
class PhraseSlot:
    """A noun phrase a pattern asks for: its head word and the words that must modify it."""

    heads: Mapping[str, Alternatives] | None
    """Head word -> the modifier sets that go with it (an empty set: the head alone); None: any phrase (`^`)."""
    mods: tuple[Alternatives, ...] = ()
    """Further modifiers, each one slot ('{BANK ACCOUNT}': 'bank' among the head's children)."""

    @property
    def weight(self) -> int:
        return (2 if self.heads is not None else 1) + len(self.mods)

    def matches(self, an: Analysis, tok: Token) -> bool:
        if self.heads is not None:
            ways = self.heads.get(tok.lemma) or self.heads.get(tok.text.lower())
            if ways is None:
                return False
            near = near_words(an, tok)
            if not any(way <= near for way in ways):
                return False
        if self.mods:
            near = near_words(an, tok)
            return all(any(way <= near for way in slot) for slot in self.mods)
        return True


@dataclass(frozen=True, slots=True)
class PrepSlot:
    """A prepositional phrase a pattern asks for: on the verb or on its object, with any object or one."""

    prep: str
    object: PhraseSlot | None

    @property
    def weight(self) -> int:
        return 1 + (self.object.weight if self.object else 0)


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled verb pattern of a PETRARCH block."""

    subject: PhraseSlot | None
    particle: str | None
    object: PhraseSlot | None
    preps: tuple[PrepSlot, ...]
    target: str | None
    """Where the target stands: 'object', 'prep:<p>', or None (the object phrase, else a preposition)."""
    code: str | None
    reverse_code: str | None
    src: str
    text: str
    weight: int = field(init=False)
    """How much the pattern asks for: of two that match, the heavier is the more specific and wins."""

    def __post_init__(self) -> None:
        weight = sum(slot.weight for slot in (self.subject, self.object) if slot is not None)
        weight += 2 * (self.particle is not None) + sum(p.weight for p in self.preps)
        object.__setattr__(self, "weight", weight)

    def matches(self, an: Analysis, verb: Token, objects: list[Token]) -> bool:
        if self.particle is not None and not has_word_child(an, verb, self.particle):
            return False
        if self.object is not None and not any(self.object.matches(an, o) for o in objects):
            return False
        if self.subject is not None and not any(self.subject.matches(an, s) for s in subject_tokens(an, verb)):
            return False
        return all(prep_matches(an, verb, objects, slot) for slot in self.preps)


@dataclass(frozen=True, slots=True)
class Block:
    """A verb block's patterns, most specific first, indexed by a word each one needs (its object's head, else
    its preposition or particle), so a verb token is tried only against the patterns its phrases can meet."""

    ranked: tuple[Pattern, ...]
    by_object: Mapping[str, tuple[int, ...]]
    """Object head word -> the ranks of the patterns whose object it can head."""
    by_child: Mapping[str, tuple[int, ...]]
    """Preposition or particle -> the ranks of the patterns without an object head that need it."""
    free: tuple[int, ...]
    """The ranks of the patterns that need none of these (a subject, or any object)."""

    @classmethod
    def of(cls, patterns: Iterable[Pattern]) -> Block:
        ranked = tuple(sorted(patterns, key=lambda p: (-p.weight, source_line(p.src))))
        by_object: dict[str, list[int]] = {}
        by_child: dict[str, list[int]] = {}
        free = []
        for rank, pattern in enumerate(ranked):
            if pattern.object is not None and pattern.object.heads is not None:
                for word in pattern.object.heads:
                    by_object.setdefault(word, []).append(rank)
            elif pattern.preps:
                by_child.setdefault(pattern.preps[0].prep, []).append(rank)
            elif pattern.particle is not None:
                by_child.setdefault(pattern.particle, []).append(rank)
            else:
                free.append(rank)
        frozen = {word: tuple(ranks) for word, ranks in by_object.items()}
        return cls(ranked, frozen, {word: tuple(ranks) for word, ranks in by_child.items()}, tuple(free))

    def candidates(self, an: Analysis, verb: Token, objects: list[Token]) -> Iterator[Pattern]:
        """The patterns the verb's objects and its and their prepositions and particles can meet, in rank order."""
        ranks = set(self.free)
        for obj in objects:
            ranks.update(self.by_object.get(obj.lemma, ()))
            ranks.update(self.by_object.get(obj.text.lower(), ()))
        if self.by_child:
            for head in (verb, *objects):
                for child in an.kids(head, *PARTICLE_DEPS, "dative"):
                    ranks.update(self.by_child.get(child.lemma, ()))
                    ranks.update(self.by_child.get(child.text.lower(), ()))
        for rank in sorted(ranks):
            yield self.ranked[rank]


@dataclass(frozen=True, slots=True)
class VerbForm:
    """A verb of a block: its lemma, the particle words after it ('call off'), its block and its own code."""

    lemma: str
    after: tuple[str, ...]
    block: str
    code: str | None
    src: str


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """What a verb token matched: its form, the pattern (None: the verb alone) and the code they give."""

    form: VerbForm
    pattern: Pattern | None
    code: str | None

    @property
    def src(self) -> str:
        return self.pattern.src if self.pattern else self.form.src


@dataclass
class CompileReport:
    """What the compile step made of the converted patterns, counted by outcome and reason."""

    read: int = 0
    compiled: int = 0
    not_compiled: Counter[str] = field(default_factory=Counter)
    misread: Counter[str] = field(default_factory=Counter)
    """The words the converter read as the preposition of a phrase ('* (HOLDING TALKS)'), by pattern."""
    readings: Counter[str] = field(default_factory=Counter)
    """Patterns compiled with one reading of an irregular part, by reading."""
    unreachable: int = 0
    """Compiled patterns of blocks whose every verb an earlier block codes (PETRARCH keeps a verb's first block)."""
    forms: int = 0
    coded_forms: int = 0
    ours: int = 0
    """Forms whose verb our own lexicon has: there PETRARCH only refines our code."""
    overridden: int = 0
    """Patterns and forms recoded by our `petrarch_overrides.jsonl`."""


class VerbPatterns:
    """PETRARCH's verb forms and patterns, compiled; `match` finds what one verb token of the parse says."""

    def __init__(
        self,
        patterns: Iterable[dict[str, Any]],
        forms: Iterable[dict[str, Any]],
        synonyms: Iterable[dict[str, Any]],
        overrides: Mapping[str, tuple[int, Override]] | None = None,
    ) -> None:
        self.report = CompileReport()
        self.synonyms = {row["name"]: tuple(row["members"]) for row in synonyms}
        self.forms: dict[str, tuple[VerbForm, ...]] = {}
        self.blocks: dict[str, Block] = {}
        self._cues: dict[tuple[str, str, str | None], Cue | None] = {}
        self._overrides = dict(overrides or {})
        self._compile_forms(forms)
        self._compile_patterns(patterns)
        if self._overrides:
            number, row = min(self._overrides.values(), key=lambda found: found[0])
            raise OverrideError(
                f"{OVERRIDES_JSONL.name}:{number}: {row.src} is no row of verb_patterns.jsonl or verb_forms.jsonl; "
                "fix its src after re-running the converter"
            )

    def _recode(self, row: dict[str, Any], text: str) -> dict[str, Any]:
        """The row with our override's code, if we have one for it."""
        found = self._overrides.pop(row["src"], None)
        if found is None:
            return row
        number, override = found
        if override.text != text:
            raise OverrideError(
                f"{OVERRIDES_JSONL.name}:{number}: {override.src} is {text!r} in the converted files, not "
                f"{override.text!r}; fix its src after re-running the converter"
            )
        self.report.overridden += 1
        return {**row, "code": override.code, "reverse_code": None}

    def _compile_forms(self, rows: Iterable[dict[str, Any]]) -> None:
        by_lemma: dict[str, dict[tuple[str, ...], VerbForm]] = {}
        for row in sorted(rows, key=lambda r: source_line(r["src"])):
            row = self._recode(row, row["key"])
            self.report.forms += 1
            self.report.coded_forms += row["code"] is not None
            self.report.ours += "ours" in row
            form = VerbForm(row["lemma"], tuple(row.get("after", ())), row["block"], row["code"], row["src"])
            # a verb listed in two blocks belongs to the first, as PETRARCH reads its dictionary
            by_lemma.setdefault(form.lemma, {}).setdefault(form.after, form)
        for lemma, found in by_lemma.items():
            # the multi-word forms first: 'call off' before 'call'
            self.forms[lemma] = tuple(sorted(found.values(), key=lambda f: (-len(f.after), f.after)))

    def _compile_patterns(self, rows: Iterable[dict[str, Any]]) -> None:
        reached = {form.block for forms in self.forms.values() for form in forms}
        by_block: dict[str, list[Pattern]] = {}
        for row in rows:
            self.report.read += 1
            row = self._recode(row, row["text"])
            try:
                pattern = self._pattern(row)
            except Uncompilable as why:
                self.report.not_compiled[why.reason] += 1
                continue
            self.report.compiled += 1
            self.report.unreachable += row["block"] not in reached
            by_block.setdefault(row["block"], []).append(pattern)
        for block, found in by_block.items():
            self.blocks[block] = Block.of(found)

    def _pattern(self, row: dict[str, Any]) -> Pattern:
        particle = row.get("particle")
        obj = self._phrase(row["object"]) if row.get("object") else None
        preps = []
        for prep in row.get("preps", ()):
            word = prep["prep"]
            if word in WORDS.particles and particle is None:
                # '* (ASIDE RIFT)', '* (OUT) (OF COALITION)': spaCy reads 'put aside the rift' and 'pulled out
                # of the coalition' as a particle, then an object or a preposition
                self.report.readings["a particle written as a prepositional phrase, read as the verb's particle"] += 1
                particle, inner = word, prep["object"]
                if inner is not None and inner["head"] in WORDS.prepositions and not inner.get("mods"):
                    preps.append(PrepSlot(inner["head"], None))
                elif inner is not None and obj is None:
                    obj = self._phrase(inner)
                elif inner is not None:
                    raise Uncompilable("a particle with a second object phrase")
                continue
            if word not in WORDS.prepositions:
                self.report.misread[word] += 1
                raise Uncompilable("a prepositional phrase headed by a word that is no preposition")
            preps.append(PrepSlot(word, self._phrase(prep["object"]) if prep["object"] else None))
        target = row["target"]
        if target is not None and target.startswith("prep:") and target[5:] not in WORDS.prepositions:
            raise Uncompilable("a target after a word that is no preposition")
        return Pattern(
            subject=self._phrase(row["subject"]) if row.get("subject") else None,
            particle=particle,
            object=obj,
            preps=tuple(preps),
            target=target,
            code=row["code"],
            reverse_code=row.get("reverse_code"),
            src=row["src"],
            text=row["text"],
        )

    def _phrase(self, row: dict[str, Any]) -> PhraseSlot:
        head = row["head"]
        heads: dict[str, list[frozenset[str]]] | None = None
        if head is not None:
            heads = {}
            for member in self._members(head):
                word, modifiers = split_phrase(member)
                heads.setdefault(word, []).append(modifiers)
        mods = tuple(tuple(phrase_words(m) for m in self._members(w)) for w in row.get("mods", ()))
        frozen = None if heads is None else {word: tuple(ways) for word, ways in heads.items()}
        return PhraseSlot(frozen, mods)

    def _members(self, word: str) -> tuple[str, ...]:
        if not word.startswith("&"):
            return (word,)
        if word[1:] not in self.synonyms:
            raise Uncompilable("an undefined synonym set")
        return self.synonyms[word[1:]]

    def match(self, an: Analysis, verb: Token) -> PatternMatch | None:
        """The most specific pattern the verb token matches, else its form alone; None for no PETRARCH verb."""
        forms = self.forms.get(verb.lemma)
        if forms is None:
            return None
        form = next((f for f in forms if all(has_word_child(an, verb, w) for w in f.after)), None)
        if form is None:
            return None
        objects = object_tokens(an, verb)
        block = self.blocks.get(form.block)
        if block is not None:
            for pattern in block.candidates(an, verb, objects):
                if pattern.matches(an, verb, objects):
                    return PatternMatch(form, pattern, pattern.code)
        # a verb alone says little: it names an act only on the actor it is done to ('assassinated X's envoy')
        acted_on = any(o.i in an.mentions or o.i in an.anaphors for o in an.kids(verb, "dobj"))
        return PatternMatch(form, None, form.code if acted_on else None)

    def cue(self, match: PatternMatch, lemma: str) -> Cue | None:
        """The frame fields of a match, one `Cue` per lemma and pattern; None when the match codes no event."""
        key = (lemma, match.src, match.code)
        if key not in self._cues:
            self._cues[key] = cue_of(match, lemma)
        return self._cues[key]

    def patterns(self) -> Iterator[Pattern]:
        for block in self.blocks.values():
            yield from block.ranked


def cue_of(match: PatternMatch, lemma: str) -> Cue | None:
    """A match as the frame fields of our cues.

    The source is the subject. The target is where the pattern puts it: its object (`* +`), the object of
    a named preposition (`(WITH +)`), or, unmarked (PETRARCH's default), the object of the pattern's own open
    prepositions (`(AGAINST ^)`) and those of `words.pattern_target_preps`, else an actor inside the verb phrase
    (`arguments.phrase_parties`, as for every cue). A paired code `[a:a]` is a joint act (both directions, as
    our `mutual`); `[a:b]` with b another code keeps a (the corpus codes one-sided contact one-sided); `[:b]`
    alone means the subject is acted upon: b, from the agent or the 'from' phrase (our `reverse`). With no target in
    its frame or phrase, the doer of an act a clause of the phrase names is one (our `clause_target`: 'looking into
    allegations that Eritrean troops killed civilians')."""
    pattern, code = match.pattern, match.code
    fields: dict[str, Any] = {"lemma": lemma, "pos": "verb", "clause_target": True}
    if code is None and pattern is not None and pattern.reverse_code is not None:
        fields |= {"cameo": pattern.reverse_code, "reverse": True, "object": False, "preps": ("by", "from")}
    elif code is None:
        return None
    elif pattern is not None and pattern.target == "object":
        fields |= {"cameo": code, "mutual": pattern.reverse_code == code}
    elif pattern is not None and pattern.target is not None:
        fields |= {"cameo": code, "mutual": pattern.reverse_code == code, "object": False}
        fields["preps"] = (pattern.target.removeprefix("prep:"),)
    else:
        named = [p.prep for p in pattern.preps if p.object is None] if pattern is not None else []
        fields |= {"cameo": code, "mutual": pattern is not None and pattern.reverse_code == code}
        fields |= {"preps": tuple(dict.fromkeys([*named, *sorted(WORDS.pattern_target_preps)]))}
    return Cue.model_validate(fields)


class Uncompilable(ValueError):
    """A converted pattern that cannot be put on the dependency parse; `reason` says why, for the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def source_line(src: str) -> int:
    """The line number of a row's `src` ('CAMEO.2.0.txt:2031' -> 2031)."""
    return int(src.rsplit(":", 1)[1])


def split_phrase(phrase: str) -> tuple[str, frozenset[str]]:
    """A dictionary phrase as spaCy tokenizes it: its head word and the words that modify it.

    The last word is the head ('jumbo jet', 'cease-fire'), or the word before 'of' ('weapon of mass
    destruction'), whose object's words then count as modifiers."""
    words = [w for part in phrase.split() for w in HYPHEN.split(part)]
    if "of" in words[1:]:
        at = words.index("of")
        head, rest = words[at - 1], words[: at - 1] + words[at + 1 :]
    else:
        head, rest = words[-1], words[:-1]
    return head, frozenset(rest)


def phrase_words(phrase: str) -> frozenset[str]:
    """All the words of a dictionary phrase used as a modifier ('free-trade': 'free' and 'trade')."""
    head, rest = split_phrase(phrase)
    return rest | {head}


def words_of(tok: Token) -> tuple[str, str]:
    return tok.lemma, tok.text.lower()


def near_words(an: Analysis, tok: Token) -> frozenset[str]:
    """The lemmas and words of a token's children, and of the object of its 'of' ('weapons of mass destruction')."""
    out: set[str] = set()
    for child in an.kids(tok):
        out.update(words_of(child))
        if child.lemma == "of":
            for obj in an.kids(child, "pobj"):
                out.update(words_of(obj))
                out.update(w for c in an.kids(obj) for w in words_of(c))
    return frozenset(out)


def has_word_child(an: Analysis, tok: Token, word: str) -> bool:
    return any(word in words_of(c) for c in an.kids(tok, *PARTICLE_DEPS))


def object_tokens(an: Analysis, verb: Token) -> list[Token]:
    """What a pattern's object can be: the direct object (or the object of a coordinated verb), the passive
    subject, an adjective complement; each with its conjuncts and, after a measure noun, its 'of' object
    ('a package of sanctions')."""
    objs = an.kids(verb, "dobj") or shared_objects(an, verb)
    objs = [*objs, *an.kids(verb, "nsubjpass"), *an.kids(verb, "acomp", "oprd")]
    out: list[Token] = []
    for obj in objs:
        for conj in conjuncts(an, obj):
            out.append(conj)
            out.extend(o for p in an.kids(conj, "prep") if p.lemma == "of" for o in an.kids(p, "pobj"))
    return out


def subject_tokens(an: Analysis, verb: Token) -> list[Token]:
    """The subject a pattern names: the clause subject, or the agent of a passive verb ('was seized by ...')."""
    if an.kids(verb, "nsubjpass"):
        return an.pobjs(verb, ("by",))
    return an.kids(verb, "nsubj")


def prep_matches(an: Analysis, verb: Token, objects: list[Token], slot: PrepSlot) -> bool:
    """A prepositional phrase of `slot` on the verb or on one of its objects (PETRARCH tries both)."""
    for head in (verb, *objects):
        for prep in an.kids(head, "prep", "agent", "dative"):
            if prep.lemma != slot.prep and prep.text.lower() != slot.prep:
                continue
            if slot.object is None:
                return True
            if any(slot.object.matches(an, o) for o in an.kids(prep, "pobj")):
                return True
    return False


@cache
def verb_patterns() -> VerbPatterns:
    """The compiled patterns, once per process."""
    return VerbPatterns(
        read_jsonl(PATTERNS_JSONL), read_jsonl(FORMS_JSONL), read_jsonl(SYNONYMS_JSONL), load_overrides(OVERRIDES_JSONL)
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]

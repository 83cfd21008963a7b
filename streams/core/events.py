"""Core layer: dyadic CAMEO events from the dependency parse: rules over plain tokens, one component."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple, cast

from spacy.attrs import DEP, HEAD, IDX, LEMMA, ORTH, POS
from spacy.language import Language
from spacy.tokens import Doc, Span

from streams.core import cameo
from streams.core.actors import role_and_name
from streams.core.models import Mode, Relation, Role

VERBS_JSONL = Path(__file__).parent / "data" / "verbs.jsonl"

Control = Literal["report", "intend", "refuse", "stop", "deny"]
"""How a verb governs a cue below it: reports it, intends it, refuses it, stops it ('halted aid'), or denies
its complement ('denied sending troops', 'denied that it had sent troops')."""
Frame = Literal["plain", "complement", "judged"]

PLURAL_ANAPHORS = frozenset({"they", "them", "their", "both", "theirs"})
SINGULAR_ANAPHORS = frozenset({"it", "its"})
PERSON_ANAPHORS = frozenset({"he", "him", "his", "she", "her"})
RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom"})
COLLECTIVE_NOUNS = frozenset(
    {
        "country",
        "nation",
        "side",
        "government",
        "military",
        "power",
        "state",
        "capital",
        "leader",
        "neighbour",
    }
)
IGO_NOUNS = frozenset({"bloc", "alliance", "organisation", "organization", "union", "watchdog", "grouping"})
"""Nouns that, with 'the', name the international organisation last mentioned ('accusing the bloc of ...')."""
ACTOR_HEADS = frozenset(
    {
        "action",
        "administration",
        "ambassador",
        "army",
        "authority",
        "citizen",
        "civilian",
        "delegation",
        "diplomat",
        "embassy",
        "envoy",
        "expert",
        "force",
        "government",
        "leader",
        "media",
        "military",
        "minister",
        "ministry",
        "navy",
        "official",
        "people",
        "police",
        "policy",
        "president",
        "regime",
        "junta",
        "side",
        "soldier",
        "spokesman",
        "spokesperson",
        "troop",
        "warship",
        "chief",
        "jet",
        "prisoner",
        "national",
        "journalist",
        "protester",
        "demonstrator",
        "tanker",
        "ship",
        "vessel",
        "commander",
        "general",
        "position",
        "base",
        "village",
        "villager",
        "worker",
        "engineer",
        "militant",
        "gunman",
        "rebel",
        "hacker",
        "drone",
        "missile",
        "warplane",
        "aircraft",
        "counterpart",
        "thousand",
        "hundred",
        "dozen",
        "crowd",
        "asset",
        "property",
        "company",
        "firm",
        "bank",
        "fisherman",
        "sailor",
        "crew",
        "consulate",
        "website",
        "network",
        "server",
        "import",
        "export",
        "product",
        "good",
    }
)
"""Nouns that stand for their owner: 'Chinese diplomats', 'Iran's armed forces chief' are actors."""
BORDER_NOUNS = frozenset({"border", "frontier", "boundary"})
"""'the border with Guyana' faces Guyana, whoever owns the border."""
PLAN_NOUNS = frozenset(
    {
        "plan",
        "bid",
        "attempt",
        "effort",
        "pledge",
        "promise",
        "offer",
        "proposal",
        "commitment",
        "intention",
        "threat",
    }
)
"""Nouns whose infinitive is an intention of their owner ('Beijing's plan to sanction ...')."""
DECISION_NOUNS = PLAN_NOUNS | {"decision", "move", "refusal", "order"}
CONDITIONAL_MARKS = frozenset({"if", "unless"})
ALLEGATION_NOUNS = frozenset({"allegation", "accusation", "claim", "charge", "rumour", "rumor", "suspicion"})
OWNING_PARTICIPLES = frozenset(
    {"flag", "flagged", "own", "owned", "register", "registered", "operate", "operated", "lead", "led"}
)
"""'a Greek-flagged tanker', 'the Saudi-led coalition' belong to the state ('Iran-backed militias' do not)."""
PLACE_PREPS = frozenset({"in", "inside", "at", "near", "across", "into", "over", "between"})
"""Prepositions that, after the object of an act ('the detention of the writer in China'), place the object."""
PERSON_HEADS = frozenset(
    {"minister", "president", "leader", "premier", "chancellor", "king", "queen", "envoy", "ambassador", "secretary"}
)
"""Role nouns of one person: 'he' or 'she' can point back to them."""
MEETING_VERBS = frozenset({"meet", "host", "receive", "welcome", "visit", "talk", "confer", "phone"})
NAMING_VERBS = frozenset({"call", "describe", "term", "label", "brand", "dub", "characterize", "characterise"})
MEETING_PREPS = frozenset({"after", "follow", "following", "during", "before"})
"""Prepositions of a fronted meeting ('Following talks with Kim, the Russian president ...'): the clause's
subject took part."""
TIME_PREPS = frozenset({"during", "after", "before", "amid", "despite", "since", "following", "follow", "ahead"})
"""Prepositions of a time or circumstance: what happens in them is not governed by the verb they hang from."""
DETERRING_VERBS = frozenset(
    {"warn", "caution", "urge", "deter", "dissuade", "stop", "prevent", "bar", "discourage", "keep", "ban"}
)
SEATED_HEADS = frozenset(
    {
        "junta",
        "official",
        "authority",
        "government",
        "police",
        "court",
        "prosecutor",
        "diplomat",
        "militant",
        "rebel",
        "insurgent",
        "gunman",
        "separatist",
        "protester",
        "demonstrator",
    }
)
"""Nouns whose place is their owner: 'officials in Kyiv' are Ukraine's (troops in Syria are not Syria's)."""
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
CLIMB_FOR_SUBJECT = frozenset({"xcomp", "acomp", "conj", "pcomp", "prep", "advcl", "ccomp", "attr"})
FUTURE_AUX = frozenset({"will", "would", "shall"})
HYPOTHETICAL_AUX = frozenset({"could", "might", "may"})
PARTICIPATION_VERBS = frozenset({"attend", "join", "skip", "address", "leave", "boycott", "miss"})
"""Verbs of taking part in a meeting someone else holds: no meeting between the participants."""
WEAPONS = frozenset({"missile", "rocket", "drone", "shell", "projectile", "torpedo", "shot"})
DENIED_DEPS = frozenset({"xcomp", "dobj", "pcomp"})
OBJECT_CONTROL = frozenset(
    {
        "urge",
        "ask",
        "press",
        "pressure",
        "persuade",
        "force",
        "call",
        "tell",
        "prompt",
        "lead",
        "allow",
        "let",
    }
)
"""Verbs whose object does what their xcomp says ('prompting Mexico to suspend relations')."""


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
class Cue:
    """One lexicon entry: a lemma that signals an event (cameo) or a stance (polarity), with its frame."""

    lemma: str
    pos: str
    cameo: str | None = None
    polarity: str | None = None
    control: Control | None = None
    frame: Frame = "plain"
    symmetric: bool = False
    """Coordinated subjects act on each other ('X and Y met')."""
    mutual: bool = False
    """A joint act: the partner acts too ('X held drills with Y' -> both directions)."""
    reverse: bool = False
    """The subject is the receiver ('X received aid from Y' -> Y->X)."""
    object: bool = True
    preps: tuple[str, ...] = ()
    source_preps: tuple[str, ...] = ()
    target_from_clause: bool = False
    require_object: tuple[str, ...] = ()
    fallback_preps: tuple[str, ...] = ()
    """Prepositions naming a target only when nothing else does ('struck targets in Syria')."""
    refine: tuple[tuple[str, str], ...] = ()
    lends: tuple[str, ...] = ()
    """Objects that make the verb a light verb: 'struck a deal with Niger' is a deal, not a strike."""


Lexicon = dict[tuple[str, str], Cue]


@dataclass(frozen=True, slots=True)
class Party:
    actor: str
    role: Role | None
    text: str
    resolved: bool = False
    """True when the party came from a pronoun or a borrowed clause subject, not a direct mention."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A cue with its parties and governance: what both events and stances are made of."""

    cue: Cue
    trigger: Token
    sources: tuple[Party, ...]
    targets: tuple[Party, ...]
    mode: Mode
    speaker: str | None
    refused: bool
    pairs: tuple[tuple[Party, Party], ...]
    """Directed (source, target) pairs; empty for a stance on a policy ('opposes the tariffs')."""
    topic: str | None
    code: str | None


@dataclass
class Memory:
    """The last actors that were sentence subjects, for 'they', 'both countries', 'it', 'he'."""

    plural: tuple[Party, ...] = ()
    singular: Party | None = None
    previous: Party | None = None
    """The singular subject before `singular`: 'Congo accused it' cannot mean Congo."""
    person: Party | None = None
    igo: Party | None = None
    """The last international organisation named, for 'the bloc', 'the alliance'."""


def load_lexicon(path: Path) -> Lexicon:
    """Read a cue lexicon (one JSON object a line: lemma, pos, and cameo or polarity, plus frame fields)."""
    lexicon: Lexicon = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if "lemma" not in row or "pos" not in row:
                raise ValueError(
                    f"{path.name}:{number} needs 'lemma' and 'pos' (verb, noun or adj), e.g. "
                    '{"lemma": "attack", "pos": "verb", "cameo": "190"}'
                )
            if "cameo" in row:
                cameo.lookup(row["cameo"])
            cue = Cue(
                lemma=row["lemma"],
                pos=row["pos"],
                cameo=row.get("cameo"),
                polarity=row.get("polarity"),
                control=row.get("control"),
                frame=row.get("frame", "plain"),
                symmetric=row.get("symmetric", False) or row.get("mutual", False),
                mutual=row.get("mutual", False),
                reverse=row.get("reverse", False),
                object=row.get("object", True),
                preps=tuple(row.get("preps", ())),
                source_preps=tuple(row.get("source_preps", ())),
                target_from_clause=row.get("target_from_clause", False),
                require_object=tuple(row.get("require_object", ())),
                fallback_preps=tuple(row.get("fallback_preps", ())),
                refine=tuple(sorted(row.get("refine", {}).items())),
                lends=tuple(row.get("lends", ())),
            )
            lexicon[(cue.lemma, cue.pos)] = cue
    return lexicon


@cache
def verb_lexicon() -> Lexicon:
    return load_lexicon(VERBS_JSONL)


COARSE_POS = {"VERB": "verb", "AUX": "verb", "NOUN": "noun", "PROPN": "noun", "ADJ": "adj", "ADP": "adj"}


def coarse_pos(pos: str) -> str:
    return COARSE_POS.get(pos, "")


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

    def __post_init__(self) -> None:
        for tok in self.sentence.tokens:
            self.by_i[tok.i] = tok
            self.children.setdefault(tok.i, [])
            if tok.head != tok.i:
                self.children.setdefault(tok.head, []).append(tok)
                self.by_dep.setdefault((tok.head, tok.dep), []).append(tok)

    def head(self, tok: Token) -> Token | None:
        return None if tok.head == tok.i else self.by_i.get(tok.head)

    def kids(self, tok: Token, *deps: str) -> list[Token]:
        if len(deps) == 1:
            # the common case, read from the index (a copy: callers may extend it)
            return list(self.by_dep.get((tok.i, deps[0]), ()))
        return [c for c in self.children.get(tok.i, []) if not deps or c.dep in deps]

    def pobjs(self, tok: Token, preps: Iterable[str]) -> list[Token]:
        """Objects of the prepositions `preps` hanging from tok ('such as' counts as 'as')."""
        wanted = set(preps)
        return [o for p in self.kids(tok, "prep", "agent", "dative") if p.lemma in wanted for o in self.kids(p, "pobj")]

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
    toks = [an.by_i[i] for i in range(mention.start, mention.end) if i in an.by_i]
    return an.text_of(toks[0], toks[-1]) if toks else mention.actor


def conjuncts(an: Analysis, tok: Token) -> list[Token]:
    """tok and the tokens coordinated with it ('China and Iran', 'Taiwan, Hong Kong')."""
    out = [tok]
    for child in an.kids(tok, "conj"):
        out.extend(conjuncts(an, child))
    return out


def actors_at(an: Analysis, tok: Token, depth: int = 0) -> tuple[Party, ...]:
    """The actors a token stands for: a mention, a resolved anaphor, or the owner of an actor-like noun."""
    here = an.mentions.get(tok.i)
    if here and any(k.lemma == "ethnic" for k in an.kids(tok, "amod")):
        # 'ethnic Albanians in Kosovo' are a people, not the state of Albania
        return ()
    if here:
        found = tuple(party_of(m, mention_text(an, m), m.kind == "group") for m in here)
        # 'Indian and Chinese commanders' where only 'Chinese commanders' is one mention
        span = range(here[0].start, here[0].end)
        for mod in an.kids(tok, "amod", "compound", "nmod"):
            if mod.i not in span:
                found += tuple(p for t in conjuncts(an, mod) for p in actors_at(an, t, depth + 1))
        # 'the foreign ministers of Armenia and Azerbaijan', one mention up to 'Armenia'
        for inner in span:
            if inner != tok.i and inner in an.by_i:
                for conj in an.kids(an.by_i[inner], "conj"):
                    if conj.i not in span:
                        found += actors_at(an, conj, depth + 1)
        return found
    if tok.i in an.anaphors:
        return an.anaphors[tok.i]
    if (tok.pos not in ("NOUN", "PROPN") and tok.lemma != "one") or depth > 2:
        # 'expelled a Canadian one' stands for its noun
        return ()
    for example in an.pobjs(tok, ("as", "like")):
        found = tuple(p for t in conjuncts(an, example) for p in actors_at(an, t, depth + 1))
        if found:
            return found
    owners = an.pobjs(tok, ("with",)) if tok.lemma in BORDER_NOUNS else []
    owners += an.kids(tok, "poss", "compound", "amod", "nmod") + an.pobjs(tok, ("by",))
    for mod in an.kids(tok, "amod", "acl"):
        if mod.lemma in OWNING_PARTICIPLES:
            # 'a Greek-flagged tanker', 'a Turkish-owned company'
            owners += an.kids(mod, "npadvmod", "compound", "amod", "nmod", "advmod")
        if mod.dep == "acl" and tok.lemma not in ACTOR_HEADS:
            # 'war crimes committed by Russian forces' (but 'people displaced by strikes' are not the striker's)
            owners += an.pobjs(mod, ("by",))
    if tok.lemma in ACTOR_HEADS:
        owners += an.pobjs(tok, ("of", "from"))
    if tok.lemma in SEATED_HEADS:
        owners += an.pobjs(tok, ("in",))
    for child in owners:
        found = tuple(p for t in conjuncts(an, child) for p in actors_at(an, t, depth + 1))
        if found:
            return found
    return ()


def parties(an: Analysis, toks: Iterable[Token]) -> tuple[Party, ...]:
    seen: dict[str, Party] = {}
    for tok in toks:
        for conj in conjuncts(an, tok):
            for party in actors_at(an, conj):
                seen.setdefault(party.actor, party)
    return tuple(seen.values())


def resolve_anaphors(an: Analysis, memory: Memory) -> None:
    """Resolve pronouns and 'both countries' left to right, updating the memory at each subject mention."""
    last_mention: Party | None = None
    last_person: Party | None = None
    for tok in an.sentence.tokens:
        low = tok.text.lower()
        here = an.mentions.get(tok.i, ())
        if len(here) == 1 and here[0].kind == "person":
            last_person = party_of(here[0], mention_text(an, here[0]))
        if len(here) == 1 and here[0].kind not in ("media", "person", "group"):
            last_mention = party_of(here[0], mention_text(an, here[0]))
            if here[0].kind == "igo":
                memory.igo = last_mention
        if low in PLURAL_ANAPHORS and tok.pos in ("PRON", "DET", "CCONJ") and tok.dep != "det":
            if memory.plural:
                an.anaphors[tok.i] = tuple(Party(p.actor, p.role, p.text, True) for p in memory.plural)
        elif low in SINGULAR_ANAPHORS:
            antecedent = last_mention if low == "its" and last_mention else memory.singular
            if low == "it" and antecedent is not None and antecedent.actor in clause_subject_actors(an, tok):
                # 'after Congo accused it of sending troops': an object pronoun is not its clause's subject
                antecedent = memory.previous
            if antecedent is not None:
                an.anaphors[tok.i] = (Party(antecedent.actor, antecedent.role, antecedent.text, True),)
        elif low in PERSON_ANAPHORS and tok.pos == "PRON":
            # 'did not arrest Putin during his visit': a possessive points back inside its sentence
            antecedent = (last_person if tok.dep == "poss" else None) or memory.person or memory.singular
            if antecedent is not None:
                an.anaphors[tok.i] = (Party(antecedent.actor, antecedent.role, antecedent.text, True),)
        elif tok.lemma in IGO_NOUNS and not here and memory.igo and "the" in {k.lemma for k in an.kids(tok, "det")}:
            an.anaphors[tok.i] = (Party(memory.igo.actor, memory.igo.role, memory.igo.text, True),)
        elif tok.lemma in COLLECTIVE_NOUNS and tok.text.lower() != tok.lemma and memory.plural:
            quantifiers = {k.text.lower() for k in an.kids(tok, "det", "nummod", "predet")}
            theirs = any(k.i in an.anaphors for k in an.kids(tok, "poss"))
            if quantifiers & {"both", "two", "the"} or theirs:
                an.anaphors[tok.i] = tuple(Party(p.actor, p.role, p.text, True) for p in memory.plural)
        if tok.dep in SUBJECT_DEPS and here:
            remember(an, tok, memory)
        elif tok.dep in SUBJECT_DEPS and tok.pos == "NOUN":
            # "India's external affairs minister flew to Moscow. He met ...": the owner of the subject
            owners = actors_at(an, tok)
            if len({p.actor for p in owners}) >= 2:
                # 'the Swedish and Finnish defence ministers said their countries ...'
                memory.plural = tuple(Party(p.actor, p.role, p.text) for p in owners)
            elif owners:
                party = Party(owners[0].actor, owners[0].role, owners[0].text)
                if memory.singular is not None and memory.singular.actor != party.actor:
                    memory.previous = memory.singular
                memory.singular = party
                if tok.lemma in PERSON_HEADS:
                    memory.person = party


def clause_subject_actors(an: Analysis, pronoun: Token) -> set[str]:
    """The actors named by the subject of the verb a pronoun is the object of."""
    verb = an.head(pronoun)
    if pronoun.dep not in ("dobj", "dative") or verb is None:
        return set()
    return {m.actor for s in an.kids(verb, "nsubj") for t in conjuncts(an, s) for m in an.mentions.get(t.i, ())}


def remember(an: Analysis, subject: Token, memory: Memory) -> None:
    mentions = [m for t in conjuncts(an, subject) for m in an.mentions.get(t.i, ())]
    people = [m for m in mentions if m.kind == "person"]
    if people:
        memory.person = party_of(people[0], mention_text(an, people[0]))
    agents = [m for m in mentions if m.kind not in ("person", "media")]
    verb = an.head(subject)
    if subject.dep == "nsubj" and verb is not None and verb.lemma in MEETING_VERBS:
        # 'X met her Indonesian counterpart ... They signed': the two who met
        partners = [*an.kids(verb, "dobj"), *an.pobjs(verb, ("with",))]
        pair = [m for m in mentions if m.kind != "media"]
        pair += [m for o in partners for t in conjuncts(an, o) for m in an.mentions.get(t.i, ()) if m.kind != "media"]
        if len({m.actor for m in pair}) >= 2:
            memory.plural = tuple(party_of(m, mention_text(an, m)) for m in pair)
    together = parties(an, [subject]) if len({m.actor for m in agents}) == 1 else ()
    if len({m.actor for m in agents}) >= 2:
        memory.plural = tuple(party_of(m, mention_text(an, m)) for m in agents)
    elif len(together) >= 2:
        # 'the Swedish and Finnish defence ministers said their countries ...'
        memory.plural = tuple(Party(p.actor, p.role, p.text) for p in together)
    elif agents:
        if memory.singular is not None and memory.singular.actor != agents[0].actor:
            memory.previous = memory.singular
        memory.singular = party_of(agents[0], mention_text(an, agents[0]))


def subjects(an: Analysis, verb: Token, depth: int = 0) -> tuple[Party, ...]:
    """Who does `verb`: its subject, or the controller up the xcomp/conj chain ('agreed to increase')."""
    # the parser sometimes hangs the subject on the auxiliary ('Egypt and Qatar are mediating')
    own = an.kids(verb, "nsubj", "nsubjpass") or [s for a in an.kids(verb, "aux") for s in an.kids(a, "nsubj")]
    if own:
        if own[0].lemma in RELATIVE_PRONOUNS and verb.dep == "relcl":
            head = an.head(verb)
            return parties(an, [head]) if head else ()
        return parties(an, own)
    head = an.head(verb)
    if head is not None and verb.dep == "acl" and head.lemma in DECISION_NOUNS:
        # "Beijing's decision to sanction US firms": the owner of the decision acts
        owners = parties(an, an.kids(head, "poss", "compound", "amod"))
        above = an.head(head)
        if not owners and head.dep == "dobj" and above is not None and above.pos in ("VERB", "AUX") and depth <= 5:
            # 'Japan made an offer to host talks', 'Seoul unveiled a plan to send aid'
            return subjects(an, above, depth + 1)
        return owners
    if head is None or depth > 5 or verb.dep not in CLIMB_FOR_SUBJECT:
        return ()
    if verb.dep == "xcomp" and head.lemma in OBJECT_CONTROL:
        controllers = an.kids(head, "dobj")
        if controllers:
            return parties(an, controllers)
    if verb.dep == "ccomp" and head.pos != "ADJ":
        return ()
    return subjects(an, head, depth + 1)


def speaker_text(an: Analysis, tok: Token) -> str:
    if tok.i in an.anaphors:
        return " and ".join(p.text for p in an.anaphors[tok.i])
    here = an.mentions.get(tok.i)
    if here:
        names = [m.name or mention_text(an, m) for m in here if m.kind != "group"] or [mention_text(an, here[0])]
        names += [speaker_text(an, c) for c in an.kids(tok, "conj")]
        return " and ".join(names)
    before = {t.i for t in an.subtree(tok) if t.i <= tok.i and t.dep not in ("det", "punct", "case")}
    first = tok.i
    while first - 1 in before:
        first -= 1
    return an.text_of(an.by_i[first], tok)


@dataclass(frozen=True, slots=True)
class Governance:
    mode: Mode
    speaker: str | None
    negated: bool
    refused: bool
    speaker_actors: tuple[Party, ...] = ()


def governance(an: Analysis, cue_tok: Token, lexicon: Lexicon) -> Governance:
    """Walk up from the cue: intention and refusal verbs, negation, future auxiliaries, reporting speakers."""
    negated = bool(an.kids(cue_tok, "neg")) or any(d.lemma == "no" for d in an.kids(cue_tok, "det"))
    # 'if Iran attacks Israel, ...': a condition is not an event
    negated = negated or any(m.lemma in CONDITIONAL_MARKS for m in an.kids(cue_tok, "mark"))
    # 'analysts say China could invade': a possibility is not an event
    negated = negated or any(a.lemma in HYPOTHETICAL_AUX for a in an.kids(cue_tok, "aux"))
    intended = any(a.lemma in FUTURE_AUX for a in an.kids(cue_tok, "aux"))
    refused = False
    speaker: str | None = None
    speaker_actors: tuple[Party, ...] = ()
    in_clause = True
    # 'did not respond to Thailand's request': someone else's act stands whatever is said of it
    owned = cue_tok.pos in ("NOUN", "PROPN") and bool(an.kids(cue_tok, "poss"))
    tok = cue_tok
    for _ in range(8):
        speaker = speaker or according_to(an, tok)
        head = an.head(tok)
        if head is None:
            break
        entry = lexicon.get((head.lemma, coarse_pos(head.pos)))
        control = entry.control if entry else None
        demanded = entry is not None and entry.frame == "complement" and tok.dep in ("ccomp", "xcomp", "acl")
        if demanded and (tok.dep != "xcomp" or control != "intend"):
            negated = True
        if tok.dep == "pcomp" and head.lemma in ("against", "from"):
            # 'warned Belgrade against recognising ...', 'kept Iran from building ...': it did not happen
            deterred = an.head(head)
            negated = negated or (deterred is not None and deterred.lemma in DETERRING_VERBS)
        if tok.dep == "pobj" and head.lemma == "for" and is_appeal(lexicon, an.head(head)):
            # 'Kenya's request for aid', 'called for sanctions': asked for, not given
            negated = True
        if tok.dep == "pcomp" and head.lemma in ("of", "for") and is_accusation(lexicon, an.head(head)):
            # 'accused Britain of helping Ukraine': the accusation is the event, not the alleged deed
            negated = True
        if tok.dep in ("acl", "ccomp") and head.lemma in ALLEGATION_NOUNS:
            # 'allegations that Eritrean troops killed civilians': alleged, not asserted
            negated = True
        if tok.dep == "acl" and head.lemma in DECISION_NOUNS:
            intended = intended or head.lemma in PLAN_NOUNS
            refused = refused or head.lemma == "refusal"
        if tok.dep == "nsubjpass" and (control in ("stop", "refuse") or is_rejection(entry)):
            # 'the visit was postponed', 'the deal was rejected'
            negated = True
        if tok.dep in ("relcl", "acl", "appos"):
            break
        reported_link = tok.dep in ("ccomp", "parataxis") or (tok.dep == "xcomp" and bool(an.kids(head, "auxpass")))
        if control == "report" and reported_link and speaker is None:
            subject = an.kids(head, "nsubj", "nsubjpass")
            if subject and not (tok.dep == "xcomp"):
                speaker = speaker_text(an, subject[0])
                speaker_actors = parties(an, subject)
        if control == "deny" and in_clause and tok.dep == "ccomp" and tok.i > head.i:
            negated = True
        if tok.dep == "dobj" and is_rejection(entry):
            # 'vetoed an aid package', 'rejected the proposal for talks': a rejected act did not happen
            negated = True
        if (
            tok.dep in ("ccomp", "parataxis")
            or (tok.dep == "prep" and head.pos in ("NOUN", "PROPN"))
            or (tok.dep == "prep" and tok.lemma in TIME_PREPS)
        ):
            in_clause = False
        elif in_clause and tok.dep in ("xcomp", "dobj", "pcomp", "acomp", "prep", "pobj", "advcl", "conj"):
            if tok.dep != "conj" and not owned:
                negated = negated or bool(an.kids(head, "neg"))
            if control == "intend":
                intended = True
            elif control == "refuse":
                refused = True
            elif control == "stop" or (control == "deny" and tok.dep in DENIED_DEPS):
                negated = True
            if tok.dep != "conj" and any(a.lemma in FUTURE_AUX for a in an.kids(head, "aux")):
                intended = True
            if tok.dep != "conj" and any(a.lemma in HYPOTHETICAL_AUX for a in an.kids(head, "aux")):
                negated = True
        tok = head
    mode: Mode = "intended" if intended else "reported" if speaker else "asserted"
    return Governance(mode, speaker, negated, refused, speaker_actors)


def is_appeal(lexicon: Lexicon, tok: Token | None) -> bool:
    """True for a word that asks for something (CAMEO roots 02 and 10: request, appeal, demand, call)."""
    if tok is None:
        return False
    entry = lexicon.get((tok.lemma, coarse_pos(tok.pos)))
    return entry is not None and entry.cameo is not None and cameo.root_of(entry.cameo) in (2, 10)


def is_accusation(lexicon: Lexicon, tok: Token | None) -> bool:
    """True for a word that accuses (CAMEO 112: accuse, blame, charge)."""
    if tok is None:
        return False
    entry = lexicon.get((tok.lemma, coarse_pos(tok.pos)))
    return entry is not None and (entry.cameo or "")[:3] == "112"


def is_rejection(entry: Cue | None) -> bool:
    """True for a cue of CAMEO root 12 (reject, veto, dismiss): what it acts on did not happen."""
    return entry is not None and entry.cameo is not None and cameo.root_of(entry.cameo) == 12


def according_to(an: Analysis, tok: Token) -> str | None:
    for prep in an.kids(tok, "prep"):
        if prep.lemma == "accord":
            for to in an.kids(prep, "prep"):
                for obj in an.kids(to, "pobj"):
                    return speaker_text(an, obj)
    return None


def governs_cue(an: Analysis, tok: Token, lexicon: Lexicon) -> bool:
    """True when a control verb has an embedded cue in its own clause ('agreed to increase cooperation')."""
    stack = an.kids(tok, "xcomp", "dobj")
    while stack:
        child = stack.pop()
        entry = lexicon.get((child.lemma, coarse_pos(child.pos)))
        if entry is not None and entry.control is None and (entry.cameo or entry.polarity):
            return True
        stack.extend(an.kids(child, "xcomp", "conj", "dobj"))
    return False


def borrowed_subjects(an: Analysis, noun: Token, lexicon: Lexicon) -> tuple[Party, ...]:
    """The subject of the clause a nominal cue is the object of ('conducted drills', 'at tensions with')."""
    tok = noun
    while tok.dep == "conj" or (tok.dep == "pobj" and is_of_phrase(an, tok)):
        # 'drills and patrols', 'a new round of talks': the coordinated or measured noun stands in
        head = an.head(tok)
        if head is None:
            return ()
        above = an.head(head) if tok.dep == "pobj" else head
        if above is None:
            return ()
        tok = above
    head = an.head(tok)
    if head is None:
        return ()
    if tok.dep in ("dobj", "attr", "nsubjpass") and head.pos in ("VERB", "AUX"):
        own = lexicon.get((head.lemma, "verb"))
        # a verb that is an event about its object ('opposed arms sales', 'sent aid') keeps its subject
        # to itself; one that is not ('flew a joint patrol') or is a light verb here ('struck a deal') lends it
        owns = (
            own is not None
            and own.cameo
            and own.control is None
            and (own.object or own.require_object)
            and tok.lemma not in own.lends
        )
        return () if owns else subjects(an, head)
    if tok.dep == "pobj" and head.lemma in ("at", "in", "into", "on") and head.dep == "prep":
        verb = an.head(head)
        if verb is not None and verb.pos in ("VERB", "AUX"):
            return subjects(an, verb)
    return ()


def is_of_phrase(an: Analysis, tok: Token) -> bool:
    """True for the object of 'of' after a plain noun ('round of talks'), not after an actor ('talks of Iran')."""
    prep = an.head(tok)
    noun = an.head(prep) if prep is not None else None
    return (
        prep is not None
        and prep.lemma == "of"
        and noun is not None
        and noun.pos == "NOUN"
        and noun.i not in an.mentions
        and noun.lemma not in ACTOR_HEADS
    )


def clause_subjects(an: Analysis, noun: Token) -> tuple[Party, ...]:
    """The subject of the nearest verb above a noun ('what both countries perceive as pressure from X')."""
    tok = noun
    for _ in range(4):
        head = an.head(tok)
        if head is None:
            return ()
        if head.pos in ("VERB", "AUX"):
            return subjects(an, head)
        tok = head
    return ()


def refined_code(an: Analysis, cue: Cue, tok: Token) -> str | None:
    """The cue's code, finer by a modifier ('defense cooperation' -> 062); None without a required word."""
    assert cue.cameo is not None
    near = [tok, *an.kids(tok, "amod", "compound", "dobj", "nmod", "dative", "prt")]
    for prep in an.kids(tok, "prep"):
        for obj in an.kids(prep, "pobj"):
            near.extend([obj, *an.kids(obj, "amod", "compound")])
    for obj in an.kids(tok, "dobj"):
        near.extend(an.kids(obj, "amod", "compound"))
        near.extend(o for p in an.kids(obj, "prep") if p.lemma == "of" for o in an.kids(p, "pobj"))
    subject = an.kids(tok, "nsubj", "nsubjpass")
    words = {t.lemma for t in near} | {t.text.lower() for t in near}
    subject_words = {t.lemma for t in subject} | {t.text.lower() for t in subject}
    if cue.require_object and not (words | subject_words) & set(cue.require_object):
        return None
    # what was acted on speaks first ('troops captured a village' is about the village)
    for found in (words, subject_words):
        for word, code in cue.refine:
            if word in found:
                return code
    return cue.cameo


def topic_of(an: Analysis, tok: Token, cue: Cue) -> str | None:
    """The phrase a stance is about: the object and the prepositions after it, or the complement clause."""
    objs = an.kids(tok, "dobj")
    if objs:
        nodes = [t for o in objs for t in an.subtree(o)]
        nodes += [
            t for p in an.kids(tok, "prep") if p.i > objs[0].i and p.lemma not in ("with", "for") for t in an.subtree(p)
        ]
        nodes = [t for t in nodes if t.dep != "punct"]
        return an.text_of(min(nodes, key=lambda t: t.i), max(nodes, key=lambda t: t.i))
    comps = an.kids(tok, "ccomp", "xcomp")
    if comps:
        nodes = [t for t in an.subtree(comps[0]) if t.dep not in ("punct", "nsubj") and t.lemma != "to"]
        subj = {t.i for s in an.kids(comps[0], "nsubj") for t in an.subtree(s)}
        nodes = [t for t in nodes if t.i not in subj]
        if nodes:
            return an.text_of(min(nodes, key=lambda t: t.i), max(nodes, key=lambda t: t.i))
    about = [p for p in an.kids(tok, "prep") if p.lemma in ("over", "on", "about", "for")]
    if about and an.kids(about[0], "pobj"):
        return an.phrase(an.kids(about[0], "pobj")[0])
    if cue.frame == "judged":
        head = an.head(tok)
        judged = an.kids(head, "nsubj") if head else []
        return an.phrase(judged[0]) if judged else None
    return None


def find(an: Analysis, tok: Token, cue: Cue, lexicon: Lexicon) -> Finding | None:
    """Sources, targets and governance of one cue token; None when it makes no dyad."""
    code = refined_code(an, cue, tok) if cue.cameo else None
    if cue.cameo and code is None:
        return None
    if cue.lends and any(o.lemma in cue.lends for o in an.kids(tok, "dobj")):
        # 'struck a deal': the object is the event
        return None
    # 'received aid from X' and 'received a call from X': X acted; 'received X's foreign minister': the
    # subject hosted
    reversed_ = cue.reverse and not (
        code is not None and cameo.root_of(code) == 4 and not any(o.lemma == "call" for o in an.kids(tok, "dobj"))
    )
    if cue.frame == "judged":
        gov = governance(an, tok, lexicon)
        sources, targets = arguments(an, tok, cue, gov, lexicon)
    else:
        # the parties first: most cue words name no actor, and then the governance walk is not needed
        sources, targets = arguments(an, tok, cue, None, lexicon)
        if not (targets if reversed_ else sources):
            return None
        gov = governance(an, tok, lexicon)
    if gov.negated:
        return None
    if (
        cue.control not in (None, "stop", "deny")
        and not (cue.frame == "complement" and targets)
        and governs_cue(an, tok, lexicon)
    ):
        return None
    if reversed_:
        sources, targets = targets, sources
    # 'Vietnam said Chinese vessels attacked its fishermen': a pronoun read as the subject itself is unknown
    targets = tuple(t for t in targets if not (t.resolved and t.actor in {s.actor for s in sources}))
    if not targets and each_other(an, tok):
        targets = sources
    fired = any(o.lemma in WEAPONS for o in an.kids(tok, "dobj"))
    if not targets and code is not None and cameo.root_of(code) >= 15 and not fired:
        # 'Ukraine said Russian drones struck an energy facility': the speaker was hit; a launch
        # of missiles ('fired two missiles into the sea, Seoul said') hit no one in particular
        targets = gov.speaker_actors
    pairs = pair_up(sources, targets, cue.symmetric, cue.mutual)
    about_policy = (
        cue.polarity in ("support", "oppose")
        and tok.dep in ("ROOT", "ccomp", "conj")
        and not targets
        and bool(an.kids(tok, "dobj"))
    )
    if not pairs and not (about_policy and sources):
        return None
    topic = topic_of(an, tok, cue) if cue.polarity else None
    return Finding(cue, tok, sources, targets, gov.mode, gov.speaker, gov.refused, pairs, topic, code)


def arguments(
    an: Analysis, tok: Token, cue: Cue, gov: Governance | None, lexicon: Lexicon
) -> tuple[tuple[Party, ...], tuple[Party, ...]]:
    """Sources and targets of a cue; `gov` (the cue's governance) is needed by judged frames only."""
    if cue.frame == "judged":
        head = an.head(tok)
        if head is None or gov is None or gov.speaker is None:
            return (), ()
        return speaker_parties(an, tok), parties(an, an.kids(head, "nsubj"))
    if cue.pos == "noun":
        return noun_arguments(an, tok, cue, lexicon)
    targets: list[Token] = []
    passive_subject = an.kids(tok, "nsubjpass")
    # 'was granted a loan by the World Bank': the parser may hang the agent on the object
    agents = (
        an.pobjs(tok, ("by",)) + [a for o in an.kids(tok, "dobj") for a in an.pobjs(o, ("by",))]
        if passive_subject
        else []
    )
    if passive_subject:
        # 'was attacked by drones from Russia': the agent, or whoever the agent belongs to
        sources = parties(an, agents) or parties(an, [o for a in agents for o in an.pobjs(a, ("from", "of"))])
        if not sources and any(a.lemma in SEATED_HEADS for a in agents):
            # 'kidnapped by militants in Pakistan's Balochistan': armed groups count for where they operate
            sources = parties(an, an.pobjs(tok, ("in",)))
        if not agents:
            # 'two soldiers were killed in a Pakistani drone strike': the owner of the attack acted
            sources = parties(an, [o for o in an.pobjs(tok, ("in", "during")) if is_attack(o, lexicon)])
        targets.extend(passive_subject)
    else:
        sources = subjects(an, tok)
    objs = named_objects(an, tok, an.kids(tok, "dobj") or shared_objects(an, tok))
    if cue.object:
        targets.extend(objs)
    # 'lent Egypt three billion dollars', 'sent Ukraine tanks'
    targets.extend(an.kids(tok, "dative"))
    targets.extend(an.pobjs(tok, cue.preps))
    for obj in objs:
        targets.extend(an.pobjs(obj, cue.preps))
        # 'imposed a package of sanctions on Belarus'
        for inner in an.pobjs(obj, ("of",)):
            targets.extend(an.pobjs(inner, cue.preps))
    if objs and cue.object and not passive_subject:
        # 'dismissed the proposal by Kyiv', with 'by' attached to the verb
        targets.extend(an.pobjs(tok, ("by",)))
    if not parties(an, targets):
        # 'struck targets in Syria'; but 'shelled areas near the Turkish border' did not hit Turkey
        places = [*an.pobjs(tok, cue.fallback_preps), *(o for obj in objs for o in an.pobjs(obj, cue.fallback_preps))]
        targets.extend(t for t in places if t.lemma not in BORDER_NOUNS)
    if cue.frame == "complement":
        for comp in an.kids(tok, "ccomp", "xcomp"):
            targets.extend(an.kids(comp, "nsubj"))
        if an.kids(tok, "xcomp"):
            targets.extend(objs)
    if cue.symmetric and not sources:
        # 'fighting between Armenia and Azerbaijan killed dozens': the partners act on each other
        between = parties(an, an.pobjs(tok, ("between",)))
        if len(between) >= 2:
            return between, ()
    return sources, parties(an, targets)


def named_objects(an: Analysis, verb: Token, objs: list[Token]) -> list[Token]:
    """The objects of a verb, or what a free relative names: 'condemned what it called dangerous manoeuvres by
    Chinese ships' is about the manoeuvres (the parser makes 'what it called ...' a ccomp with 'what' its dobj)."""
    if objs:
        return objs
    out: list[Token] = []
    for naming in an.kids(verb, "ccomp"):
        if naming.lemma in NAMING_VERBS and any(o.lemma == "what" for o in an.kids(naming, "dobj")):
            out.extend(an.kids(naming, "oprd") + an.pobjs(naming, ("as",)))
            if not an.kids(naming, "auxpass"):
                # the parser hangs 'by Chinese ships' on the naming verb
                out.extend(an.pobjs(naming, ("by",)))
    return out


def is_event_noun(tok: Token, lexicon: Lexicon) -> bool:
    """True for a noun that is itself an event cue ('the condemnation of the attack by Russia')."""
    cue = lexicon.get((tok.lemma, "noun"))
    return cue is not None and cue.cameo is not None


def is_attack(tok: Token, lexicon: Lexicon) -> bool:
    """True for a noun that names an act of material conflict ('strike', 'attack', 'shelling')."""
    cue = lexicon.get((tok.lemma, "noun"))
    return cue is not None and cue.cameo is not None and cameo.root_of(cue.cameo) >= 15


def shared_objects(an: Analysis, verb: Token) -> list[Token]:
    """The object of a coordinated verb ('condemned and sanctioned Iran': both verbs act on Iran)."""
    head = an.head(verb)
    if verb.dep == "conj" and head is not None and head.pos == "VERB":
        return an.kids(head, "dobj")
    return [o for c in an.kids(verb, "conj") if c.pos == "VERB" and not an.kids(c, "nsubj") for o in an.kids(c, "dobj")]


def speaker_parties(an: Analysis, tok: Token) -> tuple[Party, ...]:
    """The actors of the reporting verb above a judgement ('both say NATO actions are responsible')."""
    cur = tok
    for _ in range(6):
        head = an.head(cur)
        if head is None:
            return ()
        if cur.dep in ("ccomp", "parataxis"):
            found = parties(an, an.kids(head, "nsubj"))
            if found:
                return found
        cur = head
    return ()


def noun_arguments(
    an: Analysis, noun: Token, cue: Cue, lexicon: Lexicon
) -> tuple[tuple[Party, ...], tuple[Party, ...]]:
    owners = an.kids(noun, "poss") or [t for t in an.kids(noun, "compound", "amod", "nmod") if t.i in an.mentions]
    own = parties(an, owners)
    # 'the killing of an Iranian general by Israel': any act names its doer with 'by'
    source_toks = an.pobjs(noun, (*cue.source_preps, "by"))
    target_toks = an.pobjs(noun, cue.preps)
    between = an.pobjs(noun, ("between",))
    for inner in an.pobjs(noun, ("of",)):
        # 'tariffs of 25 percent on Canadian steel', 'an exchange of prisoners between Russia and Ukraine',
        # 'the expulsion of two Russian diplomats by Slovakia': the parser hangs the phrase on the 'of' object
        target_toks += an.pobjs(inner, [p for p in cue.preps if p not in PLACE_PREPS])
        between += an.pobjs(inner, ("between",))
        if not is_event_noun(inner, lexicon):
            source_toks += an.pobjs(inner, (*cue.source_preps, "by"))
    measure = an.head(an.head(noun) or noun) if is_of_phrase(an, noun) else None
    if measure is not None:
        # 'a wave of strikes on Hezbollah positions', 'a round of talks with Iran': on the measure noun
        target_toks += an.pobjs(measure, cue.preps)
    head = an.head(noun)
    if head is not None and noun.dep == "dobj":
        # 'drew condemnation from Kabul', 'imposed sanctions on Iran': the phrase hangs from the verb
        source_toks += an.pobjs(head, cue.source_preps)
        target_toks += an.pobjs(head, cue.preps)
    sources = own + parties(an, source_toks)
    targets = parties(an, target_toks) or parties(an, an.pobjs(noun, cue.fallback_preps))
    if cue.symmetric and not sources and not targets:
        # 'talks between Serbia and Kosovo': the coordinated partners act on each other
        sources = parties(an, between)
    meeting = cue.symmetric or (cue.cameo is not None and cameo.root_of(cue.cameo) == 4)
    if meeting and not targets and len(own) >= 2 and len(an.kids(noun, "poss")) < 2:
        # 'the Chinese-Russian summit', 'Indian and Pakistani talks': the owners met each other
        return own, own
    if not sources:
        sources = borrowed_subjects(an, noun, lexicon)
        if not sources and cue.symmetric and targets and noun.dep == "pobj" and head is not None:
            verb = an.head(head)
            if head.lemma in MEETING_PREPS and head.dep == "prep" and verb is not None and verb.pos in ("VERB", "AUX"):
                # 'After talks with Kim Jong Un, the Russian president promised ...'
                sources = subjects(an, verb)
        if meeting and head is not None and head.lemma in PARTICIPATION_VERBS:
            # 'leaders of France and Italy attended a summit': attendees are not a dyad
            return (), ()
    elif not targets and cue.target_from_clause:
        targets = clause_subjects(an, noun)
    return sources, targets


def each_other(an: Analysis, tok: Token) -> bool:
    """'blamed each other', 'fought one another': the subjects are also the targets."""
    near = [*an.kids(tok, "dobj"), *(o for p in an.kids(tok, "prep") for o in an.kids(p, "pobj"))]
    return any(t.lemma in ("other", "another") and an.kids(t, "det", "nummod") for t in near)


def pair_up(
    sources: Sequence[Party], targets: Sequence[Party], symmetric: bool, mutual: bool = False
) -> tuple[tuple[Party, Party], ...]:
    """Directed pairs, never a self-dyad; coordinated subjects of a symmetric cue act on each other,
    and the partner of a mutual cue acts back."""
    if targets:
        pairs = [(s, t) for s in sources for t in targets if s.actor != t.actor]
        if mutual:
            pairs += [(t, s) for s, t in pairs if (t, s) not in pairs]
    elif symmetric:
        pairs = [(s, t) for s in sources for t in sources if s.actor != t.actor]
    else:
        pairs = []
    return tuple(pairs)


def relations_from(finding: Finding, sentence: Sentence) -> list[Relation]:
    """The CAMEO events of a finding: intentions become 03x, refusals 12x, a refused conflict nothing."""
    if finding.code is None:
        return []
    code = finding.code
    root = cameo.root_of(code)
    if finding.refused:
        if root not in cameo.REJECT_BY_ROOT:
            return []
        code = cameo.REJECT_BY_ROOT[root]
    elif finding.mode == "intended" and root in cameo.INTENT_BY_ROOT:
        code = cameo.INTENT_BY_CODE.get(code[:3], cameo.INTENT_BY_ROOT[root])
    elif finding.mode == "intended" and root in cameo.THREAT_BY_ROOT:
        code = cameo.THREAT_BY_CODE.get(code[:3], cameo.THREAT_BY_ROOT[root])
    entry = cameo.lookup(code)
    out = []
    for source, target in finding.pairs:
        confidence = 0.85
        confidence -= 0.1 * (source.resolved + target.resolved)
        confidence -= 0.1 if finding.mode != "asserted" else 0.0
        confidence -= 0.05 if finding.cue.pos != "verb" else 0.0
        out.append(
            Relation(
                source=source.actor,
                target=target.actor,
                source_role=source.role,
                target_role=target.role,
                cameo=entry.code,
                root=entry.root,
                quad_class=entry.quad_class,
                goldstein=entry.goldstein,
                mode=finding.mode,
                confidence=round(max(0.1, min(1.0, confidence)), 2),
                trigger=finding.trigger.text,
                speaker=finding.speaker,
                sentence=sentence.text,
                span=(sentence.start_char, sentence.end_char),
            )
        )
    return out


def analyse(sentences: Iterable[Sentence], mentions: Sequence[Mention]) -> list[Analysis]:
    """Index each sentence and resolve its anaphors, left to right across the article; done once per doc."""
    by_token: dict[int, tuple[Mention, ...]] = {}
    for mention in mentions:
        for i in range(mention.start, mention.end):
            by_token[i] = (*by_token.get(i, ()), mention)
    memory = Memory()
    analyses = []
    for sentence in sentences:
        an = Analysis(sentence, by_token)
        resolve_anaphors(an, memory)
        analyses.append(an)
    return analyses


def findings_in(analyses: Iterable[Analysis], lexicon: Lexicon, min_actors: int = 1) -> list[tuple[Sentence, Finding]]:
    """Every cue of `lexicon` with its parties, sentence by sentence; sentences naming fewer than
    `min_actors` distinct actors (mentions or resolved anaphors) are skipped."""
    out: list[tuple[Sentence, Finding]] = []
    for an in analyses:
        sentence = an.sentence
        if min_actors > 1 and len(actors_named(an)) < min_actors:
            continue
        for tok in sentence.tokens:
            cue = lexicon.get((tok.lemma, coarse_pos(tok.pos)))
            if cue is None or not (cue.cameo or cue.polarity):
                continue
            finding = find(an, tok, cue, lexicon)
            if finding is not None:
                out.append((sentence, finding))
    return out


def actors_named(an: Analysis) -> set[str]:
    """The distinct actors a sentence names, directly or through a resolved anaphor."""
    found = {m.actor for tok in an.sentence.tokens for m in an.mentions.get(tok.i, ())}
    found.update(p.actor for resolved in an.anaphors.values() for p in resolved)
    return found


def extract_relations(analyses: Iterable[Analysis], lexicon: Lexicon | None = None) -> list[Relation]:
    """All dyadic events of an article, one per source, target, CAMEO root and sentence: of two cues for
    one event ('received medical aid'), the more specific code stays."""
    kept: dict[tuple[str, str, int, int], Relation] = {}
    # a dyad needs two actors in its sentence
    for sentence, finding in findings_in(analyses, lexicon or verb_lexicon(), min_actors=2):
        for relation in relations_from(finding, sentence):
            key = (relation.source, relation.target, relation.root, relation.span[0])
            known = kept.get(key)
            if known is None or (known.cameo.endswith("0") and not relation.cameo.endswith("0")):
                kept[key] = relation
    return list(kept.values())


PLAIN_KEY = "dyadwatch.plain"
"""doc.user_data key where dyad_events leaves the plain parse for dyad_stances, which takes it away."""
ANAPHOR_WORDS = PLURAL_ANAPHORS | SINGULAR_ANAPHORS | PERSON_ANAPHORS


def plain_doc(doc: Doc) -> list[Analysis]:
    """The actor spans and the parse of `doc` as plain, analysed sentences."""
    mentions = plain_mentions(doc)
    return analyse(plain_sentences(doc, mentions), mentions)


def plain_sentences(doc: Doc, mentions: Sequence[Mention]) -> list[Sentence]:
    """The spaCy parse as plain tokens: the one place spaCy types turn into ours.

    Only sentences with an actor mention or an anaphor can hold a dyad, so only those are converted."""
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

    sentences = []
    for sent in doc.sents:
        span = range(sent.start, sent.end)
        if not any(i in covered or name(rows[i][0]).lower() in ANAPHOR_WORDS for i in span):
            continue
        tokens = tuple(
            Token(i, name(r[0]), name(r[1]).lower(), name(r[2]), name(r[3]), i + p[0], p[1])
            for i, r, p in zip(span, rows[sent.start : sent.end], places[sent.start : sent.end], strict=True)
        )
        sentences.append(Sentence(sent.text, sent.start_char, sent.end_char, tokens))
    return sentences


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


@Language.factory("dyad_events", requires=["token.dep", "token.lemma", "doc.spans"], assigns=["doc._.relations"])
def make_dyad_events(nlp: Language, name: str) -> DyadEvents:
    return DyadEvents(verb_lexicon())


class DyadEvents:
    """Sets `doc._.relations` to the article's dyadic CAMEO events."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        analyses = plain_doc(doc)
        doc.user_data[PLAIN_KEY] = analyses
        doc._.relations = extract_relations(analyses, self.lexicon)
        return doc

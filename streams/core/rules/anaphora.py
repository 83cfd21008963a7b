"""Core layer, rule engine: anaphora (a memory of subjects across an article resolves "they", "it", "the bloc")."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from streams.core.rules.arguments import SUBJECT_DEPS, actors_at, conjuncts, parties, subjects
from streams.core.rules.plain import Analysis, Mention, Party, Sentence, Token, mention_text, party_of
from streams.core.words import WORDS


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
    state: Party | None = None
    """The last single state that was a subject, for 'the kingdom', 'the North African country'."""
    states: tuple[Party, ...] = ()
    people: tuple[tuple[str, Party], ...] = ()
    """The people named so far with the words that named them ('lithuania's foreign minister'), the latest last."""
    """The states named so far, the latest last, for 'its neighbour': the latest that is not the owner."""


def analyse(
    sentences: Iterable[Sentence], mentions: Sequence[Mention], dateline: Party | None = None
) -> list[Analysis]:
    """Index each sentence and resolve its anaphors, left to right across the article; done once per doc.

    `dateline` is the state the story speaks from ('KYIV, May 3 (Reuters) - The foreign ministry summoned ...':
    Ukraine), the state 'the government' stands for until one is named as a subject."""
    by_token: dict[int, tuple[Mention, ...]] = {}
    for mention in mentions:
        for i in range(mention.start, mention.end):
            by_token[i] = (*by_token.get(i, ()), mention)
    memory = Memory(state=dateline)
    analyses = []
    for sentence in sentences:
        an = Analysis(sentence, by_token)
        resolve_anaphors(an, memory)
        an.parties = {}  # its anaphors are final: the actors of a token can be kept
        analyses.append(an)
    return analyses


def resolve_anaphors(an: Analysis, memory: Memory) -> None:
    """Resolve pronouns and 'both countries' left to right, updating the memory at each subject mention."""
    last_mention: Party | None = None
    last_actor: Party | None = None
    """The last mention that names an actor, not the owner of a thing ('a Finnish proposal')."""
    last_person: Party | None = None
    lows, lemmas = trigger_words()
    for tok in an.sentence.tokens:
        low = tok.text.lower()
        here = an.mentions.get(tok.i, ())
        if not here and tok.dep not in SUBJECT_DEPS and low not in lows and tok.lemma not in lemmas:
            # no mention, no subject and no word any step below reads: nothing to resolve or remember
            continue
        if len(here) == 1 and here[0].kind == "person":
            last_person = party_of(here[0], mention_text(an, here[0]))
            if tok.i == here[0].end - 1:
                memory.people = (*memory.people, (mention_text(an, here[0]).lower(), last_person))[-6:]
        if len(here) == 1 and here[0].kind not in ("media", "person", "group"):
            last_mention = party_of(here[0], mention_text(an, here[0]))
            if here[0].kind == "igo":
                memory.igo = last_mention
            owned = an.head(tok) if tok.dep in ("amod", "compound", "poss") else None
            if tok.i == here[0].end - 1 and (
                owned is None or owned.i in an.mentions or owned.lemma in WORDS.actor_heads
            ):
                last_actor = last_mention
            if tok.i == here[0].end - 1 and is_state(last_mention):
                memory.states = (*(p for p in memory.states if p.actor != last_mention.actor), last_mention)[-6:]
        if low in WORDS.plural_anaphors and tok.pos in ("PRON", "DET", "CCONJ") and tok.dep != "det":
            if memory.plural:
                an.anaphors[tok.i] = tuple(Party(p.actor, p.role, p.text, True) for p in memory.plural)
        elif low in WORDS.singular_anaphors:
            antecedent = last_mention if low == "its" and last_mention else memory.singular
            if low == "it" and antecedent is not None and antecedent.actor in (doers := clause_subject_actors(an, tok)):
                # 'after Congo accused it of sending troops': an object pronoun is not its clause's subject; 'X
                # ordered the UN mission to leave, accusing it of ...': the last actor named that is not
                other = last_actor if last_actor is not None and last_actor.actor not in doers else None
                antecedent = other or memory.previous
            if antecedent is not None:
                an.anaphors[tok.i] = (Party(antecedent.actor, antecedent.role, antecedent.text, True),)
        elif low in WORDS.person_anaphors and tok.pos == "PRON":
            # 'did not arrest Putin during his visit': a possessive points back inside its sentence
            antecedent = (last_person if tok.dep == "poss" else None) or memory.person or memory.singular
            if antecedent is not None:
                an.anaphors[tok.i] = (Party(antecedent.actor, antecedent.role, antecedent.text, True),)
        elif tok.lemma in WORDS.state_descriptions and not here and is_description(an, tok):
            # 'Saudi Arabia restored ties with Iran. The kingdom said ...': the state last a subject
            if memory.state is not None:
                an.anaphors[tok.i] = (Party(memory.state.actor, memory.state.role, memory.state.text, True),)
        elif tok.lemma in WORDS.state_descriptions and not here and (doers := described_object_doers(an, tok)):
            # 'Phnom Penh ... asked the kingdom to return to talks', 'Chinese warships began drills around the
            # island': a state described as an object is the latest state named that is not its clause's subject
            other = next((p for p in reversed(memory.states) if p.actor not in doers), None)
            if other is not None:
                an.anaphors[tok.i] = (Party(other.actor, other.role, other.text, True),)
        elif tok.lemma in WORDS.person_heads and not here and is_description(an, tok, titled=True):
            # "Lithuania's foreign minister ... The minister had called ...": the last person named by that title
            named = next((p for words, p in reversed(memory.people) if tok.lemma in words.split()), None)
            if named is not None:
                an.anaphors[tok.i] = (Party(named.actor, named.role, named.text, True),)
        elif tok.lemma in WORDS.joint_act_nouns and not here and memory.plural and is_joint_act_subject(an, tok):
            # 'Israel and Hamas agreed to a ceasefire. The deal was brokered by Qatar': the pair last named
            an.anaphors[tok.i] = tuple(Party(p.actor, p.role, p.text, True) for p in memory.plural)
        elif tok.lemma in WORDS.other_state_nouns and tok.text.lower() == tok.lemma and not here:
            # 'Rwanda denied it. Kinshasa has accused its neighbour of ...': the latest state named not the owner
            owned_by = {p.actor for o in an.kids(tok, "poss") for p in owner_of(an, o)}
            other = next((p for p in reversed(memory.states) if p.actor not in owned_by), None) if owned_by else None
            if other is not None:
                an.anaphors[tok.i] = (Party(other.actor, other.role, other.text, True),)
        elif (
            tok.lemma in WORDS.igo_nouns and not here and memory.igo and "the" in {k.lemma for k in an.kids(tok, "det")}
        ):
            an.anaphors[tok.i] = (Party(memory.igo.actor, memory.igo.role, memory.igo.text, True),)
        elif low == "two" and tok.dep in SUBJECT_DEPS and memory.plural and any(k.lemma == "the" for k in an.kids(tok)):
            # 'Jaishankar met Wang Yi ..., and the two agreed to resume flights': the pair last named
            an.anaphors[tok.i] = tuple(Party(p.actor, p.role, p.text, True) for p in memory.plural)
        elif tok.lemma in WORDS.collective_nouns and tok.text.lower() != tok.lemma and memory.plural:
            quantifiers = {k.text.lower() for k in an.kids(tok, "det", "nummod", "predet")}
            theirs = any(k.i in an.anaphors for k in an.kids(tok, "poss"))
            if quantifiers & {"both", "two", "the"} or theirs:
                an.anaphors[tok.i] = tuple(Party(p.actor, p.role, p.text, True) for p in memory.plural)
        if tok.dep in SUBJECT_DEPS and here:
            remember(an, tok, memory)
        elif tok.dep in SUBJECT_DEPS and tok.pos == "NOUN":
            # "India's external affairs minister flew to Moscow. He met ...": the owner of the subject
            owners = actors_at(an, tok)
            partners = parties(an, an.pobjs(tok, ("between",)))
            if len({p.actor for p in partners}) >= 2:
                # 'A ceasefire between Israel and Hezbollah took effect ... The deal, brokered by ...'
                memory.plural = tuple(Party(p.actor, p.role, p.text) for p in partners)
            if len({p.actor for p in owners}) >= 2:
                # 'the Swedish and Finnish defence ministers said their countries ...'
                memory.plural = tuple(Party(p.actor, p.role, p.text) for p in owners)
            elif owners:
                party = Party(owners[0].actor, owners[0].role, owners[0].text)
                if memory.singular is not None and memory.singular.actor != party.actor:
                    memory.previous = memory.singular
                memory.singular = party
                if is_state(party) and (memory.state is None or in_main_clause(an, tok)):
                    memory.state = party
                if tok.lemma in WORDS.person_heads:
                    memory.person = party


_TRIGGERS: list[tuple[object, frozenset[str], frozenset[str]]] = []


def trigger_words() -> tuple[frozenset[str], frozenset[str]]:
    """The lower-cased words and the lemmas that `resolve_anaphors` acts on for a token with no mention and no
    subject arc: made once per `WORDS`."""
    if not _TRIGGERS or _TRIGGERS[0][0] is not WORDS:
        lows = WORDS.plural_anaphors | WORDS.singular_anaphors | WORDS.person_anaphors | {"two"}
        lemmas = (
            WORDS.state_descriptions
            | WORDS.person_heads
            | WORDS.joint_act_nouns
            | WORDS.other_state_nouns
            | WORDS.igo_nouns
            | WORDS.collective_nouns
        )
        _TRIGGERS[:] = [(WORDS, lows, lemmas)]
    return _TRIGGERS[0][1], _TRIGGERS[0][2]


def owner_of(an: Analysis, poss: Token) -> tuple[Party, ...]:
    """Whose a possessive is: a named owner, or for 'its' the subject of the verb the phrase hangs from
    ('Somalia ... accusing its neighbour': Somalia's), else what 'its' was resolved to."""
    if poss.i in an.mentions or poss.i not in an.anaphors:
        return actors_at(an, poss)
    verb = an.head(poss)
    while verb is not None and verb.pos not in ("VERB", "AUX") and verb.dep in ("dobj", "pobj", "prep", "nsubj"):
        verb = an.head(verb)
    doers = subjects(an, verb) if verb is not None and verb.pos in ("VERB", "AUX") else ()
    return doers or actors_at(an, poss)


def is_joint_act_subject(an: Analysis, tok: Token) -> bool:
    """'The deal was brokered by Qatar', 'the swap was mediated by the UAE': a joint act named with 'the' as a
    subject, with no partners of its own ('talks between X and Y', 'their summit', 'the Iran deal')."""
    if tok.dep not in SUBJECT_DEPS or not any(k.lemma == "the" for k in an.kids(tok, "det")):
        return False
    own = [*an.kids(tok, "poss"), *an.pobjs(tok, ("between", "with", "of")), *an.kids(tok, "compound", "amod")]
    return not any(t.i in an.mentions or t.i in an.anaphors for t in own)


def is_state(party: Party) -> bool:
    """A party that speaks for a state (a state, its capital, its government, its officials), not an IGO."""
    return party.role != "IGO"


def is_description(an: Analysis, tok: Token, titled: bool = False) -> bool:
    """'The kingdom said', 'the North African country's foreign ministry', 'the Gulf state', 'the minister'
    (`titled`: a title, its modifiers no actor): one state or person described with 'the', as a subject or an
    owner; not 'the country of origin', not 'countries', not a bare 'the state'."""
    if tok.text.lower() != tok.lemma or tok.pos != "NOUN" or (tok.dep not in SUBJECT_DEPS and tok.dep != "poss"):
        return False
    if not any(k.lemma == "the" for k in an.kids(tok, "det")) or an.kids(tok, "poss") or an.pobjs(tok, ("of", "in")):
        return False
    modifiers = an.kids(tok, "amod", "compound")
    if any(m.i in an.mentions for m in modifiers):
        # 'the Greek government said', 'the Lithuanian minister': the modifier names whose it is
        return False
    if titled:
        return True
    # the subject of a main clause ('The kingdom said'), not of one reported within a sentence whose own subject
    # is the state last named ('South Korea condemned the launch, saying the country had violated ...')
    subject = an.head(tok) if tok.dep == "poss" else tok
    verb = an.head(subject) if subject is not None else None
    above = an.head(verb) if verb is not None and verb.dep == "conj" else None
    if verb is None or not (verb.dep == "ROOT" or (above is not None and above.dep == "ROOT")):
        return False
    return tok.lemma != "state" or bool(modifiers)


def described_object_doers(an: Analysis, tok: Token) -> set[str]:
    """The actors of the clause subject when tok is 'the kingdom', 'the island' as the object of a verb or of a
    phrase of its clause (not 'the country of origin', not with a named modifier); empty otherwise."""
    if tok.text.lower() != tok.lemma or tok.pos != "NOUN" or tok.dep not in ("dobj", "pobj"):
        return set()
    if not any(k.lemma == "the" for k in an.kids(tok, "det")) or an.kids(tok, "poss") or an.pobjs(tok, ("of", "in")):
        return set()
    modifiers = an.kids(tok, "amod", "compound")
    if any(m.i in an.mentions for m in modifiers) or (tok.lemma == "state" and not modifiers):
        return set()
    verb = an.head(tok)
    while verb is not None and verb.pos not in ("VERB", "AUX") and verb.dep in ("prep", "pobj", "dobj"):
        verb = an.head(verb)
    if verb is None or verb.pos not in ("VERB", "AUX"):
        return set()
    return {p.actor for p in subjects(an, verb) if p.actor}


def clause_subject_actors(an: Analysis, pronoun: Token) -> set[str]:
    """The actors named by the subject of the verb a pronoun is the object of, or by the subject it takes from
    the clause above ('..., accusing it of': the participle's doer is the main verb's)."""
    verb = an.head(pronoun)
    if pronoun.dep not in ("dobj", "dative") or verb is None:
        return set()
    own = {m.actor for s in an.kids(verb, "nsubj") for t in conjuncts(an, s) for m in an.mentions.get(t.i, ())}
    return own or {p.actor for p in subjects(an, verb) if p.actor}


def in_main_clause(an: Analysis, subject: Token) -> bool:
    """Whether a subject is of its sentence's main verb, or of a verb coordinated with it ('X said and warned')."""
    verb = an.head(subject)
    if verb is None:
        return False
    above = an.head(verb) if verb.dep == "conj" else None
    return verb.dep == "ROOT" or (above is not None and above.dep == "ROOT")


def remember(an: Analysis, subject: Token, memory: Memory) -> None:
    mentions = [m for t in conjuncts(an, subject) for m in an.mentions.get(t.i, ())]
    people = [m for m in mentions if m.kind == "person"]
    if people:
        memory.person = party_of(people[0], mention_text(an, people[0]))
    agents = [m for m in mentions if m.kind not in ("person", "media")]
    verb = an.head(subject)
    if subject.dep == "nsubj" and verb is not None and verb.lemma in WORDS.meeting_verbs:
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
        if (
            agents[0].kind != "igo"
            and is_state(memory.singular)
            and (memory.state is None or in_main_clause(an, subject))
        ):
            # 'Athens said Turkish jets had flown over Rhodes. The country also protested': the state of the main
            # clause, not of the one it reports
            memory.state = memory.singular

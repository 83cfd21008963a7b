"""Core layer, rule engine: clause and argument finding (subjects, objects, owners, conjuncts -> parties)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from streams.core import cameo
from streams.core.cameo import MATERIAL_COOPERATION
from streams.core.rules.cues import Cue, CueLexicon
from streams.core.rules.plain import Analysis, Party, Token, coarse_pos, mention_text, party_of
from streams.core.words import WORDS

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
CLIMB_FOR_SUBJECT = frozenset({"xcomp", "acomp", "conj", "pcomp", "prep", "advcl", "ccomp", "attr"})


def conjuncts(an: Analysis, tok: Token) -> list[Token]:
    """tok and the tokens coordinated with it ('China and Iran', 'Taiwan, Hong Kong'), also where the parser
    makes the middle of a list an apposition ('Mali, Burkina Faso and Niger': Faso appos, Niger its conj)."""
    out = [tok]
    by_dep = an.by_dep  # read from the index, no copies (kids copies)
    for child in by_dep.get((tok.i, "conj"), ()):
        out.extend(conjuncts(an, child))
    for child in by_dep.get((tok.i, "appos"), ()):
        if (child.i, "conj") in by_dep and child.i in an.mentions and tok.i in an.mentions:
            out.extend(conjuncts(an, child))
    return out


def actors_at(an: Analysis, tok: Token, depth: int = 0) -> tuple[Party, ...]:
    """`_actors_at`, kept per token and depth in `an.parties` once the sentence's anaphors are resolved."""
    kept = an.parties
    if kept is None:
        return _actors_at(an, tok, depth)
    found = kept.get((tok.i, depth))
    if found is None:
        found = kept[(tok.i, depth)] = _actors_at(an, tok, depth)
    return found


def _actors_at(an: Analysis, tok: Token, depth: int = 0) -> tuple[Party, ...]:
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
                        # "... of Egypt, Jordan and Qatar": the parser hangs each on the one before
                        found += tuple(p for t in conjuncts(an, conj) for p in actors_at(an, t, depth + 1))
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
    owners = an.pobjs(tok, ("with",)) if tok.lemma in WORDS.border_nouns else []
    owners += an.kids(tok, "poss", "compound", "amod", "nmod")
    for mod in an.kids(tok, "amod"):
        if mod.lemma in WORDS.owning_participles:
            # 'a Greek-flagged tanker seized by Iranian forces' is Greek: the flag before the 'by' phrase
            owners += an.kids(mod, "npadvmod", "compound", "amod", "nmod", "advmod")
    owners += an.pobjs(tok, ("by",))
    for mod in an.kids(tok, "amod", "acl"):
        if mod.dep == "acl" and mod.lemma in WORDS.owning_participles:
            # 'a company owned by Turkish investors'
            owners += an.kids(mod, "npadvmod", "compound", "amod", "nmod", "advmod")
        if mod.dep == "acl" and mod.lemma in WORDS.serving_participles:
            # 'hackers working for Iran's intelligence ministry'
            owners += an.pobjs(mod, ("for",))
        launched = tok.lemma in WORDS.weapons and mod.lemma in WORDS.authoring_participles
        if mod.dep == "acl" and (tok.lemma not in WORDS.actor_heads or launched):
            # 'war crimes committed by Russian forces', 'a missile fired by Yemen's Houthis' (but 'people displaced by
            # strikes' are not the striker's, nor 'a drone shot down by Ukraine' Ukraine's)
            owners += an.pobjs(mod, ("by",))
    if tok.lemma in WORDS.actor_heads:
        owners += an.pobjs(tok, ("of", "from"))
    if tok.lemma in WORDS.seated_heads:
        owners += an.pobjs(tok, ("in",))
    # the first owner that names an actor; a named one before a pronoun ('its NATO allies' are NATO), and
    # all the objects of its preposition ('the foreign ministers of the DRC and Rwanda', parsed as two)
    resolved: tuple[Party, ...] = ()
    for child in owners:
        found = tuple(p for t in conjuncts(an, child) for p in actors_at(an, t, depth + 1))
        if tok.lemma in WORDS.place_nouns:
            # 'the first strike on NATO territory', 'EU soil': the land of the members, no act on the organisation
            found = tuple(p for p in found if p.role != "IGO")
        if found and child.dep == "pobj":
            prep = an.head(child)
            siblings = [o for o in an.kids(prep, "pobj") if o.i != child.i] if prep is not None else []
            found += tuple(p for o in siblings for t in conjuncts(an, o) for p in actors_at(an, t, depth + 1))
        if found and child.i in an.anaphors:
            resolved = resolved or found
        elif found:
            return found
    if resolved:
        return resolved
    return ()


def parties(an: Analysis, toks: Iterable[Token]) -> tuple[Party, ...]:
    seen: dict[str, Party] = {}
    for tok in toks:
        for conj in conjuncts(an, tok):
            for party in actors_at(an, conj):
                seen.setdefault(party.actor, party)
    return tuple(seen.values())


def subjects(an: Analysis, verb: Token, depth: int = 0) -> tuple[Party, ...]:
    """Who does `verb`: its subject, or the controller up the xcomp/conj chain ('agreed to increase')."""
    # the parser sometimes hangs the subject on the auxiliary ('Egypt and Qatar are mediating')
    own = an.kids(verb, "nsubj", "nsubjpass") or [s for a in an.kids(verb, "aux") for s in an.kids(a, "nsubj")]
    if not own and verb.dep == "ROOT":
        # 'Nauru cut diplomatic ties with Taiwan', parsed with 'Nauru' an adverb: a name opening the sentence
        # before a verb with no subject is its subject
        opening = an.kids(verb, "advmod", "npadvmod")
        own = [m for m in opening if m.i < verb.i and m.pos == "PROPN" and m.i in an.mentions]
    if own:
        if own[0].lemma in WORDS.relative_pronouns and verb.dep == "relcl":
            head = an.head(verb)
            return (parties(an, [head]) or described(an, head, depth)) if head else ()
        # 'ECOWAS leaders meeting in Abuja lifted ...': the parser makes the participle the subject
        return parties(an, own) or parties(an, [s for o in own if o.pos == "VERB" for s in an.kids(o, "nsubj")])
    head = an.head(verb)
    if head is not None and verb.dep == "acl" and head.lemma in WORDS.decision_nouns:
        # "Beijing's decision to sanction US firms": the owner of the decision acts
        # ('an offer from Tehran to host talks', 'a request by the United States to use Spanish ports')
        owners = parties(an, an.kids(head, "poss", "compound", "amod")) or parties(an, an.pobjs(head, ("from", "by")))
        above = an.head(head)
        if not owners and head.dep == "dobj" and above is not None and above.pos in ("VERB", "AUX") and depth <= 5:
            # 'Japan made an offer to host talks', 'Seoul unveiled a plan to send aid'
            return subjects(an, above, depth + 1)
        return owners
    if head is not None and verb.dep == "acl" and head.dep == "ROOT" and head.pos in ("NOUN", "PROPN"):
        # 'Pakistan condoled with Iran', 'The Indian prime minister condoled with Nepal', parsed as a noun with a
        # participle and no verb: the noun is the subject of the sentence's one verb when the participle acts on
        # something (an object, a phrase of its own); one that only says where or by whom it was done is a passive
        # ('Iranian diplomats expelled from Warsaw': `words.acted_on_preps`)
        phrases = an.kids(verb, "prep", "agent")
        acts = bool(an.kids(verb, "dobj")) or any(p.lemma not in WORDS.acted_on_preps for p in phrases)
        return parties(an, [head]) if acts else ()
    if head is None or depth > 5 or verb.dep not in CLIMB_FOR_SUBJECT:
        return ()
    if verb.dep == "xcomp" and head.lemma in WORDS.object_control:
        controllers = an.kids(head, "dobj")
        if controllers:
            return parties(an, controllers)
    if verb.dep == "ccomp" and head.pos != "ADJ":
        return ()
    return subjects(an, head, depth + 1)


def described(an: Analysis, noun: Token, depth: int) -> tuple[Party, ...]:
    """Who did what a descriptive noun sums up: 'a trip that drew rebukes', 'a move that drew a rebuke' set
    beside a clause (as an apposition or an adverbial noun) are that clause's act, done by its subject."""
    if noun.dep not in ("appos", "npadvmod") or depth > 5:
        return ()
    tok: Token | None = noun
    for _ in range(6):
        tok = an.head(tok) if tok is not None else None
        if tok is None:
            return ()
        if tok.pos in ("VERB", "AUX"):
            return subjects(an, tok, depth + 1)
    return ()


def arguments(an: Analysis, tok: Token, cue: Cue, lexicon: CueLexicon) -> tuple[tuple[Party, ...], tuple[Party, ...]]:
    """Sources and targets of a cue of a plain or complement frame (judged frames: `governance.judged_parties`)."""
    if cue.pos == "noun":
        return noun_arguments(an, tok, cue, lexicon)
    targets: list[Token] = []
    modified = participle_noun(an, tok)
    passive_subject = [antecedent(an, t) for t in an.kids(tok, "nsubjpass")] or modified
    # 'was granted a loan by the World Bank', 'were declared persona non grata by Sweden': the parser may hang the
    # agent on the object or the predicate
    agents = (
        an.pobjs(tok, ("by",)) + [a for o in an.kids(tok, "dobj", "oprd") for a in an.pobjs(o, ("by",))]
        if passive_subject
        else []
    )
    if passive_subject:
        # 'was attacked by drones from Russia': the agent, or whoever the agent belongs to
        sources = parties(an, agents) or parties(an, [o for a in agents for o in an.pobjs(a, ("from", "of"))])
        if not sources and any(a.lemma in WORDS.seated_heads for a in agents):
            # 'kidnapped by militants in Pakistan's Balochistan': armed groups count for where they operate
            sources = parties(an, an.pobjs(tok, ("in",)))
        if not agents:
            # 'two soldiers were killed in a Pakistani drone strike': the owner of the attack acted
            sources = parties(an, [o for o in an.pobjs(tok, ("in", "during")) if is_attack(o, lexicon)])
        if not modified:
            # (a participle's noun stands for its agent: 'a deal brokered by China' is China's)
            targets.extend(passive_subject)
    else:
        sources = subjects(an, tok)
    objs = named_objects(an, tok, an.kids(tok, "dobj") or shared_objects(an, tok))
    objs = [antecedent(an, o) for o in objs]
    if cue.object:
        targets.extend(objs)
        # 'a campaign of mass expulsions that UN agencies condemned': an act in the object stands for its doer
        targets.extend(t for o in objs if o.i != tok.i and is_event_noun(o, lexicon) for t in doers(an, o, lexicon))
    # 'lent Egypt three billion dollars', 'sent Ukraine tanks'
    targets.extend(an.kids(tok, "dative"))
    targets.extend(aimed_objects(an, tok, cue.preps))
    # 'imposed sanctions and an arms embargo on Belarus': the phrase of a coordinated object is the verb's too
    for obj in (c for o in objs for c in conjuncts(an, o)):
        targets.extend(phrase_objects(an, obj, cue.preps))
        # 'imposed a package of sanctions on Belarus'
        for inner in an.pobjs(obj, ("of",)):
            targets.extend(an.pobjs(inner, cue.preps))
    if objs and cue.object and not passive_subject:
        # 'dismissed the proposal by Kyiv', with 'by' attached to the verb
        targets.extend(an.pobjs(tok, ("by",)))
    if not parties(an, targets):
        # the cue's second-choice prepositions, on the verb or its object
        seconds = [*an.pobjs(tok, cue.fallback_preps), *(o for obj in objs for o in an.pobjs(obj, cue.fallback_preps))]
        targets.extend(t for t in seconds if t.lemma not in WORDS.border_nouns)
    if cue.frame == "complement":
        for comp in an.kids(tok, "ccomp", "xcomp"):
            # a clause the parser makes a noun ('demanded that Venezuela release ...', 'declared a Russian embassy
            # employee persona non grata'): its compound is its subject
            said = an.kids(comp, "nsubj", "nsubjpass")
            targets.extend(said or (an.kids(comp, "compound") if comp.pos == "NOUN" else []))
        if an.kids(tok, "xcomp"):
            targets.extend(objs)
    if cue.symmetric and not sources:
        # 'fighting between Armenia and Azerbaijan killed dozens': the partners act on each other
        between = parties(an, an.pobjs(tok, ("between",)))
        if len(between) >= 2:
            return between, ()
    # the source's own ('lifted its ban on travel ... to Lebanon') is no target, and leaves the search open
    found = tuple(p for p in parties(an, targets) if p.actor not in {s.actor for s in sources})
    if not found and not passive_subject and tok.dep == "xcomp":
        cause = an.head(tok)
        if cause is not None and cause.lemma in WORDS.causing_verbs and an.kids(cause, "dobj"):
            # 'stormed the embassy, prompting Mexico to cut ties': the reaction is to whoever prompted it
            found = subjects(an, cause)
    if not found and modified and cue.cameo and cameo.is_consultation(cue.cameo):
        # 'restored relations with Iran in a deal brokered by China', 'initialled the text ... in a ceremony
        # hosted by President Trump': the host or mediator acts on the parties of what it hosted
        found = participants(an, modified[0])
    if not found and cue.cameo is not None and cue.polarity is None and not (cue.symmetric and len(sources) > 1):
        # events only: a stance with no actor in its frame is about a policy ('backed the plan for talks')
        # the phrases the frame pointed at (not what was done to), and the verb's objects, are searched inside
        pointed = [t for t in targets if t not in passive_subject]
        found = phrase_parties(an, tok, [*objs, *pointed], lexicon, {s.actor for s in sources})
    if not found and cue.clause_target:
        found = clause_parties(an, tok, cue, lexicon, {s.actor for s in sources})
    if found and cue.cameo is not None and helps_materially(cue.cameo):
        # 'sent troops to join the UN peacekeeping force in Haiti': the help goes to the state the force is in
        found = host_states(an, tok, targets, {s.actor for s in sources}) or found
    return sources, found


def helps_materially(code: str) -> bool:
    """True for material cooperation (quad 2) and an intention of it ('ready to contribute troops', 031, 033)."""
    return cameo.quad_class_of(cameo.root_of(code)) == MATERIAL_COOPERATION or code[:3] in ("031", "033")


def host_states(an: Analysis, cue_tok: Token, targets: Iterable[Token], own: set[str]) -> tuple[Party, ...]:
    """The states that host the international bodies among the targets of `cue_tok` ('a new African Union force
    in Somalia', 'to join the UN force in Haiti' with 'in Haiti' on the verb), other than `own`; () when no
    target is such a body with its place named."""
    found: dict[str, Party] = {}
    for tok in targets:
        owners = actors_at(an, tok) if tok.lemma in WORDS.stationed_nouns else ()
        if not owners or any(p.role != "IGO" for p in owners):
            continue
        for party in parties(an, [*an.pobjs(tok, ("in",)), *an.pobjs(cue_tok, ("in",))]):
            if party.actor not in own and party.role is None:
                found.setdefault(party.actor, replace(party, place=True))
    return tuple(found.values())


def antecedent(an: Analysis, tok: Token) -> Token:
    """The noun a relative pronoun stands for ('migrants who were shot', 'expulsions that UN agencies
    condemned'); any other token itself."""
    verb = an.head(tok)
    head = an.head(verb) if verb is not None else None
    if tok.lemma in WORDS.relative_pronouns and verb is not None and verb.dep == "relcl" and head is not None:
        return head
    return tok


def doers(an: Analysis, noun: Token, lexicon: CueLexicon) -> list[Token]:
    """The tokens naming who did the act a noun cue names, as its own arguments find them."""
    cue = lexicon.get((noun.lemma, "noun"))
    if cue is None or an.mentions.get(noun.i):
        return []
    found = {p.actor for p in noun_arguments(an, noun, cue, lexicon)[0]}
    return [t for t in an.sentence.tokens if any(m.actor in found for m in an.mentions.get(t.i, ()))][:1]


def participle_noun(an: Analysis, verb: Token) -> list[Token]:
    """The noun a passive participle with a by-agent and no subject of its own modifies, as its passive subject
    ('sanctions imposed by the EU on Russia', 'a deal brokered by China'); [] for any other verb."""
    head = an.head(verb)
    if verb.dep != "acl" or head is None or an.kids(verb, "nsubj", "nsubjpass") or not an.pobjs(verb, ("by",)):
        return []
    return [head]


def participants(an: Analysis, noun: Token) -> tuple[Party, ...]:
    """Who took part in the event a noun names: its own partners ('talks between X and Y', 'their summit'),
    else the clause it stands in, the subjects and the partners of the verb it hangs from or of its object
    ('Saudi Arabia restored relations with Iran in a deal')."""
    own = parties(an, [*an.pobjs(noun, ("between", "with")), *an.kids(noun, "poss")]) or an.anaphors.get(noun.i, ())
    if own:
        return own
    # up to the verb, through a phrase of its object ('initialled an agreement in a ceremony hosted by ...')
    tok: Token | None = noun
    for _ in range(4):
        if tok is None or tok.pos in ("VERB", "AUX") or tok.dep not in ("pobj", "prep", "dobj", "nsubjpass"):
            break
        tok = an.head(tok)
    verb = tok
    if verb is None or verb.pos not in ("VERB", "AUX") or verb.i == noun.i:
        return ()
    objects = [o for o in an.kids(verb, "dobj") if o.i != noun.i]
    partners = [*an.pobjs(verb, ("with", "to")), *objects, *(p for o in objects for p in an.pobjs(o, ("with", "to")))]
    return parties(an, partners) + subjects(an, verb)


def phrase_parties(
    an: Analysis, verb: Token, objs: list[Token], lexicon: CueLexicon, own: Iterable[str] = ()
) -> tuple[Party, ...]:
    """PETRARCH's default target, for a cue whose frame names none: the first actor inside the verb phrase,
    nearest first, marked `inferred` (lower confidence). The phrase is the verb's objects and its target
    prepositions ('hit back at Argentina'), then, level by level, what hangs in them: prepositional phrases
    ('talks between the presidents of Armenia and Azerbaijan', 'a ban on flights to Georgia'), participles
    without a subject of their own ('a boat carrying members of the Venezuelan gang', 'the sanctions imposed on
    Niger') and a complement verb that is no cue itself ('refused to accept two U.S. military planes'). It
    never enters a clause with its own subject, nor a phrase of time ('after talks with Iran'), of place ('in
    Paris', which `places` reads) or of topic ('disputes over Taiwan'); a border names only its 'with' side
    ('its border with Guyana', not 'near the Turkish border'). Below the first level a pronoun names no one;
    the actors of `own` (the sources) are passed over."""
    skip = set(own)
    level = list({t.i: t for t in [*objs, *an.pobjs(verb, WORDS.pattern_target_preps)]}.values())
    level += [c for c in an.kids(verb, "xcomp") if not is_cue(c, lexicon) and not an.kids(c, "nsubj")]
    level.sort(key=lambda t: t.i)
    for depth in range(PHRASE_DEPTH):
        named = [t for t in level if t.lemma not in WORDS.border_nouns and t.pos != "VERB"]
        named += [o for t in level if t.lemma in WORDS.border_nouns for o in an.pobjs(t, ("with",))]
        if depth > 0:
            # a pronoun deep in the phrase ('at a ceremony marking its anniversary') is too far to trust
            named = [t for t in named if not pronoun_owned(an, t)]
        found = tuple(p for p in parties(an, named) if p.actor not in skip)
        if found:
            return tuple(replace(p, inferred=True) for p in found)
        level = sorted((inner for tok in level for inner in phrase_children(an, tok)), key=lambda t: t.i)
        if not level:
            break
    return ()


PHRASE_DEPTH = 4


def clause_parties(
    an: Analysis, tok: Token, cue: Cue, lexicon: CueLexicon, own: Iterable[str] = ()
) -> tuple[Party, ...]:
    """For a cue about an act a clause names (`Cue.clause_target`): the first actor of that clause, its subject
    first, then its objects and what hangs in them (`phrase_parties`), passing over `own`. The clause is the
    cue's complement ('investigating whether Myanmar's military used ...'), the clause of its target
    preposition ('an investigation into how a Russian drone crashed'), or one that says what its object or
    that preposition's object is ('denied reports that it was helping Russia', 'looking into allegations that
    Eritrean troops killed ...'); a clause inside the clause is read next ('helping Russia evade sanctions')."""
    nouns = [*an.kids(tok, "dobj"), *an.pobjs(tok, cue.preps)]
    verb = an.head(tok)
    if cue.pos == "noun" and tok.dep == "dobj" and verb is not None and verb.pos in ("VERB", "AUX"):
        # 'opened an inquiry into reports that Ethiopian troops executed ...', 'into' hung on the verb
        nouns += an.pobjs(verb, cue.preps)
    clauses = [*an.kids(tok, "ccomp")]
    clauses += [c for p in an.kids(tok, "prep") if p.lemma in cue.preps for c in an.kids(p, "pcomp")]
    clauses += [c for n in nouns for c in an.kids(n, "acl", "ccomp", "advcl") if an.kids(c, "nsubj", "nsubjpass")]
    for _ in range(2):
        inner: list[Token] = []
        for clause in sorted(clauses, key=lambda t: t.i):
            named = [*an.kids(clause, "nsubj", "nsubjpass"), *an.kids(clause, "dobj", "dative")]
            found = phrase_parties(an, clause, named, lexicon, own)
            if found:
                return found
            inner += an.kids(clause, "ccomp", "xcomp")
        clauses = inner
    return ()


def pronoun_owned(an: Analysis, tok: Token) -> bool:
    """A pronoun, or a noun owned by one ('its anniversary')."""
    return tok.i in an.anaphors or any(o.i in an.anaphors for o in an.kids(tok, "poss"))


def phrase_children(an: Analysis, tok: Token) -> list[Token]:
    """What the verb-phrase fallback reads inside a token, one level down (`phrase_parties`)."""
    if tok.lemma in WORDS.border_nouns:
        return []
    closed = WORDS.place_preps | WORDS.time_preps | WORDS.place_of_action_preps
    out = [o for p in an.kids(tok, "prep") if p.lemma not in closed for o in an.kids(p, "pobj", "pcomp")]
    if tok.pos == "VERB":
        # a participle or a complement verb: its objects first
        out += an.kids(tok, "dobj", "dative")
    out += [c for c in an.kids(tok, "acl", "xcomp", "appos") if not an.kids(c, "nsubj", "nsubjpass")]
    return out


def is_cue(tok: Token, lexicon: CueLexicon) -> bool:
    cue = lexicon.get((tok.lemma, coarse_pos(tok.pos)))
    return cue is not None and (cue.cameo is not None or cue.control is not None)


def named_objects(an: Analysis, verb: Token, objs: list[Token]) -> list[Token]:
    """The objects of a verb, or what a free relative names: 'condemned what it called dangerous manoeuvres by
    Chinese ships' is about the manoeuvres (the parser makes 'what it called ...' a ccomp with 'what' its dobj)."""
    if objs:
        return objs
    out: list[Token] = []
    for naming in an.kids(verb, "ccomp"):
        if naming.lemma in WORDS.naming_verbs and any(o.lemma == "what" for o in an.kids(naming, "dobj")):
            out.extend(an.kids(naming, "oprd") + an.pobjs(naming, ("as",)))
            if not an.kids(naming, "auxpass"):
                # the parser hangs 'by Chinese ships' on the naming verb
                out.extend(an.pobjs(naming, ("by",)))
    return out


def is_event_noun(tok: Token, lexicon: CueLexicon) -> bool:
    """True for a noun that is itself an event cue ('the condemnation of the attack by Russia')."""
    cue = lexicon.get((tok.lemma, "noun"))
    return cue is not None and cue.cameo is not None


def is_attack(tok: Token, lexicon: CueLexicon) -> bool:
    """True for a noun that names an act of material conflict ('strike', 'attack', 'shelling')."""
    cue = lexicon.get((tok.lemma, "noun"))
    return cue is not None and cue.cameo is not None and cameo.is_material_conflict(cue.cameo)


def shared_objects(an: Analysis, verb: Token) -> list[Token]:
    """The object of a coordinated verb ('condemned and sanctioned Iran': both verbs act on Iran)."""
    head = an.head(verb)
    if verb.dep == "conj" and head is not None and head.pos == "VERB":
        return an.kids(head, "dobj")
    return [o for c in an.kids(verb, "conj") if c.pos == "VERB" and not an.kids(c, "nsubj") for o in an.kids(c, "dobj")]


def of_a_border(an: Analysis, tok: Token) -> bool:
    """True for the object of a 'with' right after a border noun, whatever the parser hung it on ('along the
    frontier with Pakistan': the frontier's partner, not the act's)."""
    prep = an.head(tok)
    before = an.by_i.get(prep.i - 1) if prep is not None and prep.lemma == "with" else None
    return before is not None and before.lemma in WORDS.border_nouns


def says_something(cue: Cue) -> bool:
    """True for a cue of a verbal act (CAMEO quad 1 or 3: an invitation, an appeal, a demand, a warning), whose
    'from' names who said it; not a deed ('withdrawal from', 'imports from')."""
    return cue.cameo is not None and cameo.is_verbal(cue.cameo)


def asked_for(an: Analysis, noun: Token, lexicon: CueLexicon) -> bool:
    """True for the object of a verb of asking ('demanded an apology from Tokyo', 'sought assurances from'): what
    is asked 'from' someone is not yet said by them."""
    head = an.head(noun)
    entry = lexicon.get((head.lemma, "verb")) if head is not None and noun.dep == "dobj" else None
    return entry is not None and entry.cameo is not None and cameo.is_request(entry.cameo)


def noun_arguments(
    an: Analysis, noun: Token, cue: Cue, lexicon: CueLexicon
) -> tuple[tuple[Party, ...], tuple[Party, ...]]:
    owners = an.kids(noun, "poss") or [t for t in an.kids(noun, "compound", "amod", "nmod") if t.i in an.mentions]
    if not owners:
        # 'a Pakistani drone strike', 'an Israeli air strike southwest of Beirut': the parser hangs the owner on a
        # compound of the noun, or on the compass word it makes the noun a compound of
        compass = compass_of(an, noun)
        holders = [m for m in an.kids(noun, "compound") if m.i not in an.mentions]
        if compass is not None:
            holders.append(compass)
        owners = [t for h in holders for t in an.kids(h, "poss", "amod") if t.i in an.mentions]
    own = parties(an, owners)
    # 'the killing of an Iranian general by Israel': any act names its doer with 'by'; and words ('an invitation
    # from Kyiv', 'calls from Brussels', 'a warning from Washington') name their speaker with 'from'
    spoken = says_something(cue) and not asked_for(an, noun, lexicon)
    source_toks = an.pobjs(noun, (*cue.source_preps, "by", *(("from",) if spoken else ())))
    target_toks = phrase_objects(an, noun, cue.preps)
    between = an.pobjs(noun, ("between",))
    for again in elided_repeats(an, noun):
        # 'The talks in Riyadh were the first between Washington and Moscow', 'the visit was the first to Cuba by a
        # U.S. president': the phrases of 'the first' are the noun's
        source_toks += an.pobjs(again, (*cue.source_preps, "by"))
        target_toks += an.pobjs(again, cue.preps)
        between += an.pobjs(again, ("between",))
    for inner in an.pobjs(noun, ("of",)):
        # 'tariffs of 25 percent on Canadian steel', 'an exchange of prisoners between Russia and Ukraine',
        # 'the expulsion of two Russian diplomats by Slovakia': the parser hangs the phrase on the 'of' object
        target_toks += an.pobjs(inner, [p for p in cue.preps if p not in WORDS.place_preps])
        between += an.pobjs(inner, ("between",))
        if not is_event_noun(inner, lexicon):
            source_toks += an.pobjs(inner, (*cue.source_preps, "by"))
    for held in (noun, *an.pobjs(noun, ("of",))):
        # 'the ban on Russian oil imposed by the EU', 'the suspension of coal exports ordered by Petro': an
        # authoring participle's agent did the act (the parser may hang it on the 'of' object)
        authoring = [mod for mod in an.kids(held, "acl") if mod.lemma in WORDS.authoring_participles]
        source_toks += [a for mod in authoring for a in an.pobjs(mod, ("by",))]
    measure = an.head(an.head(noun) or noun) if is_of_phrase(an, noun) else None
    if measure is not None:
        # 'a wave of strikes on Hezbollah positions', 'a round of talks with Iran': on the measure noun
        target_toks += an.pobjs(measure, cue.preps)
    head = an.head(noun)
    amount = amount_of(an, noun)
    verb_of = head if noun.dep == "dobj" else (an.head(amount) if amount is not None else None)
    if verb_of is not None:
        # 'drew condemnation from Kabul', 'imposed sanctions on Iran', 'announced $3 billion in military aid to
        # Ukraine': the phrase hangs from the verb
        source_toks += an.pobjs(verb_of, cue.source_preps)
        if spoken and noun.dep == "dobj" and drawn_by(an, noun):
            # 'drew praise from the European Union', with 'from' on the verb
            source_toks += an.pobjs(verb_of, ("from",))
        # but no partner of a joint act from the parser's 'with' of a border ('stepped up patrols along the
        # frontier with Pakistan' are no joint patrols with Pakistan)
        target_toks += [t for t in an.pobjs(verb_of, cue.preps) if not (cue.mutual and of_a_border(an, t))]
    sources = own + parties(an, source_toks)
    if not sources and noun.lemma in WORDS.seated_acts:
        # 'the detention of the writer in China': an arrest with no doer named is the state's it happens in
        places = [p for held in (noun, *an.pobjs(noun, ("of",))) for p in an.pobjs(held, ("in",))]
        sources = tuple(p for p in parties(an, places) if p.role != "IGO")
        if sources:
            target_toks = [t for t in target_toks if t not in places]
    # the source's own ('the EU's criticism of its new law', 'its' read as the EU) is no target, and leaves the
    # search open, as for a verb
    doing = {s.actor for s in sources}
    targets = tuple(p for p in parties(an, target_toks) if p.actor not in doing) or tuple(
        p for p in parties(an, an.pobjs(noun, cue.fallback_preps)) if p.actor not in doing
    )
    if cue.symmetric and not sources and not targets:
        # 'talks between Serbia and Kosovo': the coordinated partners act on each other
        sources = parties(an, between)
    if cue.symmetric and not sources and not targets and cue.cameo is not None and cameo.is_consultation(cue.cameo):
        # 'a meeting of Indian and Chinese defence ministers', 'a summit of the leaders of Russia and China': those
        # of a meeting met each other (a meeting of one side's, 'of NATO foreign ministers', names no pair)
        attendees = parties(an, an.pobjs(noun, ("of",)))
        sources = attendees if len(attendees) >= 2 else ()
    meeting = cue.symmetric or (cue.cameo is not None and cameo.is_consultation(cue.cameo))
    if meeting and not targets and len(own) >= 2 and len(an.kids(noun, "poss")) < 2:
        # 'the Chinese-Russian summit', 'Indian and Pakistani talks': the owners met each other
        return own, own
    if not sources:
        sources = borrowed_subjects(an, noun, lexicon)
        # a meeting of partners needs one named ('after talks with Kim', not 'during their summit'); a visit or
        # a call of one side does not
        joined = targets if cue.symmetric else meeting
        # 'after months of negotiations with Beijing', 'after a round of talks with Kim': the phrase of the measure
        framing = measured_by(an, noun) or noun
        outer = an.head(framing)
        if not sources and joined and framing.dep == "pobj" and outer is not None:
            if outer.lemma in WORDS.meeting_preps and outer.dep == "prep":
                # 'After talks with Kim Jong Un, the Russian president promised ...', 'said ... after a phone
                # call with President Trump', 'said during a visit to Minsk'; also where the parser hangs the
                # phrase on an object or a phrase of the clause ('reached an agreement ... after a phone call
                # with', 'praised ... for its partnership in fighting terrorism during talks with')
                sources = clause_doers(an, outer)
        if not sources and not targets and meeting and noun.dep == "pobj" and head is not None and head.lemma == "by":
            # 'told Egyptian President al-Sisi by phone that ...', 'assured Zelensky by telephone': the telling was
            # a call, from its subject to whom it told (a verb that is a contact itself, 'spoke by phone with',
            # codes it alone)
            verb = an.head(head)
            own_cue = lexicon.get((verb.lemma, "verb")) if verb is not None else None
            contact = own_cue is not None and own_cue.cameo is not None and cameo.is_consultation(own_cue.cameo)
            if verb is not None and verb.pos == "VERB" and head.dep == "prep" and not contact:
                sources = subjects(an, verb)
                targets = parties(an, an.kids(verb, "dobj", "dative"))
        consult = cue.mutual and cue.cameo is not None and cameo.is_consultation(cue.cameo)
        if not sources and not targets and not owners and consult and noun.dep == "pobj" and head is not None:
            if head.lemma in WORDS.meeting_preps and head.dep == "prep":
                # 'Somalia and Ethiopia agreed ... after talks in Ankara', 'Serbia offered concessions to Kosovo
                # during talks in Brussels': talks that name no partner nor owner ('during their summit') are
                # between the clause's parties when it names two (its subjects; during the talks, also whom it
                # acts on)
                partners = participants(an, noun) if head.lemma == "during" else clause_doers(an, head)
                sources = partners if len(partners) >= 2 else ()
        if meeting and head is not None and head.lemma in WORDS.participation_verbs:
            # 'leaders of France and Italy attended a summit': attendees are not a dyad
            return (), ()
    elif not targets and (cue.target_from_clause or (noun.dep == "dobj" and drawn_by(an, noun))):
        # 'drew condemnation from Athens', 'drawing a threat from Paris': a reaction to the clause's subject
        targets = clause_subjects(an, noun, lexicon)
    elif not targets and spoken and noun.dep == "dobj" and not own and parties(an, an.pobjs(noun, ("from",))):
        # 'Israel rejected calls from France and Britain for a halt': words from another, the object of a verb,
        # were addressed to its subject; and they are no meeting of their speakers (nor a joint act: 'received a
        # phone call from Tehran' is Tehran's call)
        targets = tuple(replace(p, inferred=True) for p in clause_subjects(an, noun, lexicon))
        if not targets:
            return (), ()
    partners = parties(an, between) if not targets and not cue.symmetric else ()
    if len(partners) >= 2 and {s.actor for s in sources} <= {p.actor for p in partners}:
        # 'an exchange of prisoners between Russia and Ukraine': each way (also when 'their' names the pair,
        # which the self-target rule of `findings.find` must not take for the subject itself)
        return partners, tuple(replace(p, resolved=False) for p in partners)
    if not cue.symmetric and not targets and len(sources) >= 2 and any(an.kids(b, "poss") for b in between):
        # 'Japan and South Korea agreed to resume visits between their leaders'
        return sources, sources
    if sources and not targets and cue.cameo is not None and cue.polarity is None and not cue.symmetric:
        # PETRARCH's default target for a nominal event too: 'Moscow's ban on transit of Ukrainian goods'
        targets = phrase_parties(an, noun, an.pobjs(noun, ("of",)), lexicon, {s.actor for s in sources})
    if sources and not targets and cue.clause_target:
        targets = clause_parties(an, noun, cue, lexicon, {s.actor for s in sources})
    return sources, targets


def measured_by(an: Analysis, noun: Token) -> Token | None:
    """The span of time or the series a noun is counted in ('months of negotiations', 'a round of talks'), else
    None."""
    prep = an.head(noun)
    measure = an.head(prep) if prep is not None and is_of_phrase(an, noun) else None
    if measure is None or measure.lemma not in WORDS.time_units | WORDS.series_nouns:
        return None
    return measure


def elided_repeats(an: Analysis, noun: Token) -> list[Token]:
    """The adjective a copula gives a subject noun that stands for that noun again ('The talks were the first
    between ...': 'the first' talks); [] for any other noun."""
    head = an.head(noun)
    if noun.dep != "nsubj" or head is None or head.lemma != "be":
        return []
    return [a for a in an.kids(head, "attr") if a.pos == "ADJ" and an.kids(a, "det")]


CLAUSE_PHRASE_DEPS = frozenset({"dobj", "pobj", "prep", "pcomp", "xcomp"})
"""Arcs a phrase of time climbs to reach the verb of its clause: an object, a prepositional phrase, a
complement verb with no subject of its own."""


def clause_doers(an: Analysis, prep: Token) -> tuple[Party, ...]:
    """The subjects of the clause a phrase of time (`prep`, 'after', 'during') belongs to: those of the verb it
    hangs from, or, where the parser hangs it on an object or inside a phrase of the clause ('reached an agreement
    ... after a phone call with', 'praised X for its partnership in fighting terrorism during talks with'), of the
    first verb above it that has any."""
    tok: Token | None = an.head(prep)
    for _ in range(6):
        if tok is None:
            return ()
        if tok.pos in ("VERB", "AUX"):
            found = subjects(an, tok)
            if not found and an.kids(tok, "nsubj"):
                # 'Aoun asked France to ..., the presidency said after a phone call with Macron': a reporting
                # subject that is no actor speaks for the subject of what it reports
                found = tuple(p for comp in an.kids(tok, "ccomp") for p in subjects(an, comp))
            if found or tok.dep not in CLAUSE_PHRASE_DEPS:
                return found
        elif tok.dep not in CLAUSE_PHRASE_DEPS:
            return ()
        tok = an.head(tok)
    return ()


NEARNESS_PREPS = frozenset({"outside", "near"})
"""The prepositions that 'in front of' and 'in the vicinity of' stand for (words.toml `front_nouns`)."""


def aimed_objects(an: Analysis, tok: Token, preps: Iterable[str]) -> list[Token]:
    """The objects of the prepositions `preps` on `tok`, and, where they include 'outside' or 'near', the object of
    'in front of' or 'in the vicinity of' ('rallied in front of the US embassy')."""
    wanted = set(preps)
    out = an.pobjs(tok, wanted)
    if wanted & NEARNESS_PREPS:
        out += [o for f in an.pobjs(tok, ("in",)) if f.lemma in WORDS.front_nouns for o in an.pobjs(f, ("of",))]
        # 'moved troops to positions near the Ukrainian border': what the spot they went to is near
        spots = [f for f in an.pobjs(tok, ("to", "into", "at")) if f.lemma in WORDS.position_nouns]
        out += [o for f in spots for o in an.pobjs(f, wanted)]
    return out


def phrase_objects(an: Analysis, noun: Token, preps: Iterable[str]) -> list[Token]:
    """The objects of the prepositions `preps` on a noun, also where the parser hangs them on its measure or the
    amount of it ('a trade deal worth $1 billion with Kenya', 'contracts worth 5 billion euros with France')."""
    measures = [m for m in an.kids(noun, "amod") if m.lemma in WORDS.measure_words]
    measures += [a for m in measures for a in an.kids(m, "npadvmod", "pobj")]
    return [*an.pobjs(noun, preps), *(o for m in measures for o in an.pobjs(m, preps))]


def drawn_by(an: Analysis, noun: Token) -> bool:
    """True for the object of a verb whose object is a reaction to its subject ('drew a rebuke')."""
    head = an.head(noun)
    return head is not None and head.lemma in WORDS.drawing_verbs


def each_other(an: Analysis, tok: Token) -> bool:
    """'blamed each other', 'fought one another': the subjects are also the targets."""
    near = [*an.kids(tok, "dobj"), *(o for p in an.kids(tok, "prep") for o in an.kids(p, "pobj"))]
    return any(t.lemma in ("other", "another") and an.kids(t, "det", "nummod") for t in near)


def amount_of(an: Analysis, noun: Token) -> Token | None:
    """The amount a noun is counted in when that amount is a verb's object ('pledged 50 million euros in
    grants', 'announced $3 billion in military aid'): the amount stands in the noun's place; else None."""
    prep = an.head(noun)
    amount = an.head(prep) if prep is not None and noun.dep == "pobj" and prep.lemma == "in" else None
    if amount is None or amount.dep != "dobj" or not (amount.pos == "NUM" or amount.lemma in WORDS.amount_nouns):
        return None
    verb = an.head(amount)
    return amount if verb is not None and verb.pos in ("VERB", "AUX") else None


TALKING = ("040", "041")
"""CAMEO codes of talking with someone (consult, discuss by telephone): what such a verb takes as its object is
its topic ('discussed the war in Sudan'), not a travel or a visit ('flew a joint patrol')."""


def compass_of(an: Analysis, noun: Token) -> Token | None:
    """The compass word the parser made an act noun a compound or modifier of, and so the phrase's head ('carried
    out air strikes southwest of Baghdad', 'kept up heavy shelling north of Kharkiv': 'southwest', 'north'); None
    for any other noun."""
    head = an.head(noun)
    if noun.dep in ("compound", "amod") and head is not None and head.lemma in WORDS.directions:
        return head
    return None


def borrowed_subjects(an: Analysis, noun: Token, lexicon: CueLexicon) -> tuple[Party, ...]:
    """The subject of the clause a nominal cue is the object of ('conducted drills', 'at tensions with'); an act
    noun the parser hung on a compass word stands where the compass word does (`compass_of`)."""
    tok = compass_of(an, noun) or amount_of(an, noun) or noun
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
    if head is None or head.lemma in WORDS.drawing_verbs:
        # 'the killing of a trader by Iranian guards sparked protests': a reaction is not by what drew it
        return ()
    if tok.dep in ("dobj", "attr", "nsubjpass") and head.pos in ("VERB", "AUX"):
        own = lexicon.get((head.lemma, "verb"))
        # a verb that is an event about its object ('opposed arms sales', 'sent aid') keeps its subject
        # to itself; one that is not ('flew a joint patrol') or is a light verb here ('struck a deal') lends it
        # ('launched a full-scale invasion': 'launch' needs a weapon or an attack to be an event itself)
        owns = (
            own is not None
            and own.cameo
            and own.control is None
            and (own.object or own.require_object)
            and tok.lemma not in own.lends
            and requirement_met(an, own, head)
        )
        # nor does one whose object is what was talked about ('the two leaders discussed a railway link and the
        # war in neighbouring Sudan': they did not wage it)
        talked_about = own is not None and own.cameo is not None and not own.object and own.cameo[:3] in TALKING
        return () if owns or talked_about else subjects(an, head)
    if tok.dep == "pobj" and head.lemma in ("at", "in", "into", "on") and head.dep == "prep":
        verb = an.head(head)
        if verb is not None and verb.pos in ("VERB", "AUX"):
            return subjects(an, verb)
    return ()


def cue_words(an: Analysis, tok: Token) -> tuple[set[str], set[str]]:
    """The words (lemmas and lower-cased texts) near a cue token that its `require_object` and `refine` read:
    the token, its modifiers, objects, particle and a span of time it is given, the objects of its prepositions,
    the modifiers and 'of' objects of its objects; and, apart, the words of its subject."""
    near = [tok, *an.kids(tok, "amod", "compound", "dobj", "nmod", "dative", "prt")]
    # a deadline given: 'gave the U.S. ambassador 72 hours to leave', where the parser makes 'hours' adverbial
    near += [t for t in an.kids(tok, "npadvmod") if t.lemma in WORDS.time_units]
    for prep in an.kids(tok, "prep"):
        for obj in an.kids(prep, "pobj"):
            near.extend([obj, *an.kids(obj, "amod", "compound")])
    # ('flew search-and-rescue teams, tents and two field hospitals': each object coordinated, and the words
    # coordinated in a modifier)
    for obj in (c for o in an.kids(tok, "dobj") for c in conjuncts(an, o)):
        if obj.i != tok.i:
            near.append(obj)
        mods = an.kids(obj, "amod", "compound", "nmod")
        near.extend(m for mod in mods for m in conjuncts(an, mod))
        near.extend(o for p in an.kids(obj, "prep") if p.lemma == "of" for o in an.kids(p, "pobj"))
    subject = an.kids(tok, "nsubj", "nsubjpass")
    return {t.lemma for t in near} | {t.text.lower() for t in near}, {t.lemma for t in subject} | {
        t.text.lower() for t in subject
    }


def requirement_met(an: Analysis, cue: Cue, tok: Token) -> bool:
    """Whether a cue that needs a word near it ('hold' needs 'talks', 'lift' a sanction) has one."""
    if not cue.require_object:
        return True
    words, subject_words = cue_words(an, tok)
    return bool((words | subject_words) & set(cue.require_object))


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
        and noun.lemma not in WORDS.actor_heads
    )


def clause_subjects(an: Analysis, noun: Token, lexicon: CueLexicon) -> tuple[Party, ...]:
    """The subject of the nearest verb above a noun ('what both countries perceive as pressure from X'), or,
    for a subject that is itself an event, whoever did it ('The seizure of a tanker by Iranian forces drew
    condemnation from Athens')."""
    tok = noun
    climbed = {noun.i}
    for _ in range(4):
        head = an.head(tok)
        if head is None:
            return ()
        if head.pos in ("VERB", "AUX"):
            found = subjects(an, head)
            if not found:
                # not the noun itself, nor a phrase it is in ('Pressure from Washington on Cairo increased' would ask
                # itself again, without end)
                events = [s for s in an.kids(head, "nsubj") if s.i not in climbed and is_event_noun(s, lexicon)]
                cue = lexicon[(events[0].lemma, "noun")] if events else None
                found = noun_arguments(an, events[0], cue, lexicon)[0] if cue is not None else ()
            return found
        tok = head
        climbed.add(tok.i)
    return ()

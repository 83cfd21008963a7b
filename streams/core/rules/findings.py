"""Core layer, rule engine: a cue token -> Finding (its code, parties, governance and topic), for events and stances."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import NamedTuple

from streams.core import cameo
from streams.core.models import Mode
from streams.core.rules.arguments import (
    actors_at,
    arguments,
    clause_subjects,
    compass_of,
    cue_words,
    each_other,
    is_event_noun,
    is_of_phrase,
    parties,
    requirement_met,
    subjects,
)
from streams.core.rules.background import is_background
from streams.core.rules.cues import Cue, CueLexicon
from streams.core.rules.governance import (
    THREAT,
    asking_noun,
    conditional_threat,
    deadline_given,
    governance,
    governs_cue,
    is_accusation,
    judged_parties,
    retaliation_threat,
    time_given_to_leave,
)
from streams.core.rules.patterns import VerbPatterns
from streams.core.rules.places import place_phrases, place_targets, places_named, protest_place_sources, states_at
from streams.core.rules.plain import Analysis, Party, Sentence, Token, coarse_pos, mention_text, party_of
from streams.core.words import WORDS


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
    background: bool = False
    """The text refers to the event only as context (see `rules.background`); for events, not stances."""


def findings_in(
    analyses: Iterable[Analysis], lexicon: CueLexicon, min_actors: int = 1, patterns: VerbPatterns | None = None
) -> list[tuple[Sentence, Finding]]:
    """Every cue of `lexicon` (and, given `patterns`, every verb they code: `event_cue`) with its parties,
    sentence by sentence; sentences naming fewer than `min_actors` distinct actors (mentions or resolved
    anaphors) are skipped, but for a denial or a reaction to an act told before, whose other party may be named
    before (`Context`)."""
    out: list[tuple[Sentence, Finding]] = []
    before: tuple[Party, ...] = ()
    doers: tuple[Party, ...] = ()
    acts: tuple[tuple[Party, Party], ...] = ()
    speakers: tuple[Party, ...] = ()
    for an in analyses:
        sentence = an.sentence
        lone = min_actors > 1 and names_fewer(an, min_actors)
        context = Context(before, doers, speakers=speakers)
        speakers = speakers_in(an, lexicon) or speakers
        doers_here: tuple[Party, ...] = ()
        before = named_after(an, before)
        if lone and not context.named:
            continue
        for tok in sentence.tokens:
            cue = lexicon.get((tok.lemma, coarse_pos(tok.pos)))
            noun = lexicon.get((tok.lemma, "noun")) if tok.pos == "VERB" and tok.dep in NOMINAL_DEPS else None
            nominal = tok.pos == "VERB" and read_as_noun(an, tok)
            if nominal:
                noun = lexicon.get((tok.lemma, "noun")) or lexicon.get((tok.text.lower(), "noun"))
            if noun is not None and (cue is None or nominal):
                # 'held live-fire drills off the coast of Sweden', with 'drills' tagged a verb: the noun it is
                cue = noun
            elif patterns is not None and tok.pos == "VERB":
                cue = event_cue(an, tok, cue, lexicon, patterns)
            if cue is None or not (cue.cameo or cue.polarity):
                continue
            if lone and cue.cameo != DENIAL and prior_act(an, tok) is None and cue != retaliation_cue(cue.lemma):
                continue
            finding = find(an, tok, cue, lexicon, context._replace(acts=acts, doers_here=doers_here))
            if finding is not None:
                out.append((sentence, finding))
                if finding.pairs and prior_act(an, tok) is None:
                    doers = doers_here = finding.sources
                acts = (*acts, *finding.pairs)[-6:]
    return out


NOUN_MODIFIER_DEPS = frozenset({"det", "amod", "poss"})
"""Arcs only a noun has: a word tagged a verb with one of them is a noun ('Russian shelling near Kharkiv')."""


def read_as_noun(an: Analysis, tok: Token) -> bool:
    """Whether a word tagged a verb is a noun, whatever the verb would be: one with a noun's modifiers and no object
    ('Russian shelling near Kharkiv killed two civilians', 'the bombing of the hospital'), or one the parser hung on a
    compass word ('kept up heavy shelling north of Kharkiv': `compass_of`); its noun cue is its lemma's or its own
    ('shelling')."""
    if compass_of(an, tok) is not None:
        return True
    return bool(an.kids(tok, *NOUN_MODIFIER_DEPS)) and not an.kids(tok, "dobj")


class Context(NamedTuple):
    """What the sentences before a cue's own tell: the actors they named and who did the last act found there,
    the latest last."""

    named: tuple[Party, ...] = ()
    doers: tuple[Party, ...] = ()
    acts: tuple[tuple[Party, Party], ...] = ()
    """The (source, target) pairs of the acts found so far, this sentence's before the cue too, the latest last."""
    doers_here: tuple[Party, ...] = ()
    """Who did the last act found in this sentence before the cue ('Serbian police beat two Croatian fans, Croatia's
    foreign ministry said, calling the attack unacceptable')."""
    speakers: tuple[Party, ...] = ()
    """Who spoke in the latest sentence before with a reporting verb whose subject is an actor ('Turkey's president
    said ...')."""


def speakers_in(an: Analysis, lexicon: CueLexicon) -> tuple[Party, ...]:
    """The actors that are subjects of a reporting verb in the sentence ('Turkey's president said that ...')."""
    found: list[Party] = []
    for tok in an.sentence.tokens:
        entry = lexicon.get((tok.lemma, coarse_pos(tok.pos)))
        if entry is not None and entry.control == "report":
            found.extend(p for p in subjects(an, tok) if p.actor not in {f.actor for f in found})
    return tuple(found)


def prior_act(an: Analysis, tok: Token) -> Token | None:
    """'Tallinn condemned the decision', 'Kyiv hailed the move', 'called the raid a massacre': the object of a
    reaction or naming verb (`words.reaction_verbs`, `naming_verbs`) that names, with 'the' and no party of its
    own, an act told before (`words.prior_act_nouns`); None for any other object."""
    if tok.lemma not in WORDS.reaction_verbs | WORDS.naming_verbs | WORDS.rebuttal_verbs:
        return None
    for obj in an.kids(tok, "dobj"):
        own = [*an.kids(obj, "poss", "compound", "amod"), *an.pobjs(obj, ("of", "by", "on", "against", "with"))]
        if (
            (obj.lemma in WORDS.prior_act_nouns or obj.lemma in WORDS.utterance_nouns)
            and any(d.lemma in ("the", "this") for d in an.kids(obj, "det"))
            and not any(t.i in an.mentions or t.i in an.anaphors for t in own)
            and obj.i not in an.mentions
        ):
            return obj
    return None


VISITING_ROLES = frozenset({"GOV", "DIP", "IGO"})
"""The roles whose travel to a place is a visit to its state (governments, diplomats, international bodies)."""

DENIAL = "016"
"""Deny responsibility: the denial of a charge made before answers whoever made it."""


def named_after(an: Analysis, before: tuple[Party, ...]) -> tuple[Party, ...]:
    """The actors named up to the end of this sentence, each once, the latest last (a few)."""
    named = list(before)
    for tok in an.mentioned:
        for mention in an.mentions[tok.i]:
            if tok.i == mention.end - 1 and mention.kind not in ("media", "group"):
                named = [p for p in named if p.actor != mention.actor]
                named.append(party_of(mention, mention_text(an, mention)))
    return tuple(named[-6:])


NOMINAL_DEPS = frozenset({"dobj", "pobj", "nsubj", "nsubjpass"})
"""Dependencies of a noun: a token the tagger made a verb there is read as the noun cue of its lemma."""


def actors_named(an: Analysis) -> set[str]:
    """The distinct actors a sentence names, directly or through a resolved anaphor, and the states of the
    cities it names as places (`places.places_named`: 'Russian missiles hit Odesa')."""
    return actors_told(an) | places_named(an)


def actors_told(an: Analysis) -> set[str]:
    """The distinct actors a sentence names directly or through a resolved anaphor."""
    found = {m.actor for tok in an.mentioned for m in an.mentions[tok.i]}
    found.update(p.actor for resolved in an.anaphors.values() for p in resolved)
    return found


def names_fewer(an: Analysis, count: int) -> bool:
    """Whether a sentence names fewer than `count` distinct actors (`actors_named`), the places it names read only
    when its mentions and anaphors name fewer."""
    found = actors_told(an)
    return len(found) < count and len(found | places_named(an)) < count


def event_cue(an: Analysis, verb: Token, ours: Cue | None, lexicon: CueLexicon, patterns: VerbPatterns) -> Cue | None:
    """The cue of a verb token, ours or PETRARCH's: ours wins, PETRARCH fills the gaps.

    A verb we lack takes the code of the PETRARCH pattern it matches (or of the verb alone), unless its
    object is one of our event nouns ('filed a complaint', 'held a round of talks'): then the noun speaks.
    A verb we have keeps our cue, a governor without a code (say, agree) always; a pattern that matches its
    object or prepositions ('froze relations' 160, 'offered concessions' 035) gives its code when it stays
    in our code's root and our own `refine` words say nothing ('froze assets' stays our 163).
    A naming verb with a disparaging predicate ('called Beijing a hostile force') criticizes: `naming_cue`."""
    naming = naming_cue(an, verb) if verb.lemma in WORDS.naming_verbs else None
    if naming is not None:
        return naming
    if deadline_given(an, verb):
        return threat_cue(verb.lemma, ULTIMATUM)
    sent_away = verb.lemma in WORDS.expelling_verbs and sends_envoys_away(an, verb)
    if (sent_away or time_given_to_leave(an, verb) or told_to_leave(an, verb)) and (EXPEL, "verb") in lexicon:
        return expulsion_cue(lexicon[(EXPEL, "verb")], verb.lemma)
    if verb.lemma in WORDS.declaring_verbs and declared_unwelcome(an, verb) and (EXPEL, "verb") in lexicon:
        return unwelcome_cue(lexicon[(EXPEL, "verb")], verb.lemma)
    if retaliation_threat(an, verb, ours, lexicon):
        return retaliation_cue(verb.lemma)
    if ours is not None and ours.control == "report":
        threat = THREAT if ultimatum_told(an, verb) else conditional_threat(an, verb, lexicon, patterns)
        if threat is not None:
            return threat_cue(verb.lemma, threat)
    if ours is not None and ours.cameo is None:
        return ours
    match = patterns.match(an, verb)
    if (
        ours is not None
        and ours.cameo is not None
        and ours.control is None
        and match is not None
        and match.pattern is not None
        and match.code is not None
        and cameo.root_of(match.code) != cameo.root_of(ours.cameo)
        and not requirement_met(an, ours, verb)
        and not any(is_event_noun(o, lexicon) for o in object_nouns(an, verb))
    ):
        # our cue needs a word that is not here ('take' needs a court): where a PETRARCH pattern reads the verb's
        # phrase as an act of another root, the verb means that here ('took control of the plant' 192, 'taken into
        # custody' 173); one of our root gives its finer code below, as where the word is there
        return patterns.cue(match, verb.lemma)
    if match is None:
        return ours
    if ours is None:
        if any(is_event_noun(o, lexicon) for o in object_nouns(an, verb)):
            # our noun cue knows the object better ('held a round of talks' stays 040, not PETRARCH's 046)
            return None
        return patterns.cue(match, verb.lemma)
    assert ours.cameo is not None
    if match.pattern is None or match.code is None or match.code == ours.cameo:
        return ours
    if cameo.root_of(match.code) != cameo.root_of(ours.cameo):
        return ours
    own = refined_code(an, ours, verb)
    if own is not None and own != ours.cameo:
        return ours
    return refined(ours, match.code)


EXPEL = "expel"
"""The verb whose cue an expulsion told another way takes (its code 174, and 166 for peacekeepers or a mission)."""


def is_envoy(tok: Token) -> bool:
    """One of the people an actor keeps in another's land (`words.envoy_nouns`), by its lemma or its lower-cased form:
    the one test of the expulsion readings (`sends_envoys_away`, `told_to_leave`)."""
    return tok.lemma in WORDS.envoy_nouns or tok.text.lower() in WORDS.envoy_nouns


def sends_envoys_away(an: Analysis, verb: Token) -> bool:
    """'sent home three Russian diplomats', 'sent the ambassador packing', 'ordered out two Iranian diplomats': a verb
    of `words.expelling_verbs` with a word of leaving (`expelling_words`) and envoys (`envoy_nouns`) as its object."""
    away = [
        k
        for k in an.kids(verb, "advmod", "prt", "xcomp", "advcl", "oprd", "npadvmod", "dobj")
        if k.lemma in WORDS.expelling_words or k.text.lower() in WORDS.expelling_words
    ]
    # ('sent the ambassador packing' is parsed with 'packing' the object and 'ambassador' its compound)
    objects = [*an.kids(verb, "dobj"), *(o for k in away for o in an.kids(k, "dobj", "compound"))]
    return bool(away) and any(map(is_envoy, objects))


def told_to_leave(an: Analysis, verb: Token) -> bool:
    """'told three Chinese diplomats to leave within a week', 'asked the French ambassador to leave the country': a
    verb of `words.leave_ordering_verbs` whose object is another actor's envoys (`envoy_nouns`) and whose xcomp a
    verb of leaving (`departure_verbs`) expels them ('ordered its diplomats to leave Turkey' does not)."""
    if verb.lemma not in WORDS.leave_ordering_verbs:
        return False
    leaving = any(x.lemma in WORDS.departure_verbs for x in an.kids(verb, "xcomp"))
    envoys = any(map(is_envoy, an.kids(verb, "dobj")))
    return leaving and envoys and told_another(an, verb)


@cache
def expulsion_cue(expel: Cue, lemma: str) -> Cue:
    return expel.model_copy(update={"lemma": lemma})


def declared_unwelcome(an: Analysis, verb: Token) -> bool:
    """'declared Russia's military attache persona non grata', 'were declared persona non grata by Sweden': a verb of
    `words.declaring_verbs` whose predicate (or the clause the parser makes of it, 'attache persona non grata') holds
    a word of `unwelcome_words`."""
    said = an.kids(verb, "oprd", "ccomp", "xcomp", "dobj")
    words = WORDS.unwelcome_words
    return any(t.lemma in words or t.text.lower() in words for s in said for t in an.subtree(s))


@cache
def unwelcome_cue(expel: Cue, lemma: str) -> Cue:
    """The expulsion of whom a verb declares unwelcome: its object, or the subject of the clause the parser makes of
    'X persona non grata' (a complement frame)."""
    return expel.model_copy(update={"lemma": lemma, "frame": "complement"})


NAMING_CRITICISM = "111"
"""Criticize or denounce: what calling an actor's act a violation, a massacre or outrageous is."""


def naming_cue(an: Analysis, verb: Token) -> Cue | None:
    """'called Beijing a foreign hostile force', 'called the raid a massacre', 'called the detention
    outrageous': a naming with a disparaging predicate (`words.disparaging_words`) criticizes what its object
    names; None for any other use of the verb."""
    # with the objects it names its kind by ('an act of piracy', 'tantamount to acts of piracy')
    predicate = [t for o in an.kids(verb, "oprd") for t in (o, *an.kids(o, "amod", "compound"), *kinds_of(an, o))]
    # 'called the decision unacceptable', parsed with the predicate an adjective after its noun
    predicate += [a for o in an.kids(verb, "dobj") for a in an.kids(o, "amod") if a.i > o.i]
    if not any(t.lemma in WORDS.disparaging_words or t.text.lower() in WORDS.disparaging_words for t in predicate):
        return None
    return criticism_cue(verb.lemma)


def kinds_of(an: Analysis, noun: Token) -> list[Token]:
    """The objects of a predicate's 'of' or 'to', and theirs of 'of' ('an act of piracy', 'tantamount to acts of
    piracy'): what the predicate names its object as."""
    objs = an.pobjs(noun, ("of", "to"))
    return [*objs, *(o for obj in objs for o in an.pobjs(obj, ("of",)))]


def ultimatum_told(an: Analysis, verb: Token) -> bool:
    """'Islamabad told Kabul that it would face serious consequences unless it stopped ...': a telling whose
    complement says what will happen unless a condition is met (`words.ultimatum_marks`) threatens the one told."""
    if not an.kids(verb, "dobj", "dative"):
        return False
    return any(foretold_on_condition(an, comp, WORDS.ultimatum_marks) for comp in an.kids(verb, "ccomp"))


def foretold_on_condition(an: Analysis, clause: Token, marks: frozenset[str]) -> bool:
    """A clause of what will happen ('would', 'will') on a condition one of `marks` opens ('... unless it stopped')."""
    future = any(a.lemma in WORDS.future_aux for a in an.kids(clause, "aux"))
    return future and any(m.lemma in marks for c in an.kids(clause, "advcl") for m in an.kids(c, "mark"))


@cache
def threat_cue(lemma: str, code: str = THREAT) -> Cue:
    """A threat (130 by default; 131, or 139 the ultimatum to the one given the time: 'gave Israel four days to allow
    aid trucks back')."""
    return Cue.model_validate({"lemma": lemma, "pos": "verb", "cameo": code})


ULTIMATUM = "139"
"""Give ultimatum: a span of time given to an actor to do something."""


@cache
def retaliation_cue(lemma: str) -> Cue:
    """A threat whose target is the doer of the act responded to ('would respond to any Israeli attack')."""
    return Cue.model_validate(
        {"lemma": lemma, "pos": "verb", "cameo": THREAT, "preps": ["of", "to", "against", "for", "on"]}
    )


@cache
def criticism_cue(lemma: str) -> Cue:
    return Cue.model_validate({"lemma": lemma, "pos": "verb", "cameo": NAMING_CRITICISM})


def object_nouns(an: Analysis, verb: Token) -> list[Token]:
    """The verb's direct objects, and what a measure noun among them measures ('a round of talks')."""
    objs = an.kids(verb, "dobj")
    return [*objs, *(o for obj in objs for p in an.kids(obj, "prep") if p.lemma == "of" for o in an.kids(p, "pobj"))]


@cache
def refined(cue: Cue, code: str) -> Cue:
    """Our cue with the code a PETRARCH pattern gave, which stands for our refine words and required ones."""
    return cue.model_copy(update={"cameo": code, "refine": (), "require_object": ()})


def find(an: Analysis, tok: Token, cue: Cue, lexicon: CueLexicon, context: Context | None = None) -> Finding | None:
    """Sources, targets and governance of one cue token (`context`: what the sentences before tell); None when it
    makes no dyad."""
    context = context or Context()
    if is_motive(an, tok, lexicon) or names_a_relation(an, tok):
        return None
    code = refined_code(an, cue, tok) if cue.cameo else None
    if cue.cameo and code is None:
        return None
    if code is not None and cameo.is_consultation(code) and restates_its_clause(an, tok, lexicon):
        return None
    asked = asking_noun(an, lexicon, tok) if code is not None and cameo.is_consultation(code) else None
    if asked is not None and asked.cameo is not None:
        # 'Iran rejected a call from the EU for restraint': an appeal (020), not a phone call
        code = asked.cameo
    charge = charge_summed_up(an, tok)
    charged = any(o.lemma in WORDS.allegation_nouns for o in an.kids(tok, "dobj")) or charge is not None
    if code is not None and cameo.is_rejection(code) and charged:
        # 'Algiers rejected the accusation as baseless', '..., a charge New Delhi rejected as baseless': rejecting a
        # charge denies it (as 'dismissed the claim')
        code = DENIAL
    if code == VISIT and tok.lemma in WORDS.journey_verbs and forces_of(an, tok):
        # 'Egyptian troops arrived in Mogadishu to join the AU mission': forces arriving pay no visit; sent to a
        # mission kept there, they serve it
        code = PEACEKEEPING if serves_a_mission(an, tok) else None
        if code is None:
            return None
    if cue.lends and any(o.lemma in cue.lends for o in an.kids(tok, "dobj")):
        # 'struck a deal': the object is the event
        return None
    # 'received aid from X' and 'received a call from X': X acted; 'received X's foreign minister': the
    # subject hosted
    reversed_ = cue.reverse and not (
        code is not None and cameo.is_consultation(code) and not any(o.lemma == "call" for o in an.kids(tok, "dobj"))
    )
    if cue.frame == "judged":
        gov = governance(an, tok, lexicon)
        sources, targets = judged_parties(an, tok, gov)
    else:
        # the parties first: most cue words name no actor, and then the governance walk is not needed
        sources, targets = arguments(an, tok, cue, lexicon)
        sources = reporters_of(an, tok, lexicon) or sources
        if not sources:
            # 'exchanged fire, each side blaming the other': the pair the clause above names
            sources = distributed_subjects(an, tok)
        if not sources and targets and code is not None and cameo.is_protest(code) and not reversed_:
            # 'thousands rallied outside the French embassy in Niamey': the people of the place protested
            sources = protest_place_sources(an, tok, cue, targets)
        if not sources and targets and not reversed_ and code is not None and cameo.is_done_by_the_host(code):
            # 'Iran's ambassador was summoned', 'the Polish foreign ministry said': the host acted
            sources = hosts_of(an, tok, cue, lexicon, targets)
        if not (targets if reversed_ else sources):
            return None
        gov = governance(an, tok, lexicon)
    if gov.negated:
        return None
    if cue.mutual and gov.mode == "intended" and hosted_by_another(an, tok, lexicon):
        # 'offered to host a new round of talks between Russia and Ukraine': the host means to bring them together,
        # they intend nothing yet (the host's own act is the host verb's)
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
    if not targets and owned_by_itself(an, tok, {s.actor for s in sources}):
        # 'Pakistan said India had violated its airspace': what the doer's own pronoun owns is the speaker's; for a
        # noun, the subject of its clause ("South Africa criticised Washington's expulsion of its ambassador")
        owners = gov.speaker_actors or (clause_subjects(an, tok, lexicon) if cue.pos == "noun" else ())
        targets = tuple(replace(p, resolved=True) for p in owners if p.actor not in {s.actor for s in sources})
    if not targets and each_other(an, tok):
        targets = sources
    own = {s.actor for s in sources}
    no_other = all(t.actor in own for t in targets)
    # (a visit only by those who speak for their side: 'Iran's foreign minister travelled to Jeddah' visited Saudi
    # Arabia, 'Iranian experts arrived in Mosul to investigate' did what they came for)
    visitors = code != cameo.VISIT or all(s.role in VISITING_ROLES for s in sources)
    if no_other and code is not None and cameo.acts_on_its_place(code) and not reversed_ and visitors:
        # 'Russian jets carried out air strikes in Syria's Idlib province', 'Colombian troops bombed a FARC camp
        # inside Ecuadorean territory': where no other actor was acted on, the place was
        place = () if cue.symmetric and len(sources) > 1 else place_targets(an, tok, cue, cameo.shows_force(code))
        if place:
            targets, code = place, cameo.at_a_place(code)
    if not targets and code is not None and own & {p.actor for p in gov.speaker_actors}:
        # 'the United States told Israel that it would pause weapons shipments': the speaker's own act, told to
        # someone, is aimed at the one told
        targets = tuple(replace(a, inferred=True) for a in gov.addressees if a.actor not in own)
    if not targets and code is not None and not cameo.is_cooperative(cameo.quad_class_of(cameo.root_of(code))):
        # 'Moscow said it would retaliate if Finland joined NATO': a harm foretold on a condition is aimed at whom
        # the condition is put to (`governance.threatened_parties`)
        targets = tuple(replace(p, resolved=True) for p in gov.threatened if p.actor not in own)
    if gov.rejecters and all(t.actor in own for t in targets):
        # 'Israel rejected calls from France and Britain for a halt': the calls were made to Israel
        targets = tuple(replace(p, resolved=True) for p in gov.rejecters if p.actor not in own)
    if not targets and cue == retaliation_cue(cue.lemma):
        # 'Tallinn had expelled a Russian diplomat ..., and Moscow promised a response': a response aimed at no one
        # answers whoever acted on the threatener last
        answered = next((s for s, t in reversed(context.acts) if t.actor in own and s.actor not in own), None)
        targets = (replace(answered, resolved=True),) if answered is not None else ()
    if not targets and code == DENIAL and charge is not None and not reversed_:
        # 'Pakistan's military blamed India for backing the militants ..., a charge New Delhi rejected': the accuser
        targets = tuple(replace(p, resolved=True) for p in accusers_of(an, charge, lexicon) if p.actor not in own)
    if not targets and code == DENIAL and not reversed_:
        # 'Poland said Belarusian helicopters entered its airspace. Minsk denied any incursion.': the accuser, the
        # latest other actor named before the denial's sentence
        # (who spoke last before, if anyone did: 'The kingdom's foreign ministry said ... . Algiers rejected the
        # accusation')
        before = (p for p in (*context.named, *context.speakers)[::-1] if p.actor not in own)
        # first of all, the subject of a clause the denial answers ('Rwanda denied supporting the M23 rebels, after
        # the UN accused Kigali of deploying troops')
        answering = (
            p
            for clause in an.kids(tok, "advcl")
            if any(m.lemma in WORDS.response_marks for m in an.kids(clause, "mark"))
            for p in subjects(an, clause)
            if p.actor not in own
        )
        accuser = next(answering, None) or next(before, None)
        targets = (replace(accuser, resolved=True),) if accuser is not None else ()
    reacted = prior_act(an, tok) if not targets and code is not None and cameo.is_verbal(code) else None
    if reacted is not None:
        # 'Russia expelled two Estonian diplomats. Tallinn condemned the decision.': the doer of the act told before,
        # in this sentence first; 'Turkey's president said ... . Athens rejected the remarks': who said the words
        # (`words.utterance_nouns`), and who spoke last where no act was told
        said = reacted.lemma in WORDS.utterance_nouns
        acted = context.doers_here or context.doers
        addressed = (context.speakers or acted) if said else (acted or context.speakers)
        targets = tuple(replace(p, resolved=True) for p in addressed if p.actor not in own)
    fired = any(o.lemma in WORDS.weapons for o in an.kids(tok, "dobj"))
    if not targets and code is not None and cameo.is_material_conflict(code) and not fired:
        # 'Ukraine said Russian drones struck an energy facility': the speaker was hit; a launch
        # of missiles ('fired two missiles into the sea, Seoul said') hit no one in particular
        targets = gov.speaker_actors
    # a place does not act back: 'drills around Taiwan' are no joint drills with Taiwan
    # nor does a party found deep in the phrase, and a refused joint act is one side's refusal, an intended one its
    # intention ('agreed to open membership talks with Ukraine': Ukraine intended nothing)
    joint = (
        cue.mutual and not gov.refused and gov.mode != "intended" and not any(t.place or t.inferred for t in targets)
    )
    if joint and targets and all(t.actor in {p.actor for p in parties(an, an.pobjs(tok, ("to",)))} for t in targets):
        # 'made a phone call to Putin' is the caller's act ('a call with Putin' is both sides')
        joint = False
    pairs = pair_up(sources, targets, cue.symmetric, joint)
    about_policy = (
        cue.polarity in ("support", "oppose")
        and tok.dep in ("ROOT", "ccomp", "conj")
        and not targets
        and bool(an.kids(tok, "dobj"))
    )
    if not pairs and not (about_policy and sources):
        return None
    topic = topic_of(an, tok, cue) if cue.polarity else None
    background = code is not None and is_background(an, tok)
    return Finding(cue, tok, sources, targets, gov.mode, gov.speaker, gov.refused, pairs, topic, code, background)


def hosts_of(an: Analysis, tok: Token, cue: Cue, lexicon: CueLexicon, targets: tuple[Party, ...]) -> tuple[Party, ...]:
    """Who did an act of a host state (`cameo.is_done_by_the_host`) told in the passive with no agent, to another's
    people: the state where it was done ('summoned to the foreign ministry in Berlin', 'expelled from Warsaw'), else
    the speaker ('Germany said Iran's ambassador was summoned', '..., the Polish foreign ministry said'), else the
    state an envoy is sent to ('Russia's envoy to Poland was summoned'); () for an act in the active voice or with
    an agent. (The place is also the one they are told to leave: 'were given 48 hours to leave Kigali'.)"""
    subject = an.kids(tok, "nsubjpass")
    if not subject or an.pobjs(tok, ("by",)):
        return ()
    own = {t.actor for t in targets}
    # (the media speak for no one's acts: 'detained in Kyiv, Russian media said')
    speakers = tuple(p for p in governance(an, tok, lexicon).speaker_actors if p.role != "MED")
    # ('summoned to the foreign ministry in Berlin': the place of where it was summoned to)
    called_to = [p for o in an.pobjs(tok, ("to",)) for p in (o, *place_phrases(an, o))]
    # ('were given 48 hours to leave Kigali': the place they must leave)
    leaving = [c for c in an.kids(tok, "advcl", "xcomp") if c.lemma in WORDS.departure_verbs]
    called_to += [o for c in leaving for o in an.kids(c, "dobj")]
    where = place_targets(an, tok, cue) or next(filter(None, (states_at(an, p) for p in called_to)), ())
    accredited = parties(an, [o for s in subject for o in an.pobjs(s, ("to", "in"))])
    for found in (where, speakers, accredited):
        hosts = tuple(replace(p, resolved=True) for p in found if p.actor not in own)
        if hosts:
            return hosts
    return ()


def reporters_of(an: Analysis, tok: Token, lexicon: CueLexicon) -> tuple[Party, ...]:
    """'Serbia expelled a Croatian diplomat, Croatia's foreign ministry said, calling the decision unjustified': a
    participle after a parenthetical reporting verb is the reporter's words, though the parser hangs it on the
    reported clause; () for any other token."""
    head = an.head(tok)
    if tok.dep != "advcl" or not tok.text.lower().endswith("ing") or head is None:
        return ()
    entry = lexicon.get((head.lemma, coarse_pos(head.pos)))
    # the clause told before its reporter: the reporter a parenthesis in it, or it the reporter's complement
    told = [an.head(head)] if head.dep == "parataxis" else [c for c in an.kids(head, "ccomp") if c.i < head.i]
    if entry is not None and entry.control == "report" and told and told[0] is not None:
        # 'Nicaragua severed relations with Israel, the foreign ministry said, calling the Israeli government
        # "fascist"', the participle hung on the reporter: a reporter that is no actor speaks for the reported doer
        return subjects(an, head) or subjects(an, told[0])
    for verb in an.kids(head, "parataxis"):
        entry = lexicon.get((verb.lemma, coarse_pos(verb.pos)))
        if head.i < verb.i < tok.i and entry is not None and entry.control == "report":
            return subjects(an, verb)
    return ()


def is_motive(an: Analysis, tok: Token, lexicon: CueLexicon) -> bool:
    """'recalled its ambassador in protest at Madrid's shift': a motive noun (`words.motive_nouns`) after a bare 'in'
    says why the act of a cue verb it hangs from was done; it is no act of its own ('parked lorries across the
    crossing in protest at new fees', of a verb that is no cue, stays the protest)."""
    prep = an.head(tok)
    verb = an.head(prep) if prep is not None else None
    entry = lexicon.get((verb.lemma, coarse_pos(verb.pos))) if verb is not None else None
    return (
        tok.lemma in WORDS.motive_nouns
        and tok.dep == "pobj"
        and prep is not None
        and prep.lemma == "in"
        and not an.kids(tok, "det", "poss")
        and entry is not None
        and entry.cameo is not None
    )


def restates_its_clause(an: Analysis, tok: Token, lexicon: CueLexicon) -> bool:
    """'Modi met Xi in Kazan, their first meeting in five years': a meeting noun set beside a clause of meeting (a
    consultation verb, or a verb with a consultation noun as its object: 'held talks with') sums that meeting up;
    it is no other event (its 'their' makes no meeting of the met with the one who met them)."""
    head = an.head(tok)
    if tok.pos != "NOUN" or head is None or head.pos not in ("VERB", "AUX"):
        return False
    objects = [o for o in an.kids(head, "dobj") if o.i != tok.i]
    # (the parser may make it a second object of the verb: 'hosted the Polish prime minister, their first meeting')
    beside = tok.dep in ("npadvmod", "appos") or (tok.dep == "dobj" and any(o.i < tok.i for o in objects))
    if not beside:
        return False
    said = [lexicon.get((head.lemma, "verb")), *(lexicon.get((o.lemma, "noun")) for o in objects)]
    return any(c is not None and c.cameo is not None and cameo.is_consultation(c.cameo) for c in said)


def names_a_relation(an: Analysis, tok: Token) -> bool:
    """'a positive step for ties between the two countries', 'over its military ties with Washington': a noun of a
    standing relation (`words.relation_nouns`) in a prepositional phrase names the relation, no act on it."""
    return tok.lemma in WORDS.relation_nouns and tok.pos == "NOUN" and tok.dep == "pobj"


VISIT, PEACEKEEPING = "042", "074"
"""Make a visit; provide military protection or peacekeeping: what forces arriving somewhere are not and are."""


def forces_of(an: Analysis, verb: Token) -> bool:
    """True when the verb's subject is armed or police forces (`words.force_nouns`, or its compound: 'police
    officers')."""
    return any(
        s.lemma in WORDS.force_nouns or any(c.lemma in WORDS.force_nouns for c in an.kids(s, "compound"))
        for s in an.kids(verb, "nsubj")
    )


def serves_a_mission(an: Analysis, verb: Token) -> bool:
    """True when the verb's purpose ('to join the new African Union mission', 'to lead a UN-backed security
    mission') names a body kept in a state (`words.stationed_nouns`)."""
    purposes = [c for c in an.kids(verb, "advcl", "xcomp") if any(a.lemma == "to" for a in an.kids(c, "aux"))]
    return any(t.lemma in WORDS.stationed_nouns for c in purposes for t in an.subtree(c))


def charge_summed_up(an: Analysis, tok: Token) -> Token | None:
    """The allegation noun ('a charge', 'an accusation': `words.allegation_nouns`) whose relative clause the token
    heads ('..., a charge New Delhi rejected as baseless'); None otherwise."""
    head = an.head(tok)
    return head if tok.dep == "relcl" and head is not None and head.lemma in WORDS.allegation_nouns else None


def accusers_of(an: Analysis, charge: Token, lexicon: CueLexicon) -> tuple[Party, ...]:
    """Who made a charge that sums up the clause above it: the subject of the nearest accusing verb above the noun
    ('Pakistan's military blamed India for ..., a charge ...'); () when there is none."""
    cur = an.head(charge)
    for _ in range(12):
        if cur is None:
            return ()
        if is_accusation(lexicon, cur):
            return subjects(an, cur)
        cur = an.head(cur)
    return ()


def hosted_by_another(an: Analysis, tok: Token, lexicon: CueLexicon) -> bool:
    """Whether a joint act is the object of a verb that brings others together ('host', 'broker', 'mediate': its
    cue names its parties with 'between'), through a series noun ('host a new round of talks')."""
    while tok.dep == "pobj" and is_of_phrase(an, tok):
        noun = an.head(an.head(tok) or tok)
        if noun is None or noun.lemma not in WORDS.series_nouns:
            break
        tok = noun
    verb = an.head(tok)
    if tok.dep != "dobj" or verb is None:
        return False
    entry = lexicon.get((verb.lemma, coarse_pos(verb.pos)))
    return entry is not None and "between" in entry.preps


DISTRIBUTIVES = frozenset({"each", "either"})
"""Determiners of a subject that stands for each member of a pair in turn ('each side', 'each')."""


def distributed_subjects(an: Analysis, tok: Token) -> tuple[Party, ...]:
    """'Armenian and Azerbaijani forces exchanged fire, each side blaming the other', 'with each accusing the other
    of firing first': a distributive subject of a cue aimed at 'the other' is each of the pair the clause above it
    names (its subjects); () for any other cue."""
    subject = an.kids(tok, "nsubj")
    if not subject or not each_other(an, tok):
        return ()
    if subject[0].lemma not in DISTRIBUTIVES and not any(d.lemma in DISTRIBUTIVES for d in an.kids(subject[0], "det")):
        return ()
    above = an.head(tok)
    for _ in range(3):
        if above is None:
            return ()
        if above.pos in ("VERB", "AUX"):
            pair = subjects(an, above)
            return pair if len(pair) >= 2 else ()
        above = an.head(above)
    return ()


def owned_by_itself(an: Analysis, tok: Token, doing: set[str]) -> bool:
    """True when the cue's object (a noun cue's 'of' object) is owned by a pronoun read as its own doer ('India had
    violated its airspace', "Washington's expulsion of its ambassador"), not stressed as the doer's own ('used its
    own drones')."""
    return any(
        p.i in an.anaphors
        and any(party.actor in doing for party in an.anaphors[p.i])
        and not any(m.lemma == "own" for m in an.kids(o, "amod"))
        for o in [*an.kids(tok, "dobj"), *an.pobjs(tok, ("of",))]
        for p in an.kids(o, "poss")
    )


def refined_code(an: Analysis, cue: Cue, tok: Token) -> str | None:
    """The cue's code, finer by a modifier ('defense cooperation' -> 062); None without a required word."""
    assert cue.cameo is not None
    words, subject_words = cue_words(an, tok)
    if not requirement_met(an, cue, tok):
        return None
    if cue.frame == "complement" and told_another(an, tok):
        # what another actor's people are told to do: 'ordered the French ambassador to leave the country' expels
        # him ('ordered its troops to leave' does not, nor 'ordered a ship to leave the area')
        words = words | {x.lemma for x in an.kids(tok, "xcomp")}
    # what was acted on speaks first ('troops captured a village' is about the village)
    for found in (words, subject_words):
        for word, code in cue.refine:
            if word in found:
                return code
    return cue.cameo


def told_another(an: Analysis, tok: Token) -> bool:
    """True when the object of a telling or ordering verb stands for an actor that is not its subject ('ordered the
    UN mission to leave'); False for its own people ('ordered its troops to ...') or a thing ('ordered a ship to')."""
    own = {p.actor for p in subjects(an, tok)}
    return any(p.actor not in own for o in an.kids(tok, "dobj") for p in actors_at(an, o))


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

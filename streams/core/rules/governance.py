"""Core layer, rule engine: governance (who acts for whom: reports, intentions, refusals, denials, speakers, mode)."""

from __future__ import annotations

from dataclasses import dataclass

from streams.core import cameo
from streams.core.models import Mode
from streams.core.rules.arguments import amount_of, parties, phrase_parties, subjects
from streams.core.rules.cues import Cue, CueLexicon
from streams.core.rules.patterns import VerbPatterns
from streams.core.rules.plain import Analysis, Party, Token, coarse_pos, mention_text
from streams.core.words import WORDS

DENIED_DEPS = frozenset({"xcomp", "dobj", "pcomp"})


@dataclass(frozen=True, slots=True)
class Governance:
    mode: Mode
    speaker: str | None
    negated: bool
    refused: bool
    speaker_actors: tuple[Party, ...] = ()
    addressees: tuple[Party, ...] = ()
    """Whom the speaker told ('told Israel that it would pause shipments'): see `findings.find`."""
    rejecters: tuple[Party, ...] = ()
    """Who rejected another's request or offer that names no addressee: the one it was made to ('Israel rejected
    calls from France for a halt', 'a request by the United States ... was rejected by Madrid')."""
    threatened: tuple[Party, ...] = ()
    """Whom a harm foretold on a condition is aimed at ('said it would retaliate if Finland joined NATO'):
    `threatened_parties`."""


def governance(an: Analysis, cue_tok: Token, lexicon: CueLexicon) -> Governance:
    """Walk up from the cue: intention and refusal verbs, negation, future auxiliaries, reporting speakers."""
    negated = bool(an.kids(cue_tok, "neg")) or any(d.lemma == "no" for d in an.kids(cue_tok, "det"))
    # 'would respond to any Israeli attack', 'opposed to any deal with Pristina': no act in particular
    negated = negated or (cue_tok.pos in ("NOUN", "PROPN") and any(d.lemma == "any" for d in an.kids(cue_tok, "det")))
    # 'if Iran attacks Israel, ...', 'would not sign until Armenia changed its constitution': a condition is not
    # an event
    negated = negated or any(m.lemma in WORDS.conditional_marks for m in an.kids(cue_tok, "mark"))
    above = an.head(cue_tok)
    negated = negated or (above is not None and condition_of(an, above) == cue_tok)
    # 'analysts say China could invade': a possibility is not an event (but see the end: a threat)
    possible = any(a.lemma in WORDS.hypothetical_aux for a in an.kids(cue_tok, "aux"))
    intended = any(a.lemma in WORDS.future_aux for a in an.kids(cue_tok, "aux"))
    refused = False
    speaker: str | None = None
    speaker_actors: tuple[Party, ...] = ()
    addressees: tuple[Party, ...] = ()
    # 'would respond to NATO's deployment': the act responded to is another's, not foretold with the response
    to = an.head(cue_tok) if cue_tok.dep == "pobj" else None
    answered = an.head(to) if to is not None and to.lemma in ("to", "for", "against") else None
    in_clause = answered is None or answered.lemma not in WORDS.retaliation_words
    # 'did not respond to Thailand's request': someone else's act stands whatever is said of it
    owned = cue_tok.pos in ("NOUN", "PROPN") and bool(an.kids(cue_tok, "poss"))
    # 'rejected Japan's offer', 'turned down a request from Beijing': another's words stand when rejected (not
    # another's deeds: 'vetoed the EU's aid to Ukraine')
    made_by_another = (owned or bool(an.pobjs(cue_tok, ("from", "by")))) and is_verbal(lexicon, cue_tok)
    rejecters: tuple[Party, ...] = ()
    rejecting = an.head(cue_tok)
    rejection = lexicon.get((rejecting.lemma, coarse_pos(rejecting.pos))) if rejecting is not None else None
    if rejecting is not None and made_by_another and is_rejection(rejection):
        # 'rejected calls from France', 'turned down a request from Beijing', 'a request by the United States was
        # rejected by Madrid': the words were put to the one who rejected them
        if cue_tok.dep == "dobj":
            rejecters = subjects(an, rejecting)
        elif cue_tok.dep == "nsubjpass":
            rejecters = parties(an, an.pobjs(rejecting, ("by",)))
    tok = cue_tok
    for _ in range(8):
        speaker = speaker or according_to(an, tok)
        head = an.head(tok)
        if head is None:
            break
        entry = lexicon.get((head.lemma, coarse_pos(head.pos)))
        # a light verb's object is its event: 'committing genocide' is done, not intended ('committed to talks' is)
        lent = entry is not None and tok.dep == "dobj" and tok.lemma in entry.lends
        control = entry.control if entry and not lent else None
        demanded = entry is not None and entry.frame == "complement" and tok.dep in ("ccomp", "xcomp", "acl")
        # 'ordered the army to raise its combat readiness': what a commander orders its own forces to do is done
        demanded = demanded and not (tok.dep == "xcomp" and own_forces_commanded(an, head))
        if demanded and (tok.dep != "xcomp" or control != "intend"):
            negated = True
        if tok.dep == "pcomp" and head.lemma in ("against", "from"):
            # 'warned Belgrade against recognising ...', 'kept Iran from building ...': it did not happen
            deterred = an.head(head)
            negated = negated or (deterred is not None and deterred.lemma in WORDS.deterring_verbs)
        naming = head.lemma in WORDS.naming_verbs and not an.kids(head, "prt")
        if tok.dep == "dobj" and is_appeal(lexicon, head) and not lent and not naming:
            # 'demanded sanctions against Russia', 'requested talks', 'called off talks': asked for or called off, not
            # done ('calling Tallinn's expulsion of a diplomat hostile' names it)
            negated = True
        if tok.dep == "pobj" and head.lemma == "for" and is_appeal(lexicon, an.head(head), an):
            # 'Kenya's request for aid', 'called for sanctions': asked for, not given
            negated = True
        if tok.dep == "pcomp" and head.lemma in ("of", "for") and is_accusation(lexicon, an.head(head)) and in_clause:
            # 'accused Britain of helping Ukraine': the accusation is the event, not the alleged deed (but not what a
            # phrase of time the parser hangs in it tells: 'accused Baku of stalling the treaty, speaking after talks
            # with his Georgian counterpart')
            negated = True
        if tok.dep in ("acl", "ccomp") and head.lemma in WORDS.allegation_nouns:
            # 'allegations that Eritrean troops killed civilians': alleged, not asserted
            negated = True
        if tok.dep == "acl" and head.lemma in WORDS.decision_nouns:
            intended = intended or head.lemma in WORDS.plan_nouns
            refused = refused or head.lemma == "refusal"
            # 'has no plans to buy Russian jets'
            negated = negated or any(d.lemma == "no" for d in an.kids(head, "det"))
        if tok.dep == "nsubjpass" and (control in ("stop", "refuse") or (is_rejection(entry) and not made_by_another)):
            # 'the visit was postponed', 'the deal was rejected'
            negated = True
        if tok.dep in ("advcl", "xcomp", "ccomp") and deadline_given(an, head):
            # 'gave Israel four days to allow aid trucks back': asked for by a deadline, not done
            negated = True
        if tok.dep in ("relcl", "acl", "appos"):
            break
        reported_link = tok.dep in ("ccomp", "parataxis") or (tok.dep == "xcomp" and bool(an.kids(head, "auxpass")))
        if control == "report" and reported_link and speaker is None:
            subject = an.kids(head, "nsubj", "nsubjpass")
            if subject and not (tok.dep == "xcomp"):
                speaker = speaker_text(an, subject[0])
                speaker_actors = parties(an, subject)
                addressees = parties(an, an.kids(head, "dobj", "dative")) if tok.dep == "ccomp" else ()
        if control == "deny" and in_clause and tok.dep == "ccomp" and tok.i > head.i:
            negated = True
        if tok.dep == "dobj" and is_rejection(entry) and not made_by_another:
            # 'vetoed an aid package', 'rejected the proposal for talks': a rejected act did not happen; one
            # made by another stands ('rejected Japan's offer of a summit', 'turned down a request from Beijing')
            negated = True
        if (
            tok.dep in ("ccomp", "parataxis")
            # 'a new round of talks' is the talks: an 'of' phrase on a series noun stays in the clause
            or (
                tok.dep == "prep"
                and head.pos in ("NOUN", "PROPN")
                and not (tok.lemma == "of" and head.lemma in WORDS.series_nouns)
                # 'pledged 50 billion euros in grants to Ukraine': the amount stands in the noun's place
                and not (tok.lemma == "in" and amount_of(an, cue_tok) == head)
            )
            or (tok.dep == "prep" and tok.lemma in WORDS.time_preps)
            or clause_of_its_own(an, tok)
            or stated_at(an, cue_tok, tok, control, lexicon)
        ):
            in_clause = False
        elif in_clause and tok.dep in ("xcomp", "dobj", "pcomp", "acomp", "prep", "pobj", "advcl", "conj"):
            if tok.dep != "conj" and not owned:
                negated = negated or bool(an.kids(head, "neg"))
                # 'if the United States joined any new attack on Iran': what a condition names did not happen
                negated = negated or any(m.lemma in WORDS.conditional_marks for m in an.kids(head, "mark"))
            if control == "intend":
                intended = True
            elif control == "refuse" and not (made_by_another and said_by_named(an, cue_tok)):
                # 'declined a request by the United States': the request stands, the refusal is the verb's own
                refused = True
            elif (control == "stop" and not joined_act(an, tok, head)) or (
                control == "deny" and tok.dep in DENIED_DEPS
            ):
                negated = True
            if tok.dep != "conj" and any(a.lemma in WORDS.future_aux for a in an.kids(head, "aux")):
                intended = True
            if tok.dep != "conj" and any(a.lemma in WORDS.hypothetical_aux for a in an.kids(head, "aux")):
                negated = True
        tok = head
    # a harm foretold on a condition threatens when someone says it ('Moscow said it would retaliate if ...', 'warned
    # that ...'); told as a scenario ('If Russia attacks Lithuania, NATO will respond') it is a hypothesis
    threatened = threatened_parties(an, cue_tok, lexicon) if speaker or an.kids(cue_tok, "ccomp") else ()
    if possible:
        # 'Iran's parliament speaker said Tehran could close the strait if the United States attacked': a harm its
        # own side says it may do on a condition another must meet is a threat, not a guess
        doers = {p.actor for p in subjects(an, cue_tok)} if threatened else set()
        if doers & {p.actor for p in speaker_actors}:
            intended = True
        else:
            negated = True
    mode: Mode = "intended" if intended else "reported" if speaker else "asserted"
    return Governance(mode, speaker, negated, refused, speaker_actors, addressees, rejecters, threatened)


def joined_act(an: Analysis, tok: Token, head: Token) -> bool:
    """True for a verb of its own joined to a finite verb of stopping ('suspended aid to Rwanda and expelled two
    diplomats', 'halted aid, and Sweden cut its supplies'): it is done, not stopped. One that shares an infinitive
    ('a deal to pause the fighting and swap hostages') is as far from done as its partner."""
    return tok.dep == "conj" and tok.pos == "VERB" and not any(a.lemma == "to" for a in an.kids(head, "aux"))


def stated_at(an: Analysis, cue_tok: Token, tok: Token, control: str | None, lexicon: CueLexicon) -> bool:
    """'agreed at a summit in Tokyo to resume visits', 'pledged at a meeting in Cairo to ...': a meeting noun after
    'at' or 'in' on an intention verb is where the intention was stated, held, not intended."""
    entry = lexicon.get((cue_tok.lemma, "noun")) if cue_tok.pos == "NOUN" else None
    return (
        control == "intend"
        and tok.dep == "prep"
        and tok.lemma in ("at", "in")
        and an.head(cue_tok) == tok
        and entry is not None
        and entry.cameo is not None
        and cameo.is_consultation(entry.cameo)
    )


THREAT, WITHHOLDING = "130", "131"
"""Threaten, not specified; threaten non-force: what foretelling a harm, or withholding cooperation, on a
condition is (`conditional_threat`)."""


def retaliation_threat(an: Analysis, verb: Token, entry: Cue | None, lexicon: CueLexicon) -> bool:
    """True for a response foretold or vowed (`words.retaliation_words`): a verb of our own lexicon's gaps under a
    future auxiliary or in the infinitive of an intention ('would respond to any Israeli attack', 'vowed to respond
    to NATO's deployment'), or the object of an intention or a threat ('vowed a decisive response to India's
    strikes', 'promised countermeasures against the United States', 'warned of a crushing response'). A response
    done ('responded to the strikes with missiles') is not one."""
    if entry is None and verb.lemma in WORDS.retaliation_words:
        head = an.head(verb)
        above = lexicon.get((head.lemma, coarse_pos(head.pos))) if head is not None and verb.dep == "xcomp" else None
        foretold = intends_or_threatens(above) or any(a.lemma in WORDS.future_aux for a in an.kids(verb, "aux"))
        return foretold and answers_a_deed(an, verb, lexicon)
    if not intends_or_threatens(entry):
        return False
    objects = [*an.kids(verb, "dobj"), *an.pobjs(verb, ("of",))]
    return any(o.lemma in WORDS.retaliation_words and answers_a_deed(an, o, lexicon) for o in objects)


def answers_a_deed(an: Analysis, tok: Token, lexicon: CueLexicon) -> bool:
    """False when what a response is to is no hostile deed: words or offers ('would respond to the IAEA's questions',
    'promised a response to the EU's request'); True for an act of conflict, a move or decision told
    (`words.prior_act_nouns`), a hostile act named as such ('any Israeli aggression', `words.disparaging_words`), an
    actor, or nothing named."""
    answered = an.pobjs(tok, ("to", "for"))
    for obj in answered:
        entry = lexicon.get((obj.lemma, "noun"))
        hostile = entry is not None and entry.cameo is not None and not cameo.is_cooperative(
            cameo.quad_class_of(cameo.root_of(entry.cameo))
        )
        told = obj.lemma in WORDS.prior_act_nouns or obj.lemma in WORDS.disparaging_words
        if hostile or told or obj.i in an.mentions:
            return True
    return not answered


def _time_given_tasks(an: Analysis, verb: Token) -> list[Token] | None:
    """The tasks of a span of time given to someone (`words.deadline_verbs` with a recipient and a time unit:
    'gave Israel four days to allow ...', 'gave the ambassador 72 hours to leave'): the 'to' clauses under the
    verb and the clauses on its time phrase; None when the verb gives no span of time to anyone."""
    # ('Belgian diplomats were given 48 hours to leave': the passive's subject)
    recipients = [t for t in an.kids(verb, "dative", "dobj", "nsubjpass") if t.lemma not in WORDS.time_units]
    if verb.lemma not in WORDS.deadline_verbs or not recipients:
        return None
    if not any(t.lemma in WORDS.time_units for t in an.kids(verb, "dobj", "npadvmod")):
        return None
    tasks = [c for c in an.kids(verb, "advcl", "xcomp", "ccomp") if any(a.lemma == "to" for a in an.kids(c, "aux"))]
    tasks += [c for t in an.kids(verb, "dobj", "npadvmod") for c in an.kids(t, "acl", "relcl")]
    return tasks


def deadline_given(an: Analysis, verb: Token) -> bool:
    """True for a span of time given to an actor to do something other than leave (`words.deadline_verbs`): 'gave
    Israel four days to allow aid trucks back into Gaza', 'gave Hamas 48 hours to release the hostages' are
    ultimatums; 'gave the ambassador 72 hours to leave' is the expulsion the verb's own cue codes."""
    tasks = _time_given_tasks(an, verb)
    return bool(tasks) and not any(t.lemma in WORDS.departure_verbs for t in tasks or ())


def time_given_to_leave(an: Analysis, verb: Token) -> bool:
    """True for a span of time given to someone to leave ('gave Iran's envoy seven days to leave the country',
    'gave the ambassador 72 hours to depart'): the expulsion `deadline_given` leaves to the verb."""
    return any(t.lemma in WORDS.departure_verbs for t in _time_given_tasks(an, verb) or ())


def intends_or_threatens(entry: Cue | None) -> bool:
    """True for a verb of intention (vow, promise, pledge) or of threat (CAMEO root 13: threaten, warn)."""
    return entry is not None and (entry.control == "intend" or (entry.cameo is not None and entry.cameo[:2] == "13"))


def condition_of(an: Analysis, clause: Token) -> Token | None:
    """The condition of a clause that foretells an act: an adverbial clause opened by 'if' or 'unless'
    (`words.conditional_marks`) under a future or possibility auxiliary ('would retaliate if Finland joined NATO',
    'could close the strait if the United States attacked'), or by 'until' (`words.pending_marks`) under one whose
    act is withheld ('would not receive aid until it decided'); None for any other clause."""
    if not any(a.lemma in WORDS.future_aux or a.lemma in WORDS.hypothetical_aux for a in an.kids(clause, "aux")):
        return None
    withheld = bool(an.kids(clause, "neg"))
    for adverbial in an.kids(clause, "advcl"):
        marks = {m.lemma for m in an.kids(adverbial, "mark")}
        if marks & WORDS.conditional_marks or (withheld and marks & WORDS.pending_marks):
            return adverbial
    return None


def threatened_parties(an: Analysis, tok: Token, lexicon: CueLexicon) -> tuple[Party, ...]:
    """Whom an act foretold on a condition is aimed at: the subject of the foretelling clause (the cue's own, or
    its complement's: 'Russia said Poland would face consequences if it hosted missiles'), then the subject of the
    condition when it names an actor itself ('said it would retaliate if Finland joined NATO'; not 'unless Chinese
    influence was curbed'). The caller passes over the threatener's own."""
    for clause in (tok, *an.kids(tok, "ccomp")):
        condition = condition_of(an, clause)
        if condition is None:
            continue
        named = [s for s in an.kids(condition, "nsubj", "nsubjpass") if s.i in an.mentions or s.i in an.anaphors]
        found = {p.actor: p for p in (*parties(an, named), *parties(an, an.kids(clause, "nsubj", "nsubjpass")))}
        if an.kids(clause, "neg"):
            # 'would not resume gas deliveries to Germany unless the sanctions were lifted': whom it is withheld from
            found |= {p.actor: p for p in phrase_parties(an, clause, an.kids(clause, "dobj"), lexicon, found)}
        return tuple(found.values())
    return ()


def conditional_threat(an: Analysis, verb: Token, lexicon: CueLexicon, patterns: VerbPatterns) -> str | None:
    """The threat code of a report whose complement foretells an act on a condition (`condition_of`): 131 when
    the act withholds cooperation ('told Papandreou that Athens would not receive aid until it decided'), 130 for
    any other act that is no cooperation ('said it would retaliate if Finland joined NATO', 'said Poland would
    pay dearly if ...'); None for an offer ('would resume cooperation if sanctions were lifted'), a promise not to
    harm ('would not attack if ...') or no condition."""
    for clause in an.kids(verb, "ccomp"):
        if condition_of(an, clause) is None:
            continue
        codes = foretold_codes(an, clause, lexicon, patterns)
        cooperative = any(cameo.is_cooperative(cameo.quad_class_of(cameo.root_of(c))) for c in codes)
        withheld = bool(an.kids(clause, "neg"))
        if cooperative and withheld:
            return WITHHOLDING
        if not cooperative and not (withheld and codes):
            return THREAT
    return None


def foretold_codes(an: Analysis, clause: Token, lexicon: CueLexicon, patterns: VerbPatterns) -> list[str]:
    """The event codes a foretelling clause names: of its verb and the verbs of its infinitives ('would be ready
    to deploy'), and of their objects and what those measure ('another cent of aid')."""
    verbs = [clause]
    for tok in verbs:
        verbs.extend(an.kids(tok, "xcomp", "acomp"))
    nouns = [o for v in verbs for o in an.kids(v, "dobj", "attr", "nsubjpass")]
    nouns += [o for n in nouns for o in an.pobjs(n, ("of",))]
    codes = []
    for tok in (*verbs, *nouns):
        entry = lexicon.get((tok.lemma, coarse_pos(tok.pos)))
        code = entry.cameo if entry is not None else None
        if code is None and entry is None and tok.pos == "VERB":
            match = patterns.match(an, tok)
            code = match.code if match is not None else None
        if code is not None:
            codes.append(code)
    return codes


def said_by_named(an: Analysis, tok: Token) -> bool:
    """True for words whose 'by' or 'from' names an actor ('a request by the United States', 'an invitation from
    Israel')."""
    return any(o.i in an.mentions for o in an.pobjs(tok, ("by", "from")))


def is_verbal(lexicon: CueLexicon, tok: Token) -> bool:
    """True for a noun cue of a verbal act (quad 1 or 3: an offer, a request, a demand), not a deed."""
    entry = lexicon.get((tok.lemma, "noun")) if tok.pos in ("NOUN", "PROPN") else None
    return entry is not None and entry.cameo is not None and cameo.is_verbal(entry.cameo)


def clause_of_its_own(an: Analysis, tok: Token) -> bool:
    """An adverbial clause that is an act of its own, not the purpose of its head: a participle or a finite
    clause ('refused ..., prompting Washington to impose tariffs', 'would not give up ..., after Chinese ships
    blocked a mission'); an infinitive ('agreed on Sunday to resume talks', often parsed as advcl) is not, nor a
    reason ('would not attend because Peru had insulted him')."""
    return (
        tok.dep == "advcl"
        and not any(a.lemma == "to" for a in an.kids(tok, "aux"))
        and not any(m.lemma in WORDS.reason_marks for m in an.kids(tok, "mark"))
    )


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


def according_to(an: Analysis, tok: Token) -> str | None:
    for prep in an.kids(tok, "prep"):
        if prep.lemma == "accord":
            for to in an.kids(prep, "prep"):
                for obj in an.kids(to, "pobj"):
                    return speaker_text(an, obj)
    return None


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


def judged_parties(an: Analysis, tok: Token, gov: Governance) -> tuple[tuple[Party, ...], tuple[Party, ...]]:
    """Sources and targets of a judged frame: the speakers judge the subject ('both say NATO is responsible')."""
    head = an.head(tok)
    if head is None or gov.speaker is None:
        return (), ()
    return speaker_parties(an, tok), parties(an, an.kids(head, "nsubj"))


def is_appeal(lexicon: CueLexicon, tok: Token | None, an: Analysis | None = None) -> bool:
    """True for a word that asks for something (CAMEO roots 02 and 10: request, appeal, demand, call), and, given
    its analysis, the noun of an asking verb that asks for something (`asking_noun`: 'a call for restraint')."""
    if tok is None:
        return False
    entry = lexicon.get((tok.lemma, coarse_pos(tok.pos)))
    if entry is not None and entry.cameo is not None and cameo.is_request(entry.cameo):
        return True
    return an is not None and asking_noun(an, lexicon, tok) is not None


def asking_noun(an: Analysis, lexicon: CueLexicon, tok: Token) -> Cue | None:
    """The cue of the asking verb (CAMEO roots 02 and 10) a noun is the noun of, when the noun asks for something
    with 'for' or an infinitive ('renewed its call for a ceasefire', 'a call to Israel to open the crossings': an
    appeal, not the phone call the noun names alone); None otherwise."""
    if tok.pos not in ("NOUN", "PROPN"):
        return None
    verb = lexicon.get((tok.lemma, "verb"))
    if verb is None or verb.cameo is None or not cameo.is_request(verb.cameo):
        return None
    clauses = an.kids(tok, "acl", "relcl")
    head = an.head(tok)
    on_the_line = any(m.lemma in WORDS.phone_words for m in an.kids(tok, "compound"))
    if tok.dep == "dobj" and head is not None and not on_the_line:
        # 'renewed its call to Germany to send air defences', the parser hanging the infinitive on the verb ('made a
        # phone call to Biden to discuss the tariffs' is the phone call)
        clauses += an.kids(head, "advcl", "xcomp")
    infinitive = any(any(a.lemma == "to" for a in an.kids(c, "aux")) for c in clauses)
    return verb if infinitive or any(p.lemma == "for" for p in an.kids(tok, "prep")) else None


def is_accusation(lexicon: CueLexicon, tok: Token | None) -> bool:
    """True for a word that accuses (CAMEO 112: accuse, blame, charge)."""
    if tok is None:
        return False
    entry = lexicon.get((tok.lemma, coarse_pos(tok.pos)))
    return entry is not None and entry.cameo is not None and cameo.is_accusation(entry.cameo)


def is_rejection(entry: Cue | None) -> bool:
    """True for a cue of CAMEO root 12 (reject, veto, dismiss): what it acts on did not happen."""
    return entry is not None and entry.cameo is not None and cameo.is_rejection(entry.cameo)


def governs_cue(an: Analysis, tok: Token, lexicon: CueLexicon) -> bool:
    """True when a control verb has an embedded cue in its own clause ('agreed to increase cooperation'); an
    object a named actor owns is that actor's act, not one the verb governs ('refused the EU's demands')."""
    stack = an.kids(tok, "xcomp", "dobj")
    while stack:
        child = stack.pop()
        # (also one its 'by' or 'from' names: 'declined a request by the United States', 'an invitation from Israel')
        makers = [*an.kids(child, "poss"), *an.pobjs(child, ("by", "from"))]
        if child.dep == "dobj" and any(o.i in an.mentions for o in makers):
            continue
        entry = lexicon.get((child.lemma, coarse_pos(child.pos)))
        if entry is not None and entry.control is None and (entry.cameo or entry.polarity):
            return True
        stack.extend(an.kids(child, "xcomp", "conj", "dobj"))
    return False


def own_forces_commanded(an: Analysis, verb: Token) -> bool:
    """True for a verb of command (`words.command_verbs`) whose object is forces of no other actor than its subject
    ('ordered the army to ...', 'ordered Russian troops to ...'), not another's people ('ordered the French ambassador
    to leave')."""
    objs = an.kids(verb, "dobj")
    if verb.lemma not in WORDS.command_verbs or not objs or not all(o.lemma in WORDS.actor_heads for o in objs):
        return False
    # 'ordered Russian troops to ...' are the commander's own; 'ordered the French ambassador to leave' are not
    return {p.actor for p in parties(an, objs)} <= {p.actor for p in subjects(an, verb)}

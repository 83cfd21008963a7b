"""Core layer, rule engine: event and stance assembly (findings -> Relation and Stance records)."""

from __future__ import annotations

from collections.abc import Iterable

from streams.core import cameo
from streams.core.confidence import event_confidence, stance_confidence
from streams.core.models import Relation, Stance
from streams.core.rules.cues import CueLexicon, event_cues, stance_cues
from streams.core.rules.findings import Finding, findings_in
from streams.core.rules.patterns import VerbPatterns, verb_patterns
from streams.core.rules.plain import Analysis, Party, Sentence, Token
from streams.core.words import WORDS


def relations_from(finding: Finding, sentence: Sentence) -> list[Relation]:
    """The CAMEO events of a finding: intentions become 03x, refusals 12x, a refused conflict nothing."""
    if finding.code is None:
        return []
    code = finding.code
    if finding.refused:
        refusal = cameo.refusal_of(code, verb=finding.cue.pos == "verb")
        if refusal is None:
            return []
        code = refusal
    elif finding.mode == "intended":
        code = cameo.intention_of(code)
    entry = cameo.lookup(code)
    out = []
    for source, target in finding.pairs:
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
                mode="background" if finding.background else finding.mode,
                confidence=event_confidence(source, target, finding.mode, finding.cue.pos),
                trigger=finding.trigger.text,
                speaker=finding.speaker,
                sentence=sentence.text,
                span=(sentence.start_char, sentence.end_char),
            )
        )
    return out


def extract_relations(
    analyses: Iterable[Analysis], lexicon: CueLexicon | None = None, patterns: VerbPatterns | None = None
) -> list[Relation]:
    """All dyadic events of an article, from our cues and PETRARCH's verb patterns (`patterns`, default the
    compiled dictionary). In a sentence, two cues with the same source, target and CAMEO root are one event
    when they give one code or are of one phrase ('received medical aid', 'travelled to Abuja to meet', 'warned
    that Israel would strike'): the more specific code stays. Cues of separate phrases with codes of their own
    are separate events ('met Wang Yi ... on the first visit by India's top diplomat' is a meeting and a visit;
    'convicted a Russian agent ..., and Germany expelled two Russian diplomats' a conviction and expulsions)."""
    kept: dict[tuple[str, str, int, int], list[tuple[Token, Relation]]] = {}
    # a dyad needs two actors in its sentence
    found = findings_in(analyses, lexicon or event_cues(), min_actors=2, patterns=patterns or verb_patterns())
    # each finding's events made once, read twice
    made = [(sentence, finding, relations_from(finding, sentence)) for sentence, finding in found]
    deeds: set[tuple[int, int, str, str, int]] = {
        (sentence.start_char, finding.trigger.i, r.source, r.target, r.quad_class)
        for sentence, finding, relations in made
        for r in relations
    }
    for sentence, finding, relations in made:
        for relation in relations:
            if consequence_of_deed(sentence, finding.trigger, relation, deeds):
                continue
            same = kept.setdefault((relation.source, relation.target, relation.root, relation.span[0]), [])
            at = next(
                (
                    n
                    for n, (t, known) in enumerate(same)
                    if known.cameo == relation.cameo or one_phrase(sentence, t, finding.trigger)
                ),
                None,
            )
            if at is None:
                same.append((finding.trigger, relation))
            elif cameo.is_general(same[at][1].cameo) and not cameo.is_general(relation.cameo):
                same[at] = (same[at][0], relation)
    out = [relation for same in kept.values() for _, relation in same]
    # 'hosted Syrian President Ahmed al-Sharaa in Riyadh on Sunday, the first foreign trip by Syria's new leader':
    # one-sided contact stays one-sided, the host's act is coded and the guest's visit to the host is not
    hosted = {(r.target, r.source, r.span[0]) for r in out if r.cameo == HOST}
    return [r for r in out if not (r.cameo == cameo.VISIT and (r.source, r.target, r.span[0]) in hosted)]


HOST = "043"
"""Host a visit: the guest's visit to the host in the same sentence is not coded beside it."""

MATERIAL_QUADS = frozenset({cameo.MATERIAL_COOPERATION, cameo.MATERIAL_CONFLICT})


def consequence_of_deed(
    sentence: Sentence, trigger: Token, relation: Relation, deeds: set[tuple[int, int, str, str, int]]
) -> bool:
    """Whether an event is what a deed of its verb did, told by a participle of that verb with no subject of its own
    ('struck militant hideouts in Afghanistan, killing at least 15 people', 'launched 800 drones at Ukraine, setting
    the government building on fire', 'extradited a trafficker to Brazil, handing him over to Brazilian police'):
    the same happening between the same pair, of the same material quad, is the deed's one event. A verbal act in
    a participle ('seized a tanker, accusing Athens of ...') is an act of its own."""
    if relation.quad_class not in MATERIAL_QUADS or trigger.dep not in ("advcl", "xcomp") or trigger.pos != "VERB":
        return False
    if not trigger.text.lower().endswith("ing") or any(
        t.head == trigger.i and t.dep in ("nsubj", "nsubjpass", "mark") for t in sentence.tokens
    ):
        return False
    return (sentence.start_char, trigger.head, relation.source, relation.target, relation.quad_class) in deeds


PHRASE_DEPS = frozenset(
    {"dobj", "nsubjpass", "attr", "oprd", "acomp", "xcomp", "ccomp", "advcl"}
    | {"compound", "amod", "nmod", "appos", "acl"}
)
"""Arcs inside one phrase: a verb and its object ('launched strikes') or complement ('travelled to meet',
'warned that Israel would strike'), a noun and its modifier or its infinitive ('an offer from Trump to mediate')."""


def one_phrase(sentence: Sentence, a: Token, b: Token) -> bool:
    """Whether two cue tokens are of one phrase: one reaches the other up arcs of `PHRASE_DEPS`, through 'of'
    ('imposed a package of sanctions', 'a wave of strikes') or through the 'in' of an amount ('pledged $2
    billion in reconstruction aid')."""
    by_i = {t.i: t for t in sentence.tokens}

    def counts(prep: Token | None) -> bool:
        if prep is None or prep.lemma not in ("of", "in"):
            return False
        amount = by_i.get(prep.head)
        return prep.lemma == "of" or (
            amount is not None and (amount.pos == "NUM" or amount.lemma in WORDS.amount_nouns)
        )

    for low, high in ((a, b), (b, a)):
        tok = low
        for _ in range(4):
            if tok.i == high.i:
                return True
            head = by_i.get(tok.head)
            through = (tok.dep == "pobj" and counts(head)) or tok.lemma == "of" or (tok.dep == "prep" and counts(tok))
            if head is None or head.i == tok.i or not (tok.dep in PHRASE_DEPS or through):
                break
            if added_act(sentence, tok):
                break
            tok = head
    return False


def added_act(sentence: Sentence, tok: Token) -> bool:
    """True for a participle set off after its verb's clause ('took Germany to the ICJ, accusing Berlin of ...',
    'summoned the British ambassador, accusing London of ...'): a second act of the same doer, not a phrase of the
    first (a material consequence of the deed is `consequence_of_deed`'s)."""
    if tok.dep != "advcl" or tok.pos != "VERB" or not tok.text.lower().endswith("ing") or tok.i < tok.head:
        return False
    kids = [t for t in sentence.tokens if t.head == tok.i and t.i != tok.i]
    if any(t.dep in ("nsubj", "nsubjpass", "mark", "aux") for t in kids):
        return False
    return any(t.i == tok.i - 1 and t.text == "," for t in sentence.tokens)


def stances_from(finding: Finding, sentence: Sentence) -> list[Stance]:
    """One stance per holder and target of a stance cue; refusals ('refused to condemn') make none."""
    if finding.cue.polarity is None or finding.refused:
        return []
    out = []
    pairs: list[tuple[Party, Party | None]] = [*finding.pairs]
    if not pairs:
        pairs = [(holder, None) for holder in finding.sources]
    for holder, target in pairs:
        out.append(
            Stance(
                holder=holder.actor,
                polarity=finding.cue.polarity,
                target=target.actor if target else None,
                topic=finding.topic,
                sentence=sentence.text,
                span=(sentence.start_char, sentence.end_char),
                confidence=stance_confidence(holder, target, finding.mode),
            )
        )
    return out


def extract_stances(analyses: Iterable[Analysis], lexicon: CueLexicon | None = None) -> list[Stance]:
    """All stances of an article, one per holder, polarity, target and sentence."""
    seen: set[tuple[str, str, str | None, int]] = set()
    out: list[Stance] = []
    for sentence, finding in findings_in(analyses, lexicon or stance_cues()):
        for stance in stances_from(finding, sentence):
            key = (stance.holder, stance.polarity, stance.target, stance.span[0])
            if key not in seen:
                seen.add(key)
                out.append(stance)
    return out

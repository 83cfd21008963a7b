"""Core layer, rule engine: background (an event the text only refers to as context, not reports as news).

A nominal event in a context phrase ("since Russia's invasion of Ukraine", "over Moscow's detention of a border
guard", "in the wake of ...") or named as the topic of a reaction ("condemned Israel's strikes on Iran",
"citing Russia's attacks"), and any event of a clause set in the past ("have held five rounds of talks since
2021", "since the EU imposed sanctions on Moscow", "a day after Lithuania expelled a diplomat", "the 2020 war
between Armenia and Azerbaijan") is
background: kept as evidence, weighed little, never news of its own. The word lists are in data/words.toml.
"""

from __future__ import annotations

from streams.core.rules.plain import Analysis, Token
from streams.core.words import WORDS

VERBAL = ("VERB", "AUX")
NOMINAL = ("NOUN", "PROPN")


def is_background(an: Analysis, trigger: Token) -> bool:
    """True when the event `trigger` carries is context in its sentence rather than news."""
    if trigger.pos in NOMINAL and (in_context_phrase(an, trigger) or dated_before(an, trigger)):
        return True
    clause = clause_of(an, trigger)
    return clause is not None and (set_in_context(an, clause) or dated_before(an, clause))


def in_context_phrase(an: Analysis, noun: Token) -> bool:
    """The noun hangs, up to its clause, from a context preposition or noun ('because of', 'in response to'),
    is what a reaction is about, what a forecast is about ('tariffs would weigh on exporters') or a standing
    state ('Norway is the largest donor of aid to Sudan')."""
    cur = noun
    for _ in range(8):
        head = an.head(cur)
        if head is None:
            return False
        if cur.dep == "pobj":
            owner = an.head(head)
            if is_context_word(head) or (owner is not None and is_context_word(owner)):
                return True
        if cur.dep in ("dobj", "nsubjpass") and head.lemma in WORDS.reaction_verbs:
            return True
        if cur.dep == "attr" and head.lemma == "be":
            return True
        if cur.dep == "nsubj" and any(
            a.lemma in WORDS.future_aux | WORDS.hypothetical_aux for a in an.kids(head, "aux")
        ):
            return True
        if head.pos in VERBAL:
            return False
        cur = head
    return False


def is_context_word(tok: Token) -> bool:
    return tok.lemma in WORDS.context_preps or tok.text.lower() in WORDS.context_preps or (
        tok.lemma in WORDS.context_nouns
    )


def clause_of(an: Analysis, tok: Token) -> Token | None:
    """The verb of the clause that holds `tok` (tok itself when it is a verb)."""
    cur: Token | None = tok
    for _ in range(8):
        if cur is None or cur.pos in VERBAL:
            return cur
        cur = an.head(cur)
    return None


def set_in_context(an: Analysis, verb: Token) -> bool:
    """A clause that is the cause or setting of another ('since the EU imposed sanctions', 'because Moscow cut
    supplies'), or an earlier happening recalled ('a day after Lithuania ordered a diplomat out'); a bare 'after'
    ('shares fell after the US announced tariffs') can be the same day's news and stays news."""
    if verb.dep != "advcl":
        return False
    for mark in an.kids(verb, "mark"):
        if mark.lemma in WORDS.context_marks:
            return True
        if mark.lemma == "after" and any(
            n.lemma in WORDS.time_units for n in [*an.kids(mark, "npadvmod"), *an.kids(verb, "npadvmod")]
        ):
            return True
    return False


def dated_before(an: Analysis, tok: Token) -> bool:
    """The clause or phrase is dated in the past: 'since 2021' (not 'since Monday'), 'in 2022', 'in February
    2022', 'two years ago', a year before the noun ('the 2020 war', 'their 2025 border treaty'). A plan is
    not ('agreed to hold drills in 2027', 'will hold elections in 2027')."""
    if tok.dep == "xcomp" or any(a.lemma in WORDS.future_aux for a in an.kids(tok, "aux")):
        return False
    for child in an.kids(tok):
        if child.dep in ("nummod", "compound", "amod") and is_year(child) and tok.pos in NOMINAL:
            return True
        if child.dep in ("advmod", "npadvmod") and (
            child.lemma in WORDS.past_markers or any(k.lemma in WORDS.past_markers for k in an.kids(child, "amod"))
        ):
            # 'two years ago', 'signed a deal last year'
            return True
        if child.lemma == "since" and (child.dep == "advmod" or (child.dep == "mark" and tok.dep == "advcl")):
            # 'have since cut that trade'
            return True
        if child.dep == "advcl" and any(m.lemma == "since" for m in an.kids(child, "mark")):
            # 'has bought mostly from Brazil since its tariffs made US cargoes dearer'
            return True
        if child.dep == "prep" and child.lemma == "since":
            if any(o.lemma.lower() not in WORDS.recent_days and o.pos != "VERB" for o in an.kids(child, "pobj")):
                return True
        if child.dep == "prep" and child.lemma in WORDS.dating_preps and holds_year(an, child, depth=3):
            # 'in 2022', 'in February 2022', 'at the end of 2023'
            return True
    return False


def holds_year(an: Analysis, tok: Token, depth: int) -> bool:
    return depth > 0 and any(is_year(k) or holds_year(an, k, depth - 1) for k in an.kids(tok))


def is_year(tok: Token) -> bool:
    return tok.text.isdigit() and len(tok.text) == 4 and 1900 <= int(tok.text) <= 2099

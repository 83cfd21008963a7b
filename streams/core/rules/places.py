"""Core layer, rule engine: the place of an action as its target, the way CAMEO coders code it.

When an event has a source and no target, a state named as the place of the action is its target: named as a
country ("air strikes in Syria's Idlib province"), by its capital ("a protest in Budapest", "southwest of Kyiv"),
by a city or region of `data/cities.jsonl` ("missiles hit Odesa", "sent troops to Cabo Delgado province") or by a
demonym of its territory ("inside Ecuadorean territory", "the Israeli town of Sderot"). A border is
never the place hit ("near the Turkish border"); a place that is the topic of a dispute ("disputes over Taiwan",
"the status of Crimea") is no place of action: only the prepositions of `place_of_action_preps` lead to one.
A protest whose protesters are no actor ("thousands rallied outside the French embassy in Niamey") is, the same
way, by the state where it happened (`protest_place_sources`).
"""

from __future__ import annotations

from functools import cache

from streams.core.cameo import VISIT
from streams.core.datafile import DATA_DIR, read_jsonl
from streams.core.rules.arguments import actors_at, aimed_objects, compass_of, conjuncts, is_of_phrase
from streams.core.rules.cues import Cue
from streams.core.rules.plain import Analysis, Party, Token, mention_text
from streams.core.words import WORDS

PLACE_KINDS = frozenset({"state", "metonymy", "city"})
"""Mentions that name a state's territory: the state itself, its capital (not its government here) and a city
named with its state ("Russia's Samara region")."""
MAX_DEPTH = 4
QUANTITY_POS = frozenset({"ADJ", "DET", "NUM", "PRON"})
"""Parts of speech of a word that counts places with 'of' ('most of the towns', 'two of the bases')."""
PLACE_NAME_TOKENS = 4
"""The longest city or region name read, in tokens ('Deir ez-Zor' is four: Deir, ez, -, Zor)."""


def place_targets(an: Analysis, cue_tok: Token, cue: Cue, borders: bool = False) -> tuple[Party, ...]:
    """The states named as the place where the act of `cue_tok` happened, nearest phrase first; () if none.
    With `borders` (a show of force), a border is a place too, and faces the state it names ('drills close to
    the Moroccan border', 'troops massed near the Ukrainian border'): a show of force there is aimed at it."""
    for anchor, objects in anchors(an, cue_tok, cue):
        for place in [*objects, *place_phrases(an, anchor), *(p for o in objects for p in participle_places(an, o))]:
            found = states_at(an, place, sided=not borders) or (border_states(an, place) if borders else ())
            if found:
                return found
    return answered(an, cue_tok) if borders else ()


def answered(an: Analysis, cue_tok: Token) -> tuple[Party, ...]:
    """Whom a show of force with no place answers: the subject of a clause on its verb (for a noun cue, the verb it
    hangs from) opened by a word of words.toml `response_marks`: 'South Korea put its military on heightened alert
    after North Korea fired two missiles', 'ordered the army to raise its combat readiness after Kosovo police took
    control of ...'."""
    verb: Token | None = cue_tok
    for _ in range(4):
        if verb is None or verb.pos in ("VERB", "AUX"):
            break
        verb = an.head(verb)
    if verb is None or verb.pos not in ("VERB", "AUX"):
        return ()
    if any(border_states(an, t) for t in an.sentence.tokens):
        # 'on high alert along the border with Syria after Iran announced drills' faces Syria
        return ()
    clauses = [c for c in an.kids(verb, "advcl") if any(m.lemma in WORDS.response_marks for m in an.kids(c, "mark"))]
    return tuple(p for c in clauses for s in an.kids(c, "nsubj") for t in conjuncts(an, s) for p in actors_at(an, t))


def participle_places(an: Analysis, tok: Token) -> list[Token]:
    """Where a thing acted on is, as a participle of its own says ('an inquiry into uranium traces found at an
    undeclared site in Iran', 'shelled villages located in Armenia'): the place phrases of a participle with no
    subject of its own; with no object either, 'at' places it too (`object_place_preps`); a participle of aiming
    (`aiming_participles`) is placed by its object."""
    out: list[Token] = []
    for verb in an.kids(tok, "acl"):
        if verb.pos != "VERB" or an.kids(verb, "nsubj", "nsubjpass") or verb.lemma in WORDS.making_participles:
            # 'a third system built in Germany': where a thing was made is not where it is acted on
            continue
        out += place_phrases(an, verb)
        if verb.lemma in WORDS.aiming_participles:
            # 'launched a wave of drone strikes hitting energy sites in the Kharkiv region': what it was aimed at
            out += [*an.kids(verb, "dobj"), *an.pobjs(verb, ("at",))]
        if not an.kids(verb, "dobj"):
            out += an.pobjs(verb, WORDS.object_place_preps)
    return out


def border_states(an: Analysis, tok: Token) -> tuple[Party, ...]:
    """The state a border names: its 'with' side ('its border with China'), else its owner ('the Moroccan
    border'); () for any other word."""
    if tok.lemma not in WORDS.border_nouns:
        return ()
    side = _named_states(an, an.pobjs(tok, ("with",)))
    if side:
        return side
    owners = [o for c in an.kids(tok, "poss", "amod", "compound", "nmod") for o in conjuncts(an, c)]
    return _named_states(an, [*owners, *(t for t in [tok] if tok.i in an.mentions)])


def anchors(an: Analysis, cue_tok: Token, cue: Cue) -> list[tuple[Token, list[Token]]]:
    """Where the place of an act can hang, each with the words that may name the place themselves: the cue
    with its objects and the objects of its target prepositions, its own or its object's ('struck Erbil',
    'fired at targets southwest of Kyiv'), and for a noun cue the verb it is the object of ('staged a protest
    in Budapest')."""
    objects = an.kids(cue_tok, "dobj") if cue.pos == "verb" else []
    if cue.pos == "verb":
        # 'Kharkiv was hit by Russian missiles', 'a school in Oddar Meanchey province was shelled': the passive's
        # subject is what was acted on
        objects += an.kids(cue_tok, "nsubjpass")
    if objects:
        # 'bombed a missile facility at Isfahan', the parser hanging 'at' on the verb
        objects += an.pobjs(cue_tok, WORDS.object_place_preps)
        # 'struck a fuel depot and two vehicles near Qamishli', the parser making the second object a conjunct of
        # the verb
        objects += [c for c in an.kids(cue_tok, "conj") if c.pos == "NOUN"]
    # 'launched strikes on nine sites in Pakistan': the target phrase of the object
    objects += [o for obj in objects for o in an.pobjs(obj, cue.preps)]
    objects += an.pobjs(cue_tok, cue.preps)
    # 'pulled its troops back from the area around Kyiv': the preposition hangs on the adverb
    objects += [o for adverb in an.kids(cue_tok, "advmod") for o in an.pobjs(adverb, cue.preps)]
    if cue.pos == "noun":
        # 'a missile attack targeting Odesa', 'a wave of drone strikes hitting energy sites in the Kharkiv region':
        # what the participle of aiming on the act (or on the measure of acts) names
        measure = an.head(an.head(cue_tok) or cue_tok) if is_of_phrase(an, cue_tok) else None
        aiming = [v for n in (cue_tok, measure) if n is not None for v in an.kids(n, "acl") if v.pos == "VERB"]
        for aims in (v for v in aiming if v.lemma in WORDS.aiming_participles):
            objects += [*an.kids(aims, "dobj"), *an.pobjs(aims, ("at",))]
    if "from" in cue.preps:
        # 'pulled out of the southern Lebanese town of Khiam': 'out of' is 'from'
        objects += out_of(an, cue_tok)
    if cue_tok.lemma in WORDS.removal_words:
        # 'abducted civilians from occupied areas of Ukraine's Kherson region': where they were taken from
        objects += [o for t in [cue_tok, *an.kids(cue_tok, "dobj")] for o in [*an.pobjs(t, ("from",)), *out_of(an, t)]]
    # 'struck a house and a car in southern Lebanon': each of the things acted on may be placed
    objects = list(dict.fromkeys(c for o in objects for c in conjuncts(an, o)))
    head = an.head(cue_tok)
    if cue.pos == "noun" and head is not None and head.lemma in WORDS.naming_verbs:
        # 'called the detention of the writer in China outrageous': the speaker did not detain anyone
        return []
    out = [(cue_tok, objects)]
    if cue.pos == "verb" and cue_tok.dep in ("advcl", "xcomp") and head is not None and head.pos == "VERB":
        if any(a.lemma == "to" for a in an.kids(cue_tok, "aux")):
            # 'arrived in the Chinese city of Wuhan to investigate': the purpose is done where its verb is
            out.append((head, []))
    if (
        cue.pos == "noun"
        and cue_tok.dep in ("dobj", "nsubjpass")
        and head is not None
        and head.pos == "VERB"
        and head.lemma not in WORDS.reaction_verbs
    ):
        # (not 'criticised Russia's annexation of Crimea in a speech in Montreal': the speech was there); the
        # noun's target phrase may hang on the verb ('kept up their shelling on the outskirts of Kharkiv')
        out.append((head, an.pobjs(head, cue.preps)))
    if cue.pos == "noun" and cue_tok.dep == "pobj" and head is not None and head.lemma == "under":
        # 'Odesa came under a Russian drone attack', 'villages near Kherson came under heavy shelling': what comes
        # (or is) under an attack is what it hits
        comes = an.head(head)
        if comes is not None and comes.pos in ("VERB", "AUX"):
            out.append((comes, an.kids(comes, "nsubj", "nsubjpass")))
    if cue.cameo == VISIT and cue_tok.dep == "pobj" and head is not None and head.lemma in WORDS.meeting_preps:
        # 'signed a partnership agreement in Kyiv during a visit by Prime Minister Keir Starmer': the visit was where
        # the act of its clause was (the parser may hang the place on the act's object)
        verb = an.head(head)
        if verb is not None and verb.pos == "VERB":
            out += [(verb, []), *((obj, []) for obj in an.kids(verb, "dobj"))]
    out += [(journey, an.pobjs(journey, ("to",))) for verb, _ in list(out) for journey in journeys(an, verb)]
    return out


def journeys(an: Analysis, verb: Token) -> list[Token]:
    """The verb of going somewhere that a verb with no subject of its own is coordinated with: its destination is
    where the second act happened ('drove their tractors to Bucharest and staged a protest outside the government
    headquarters', 'marched to the capital and clashed with police'); words.toml `journey_verbs`."""
    head = an.head(verb)
    if verb.dep != "conj" or head is None or head.lemma not in WORDS.journey_verbs or an.kids(verb, "nsubj"):
        return []
    return [head]


def out_of(an: Analysis, tok: Token) -> list[Token]:
    """The objects of 'out of' on `tok`, which the parser makes a preposition, particle or adverb 'out' with its own
    'of' ('pulled out of the town of Khiam', 'drove them out of their villages')."""
    return [o for t in an.kids(tok, "prep", "prt", "advmod") if t.lemma == "out" for o in an.pobjs(t, ("of",))]


def place_phrases(an: Analysis, tok: Token) -> list[Token]:
    """The objects of the place prepositions hanging from `tok` ('in Syria', 'near Damascus airport') and of
    the direction words it governs ('southwest of Kyiv')."""
    found = an.pobjs(tok, WORDS.place_of_action_preps)
    compass = compass_of(an, tok)
    if compass is not None:
        # 'an air strike southwest of Beirut', 'heavy shelling north of Kharkiv': the parser making the act a
        # compound or modifier of the compass word
        found += an.pobjs(compass, ("of",))
    # 'pounded villages on the outskirts of Kherson': 'on' the edge of a place is at it (`edge_nouns`)
    found += [o for o in an.pobjs(tok, ("on",)) if o.lemma in WORDS.edge_nouns]
    # 'drills off Taiwan's east coast', with 'off' parsed as a particle of the noun
    found += [o for p in an.kids(tok, "prt") if p.lemma in WORDS.place_of_action_preps for o in an.kids(p, "pobj")]
    for child in an.kids(tok, "advmod", "npadvmod", "amod", "prep"):
        if child.lemma in WORDS.directions:
            found += an.pobjs(child, ("of",))
        if child.lemma in WORDS.nearness_words:
            # 'close to the Moroccan border', 'next to the embassy'
            found += an.pobjs(child, ("to",))
    return found


def states_at(an: Analysis, tok: Token, depth: int = 0, sided: bool = False) -> tuple[Party, ...]:
    """The states a place phrase names: a state or capital ('in Syria', 'in Budapest'), the owner of a place
    noun or name ("Syria's Idlib province", 'Ecuadorean territory'), a place inside a place ('a market in
    Saada province in northern Yemen', 'the town of Qamishli in Syria', 'Erbil, the capital of Iraq's
    Kurdistan region'). A border is no place, but with `sided` one named with both its sides is its owner's
    side (`owner_side`)."""
    if depth > MAX_DEPTH:
        return ()
    if tok.lemma in WORDS.border_nouns:
        return owner_side(an, tok) if sided else ()
    named = _named_states(an, [t for t in conjuncts(an, tok) if t.lemma not in WORDS.border_nouns])
    if named:
        return named
    if tok.i in an.mentions:
        # an actor that is not a state's territory ('the French embassy') is no place here
        return ()
    is_place = tok.pos == "PROPN" or tok.lemma in (
        WORDS.place_nouns | WORDS.directions | WORDS.front_nouns | WORDS.edge_nouns
    )
    inner: list[Token] = []
    if is_place:
        inner += an.kids(tok, "poss", "compound", "amod", "nmod")
        # 'the nuclear site at Natanz': after a place, 'at' places it (after a verb it may aim: 'hit back at')
        inner += an.pobjs(tok, ("of", "at"))
        # 'the towns they had entered in southern Lebanon': a clause on a place says where it is
        inner += [p for verb in an.kids(tok, "relcl", "acl") for p in place_phrases(an, verb)]
    elif tok.pos in QUANTITY_POS:
        # 'withdrew from most of the towns', 'struck two of the bases': the places counted
        inner += an.pobjs(tok, ("of",))
    elif depth == 0 and tok.pos == "NOUN" and an.kids(tok, "det", "nummod"):
        # 'a residential block in the centre of Kharkiv', 'killed four members of a militia in Syria's Hasakah
        # province': a part or a member of something is where it is (not 'in support of Ukraine': no determiner)
        inner += an.pobjs(tok, ("of",))
    inner += an.kids(tok, "appos")
    inner += place_phrases(an, tok)
    for child in inner:
        found = states_at(an, child, depth + 1, sided)
        if found:
            return found
    return ()


def owner_side(an: Analysis, border: Token) -> tuple[Party, ...]:
    """The state a border named with both its sides runs along on the near side: its named owner ('positions near
    Armenia's border with Azerbaijan' are in Armenia); () for a border with one side named ('near the Turkish
    border', 'its border with Belarus': either side) or the same state on both."""
    side = {p.actor for p in _named_states(an, an.pobjs(border, ("with",)))}
    owners = _named_states(an, [t for t in an.kids(border, "poss", "amod", "compound") if t.i in an.mentions])
    return owners if side and owners and not side & {p.actor for p in owners} else ()


def _named_states(an: Analysis, toks: list[Token]) -> tuple[Party, ...]:
    seen: dict[str, Party] = {}
    for tok in toks:
        for mention in an.mentions.get(tok.i, ()):
            if mention.kind in PLACE_KINDS:
                seen.setdefault(mention.actor, Party(mention.actor, None, mention_text(an, mention), place=True))
        city = named_place(an, tok)
        if city is not None:
            seen.setdefault(city.actor, city)
    return tuple(seen.values())


@cache
def place_names() -> dict[str, str]:
    """The cities and regions of `data/cities.jsonl`, as written, with the state each lies in."""
    return {row["city"]: row["state"] for _, row in read_jsonl(DATA_DIR / "cities.jsonl")}


@cache
def place_name_pieces() -> frozenset[str]:
    """Every piece of a place name that begins with a capital ('Cabo', 'Cabo Del', 'Delgado'): a capitalised word
    that is none is in no name of `place_names`, and `named_place` need not try its windows."""
    return frozenset(
        name[i:j]
        for name in place_names()
        for i in range(len(name))
        if name[i].isupper()
        for j in range(i + 1, len(name) + 1)
    )


def named_place(an: Analysis, tok: Token) -> Party | None:
    """The state of a city or region named at `tok` outside any actor mention ('in Kharkiv', 'the outskirts of
    Kherson', 'the Cabo Delgado province'), as a place; None for any other word. A city alone is no actor (the
    actor layer reads it only before a role noun), but it is a place of its state."""
    if not tok.text[:1].isupper() or tok.i in an.mentions or tok.text not in place_name_pieces():
        return None
    names = place_names()
    for start in range(tok.i - PLACE_NAME_TOKENS + 1, tok.i + 1):
        for end in range(max(start, tok.i), start + PLACE_NAME_TOKENS):
            first, last = an.by_i.get(start), an.by_i.get(end)
            if first is None or last is None or any(i in an.mentions for i in range(start, end + 1)):
                continue
            text = an.text_of(first, last)
            if text in names:
                return Party(names[text], None, text, place=True)
    return None


def places_named(an: Analysis) -> set[str]:
    """The states whose cities or regions a sentence names outside its actor mentions (`named_place`): a
    sentence naming one actor and such a place can hold an event at that place ('Russian missiles hit
    Odesa')."""
    return {p.actor for t in an.sentence.tokens if (p := named_place(an, t)) is not None}


def protest_place_sources(an: Analysis, cue_tok: Token, cue: Cue, targets: tuple[Party, ...]) -> tuple[Party, ...]:
    """The state where a protest took place, for a protest with a target and no named protesters: coders take
    unnamed crowds for the people of the place ('hundreds rallied outside the French embassy in Niamey',
    'protesters marched on the Serbian embassy in Podgorica'); the place phrase is the cue's own or its
    target's. The target's own state is passed over (an embassy is no place of its state)."""
    own = {t.actor for t in targets}
    aimed = [*an.kids(cue_tok, "dobj"), *aimed_objects(an, cue_tok, cue.preps)]
    for place in [*place_phrases(an, cue_tok), *(p for t in aimed for p in place_phrases(an, t))]:
        found = tuple(p for p in states_at(an, place) if p.actor not in own)
        if found:
            return found
    return ()

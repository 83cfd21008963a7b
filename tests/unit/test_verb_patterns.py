"""Unit tests: PETRARCH's verb patterns compiled onto the plain parse (streams/core/rules/patterns.py), no model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from streams.core.rules.patterns import (
    OVERRIDES_JSONL,
    OverrideError,
    PatternMatch,
    VerbForm,
    VerbPatterns,
    cue_of,
    load_overrides,
    verb_patterns,
)
from streams.core.rules.plain import Analysis, Mention, Sentence, Token
from tools.petrarch.compiled import COMPILED_MD, REPORT_MD, distinct_patterns, render

Word = tuple[str, str, str, str, int]
"""text, lemma, pos, dep, head index."""


def parse(words: list[Word], actors: dict[int, str] | None = None) -> Analysis:
    """A hand-made plain parse: one sentence of `words`, with an actor mention over each index of `actors`."""
    tokens, idx = [], 0
    for i, (text, lemma, pos, dep, head) in enumerate(words):
        tokens.append(Token(i, text, lemma, pos, dep, head, idx))
        idx += len(text) + 1
    text = " ".join(w[0] for w in words)
    mentions = {i: (Mention(i, i + 1, actor),) for i, actor in (actors or {}).items()}
    return Analysis(Sentence(text, 0, len(text), tuple(tokens)), mentions)


def form(
    lemma: str, code: str | None, block: str = "SEND", line: int = 1, after: list[str] | None = None
) -> dict[str, Any]:
    key = " ".join([lemma, *(after or [])])
    row: dict[str, Any] = {"key": key, "lemma": lemma, "block": block, "code": code, "block_code": code}
    return {**row, **({"after": after} if after else {}), "src": f"CAMEO.2.0.txt:{line}"}


def pattern(text: str, code: str | None, line: int, block: str = "SEND", **parts: Any) -> dict[str, Any]:
    row = {"block": block, "verbs": ["send"], "source": "subject", "target": None, "code": code}
    return {**row, **parts, "block_code": "070", "text": text, "src": f"CAMEO.2.0.txt:{line}"}


SEND = [
    pattern("* AID", "070", 10, object={"head": "aid"}),
    pattern("* {MILITARY AID}", "072", 11, object={"head": "aid", "mods": ["military"]}),
    pattern("* &AIRCRAFT", "072", 12, object={"head": "&AIRCRAFT"}),
    pattern("* (ASIDE RIFT)", "030", 13, preps=[{"prep": "aside", "object": {"head": "rift"}}]),
    pattern("* (HOLDING TALKS)", "040", 14, preps=[{"prep": "holding", "object": {"head": "talk"}}]),
    pattern("&MILITARY * TANKER", "171", 15, subject={"head": "&MILITARY"}, object={"head": "tanker"}),
]
SYNONYMS = [
    {"name": "AIRCRAFT", "plural": True, "members": ["drone", "jumbo jet"], "src": "CAMEO.2.0.txt:1"},
    {"name": "MILITARY", "plural": True, "members": ["troop", "navy"], "src": "CAMEO.2.0.txt:2"},
]


def send_patterns(overrides: dict[str, Any] | None = None) -> VerbPatterns:
    forms = [form("send", "070", line=5), form("put", None, line=6), form("seize", None, line=7)]
    return VerbPatterns(SEND, forms, SYNONYMS, overrides)


def sent(obj: list[Word], actors: dict[int, str] | None = None) -> Analysis:
    """'Egypt sent <obj>': obj words hang from index 2 (the object head) or from the verb."""
    return parse([("Egypt", "egypt", "PROPN", "nsubj", 1), ("sent", "send", "VERB", "ROOT", 1), *obj], actors)


def test_the_most_specific_pattern_wins_and_the_verb_alone_codes_only_an_act_on_an_actor() -> None:
    patterns = send_patterns()
    military_aid = sent([("military", "military", "ADJ", "amod", 3), ("aid", "aid", "NOUN", "dobj", 1)])
    aid = sent([("aid", "aid", "NOUN", "dobj", 1)])
    iran = sent([("Iran", "iran", "PROPN", "dobj", 1)], {0: "EGY", 2: "IRN"})
    letter = sent([("letters", "letter", "NOUN", "dobj", 1)])
    codes = [patterns.match(an, an.by_i[1]) for an in (military_aid, aid, iran, letter)]
    assert [m.code for m in codes if m] == ["072", "070", "070", None]
    assert [m.pattern.text if m and m.pattern else None for m in codes] == ["* {MILITARY AID}", "* AID", None, None]


def test_a_synonym_set_stands_for_its_members_and_a_multi_word_member_needs_all_its_words() -> None:
    patterns = send_patterns()
    drones = sent([("drones", "drone", "NOUN", "dobj", 1)])
    jets = sent([("jets", "jet", "NOUN", "dobj", 1)])
    jumbo_jets = sent([("jumbo", "jumbo", "NOUN", "compound", 3), ("jets", "jet", "NOUN", "dobj", 1)])
    found = [patterns.match(an, an.by_i[1]) for an in (drones, jets, jumbo_jets)]
    assert [m.pattern.text if m and m.pattern else None for m in found] == ["* &AIRCRAFT", None, "* &AIRCRAFT"]


def test_a_particle_written_as_a_prepositional_phrase_is_read_as_the_verb_s_particle() -> None:
    patterns = send_patterns()
    put_aside = parse(
        [
            ("Egypt", "egypt", "PROPN", "nsubj", 1),
            ("put", "put", "VERB", "ROOT", 1),
            ("aside", "aside", "ADP", "prt", 1),
            ("the", "the", "DET", "det", 4),
            ("rift", "rift", "NOUN", "dobj", 1),
        ]
    )
    compiled = next(p for p in patterns.patterns() if p.src == "CAMEO.2.0.txt:13")
    assert compiled.particle == "aside" and compiled.preps == ()
    put_patterns = VerbPatterns([{**SEND[3], "block": "PUT"}], [form("put", None, block="PUT", line=6)], SYNONYMS)
    match = put_patterns.match(put_aside, put_aside.by_i[1])
    assert match is not None and match.code == "030"


def test_a_phrase_headed_by_a_word_that_is_no_preposition_is_counted_not_compiled() -> None:
    report = send_patterns().report
    assert (report.read, report.compiled) == (6, 5)
    assert report.not_compiled == {"a prepositional phrase headed by a word that is no preposition": 1}
    assert dict(report.misread) == {"holding": 1}


def test_a_passive_verb_matches_its_subject_as_the_object_and_its_agent_as_the_subject() -> None:
    seize = VerbPatterns([{**SEND[5], "block": "SEIZE"}], [form("seize", None, block="SEIZE", line=7)], SYNONYMS)
    tanker_seized = parse(
        [
            ("the", "the", "DET", "det", 1),
            ("tanker", "tanker", "NOUN", "nsubjpass", 3),
            ("was", "be", "AUX", "auxpass", 3),
            ("seized", "seize", "VERB", "ROOT", 3),
            ("by", "by", "ADP", "agent", 3),
            ("troops", "troop", "NOUN", "pobj", 4),
        ]
    )
    match = seize.match(tanker_seized, tanker_seized.by_i[3])
    assert match is not None and match.code == "171"


def test_a_paired_code_is_a_joint_act_a_passive_only_code_reverses_and_a_named_preposition_is_the_target() -> None:
    rows = [
        pattern("* RELATIONS", "160", 20, block="FREEZE", object={"head": "relation"}, reverse_code="160"),
        pattern(
            "* (AT HEARING)",
            None,
            21,
            block="FREEZE",
            preps=[{"prep": "at", "object": {"head": "hearing"}}],
            reverse_code="173",
        ),
        pattern(
            "* CLAIM (AGAINST) +",
            "115",
            22,
            block="FREEZE",
            object={"head": "claim"},
            target="prep:against",
            preps=[{"prep": "against", "object": None}],
        ),
    ]
    compiled = VerbPatterns(rows, [form("freeze", None, block="FREEZE", line=19)], SYNONYMS)
    freeze = VerbForm("freeze", (), "FREEZE", None, "CAMEO.2.0.txt:19")
    cues = {p.src: cue_of(PatternMatch(freeze, p, p.code), "freeze") for p in compiled.patterns()}
    joint, reversed_, named = (cues[f"CAMEO.2.0.txt:{n}"] for n in (20, 21, 22))
    assert joint is not None and joint.mutual and joint.symmetric and "with" in joint.preps
    assert reversed_ is not None and reversed_.reverse and reversed_.cameo == "173"
    assert named is not None and named.preps == ("against",) and not named.object


def test_our_override_recodes_a_pattern_or_a_verb_alone(tmp_path: Path) -> None:
    path = tmp_path / "petrarch_overrides.jsonl"
    path.write_text(
        '{"src": "CAMEO.2.0.txt:10", "text": "* AID", "code": "073", "why": "aid sent here is humanitarian"}\n'
        '{"src": "CAMEO.2.0.txt:5", "text": "send", "code": null, "why": "sending alone is no event here"}\n',
        encoding="utf-8",
    )
    patterns = send_patterns(load_overrides(path))
    aid = sent([("aid", "aid", "NOUN", "dobj", 1)])
    iran = sent([("Iran", "iran", "PROPN", "dobj", 1)], {0: "EGY", 2: "IRN"})
    assert [patterns.match(an, an.by_i[1]).code for an in (aid, iran)] == ["073", None]  # type: ignore[union-attr]
    assert patterns.report.overridden == 2


def test_an_override_that_points_at_another_row_or_none_stops_the_compile_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "petrarch_overrides.jsonl"
    path.write_text('{"src": "CAMEO.2.0.txt:10", "text": "* ARMS", "code": null, "why": "not what it says"}\n')
    with pytest.raises(OverrideError, match=r"petrarch_overrides.jsonl:1: CAMEO.2.0.txt:10 is '\* AID'"):
        send_patterns(load_overrides(path))
    path.write_text('{"src": "CAMEO.2.0.txt:99", "text": "* ARMS", "code": null, "why": "not what it says"}\n')
    with pytest.raises(OverrideError, match=r"petrarch_overrides.jsonl:1: CAMEO.2.0.txt:99 is no row"):
        send_patterns(load_overrides(path))


def test_a_malformed_override_names_its_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "petrarch_overrides.jsonl"
    path.write_text('{"src": "CAMEO.2.0.txt:10", "text": "* AID", "code": "999", "why": "a code nobody knows"}\n')
    with pytest.raises(OverrideError, match=r"petrarch_overrides.jsonl:1: code: .*999"):
        load_overrides(path)
    path.write_text('{"src": "CAMEO.2.0.txt:10", "text": "* AID", "code": null, "reason": "a typo in the key"}\n')
    with pytest.raises(OverrideError, match=r"petrarch_overrides.jsonl:1: (why|reason): "):
        load_overrides(path)


def test_the_shipped_dictionary_compiles_but_for_the_misread_prepositions() -> None:
    report = verb_patterns().report
    assert report.compiled / report.read > 0.99
    assert set(report.not_compiled) == {"a prepositional phrase headed by a word that is no preposition"}
    assert report.overridden == len(load_overrides(OVERRIDES_JSONL))


def test_the_committed_compile_report_is_current() -> None:
    expected = render(verb_patterns(), distinct_patterns(REPORT_MD.read_text(encoding="utf-8")))
    assert COMPILED_MD.read_text(encoding="utf-8") == expected, "run `python -m tools.petrarch.compiled`"

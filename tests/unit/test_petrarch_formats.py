"""Unit tests of the PETRARCH converter's readers, on small inline examples of each dictionary format."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tools.petrarch import actors, agents, leaders, verbs
from tools.petrarch.codes import CodeTables
from tools.petrarch.lemmas import Lemmas

ROOT = Path(__file__).resolve().parents[2]
STATES = frozenset(json.loads(line)["code"] for line in (ROOT / "streams/core/data/states.jsonl").open())
PREPOSITIONS = frozenset(
    (ROOT / "third_party/petrarch2-dictionaries/Phoenix.prepositions.txt").read_text(encoding="utf-8").split()
)


@pytest.fixture(scope="module")
def lemmas() -> Lemmas:
    return Lemmas()


@pytest.fixture(scope="module")
def tables() -> CodeTables:
    return CodeTables.load(STATES)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


# -- verb dictionary -------------------------------------------------------------------------------------

VERB_FILE = """
# header comment
####### SYNONYM SETS #######

&WEAPON
+RIFLE
+ROCKETS
+MACHINE_GUN

&AUXVERB1_
+WAS
+WERE

&MILITARY
+ARMED_FORCES
+TROOPS

####### VERB PATTERNS #######

---  RUSH   [---]  ---
RUSH
HURRY {HURRIES HURRYING HURRIED }
SPEED [042]
+SEND_OFF {+SENDS_OFF +SENT_OFF} [070]  # a comment
- * &WEAPON (TO +)                                    [072]         # RUSH
- * DOWN RIOT                                         [175]         # PUT
- &MILITARY * EXERCISES                               [062:062]     # STAGE
- * (IN COURT)                                        [:173]        # APPEAR
- * {HUMANITARIAN AID}                                [073]
- * {HUMANITARIAN AID}                                [0233]
- * ATTACK                                            [---]
- * (TO {BANNED PARTIES}) $                           [1722]
- % &WEAPON *                                         [062]
- WILL NOT * (TOWARDS +)                              [030]
- * (BY/WITH SANCTIONS)                               [163]
- * TROOP TOWARD +                                    [154]
- * MASSIVE LOSSES                                    [111]

---  AVERT   [---]  ---
AVERT
- * ATTACK                                            [---]
- * CLASH                                             [0334]

~ a (a b ATTACK) SAY = a b 015
"""


@pytest.fixture(scope="module")
def verb_output(tmp_path_factory: pytest.TempPathFactory, lemmas: Lemmas) -> verbs.VerbOutput:
    tables = CodeTables.load(STATES)
    path = write(tmp_path_factory.mktemp("verbs"), "CAMEO.test.txt", VERB_FILE)
    dictionary = verbs.read(path, lemmas)
    ctx = verbs.Context(
        synsets=dictionary.synsets,
        particles=frozenset(tables.verbs["particles"]),
        ambiguous_particles=frozenset(tables.verbs["ambiguous_particles"]),
        prepositions=PREPOSITIONS,
        articles=frozenset(tables.verbs["articles"]),
        lemmas=lemmas,
        notes=Counter(),
    )
    return verbs.convert(dictionary, ctx, "CAMEO.test.txt", {"rush": "verbs.jsonl:7"})


def pattern(output: verbs.VerbOutput, text: str) -> dict[str, object]:
    return next(row for row in output.patterns if row["text"] == text)


def test_a_synonym_set_keeps_its_members_as_lemmas_and_phrases(verb_output: verbs.VerbOutput) -> None:
    weapon = next(s for s in verb_output.synsets if s["name"] == "WEAPON")
    assert weapon["members"] == ["rifle", "rocket", "machine gun"]
    assert weapon["plural"] is True
    aux = next(s for s in verb_output.synsets if s["name"] == "AUXVERB1")
    assert aux["plural"] is False and aux["members"] == ["was", "were"]


def test_verb_forms_are_lemmas_with_their_own_code_or_the_blocks(verb_output: verbs.VerbOutput) -> None:
    forms = {(f["block"], f["key"]): f for f in verb_output.forms}
    assert forms[("RUSH", "hurry")]["code"] is None
    assert forms[("RUSH", "speed")]["code"] == "042"
    assert forms[("RUSH", "send off")].items() >= {"lemma": "send", "after": ["off"], "code": "070"}.items()
    assert forms[("RUSH", "rush")]["ours"] == "verbs.jsonl:7"
    assert forms[("RUSH", "rush")]["src"] == "CAMEO.test.txt:20"


def test_a_pattern_with_a_synonym_set_and_a_marked_target(verb_output: verbs.VerbOutput) -> None:
    row = pattern(verb_output, "* &WEAPON (TO +)")
    assert row["verbs"] == ["hurry", "rush", "send off", "speed"]
    assert row["object"] == {"head": "&WEAPON"}
    assert row["preps"] == [{"prep": "to", "object": None}]
    assert (row["source"], row["target"], row["code"], row["block_code"]) == ("subject", "prep:to", "072", None)
    assert row["src"] == "CAMEO.test.txt:24"


def test_a_particle_a_subject_and_paired_codes(verb_output: verbs.VerbOutput) -> None:
    riot = pattern(verb_output, "* DOWN RIOT")
    assert (riot["particle"], riot["object"], riot["target"]) == ("down", {"head": "riot"}, None)
    drills = pattern(verb_output, "&MILITARY * EXERCISES")
    assert drills["subject"] == {"head": "&MILITARY"} and drills["object"] == {"head": "exercise"}
    assert (drills["code"], drills["reverse_code"]) == ("062", "062")
    court = pattern(verb_output, "* (IN COURT)")
    assert (court["code"], court["reverse_code"]) == (None, "173")


def test_unbracketed_words_are_read_as_their_writers_meant(verb_output: verbs.VerbOutput) -> None:
    troop = pattern(verb_output, "* TROOP TOWARD +")
    assert troop["object"] == {"head": "troop"} and troop["target"] == "prep:toward"
    losses = pattern(verb_output, "* MASSIVE LOSSES")
    assert losses["object"] == {"head": "loss", "mods": ["massive"]}


def test_the_later_of_two_patterns_with_one_structure_wins_as_in_petrarch(verb_output: verbs.VerbOutput) -> None:
    aid = [row for row in verb_output.patterns if row["text"] == "* {HUMANITARIAN AID}"]
    assert [(row["object"], row["code"]) for row in aid] == [({"head": "aid", "mods": ["humanitarian"]}, "0233")]


def test_a_null_code_overrides_a_default_and_is_dropped_without_one(verb_output: verbs.VerbOutput) -> None:
    assert pattern(verb_output, "* CLASH")["code"] == "0334"
    assert not [row for row in verb_output.patterns if row["block"] == "AVERT" and row["text"] == "* ATTACK"]
    assert verb_output.reasons["code [---] with no default"] == 2


@pytest.mark.parametrize(
    "reason",
    [
        "source after the verb",
        "`%` either-side marker",
        "more than one word or noun phrase before the verb",
        "alternatives written with `/`",
        "replaced by a later pattern with the same structure and another code (PETRARCH keeps the last)",
    ],
)
def test_patterns_that_cannot_be_mapped_are_counted_under_their_reason(
    verb_output: verbs.VerbOutput, reason: str
) -> None:
    assert verb_output.reasons[reason] == 1


def test_every_pattern_read_is_either_converted_or_counted(verb_output: verbs.VerbOutput) -> None:
    assert verb_output.read == 15
    assert len(verb_output.patterns) + sum(verb_output.reasons.values()) == verb_output.read


def test_a_pattern_line_without_a_block_stops_with_its_line(tmp_path: Path, lemmas: Lemmas) -> None:
    path = write(tmp_path, "bad.txt", "####### VERB PATTERNS #######\n- * AID [070]\n")
    with pytest.raises(ValueError, match=r"bad.txt:2: a pattern before the first"):
        verbs.read(path, lemmas)


# -- actor dictionaries ----------------------------------------------------------------------------------

ACTOR_FILE = """
# comment
BARACK_OBAMA
+PRESIDENT_OBAMA_
+OBAMA
	[USAELI 780101-000101]
	[USAGOV >090120]
JOHN_SHALIKASHVILI_	[IGOWSTNAT 920623-931022]	# NATO
HENRY_A._WALLACE_  # CountryInfo.txt
	[USAELI 19060101-410120]
	[USAGOVLEG 370722-470103]
	[USAGOVMIL <450120]
KOFI_ANNAN_	[IGOUNO 970101-061231] [ELI]
AL-QAIDA_ [IMGMUSALQ]
+AL_QAEDA_
HOUTHI_REBELS_ [YEMREB]
CHECHEN_FIGHTERS_ [IMGMUSRUSCNY]
BROKEN_DATE_
	[USAGOV 901399-910101]
NO_CODE_
"""


@pytest.fixture(scope="module")
def actor_file(tmp_path_factory: pytest.TempPathFactory, tables: CodeTables) -> actors.ActorFile:
    return actors.read(write(tmp_path_factory.mktemp("actors"), "Phoenix.test.actors.txt", ACTOR_FILE), tables)


def entry(actor_file: actors.ActorFile, name: str) -> actors.Entry:
    return next(e for e in actor_file.entries if e.name == name)


def test_an_actor_keeps_its_synonyms_as_phrases_and_stems(actor_file: actors.ActorFile) -> None:
    obama = entry(actor_file, "BARACK OBAMA")
    assert obama.phrases == ["president obama"]
    assert obama.stems == ["barack obama", "obama"]
    assert obama.line == 2


def test_dated_roles_become_iso_dates_split_into_our_actor_and_role(actor_file: actors.ActorFile) -> None:
    assert entry(actor_file, "BARACK OBAMA").codes == [
        {"code": "USAELI", "actor": "USA", "role": None, "start": "1978-01-01", "end": "2000-01-01"},
        {"code": "USAGOV", "actor": "USA", "role": "GOV", "start": "2009-01-20"},
    ]
    wallace = entry(actor_file, "HENRY A. WALLACE")
    assert wallace.codes[0]["start"] == "1906-01-01"
    assert (wallace.codes[1]["role"], wallace.codes[1]["end"]) == ("LEG", "1947-01-03")
    assert wallace.codes[2] == {"code": "USAGOVMIL", "actor": "USA", "role": "MIL", "end": "1945-01-20"}


def test_international_actors_and_armed_groups_get_their_codes(actor_file: actors.ActorFile) -> None:
    assert entry(actor_file, "JOHN SHALIKASHVILI").codes[0].items() >= {"actor": "NATO", "role": "IGO"}.items()
    annan = entry(actor_file, "KOFI ANNAN").codes
    assert [(c["code"], c["actor"], c["role"]) for c in annan] == [("IGOUNO", "UN", "IGO"), ("ELI", None, None)]
    # a group PETRARCH places in no state keeps its own code; 'MUS' after the first segment is no Mauritius
    assert entry(actor_file, "AL-QAIDA").codes[0] == {"code": "IMGMUSALQ", "actor": None, "role": "REB"}
    assert entry(actor_file, "HOUTHI REBELS").codes[0] == {"code": "YEMREB", "actor": "YEM", "role": "REB"}
    assert entry(actor_file, "CHECHEN FIGHTERS").codes[0]["actor"] == "RUS"


def test_actor_codes_that_cannot_be_read_are_counted(actor_file: actors.ActorFile) -> None:
    assert entry(actor_file, "BROKEN DATE").codes == []
    assert actor_file.reasons["code with an invalid date"] == 1
    assert entry(actor_file, "NO CODE").codes == []
    assert actor_file.roles["armed group with no state"] == 1
    assert actor_file.roles["role ELI: no role by design"] == 3


@pytest.mark.parametrize(
    ("code", "actor", "role"),
    [
        ("RUSGOVMIL", "RUS", "MIL"),
        ("USAGOVBUS", "USA", "GOV"),
        ("EGYGOVJUD", "EGY", "GOV"),
        ("FRACOP", "FRA", "POL"),
        ("GBRVGBELI", "VGB", None),
        ("KSVGOV", "XKX", "GOV"),
        ("IGOUNOKID", "UNICEF", "IGO"),
        ("IGOSASSAA", None, "IGO"),
        ("MNCUSA", None, "BUS"),
        ("NGOHRI", None, None),
        ("DDRGOV", None, "GOV"),
        ("AFGUAF", "AFG", "REB"),
        ("IRQCRM", "IRQ", None),
    ],
)
def test_petrarch_codes_map_to_our_actor_and_role(tables: CodeTables, code: str, actor: str, role: str) -> None:
    resolved = tables.resolve(code)
    assert (resolved.actor, resolved.role) == (actor, role)


# -- agents and discards ---------------------------------------------------------------------------------

AGENT_FILE = """
!PERSON! = MAN, WOMAN
POLICE {} [~COP]  # no plural
REBEL [~REB]
CONGRESS!PERSON! [~LEG]
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVJUD]
BROADCAST_MINIST [~GOVMED]
HUMAN_RIGHTS_BODY  [NGO~]
FARMER
"""


@pytest.fixture(scope="module")
def agent_output(tmp_path_factory: pytest.TempPathFactory, tables: CodeTables, lemmas: Lemmas) -> agents.Converted:
    path = write(tmp_path_factory.mktemp("agents"), "Phoenix.test.agents.txt", AGENT_FILE)
    return agents.read_agents(path, tables, lemmas, {"police": "titles.jsonl:14"})


def agent(output: agents.Converted, first: str) -> dict[str, object]:
    return next(row for row in output.rows if row["phrases"][0] == first)


def test_an_agent_line_gives_its_phrases_plurals_and_role(agent_output: agents.Converted) -> None:
    police = agent(agent_output, "police")
    assert police == {
        "phrases": ["police"],
        "code": "~COP",
        "role": "POL",
        "ours": ["titles.jsonl:14"],
        "src": "Phoenix.test.agents.txt:2",
    }
    assert agent(agent_output, "rebel")["phrases"] == ["rebel", "rebels"]
    assert agent(agent_output, "attorney general")["phrases"] == ["attorney general", "attorneys general"]
    assert agent(agent_output, "congressman")["phrases"] == ["congressman", "congresswoman"]
    assert agent(agent_output, "congressman")["role"] == "LEG"


def test_agent_stems_and_codes_without_a_role_of_ours(agent_output: agents.Converted) -> None:
    minist = agent(agent_output, "broadcast minist")
    assert minist["phrases"] == ["broadcast minist"] and minist["stem"] is True
    assert agent(agent_output, "human rights body")["role"] is None
    assert agent_output.roles["role NGO has no role of ours"] == 1
    assert agent_output.reasons["agent without a code"] == 1
    assert (agent_output.read, len(agent_output.rows)) == (7, 6)


def test_a_discard_line_says_whether_it_drops_the_sentence_or_the_story(tmp_path: Path) -> None:
    path = write(tmp_path, "Phoenix.test.discards.txt", "# c\n+MANCHESTER UNITED   # pas\nBASEBALL_\n1937\n")
    rows = agents.read_discards(path).rows
    assert rows == [
        {"phrase": "1937", "scope": "sentence", "stem": True, "src": "Phoenix.test.discards.txt:4"},
        {"phrase": "baseball", "scope": "sentence", "stem": False, "src": "Phoenix.test.discards.txt:3"},
        {"phrase": "manchester united", "scope": "story", "stem": True, "src": "Phoenix.test.discards.txt:2"},
    ]


# -- leader terms ----------------------------------------------------------------------------------------

TERMS = [
    {
        "name": "Barack Obama",
        "actor": "USA",
        "role": "GOV",
        "office": "President",
        "start": "2009-01-20",
        "end": "2017-01-20",
    },
    {
        "name": "Vladimir Putin",
        "actor": "RUS",
        "role": "GOV",
        "office": "Prime Minister",
        "start": "2008-05-08",
        "end": "2012-05-07",
    },
    {"name": "Vladimir Putin", "actor": "RUS", "role": "GOV", "office": "President", "start": "2012-05-07"},
    {
        "name": "Bashar al-Assad",
        "actor": "SYR",
        "role": "GOV",
        "office": "President",
        "start": "2000-07-17",
        "end": "2024-12-08",
    },
]


def test_leader_terms_close_open_and_undated_roles_and_keep_sitting_leaders_open(
    tmp_path: Path, tables: CodeTables
) -> None:
    terms_path = write(tmp_path, "leader_terms.jsonl", "".join(json.dumps(t) + "\n" for t in TERMS))
    text = ACTOR_FILE + "VLADIMIR_PUTIN_\n\t[RUSGOV 000507-080507]\n\t[RUSGOV >080508]\nBASHAR_AL-ASSAD\n\t[SYRGOV]\n"
    actor_file = actors.read(write(tmp_path, "Phoenix.test.actors.txt", text), tables)
    closing = leaders.close_roles(actor_file.entries, leaders.read_terms(terms_path), "leader_terms.jsonl")
    obama = entry(actor_file, "BARACK OBAMA").codes
    assert obama[1] == {
        "code": "USAGOV",
        "actor": "USA",
        "role": "GOV",
        "start": "2009-01-20",
        "end": "2017-01-20",
        "closed_by": "leader_terms.jsonl:1",
    }
    assert obama[0]["end"] == "2000-01-01"  # a role that ended long ago is PETRARCH's to keep
    putin = entry(actor_file, "VLADIMIR PUTIN").codes
    assert "closed_by" not in putin[0] and putin[0]["end"] == "2008-05-07"
    assert putin[1]["open_per"] == "leader_terms.jsonl:3" and "end" not in putin[1]
    assert entry(actor_file, "BASHAR AL-ASSAD").codes[0].items() >= {"start": "2000-07-17", "end": "2024-12-08"}.items()
    assert (closing.closed, closing.kept_open) == (2, 1)


def test_a_leader_term_without_its_fields_is_refused_with_an_example(tmp_path: Path) -> None:
    path = write(tmp_path, "leader_terms.jsonl", '{"name": "Barack Obama", "actor": "USA"}\n')
    with pytest.raises(ValueError, match=r"leader_terms.jsonl:1 needs \['office', 'role', 'start'\], e.g."):
        leaders.read_terms(path)

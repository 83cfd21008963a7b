"""Unit tests: the cue files' schema is typed and strict; a bad line is one message naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.core.rules.cues import (
    CUE_KEYS,
    STANCE_CUES_JSONL,
    VERBS_JSONL,
    CueFileError,
    load_cue_lexicon,
)

GOOD = '{"lemma": "attack", "pos": "verb", "cameo": "190"}'


def load_lines(tmp_path: Path, *lines: str) -> None:
    path = tmp_path / "verbs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_cue_lexicon(path)


def error_of(tmp_path: Path, *lines: str) -> str:
    with pytest.raises(CueFileError) as caught:
        load_lines(tmp_path, *lines)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("path", [VERBS_JSONL, STANCE_CUES_JSONL], ids=lambda p: p.name)
def test_the_shipped_cue_files_fit_the_schema(path: Path) -> None:
    assert len(load_cue_lexicon(path)) > 50


def test_an_unknown_key_is_rejected_with_its_file_line_and_the_accepted_keys(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD, '{"lemma": "meet", "pos": "verb", "cameo": "040", "symetric": true}')
    assert message.startswith("verbs.jsonl:2: unknown key 'symetric'; accepted keys: lemma, pos, cameo")
    assert all(key in message for key in CUE_KEYS)


def test_a_flag_that_is_not_a_boolean_is_rejected(tmp_path: Path) -> None:
    message = error_of(tmp_path, '{"lemma": "meet", "pos": "verb", "cameo": "040", "symmetric": "yes"}')
    assert message == "verbs.jsonl:1: key 'symmetric': Input should be a valid boolean (got 'yes')"


def test_prepositions_must_be_a_list_of_words(tmp_path: Path) -> None:
    assert "key 'preps': Input should be a valid array (got 'on')" in error_of(
        tmp_path, '{"lemma": "sanction", "pos": "verb", "cameo": "163", "preps": "on"}'
    )
    assert "key 'preps': Input should be a valid string (got 1)" in error_of(
        tmp_path, '{"lemma": "sanction", "pos": "verb", "cameo": "163", "preps": [1]}'
    )


def test_a_part_of_speech_outside_verb_noun_adj_is_rejected(tmp_path: Path) -> None:
    message = error_of(tmp_path, '{"lemma": "attack", "pos": "VERB", "cameo": "190"}')
    assert message == "verbs.jsonl:1: key 'pos': Input should be 'verb', 'noun' or 'adj' (got 'VERB')"


def test_a_code_missing_from_the_codebook_is_rejected(tmp_path: Path) -> None:
    message = error_of(tmp_path, '{"lemma": "attack", "pos": "verb", "cameo": "099"}')
    assert message.startswith("verbs.jsonl:1: key 'cameo': CAMEO code '099' is not in cameo.tsv")


def test_a_refinement_is_an_object_of_known_codes(tmp_path: Path) -> None:
    assert "key 'refine': must be an object of word -> CAMEO code" in error_of(
        tmp_path, '{"lemma": "cooperate", "pos": "verb", "cameo": "050", "refine": ["defense", "062"]}'
    )
    assert "key 'refine': CAMEO code '0999' is not in cameo.tsv" in error_of(
        tmp_path, '{"lemma": "cooperate", "pos": "verb", "cameo": "050", "refine": {"defense": "0999"}}'
    )


def test_a_stance_polarity_must_be_one_of_the_six(tmp_path: Path) -> None:
    message = error_of(tmp_path, '{"lemma": "hail", "pos": "verb", "polarity": "like"}')
    assert message.startswith("verbs.jsonl:1: key 'polarity': Input should be 'support', 'oppose'")


def test_a_cue_without_lemma_or_pos_says_what_every_cue_needs(tmp_path: Path) -> None:
    message = error_of(tmp_path, '{"lemma": "attack", "cameo": "190"}')
    assert message == f"verbs.jsonl:1: key 'pos' is missing; every cue needs 'lemma' and 'pos', e.g. {GOOD}"


def test_a_cue_that_signals_nothing_is_rejected(tmp_path: Path) -> None:
    message = error_of(tmp_path, '{"lemma": "attack", "pos": "verb"}')
    assert message.startswith("verbs.jsonl:1: a cue needs 'cameo' (an event), 'polarity' (a stance) or 'control'")


def test_a_line_that_is_not_json_is_rejected_with_an_example(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD, "", '{"lemma": "attack", pos: "verb"}')
    assert message.startswith("verbs.jsonl:3: not a JSON object (") and message.endswith(GOOD)


def test_the_same_lemma_and_part_of_speech_may_appear_once(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD, '{"lemma": "attack", "pos": "verb", "cameo": "195"}')
    assert message == "verbs.jsonl:2: verb 'attack' is already on line 1; keep one entry"


def test_a_mutual_cue_is_symmetric_too(tmp_path: Path) -> None:
    path = tmp_path / "verbs.jsonl"
    path.write_text('{"lemma": "drill", "pos": "verb", "cameo": "062", "mutual": true}\n', encoding="utf-8")
    cue = load_cue_lexicon(path)[("drill", "verb")]
    assert cue.mutual and cue.symmetric

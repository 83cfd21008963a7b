"""Unit tests: the recorded parses the rule tests run on are what the trained model parses today (model loaded).

When one fails, the model or the Doc-to-plain step changed: re-record with `.venv/bin/python
tools/record_parses.py` and run tests/unit/test_rule_examples.py, whose failures then show what changed.
"""

from __future__ import annotations

from tests.unit.rule_fixtures import RECORD_COMMAND, drifted, example_texts, parser, recorded_lines


def test_every_example_text_has_one_recorded_parse() -> None:
    texts = example_texts()
    assert list(recorded_lines()) == texts, f"examples and recorded parses differ: run `{RECORD_COMMAND}`"


def test_the_recorded_parses_have_not_drifted_from_the_model() -> None:
    problems = drifted(parser())
    assert not problems, (
        f"{len(problems)} recorded parses differ from a fresh parse; re-record with `{RECORD_COMMAND}` and "
        "check the rule tests:\n" + "\n".join(problems[:10])
    )

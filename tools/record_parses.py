"""Tools: record the parses of the rule tests' example sentences, so the rule tests run without the model.

Usage: .venv/bin/python tools/record_parses.py [--check]

Parses every text of tests/data/rules/examples.jsonl with the worker's pipeline and writes its plain parse
(tokens with text, lemma, pos, dep, head and idx; the sentences that can hold a dyad; the actor mentions of
the test dictionary in tests/unit/rule_fixtures.py) to tests/data/rules/parses.jsonl, one line per text.
Run it after adding an example or when the spaCy model changes, then run tests/unit/test_rule_examples.py:
a rule test that fails then shows what a new parse changes. `--check` writes nothing and exits 1 listing the
parses that differ from a fresh one (tests/unit/test_recorded_parses.py does the same).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# the recorder shares its reading and writing of the fixtures with the tests that load them
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.rule_fixtures import PARSES, drifted, example_texts, parser, record  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--check", action="store_true", help="only list the recorded parses that drifted")
    args = options.parse_args(argv)
    nlp = parser()
    if args.check:
        problems = drifted(nlp)
        for problem in problems:
            print(problem)
        print(f"{len(problems)} of {len(example_texts())} recorded parses differ from a fresh parse")
        return 1 if problems else 0
    lines = [json.dumps(record(nlp, text), ensure_ascii=False) for text in example_texts()]
    PARSES.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"recorded {len(lines)} parses in {PARSES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Bench layer: runs the extractor on the labelled corpus and prints the quality table (tools/evaluation.py).

Usage: python bench/eval_extraction.py [--split dev|test|all] [--show-errors] [--out bench/out/quality.json]
"""

import sys
from pathlib import Path

# run as a script (`python bench/eval_extraction.py`): the repository root holds tools/
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.evaluation import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())

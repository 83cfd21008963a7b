"""Bench layer: runs the extractor on the labelled corpus and prints the quality table (streams.evaluation).

Usage: python bench/eval_extraction.py [--split dev|test|all] [--show-errors] [--out bench/out/quality.json]
"""

from streams.evaluation import main

if __name__ == "__main__":
    raise SystemExit(main())

"""Unit tests of the benchmark's profile summary: py-spy collapsed stacks into named buckets."""

from __future__ import annotations

from pathlib import Path

from bench.profiling import OTHER, summarize


def test_samples_fall_into_the_first_matching_bucket_and_shares_add_up(tmp_path: Path):
    raw = tmp_path / "profile.txt"
    raw.write_text(
        "thread (1): nlp_0;_extract_batch (streams/agents.py:65);forward (thinc/layers/maxout.py:52) 6\n"
        "thread (1): nlp_0;_extract_batch (streams/agents.py:65);rule (streams/core/events.py:10) 2\n"
        "thread (2): MainThread;apply_relation_update (streams/agents.py:110);dumps (json/__init__.py:1) 1\n"
        "thread (2): MainThread;something (somewhere.py:1) 1\n"
    )
    summary = summarize(raw)
    assert summary["samples"] == 10
    buckets = summary["buckets"]
    assert buckets["spaCy/thinc trained pipeline"] == 0.6
    assert buckets["dyadwatch spaCy components (actors, events, stances)"] == 0.2
    assert buckets["relations fold, table, relations send"] == 0.1
    assert buckets[OTHER] == 0.1

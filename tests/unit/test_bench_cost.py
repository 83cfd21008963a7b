"""Unit tests of the cost curve's pure parts: articles of a given length, the ratio table, the SVG plot."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import spacy

from bench.cost import article_count, articles_of_length, main, markdown, ratio_table, svg, window

TOKENIZER = spacy.blank("en").tokenizer


@pytest.mark.parametrize("length", [300, 1500, 5000])
def test_articles_of_a_length_stay_within_a_tenth_of_it_in_spacy_tokens(length: int):
    articles = articles_of_length(length, 4, seed=7)
    sizes = [len(TOKENIZER(a.text)) for a in articles]
    assert all(abs(size - length) <= max(40, length // 10) for size in sizes), sizes


def test_each_length_has_its_own_ids_and_texts():
    short, long = articles_of_length(300, 5, seed=7), articles_of_length(1500, 5, seed=7)
    assert {a.id for a in short}.isdisjoint(a.id for a in long)
    assert all(a.id.startswith("len300-") for a in short)
    assert len({a.text for a in short + long}) == 10


def test_the_window_leaves_the_generator_room_and_centres_on_the_length():
    for length in (100, 300, 1500, 5000):
        low, high = window(length)
        assert high - low >= 80 and (low + high) // 2 == length


def test_the_article_count_spends_the_token_budget_but_never_drops_below_the_minimum():
    assert article_count(300, 72_000, 18) == 240
    assert article_count(5000, 72_000, 18) == 18


def cell(workers: int, length: int, tokens_per_s: float, rss: list[float]) -> dict[str, object]:
    return {
        "workers": workers,
        "length": length,
        "articles": 10,
        "articles_per_s": tokens_per_s / length,
        "tokens_per_s": tokens_per_s,
        "seconds": 10.0,
        "worker_vmhwm_mb": rss,
        "worker_vmrss_mb": [r - 10 for r in rss],
        "cpu_seconds": {"workers": 20.0, "bench": 2.0, "broker": 3.0},
        "load_before": [1.0, 1.0, 1.0],
        "load_after": [2.0, 1.0, 1.0],
    }


CELLS = [
    cell(1, 300, 2000.0, [450.0]),
    cell(2, 300, 3000.0, [450.0, 460.0]),
    cell(1, 5000, 1000.0, [520.0]),
    cell(2, 5000, 1900.0, [530.0, 540.0]),
]
BARE = {300: 4000.0, 5000: 2000.0}


def test_ratios_are_against_bare_and_one_worker_of_the_same_length():
    rows = {(r["workers"], r["length"]): r for r in ratio_table(CELLS, BARE)}
    assert rows[(1, 300)] == {
        "workers": 1,
        "length": 300,
        "pin": "none",
        "over_bare": 0.5,
        "over_one_worker": 1.0,
        "tokens_per_worker_cpu_s": 1000.0,
        "cores_used": 2.5,
    }
    assert rows[(2, 300)]["over_one_worker"] == 1.5 and rows[(2, 300)]["over_bare"] == 0.75
    assert rows[(2, 5000)]["over_one_worker"] == 1.9 and rows[(2, 5000)]["over_bare"] == 0.95


def test_without_a_one_worker_cell_the_ratio_to_one_worker_is_left_empty():
    (row,) = ratio_table([cell(2, 300, 3000.0, [1.0, 1.0])], BARE)
    assert row["over_one_worker"] is None


def report() -> dict[str, object]:
    lengths = {
        str(n): {
            "tokens_per_article": float(n),
            "bare_before": {"tokens_per_s": BARE[n]},
            "bare_after": {"tokens_per_s": BARE[n]},
            "bare_tokens_per_s": BARE[n],
            "bare_articles_per_s": BARE[n] / n,
            "core_in_process": {"tokens_per_s": BARE[n]},
        }
        for n in BARE
    }
    return {
        "machine": {"nproc": 2},
        "pins": ["none"],
        "started_at": "2026-12-03T14:00:00+00:00",
        "load_at_start": [1.0, 1.0, 1.0],
        "load_at_end": [2.0, 1.0, 1.0],
        "lengths": lengths,
        "cells": CELLS,
        "ratios": ratio_table(CELLS, BARE),
    }


def test_the_svg_has_a_throughput_line_and_an_rss_line_per_length_and_a_dashed_bare_level():
    root = ET.fromstring(svg(report()))
    ns = "{http://www.w3.org/2000/svg}"
    lines = root.findall(f"{ns}polyline")
    assert [line.findtext(f"{ns}title") for line in lines] == ["300 tokens", "5000 tokens"] * 2
    assert len([e for e in root.iter(f"{ns}line") if e.get("stroke-dasharray")]) == 2
    first = [tuple(map(float, p.split(","))) for p in lines[0].get("points", "").split()]
    assert first[0][1] > first[1][1]  # 3,000 tokens/s is drawn higher (smaller y) than 2,000


def test_the_markdown_table_has_one_row_per_cell_with_its_ratios():
    text = markdown(report())
    row = next(line for line in text.splitlines() if line.startswith("| 2 | none | 5000"))
    assert "| 0.95 | 1.90 |" in row and "530 / 530" not in row and "520 / 530" in row


def test_the_command_refuses_an_unknown_pin_mode(tmp_path: Path):
    with pytest.raises(SystemExit):
        main(["--pin", "none,everything", "--out", str(tmp_path / "c.json")])


def test_pinned_cells_are_compared_with_one_worker_pinned_the_same_way():
    pinned = [{**c, "pin": "split", "tokens_per_s": 2 * float(c["tokens_per_s"])} for c in CELLS[:2]]  # type: ignore[arg-type]
    rows = {(r["workers"], r["pin"]): r for r in ratio_table(CELLS[:2] + pinned, BARE)}
    assert rows[(2, "split")]["over_one_worker"] == 1.5 and rows[(1, "split")]["over_bare"] == 1.0
    names = [
        e.findtext("{http://www.w3.org/2000/svg}title")
        for e in ET.fromstring(svg({**report(), "cells": CELLS[:2] + pinned})).iter(
            "{http://www.w3.org/2000/svg}polyline"
        )
    ]
    assert "300 tokens, pin split" in names and "300 tokens" in names

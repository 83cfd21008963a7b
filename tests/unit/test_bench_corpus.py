"""Unit tests of the benchmark corpus generator: lengths in range, no repeated text, reproducible, varied."""

from __future__ import annotations

import spacy

from bench.corpus import make_corpus

TOKENIZER = spacy.blank("en").tokenizer


def test_every_article_is_between_300_and_1500_spacy_tokens():
    lengths = [len(TOKENIZER(a.text)) for a in make_corpus(40, seed=3)]
    assert min(lengths) >= 300 and max(lengths) <= 1500, (min(lengths), max(lengths))


def test_no_article_text_and_no_article_id_repeats():
    articles = make_corpus(120, seed=5)
    assert len({a.text for a in articles}) == len(articles)
    assert len({a.id for a in articles}) == len(articles)


def test_the_same_seed_gives_the_same_corpus_and_another_seed_does_not():
    assert [a.text for a in make_corpus(5, seed=9)] == [a.text for a in make_corpus(5, seed=9)]
    assert [a.text for a in make_corpus(5, seed=9)] != [a.text for a in make_corpus(5, seed=10)]


def test_lengths_spread_across_the_range_rather_than_bunching_at_one_size():
    lengths = [len(TOKENIZER(a.text)) for a in make_corpus(60, seed=11)]
    assert min(lengths) < 600 and max(lengths) > 1200, (min(lengths), max(lengths))


def test_wire_articles_are_in_range_distinct_reproducible_and_made_of_whole_wire_texts():
    from bench.corpus import make_wire_corpus, wire_texts

    articles = make_wire_corpus(30, seed=3)
    lengths = [len(TOKENIZER(a.text)) for a in articles]
    assert min(lengths) >= 300 and max(lengths) <= 1500, (min(lengths), max(lengths))
    assert len({a.text for a in articles}) == len({a.id for a in articles}) == 30
    assert [a.text for a in make_wire_corpus(3, seed=3)] == [a.text for a in articles[:3]]
    assert [a.text for a in make_wire_corpus(3, seed=4)] != [a.text for a in articles[:3]]
    known = {text for text, _ in wire_texts()}
    for article in articles:
        paragraphs = article.text.split("\n\n")
        assert all(p in known for p in paragraphs) and len(set(paragraphs)) == len(paragraphs), article.id

"""Unit tests of `dyad_attributes` and `dyad_lemmas`: the model's attribute_ruler rules and lemmatizer by lookup set
exactly the attributes the ruler and the lemmatizer set.

Three kinds of evidence, each against spaCy's own AttributeRuler of the loaded model:
- synthetic Docs made from each rule's own patterns (every rule of the ruler fires in one of them), and random
  Docs of the rules' words, tags and labels in any order, with spaces and casing (rules overlapping and competing);
- random Docs of words, POS and morph for the lemmatizer, lemmas set before or not;
- the whole pipeline, ours against the same pipeline handing each Doc to the ruler and the lemmatizer, on the dev
  sentences' texts,
  bench articles and the sample articles: every token's tag, POS, morph, lemma, dependency, head and entity, and
  the actors, events and stances found;
- the cases the lookup leaves to the ruler itself (rules setting other attributes, an index outside its match).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from bench.corpus import make_corpus
from streams.core.actors import _english_words
from streams.core.attributes import FastAttributes, FastLemmas
from streams.core.extract import load_extractor
from streams.core.pipeline import ATTRIBUTES

DATA = Path(__file__).resolve().parents[1] / "data"
REGEX_CANDIDATES = ["n't", "nt", "nothin'", "nuthin'", "y'", "y", "ya'll"]
"""Words tried against a rule's REGEX condition when a synthetic token must meet it (or must not)."""
COMMON = ["said", "Egypt", "talks", "on", "Monday", "x", "12", "-", "(", '"', "..."]
SPACES = [" ", "\n", "\n\n", "  ", "\t"]


@cache
def nlp() -> Language:
    return load_extractor().nlp


def fast() -> FastAttributes:
    component = nlp().get_pipe(ATTRIBUTES)
    assert isinstance(component, FastAttributes)
    return component


def ruler() -> AttributeRuler:
    return fast().ruler


def lemmas() -> FastLemmas:
    component = nlp().get_pipe("lemmatizer")
    assert isinstance(component, FastLemmas)
    return component


def token_attrs(doc: Doc) -> list[tuple[str, str, str, str, str]]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def pipeline_attrs(doc: Doc) -> list[tuple[object, ...]]:
    return [(*a, t.head.i, t.ent_iob_, t.ent_type_) for a, t in zip(token_attrs(doc), doc, strict=True)]


# -- synthetic Docs from the rules' own patterns -------------------------------------------------------------------


def _meets(spec: Any, value: str) -> bool:
    if not isinstance(spec, dict):
        return value == spec
    (op, values), *_ = spec.items()
    if op == "IN":
        return value in values
    if op == "NOT_IN":
        return value not in values
    if op == "REGEX":
        return re.search(values, value) is not None
    raise AssertionError(f"a condition the test cannot satisfy: {spec}")


def _values(spec: Any, pool: list[str]) -> list[str]:
    """Values meeting a pattern's condition: each alternative of an IN, else one of `pool`."""
    if isinstance(spec, dict) and "IN" in spec:
        return list(spec["IN"])
    if not isinstance(spec, dict):
        return [spec]
    return [next(v for v in pool if _meets(spec, v))]


def _token_choices(spec: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(word, tag, dep) choices for one token of a pattern, every alternative of its conditions in one of them."""
    words = ["word"]
    if "LOWER" in spec:
        words = _values(spec["LOWER"], [*REGEX_CANDIDATES, "word"])
    if spec.get("IS_SPACE") is True:
        words = [" "]
    tags = _values(spec["TAG"], [*tag_labels(), "VB"]) if "TAG" in spec else ["NN"]
    deps = _values(spec["DEP"], [*dep_labels(), "nsubj"]) if "DEP" in spec else ["dep"]
    n = max(len(words), len(tags), len(deps))
    return [(words[min(k, len(words) - 1)], tags[min(k, len(tags) - 1)], deps[min(k, len(deps) - 1)]) for k in range(n)]


def make_doc(tokens: list[tuple[str, str, str]]) -> Doc:
    words = [w for w, _, _ in tokens]
    doc = Doc(nlp().vocab, words=words, spaces=[False] * len(words))
    for token, (_, tag, dep) in zip(doc, tokens, strict=True):
        token.tag_ = tag
        token.dep_ = dep
    return doc


def rule_cases() -> Iterator[tuple[int, list[tuple[str, str, str]]]]:
    """For each rule and pattern, Docs whose middle tokens meet it (one per alternative of its conditions)."""
    filler = [("Then", "RB", "advmod")]
    for rule, entry in enumerate(ruler().patterns):
        for pattern in entry["patterns"]:
            choices = [_token_choices(spec) for spec in pattern]
            for k in range(max(len(c) for c in choices)):
                yield rule, [*filler, *(c[min(k, len(c) - 1)] for c in choices), *filler]


@cache
def tag_labels() -> list[str]:
    return list(nlp().get_pipe("tagger").labels)


@cache
def dep_labels() -> list[str]:
    return list(nlp().get_pipe("parser").labels)


def rule_words() -> list[str]:
    """Every literal LOWER value of the rules."""
    words: set[str] = set()
    for entry in ruler().patterns:
        for pattern in entry["patterns"]:
            for spec in pattern:
                lower = spec.get("LOWER")
                if isinstance(lower, str):
                    words.add(lower)
                elif isinstance(lower, dict) and isinstance(lower.get("IN"), list):
                    words.update(lower["IN"])
    return sorted(words)


def both(tokens: list[tuple[str, str, str]], component: FastAttributes) -> tuple[Doc, Doc]:
    expected, got = make_doc(tokens), make_doc(tokens)
    ruler()(expected)
    component(got)
    return expected, got


def test_every_rule_of_the_model_fires_in_a_synthetic_case() -> None:
    fired: set[int] = set()
    for rule, tokens in rule_cases():
        matched = {attr_id for attr_id, _, _, _ in ruler().match(make_doc(tokens))}
        assert rule in matched, (rule, tokens)
        fired |= matched
    assert fired == set(range(len(ruler().patterns)))


def test_the_lookup_sets_the_ruler_s_attributes_in_every_synthetic_case() -> None:
    component = FastAttributes(ruler())
    for _, tokens in rule_cases():
        expected, got = both(tokens, component)
        assert token_attrs(got) == token_attrs(expected), tokens


def test_the_lookup_sets_the_ruler_s_attributes_on_random_words_tags_and_labels() -> None:
    rng = random.Random(14)
    component = FastAttributes(ruler())
    words = [*rule_words(), *REGEX_CANDIDATES, *COMMON]
    tags = [*tag_labels(), "", "NIL", "BES", "HVS", "GW", "_SP"]
    deps = [*dep_labels(), ""]

    def word() -> str:
        if rng.random() < 0.08:
            return rng.choice(SPACES)
        w = rng.choice(words)
        return rng.choice([w, w, w.title(), w.upper()])

    changed = 0
    for _ in range(300):
        tokens = [(word(), rng.choice(tags), rng.choice(deps)) for _ in range(rng.randint(1, 30))]
        expected, got = both(tokens, component)
        assert token_attrs(got) == token_attrs(expected), tokens
        changed += sum(a != b for a, b in zip(token_attrs(make_doc(tokens)), token_attrs(expected), strict=True))
    assert changed > 1000  # the ruler did set attributes: the comparison is not between two untouched Docs


# -- the whole pipeline -------------------------------------------------------------------------------------------


def texts() -> list[str]:
    dev = [json.loads(line)["text"] for line in (DATA / "events" / "dev.jsonl").read_text("utf-8").splitlines()]
    samples = [path.read_text("utf-8") for path in sorted((DATA / "samples").glob("*.txt"))]
    return [*dev, *(a.text for a in make_corpus(6, seed=14)), *samples]


def run(all_texts: list[str]) -> list[Doc]:
    return list(nlp().pipe(all_texts, batch_size=16))


def outputs(doc: Doc) -> tuple[object, ...]:
    actors = [(s.start, s.end, s.label_, s.kb_id_) for s in doc.spans.get("actors", [])]
    return actors, doc._.relations, doc._.stances


def test_the_whole_pipeline_is_unchanged_on_dev_bench_and_sample_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    all_texts = texts()
    got = run(all_texts)
    with monkeypatch.context() as patched:
        patched.setattr(fast(), "exact", False)  # our components hand every Doc to the trained ruler
        patched.setattr(lemmas(), "exact", False)  # and lemmatizer
        expected = run(all_texts)
    assert fast().exact and lemmas().exact
    for text, expected_doc, got_doc in zip(all_texts, expected, got, strict=True):
        assert pipeline_attrs(got_doc) == pipeline_attrs(expected_doc), text[:80]
        assert outputs(got_doc) == outputs(expected_doc), text[:80]
    assert sum(len(doc._.relations) for doc in expected) > 500


def test_the_pipeline_runs_our_components_in_the_ruler_s_and_the_lemmatizer_s_places() -> None:
    names = nlp().pipe_names
    assert "attribute_ruler" not in names
    assert names.index("parser") < names.index(ATTRIBUTES) < names.index("lemmatizer") < names.index("ner")
    assert lemmas().lookups is lemmas().lemmatizer.lookups


def test_the_actor_layer_still_reads_the_lemmatizer_s_base_forms() -> None:
    assert {"minister", "agree", "talk"} <= _english_words(nlp())


# -- the lemmas ---------------------------------------------------------------------------------------------------


def test_the_lemma_lookup_sets_the_lemmatizer_s_lemmas_on_random_words_pos_and_morph() -> None:
    rng = random.Random(15)
    lemmatizer = lemmas().lemmatizer
    component = FastLemmas(lemmatizer)
    words = [*rule_words(), *COMMON, "talks", "agreed", "ministers", "saw", "better", "running", "Foreign", "US"]
    poses = ["NOUN", "VERB", "AUX", "ADJ", "ADV", "PROPN", "PRON", "ADP", "NUM", "PUNCT", "SPACE", "X"]
    morphs = [
        "",
        "Number=Sing",
        "Number=Plur",
        "VerbForm=Inf",
        "Tense=Past|VerbForm=Fin",
        "Degree=Pos",
        "Degree=Cmp",
        "Tense=Pres|VerbForm=Fin",
        "Aspect=Prog|Tense=Pres|VerbForm=Part",
    ]

    def doc_of(tokens: list[tuple[str, str, str, str]]) -> Doc:
        doc = Doc(nlp().vocab, words=[w for w, _, _, _ in tokens])
        for token, (_, pos, morph, lemma) in zip(doc, tokens, strict=True):
            token.pos_, token.lemma_ = pos, lemma
            token.set_morph(morph or None)
        return doc

    lemmatizer(doc_of([("talks", "NOUN", "Number=Plur", "")]))  # validated, as after a first Doc
    for _ in range(300):
        tokens = [
            (w, rng.choice(poses), rng.choice(morphs), rng.choice(["", "", "", "preset"]))
            for w in (rng.choice([x, x.title(), x.upper()]) for x in rng.choices(words, k=rng.randint(1, 30)))
        ]
        expected, got = doc_of(tokens), doc_of(tokens)
        lemmatizer(expected)
        component(got)
        assert [t.lemma_ for t in got] == [t.lemma_ for t in expected], tokens


# -- what is left to the ruler itself -----------------------------------------------------------------------------


def small_ruler(patterns: list[dict[str, Any]]) -> AttributeRuler:
    small = AttributeRuler(nlp().vocab)
    small.add_patterns(patterns)
    return small


def test_a_ruler_that_sets_other_attributes_is_run_itself() -> None:
    small = small_ruler([{"patterns": [[{"TAG": "NN"}]], "attrs": {"NORM": "thing", "POS": "NOUN"}}])
    component = FastAttributes(small)
    assert not component.exact
    expected, got = make_doc([("talks", "NN", "dobj")]), make_doc([("talks", "NN", "dobj")])
    small(expected)
    component(got)
    assert [(t.norm_, t.pos_) for t in got] == [(t.norm_, t.pos_) for t in expected] == [("thing", "NOUN")]


def test_a_rule_index_outside_its_match_raises_as_the_ruler_does() -> None:
    small = small_ruler([{"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "go"}, "index": 2}])
    component = FastAttributes(small)
    tokens = [("gon", "VBG", "ROOT"), ("na", "TO", "aux")]
    with pytest.raises(ValueError, match="E1001"):
        small(make_doc(tokens))
    with pytest.raises(ValueError, match="E1001"):
        component(make_doc(tokens))


ONE_TOKEN_RULES = [
    {"patterns": [[{"TAG": "TO"}]], "attrs": {"POS": "PART", "LEMMA": "three"}},
    {"patterns": [[{"LOWER": "na"}]], "attrs": {"LEMMA": "one"}},
]
LONGER_RULE = {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "two"}, "index": -1}


@pytest.mark.parametrize(
    ("patterns", "lemmas"),
    [
        ([*ONE_TOKEN_RULES, LONGER_RULE], ["", "two", "one"]),
        ([LONGER_RULE, *ONE_TOKEN_RULES], ["", "one", "one"]),
        ([ONE_TOKEN_RULES[1], LONGER_RULE, ONE_TOKEN_RULES[0]], ["", "three", "one"]),
    ],
)
def test_a_longer_rule_and_one_token_rules_on_one_token_apply_in_rule_order(
    patterns: list[dict[str, Any]], lemmas: list[str]
) -> None:
    small = small_ruler(patterns)
    tokens = [("gon", "VBG", "ROOT"), ("na", "TO", "aux"), ("na", "NN", "dep")]
    expected, got = make_doc(tokens), make_doc(tokens)
    small(expected)
    FastAttributes(small)(got)
    assert token_attrs(got) == token_attrs(expected)
    assert [t.lemma_ for t in got] == lemmas
    assert [t.pos_ for t in got] == ["", "PART", ""]

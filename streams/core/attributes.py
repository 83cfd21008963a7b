"""Core layer: the trained pipeline's attribute_ruler rules and lemmatizer applied by table lookup.

`dyad_attributes` stands in for the attribute_ruler, `dyad_lemmas` for the lemmatizer (see `FastLemmas`).

spaCy's AttributeRuler runs a generic Matcher over every token (179 rules in en_core_web_sm, nearly all of one token
on TAG, LOWER, DEP or IS_SPACE) and then sets the attributes of each match in Python. This component gives the same
token attributes in a fraction of the time. `dyad_attributes` holds no rules of its own: it compiles the loaded
ruler's patterns, once per process:

- a rule pattern of one token on TAG / DEP / IS_SPACE / LOWER only (no operator) is looked up: a token's key is its
  (tag, dep, is_space, class of its lower form), the class being which of the rules' LOWER conditions the form
  meets. The first token of a key met is matched by the ruler's own Matcher (the single-token patterns alone) on
  that token, and the rules it meets, resolved as spaCy resolves them, are kept for every later token of that key;
- a pattern of a fixed number of tokens whose first token tests only those attributes is matched by a Matcher on
  the tokens from each token whose key can start it (the key also says which first-token conditions it meets);
- any other pattern (operators, other attributes) is matched by a Matcher over the whole Doc, as the ruler would.
  The matches of both are merged per token with the looked-up rules.

As in `AttributeRuler.set_annotations`, all rules are matched on the Doc as it came in, then applied in rule order
(a later rule's value of an attribute wins). The writes are `Token.set_struct_attr`'s (POS, TAG, MORPH, LEMMA, DEP),
through `Doc.from_array`. A ruler whose rules set anything else (extension attributes, NORM, ...) is run itself,
and so is a Doc where a rule's index falls outside its match (the ruler raises there).
"""

from __future__ import annotations

import json
from typing import Any, cast

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc, Span

from streams.core.takeover import trained_pipe

Pattern = list[dict[str, Any]]
"""One Matcher pattern: a condition per token."""
WRITTEN = (POS, TAG, MORPH, LEMMA, DEP)
"""The token attributes the rules may set here, in the column order of the tables."""
KEY_ATTRS = frozenset({"TAG", "DEP", "IS_SPACE", "LOWER"})
"""The attributes a one-token pattern may test to be looked up."""
MAX_FORMS = 500_000
"""Lower forms whose class is remembered; beyond, the memory starts afresh (a long-running worker's vocabulary)."""
MAX_KEYS = 100_000
"""Keys whose resolved attributes are remembered; beyond, the tables start afresh."""
MAX_LEMMAS = 1_000_000
"""(form, POS, morph) keys whose lemma is remembered; beyond, the memory starts afresh."""


@Language.factory(
    "dyad_attributes",
    default_config={"source": "attribute_ruler"},
    requires=["token.tag", "token.dep"],
    assigns=["token.pos", "token.tag", "token.morph", "token.lemma", "token.dep"],
)
def make_dyad_attributes(nlp: Language, name: str, source: str) -> FastAttributes:
    ruler = trained_pipe(nlp, "dyad_attributes", source, AttributeRuler, "attribute ruler", "compiles the rules of")
    return FastAttributes(ruler)


def _is_lookup(pattern: Pattern) -> bool:
    """A pattern of one token testing only KEY_ATTRS, without an operator: it can be looked up per token."""
    return len(pattern) == 1 and isinstance(pattern[0], dict) and all(k in KEY_ATTRS for k in pattern[0])


def _is_fixed(pattern: Pattern) -> bool:
    """A pattern of a fixed number of tokens (no operator) whose first token tests only KEY_ATTRS: its matches start
    at tokens whose key says so, and lie within its length from there."""
    return (
        bool(pattern)
        and all(isinstance(spec, dict) and "OP" not in spec for spec in pattern)
        and all(k in KEY_ATTRS for k in pattern[0])
    )


def _matches(matcher: Matcher, doclike: Doc | Span) -> list[tuple[int, int, int]]:
    """The matcher's matches as the ruler takes them (missing annotation allowed); none from an empty matcher."""
    return matcher(doclike, allow_missing=True) if len(matcher) else []


class FastAttributes:
    """The rules of `ruler` (spaCy's AttributeRuler, kept for the cases it must run itself) by table lookup."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        vocab = ruler.vocab
        self.attrs: list[dict[Any, Any]] = list(ruler.attrs)  # normalised: attribute ids, MORPH as its key
        self.indices: list[int] = list(ruler.indices)
        self.exact = all(all(k in WRITTEN for k in attrs) for attrs in self.attrs)
        self.single = Matcher(vocab)  # one-token rules, run on one token per new key
        self.forms = Matcher(vocab)  # the LOWER conditions of those, run on one token per new lower form
        self.heads = Matcher(vocab)  # the first token of the fixed-length rules, run on one token per new key
        self.fixed = Matcher(vocab)  # fixed-length rules, run on the tokens from a head on
        self.general = Matcher(vocab)  # any other rule, run on the whole Doc
        self.rule_of: dict[int, int] = {}
        self.length_of: dict[int, int] = {}
        lower_specs: dict[str, Any] = {}
        for rule, entry in enumerate(ruler.patterns):
            key = vocab.strings.add(f"dyad_attributes:{rule}")
            self.rule_of[key] = rule
            patterns = cast(list[Pattern], entry["patterns"])
            lookups = [p for p in patterns if _is_lookup(p) and self.indices[rule] in (0, -1)]
            fixed = [p for p in patterns if p not in lookups and _is_fixed(p)]
            general = [p for p in patterns if p not in lookups and p not in fixed]
            for pattern in [*lookups, *fixed]:  # the conditions a key decides: one-token rules and heads
                if "LOWER" in pattern[0]:
                    lower_specs.setdefault(json.dumps(pattern[0]["LOWER"], sort_keys=True), pattern[0]["LOWER"])
            if lookups:
                self.single.add(key, lookups)
            if fixed:
                self.fixed.add(key, fixed)
                for n, pattern in enumerate(fixed):
                    head = vocab.strings.add(f"dyad_attributes:{rule}:head:{n}")
                    self.heads.add(head, [pattern[:1]])
                    self.length_of[head] = len(pattern)
            if general:
                self.general.add(key, general)
        for n, spec in enumerate(lower_specs.values()):
            self.forms.add(f"dyad_attributes:lower:{n}", [[{"LOWER": spec}]])
        self._reset()

    def _reset(self) -> None:
        self.form_class: dict[int, int] = {}
        self.classes: dict[frozenset[int], int] = {}
        self.keys: dict[tuple[int, int, int, int], int] = {}
        self.key_rules: list[tuple[int, ...]] = []
        self.key_reach: list[int] = []
        self.values = np.zeros((64, len(WRITTEN)), dtype=np.uint64)
        self.masks = np.zeros((64, len(WRITTEN)), dtype=bool)

    def __call__(self, doc: Doc) -> Doc:
        if not self.exact:
            return self.ruler(doc)
        n = len(doc)
        if not n:
            return doc
        if len(self.form_class) > MAX_FORMS or len(self.keys) > MAX_KEYS:
            self._reset()
        tags, deps, lowers, spaces = doc.to_array([TAG, DEP, LOWER, IS_SPACE]).T.tolist()
        form_class, keys, reach = self.form_class, self.keys, self.key_reach
        codes = [0] * n
        heads: list[int] = []
        for i in range(n):
            form = lowers[i]
            cls = form_class.get(form)
            if cls is None:
                cls = self._classify(doc, i, form)
            key = (tags[i], deps[i], spaces[i], cls)
            code = keys.get(key)
            if code is None:
                code = self._add_key(doc, i, key)
            codes[i] = code
            if reach[code]:
                heads.append(i)
        matches: set[tuple[int, int, int]] = set()
        for i in heads:
            span = doc[i : i + reach[codes[i]]]
            matches.update((m, i + start, i + end) for m, start, end in _matches(self.fixed, span))
        matches.update(_matches(self.general, doc))
        extra: dict[int, list[int]] = {}
        for match_id, start, end in matches:
            rule = self.rule_of[match_id]
            index = self.indices[rule]
            target = start + index if index >= 0 else end + index
            if not start <= target < end:
                return self.ruler(doc)  # the ruler raises its own error for this rule
            extra.setdefault(target, []).append(rule)
        current = doc.to_array(list(WRITTEN))
        at = np.asarray(codes, dtype=np.intp)
        out = np.where(self.masks[at], self.values[at], current)
        for target, rules in extra.items():
            values, mask = self._resolve(sorted({*self.key_rules[codes[target]], *rules}))
            out[target] = np.where(mask, values, current[target])
        doc.from_array(list(WRITTEN), out)  # type: ignore[arg-type]  # a uint64 array, as to_array gives
        return doc

    def _classify(self, doc: Doc, i: int, form: int) -> int:
        """Which of the rules' LOWER conditions token i's lower form meets, as a small class number."""
        met = frozenset(match_id for match_id, _, _ in _matches(self.forms, doc[i : i + 1]))
        cls = self.classes.setdefault(met, len(self.classes))
        self.form_class[form] = cls
        return cls

    def _add_key(self, doc: Doc, i: int, key: tuple[int, int, int, int]) -> int:
        """The looked-up rules token i meets, resolved, stored for every token of its key."""
        token = doc[i : i + 1]
        rules = tuple(sorted({self.rule_of[m] for m, _, _ in _matches(self.single, token)}))
        reach = max((self.length_of[m] for m, _, _ in _matches(self.heads, token)), default=0)
        code = len(self.key_rules)
        if code == len(self.values):
            self.values = np.concatenate([self.values, np.zeros_like(self.values)])
            self.masks = np.concatenate([self.masks, np.zeros_like(self.masks)])
        self.values[code], self.masks[code] = self._resolve(rules)
        self.key_rules.append(rules)
        self.key_reach.append(reach)
        self.keys[key] = code
        return code

    def _resolve(self, rules: list[int] | tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """The attributes that rules applied in this order leave on a token: values and which are set."""
        final: dict[int, int] = {}
        for rule in rules:
            final.update(self.attrs[rule])
        values = np.array([final.get(attr, 0) for attr in WRITTEN], dtype=np.uint64)
        mask = np.array([attr in final for attr in WRITTEN], dtype=bool)
        return values, mask


@Language.factory(
    "dyad_lemmas",
    default_config={"source": "spacy_lemmatizer"},
    requires=["token.pos", "token.morph"],
    assigns=["token.lemma"],
)
def make_dyad_lemmas(nlp: Language, name: str, source: str) -> FastLemmas:
    lemmatizer = trained_pipe(nlp, "dyad_lemmas", source, Lemmatizer, "lemmatizer")
    return FastLemmas(lemmatizer)


class FastLemmas:
    """The lemmas of `lemmatizer` (spaCy's rule Lemmatizer, kept and asked once per key) by table lookup.

    spaCy's rule lemmatizer gives a lemma from the token's form, POS and morph alone (its own cache is keyed so);
    this component asks it once per (form, POS, morph) and writes the remembered lemma to every later token of that
    key through `Doc.from_array`, on the tokens the lemmatizer would set (those without a lemma, unless it
    overwrites). A token without POS is asked every time (the lemmatizer warns there). Another mode than "rule",
    or a lemmatizer not yet validated (the first Doc), runs the lemmatizer itself. `lookups` are the
    lemmatizer's (the actor layer reads its `lemma_index`)."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.exact = lemmatizer.mode == "rule"
        self.lemmas: dict[tuple[int, int, int], int] = {}

    @property
    def lookups(self) -> Lookups:
        return self.lemmatizer.lookups

    def __call__(self, doc: Doc) -> Doc:
        lemmatizer = self.lemmatizer
        if not self.exact or not getattr(lemmatizer, "_validated", False):
            return lemmatizer(doc)
        if not len(doc):
            return doc
        if len(self.lemmas) > MAX_LEMMAS:
            self.lemmas = {}
        orths, poses, morphs, lemmas = doc.to_array([ORTH, POS, MORPH, LEMMA]).T.tolist()
        known, strings, overwrite = self.lemmas, doc.vocab.strings, lemmatizer.overwrite
        for i, lemma in enumerate(lemmas):
            if lemma and not overwrite:
                continue
            key = (orths[i], poses[i], morphs[i])
            found = known.get(key)
            if found is None:
                found = strings.add(lemmatizer.lemmatize(doc[i])[0])
                if poses[i]:
                    known[key] = found
            lemmas[i] = found
        doc.from_array([LEMMA], np.asarray(lemmas, dtype=np.uint64))  # type: ignore[arg-type]
        return doc

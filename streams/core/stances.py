"""Core layer: stances (who supports, opposes, blames, demands, praises or criticizes whom), one component."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import cast

from spacy.language import Language
from spacy.tokens import Doc

from streams.core.events import (
    PLAIN_KEY,
    Analysis,
    Finding,
    Lexicon,
    Party,
    Sentence,
    findings_in,
    load_lexicon,
    plain_doc,
    verb_lexicon,
)
from streams.core.models import Polarity, Stance

STANCE_CUES_JSONL = Path(__file__).parent / "data" / "stance_cues.jsonl"


@cache
def stance_lexicon() -> Lexicon:
    """The stance cues, plus the event lexicon's reporting and intention verbs (as governors, no codes)."""
    governors = {
        key: dataclasses.replace(cue, cameo=None) for key, cue in verb_lexicon().items() if cue.control
    }
    return governors | load_lexicon(STANCE_CUES_JSONL)


def stances_from(finding: Finding, sentence: Sentence) -> list[Stance]:
    """One stance per holder and target of a stance cue; refusals ('refused to condemn') make none."""
    if finding.cue.polarity is None or finding.refused:
        return []
    out = []
    pairs: list[tuple[Party, Party | None]] = [*finding.pairs]
    if not pairs:
        pairs = [(holder, None) for holder in finding.sources]
    for holder, target in pairs:
        confidence = 0.8 - 0.1 * (holder.resolved + (target is None or target.resolved))
        confidence -= 0.1 if finding.mode != "asserted" else 0.0
        out.append(
            Stance(
                holder=holder.actor,
                polarity=cast(Polarity, finding.cue.polarity),
                target=target.actor if target else None,
                topic=finding.topic,
                sentence=sentence.text,
                span=(sentence.start_char, sentence.end_char),
                confidence=round(max(0.1, confidence), 2),
            )
        )
    return out


def extract_stances(analyses: Iterable[Analysis], lexicon: Lexicon | None = None) -> list[Stance]:
    """All stances of an article, one per holder, polarity, target and sentence."""
    seen: set[tuple[str, str, str | None, int]] = set()
    out: list[Stance] = []
    for sentence, finding in findings_in(analyses, lexicon or stance_lexicon()):
        for stance in stances_from(finding, sentence):
            key = (stance.holder, stance.polarity, stance.target, stance.span[0])
            if key not in seen:
                seen.add(key)
                out.append(stance)
    return out


@Language.factory(
    "dyad_stances", requires=["token.dep", "token.lemma", "doc.spans"], assigns=["doc._.stances"]
)
def make_dyad_stances(nlp: Language, name: str) -> DyadStances:
    return DyadStances(stance_lexicon())


class DyadStances:
    """Sets `doc._.stances` to the article's stances."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        analyses = doc.user_data.pop(PLAIN_KEY, None) or plain_doc(doc)
        doc._.stances = extract_stances(analyses, self.lexicon)
        return doc

"""Core layer: the word lists the rules read (pronouns, role nouns, verbs of a kind), from `data/words.toml`.

Each list in the file says what it means; `WORDS` holds them all, loaded once per process. A list the file
lacks or one this module does not know is an error, so a misspelt list name cannot be silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

from streams.core.datafile import read_described_toml

WORDS_TOML = Path(__file__).parent / "data" / "words.toml"


@dataclass(frozen=True, slots=True)
class WordLists:
    """One frozenset per list of `data/words.toml` (what each means is written there, beside its words)."""

    plural_anaphors: frozenset[str]
    singular_anaphors: frozenset[str]
    person_anaphors: frozenset[str]
    relative_pronouns: frozenset[str]
    collective_nouns: frozenset[str]
    state_descriptions: frozenset[str]
    other_state_nouns: frozenset[str]
    joint_act_nouns: frozenset[str]
    prior_act_nouns: frozenset[str]
    igo_nouns: frozenset[str]
    actor_heads: frozenset[str]
    seated_heads: frozenset[str]
    person_heads: frozenset[str]
    border_nouns: frozenset[str]
    owning_participles: frozenset[str]
    making_participles: frozenset[str]
    agency_heads: frozenset[str]
    seated_acts: frozenset[str]
    authoring_participles: frozenset[str]
    serving_participles: frozenset[str]
    plan_nouns: frozenset[str]
    decision_nouns: frozenset[str]
    """The listed decision nouns and every plan noun."""
    allegation_nouns: frozenset[str]
    meeting_verbs: frozenset[str]
    causing_verbs: frozenset[str]
    drawing_verbs: frozenset[str]
    disparaging_words: frozenset[str]
    participation_verbs: frozenset[str]
    naming_verbs: frozenset[str]
    object_control: frozenset[str]
    deterring_verbs: frozenset[str]
    future_aux: frozenset[str]
    hypothetical_aux: frozenset[str]
    conditional_marks: frozenset[str]
    ultimatum_marks: frozenset[str]
    pending_marks: frozenset[str]
    retaliation_words: frozenset[str]
    deadline_verbs: frozenset[str]
    departure_verbs: frozenset[str]
    reason_marks: frozenset[str]
    meeting_preps: frozenset[str]
    time_preps: frozenset[str]
    place_preps: frozenset[str]
    prepositions: frozenset[str]
    particles: frozenset[str]
    pattern_target_preps: frozenset[str]
    weapons: frozenset[str]
    possessive_marks: frozenset[str]
    coordinators: frozenset[str]
    former_marks: frozenset[str]
    place_of_action_preps: frozenset[str]
    directions: frozenset[str]
    stationed_nouns: frozenset[str]
    front_nouns: frozenset[str]
    edge_nouns: frozenset[str]
    aiming_participles: frozenset[str]
    object_place_preps: frozenset[str]
    removal_words: frozenset[str]
    journey_verbs: frozenset[str]
    response_marks: frozenset[str]
    measure_words: frozenset[str]
    series_nouns: frozenset[str]
    place_nouns: frozenset[str]
    amount_nouns: frozenset[str]
    nearness_words: frozenset[str]
    kept_discards: frozenset[str]
    context_preps: frozenset[str]
    context_nouns: frozenset[str]
    reaction_verbs: frozenset[str]
    context_marks: frozenset[str]
    recent_days: frozenset[str]
    past_markers: frozenset[str]
    dating_preps: frozenset[str]
    time_units: frozenset[str]
    motive_nouns: frozenset[str]
    relation_nouns: frozenset[str]
    command_verbs: frozenset[str]
    position_nouns: frozenset[str]
    utterance_nouns: frozenset[str]
    rebuttal_verbs: frozenset[str]
    force_nouns: frozenset[str]
    expelling_verbs: frozenset[str]
    expelling_words: frozenset[str]
    envoy_nouns: frozenset[str]
    acted_on_preps: frozenset[str]
    declaring_verbs: frozenset[str]
    unwelcome_words: frozenset[str]
    phone_words: frozenset[str]
    leave_ordering_verbs: frozenset[str]


@cache
def load_words(path: Path = WORDS_TOML) -> WordLists:
    """Read the word lists of `path`: each a table with `means` (text) and `words` (a list of strings)."""
    where = path.name
    raw = read_described_toml(path, [f.name for f in fields(WordLists)], "words", "list", "lists", "the list")
    lists: dict[str, frozenset[str]] = {}
    for name, words in raw.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w and w == w.strip() for w in words):
            raise ValueError(f"{where}: [{name}] words must be a list of non-empty strings without spaces around")
        if len(set(words)) != len(words):
            twice = sorted({w for w in words if words.count(w) > 1})
            raise ValueError(f"{where}: [{name}] lists {twice[0]!r} twice; keep one")
        lists[name] = frozenset(words)
    lists["decision_nouns"] |= lists["plan_nouns"]
    return WordLists(**lists)


WORDS = load_words()

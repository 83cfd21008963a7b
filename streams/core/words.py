"""Core layer: the word lists the rules read (pronouns, role nouns, verbs of a kind), each with its meaning."""

from __future__ import annotations

PLURAL_ANAPHORS = frozenset({"they", "them", "their", "both", "theirs"})
SINGULAR_ANAPHORS = frozenset({"it", "its"})
PERSON_ANAPHORS = frozenset({"he", "him", "his", "she", "her"})
RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom"})
COLLECTIVE_NOUNS = frozenset(
    {
        "country",
        "nation",
        "side",
        "government",
        "military",
        "power",
        "state",
        "capital",
        "leader",
        "neighbour",
    }
)
IGO_NOUNS = frozenset({"bloc", "alliance", "organisation", "organization", "union", "watchdog", "grouping"})
"""Nouns that, with 'the', name the international organisation last mentioned ('accusing the bloc of ...')."""
ACTOR_HEADS = frozenset(
    {
        "action",
        "administration",
        "ambassador",
        "army",
        "authority",
        "citizen",
        "civilian",
        "delegation",
        "diplomat",
        "embassy",
        "envoy",
        "expert",
        "force",
        "government",
        "leader",
        "media",
        "military",
        "minister",
        "ministry",
        "navy",
        "official",
        "people",
        "police",
        "policy",
        "president",
        "regime",
        "junta",
        "side",
        "soldier",
        "spokesman",
        "spokesperson",
        "troop",
        "warship",
        "chief",
        "jet",
        "prisoner",
        "national",
        "journalist",
        "protester",
        "demonstrator",
        "tanker",
        "ship",
        "vessel",
        "commander",
        "general",
        "position",
        "base",
        "village",
        "villager",
        "worker",
        "engineer",
        "militant",
        "gunman",
        "rebel",
        "hacker",
        "drone",
        "missile",
        "warplane",
        "aircraft",
        "counterpart",
        "thousand",
        "hundred",
        "dozen",
        "crowd",
        "asset",
        "property",
        "company",
        "firm",
        "bank",
        "fisherman",
        "sailor",
        "crew",
        "consulate",
        "website",
        "network",
        "server",
        "import",
        "export",
        "product",
        "good",
    }
)
"""Nouns that stand for their owner: 'Chinese diplomats', 'Iran's armed forces chief' are actors."""
BORDER_NOUNS = frozenset({"border", "frontier", "boundary"})
"""'the border with Guyana' faces Guyana, whoever owns the border."""
PLAN_NOUNS = frozenset(
    {
        "plan",
        "bid",
        "attempt",
        "effort",
        "pledge",
        "promise",
        "offer",
        "proposal",
        "commitment",
        "intention",
        "threat",
    }
)
"""Nouns whose infinitive is an intention of their owner ('Beijing's plan to sanction ...')."""
DECISION_NOUNS = PLAN_NOUNS | {"decision", "move", "refusal", "order"}
CONDITIONAL_MARKS = frozenset({"if", "unless"})
ALLEGATION_NOUNS = frozenset({"allegation", "accusation", "claim", "charge", "rumour", "rumor", "suspicion"})
OWNING_PARTICIPLES = frozenset(
    {"flag", "flagged", "own", "owned", "register", "registered", "operate", "operated", "lead", "led"}
)
"""'a Greek-flagged tanker', 'the Saudi-led coalition' belong to the state ('Iran-backed militias' do not)."""
PLACE_PREPS = frozenset({"in", "inside", "at", "near", "across", "into", "over", "between"})
"""Prepositions that, after the object of an act ('the detention of the writer in China'), place the object."""
PERSON_HEADS = frozenset(
    {"minister", "president", "leader", "premier", "chancellor", "king", "queen", "envoy", "ambassador", "secretary"}
)
"""Role nouns of one person: 'he' or 'she' can point back to them."""
MEETING_VERBS = frozenset({"meet", "host", "receive", "welcome", "visit", "talk", "confer", "phone"})
NAMING_VERBS = frozenset({"call", "describe", "term", "label", "brand", "dub", "characterize", "characterise"})
MEETING_PREPS = frozenset({"after", "follow", "following", "during", "before"})
"""Prepositions of a fronted meeting ('Following talks with Kim, the Russian president ...'): the clause's
subject took part."""
TIME_PREPS = frozenset({"during", "after", "before", "amid", "despite", "since", "following", "follow", "ahead"})
"""Prepositions of a time or circumstance: what happens in them is not governed by the verb they hang from."""
DETERRING_VERBS = frozenset(
    {"warn", "caution", "urge", "deter", "dissuade", "stop", "prevent", "bar", "discourage", "keep", "ban"}
)
SEATED_HEADS = frozenset(
    {
        "junta",
        "official",
        "authority",
        "government",
        "police",
        "court",
        "prosecutor",
        "diplomat",
        "militant",
        "rebel",
        "insurgent",
        "gunman",
        "separatist",
        "protester",
        "demonstrator",
    }
)
"""Nouns whose place is their owner: 'officials in Kyiv' are Ukraine's (troops in Syria are not Syria's)."""
FUTURE_AUX = frozenset({"will", "would", "shall"})
HYPOTHETICAL_AUX = frozenset({"could", "might", "may"})
PARTICIPATION_VERBS = frozenset({"attend", "join", "skip", "address", "leave", "boycott", "miss"})
"""Verbs of taking part in a meeting someone else holds: no meeting between the participants."""
WEAPONS = frozenset({"missile", "rocket", "drone", "shell", "projectile", "torpedo", "shot"})
OBJECT_CONTROL = frozenset(
    {
        "urge",
        "ask",
        "press",
        "pressure",
        "persuade",
        "force",
        "call",
        "tell",
        "prompt",
        "lead",
        "allow",
        "let",
    }
)
"""Verbs whose object does what their xcomp says ('prompting Mexico to suspend relations')."""

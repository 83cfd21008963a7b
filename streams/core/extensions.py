"""Core layer: the Doc extensions dyadwatch's components write and read, registered here once, on import.

- `doc._.plain_parse`: the article's analysed sentences (`rules.plain.Analysis`), set by `dyad_events` and
  read by `dyad_stances`, so the parse is turned into plain data once per article;
- `doc._.relations`: the dyadic events (`models.Relation`), set by `dyad_events`;
- `doc._.stances`: the stances (`models.Stance`), set by `dyad_stances`.

Each is None until its component has run. The actor layer's Span and Token extensions are its own
(`streams.core.actors`).
"""

from __future__ import annotations

from spacy.tokens import Doc

DOC_EXTENSIONS = ("plain_parse", "relations", "stances")

for _name in DOC_EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

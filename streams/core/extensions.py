"""Core layer: the Doc extensions dyadwatch's components write and read, registered here once, on import.

- `doc._.as_of`: the day the article speaks on (`datetime.date`): its `published_at`, else the time it arrived,
  else the day it was processed; set by `Extractor` before the pipeline runs and read by `dyad_actors`, which
  picks the role a named person holds on that day. None (a Doc made without it): the day it is processed;
- `doc._.discards`: PETRARCH's discard phrases in the article ("world cup", "cricket"), as (start token, end
  token, scope) with scope "sentence" or "story", set by `dyad_actor_field`; `dyad_events` codes no event in
  what they discard (`rules.doc`);
- `doc._.plain_parse`: the article's analysed sentences (`rules.plain.Analysis`), set by `dyad_events` and
  read by `dyad_stances`, so the parse is turned into plain data once per article;
- `doc._.relations`: the dyadic events (`models.Relation`), set by `dyad_events`;
- `doc._.stances`: the stances (`models.Stance`), set by `dyad_stances`;
- `doc._.ner_sentences`: the sentences `dyad_ner` runs the trained ner on (`prefilter.NerSentence`, token offsets
  into the Doc), set by the BoundedExtractor from the prefilter's plan; None: all of the Doc.

Each is None until it is set. The actor layer's Span and Token extensions are its own
(`streams.core.actors`).
"""

from __future__ import annotations

from spacy.tokens import Doc

DOC_EXTENSIONS = ("as_of", "discards", "plain_parse", "relations", "stances", "ner_sentences")

for _name in DOC_EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

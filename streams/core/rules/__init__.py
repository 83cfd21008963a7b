"""Core layer: the rule engine that turns a plain parse into events and stances; no spaCy type past `doc`.

Modules, in the order the data flows through them:

- `plain`       the plain parse: Token, Sentence, Mention, Party and the indexed sentence (Analysis)
- `doc`         the one spaCy step: a parsed Doc and its actor spans -> analysed sentences
- `anaphora`    a memory of subjects across the article resolves "they", "it", "both countries", "the bloc"
- `cues`        the cue lexicon: lemma + part of speech -> CAMEO code or stance polarity, with its frame
- `patterns`    PETRARCH2's verb patterns compiled onto the plain parse: a verb phrase -> CAMEO code and frame
- `arguments`   clause and argument finding: subjects, objects, owners and conjuncts -> parties
- `governance`  who acts for whom: reports, intentions, refusals, denials, speakers and the mode
- `background`  an event the text only refers to as context ('since Russia's invasion of Ukraine'): mode background
- `findings`    a cue token -> Finding (code, parties, governance, topic), shared by events and stances
- `assembly`    findings -> Relation and Stance records, one per dyad, root and sentence

The word lists the rules read are in `streams.core.words`; `assembly` takes each record's confidence from
`streams.core.confidence`.
"""

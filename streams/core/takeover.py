"""Core: the trained pipe that one of our components takes over, found by the name build_nlp renamed it to.

Our `dyad_attributes` and `dyad_lemmas` (streams/core/attributes.py) and `dyad_ner` (streams/core/prefilter.py)
each wrap a trained component of the model and run it faster or on less; all find it the same way, with the same
errors when a pipeline was not built by `streams.core.pipeline.build_nlp`.
"""

from __future__ import annotations

from typing import TypeVar

from spacy.language import Language

Pipe = TypeVar("Pipe")


def trained_pipe(
    nlp: Language, factory: str, source: str, kind: type[Pipe], what: str, does: str = "takes over"
) -> Pipe:
    """The pipe `source` of `nlp`, checked to be spaCy's `kind`; `what` names it in the errors ("ner"), `does` says
    what `factory` does with it ("takes over", "compiles the rules of")."""
    if source not in nlp.pipe_names:
        raise ValueError(
            f"{factory} {does} the pipeline's {what}, expected as {source!r} in {nlp.pipe_names}; build the "
            "pipeline with streams.core.pipeline.build_nlp, which puts it there"
        )
    pipe = nlp.get_pipe(source)
    if not isinstance(pipe, kind):
        raise TypeError(f"{source!r} is a {type(pipe).__name__}, not spaCy's {kind.__name__}")
    return pipe

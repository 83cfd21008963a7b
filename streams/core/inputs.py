"""Core layer: read articles from files a user publishes (.txt one, .json one, .jsonl many)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from streams.core.models import Article
from streams.core.routing import json_value_error


class InputError(ValueError):
    """A file that does not hold articles; the message names the file and line."""


def _article(data: object, where: str) -> Article:
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a JSON object with at least a 'text' field")
    if "id" not in data and isinstance(data.get("text"), str):
        data = {**data, "id": Article.derive_id(data["text"], data.get("title"))}
    try:
        return Article.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
        raise InputError(f"{where}: {problems}") from exc


def _json(text: str, where: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from exc
    except RecursionError as exc:
        raise InputError(f"{where}: JSON nested too deeply to be an article") from exc
    except ValueError as exc:
        raise InputError(f"{where}: invalid JSON ({json_value_error(exc)})") from exc


def articles_from_text(name: str, content: str) -> Iterator[Article]:
    """Articles in one input: by suffix (.txt plain text, .json one object, .jsonl one object per line).

    Input named '-' (stdin) is JSON lines when its first non-blank character is '{', else plain text.
    """
    suffix = Path(name).suffix.lower()
    if name == "-":
        suffix = ".jsonl" if content.lstrip().startswith("{") else ".txt"
    if suffix == ".jsonl":
        for number, line in enumerate(content.splitlines(), 1):
            if line.strip():
                yield _article(_json(line, f"{name}:{number}"), f"{name}:{number}")
    elif suffix == ".json":
        yield _article(_json(content, name), name)
    else:
        yield _article({"text": content, "source": None if name == "-" else Path(name).name}, name)

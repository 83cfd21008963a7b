"""Core layer: read articles from files a user publishes (.txt one, .json one, .jsonl many)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from streams.core.models import Article


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
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{name}:{number}: invalid JSON ({exc.msg})") from exc
                yield _article(data, f"{name}:{number}")
    elif suffix == ".json":
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}: invalid JSON ({exc.msg})") from exc
        yield _article(data, name)
    else:
        yield _article({"text": content, "source": None if name == "-" else Path(name).name}, name)

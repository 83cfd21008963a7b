"""Core layer: read articles from files a user publishes (.txt one, .json one, .jsonl many)."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from streams.core.models import MAX_TEXT_BYTES, Article
from streams.core.routing import json_value_error


class InputError(ValueError):
    """A file that does not hold articles; the message names the file and line."""


def _problem(error: Any) -> str:
    """One pydantic error as a person reads it: 'field: what is wrong', without pydantic's prefixes."""
    field = ".".join(map(str, error["loc"]))
    message = "missing" if error["type"] == "missing" else str(error["msg"]).removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


def _article(data: object, where: str) -> Article:
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a JSON object with at least a 'text' field")
    text = data.get("text")
    if text is None:
        raise InputError(f"{where}: no 'text' field; every article needs its text")
    if isinstance(text, str):
        size = len(text.encode("utf-8", errors="surrogatepass"))
        if size > MAX_TEXT_BYTES:
            raise InputError(
                f"{where}: the text is {size:,} bytes, over the article text limit of {MAX_TEXT_BYTES:,} bytes "
                "(1 MB): split the article. The 16 MiB in the README is the Kafka message limit "
                "(DYADWATCH_MAX_MESSAGE_BYTES), a separate, larger bound"
            )
        if "id" not in data:
            data = {**data, "id": Article.derive_id(text, data.get("title"))}
    try:
        return Article.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_problem(e) for e in exc.errors()[:3])
        raise InputError(f"{where}: {problems}") from exc


SNIFF_BYTES = 8192
"""Bytes looked at to tell text from binary data."""

_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")


def _single_byte_guess(data: bytes) -> tuple[str, str]:
    """(what a non-UTF-8 text looks like, the --encoding that reads it): Windows-1252 when it has bytes that
    Latin-1 leaves as control codes (curly quotes, dashes) and cp1252 reads them, else Latin-1."""
    if any(0x80 <= b <= 0x9F for b in data):
        try:
            data.decode("cp1252")
            return "Windows-1252", "cp1252"
        except UnicodeDecodeError:
            pass
    return "Latin-1 (ISO-8859-1)", "latin-1"


def decode_text(name: str, data: bytes, encoding: str | None = None) -> str:
    """The text of an input file: UTF-8 (a byte-order mark is dropped), or `encoding` when given.

    Binary data and text in another encoding are an InputError that says what the bytes look like and how to
    read them (`--encoding latin-1`), never a UnicodeDecodeError.
    """
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(
                f"--encoding {encoding!r} is not an encoding Python knows; use e.g. utf-8, latin-1 or cp1252"
            ) from None
        try:
            return data.decode(codec).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: not {encoding} text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from None
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return decode_text(name, data[len(bom):], codec)
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        if head[1::2].count(0) > len(head) // 4:
            raise InputError(f"{name}: looks like UTF-16 text without a byte-order mark; pass --encoding utf-16-le")
        raise InputError(f"{name}: looks like binary data (it has NUL bytes), not text; publish .txt, .json or "
                         ".jsonl files of text")
    controls = sum(1 for b in head if b < 0x20 and b not in _TEXT_CONTROLS)
    if controls > max(2, len(head) // 100):
        raise InputError(f"{name}: looks like binary data ({controls} control bytes in the first {len(head)}), "
                         "not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        looks, codec = _single_byte_guess(data)
        raise InputError(
            f"{name}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); it looks like {looks}: "
            f"save it as UTF-8, or pass --encoding {codec}"
        ) from None


def article_lines(name: str, lines: Iterable[bytes], encoding: str | None = None) -> Iterator[Article | InputError]:
    """JSON lines, one at a time: an Article per line, or the InputError (`FILE:LINE: reason`) of a bad one.

    Blank lines are skipped; memory holds one line, whatever the size of the input.
    """
    for number, raw in enumerate(lines, 1):
        where = f"{name}:{number}"
        try:
            line = decode_text(where, raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw, encoding)
            if not line.strip():
                continue
            yield _article(_json(line.rstrip("\r\n"), where), where)
        except InputError as exc:
            yield exc


def _json(text: str, where: str) -> object:
    """The JSON value of one input (a file, or one line of a .jsonl file, which says only the column); any failure
    to parse (a syntax error, an integer Python will not hold, nesting too deep) is an InputError naming `where`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = f"line {exc.lineno} column {exc.colno}" if "\n" in text else f"column {exc.colno}"
        raise InputError(f"{where}: invalid JSON ({exc.msg} at {at})") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply to be an article") from None
    except ValueError as exc:
        raise InputError(f"{where}: invalid JSON ({json_value_error(exc)})") from None


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

"""Build tool: PETRARCH-2 verb dictionary (CAMEO.2.0.txt) -> verb forms, synonym sets and verb patterns.

The file has three sections (see PETRARCH2's PETRreader.read_verb_dictionary):

- synonym sets: `&NAME` and `+MEMBER` lines (a trailing `_` on a name or member: no plural is made);
- verb blocks: `--- NAME [code] ---`, then verb lines (`HURRY {HURRIES HURRYING HURRIED}`, `ASK [020]`,
  `+CALL_OFF [160]`), then pattern lines `- pre * post [code] # VERB`;
- transformations (`~ a (a b ATTACK) SAY = a b 015`), which combine two coded events.

A pattern is PETRARCH-2's phrase-tree notation: words before `*` are the clause subject, `*` the verb,
then a particle, the object noun phrase and prepositional phrases: `WORD` a head noun, `{A B HEAD}` a noun
phrase, `(PREP ...)` a prepositional phrase, `&NAME` any member of a synonym set, `^` any noun phrase,
`$` / `+` / `%` the source / target / either. PETRARCH-2 applies a block's patterns to every verb of the
block; the last of two patterns with the same structure wins. Codes are `[active:reverse]`: `[042:043]`
is also a 043 event from the target to the source, `[:173]` only that one, `[---]` no event.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.petrarch.lemmas import Lemmas

Row = dict[str, Any]

_TOKEN = re.compile(r"[(){}]|[^\s(){}]+")
_CODE = re.compile(r"\[([^\]]*)\]")
_HEADER = re.compile(r"^---\s*(\S+)\s*(?:\[([^\]]*)\])?")


class Unmappable(Exception):
    """A pattern that the dependency structure cannot express; the message is the reason counted."""


@dataclass
class VerbForm:
    lemma: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    code: str | None
    own_code: bool
    written: str
    line: int

    @property
    def key(self) -> str:
        """The verb's words in order, its lemma in place: 'ask', 'call off', 're arrest'."""
        return " ".join((*self.before, self.lemma, *self.after))


@dataclass
class Block:
    name: str
    code: str | None
    line: int
    verbs: list[VerbForm] = field(default_factory=list)
    patterns: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Synset:
    name: str
    plural: bool
    line: int
    members: list[str] = field(default_factory=list)


@dataclass
class VerbDictionary:
    synsets: dict[str, Synset]
    blocks: list[Block]
    transformations: list[int]
    notes: Counter[str]


@dataclass(frozen=True)
class Code:
    active: str | None
    reverse: str | None


def strip_comment(line: str) -> str:
    """PETRARCH's reader drops everything from the first '#'."""
    return line.split("#", 1)[0].rstrip()


def parse_code(text: str, notes: Counter[str] | None = None) -> Code:
    """'042:043' -> (042, 043); ':173' -> (None, 173); '---' -> (None, None); '080!' -> 080 as PETRARCH reads it."""

    def one(part: str) -> str | None:
        part = part.strip()
        if part in ("", "---"):
            return None
        digits = re.match(r"\d+", part)
        if digits is None or not 2 <= len(digits.group()) <= 4:
            raise Unmappable("code that is not a CAMEO code")
        if digits.group() != part and notes is not None:
            notes["code with a stray character, read as its digits (as PETRARCH does)"] += 1
        return digits.group()

    active, _, reverse = text.partition(":")
    return Code(one(active), one(reverse))


def read(path: Path, lemmas: Lemmas) -> VerbDictionary:
    """Parse the verb dictionary; lines are numbered from 1 as in an editor."""
    synsets: dict[str, Synset] = {}
    blocks: list[Block] = []
    transformations: list[int] = []
    notes: Counter[str] = Counter()
    current_set: Synset | None = None
    in_patterns = False
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("####### VERB PATTERNS"):
            in_patterns = True
            current_set = None
            continue
        if raw.startswith("#") or not raw.strip():
            continue
        if raw.startswith("~"):
            transformations.append(number)
            continue
        line = strip_comment(raw)
        if not line.strip():
            continue
        if not in_patterns:
            current_set = _synset_line(line, number, synsets, current_set, lemmas)
            continue
        if line.startswith("---"):
            header = _HEADER.match(line)
            if header is None:
                raise ValueError(f"{path.name}:{number}: a block header reads '--- NAME [code] ---', got {raw!r}")
            blocks.append(Block(header.group(1), parse_code(header.group(2) or "---").active, number))
        elif line.startswith("-"):
            if not blocks:
                raise ValueError(f"{path.name}:{number}: a pattern before the first '--- NAME [code] ---' block")
            blocks[-1].patterns.append((number, raw))
        else:
            if not blocks:
                raise ValueError(f"{path.name}:{number}: a verb before the first '--- NAME [code] ---' block")
            form = _verb_line(line, number, blocks[-1], lemmas)
            if any(v.key == form.key for v in blocks[-1].verbs):
                notes["verb listed twice in its block"] += 1
                continue
            blocks[-1].verbs.append(form)
    return VerbDictionary(synsets, blocks, transformations, notes)


def _synset_line(
    line: str, number: int, synsets: dict[str, Synset], current: Synset | None, lemmas: Lemmas
) -> Synset | None:
    text = line.strip()
    if text.startswith("&"):
        name = text[1:]
        plural = not name.endswith("_")
        synset = Synset(name.rstrip("_"), plural, number)
        synsets[synset.name] = synset
        return synset
    if text.startswith("+") and current is not None:
        member = text[1:].strip()
        words = member.rstrip("_").replace("_", " ").split()
        if words:
            if current.plural and not member.endswith("_"):
                words[-1] = lemmas.noun(words[-1])
            phrase = " ".join(w.lower() for w in words)
            if phrase not in current.members:
                current.members.append(phrase)
        return current
    raise ValueError(f"line {number}: expected '&NAME' or '+MEMBER' in the synonym sets, got {line!r}")


def _verb_line(line: str, number: int, block: Block, lemmas: Lemmas) -> VerbForm:
    text = line.strip()
    code_match = _CODE.search(text)
    own_code = code_match is not None
    code = parse_code(code_match.group(1)).active if code_match else block.code
    primary = text.split()[0]
    words = [w for w in primary.split("_") if w]
    # '+CALL_OFF': the verb is the word marked '+' (the first one when none is marked)
    verb_at = next((i for i, w in enumerate(words) if w.startswith("+")), 0)
    return VerbForm(
        lemma=lemmas.verb(words[verb_at].lstrip("+")),
        before=tuple(w.lower() for w in words[:verb_at]),
        after=tuple(w.lower() for w in words[verb_at + 1 :]),
        code=code,
        own_code=own_code,
        written=primary,
        line=number,
    )


# ---- patterns -----------------------------------------------------------------------------------------


@dataclass
class Phrase:
    """A noun phrase of a pattern: head lemma ('&NAME' for a synonym set, None for any) and modifiers."""

    head: str | None
    mods: list[str]
    preps: list[Row] = field(default_factory=list)

    def row(self) -> Row:
        out: Row = {"head": self.head}
        if self.mods:
            out["mods"] = self.mods
        if self.preps:
            out["preps"] = self.preps
        return out


@dataclass
class Context:
    """What the pattern parser needs besides the text: known sets, particles, prepositions, lemmas."""

    synsets: dict[str, Synset]
    particles: frozenset[str]
    ambiguous_particles: frozenset[str]
    prepositions: frozenset[str]
    articles: frozenset[str]
    lemmas: Lemmas
    notes: Counter[str]


def convert_pattern(raw: str, block: Block, ctx: Context) -> Row:
    """One `- pre * post [code]` line -> a pattern row; raises Unmappable with the reason otherwise."""
    text = strip_comment(raw)
    codes = _CODE.findall(text)
    if not codes:
        raise Unmappable("no code")
    code = parse_code(codes[-1], ctx.notes)
    body = text[1 : text.rfind("[")].strip()
    if "[" in body:
        raise Unmappable("two codes")
    if code.active is None and code.reverse is None and block.code is None:
        raise Unmappable("code [---] with no default")
    tokens = _TOKEN.findall(body)
    if any("/" in token for token in tokens):
        raise Unmappable("alternatives written with `/`")
    if tokens.count("*") != 1:
        raise Unmappable("no verb marker `*`" if "*" not in tokens else "two verb markers `*`")
    if "%" in tokens:
        raise Unmappable("`%` either-side marker")
    star = tokens.index("*")
    before = _constituents(tokens[:star], ctx.prepositions)
    after = _constituents(tokens[star + 1 :], ctx.prepositions)
    row: Row = {"block": block.name}
    subject = _subject(before, ctx)
    particle, obj, preps, target = _predicate(after, ctx)
    if subject is not None:
        row["subject"] = subject.row()
    if particle is not None:
        row["particle"] = particle
    if obj is not None:
        row["object"] = obj.row()
    if preps:
        row["preps"] = preps
    row["source"] = "subject"
    row["target"] = target
    row["code"] = code.active
    if code.reverse is not None:
        row["reverse_code"] = code.reverse
    row["block_code"] = block.code
    return row


def _constituents(tokens: list[str], prepositions: frozenset[str]) -> list[tuple[str, list[Any]]]:
    """('word', [w]), ('np', [words]) for {...}, ('pp', [prep, items...]) for (...) with items words or nps."""
    out: list[tuple[str, list[Any]]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "{":
            end = _close(tokens, i, "}")
            inner = tokens[i + 1 : end]
            # '{FOR DONATIONS}' is a prepositional phrase in braces
            out.append(("pp" if len(inner) > 1 and inner[0].lower() in prepositions else "np", inner))
            i = end + 1
        elif token == "(":
            end = _close(tokens, i, ")")
            inner = tokens[i + 1 : end]
            if "(" in inner:
                raise Unmappable("nested prepositional phrases")
            items: list[Any] = []
            j = 0
            while j < len(inner):
                if inner[j] == "{":
                    close = _close(inner, j, "}")
                    items.append(inner[j + 1 : close])
                    j = close + 1
                else:
                    items.append(inner[j])
                    j += 1
            if not items or not isinstance(items[0], str):
                raise Unmappable("prepositional phrase without a preposition")
            out.append(("pp", items))
            i = end + 1
        elif token in (")", "}"):
            raise Unmappable("unbalanced brackets")
        else:
            out.append(("word", [token]))
            i += 1
    return out


def _close(tokens: list[str], start: int, closer: str) -> int:
    opener = tokens[start]
    for j in range(start + 1, len(tokens)):
        if tokens[j] == closer:
            return j
        if tokens[j] == opener:
            break
    raise Unmappable("unbalanced brackets")


def _slot(word: str, ctx: Context) -> str:
    """A pattern word -> its lemma, or '&NAME' for a synonym set that exists."""
    if word.startswith("&"):
        name = word[1:].rstrip("_")
        if name not in ctx.synsets:
            raise Unmappable("undefined synonym set")
        return "&" + name
    if word in ("$", "+", "%", "^"):
        raise Unmappable("marker inside a noun phrase")
    if word.lower() in ctx.prepositions:
        return word.lower()
    return ctx.lemmas.noun(word)


def _phrase(words: list[str], ctx: Context) -> Phrase:
    """Words of one noun phrase: the last is the head, the others its modifiers; articles are dropped."""
    split = [part for word in words for part in word.split("_") if part]
    kept = [w for w in split if w.lower() not in ctx.articles]
    if not kept:
        raise Unmappable("noun phrase of articles only")
    if len(kept) != len(split):
        ctx.notes["article dropped from a noun phrase"] += 1
    return Phrase(_slot(kept[-1], ctx), [_slot(w, ctx) for w in kept[:-1]])


def _prep(items: list[Any], ctx: Context) -> tuple[Row, str | None]:
    """A (PREP ...) phrase -> ({'prep', 'object'}, marker) where marker is '+' or '$' if it holds one."""
    prep = items[0]
    if prep.startswith("&"):
        raise Unmappable("synonym set as a preposition")
    rest = items[1:]
    row: Row = {"prep": prep.lower(), "object": None}
    if not rest or rest == ["^"]:
        return row, None
    if rest in (["+"], ["$"]):
        return row, rest[0]
    if any(item in ("$", "+", "%") for item in rest if isinstance(item, str)):
        raise Unmappable("source or target inside a noun phrase")
    words: list[str] = []
    for item in rest:
        words.extend(item if isinstance(item, list) else [item])
    if sum(1 for item in rest if isinstance(item, list)) > 1:
        raise Unmappable("two noun phrases in a prepositional phrase")
    if len([w for w in words if w.lower() not in ctx.articles]) > 1 and not any(isinstance(i, list) for i in rest):
        ctx.notes["words of a prepositional phrase read as one noun phrase"] += 1
    row["object"] = _phrase(words, ctx).row()
    return row, None


def _subject(before: list[tuple[str, list[Any]]], ctx: Context) -> Phrase | None:
    nouns = [c for c in before if c[0] != "pp"]
    if len(nouns) > 1:
        raise Unmappable("more than one word or noun phrase before the verb")
    if not nouns:
        if before:
            raise Unmappable("prepositional phrase before the verb without a subject")
        return None
    kind, items = nouns[0]
    if before[0] is not nouns[0]:
        raise Unmappable("prepositional phrase before the verb without a subject")
    marker = items[0] if kind == "word" else None
    if marker == "+":
        raise Unmappable("target before the verb")
    if marker == "$" and len(before) == 1:
        return None
    if marker == "$":
        raise Unmappable("source with prepositional phrases before the verb")
    phrase = Phrase(None, []) if marker == "^" else _phrase(items, ctx)
    for _, pp in before[1:]:
        row, held = _prep(pp, ctx)
        if held == "+":
            raise Unmappable("target before the verb")
        if held == "$":
            raise Unmappable("source in a prepositional phrase before the verb")
        phrase.preps.append(row)
    return None if phrase.head is None and not phrase.preps else phrase


def _predicate(
    after: list[tuple[str, list[Any]]], ctx: Context
) -> tuple[str | None, Phrase | None, list[Row], str | None]:
    """Particle, object, prepositional phrases and the target's place of the words after the verb."""
    items = list(after)
    particle = None

    def word_at(i: int) -> str | None:
        return items[i][1][0].lower() if -len(items) <= i < len(items) and items[i][0] == "word" else None

    first, second = word_at(0), word_at(1)
    if first in ctx.particles and second not in ("+", "$"):
        particle = items.pop(0)[1][0].lower()
    elif first in ctx.ambiguous_particles and len(items) == 1:
        particle = items.pop(0)[1][0].lower()
    elif len(items) >= 2 and word_at(-1) in ctx.particles:
        # 'THROW MINISTER OUT': the particle after the object
        particle = items.pop()[1][0].lower()
    items = _grouped(items, ctx)
    obj: Phrase | None = None
    preps: list[Row] = []
    target: str | None = None
    nouns = 0
    for kind, content in items:
        if kind == "pp":
            row, held = _prep(content, ctx)
            if held == "$":
                raise Unmappable("source after the verb")
            if held == "+":
                if target is not None:
                    raise Unmappable("two targets")
                target = "prep:" + row["prep"]
            preps.append(row)
            continue
        nouns += 1
        if nouns > 1:
            raise Unmappable("more than one noun phrase after the verb")
        marker = content[0] if kind == "word" else None
        if marker == "$":
            raise Unmappable("source after the verb")
        if marker == "+":
            if target is not None:
                raise Unmappable("two targets")
            target = "object"
        elif marker == "^":
            obj = Phrase(None, [])
        else:
            obj = _phrase(content, ctx)
    return particle, obj, preps, target


def _plain(item: tuple[str, list[Any]]) -> bool:
    return item[0] == "np" or (item[0] == "word" and item[1][0] not in ("$", "+", "%", "^"))


def _nominal(words: list[str], ctx: Context) -> bool:
    """True when words without braces read as one noun phrase: a noun head, noun or adjective modifiers."""
    parts = [p for w in words for p in w.split("_") if p and p.lower() not in ctx.articles]
    if not parts:
        return False
    *mods, head = parts
    return (head.startswith("&") or ctx.lemmas.is_noun(head)) and all(
        m.startswith("&") or ctx.lemmas.is_noun(m) or ctx.lemmas.is_adjective(m) for m in mods
    )


def _grouped(after: list[tuple[str, list[Any]]], ctx: Context) -> list[tuple[str, list[Any]]]:
    """Read the unbracketed words after the verb the way their writer meant them.

    A preposition without parentheses takes the words after it ('TROOP TOWARD +', 'SANCTIONS AGAINST'),
    an empty prepositional phrase takes the marker after it ('(AGAINST) +'), and a run of plain words is
    one noun phrase ('MASSIVE LOSSES', 'ARMS EMBARGO'); each reading is counted in the report's notes.
    """
    out: list[tuple[str, list[Any]]] = []
    i = 0
    while i < len(after):
        kind, content = after[i]
        nxt = after[i + 1] if i + 1 < len(after) else None
        word = content[0].lower() if kind == "word" else None
        if kind == "pp" and len(content) == 1 and nxt is not None and nxt[0] == "word" and nxt[1][0] in ("+", "$"):
            ctx.notes["empty prepositional phrase followed by its marker, read as one phrase"] += 1
            out.append(("pp", [content[0], nxt[1][0]]))
            i += 2
            continue
        if word is not None and word in ctx.prepositions:
            j = i + 1
            if j < len(after) and after[j][0] == "word" and after[j][1][0] in ("+", "$", "^"):
                j += 1
            else:
                while j < len(after) and _plain(after[j]) and after[j][1][0].lower() not in ctx.prepositions:
                    j += 1
            taken: list[Any] = [content[0]]
            for _, inner in after[i + 1 : j]:
                taken.extend(inner)
            ctx.notes["preposition without parentheses read as a prepositional phrase"] += 1
            out.append(("pp", taken))
            i = j
            continue
        if (
            _plain(after[i])
            and nxt is not None
            and _plain(nxt)
            and not (nxt[0] == "word" and nxt[1][0].lower() in ctx.prepositions)
        ):
            j = i
            words: list[str] = []
            while (
                j < len(after)
                and _plain(after[j])
                and not (j > i and after[j][0] == "word" and after[j][1][0].lower() in ctx.prepositions)
            ):
                words.extend(after[j][1])
                j += 1
            if not _nominal(words, ctx):
                raise Unmappable("more than one noun phrase after the verb")
            ctx.notes["words without braces after the verb read as one noun phrase"] += 1
            out.append(("np", words))
            i = j
            continue
        out.append(after[i])
        i += 1
    return out


# ---- rows ---------------------------------------------------------------------------------------------


@dataclass
class VerbOutput:
    patterns: list[Row]
    forms: list[Row]
    synsets: list[Row]
    read: int
    reasons: Counter[str]


def convert(vd: VerbDictionary, ctx: Context, source: str, ours: dict[str, str]) -> VerbOutput:
    """Rows of the verb dictionary; `ours` maps a verb lemma of our own lexicon to its 'file:line'."""
    patterns: list[Row] = []
    reasons: Counter[str] = Counter()
    read_count = 0
    for block in vd.blocks:
        verbs = sorted({form.key for form in block.verbs})
        converted: list[tuple[str, Row]] = []
        for number, raw in block.patterns:
            read_count += 1
            try:
                if not verbs:
                    raise Unmappable("block without verbs")
                row = convert_pattern(raw, block, ctx)
            except Unmappable as reason:
                reasons[str(reason)] += 1
                continue
            row = {"block": row.pop("block"), "verbs": verbs, **row}
            row["text"] = " ".join(strip_comment(raw)[1 : strip_comment(raw).rfind("[")].split())
            row["src"] = f"{source}:{number}"
            shape = _shape(row)
            converted.append((shape, row))
        # PETRARCH stores patterns in a tree keyed by their structure: a later one with the same structure
        # replaces an earlier one
        last = {shape: i for i, (shape, _) in enumerate(converted)}
        for i, (shape, row) in enumerate(converted):
            if last[shape] != i:
                later = converted[last[shape]][1]
                same = (later["code"], later.get("reverse_code")) == (row["code"], row.get("reverse_code"))
                reasons[
                    "duplicate of a later pattern in its block"
                    if same
                    else "replaced by a later pattern"
                    " with the same structure and another code (PETRARCH keeps the last)"
                ] += 1
                continue
            patterns.append(row)
    patterns.sort(key=lambda r: (r["block"], r["code"] or "", r["text"], r["src"]))
    forms = [_form_row(block, form, source, ours) for block in vd.blocks for form in block.verbs]
    forms.sort(key=lambda r: (r["lemma"], r["key"], r["block"]))
    synsets = [
        {"name": s.name, "plural": s.plural, "members": s.members, "src": f"{source}:{s.line}"}
        for s in sorted(vd.synsets.values(), key=lambda s: s.name)
    ]
    return VerbOutput(patterns, forms, synsets, read_count, reasons)


def _shape(row: Row) -> str:
    keys = ("subject", "particle", "object", "preps", "target")
    return repr([row.get(k) for k in keys])


def _form_row(block: Block, form: VerbForm, source: str, ours: dict[str, str]) -> Row:
    row: Row = {"key": form.key, "lemma": form.lemma}
    if form.before:
        row["before"] = list(form.before)
    if form.after:
        row["after"] = list(form.after)
    row["block"] = block.name
    row["code"] = form.code
    row["block_code"] = block.code
    if form.lemma in ours and not form.before and not form.after:
        row["ours"] = ours[form.lemma]
    row["src"] = f"{source}:{form.line}"
    return row

"""Bench layer: a seeded generator of varied news articles (300-1,500 tokens) from our own templates and words.

API: `make_corpus(n, seed=7, min_tokens=300, max_tokens=1500, prefix="bench") -> list[Article]`. Each article
mixes dyadic event sentences (all four quad classes), stances, quotes and plain no-event text about markets, weather,
sport and culture; some articles carry no event at all. `count_tokens(text)` is the rough token count the
generator steers by (words and punctuation, as spaCy's English tokenizer splits them in this prose).

`make_wire_corpus(n, seed=7, min_tokens=300, max_tokens=1500, prefix="wire") -> list[Article]`: articles of the
same lengths made of wire copy written by people rather than templates: the labelled dev texts
(tests/data/events/dev.jsonl) and the war-and-trade stream fixture (tests/data/streams/), drawn in a seeded
order and joined paragraph by paragraph. The generated corpus names almost only actors the dictionary holds; this
one names people, places and organisations it does not, as real news does (what the prefilter and NER see differ).
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from streams.core.models import Article

STATES = [
    ("Japan", "Japanese"),
    ("India", "Indian"),
    ("France", "French"),
    ("Germany", "German"),
    ("Brazil", "Brazilian"),
    ("Argentina", "Argentine"),
    ("Egypt", "Egyptian"),
    ("Sudan", "Sudanese"),
    ("Turkey", "Turkish"),
    ("Greece", "Greek"),
    ("Kenya", "Kenyan"),
    ("Ethiopia", "Ethiopian"),
    ("Poland", "Polish"),
    ("Chile", "Chilean"),
    ("Peru", "Peruvian"),
    ("Vietnam", "Vietnamese"),
    ("Indonesia", "Indonesian"),
    ("Mexico", "Mexican"),
    ("Canada", "Canadian"),
    ("Nigeria", "Nigerian"),
    ("Pakistan", "Pakistani"),
    ("Iran", "Iranian"),
    ("Israel", "Israeli"),
    ("Ukraine", "Ukrainian"),
    ("Russia", "Russian"),
    ("China", "Chinese"),
    ("South Korea", "South Korean"),
    ("Australia", "Australian"),
    ("Norway", "Norwegian"),
    ("Morocco", "Moroccan"),
    ("Algeria", "Algerian"),
    ("Colombia", "Colombian"),
    ("Venezuela", "Venezuelan"),
    ("Thailand", "Thai"),
    ("Cambodia", "Cambodian"),
    ("Serbia", "Serbian"),
]
IGOS = ["NATO", "the United Nations", "the European Union", "the African Union"]
ROLE_NOUNS = ["foreign ministry", "defense ministry", "army", "navy", "president", "prime minister", "diplomats"]
CITIES = ["Geneva", "Vienna", "Doha", "Singapore", "Nairobi", "Oslo", "Lima", "Hanoi", "Rabat", "Warsaw"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "March", "April", "June", "August", "September", "October", "December"]
GOODS = ["wheat", "fertiliser", "medical supplies", "generators", "water pumps", "tents", "vaccines"]
WEAPONS = ["drones", "artillery shells", "patrol boats", "air defence radars", "armoured vehicles"]

# Dyadic event sentences: {a}/{b} are subject and object phrases, the rest are filled from the lists above.
EVENTS = [
    # verbal cooperation
    "{a} and {b} signed a memorandum on fisheries cooperation in {city} on {day}.",
    "The foreign minister of {A} met her counterpart from {B} in {city} to discuss transit rights.",
    "{a} praised {b} for its handling of the refugee crisis, a spokesperson said on {day}.",
    "{a} agreed to hold talks with {b} on the disputed river dam before the end of {month}.",
    "Officials said {a} offered to mediate between {b} and its neighbours over grazing land.",
    "{a} welcomed the decision by {b} to reopen its consulate in the port city.",
    # material cooperation
    "{a} sent {n} tonnes of {goods} to {b} after the floods, the ministry said.",
    "{a} extended a loan of {n} million dollars to {b} to rebuild its power grid.",
    "{a} released {n} detained fishermen to {b} on {day} as a goodwill gesture.",
    "Troops from {A} and {B} held joint naval drills off the coast this week.",
    "{a} delivered {weapons} to {b} under a deal signed in {month}.",
    # verbal conflict
    "{a} accused {b} of violating the ceasefire along the border on {day}.",
    "{a} condemned {b} over the arrest of two journalists, calling it unacceptable.",
    "{a} threatened {b} with new tariffs if the shipping lanes stay closed.",
    "{a} expelled {n} diplomats from {b} on {day}, citing espionage.",
    "{a} warned {b} against any further incursions into its airspace.",
    "{a} demanded that {b} withdraw its forces from the contested islands by {month}.",
    "{a} imposed sanctions on {b} over its nuclear programme on {day}, officials said.",
    # material conflict
    "Artillery from {A} shelled positions in {B} on {day}, killing {n} soldiers.",
    "{a} seized a cargo ship belonging to {b} near the strait on {day}.",
    "Drones launched by {A} struck a fuel depot in {B} overnight, officials said.",
    "{a} attacked a border post held by {b}, and the fighting lasted until dawn.",
    "{a} deployed {n} troops to the border with {b} in a show of force.",
]
STANCES = [
    "{a} said it strongly supports the peace plan put forward by {b}.",
    "{a} rejected the proposal from {b}, calling it a step backwards.",
    "{a} blamed {b} for the collapse of the grain corridor talks.",
    "{a} voiced solidarity with {b} after the earthquake.",
]
QUOTES = [
    '"We will not accept pressure from anyone," a senior official from {A} told reporters in {city}.',
    '"This is a moment for calm heads," the {demonym} ambassador said on {day}.',
    'A spokesperson for {A} said the talks had been "frank and useful" but gave no further details.',
]
FILLER = [
    "Markets in {city} closed {pct} percent higher on {day}, led by shares of shipping firms.",
    "The weather stayed dry across the region, and farmers expect a late harvest this year.",
    "Analysts at a private bank in {city} said inflation would ease to {pct} percent by {month}.",
    "The national football team won its qualifier {n1}-{n2} in front of a crowd of {n} thousand.",
    "A new museum of modern art opened in {city} on {day}, with works by {n} young painters.",
    "Rail workers in {city} ended a {n1}-day strike after the union accepted a new pay offer.",
    "The central bank kept its main rate at {pct} percent, citing weak consumer demand.",
    "Heavy rain delayed flights at the main airport in {city} for several hours on {day}.",
    "Tourism numbers rose by {pct} percent in {month} compared with the same month last year.",
    "A local court adjourned the corruption trial of a former mayor until {month}.",
    "Scientists reported that the coral reefs off the coast showed fewer signs of bleaching.",
    "Prices of rice and cooking oil rose slightly in the capital's markets, traders said.",
    "The film festival in {city} announced its programme, which includes {n} premieres.",
    "A power cut left parts of {city} without electricity for {n1} hours on {day}.",
    "Students protested tuition increases outside the education ministry on {day}.",
    "The company said its quarterly profit rose {pct} percent on strong demand for batteries.",
]
BACKGROUND = [
    "Relations between {A} and {B} have been uneven since a trade dispute in {month}.",
    "The two countries share a long border that was last redrawn decades ago.",
    "Observers in {city} said the next round of contacts could come as early as {month}.",
    "Neither side gave figures, and the claims could not be independently verified.",
]

_TOKEN = re.compile(r"\w+(?:'\w+)?|[^\w\s]")


def count_tokens(text: str) -> int:
    """Words and punctuation marks: close to spaCy's English token count for this prose."""
    return len(_TOKEN.findall(text))


def _phrase(rng: random.Random, name: str, demonym: str) -> str:
    """An actor mention: a name, a demonym + role noun, a possessive + role noun, or the name alone."""
    pick = rng.random()
    if pick < 0.55:
        return name
    if pick < 0.8:
        return f"the {demonym} {rng.choice(ROLE_NOUNS)}"
    return f"{name}'s {rng.choice(ROLE_NOUNS)}"


def _fill(rng: random.Random, template: str, pair: tuple[tuple[str, str], tuple[str, str]] | None) -> str:
    (a_name, a_dem), (b_name, b_dem) = pair or (rng.sample(STATES, 2))
    a = _phrase(rng, a_name, a_dem) if rng.random() > 0.07 else rng.choice(IGOS)
    b = _phrase(rng, b_name, b_dem)
    text = template.format(
        a=a,
        b=b,
        A=a_name,
        B=b_name,
        demonym=a_dem,
        city=rng.choice(CITIES),
        day=rng.choice(DAYS),
        month=rng.choice(MONTHS),
        goods=rng.choice(GOODS),
        weapons=rng.choice(WEAPONS),
        n=rng.randint(2, 900),
        n1=rng.randint(1, 9),
        n2=rng.randint(0, 5),
        pct=f"{rng.randint(0, 9)}.{rng.randint(0, 9)}",
    )
    return text[0].upper() + text[1:]


def make_article(rng: random.Random, index: int, min_tokens: int, max_tokens: int, prefix: str = "bench") -> Article:
    """One article: paragraphs around one or two dyads; about one in six carries no event at all."""
    target = rng.randint(min_tokens + 20, max_tokens - 60)
    eventless = rng.random() < 0.17
    pairs = [tuple(rng.sample(STATES, 2)) for _ in range(rng.randint(1, 2))]
    paragraphs: list[str] = []
    tokens = 0
    while tokens < target:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            pair = rng.choice(pairs)
            roll = rng.random()
            if eventless or roll < 0.45:
                template, used = rng.choice(FILLER), None
            elif roll < 0.72:
                template, used = rng.choice(EVENTS), pair
            elif roll < 0.82:
                template, used = rng.choice(STANCES), pair
            elif roll < 0.9:
                template, used = rng.choice(QUOTES), pair
            else:
                template, used = rng.choice(BACKGROUND), pair
            sentence = _fill(rng, template, used)  # type: ignore[arg-type]
            if tokens + count_tokens(sentence) > max_tokens - 40:
                break
            sentences.append(sentence)
            tokens += count_tokens(sentence)
        if not sentences:
            break
        paragraphs.append(" ".join(sentences))
    published = datetime(2026, 9, 1, tzinfo=UTC) + timedelta(minutes=37 * index)
    return Article(
        id=f"{prefix}-{index:05d}",
        title=f"Dispatch {index}",
        text="\n\n".join(paragraphs),
        source="bench",
        published_at=published,
    )


def make_corpus(
    n: int, seed: int = 7, min_tokens: int = 300, max_tokens: int = 1500, prefix: str = "bench"
) -> list[Article]:
    """`n` distinct articles, reproducible from `seed`, with ids `{prefix}-00000`, ..."""
    rng = random.Random(seed)
    articles: list[Article] = []
    seen: set[str] = set()
    while len(articles) < n:
        article = make_article(rng, len(articles), min_tokens, max_tokens, prefix)
        if article.text in seen or count_tokens(article.text) < min_tokens:
            continue
        seen.add(article.text)
        articles.append(article)
    return articles


WIRE_SOURCES = (
    Path(__file__).resolve().parent.parent / "tests" / "data" / "events" / "dev.jsonl",
    Path(__file__).resolve().parent.parent / "tests" / "data" / "streams" / "war-and-trade.jsonl",
)


def wire_texts() -> list[tuple[str, str | None]]:
    """(text, published_at) of every dev item and stream-fixture article, in file order."""
    rows = []
    for path in WIRE_SOURCES:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows.append((row["text"], row.get("published_at")))
    return rows


def make_wire_corpus(
    n: int, seed: int = 7, min_tokens: int = 300, max_tokens: int = 1500, prefix: str = "wire"
) -> list[Article]:
    """`n` distinct articles of `min_tokens`-`max_tokens` tokens joined from wire texts, reproducible from `seed`.

    The texts are dealt from a seeded shuffle, and dealt again in a new order when the deck runs out, so no text
    repeats inside one article; the article takes the first text's `published_at` (its officials' dates).
    """
    import spacy  # the lengths in spaCy tokens exactly: real copy splits unlike the templates' prose

    tokenizer = spacy.blank("en").tokenizer
    rng = random.Random(seed)
    pool = [(text, published_at, len(tokenizer(text))) for text, published_at in wire_texts()]
    deck: list[tuple[str, str | None, int]] = []
    articles: list[Article] = []
    seen: set[str] = set()
    while len(articles) < n:
        target = rng.randint(min_tokens, max_tokens)
        parts: list[tuple[str, str | None, int]] = []
        tokens = 0
        while tokens < target:
            if not deck:
                deck = pool[:]
                rng.shuffle(deck)
            part = deck.pop()
            if part in parts or tokens + part[2] + 1 > max_tokens:  # the "\n\n" between texts is a token
                continue
            tokens += part[2] + (1 if parts else 0)
            parts.append(part)
        text = "\n\n".join(t for t, _, _ in parts)
        if text in seen:
            continue
        seen.add(text)
        articles.append(
            Article(id=f"{prefix}-{len(articles):05d}", text=text, published_at=parts[0][1], source="wire")
        )
    return articles

"""Unit tests of the extraction step: Article -> EnrichedArticle through the pipeline (model loaded once)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from streams.core.extract import EXTRACTOR_VERSION, Extractor, article_day, doc_to_enriched, load_extractor
from streams.core.models import Article, Relation, Stance


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor()


def article(text: str, id: str = "a-1") -> Article:
    return Article(id=id, text=text, title="A title", source="test")


def test_actor_entities_point_at_their_text_and_carry_actor_role_and_name(extractor: Extractor) -> None:
    text = "Chinese Defense Minister Wei Fenghe met officials in Tehran."
    enriched = extractor.extract(article(text))
    person = enriched.entities[0]
    assert (person.label, person.actor, person.role, person.name) == ("ACTOR", "CHN", "MIL", "Wei Fenghe")
    for entity in enriched.entities:
        assert text[entity.start : entity.end] == entity.text


def test_actors_are_the_sorted_distinct_codes(extractor: Extractor) -> None:
    enriched = extractor.extract(
        article("Iran and China met; NATO and China then spoke to the U.S. and Iran.")
    )
    assert enriched.actors == ["CHN", "IRN", "NATO", "USA"]


def test_unresolved_people_and_organisations_are_kept_without_an_actor(extractor: Extractor) -> None:
    text = "Professor Shi Yinhong told the Morning Post that Renmin University was busy."
    enriched = extractor.extract(article(text))
    assert enriched.actors == []
    assert any(e.label == "PERSON" and e.text == "Shi Yinhong" and e.actor is None for e in enriched.entities)
    post = next(e for e in enriched.entities if e.text == "Morning Post")
    assert (post.label, post.actor, post.role) == ("ACTOR", None, "MED")


def test_the_enriched_article_keeps_the_article_metadata_and_version(extractor: Extractor) -> None:
    received = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    source = article("The Kremlin said Russia would reply.", id="kremlin-1")
    enriched = extractor.extract(source, received_at=received)
    assert (enriched.article_id, enriched.title, enriched.source) == ("kremlin-1", "A title", "test")
    assert enriched.received_at == received
    assert enriched.extractor_version == EXTRACTOR_VERSION
    assert enriched.digest == source.digest


def test_extract_many_keeps_the_input_order(extractor: Extractor) -> None:
    texts = ["Japan protested.", "Brazil agreed.", "Kenya declined.", "Chile waited."] * 5
    ids = [f"n{i}" for i in range(len(texts))]
    results = list(
        extractor.extract_many((article(t, i) for t, i in zip(texts, ids, strict=True)), batch_size=3)
    )
    assert [r.article_id for r in results] == ids
    assert [r.actors for r in results[:4]] == [["JPN"], ["BRA"], ["KEN"], ["CHL"]]


def test_relations_and_stances_set_on_the_doc_are_copied_into_the_message(extractor: Extractor) -> None:
    text = "China praised Iran."
    doc = extractor.nlp(text)
    relation = Relation(
        source="CHN", target="IRN", cameo="051", root=5, quad_class=1, goldstein=3.4,
        confidence=0.8, trigger="praised", sentence=text, span=(0, len(text)),
    )  # fmt: skip
    stance = Stance(
        holder="CHN", polarity="praise", target="IRN", sentence=text, span=(0, len(text)), confidence=0.8
    )
    doc._.relations = [relation]
    doc._.stances = [stance]
    enriched = doc_to_enriched(doc, article(text))
    assert enriched.relations == [relation]
    assert enriched.stances == [stance]


DAYS_SEEN: list[date | None] = []


@Language.component("test_record_as_of")
def record_as_of(doc: Doc) -> Doc:
    DAYS_SEEN.append(doc._.as_of)
    return doc


def test_the_article_day_is_its_publication_day_else_its_arrival_else_today() -> None:
    arrived = datetime(2024, 5, 6, 23, 30, tzinfo=UTC)
    published = Article(id="p", text="x", published_at=datetime(2010, 4, 8, 1, 0, tzinfo=timezone(timedelta(hours=2))))
    assert article_day(published, arrived) == date(2010, 4, 8)
    assert article_day(Article(id="r", text="x"), arrived) == date(2024, 5, 6)
    assert article_day(Article(id="n", text="x")) == datetime.now(UTC).date()


def test_every_component_sees_the_article_day_in_doc_as_of() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("test_record_as_of")
    extractor = Extractor(nlp)
    DAYS_SEEN.clear()
    first = Article(id="1", text="One.", published_at=datetime(2009, 1, 20, tzinfo=UTC))
    second = Article(id="2", text="Two.")
    extractor.extract(first)
    list(extractor.extract_many([first, second], received_at=datetime(2017, 1, 20, tzinfo=UTC)))
    assert DAYS_SEEN == [date(2009, 1, 20), date(2009, 1, 20), date(2017, 1, 20)]


def test_load_extractor_loads_the_model_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_extractor()
    builds: list[int] = []

    def build_nlp() -> Language:
        builds.append(1)
        return loaded.nlp

    monkeypatch.setattr("streams.core.extract.build_nlp", build_nlp)
    load_extractor.cache_clear()
    try:
        first = load_extractor()
        assert load_extractor() is first and first.nlp is loaded.nlp
        assert builds == [1]
    finally:
        load_extractor.cache_clear()
        load_extractor()  # cached again on the same pipeline, for the tests after this one


def test_the_publication_day_picks_who_speaks_for_a_state(extractor: Extractor) -> None:
    text = "Barack Obama met Dmitry Medvedev."

    def dyads(published: datetime) -> set[tuple[str, str]]:
        enriched = extractor.extract(Article(id="o", text=text, published_at=published))
        return {(r.source, r.target) for r in enriched.relations}

    assert ("USA", "RUS") in dyads(datetime(2010, 4, 8, tzinfo=UTC))
    assert dyads(datetime(2018, 4, 8, tzinfo=UTC)) == set()


def test_the_minister_is_the_last_person_named_by_that_title(extractor: Extractor) -> None:
    def events(text: str) -> set[tuple[str, str, str]]:
        enriched = extractor.extract(Article(id="m", text=text, published_at=datetime(2024, 3, 10, tzinfo=UTC)))
        return {(r.source, r.target, r.cameo) for r in enriched.relations}

    told = "Turkey's foreign minister said Ankara would not attend the summit. The minister accused Greece of meddling."
    assert ("TUR", "GRC", "112") in events(told)
    # no minister was named before: 'the minister' is no one
    assert events("Ankara would not attend the summit. The minister accused Greece of meddling.") == set()

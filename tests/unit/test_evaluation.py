"""Unit tests of the evaluation layer: the scorer on hand-made predictions, the corpus files, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from streams.core.models import Article, EnrichedArticle, Entity, Relation, Stance
from tools.evaluation import (
    DATA_DIR,
    UNDATED_DAY,
    Event,
    GoldItem,
    Labels,
    Predictor,
    StanceKey,
    articles_for,
    cooccurrence_baseline,
    evaluate_split,
    format_constructions,
    labels_of,
    load_gold,
    main,
    parse_gold_line,
    score,
)


def gold(
    item_id: str, *events: Event, stances: Sequence[StanceKey] = (), actors: Sequence[str] = ()
) -> GoldItem:
    return GoldItem(item_id, f"text of {item_id}", Labels(tuple(events), tuple(stances)), tuple(actors))


def ev(source: str, target: str, cameo: str) -> Event:
    root = int(cameo[:2])
    return Event(source, target, cameo, 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4)


def line(**fields: object) -> str:
    return json.dumps({"id": "dev-0001", "text": "Some text.", **fields})


def enriched(article: Article, labels: Labels, actors: Sequence[str] = ()) -> EnrichedArticle:
    relations = [
        Relation(
            source=e.source,
            target=e.target,
            cameo=e.cameo,
            root=e.root,
            quad_class=e.quad,  # type: ignore[arg-type]
            goldstein=0.0,
            confidence=1.0,
            sentence=article.text,
            span=(0, len(article.text)),
        )
        for e in labels.events
    ]
    stances = [
        Stance(
            holder=s.holder,
            polarity=s.polarity,  # type: ignore[arg-type]
            target=s.target,
            sentence=article.text,
            span=(0, len(article.text)),
            confidence=1.0,
        )
        for s in labels.stances
    ]
    entities = [
        Entity(text=code, start=i, end=i + 1, label="ACTOR", actor=code) for i, code in enumerate(actors)
    ]
    return EnrichedArticle(
        article_id=article.id,
        relations=relations,
        stances=stances,
        entities=entities,
        extractor_version="test",
    )


def test_a_perfect_prediction_scores_one_at_every_level() -> None:
    items = [gold("a", ev("EGY", "JOR", "036"), ev("JOR", "EGY", "036")), gold("b", ev("RUS", "UKR", "190"))]
    report = score(items, {item.id: item.labels for item in items})
    for prf in report.levels.values():
        assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    assert report.errors == []


def test_a_reversed_event_counts_for_the_dyad_but_not_for_the_directed_levels() -> None:
    items = [gold("a", ev("ETH", "ERI", "112"))]
    report = score(items, {"a": Labels((ev("ERI", "ETH", "112"),))})
    assert report.levels["dyad"].tp == 1
    assert (report.levels["directed_polarity"].tp, report.levels["directed_polarity"].fp) == (0, 1)
    assert report.levels["directed_quad"].fn == 1


def test_the_right_polarity_with_the_wrong_quad_counts_only_at_the_polarity_level() -> None:
    items = [gold("a", ev("DEU", "UKR", "072"))]
    report = score(items, {"a": Labels((ev("DEU", "UKR", "030"),))})
    assert report.levels["directed_polarity"].tp == 1
    assert report.levels["directed_quad"].tp == 0
    assert report.root_confusions == {(7, 3): 1}


def test_repeated_events_are_matched_as_a_multiset() -> None:
    items = [gold("a", ev("IND", "RUS", "042"), ev("IND", "RUS", "040"))]
    once = score(items, {"a": Labels((ev("IND", "RUS", "043"),))}).levels["directed_quad"]
    assert (once.tp, once.fp, once.fn) == (1, 0, 1)
    thrice = score(items, {"a": Labels((ev("IND", "RUS", "043"),) * 3)}).levels["directed_quad"]
    assert (thrice.tp, thrice.fp, thrice.fn) == (2, 1, 0)
    assert (thrice.precision, thrice.recall, thrice.f1) == (pytest.approx(2 / 3), 1.0, pytest.approx(0.8))


def test_an_event_found_in_the_wrong_item_is_both_missed_and_spurious() -> None:
    items = [gold("a", ev("CHN", "TWN", "150")), gold("b")]
    report = score(items, {"b": Labels((ev("CHN", "TWN", "150"),))})
    dyad = report.levels["dyad"]
    assert (dyad.tp, dyad.fp, dyad.fn) == (0, 1, 1)
    assert [(e.kind, e.item_id) for e in report.errors] == [("missed", "a"), ("spurious", "b")]


def test_no_predictions_give_zero_precision_and_recall_without_dividing_by_zero() -> None:
    report = score([gold("a", ev("USA", "VEN", "130"))], {})
    assert (report.levels["dyad"].precision, report.levels["dyad"].recall, report.levels["dyad"].f1) == (
        0,
        0,
        0,
    )


def test_stances_match_on_holder_polarity_and_target_including_a_missing_target() -> None:
    stances = (StanceKey("UN", "demand", "MMR"), StanceKey("DZA", "oppose", None))
    items = [gold("a", stances=stances)]
    predicted = Labels(stances=(StanceKey("UN", "criticize", "MMR"), StanceKey("DZA", "oppose", None)))
    report = score(items, {"a": predicted})
    assert (report.stance.tp, report.stance.fp, report.stance.fn) == (1, 1, 1)


def test_per_root_recall_counts_direction_and_root_separately() -> None:
    items = [gold("a", ev("IRN", "GRC", "171"), ev("TUR", "SWE", "131"), ev("HUN", "EU", "129"))]
    predicted = Labels((ev("IRN", "GRC", "173"), ev("TUR", "SWE", "111")))
    report = score(items, {"a": predicted})
    assert (report.per_root[17].gold, report.per_root[17].directed, report.per_root[17].same_root) == (
        1,
        1,
        1,
    )
    assert (report.per_root[13].directed, report.per_root[13].same_root) == (1, 0)
    assert (report.per_root[12].directed, report.per_root[12].same_root) == (0, 0)
    assert report.root_confusions == {(13, 11): 1}
    assert report.as_dict()["per_root_recall"]["17"] == {"gold": 1, "directed": 1, "same_root": 1}


def test_per_tag_counts_show_spurious_events_in_sentences_without_events() -> None:
    items = [
        GoldItem("a", "Kenya did not condemn Niger.", Labels(), ("KEN", "NER"), ("negation", "no-event")),
        GoldItem("b", "Spain recognised Palestine.", Labels((ev("ESP", "PSE", "054"),)), (), ("negation",)),
    ]
    report = score(items, {"a": Labels((ev("KEN", "NER", "111"),)), "b": items[1].labels})
    assert (report.per_tag["no-event"].tp, report.per_tag["no-event"].fp) == (0, 1)
    assert (report.per_tag["negation"].tp, report.per_tag["negation"].fp) == (1, 1)
    assert report.as_dict()["per_tag"]["no-event"]["precision"] == 0.0


def test_the_baseline_pairs_distinct_actors_once_in_order_of_first_mention_as_verbal_cooperation() -> None:
    baseline = cooccurrence_baseline(["CHN", "IRN", "CHN", "RUS", "IRN"])
    assert [(e.source, e.target, e.quad) for e in baseline.events] == [
        ("CHN", "IRN", 1),
        ("CHN", "RUS", 1),
        ("IRN", "RUS", 1),
    ]
    assert cooccurrence_baseline(["KEN", "KEN"]).events == ()


def test_a_gold_line_is_parsed_with_the_quad_derived_from_the_cameo_root() -> None:
    item = parse_gold_line(
        line(
            events=[{"source": "SAU", "target": "SDN", "cameo": "033", "quad": 1}],
            stances=[{"holder": "DZA", "polarity": "oppose", "target": None}],
            actors=["SAU", "SDN"],
            tags=["intended"],
        )
    )
    assert item.labels.events == (Event("SAU", "SDN", "033", 1),)
    assert item.labels.stances == (StanceKey("DZA", "oppose", None),)
    assert (item.actors, item.tags) == (("SAU", "SDN"), ("intended",))


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"source": "SAU", "target": "SDN", "cameo": "033", "quad": 2}, "should be 1"),
        ({"source": "SAU", "target": "SAU", "cameo": "033"}, "self-dyad"),
        ({"source": "SAU", "target": "SDN", "cameo": "19"}, "at least 3 digits"),
        ({"source": "SAU", "target": "SDN", "cameo": "250"}, "outside 1..20"),
        ({"source": "SAU", "target": "SDN", "cameo": "033", "mode": "reported"}, "mark background events only"),
    ],
)
def test_a_badly_coded_gold_event_is_rejected_with_a_fix(event: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_gold_line(line(events=[event]))


def test_background_events_are_scored_only_on_items_that_mark_modes() -> None:
    background = Event("RUS", "UKR", "190", 4, background=True)
    news = Event("RUS", "UKR", "190", 4)
    marked = GoldItem("dev-0001", "t", Labels((background, ev("POL", "LTU", "040"))), (), ("modes",))
    unmarked = gold("dev-0002", news)
    report = score(
        [marked, unmarked],
        {"dev-0001": Labels((news, Event("POL", "LTU", "040", 1, background=True))),
         "dev-0002": Labels((background,))},
    )
    assert (report.background.tp, report.background.fp, report.background.fn) == (0, 1, 1)
    assert report.levels["directed_quad"].f1 == 1.0, "a mode never changes the event levels"


def test_a_gold_background_event_is_read_from_its_mode() -> None:
    parsed = parse_gold_line(line(events=[{"source": "RUS", "target": "UKR", "cameo": "190", "mode": "background"}],
                                  tags=["modes"]))
    assert parsed.labels.events == (Event("RUS", "UKR", "190", 4, background=True),)


def test_an_undated_item_is_scored_on_a_fixed_day_and_a_dated_one_on_its_own() -> None:
    dated = parse_gold_line(line(published_at="2010-04-08"))
    undated = parse_gold_line(line())
    articles = articles_for([dated, undated])
    assert articles[0].published_at is not None and articles[0].published_at.date().isoformat() == "2010-04-08"
    assert articles[1].published_at == UNDATED_DAY
    assert UNDATED_DAY.date().isoformat() == "2025-06-01"


def test_enriched_articles_reduce_to_their_scored_labels() -> None:
    labels = Labels((ev("NLD", "UKR", "072"),), (StanceKey("KOR", "praise", "POL"),))
    assert labels_of(enriched(Article(id="a", text="x"), labels)) == labels


def test_the_corpus_is_large_split_disjoint_and_covers_every_cameo_root() -> None:
    dev, test = load_gold(DATA_DIR / "dev.jsonl"), load_gold(DATA_DIR / "test.jsonl")
    assert len(dev) + len(test) >= 240
    assert 0.55 <= len(dev) / (len(dev) + len(test)) <= 0.75  # 1020 dev (dev-1360..1419 added) to 349 test: 0.745
    assert not {i.text for i in dev} & {i.text for i in test}
    for split, prefix in ((dev, "dev-"), (test, "test-")):
        assert all(i.id.startswith(prefix) for i in split)
        assert len({i.id for i in split}) == len(split)
        assert {e.root for i in split for e in i.labels.events} == set(range(1, 21))
    assert sum(1 for i in dev + test if not i.labels.events) >= 50


def test_every_gold_event_and_stance_uses_actors_listed_as_mentioned() -> None:
    for item in load_gold(DATA_DIR / "dev.jsonl") + load_gold(DATA_DIR / "test.jsonl"):
        codes = {e.source for e in item.labels.events} | {e.target for e in item.labels.events}
        codes |= {s.holder for s in item.labels.stances} | {s.target for s in item.labels.stances if s.target}
        assert codes <= set(item.actors), item.id


def test_scoring_imports_neither_faust_nor_spacy() -> None:
    probe = "import sys, tools.evaluation; print(sorted({'faust', 'spacy'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def oracle(items: Sequence[GoldItem]) -> Predictor:
    """A predictor that returns the gold labels, with the gold actors as entities."""
    by_id = {item.id: item for item in items}

    def predict(articles: list[Article]) -> Iterable[EnrichedArticle]:
        return [enriched(a, by_id[a.id].labels, by_id[a.id].actors) for a in articles]

    return predict


def test_the_cli_scores_a_split_prints_a_table_and_writes_the_json_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = load_gold(DATA_DIR / "dev.jsonl")
    out = tmp_path / "quality.json"
    assert main(["--split", "dev", "--show-errors", "--out", str(out)], predict=oracle(items)) == 0
    printed = capsys.readouterr().out
    assert "baseline/gold-actors" in printed and "directed_quad" in printed and "no-event" in printed
    report = json.loads(out.read_text())
    assert set(report) == {"dev"}
    assert report["dev"]["extractor"]["directed_quad"]["f1"] == 1.0
    assert report["dev"]["extractor"]["stance"]["f1"] == 1.0
    gold_baseline = report["dev"]["baseline_gold_actors"]
    assert 0 < gold_baseline["directed_quad"]["f1"] < gold_baseline["dyad"]["f1"] < 1
    assert report["dev"]["baseline_extractor_actors"] == gold_baseline


def test_a_predictor_that_drops_an_article_is_reported() -> None:
    items = [gold("a"), gold("b")]

    def forgetful(articles: list[Article]) -> list[EnrichedArticle]:
        return [enriched(articles[0], Labels())]

    with pytest.raises(ValueError, match=r"no EnrichedArticle for \['b'\]"):
        evaluate_split(items, forgetful)


def test_recall_by_construction_counts_each_level_over_the_items_written_that_way() -> None:
    items = [
        GoldItem("a", "Iran's seizure of a Greek tanker.", Labels((ev("IRN", "GRC", "171"),)), (), ("nominal",)),
        GoldItem("b", "Turkey was criticised by Sweden.", Labels((ev("SWE", "TUR", "111"),)), (), ("passive", "igo")),
    ]
    predicted = {"a": Labels((ev("GRC", "IRN", "171"),)), "b": items[1].labels}
    report = score(items, predicted)
    assert set(report.per_construction) == {"nominal", "passive"}
    nominal = report.per_construction["nominal"]
    assert (nominal["dyad"].recall, nominal["directed_polarity"].recall, nominal["directed_quad"].recall) == (1, 0, 0)
    assert report.as_dict()["per_construction_recall"]["passive"] == {
        "dyad": 1.0,
        "directed_polarity": 1.0,
        "directed_quad": 1.0,
        "gold": 1,
    }
    assert format_constructions(report).splitlines()[1].split() == ["nominal", "1", "1.000", "0.000", "0.000"]

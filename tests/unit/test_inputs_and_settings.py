"""Unit: reading articles from files, the settings object and the topic declarations."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from streams.cli import _topic_name, main
from streams.core.inputs import InputError, articles_from_text
from streams.settings import Settings
from streams.topology import topic_specs


def test_a_text_file_is_one_article_with_a_content_id():
    (article,) = articles_from_text("news/story.txt", "Chile and Peru signed a treaty.")
    assert article.id.startswith("sha256:") and article.source == "story.txt"


def test_a_jsonl_file_is_many_articles_and_keeps_given_ids():
    content = '{"id": "a", "text": "one"}\n\n{"text": "two"}\n'
    articles = list(articles_from_text("batch.jsonl", content))
    assert [a.id for a in articles][0] == "a" and articles[1].id.startswith("sha256:")


def test_a_bad_jsonl_line_names_the_file_and_line():
    with pytest.raises(InputError, match="batch.jsonl:2"):
        list(articles_from_text("batch.jsonl", '{"text": "ok"}\n{"text": \n'))


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("big.json", '{"text": "Chile met Peru.", "n": 1' + "1" * 4999 + "}", "big.json: invalid JSON (a number has"),
        ("big.jsonl", '{"text": "a"}\n{"text": "b", "n": ' + "9" * 5000 + "}", "big.jsonl:2: invalid JSON"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "deep.json: JSON nested too deeply"),
    ],
)
def test_json_that_python_cannot_hold_is_an_input_error_naming_the_place(name, content, says):
    with pytest.raises(InputError) as refused:
        list(articles_from_text(name, content))
    assert str(refused.value).startswith(says)


def test_publish_of_a_file_that_is_missing_or_not_utf8_says_one_line(tmp_path, capsys):
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"Caf\xe9 talks")
    for path, says in ((tmp_path / "missing.txt", "cannot read it"), (latin, "not UTF-8 text")):
        assert main(["publish", str(path)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"dyadwatch: {path}: {says}")


def test_stdin_is_json_lines_when_it_starts_with_a_brace():
    assert [a.id for a in articles_from_text("-", '{"id": "x", "text": "t"}')] == ["x"]
    assert len(list(articles_from_text("-", "plain words"))) == 1


def test_the_bootstrap_must_be_host_port_pairs(monkeypatch):
    monkeypatch.setenv("DYADWATCH_KAFKA_BOOTSTRAP", "localhost")
    with pytest.raises(ValidationError, match="host:port"):
        Settings()


def test_settings_read_topic_names_and_lists_from_the_environment(monkeypatch):
    monkeypatch.setenv("DYADWATCH_TOPIC_ALERTS", "geo-alerts")
    monkeypatch.setenv("DYADWATCH_WATCH_ACTORS", "CHN, IRN")
    settings = Settings()
    assert settings.topic_alerts == "geo-alerts" and settings.watch_actors == ["CHN", "IRN"]
    assert _topic_name(settings, "alerts") == "geo-alerts"
    assert _topic_name(settings, "articles.enriched") == "articles.enriched"
    assert _topic_name(settings, "something-else") == "something-else"


def test_settings_are_frozen():
    with pytest.raises(ValidationError):
        Settings().partitions = 3  # type: ignore[misc]


def test_the_relations_topic_is_compacted_and_every_topic_shares_the_partition_count():
    specs = {s.role: s for s in topic_specs(Settings(partitions=4))}
    assert specs["relations"].topic_config()["cleanup.policy"] == "compact"
    assert {s.partitions for s in specs.values()} == {4}
    assert set(specs) == {
        "articles",
        "enriched",
        "deadletter",
        "stances",
        "relation_events",
        "relations",
        "alerts",
    }


def test_the_topic_names_are_the_contract_by_default():
    assert [s.name for s in topic_specs(Settings())] == [
        "articles",
        "articles.enriched",
        "articles.deadletter",
        "stances",
        "relation-events",
        "relations",
        "alerts",
    ]

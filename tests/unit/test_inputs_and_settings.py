"""Unit: reading articles from files, the settings object and the topic declarations."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from streams.cli import main, topic_name
from streams.core.inputs import InputError, article_lines, articles_from_text, decode_text
from streams.core.models import Article
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


def test_json_lines_that_python_cannot_hold_are_bad_lines_naming_the_place():
    lines = [b'{"text": "a"}\n', b'{"text": "b", "n": ' + b"9" * 5000 + b"}\n", b"[" * 100_000 + b"]" * 100_000]
    first, huge, deep = article_lines("big.jsonl", lines)
    assert isinstance(first, Article)
    assert str(huge).startswith("big.jsonl:2: invalid JSON (a number has more than")
    assert str(deep) == "big.jsonl:3: JSON nested too deeply to be an article"


def test_publish_of_a_missing_file_says_one_line_before_looking_for_a_broker(tmp_path, capsys):
    missing = tmp_path / "missing.txt"
    assert main(["publish", str(missing)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [f"dyadwatch: {missing}: no such file"]


def test_extract_of_a_file_that_is_not_utf8_or_holds_a_huge_integer_says_one_line(tmp_path, capsys):
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"Caf\xe9 talks")
    huge = tmp_path / "huge.json"
    huge.write_text('{"text": "Chile met Peru.", "n": 1' + "1" * 4999 + "}")
    for path, says in ((latin, "not UTF-8 (byte 0xe9 at offset 3)"), (huge, "invalid JSON (a number has more than")):
        assert main(["extract", str(path)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"dyadwatch: {path}: {says}"), err
    lines = tmp_path / "huge.jsonl"
    lines.write_text('{"id": "ok", "text": "Chile met Peru."}\n{"text": "b", "n": ' + "9" * 5000 + "}\n")
    assert main(["extract", str(lines)]) == 1
    out, err = capsys.readouterr()
    assert [json.loads(line)["article_id"] for line in out.splitlines()] == ["ok"]
    assert err.splitlines()[0].startswith(f"{lines}:2: invalid JSON (a number has more than") and "Traceback" not in err


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
    assert topic_name(settings, "alerts") == "geo-alerts"
    assert topic_name(settings, "articles.enriched") == "articles.enriched"
    assert topic_name(settings, "something-else") == "something-else"


def test_the_table_store_is_memory_by_default_and_rocksdb_when_asked(monkeypatch):
    from streams.app import create_app

    assert Settings().table_store == "memory://"
    monkeypatch.setenv("DYADWATCH_TABLE_STORE", "rocksdb://")
    settings = Settings()
    assert str(create_app(settings, "localhost:9092").conf.store) == "rocksdb:"


def test_a_rocksdb_store_without_rocksdict_is_one_line_naming_the_fix(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "rocksdict", None)  # import rocksdict now raises ImportError
    monkeypatch.setenv("DYADWATCH_TABLE_STORE", "rocksdb://")
    with pytest.raises(ValidationError, match="pip install 'dyadwatch\\[rocksdb\\]'"):
        Settings()
    assert main(["topics", "--bootstrap", "localhost:1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "DYADWATCH_TABLE_STORE=rocksdb://" in err and "memory://" in err, err


def test_a_rocksdb_store_is_refused_to_worker_processes_that_would_share_one_data_dir(monkeypatch, capsys):
    monkeypatch.setenv("DYADWATCH_TABLE_STORE", "rocksdb://")
    assert main(["worker", "--processes", "2", "--no-web", "--bootstrap", "localhost:1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "one worker per data dir" in err, err


def test_a_table_store_that_faust_does_not_know_is_refused(monkeypatch):
    monkeypatch.setenv("DYADWATCH_TABLE_STORE", "redis://")
    with pytest.raises(ValidationError, match="memory://"):
        Settings()


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


# decode_text and article_lines: what `publish` and `extract` read


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("Café in Zürich".encode("latin-1"),
         "looks like Latin-1 (ISO-8859-1): save it as UTF-8, or pass --encoding latin-1"),
        ("“Quoted” – café".encode("cp1252"), "looks like Windows-1252: save it as UTF-8, or pass --encoding cp1252"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like binary data (it has NUL bytes)"),
        (bytes(range(1, 32)) * 4, "looks like binary data (100 control bytes in the first 124)"),
        ("Chile and Peru".encode("utf-16-le"), "looks like UTF-16 text without a byte-order mark"),
    ],
)
def test_text_that_is_not_utf8_says_what_it_looks_like_and_how_to_read_it(data, says):
    with pytest.raises(InputError, match="^story.txt: ") as caught:
        decode_text("story.txt", data)
    assert says in str(caught.value)


def test_a_byte_order_mark_is_dropped_and_a_given_encoding_is_used():
    assert decode_text("a.txt", b"\xef\xbb\xbfChile") == "Chile"
    assert decode_text("a.txt", "\ufeffChile".encode("utf-16")) == "Chile"
    assert decode_text("a.txt", "Café".encode("latin-1"), "latin-1") == "Café"
    with pytest.raises(InputError, match="'klingon' is not an encoding"):
        decode_text("a.txt", b"x", "klingon")


def test_json_lines_come_one_at_a_time_with_each_bad_line_as_file_line_reason():
    raw = [b'\xef\xbb\xbf{"id": "a", "text": "Chile met Peru."}\n', b"\n", b'{"text": \n',
           b'{"title": "no text"}\n', b'{"text": ""}\n', b"[1, 2]\n", "Caf\u00e9".encode("latin-1") + b"\n",
           b'{"text": "Japan protested."}\n']
    pulled: list[bytes] = []

    def source():  # type: ignore[no-untyped-def]
        for line in raw:
            pulled.append(line)
            yield line

    results = article_lines("batch.jsonl", source())
    first = next(results)
    assert isinstance(first, Article) and first.id == "a"
    assert len(pulled) == 1, "one line read, not the whole input"
    rest = [str(r) if isinstance(r, InputError) else r.text for r in results]
    assert rest == [
        "batch.jsonl:3: invalid JSON (Expecting value at column 10)",
        "batch.jsonl:4: no 'text' field; every article needs its text",
        "batch.jsonl:5: text: text is empty: an article needs some text to analyse",
        "batch.jsonl:6: expected a JSON object with at least a 'text' field",
        "batch.jsonl:7: not UTF-8 (byte 0xe9 at offset 3); it looks like Latin-1 (ISO-8859-1): save it as UTF-8, "
        "or pass --encoding latin-1",
        "Japan protested.",
    ]


def test_invalid_json_on_a_line_names_the_line_and_the_column():
    (bad,) = article_lines("b.jsonl", [b'{"text": \n'])
    assert str(bad) == "b.jsonl:1: invalid JSON (Expecting value at column 10)"


def test_an_article_text_over_1_mb_says_the_limit_and_that_it_is_not_the_message_limit():
    with pytest.raises(InputError) as caught:
        list(articles_from_text("big.txt", "x" * 1_000_001))
    message = str(caught.value)
    assert "1,000,001 bytes, over the article text limit of 1,000,000 bytes" in message
    assert "16 MiB" in message and "DYADWATCH_MAX_MESSAGE_BYTES" in message

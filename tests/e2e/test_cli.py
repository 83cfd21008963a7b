"""End to end: the `dyadwatch` command as a new user runs it: real processes, real files, the session broker.

Each test runs the installed command line (`python -m streams.cli`), on a terminal (a pty) or into a pipe.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from streams.core.models import EnrichedArticle, Relation, RelationState
from streams.core.routing import outputs_for
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_producer
from tests.conftest import SAMPLE
from tests.support.cli import run
from tests.support.workers import fresh_env, settings_from

pytestmark = pytest.mark.e2e

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_terminal(*args: str, env: dict[str, str], timeout: float = 180) -> tuple[int, str, str]:
    """Run `dyadwatch ARGS` with stdout on a pseudo-terminal 120 columns wide; (exit code, screen, stderr)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "streams.cli", *args], stdout=follower, stdin=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "120", **env})
    os.close(follower)
    screen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the follower side closed: the command ended
                break
            if not chunk:
                break
            screen += chunk
        elif proc.poll() is not None:
            break
    os.close(leader)
    stderr = proc.communicate(timeout=30)[1].decode()
    return proc.returncode, ANSI.sub("", screen.decode(errors="replace")).replace("\r\n", "\n"), stderr


def no_broker_env(tmp_path: Path) -> dict[str, str]:
    """No broker configured and no local Kafka in a fresh data directory (as after `dyadwatch kafka stop`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DYADWATCH_")}
    return {**env, "DYADWATCH_DATA_DIR": str(tmp_path / "data")}


def assert_one_line(result: subprocess.CompletedProcess[str], code: int, *fragments: str) -> str:
    message = result.stderr.strip()
    assert result.returncode == code, (result.returncode, result.stdout[-2000:], message[-2000:])
    assert "Traceback" not in message and len(message.splitlines()) == 1, message
    assert message.startswith("dyadwatch: "), message
    for fragment in fragments:
        assert fragment in message, message
    return message


# no broker: only `kafka start`, `worker` and `make run` start one


@pytest.mark.parametrize("args", [["relations"], ["tail", "alerts"], ["topics"], ["publish", str(SAMPLE)],
                                  ["export", "events"]], ids=lambda a: a[0])
def test_with_no_broker_a_client_says_how_to_start_one_exits_69_and_starts_nothing(args, tmp_path):
    env = no_broker_env(tmp_path)
    result = run(*args, env=env, inherit=False, timeout=60)
    assert_one_line(result, 69, "no Kafka broker is running", "dyadwatch kafka start", "--bootstrap")
    assert json.loads(run("kafka", "status", "--json", env=env, inherit=False).stdout)["running"] is False
    assert not (tmp_path / "data" / "kafka" / "kafka-state.json").exists()


def test_a_broker_that_does_not_answer_is_one_line_after_the_bootstrap_timeout(tmp_path):
    result = run("relations", "--bootstrap", "127.0.0.1:9", env=no_broker_env(tmp_path), inherit=False, timeout=60)
    assert_one_line(result, 69, "cannot reach Kafka at 127.0.0.1:9 within 10 s")


def test_a_worker_whose_web_port_is_taken_says_so_in_one_line_before_starting_anything(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("worker", "--web-port", str(port), env=no_broker_env(tmp_path), inherit=False, timeout=60)
    assert_one_line(result, 2, f"cannot serve the web view on 127.0.0.1:{port}", "--web-port N, or --no-web")
    assert not (tmp_path / "data" / "kafka" / "kafka-state.json").exists()


# files a new user gets wrong


def test_publish_of_a_missing_file_or_a_folder_is_one_line_and_exit_2(tmp_path):
    env = no_broker_env(tmp_path)
    assert_one_line(run("publish", str(tmp_path / "nope.txt"), env=env, inherit=False), 2, "nope.txt: no such file")
    (tmp_path / "folder").mkdir()
    assert_one_line(run("publish", str(tmp_path / "folder"), env=env, inherit=False), 2,
                    "is a folder; name the files in it")


def test_a_file_over_the_message_limit_names_both_limits(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Chile met Peru. " * 5000)  # the limit may not be set below 64 KiB: a dead letter must fit
    result = run("publish", str(big), env={**no_broker_env(tmp_path), "DYADWATCH_MAX_MESSAGE_BYTES": "65536"},
                 inherit=False)
    assert_one_line(result, 2, "80,000 bytes, over the 65,536-byte Kafka message limit (DYADWATCH_MAX_MESSAGE_BYTES)",
                    "at most 1 MB anyway (a separate limit)")


@pytest.fixture
def topics_env(kafka_bootstrap: str, tmp_path: Path) -> dict[str, str]:
    """Fresh topics on the session broker, created; no worker."""
    env = fresh_env(kafka_bootstrap, tmp_path)
    ensure_topics(settings_from(env), kafka_bootstrap)
    return env


@pytest.mark.integration
def test_publish_of_binary_or_latin1_text_says_what_it_is_and_latin1_goes_with_encoding(topics_env, tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_one_line(run("publish", str(binary), env=topics_env), 2, "looks like binary data")
    latin = tmp_path / "wire.txt"
    latin.write_bytes("Le ministre français a rencontré son homologue allemand à Berlin.".encode("latin-1"))
    assert_one_line(run("publish", str(latin), env=topics_env), 2, "not UTF-8 (byte 0xe7 at offset 16)",
                    "--encoding latin-1")
    published = run("publish", str(latin), "--encoding", "latin-1", env=topics_env)
    assert published.returncode == 0, published.stderr
    line = json.loads(published.stdout)
    assert set(line) == {"id", "topic", "partition", "offset"}
    assert line["topic"] == topics_env["DYADWATCH_TOPIC_ARTICLES"]
    record = json.loads(run("tail", "articles", "--from-beginning", "-n", "1", "--key", line["id"],
                            env=topics_env).stdout)
    assert record["value"]["text"].startswith("Le ministre français")


@pytest.mark.integration
def test_publish_goes_on_past_bad_lines_says_each_as_file_line_and_exits_1(topics_env, tmp_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(b'\xef\xbb\xbf{"id": "ok-1", "text": "Chile and Peru signed a treaty."}\n'
                      b'{"text": \n'
                      b'{"id": "ok-2", "text": "Japan protested to China."}\n'
                      b'{"title": "no text"}\n')
    result = run("publish", str(batch), env=topics_env)
    assert result.returncode == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["ok-1", "ok-2"]
    assert result.stderr.splitlines() == [
        f"{batch}:2: invalid JSON (Expecting value at column 10)",
        f"{batch}:4: no 'text' field; every article needs its text",
    ]
    strict = run("publish", str(batch), "--strict", env=topics_env)
    assert strict.returncode == 1 and len(strict.stdout.splitlines()) == 1


# tail, kcat style


@pytest.mark.integration
def test_tail_of_a_typo_is_one_line_with_a_suggestion_and_exit_2(topics_env):
    assert_one_line(run("tail", "alert", env=topics_env), 2, "no topic or role 'alert'", "did you mean 'alerts'?")


@pytest.mark.integration
def test_tail_gives_partition_offset_timestamp_and_key_in_json_and_in_a_kcat_format(topics_env, tmp_path):
    batch = tmp_path / "three.jsonl"
    batch.write_text("".join(json.dumps({"text": f"Kenya and Ethiopia signed water agreement {n}."}) + "\n"
                             for n in range(3)))
    assert run("publish", str(batch), env=topics_env).returncode == 0
    lines = run("tail", "articles", "--from-beginning", "-n", "2", env=topics_env).stdout.splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert set(record) == {"topic", "partition", "offset", "timestamp", "key", "value"}
    assert record["key"].startswith("sha256:") and record["timestamp"].endswith("Z")
    formatted = run("tail", "articles", "--from-beginning", "-n", "3", "--format", "%t|%p|%o|%k|%S",
                    env=topics_env).stdout.splitlines()
    assert len(formatted) == 3 and all(line.split("|")[0] == topics_env["DYADWATCH_TOPIC_ARTICLES"]
                                       for line in formatted)
    assert len({(line.split("|")[1], line.split("|")[2]) for line in formatted}) == 3


@pytest.mark.integration
def test_tail_follow_does_not_stop_when_the_topic_is_idle(topics_env):
    proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "tail", "alerts", "--follow", "--timeout", "1"],
                            env={**os.environ, **topics_env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(6)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
    finally:
        proc.terminate()
        proc.wait(30)
    idle = run("tail", "alerts", "--timeout", "1", env=topics_env)
    assert idle.returncode == 0 and idle.stdout == ""


# relations: a table on a terminal, JSON lines in a pipe


def _publish_states(env: dict[str, str], states: list[RelationState]) -> None:
    settings = settings_from(env)
    producer = make_producer(settings, env["DYADWATCH_KAFKA_BOOTSTRAP"])
    for state in states:
        producer.send(settings.topic_relations, key=state.dyad.encode(), value=state.model_dump_json().encode())
    producer.flush()
    producer.close()


def _state(a: str, b: str, score: float, band: str, events: int) -> RelationState:
    from datetime import UTC, datetime

    t = datetime(2026, 3, 1, 12, tzinfo=UTC)
    return RelationState(dyad=f"{a}|{b}", actor_a=a, actor_b=b, score=score, band=band, trend=score,  # type: ignore[arg-type]
                         first_seen=t, last_seen=t, article_count=2, event_count=events)


@pytest.mark.integration
def test_relations_is_a_table_with_names_on_a_terminal_and_json_lines_in_a_pipe(topics_env):
    _publish_states(topics_env, [_state("CHN", "IRN", 4.04, "cooperative", 11), _state("RUS", "UKR", -10, "hostile", 2),
                                 _state("CHN", "IRN", 4.5, "cooperative", 12)])
    code, screen, _ = on_terminal("relations", env=topics_env)
    assert code == 0
    rows = [line for line in screen.splitlines() if "–" in line]
    assert rows[0].split()[:6] == ["CHN–IRN", "China", "–", "Iran", "+4.50", "cooperative"], screen
    assert any(re.match(r"RUS–UKR\s+Russia – Ukraine\s+-10\.00\s+hostile\s", line) for line in rows), screen
    assert "{" not in screen
    piped = run("relations", env=topics_env)
    dyads = [json.loads(line)["dyad"] for line in piped.stdout.splitlines()]
    assert sorted(dyads) == ["CHN|IRN", "RUS|UKR"]
    assert "applied" not in piped.stdout and "recent_alert_ids" not in piped.stdout
    ukraine = run("relations", "--actor", "ukr", env=topics_env).stdout.splitlines()
    assert [json.loads(line)["dyad"] for line in ukraine] == ["RUS|UKR"]


@pytest.mark.integration
def test_relations_leaves_out_a_state_of_another_version_and_says_so(topics_env):
    _publish_states(topics_env, [_state("CHN", "IRN", 4.04, "cooperative", 11)])
    settings = settings_from(topics_env)
    producer = make_producer(settings, topics_env["DYADWATCH_KAFKA_BOOTSTRAP"])
    producer.send(settings.topic_relations, key=b"RUS|UKR",
                  value=b'{"dyad": "RUS|UKR", "applied_events": {}, "forgotten_through": null}')
    producer.flush()
    producer.close()
    result = run("relations", env=topics_env)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert [json.loads(line)["dyad"] for line in result.stdout.splitlines()] == ["CHN|IRN"]
    assert "1 dyads on" in result.stderr and "older dyadwatch" in result.stderr


# export: the events, once each, for pandas, R or a spreadsheet


def _enriched(article_id: str, url: str) -> EnrichedArticle:
    from datetime import UTC, datetime

    sentence = "Russia and Ukraine signed a grain deal in Istanbul, the ministry said."
    relations = [Relation(source=s, target=t, cameo="057", root=5, quad_class=1, goldstein=8.0, confidence=0.9,
                          sentence=sentence, span=(0, len(sentence))) for s, t in (("RUS", "UKR"), ("UKR", "RUS"))]
    return EnrichedArticle(article_id=article_id, url=url, actors=["RUS", "UKR"], relations=relations,
                           published_at=datetime(2026, 3, 2, 9, tzinfo=UTC), extractor_version="test")


@pytest.mark.integration
def test_export_writes_each_event_once_with_names_labels_and_the_article_url(topics_env, tmp_path):
    import pyarrow.parquet as pq

    settings = settings_from(topics_env)
    producer = make_producer(settings, topics_env["DYADWATCH_KAFKA_BOOTSTRAP"])
    for _ in range(2):  # the same article delivered twice: its events are exported once
        for out in outputs_for(_enriched("swap-1", "https://news.example/swap")):
            producer.send(settings.topics[out.role], key=out.key.encode() if out.key else None, value=out.value)
    producer.flush()
    producer.close()
    csv_out = run("export", "events", "--since", "2026-03-01", env=topics_env)
    assert csv_out.returncode == 0, csv_out.stderr
    header, *rows = csv_out.stdout.splitlines()
    assert header.startswith("date,event_time,source_code,source_name,")
    assert len(rows) == 2 and rows[0].startswith("2026-03-02,2026-03-02T09:00:00Z,")
    assert ",RUS,Russia,,UKR,Ukraine,,057,Sign formal agreement,5,1,8.0,asserted,0.9,swap-1," in csv_out.stdout
    assert "https://news.example/swap" in csv_out.stdout
    assert "2 events written to stdout (csv)" in csv_out.stderr
    parquet = tmp_path / "events.parquet"
    assert run("export", "events", "-o", str(parquet), env=topics_env).returncode == 0
    table = pq.read_table(parquet)
    assert table.num_rows == 2 and set(table.column("source_code").to_pylist()) == {"RUS", "UKR"}
    later = run("export", "events", "--since", "2026-03-03", "--format", "jsonl", env=topics_env)
    assert later.returncode == 0 and later.stdout == ""
    assert_one_line(run("export", "events", "--since", "last tuesday", env=topics_env), 2, "--since 'last tuesday'")


# extract: the core alone, no Kafka


def test_extract_on_a_terminal_prints_one_line_per_event_with_its_cameo_label_and_goldstein(tmp_path):
    code, screen, stderr = on_terminal("extract", str(SAMPLE), env=no_broker_env(tmp_path))
    assert code == 0, stderr
    assert re.search(r"China -> Iran\s+0312 express intent to cooperate militarily.*\(\+5\.2\)\s+'China and Iran",
                     screen), screen
    assert "Stances" in screen and "Iran opposes Russia" in screen and '"article_id"' not in screen


def test_extract_jsonl_goes_on_past_bad_lines_and_strict_stops_at_the_first(tmp_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"id": "a", "text": "Chile and Peru signed a treaty."}\n{"id": "b", "text": ""}\n'
                     'not json\n{"id": "c", "text": "Japan protested to China."}\n')
    result = run("extract", str(batch), env=no_broker_env(tmp_path), inherit=False)
    assert result.returncode == 1
    assert [EnrichedArticle.model_validate_json(line).article_id for line in result.stdout.splitlines()] == ["a", "c"]
    assert result.stderr.splitlines()[:2] == [
        f"{batch}:2: text: text is empty: an article needs some text to analyse",
        f"{batch}:3: invalid JSON (Expecting value at column 1)",
    ]
    strict = run("extract", str(batch), "--strict", env=no_broker_env(tmp_path), inherit=False)
    assert strict.returncode == 1
    assert [json.loads(line)["article_id"] for line in strict.stdout.splitlines()] == ["a"]
    assert "(--strict: stopped there)" in strict.stderr


def test_extract_jsonl_answers_each_line_before_the_next_is_written(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "extract", "-", "--jsonl", "--batch-size", "1"],
                            env=no_broker_env(tmp_path), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for n, text in enumerate(["Chile and Peru signed a treaty.", "Japan protested to China."]):
            proc.stdin.write(json.dumps({"id": f"line-{n}", "text": text}).encode() + b"\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 120)
            assert ready, "no output for a line while the input stays open: the input is not streamed"
            assert json.loads(proc.stdout.readline())["article_id"] == f"line-{n}"
    finally:
        proc.stdin.close()
        proc.wait(60)
    assert proc.returncode == 0


def test_tab_completion_offers_commands_topic_roles_and_options(tmp_path):
    def complete(words: str) -> list[str]:
        env = {**no_broker_env(tmp_path), "_DYADWATCH_COMPLETE": "bash_complete", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - 1)}
        return [line.split(",", 1)[1] for line in run(env=env, inherit=False).stdout.splitlines()]

    assert complete("dyadwatch ta") == ["tail"]
    assert complete("dyadwatch tail al") == ["alerts"]
    assert complete("dyadwatch tail alerts --fo") == ["--follow", "--format"]
    assert "_DYADWATCH_COMPLETE=bash_complete" in run("completion", "bash", env=no_broker_env(tmp_path),
                                                      inherit=False).stdout


def test_version_and_verbose_anywhere(tmp_path):
    env = no_broker_env(tmp_path)
    assert run("--version", env=env, inherit=False).stdout.startswith("dyadwatch ")
    # without -v the same command says one line (test_a_broker_that_does_not_answer_...)
    loud = run("relations", "--bootstrap", "127.0.0.1:9", "-v", env=env, inherit=False, timeout=60)
    assert "DEBUG kafka" in loud.stderr and loud.returncode == 69

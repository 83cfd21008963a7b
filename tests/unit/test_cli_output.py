"""Unit: what the command line shows people and programs (tables, lines, kcat formats, export rows, help)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from rich.console import Console

from streams.cli import cli
from streams.core.export import COLUMN_NAMES, event_row
from streams.core.models import EnrichedArticle, Relation, RelationEvent, RelationState, Stance
from streams.exports import write_csv, write_jsonl, write_parquet
from streams.kafka.clients import Record
from streams.terminal import article_summary, kcat_format, record_json, record_line, relations_table

NAMES = {"CHN": "China", "IRN": "Iran", "NATO": "North Atlantic Treaty Organization", "RUS": "Russia"}.get
T = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def name(code: str) -> str:
    return NAMES(code) or code


def rendered(renderable: object, width: int = 120) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


def relation(source: str, target: str, cameo: str, goldstein: float, sentence: str, quad: int = 1) -> Relation:
    return Relation(source=source, target=target, cameo=cameo, root=int(cameo[:2]), quad_class=quad,  # type: ignore[arg-type]
                    goldstein=goldstein, confidence=0.9, sentence=sentence, span=(0, len(sentence)))


def state(a: str, b: str, score: float, band: str, events: int, thin: bool = False) -> RelationState:
    return RelationState(dyad=f"{a}|{b}", actor_a=a, actor_b=b, score=score, band=band, trend=score,  # type: ignore[arg-type]
                         first_seen=T, last_seen=T, article_count=1, event_count=events, happening_count=events // 2,
                         thin=thin)


def test_an_article_reads_as_one_line_per_event_with_names_cameo_label_and_goldstein():
    sentence = "China and Iran have agreed to increase defense cooperation, including more drills."
    enriched = EnrichedArticle(
        article_id="a1", title="Drills", actors=["CHN", "IRN"], extractor_version="t",
        relations=[relation("CHN", "IRN", "0312", 5.2, sentence)],
        stances=[Stance(holder="IRN", polarity="oppose", target="RUS", topic="the invasion", sentence="Iran opposes.",
                        span=(0, 13), confidence=0.8)],
    )
    text = rendered(article_summary(enriched, name, 140), 140)
    assert "China -> Iran  0312 express intent to cooperate militarily  (+5.2)  'China and Iran have agreed" in text
    assert "Iran opposes Russia on the invasion  'Iran opposes.'" in text
    assert text.splitlines()[0].startswith("Drills  a1")


def test_the_relations_table_fits_a_narrow_terminal_by_shortening_names_and_dropping_the_least_needed_columns():
    states = [state("CHN", "NATO", -2.0, "tense", 1, thin=True), state("CHN", "IRN", 4.04, "cooperative", 11)]
    wide = rendered(relations_table(states, name, 160), 160)
    assert "China – North Atlantic Treaty Organization" in wide and "A→B" in wide and "Last event" in wide
    narrow = rendered(relations_table(states, name, 60), 60)
    assert all(len(line) <= 60 for line in narrow.splitlines())
    assert "tense thin" in wide and "Mentions" in wide
    assert "A→B" not in narrow and "+4.04" in narrow and "cooperative" in narrow and " 5 " in narrow
    assert "China – No…" in narrow or "China – Nor…" in narrow


def test_kcat_format_tokens_give_where_a_record_is_and_what_it_holds():
    record = Record("alerts", 3, 17, 1_772_366_400_000, b"CHN|IRN", b'{"kind": "watch"}')
    assert kcat_format("%t[%p]@%o %T %k %s")(record) == 'alerts[3]@17 1772366400000 CHN|IRN {"kind": "watch"}\n'
    assert kcat_format("%K %S\\t%%\\n")(record) == "7 17\t%\n"
    assert kcat_format("%k")(Record("t", 0, 0, None, None, None)) == "\n"


def test_a_json_record_carries_topic_partition_offset_timestamp_key_and_the_parsed_value():
    line = json.loads(record_json(Record("alerts", 3, 17, 1_772_366_400_000, b"CHN|IRN", b'{"kind": "watch"}')))
    assert line == {"topic": "alerts", "partition": 3, "offset": 17, "timestamp": "2026-03-01T12:00:00.000Z",
                    "key": "CHN|IRN", "value": {"kind": "watch"}}
    assert json.loads(record_json(Record("t", 0, 1, None, None, b"\xff not json")))["value"] == "\ufffd not json"


def test_a_record_line_summarises_a_relation_state_by_names_and_band():
    value = state("CHN", "IRN", 4.04, "cooperative", 11).model_dump_json().encode()
    text = rendered(record_line(Record("relations", 1, 5, 1_772_366_400_000, b"CHN|IRN", value), "relations", name))
    assert text.startswith("relations[1]@5 2026-03-01 12:00:00 CHN|IRN  China – Iran  +4.04 cooperative  "
                           "5 events (11 mentions) in 1 articles")


def _event(article: str, index: int) -> RelationEvent:
    return RelationEvent(dyad="CHN|IRN", article_id=article, event_index=index, event_time=T,
                         relation=relation("CHN", "IRN", "042", 1.9, "Wei visited\nTehran."))


def test_an_exported_event_is_one_flat_gdelt_like_row():
    row = event_row(_event("a1", 4), name, "https://news.example/a1")
    assert tuple(row) == COLUMN_NAMES
    assert row["date"].isoformat() == "2026-03-01"  # type: ignore[union-attr]
    assert (row["source_code"], row["source_name"], row["target_name"]) == ("CHN", "China", "Iran")
    assert (row["cameo_code"], row["cameo_label"], row["cameo_root"]) == ("042", "Make a visit", 4)
    assert row["quad_class"] == 1
    assert row["sentence"] == "Wei visited Tehran." and row["url"] == "https://news.example/a1"


def test_csv_jsonl_and_parquet_hold_the_same_rows_with_typed_columns(tmp_path):
    import pyarrow.parquet as pq

    rows = [event_row(_event("a1", i), name, None) for i in range(3)]
    text = io.StringIO()
    assert write_csv(iter(rows), text) == 3
    parsed = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert parsed[0]["cameo_code"] == "042" and parsed[0]["url"] == "" and parsed[2]["event_index"] == "2"
    lines = io.StringIO()
    write_jsonl(iter(rows), lines)
    assert json.loads(lines.getvalue().splitlines()[1])["event_time"] == "2026-03-01T12:00:00Z"
    path = tmp_path / "e.parquet"
    with path.open("wb") as handle:
        assert write_parquet(iter(rows), handle) == 3
    table = pq.read_table(path)
    assert table.column_names == list(COLUMN_NAMES)
    assert str(table.schema.field("date").type) == "date32[day]"
    assert table.column("goldstein").to_pylist() == [1.9, 1.9, 1.9]


def test_an_empty_export_still_has_its_columns(tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "e.parquet"
    with path.open("wb") as handle:
        assert write_parquet(iter([]), handle) == 0
    assert pq.read_table(path).column_names == list(COLUMN_NAMES)


COMMANDS = [["kafka", "start"], ["kafka", "stop"], ["kafka", "status"], ["worker"], ["topics"], ["publish"],
            ["tail"], ["relations"], ["extract"], ["export", "events"], ["schemas"], ["completion"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example_and_the_common_options(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Examples:" in result.output and "dyadwatch " in result.output.split("Examples:")[1]
    assert "-v, --verbose" in result.output and "--json" in result.output


def test_help_shows_the_defaults():
    tail_help = CliRunner().invoke(cli, ["tail", "--help"], terminal_width=200).output
    assert "[default: 10.0" in tail_help
    assert "$DYADWATCH_KAFKA_BOOTSTRAP" in tail_help


def test_verbose_works_before_and_after_the_command():
    for argv in (["-v", "schemas", "--check"], ["schemas", "--check", "-v"]):
        result = CliRunner().invoke(cli, argv)
        assert "No such option" not in result.output


def test_completion_scripts_call_back_into_dyadwatch():
    for shell in ("bash", "zsh", "fish"):
        result = CliRunner().invoke(cli, ["completion", shell])
        assert result.exit_code == 0 and "_DYADWATCH_COMPLETE" in result.output, shell


def test_a_failed_bootstrap_is_explained_by_what_kafka_python_logged():
    from streams.kafka.clients import _bootstrap_reason

    refused = ["Connection failed: KafkaConnectionError: 111 ECONNREFUSED",
               "Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: 111 ECONNREFUSED (backoff 0.12 secs)",
               "Bootstrap failed: KafkaTimeoutError: Unable to bootstrap from 127.0.0.1:9"]
    assert _bootstrap_reason(refused) == "KafkaConnectionError: 111 ECONNREFUSED"
    auth = [*refused[:1], "Bootstrap connection to bootstrap-0 failed: SaslAuthenticationFailedError: "
            "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256"]
    assert "invalid credentials" in (_bootstrap_reason(auth) or "")
    assert _bootstrap_reason([]) is None

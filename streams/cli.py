"""Shell layer: the `dyadwatch` command line. Tables for people on a terminal, JSON lines for programs.

Exit codes: 0 done; 1 done, but some inputs failed (each said on stderr) or a check failed; 2 a usage or
input error (bad option, missing or unreadable file, unknown topic); 69 no Kafka broker to talk to
(EX_UNAVAILABLE); 130 interrupted.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any, TypeVar

import click
from rich.console import Console

from streams.settings import Settings

SCHEMA_DIR = Path("schemas")
EXIT_FAILED, EXIT_USAGE, EXIT_NO_BROKER, EXIT_INTERRUPTED = 1, 2, 69, 130
JSONL_SUFFIXES = (".jsonl", ".ndjson")
ROLES = ("articles", "enriched", "deadletter", "stances", "relation_events", "relations", "alerts")

F = TypeVar("F", bound=Callable[..., Any])


class Failure(click.ClickException):
    """A user error: one line on stderr that says what to do, and an exit code; never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"dyadwatch: {self.message}", err=True)


def _package_version() -> str:
    try:
        return version("dyadwatch")
    except PackageNotFoundError:
        return "0+unknown"


# output: people or programs


@dataclass
class Ui:
    """Where output goes and in which form: JSON lines unless stdout is a terminal (or --human is given)."""

    json: bool
    out: Console
    err: Console

    def line(self, record: dict[str, Any] | str) -> None:
        """One JSON line on stdout (a str is written as it is: it already is JSON)."""
        sys.stdout.write((record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)) + "\n")
        sys.stdout.flush()

    def problem(self, message: str) -> None:
        """A problem with one input, on stderr, as it happens."""
        self.err.print(message, style="yellow", markup=False, highlight=False, soft_wrap=True)


def _meta() -> dict[str, Any]:
    return click.get_current_context().find_root().meta


def ui() -> Ui:
    meta = _meta()
    as_json = bool(meta.get("json")) or (not meta.get("human") and not sys.stdout.isatty())
    return Ui(
        json=as_json,
        out=Console(highlight=False, soft_wrap=False),
        err=Console(stderr=True, highlight=False),
    )


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def store(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        meta = ctx.find_root().meta
        if value or name not in meta:
            meta[name] = value

    return store


def common(f: F) -> F:
    """-v, --json and --human on every command and group, so they work anywhere on the line."""
    f = click.option("-v", "--verbose", is_flag=True, expose_value=False, is_eager=True,
                     callback=_remember("verbose"), help="Log debug output (works anywhere on the line).")(f)
    f = click.option("--json", is_flag=True, expose_value=False, callback=_remember("json"),
                     help="JSON lines for programs (the default when stdout is not a terminal).")(f)
    f = click.option("--human", is_flag=True, expose_value=False, callback=_remember("human"),
                     help="Tables and lines for people even when stdout is not a terminal (e.g. into less -R).")(f)
    return f


def bootstrap_option(f: F) -> F:
    return click.option(
        "--bootstrap", "-b", metavar="HOST:PORT[,...]", default=None, show_default=False,
        help="Kafka to talk to. [default: $DYADWATCH_KAFKA_BOOTSTRAP, else the local Kafka when it runs]",
    )(f)


def settings(**overrides: Any) -> Settings:
    """The one Settings object, with what the command line gave (None means: not given)."""
    from pydantic import ValidationError

    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise Failure(f"configuration: {'; '.join(_setting_problem(e, given) for e in exc.errors())}") from None


OPTION_OF_SETTING = {"kafka_bootstrap": "--bootstrap", "web_port": "--web-port", "web_enabled": "--no-web"}


def _setting_problem(error: Any, given: dict[str, Any]) -> str:
    field = str(error["loc"][0]) if error["loc"] else ""
    source = OPTION_OF_SETTING.get(field, f"--{field}") if field in given else f"DYADWATCH_{field.upper()}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if field in given:
        message = message.replace(f"DYADWATCH_{field.upper()}", source)
    return message if source in message else f"{source}: {message}"


def client_bootstrap(s: Settings) -> str:
    """The broker of a command that never starts one (publish, tail, relations, topics, export)."""
    from streams.kafka.bootstrap import client_bootstrap as resolve

    return resolve(s)


def topic_name(s: Settings, name: str) -> str:
    """A role ('alerts', 'enriched') or a default topic name maps to the configured name; others pass through."""
    by_default = dict(zip(Settings.model_construct().topics.values(), s.topics.values(), strict=True))
    return s.topics.get(name) or s.topics.get(name.replace("-", "_")) or by_default.get(name) or name


def actor_name() -> Callable[[str], str]:
    from streams.core.names import actor_name as name

    return name


class DyadwatchCommand(click.Command):
    """Sets up logging from -v, then runs the command; known user errors become one line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        verbose = bool(ctx.find_root().meta.get("verbose"))
        logging.basicConfig(
            level=logging.DEBUG if verbose else logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
        )
        logging.getLogger("streams").setLevel(logging.DEBUG if verbose else logging.INFO)
        # kafka-python logs every failed connection attempt; the command says what failed in one line instead
        # (the clients read its warnings to name the reason, so they are made, but not printed).
        kafka_log = logging.getLogger("kafka")
        kafka_log.setLevel(logging.DEBUG if verbose else logging.WARNING)
        kafka_log.propagate = verbose
        with _user_errors():
            return super().invoke(ctx)


class DyadwatchGroup(click.Group):
    command_class = DyadwatchCommand
    group_class = type


class _user_errors:
    """Known failures of the user's input or setup, turned into Failure (one line, no traceback)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _tb: object) -> bool:
        if exc is None or isinstance(exc, click.exceptions.ClickException | click.exceptions.Exit):
            return False
        from kafka.errors import KafkaError

        from streams.core.inputs import InputError
        from streams.kafka.admin import TopologyMismatch
        from streams.kafka.bootstrap import NoBroker
        from streams.kafka.local import KafkaLauncherError

        if isinstance(exc, InputError | TopologyMismatch):
            raise Failure(str(exc), EXIT_USAGE) from None
        if isinstance(exc, NoBroker):
            raise Failure(str(exc), EXIT_NO_BROKER) from None
        if isinstance(exc, KafkaLauncherError | TimeoutError):
            raise Failure(str(exc), EXIT_FAILED) from None
        if isinstance(exc, KafkaError):
            raise Failure(f"Kafka said {type(exc).__name__}: {exc}", EXIT_FAILED) from None
        return False


CONTEXT = {"help_option_names": ["-h", "--help"], "show_default": True, "max_content_width": 110}


def _example(*lines: str) -> str:
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


@click.group(cls=DyadwatchGroup, context_settings=CONTEXT, epilog=_example(
    "make run                                   # local Kafka, worker, the sample article",
    "dyadwatch publish story.txt                # one article",
    "dyadwatch tail alerts --from-beginning     # what the worker raised",
    "dyadwatch relations                        # the table",
    'eval "$(dyadwatch completion bash)"        # tab completion',
))
@click.version_option(_package_version(), "-V", "--version", prog_name="dyadwatch", message="%(prog)s %(version)s")
@common
def cli() -> None:
    """Who did what to whom, per article: a geopolitical news stream processor on Kafka.

    Tables for people on a terminal, JSON lines for programs (--json, or any stdout that is not a terminal).
    Settings come from DYADWATCH_* environment variables (README, Configuration); options override them.
    """


# kafka


@cli.group(cls=DyadwatchGroup, epilog=_example("dyadwatch kafka start", "dyadwatch kafka status --json"))
@common
def kafka() -> None:
    """The embedded local Apache Kafka (KRaft, one node) in $DYADWATCH_DATA_DIR/kafka."""


def _local_kafka(port: int | None = None):  # type: ignore[no-untyped-def]
    from streams.kafka.local import LocalKafka

    return LocalKafka(settings().kafka_dir, port=port)


@kafka.command("start", epilog=_example("dyadwatch kafka start --port 9092"))
@click.option("--port", type=click.IntRange(1, 65535), default=None, show_default=False,
              help="Broker port. [default: a free one, then kept for this data directory]")
@common
def kafka_start(port: int | None) -> None:
    """Start the local Kafka (or find it running) and print its address."""
    out = ui()
    local = _local_kafka(port)
    if not out.json:
        with out.err.status("starting the local Kafka (the first start fetches its jars with Maven)…"):
            bootstrap = local.start()
        status = local.status()
        out.out.print(f"local Kafka {status['version']} running at [bold]{bootstrap}[/] (pid {status['pid']}); "
                      f"data in {status['data_dir']}")
    else:
        local.start()
        out.line(local.status())


@kafka.command("stop", epilog=_example("dyadwatch kafka stop"))
@common
def kafka_stop() -> None:
    """Stop the local Kafka."""
    out = ui()
    stopped = _local_kafka().stop()
    if out.json:
        out.line({"stopped": stopped})
    else:
        out.out.print("stopped" if stopped else "not running")


@kafka.command("status", epilog=_example("dyadwatch kafka status"))
@common
def kafka_status() -> None:
    """Whether the local Kafka runs, where, and where its data and log are."""
    out = ui()
    status = _local_kafka().status()
    if out.json:
        out.line(status)
    else:
        for key, value in status.items():
            out.out.print(f"{key}: {value}", markup=False)


# worker and topics


@cli.command(epilog=_example("dyadwatch worker", "dyadwatch worker --processes 2 --web-port 6070"))
@click.option("--no-web", is_flag=True, help="Do not serve the web view.")
@click.option("--web-port", type=click.IntRange(1, 65535), default=None, show_default=False,
              help="Port of the web view. [default: $DYADWATCH_WEB_PORT, 6066]")
@click.option("--processes", type=click.IntRange(0), default=None, metavar="N", show_default=False,
              help="Worker processes in one group, e.g. one per core (0 = one per core). "
                   "[default: $DYADWATCH_WORKERS, 1]")
@bootstrap_option
@common
def worker(no_web: bool, web_port: int | None, processes: int | None, bootstrap: str | None) -> int:
    """Run the Faust worker: enrich articles, keep the relations table, raise alerts, serve the web view.

    Starts the embedded local Kafka when no broker is configured. Runs until Ctrl-C or SIGTERM.
    """
    from streams.kafka.bootstrap import resolve_bootstrap
    from streams.worker import run_worker, run_workers

    s = settings(kafka_bootstrap=bootstrap, web_enabled=False if no_web else None, web_port=web_port)
    count = processes if processes is not None else s.workers
    count = count or os.cpu_count() or 1
    if count > 1 and s.table_store == "rocksdb://":
        # Faust keeps one RocksDB store per table partition under the data dir; processes sharing it would take
        # each other's partition stores (Faust itself advises one data dir per worker).
        raise Failure(f"DYADWATCH_TABLE_STORE=rocksdb:// keeps the table under DYADWATCH_DATA_DIR, which {count} "
                      "worker processes cannot share: run one worker per data dir (one per pod), or use memory://")
    if s.web_enabled:
        for port in range(s.web_port, s.web_port + count):
            _check_port_free(s.web_host, port)
    if count > 1:
        return run_workers(s, resolve_bootstrap(s), count)
    run_worker(s, resolve_bootstrap(s))
    return 0


def _check_port_free(host: str, port: int) -> None:
    """The web view's port must be free before the worker starts: Faust would fail deep in its start."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds: TIME_WAIT is no conflict
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise Failure(f"cannot serve the web view on {host}:{port} ({exc.strerror}; another worker's view?): "
                          "pass --web-port N, or --no-web") from None


@cli.command(epilog=_example("dyadwatch topics", "DYADWATCH_PARTITIONS=12 dyadwatch topics --bootstrap kafka:9092"))
@bootstrap_option
@common
def topics(bootstrap: str | None) -> None:
    """Create every topic with its partitions and cleanup policy (a one-shot job; existing ones are checked)."""
    from streams.kafka.admin import ensure_topics
    from streams.kafka.clients import existing_topics
    from streams.topology import topic_specs

    out = ui()
    s = settings(kafka_bootstrap=bootstrap)
    address = client_bootstrap(s)
    existing_topics(s, address)
    created = set(ensure_topics(s, address))
    specs = topic_specs(s)
    if out.json:
        for spec in specs:
            out.line({"topic": spec.name, "role": spec.role, "partitions": spec.partitions,
                      "cleanup_policy": spec.cleanup_policy, "created": spec.name in created})
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("topic", "role", "partitions", "cleanup", "key → value", ""):
        table.add_column(column)
    for spec in specs:
        table.add_row(spec.name, spec.role, str(spec.partitions), spec.cleanup_policy, f"{spec.key} → {spec.value}",
                      "[green]created[/]" if spec.name in created else "[dim]exists[/]")
    out.out.print(table)
    out.out.print(f"{len(created)} created, {len(specs) - len(created)} already there, on {address}")


# reading files


def _open_input(path: str, max_bytes: int | None = None) -> tuple[IO[bytes], int | None]:
    """A binary stream of the input ('-' is stdin) and its size when known; missing files and folders are one
    clear line, and so is a one-article file (.txt, .json) larger than max_bytes."""
    from streams.core.inputs import InputError

    if path == "-":
        return sys.stdin.buffer, None
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{path}: is a folder; name the files in it (e.g. {path}/*.txt)")
    try:
        handle = p.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    size = p.stat().st_size
    one_article = p.suffix.lower() not in JSONL_SUFFIXES
    if max_bytes is not None and one_article and size > max_bytes:
        handle.close()
        raise InputError(
            f"{path}: {size:,} bytes, over the {max_bytes:,}-byte Kafka message limit (DYADWATCH_MAX_MESSAGE_BYTES) "
            "for one article; an article's text may hold at most 1 MB anyway (a separate limit): split it, or "
            "put many articles in a .jsonl file (one per line)"
        )
    return handle, size


def _input_kind(path: str, handle: IO[bytes], jsonl: bool) -> tuple[str, IO[bytes]]:
    """'jsonl', 'json' or 'txt' by suffix (stdin: JSON lines when it starts with '{'), and the stream to read."""
    if jsonl:
        return "jsonl", handle
    suffix = Path(path).suffix.lower()
    if path != "-":
        return ("jsonl" if suffix in JSONL_SUFFIXES else "json" if suffix == ".json" else "txt"), handle
    import io

    buffered = io.BufferedReader(handle) if not isinstance(handle, io.BufferedReader) else handle  # type: ignore[arg-type]
    head = buffered.peek(4096).lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
    return ("jsonl" if head.startswith(b"{") else "txt"), buffered


@dataclass
class InputReport:
    """What reading the inputs met: articles read, bad lines (each already said on stderr), a --strict stop."""

    read: int = 0
    failed: int = 0
    stopped: bool = False


def _articles(paths: list[str], encoding: str | None, strict: bool, report: InputReport, out: Ui,
              jsonl: bool = False, progress: Callable[[int], None] | None = None,
              max_bytes: int | None = None) -> Iterator[Any]:
    """Articles from every input, one at a time: a bad line is said on stderr as FILE:LINE: reason and skipped
    (--strict: reading stops there); a file that cannot be read at all is an InputError."""
    from streams.core.inputs import InputError, article_lines, articles_from_text, decode_text

    for path in paths:
        handle, _size = _open_input(path, None if path == "-" else max_bytes)
        with handle if path != "-" else nullcontext():
            kind, stream = _input_kind(path, handle, jsonl)
            name = "stdin" if path == "-" else path
            if kind == "jsonl":
                lines = _counted(stream, progress)
                for item in article_lines(name, lines, encoding):
                    if isinstance(item, InputError):
                        report.failed += 1
                        out.problem(str(item))
                        if strict:
                            report.stopped = True
                            return
                        continue
                    report.read += 1
                    yield item
            else:
                data = stream.read()
                if progress is not None:
                    progress(len(data))
                text = decode_text(name, data, encoding)
                for article in articles_from_text(path if path != "-" else "stdin.txt", text):
                    report.read += 1
                    yield article


def _counted(stream: IO[bytes], progress: Callable[[int], None] | None) -> Iterator[bytes]:
    for line in stream:
        if progress is not None:
            progress(len(line))
        yield line


def _total_size(paths: list[str]) -> int | None:
    if "-" in paths:
        return None
    try:
        return sum(Path(p).stat().st_size for p in paths)
    except OSError:
        return None


def _progress(out: Ui, total: int | None, what: str):  # type: ignore[no-untyped-def]
    """A progress bar on stderr when stderr is a terminal (and stdout goes elsewhere or is JSON); else nothing."""
    if not out.err.is_terminal:
        return None
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn(what), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                    console=out.err, transient=True)


_encoding_option = click.option(
    "--encoding", default=None, metavar="CODEC", show_default=False,
    help="Read the inputs in this encoding (e.g. latin-1, cp1252). [default: UTF-8; a byte-order mark is dropped]")
_strict_option = click.option("--strict", is_flag=True, help="Stop at the first bad line instead of going on.")


@cli.command(epilog=_example(
    "dyadwatch publish story.txt",
    "dyadwatch publish batch.jsonl --strict",
    "cat story.txt | dyadwatch publish -",
    "dyadwatch publish old-wire.txt --encoding latin-1",
))
@click.argument("paths", nargs=-1, required=True, metavar="PATH...", type=click.Path(allow_dash=True))
@_encoding_option
@_strict_option
@bootstrap_option
@common
def publish(paths: tuple[str, ...], encoding: str | None, strict: bool, bootstrap: str | None) -> int:
    """Publish articles: .txt is one article, .json one, .jsonl one per line, - reads stdin.

    Ids are derived from the content when absent. Bad lines are said on stderr as FILE:LINE: reason and
    skipped; the exit code is then 1.
    """
    from streams.kafka.clients import send_articles

    out = ui()
    s = settings(kafka_bootstrap=bootstrap)
    for path in paths:  # a typo in a file name is said before any broker is looked for
        if path != "-":
            _open_input(path, s.max_message_bytes)[0].close()
    address = client_bootstrap(s)
    report = InputReport()
    articles = _articles(list(paths), encoding, strict, report, out, max_bytes=s.max_message_bytes)
    published = 0
    shown: list[str] = []
    for item in send_articles(s, address, articles):
        if item.error:
            report.failed += 1
            out.problem(f"article {item.article_id}: {item.error}")
            continue
        published += 1
        if out.json:
            out.line({"id": item.article_id, "topic": s.topic_articles, "partition": item.partition,
                      "offset": item.offset})
        elif len(shown) < 10:
            shown.append(item.article_id)
    if not out.json:
        for article_id in shown:
            out.out.print(article_id, markup=False)
        if published > len(shown):
            out.out.print(f"… and {published - len(shown)} more (--json lists every id with its offset)")
        failed = f"; {report.failed} failed (see above)" if report.failed else ""
        out.err.print(f"published {published} article{'s' * (published != 1)} to {s.topic_articles} on "
                      f"{address}{failed}", style="dim")
    return EXIT_FAILED if report.failed else 0


# reading topics


def _resolve_topic(s: Settings, address: str, name: str) -> str:
    from streams.kafka.clients import existing_topics

    topic = topic_name(s, name)
    present = existing_topics(s, address)
    if topic in present:
        return topic
    known = sorted(set(ROLES) | set(s.topics.values()) | {t for t in present if not t.startswith("_")})
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    if name in s.topics or name.replace("-", "_") in s.topics:
        raise Failure(f"topic {topic!r} (role {name}) does not exist yet on {address}: run `dyadwatch topics` "
                      "or start a worker")
    raise Failure(f"no topic or role {name!r} on {address}; {hint}roles: {', '.join(ROLES)}; "
                  f"`dyadwatch topics` lists ours")


def _role_completion(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    return [r for r in ROLES if r.startswith(incomplete)]


@cli.command(epilog=_example(
    "dyadwatch tail alerts --from-beginning",
    "dyadwatch tail enriched -f                          # follow, like tail -f",
    "dyadwatch tail relations --from-beginning -n 5 --json",
    "dyadwatch tail articles --from-beginning --format '%t[%p]@%o %T %k %S bytes'",
    "dyadwatch tail alerts --from-beginning --key 'CHN|IRN'",
))
@click.argument("topic", shell_complete=_role_completion)
@click.option("--from-beginning", is_flag=True, help="Start at the oldest record instead of the newest.")
@click.option("--follow", "-f", is_flag=True, help="Never stop for lack of records (Ctrl-C ends).")
@click.option("--max-messages", "-n", type=click.IntRange(0), default=None, metavar="N", show_default=False,
              help="Exit after N records.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=10.0, metavar="S",
              help="Exit after S seconds without a record (unless --follow).")
@click.option("--key", "-k", default=None, metavar="KEY", show_default=False,
              help="Only records with this key (an article id, a dyad such as CHN|IRN).")
@click.option("--brief", is_flag=True, help="One line per enriched article too (no event lines).")
@click.option("--format", "fmt", default=None, metavar="FMT", show_default=False,
              help="kcat-style format: %t topic, %p partition, %o offset, %k key, %s value, %T timestamp (ms), "
                   "%K/%S key/value length, %h headers, \\n \\t.")
@bootstrap_option
@common
def tail(topic: str, from_beginning: bool, follow: bool, max_messages: int | None, timeout: float,
         key: str | None, brief: bool, fmt: str | None, bootstrap: str | None) -> None:
    """Print a topic's records: TOPIC is a topic name or a role (articles, enriched, deadletter, stances,
    relation_events, relations, alerts).

    On a terminal one line per record (topic[partition]@offset, time, key, a summary; an enriched article
    also gets one line per event and stance); with --json one JSON object per record with topic, partition,
    offset, timestamp, key and value.
    """
    from streams.kafka.clients import consume
    from streams.terminal import (
        enriched_summary,
        kcat_format,
        record_json,
        record_line,
        role_of,
        unknown_format_tokens,
    )

    out = ui()
    if fmt is not None and unknown_format_tokens(fmt):
        raise Failure(f"--format: unknown token(s) {', '.join(unknown_format_tokens(fmt))}; "
                      "use %t %p %o %k %s %T %K %S %h %%")
    s = settings(kafka_bootstrap=bootstrap)
    address = client_bootstrap(s)
    name = _resolve_topic(s, address, topic)
    role = role_of(name, s.topics)
    render = kcat_format(fmt) if fmt is not None else None
    names = actor_name()
    records = consume(s, address, name, from_beginning=from_beginning, idle_timeout=None if follow else timeout,
                      max_messages=max_messages, key=key.encode() if key is not None else None)
    for record in records:
        if render is not None:
            sys.stdout.write(render(record))
            sys.stdout.flush()
        elif out.json:
            out.line(record_json(record))
        else:
            out.out.print(record_line(record, role, names), no_wrap=True, overflow="ellipsis")
            if role == "enriched" and not brief:
                # An enriched article reads best as its events and stances, one line each.
                out.out.print(enriched_summary(record.value, names, out.out.width))


@cli.command(epilog=_example("dyadwatch relations", "dyadwatch relations --actor IRN",
                             "dyadwatch relations --json | jq -r 'select(.band==\"hostile\") | .dyad'"))
@click.option("--actor", default=None, metavar="CODE", show_default=False,
              help="Only dyads with this actor code (e.g. CHN, NATO).")
@click.option("--sort", type=click.Choice(["score", "events", "last", "dyad"]), default="last",
              help="Order of the rows (last: the most recent event first).")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=10.0, metavar="S",
              help="Give up after S seconds without a record while reading the topic to its end.")
@click.option("--full", is_flag=True, help="JSON with the fold's bookkeeping fields too.")
@bootstrap_option
@common
def relations(actor: str | None, sort: str, timeout: float, full: bool, bootstrap: str | None) -> None:
    """The current relations table, read from the compacted relations topic up to its end."""
    from pydantic import ValidationError

    from streams.core.models import RelationState
    from streams.kafka.clients import current_relations
    from streams.terminal import RELATIONS_FOOTNOTE, relations_table

    out = ui()
    s = settings(kafka_bootstrap=bootstrap)
    address = client_bootstrap(s)
    _resolve_topic(s, address, "relations")
    states, unreadable = [], 0
    for value in current_relations(s, address, timeout).values():
        try:
            states.append(RelationState.model_validate_json(value))
        except ValidationError:
            unreadable += 1
    if unreadable:
        out.problem(f"{unreadable} dyads on {s.topic_relations} are not RelationStates of this version (written by "
                    "an older dyadwatch?) and are left out; docs/relations.md says how to upgrade (a new "
                    "DYADWATCH_APP_ID and topics)")
    if actor:
        states = [st for st in states if actor.strip().upper() in (st.actor_a, st.actor_b)]
    order: dict[str, Callable[[RelationState], Any]] = {
        "score": lambda st: -st.score, "events": lambda st: -st.event_count,
        "last": lambda st: -st.last_seen.timestamp(), "dyad": lambda st: st.dyad,
    }
    states.sort(key=lambda st: st.dyad)
    states.sort(key=order[sort])
    if out.json:
        for st in states:
            out.line(st.model_dump_json() if full else st.public_json())
        return
    if not states:
        out.out.print(f"no relations yet on {address}: publish articles (`dyadwatch publish FILE`) and run a worker")
        return
    out.out.print(relations_table(states, actor_name(), out.out.width))
    out.err.print(f"{len(states)} dyads on {address}. {RELATIONS_FOOTNOTE}", style="dim")


# extraction


@cli.command(epilog=_example(
    "dyadwatch extract tests/data/samples/china-iran-defense-cooperation.txt",
    "dyadwatch extract batch.jsonl > enriched.jsonl     # progress on stderr",
    "cat story.txt | dyadwatch extract - --json",
))
@click.argument("path", metavar="FILE", type=click.Path(allow_dash=True))
@click.option("--jsonl", is_flag=True, help="Read FILE as Article JSON lines whatever its suffix.")
@click.option("--batch-size", type=click.IntRange(1), default=32, help="Articles per nlp.pipe batch.")
@_encoding_option
@_strict_option
@common
def extract(path: str, jsonl: bool, batch_size: int, encoding: str | None, strict: bool) -> int:
    """Run the extraction core alone (no Kafka) on a file: .txt one article, .json one, .jsonl one per line.

    JSON lines are read and written one at a time, so memory does not grow with the file. A bad line is said
    on stderr as FILE:LINE: reason and skipped; the exit code is then 1 (--strict stops at the first).
    """
    from itertools import islice

    from streams.core.bounded import BoundedExtractor
    from streams.core.bounds import Refused
    from streams.core.extract import load_extractor
    from streams.nlp import nlp_config
    from streams.terminal import article_summary

    out = ui()
    config = nlp_config(settings())
    bounds, prefilter = config.bounds, config.prefilter
    report = InputReport()
    bar = _progress(out, _total_size([path]), "extracting")
    task = bar.add_task("extracting", total=_total_size([path])) if bar is not None else None
    advance = (lambda n: bar.advance(task, n)) if bar is not None and task is not None else None
    articles = _articles([path], encoding, strict, report, out, jsonl=jsonl, progress=advance)
    if out.json or bar is None:
        extractor = BoundedExtractor(load_extractor(), bounds, batch_size=batch_size, prefilter=prefilter)
    else:
        with out.err.status("loading the spaCy model…"):
            extractor = BoundedExtractor(load_extractor(), bounds, batch_size=batch_size, prefilter=prefilter)
    names = actor_name() if not out.json else None
    refused = 0
    with bar if bar is not None else nullcontext():
        # The worker's bounds (normalised text, token budgets, parts), one batch in memory at a time.
        while batch := list(islice(articles, batch_size)):
            for article, result in zip(batch, extractor.extract_many(batch, datetime.now(UTC)), strict=True):
                if isinstance(result, Refused):
                    refused += 1
                    out.problem(f"article {article.id}: {result.reason} ({result.error_type})")
                elif out.json:
                    out.line(result.model_dump_json())
                else:
                    assert names is not None
                    out.out.print(article_summary(result, names, out.out.width))
                    out.out.print()
    if report.failed or refused:
        stop = " (--strict: stopped there)" if report.stopped else ""
        lines = f", {report.failed} bad lines{stop}" if report.failed else ""
        refusals = f", {refused} refused by the bounds" if refused else ""
        out.err.print(f"{report.read - refused} articles extracted{lines}{refusals}", style="yellow")
        return EXIT_FAILED
    return 0


# export


@cli.group(cls=DyadwatchGroup, epilog=_example("dyadwatch export events --since 2026-03-01 -o march.parquet"))
@common
def export() -> None:
    """Data out for analysts: files for pandas, R or a spreadsheet."""


def _when(text: str | None, option: str) -> datetime | None:
    """ISO 8601 (a date alone is its midnight, no zone is UTC) or a span back from now: 7d, 12h, 30m."""
    if text is None:
        return None
    raw = text.strip()
    units = {"d": "days", "h": "hours", "m": "minutes", "w": "weeks"}
    if raw[:-1].isdigit() and raw[-1:].lower() in units:
        return datetime.now(UTC) - timedelta(**{units[raw[-1].lower()]: int(raw[:-1])})
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise Failure(f"{option} {text!r}: use an ISO date or time (2026-03-01, 2026-03-01T12:00Z) or a span "
                      "back from now (7d, 12h)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@export.command("events", epilog=_example(
    "dyadwatch export events --since 7d -o week.csv",
    "dyadwatch export events --since 2026-03-01 --until 2026-04-01 -o march.parquet",
    "dyadwatch export events --format jsonl | jq -c 'select(.quad_class == 4)'",
))
@click.option("--since", default=None, metavar="WHEN", show_default=False,
              help="Events on or after this time: ISO date/time or 7d, 12h back from now. [default: all kept]")
@click.option("--until", default=None, metavar="WHEN", show_default=False,
              help="Events before this time. [default: no end]")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "jsonl"]), default=None,
              show_default=False, help="File format. [default: by the --output suffix, else csv]")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Where to write (- is stdout; parquet needs a file or a pipe).")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=10.0, metavar="S",
              help="Give up after S seconds without a record while reading the topics to their end.")
@bootstrap_option
@common
def export_events(since: str | None, until: str | None, fmt: str | None, output: str, timeout: float,
                  bootstrap: str | None) -> None:
    """The dyadic events on relation-events, one row each in GDELT-like columns (date, source and target codes
    and names, CAMEO code and label, quad class, Goldstein, mode, confidence, article id, URL, sentence).

    Each event is written once, however often it was delivered. The topic keeps 7 days by default.
    """
    from streams.exports import export_events as run

    out = ui()
    start, end = _when(since, "--since"), _when(until, "--until")
    chosen = fmt or {".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(Path(output).suffix.lower(),
                                                                                      "csv")
    if chosen == "parquet" and output == "-" and sys.stdout.isatty():
        raise Failure("parquet is binary: write it to a file with -o events.parquet (or into a pipe)")
    s = settings(kafka_bootstrap=bootstrap)
    address = client_bootstrap(s)
    for role in ("relation_events", "enriched"):
        _resolve_topic(s, address, role)
    written = run(s, address, chosen, output, start, end, actor_name(), timeout=timeout,
                  progress=out.err if out.err.is_terminal else None)
    where = "stdout" if output == "-" else output
    out.err.print(f"{written:,} events written to {where} ({chosen})", style="dim")


# schemas and completion


@cli.command(epilog=_example("dyadwatch schemas", "dyadwatch schemas --check"))
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=str(SCHEMA_DIR),
              help="Where the schema files go.")
@click.option("--check", is_flag=True, help="Fail (exit 1) when the files differ from the models.")
@common
def schemas(directory: str, check: bool) -> int:
    """Write the JSON Schemas of the message models (schemas/*.schema.json)."""
    from streams.core.schemas import render_schemas

    target = Path(directory)
    rendered = render_schemas()
    if check:
        stale = [
            n for n, text in rendered.items()
            if not (target / n).exists() or (target / n).read_text(encoding="utf-8") != text
        ]
        if stale:
            click.echo(f"dyadwatch: schemas out of date: {', '.join(stale)}; run `dyadwatch schemas`", err=True)
            return EXIT_FAILED
        click.echo("schemas up to date")
        return 0
    target.mkdir(parents=True, exist_ok=True)
    for name, text in rendered.items():
        (target / name).write_text(text, encoding="utf-8")
    click.echo(f"wrote {len(rendered)} schemas to {target}")
    return 0


@cli.command(epilog=_example('eval "$(dyadwatch completion bash)"      # in ~/.bashrc',
                             "dyadwatch completion fish > ~/.config/fish/completions/dyadwatch.fish"))
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@common
def completion(shell: str) -> None:
    """Print the tab-completion script of SHELL (commands, options, topic roles)."""
    from click.shell_completion import get_completion_class

    complete = get_completion_class(shell)
    assert complete is not None
    click.echo(complete(cli, {}, "dyadwatch", "_DYADWATCH_COMPLETE").source())


def main(argv: list[str] | None = None) -> int:
    try:
        result = cli.main(args=argv, prog_name="dyadwatch", standalone_mode=False)
    except click.exceptions.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): nothing more to say; keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())

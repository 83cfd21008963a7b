"""Shell layer: the `dyadwatch` command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from streams.settings import Settings

SCHEMA_DIR = Path("schemas")


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    updates = {}
    if getattr(args, "no_web", False):
        updates["web_enabled"] = False
    if getattr(args, "web_port", None) is not None:
        updates["web_port"] = args.web_port
    return settings.model_copy(update=updates) if updates else settings


def _bootstrap(settings: Settings) -> str:
    from streams.kafka.bootstrap import resolve_bootstrap

    return resolve_bootstrap(settings)


def _topic_name(settings: Settings, name: str) -> str:
    """A role ('alerts', 'enriched') or a default topic name maps to the configured name; others pass through."""
    by_default = dict(zip(Settings.model_construct().topics.values(), settings.topics.values(), strict=True))
    return settings.topics.get(name) or by_default.get(name) or name


def cmd_kafka(args: argparse.Namespace) -> int:
    from streams.kafka.local import LocalKafka

    settings = _settings(args)
    kafka = LocalKafka(settings.kafka_dir, port=args.port)
    if args.action == "start":
        print(kafka.start())
    elif args.action == "stop":
        print("stopped" if kafka.stop() else "not running")
    else:
        status = kafka.status()
        for key, value in status.items():
            print(f"{key}: {value}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from streams.worker import run_worker, run_workers

    settings = _settings(args)
    processes = args.processes if args.processes is not None else settings.workers
    processes = processes or os.cpu_count() or 1
    if processes > 1:
        return run_workers(settings, _bootstrap(settings), processes)
    run_worker(settings, _bootstrap(settings))
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from streams.kafka.admin import ensure_topics

    settings = _settings(args)
    created = ensure_topics(settings, _bootstrap(settings))
    print("created: " + (", ".join(created) if created else "nothing (all topics exist)"))
    return 0


def _read_inputs(paths: list[str]):  # type: ignore[no-untyped-def]
    from streams.core.inputs import articles_from_text

    for path in paths:
        yield from articles_from_text(path, _read_text(path))


def _read_text(path: str) -> str:
    """A file's (or stdin's, for '-') text as UTF-8; an unreadable input is an InputError that names it."""
    from streams.core.inputs import InputError

    try:
        return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror or exc})") from exc


def cmd_publish(args: argparse.Namespace) -> int:
    from streams.kafka.clients import publish_articles

    settings = _settings(args)
    articles = list(_read_inputs(args.paths))
    for article_id in publish_articles(settings, _bootstrap(settings), articles):
        print(article_id)
    return 0


def cmd_tail(args: argparse.Namespace) -> int:
    from streams.kafka.clients import tail

    settings = _settings(args)
    tail(
        settings,
        _bootstrap(settings),
        _topic_name(settings, args.topic),
        from_beginning=args.from_beginning,
        idle_timeout=args.timeout,
    )
    return 0


def cmd_relations(args: argparse.Namespace) -> int:
    from streams.core.models import RelationState
    from streams.kafka.clients import current_relations

    settings = _settings(args)
    for _, value in sorted(current_relations(settings, _bootstrap(settings), args.timeout).items()):
        state = RelationState.model_validate_json(value)
        print(state.public_json() if not args.full else state.model_dump_json())
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime
    from itertools import islice

    from streams.core.bounded import BoundedExtractor
    from streams.core.bounds import Refused
    from streams.core.extract import load_extractor
    from streams.core.inputs import articles_from_text
    from streams.nlp import nlp_config

    content = _read_text(args.path)
    extractor = BoundedExtractor(load_extractor(), nlp_config(_settings(args)).bounds, batch_size=args.batch_size)
    if args.jsonl:
        name = "-.jsonl" if args.path == "-" else args.path
        articles = articles_from_text(name if name.endswith(".jsonl") else name + ".jsonl", content)
    else:
        name = args.path if args.path != "-" else "stdin.txt"
        articles = articles_from_text(name if name.endswith((".json", ".txt")) else name + ".txt", content)
    refused = 0
    while batch := list(islice(articles, args.batch_size)):
        for article, result in zip(batch, extractor.extract_many(batch, datetime.now(UTC)), strict=True):
            if isinstance(result, Refused):
                print(f"dyadwatch: article {article.id}: {result.reason} ({result.error_type})", file=sys.stderr)
                refused += 1
            else:
                sys.stdout.write(result.model_dump_json(indent=None if args.jsonl else 2) + "\n")
    return 1 if refused else 0


def cmd_schemas(args: argparse.Namespace) -> int:
    from streams.core.schemas import render_schemas

    target = Path(args.dir)
    rendered = render_schemas()
    if args.check:
        stale = [
            n
            for n, text in rendered.items()
            if not (target / n).exists() or (target / n).read_text(encoding="utf-8") != text
        ]
        if stale:
            print(f"schemas out of date: {', '.join(stale)}; run `dyadwatch schemas`", file=sys.stderr)
            return 1
        print("schemas up to date")
        return 0
    target.mkdir(parents=True, exist_ok=True)
    for name, text in rendered.items():
        (target / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(rendered)} schemas to {target}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dyadwatch", description="Geopolitical news stream processor on Kafka.")
    p.add_argument("-v", "--verbose", action="store_true", help="log debug output")
    sub = p.add_subparsers(dest="command", required=True)

    k = sub.add_parser("kafka", help="the embedded local Apache Kafka (KRaft, single node)")
    k.add_argument("action", choices=["start", "stop", "status"])
    k.add_argument("--port", type=int, default=None, help="broker port (default: a free one, then kept)")
    k.set_defaults(func=cmd_kafka)

    w = sub.add_parser("worker", help="run the Faust worker (enrich, relations table, alerts, web view)")
    w.add_argument("--no-web", action="store_true", help="do not serve the web view")
    w.add_argument("--web-port", type=int, default=None)
    w.add_argument(
        "--processes",
        type=int,
        default=None,
        metavar="N",
        help="worker processes in one group, e.g. one per core (0 = one per core; default DYADWATCH_WORKERS)",
    )
    w.set_defaults(func=cmd_worker)

    t = sub.add_parser("topics", help="create the topics with their partitions and cleanup policies")
    t.set_defaults(func=cmd_topics)

    pub = sub.add_parser(
        "publish", help="publish articles: .txt (one), .json (one), .jsonl (many), - (stdin)"
    )
    pub.add_argument("paths", nargs="+", metavar="PATH")
    pub.set_defaults(func=cmd_publish)

    tl = sub.add_parser("tail", help="print a topic's records as JSON lines")
    tl.add_argument(
        "topic", help="topic name or role: articles, enriched, deadletter, stances, relations, alerts"
    )
    tl.add_argument("--from-beginning", action="store_true")
    tl.add_argument("--timeout", type=float, default=10.0, help="exit after this many idle seconds")
    tl.set_defaults(func=cmd_tail)

    r = sub.add_parser("relations", help="print the current relations table (compacted topic) as JSON lines")
    r.add_argument("--timeout", type=float, default=3.0, help="idle seconds that end the read")
    r.add_argument("--full", action="store_true", help="include the fold's bookkeeping fields")
    r.set_defaults(func=cmd_relations)

    e = sub.add_parser("extract", help="run the extraction core on a text file (no Kafka)")
    e.add_argument("path", metavar="FILE", help="a text file, or - for stdin")
    e.add_argument("--jsonl", action="store_true", help="input is Article JSON lines; output one line each")
    e.add_argument("--batch-size", type=int, default=32)
    e.set_defaults(func=cmd_extract)

    s = sub.add_parser("schemas", help="write the JSON Schemas of the message models")
    s.add_argument("--dir", default=str(SCHEMA_DIR))
    s.add_argument("--check", action="store_true", help="fail when the files differ from the models")
    s.set_defaults(func=cmd_schemas)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        logging.getLogger("kafka").setLevel(logging.WARNING)
    from streams.core.inputs import InputError

    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"dyadwatch: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if type(exc).__name__ in ("KafkaLauncherError", "TopologyMismatch"):
            print(f"dyadwatch: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())

"""Bench layer: what one busy dyad costs the relations step: bytes written per article, fold time per event.

Usage: python -m bench.writes [--events 3000] [--fold-sizes 1000,20000] [--worker] [--out bench/out/writes.json]

1. Offline, pure: the fold time per event for one article of N events on one dyad (one RelationUpdate), and
   for N one-event articles on one dyad within one day; the size of the state after each (what the relations
   agent writes, once per update, to the changelog and to the relations topic).
2. `--worker`: an article of `--events` sentences about one dyad (about 43 bytes each: 129 KB for 3,000) through
   a fresh local Kafka and one real worker; the records and bytes on `relation-events`, the relations topic
   and the table's changelog once the table shows every event.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from streams.core.models import Article, IndexedRelation, Relation, RelationState, RelationUpdate
from streams.core.relations import fold

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "writes.json"
KAFKA_LIBS = ROOT / ".dyadwatch" / "kafka-libs"
T0 = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
SENTENCES = [
    "Chile accused Peru of spying on its navy on {day}.",
    "Chile condemned Peru in a statement on {day}.",
    "Chile sent aid to Peru on {day}.",
    "Chile met Peru in Lima on {day}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
CAMEOS = [("112", 11, 3, -2.0), ("111", 11, 3, -2.0), ("070", 7, 2, 7.0), ("040", 4, 1, 1.0)]


def busy_article(events: int) -> Article:
    """One article whose every sentence is an event between Chile and Peru."""
    text = " ".join(SENTENCES[i % 4].format(day=DAYS[(i // 4) % 7]) for i in range(events))
    return Article(id="busy-dyad", text=text, source="bench", published_at=T0)


def synthetic(index: int) -> Relation:
    cameo, root, quad, goldstein = CAMEOS[index % 4]
    return Relation(source="CHL", target="PER", cameo=cameo, root=root, quad_class=quad,  # type: ignore[arg-type]
                    goldstein=goldstein, confidence=0.85, sentence=SENTENCES[index % 4].format(day="Monday"),
                    span=(0, 40))


def one_update(article_id: str, relations: list[Relation], time: datetime) -> RelationUpdate:
    return RelationUpdate(dyad="CHL|PER", article_id=article_id, article_digest="d" * 32, publisher="bench",
                          event_time=time,
                          events=[IndexedRelation(event_index=i, relation=r) for i, r in enumerate(relations)])


def offline(sizes: list[int]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for n in sizes:
        article = one_update("one", [synthetic(i) for i in range(n)], T0)
        started = time.perf_counter()
        state = fold(None, article)
        one_article_s = time.perf_counter() - started
        updates = [one_update(f"a{i}", [synthetic(i)], T0 + timedelta(seconds=3 * i)) for i in range(n)]
        written, folded = 0, None
        started = time.perf_counter()
        for u in updates:
            folded = fold(folded, u)
            written += len(folded.model_dump_json())
        many_s = time.perf_counter() - started
        assert folded is not None
        result[str(n)] = {
            "one_article": {"fold_ms_per_event": round(1000 * one_article_s / n, 4),
                            "state_bytes": len(state.model_dump_json())},
            "one_event_articles_in_a_day": {"fold_ms_per_event": round(1000 * many_s / n, 4),
                                            "state_bytes_at_end": len(folded.model_dump_json()),
                                            "state_bytes_written": written},
        }
    return result


def topic_bytes(bootstrap: str, topic: str) -> dict[str, int]:
    from tests.support.workers import read_all

    records = read_all(bootstrap, topic)
    return {"records": len(records), "bytes": sum(len(k or b"") + len(v or b"") for k, v in records)}


def through_worker(events: int, work: Path) -> dict[str, Any]:
    from streams.kafka.admin import ensure_topics
    from streams.kafka.clients import publish_articles
    from streams.kafka.local import LocalKafka
    from streams.topology import changelog_topic_name
    from tests.support.workers import TopicReader, WorkerProcess, fresh_env, settings_from

    article = busy_article(events)
    kafka = LocalKafka(work / "kafka", libs_dir=KAFKA_LIBS)
    bootstrap = kafka.start()
    try:
        env = fresh_env(bootstrap, work)
        settings = settings_from(env)
        ensure_topics(settings, bootstrap)
        worker = WorkerProcess(env, work / "worker.log").start()
        relations = TopicReader(bootstrap, settings.topic_relations)
        try:
            published = time.monotonic()
            publish_articles(settings, bootstrap, [article])
            deadline, done = time.monotonic() + 900, None
            while time.monotonic() < deadline and done is None:
                for key, value in relations.poll():
                    if key == b"CHL|PER" and value and RelationState.model_validate_json(value).event_count >= events:
                        done = time.monotonic() - published
                if not worker.alive():
                    raise SystemExit(f"the worker died:\n{worker.log()[-3000:]}")
            if done is None:
                raise SystemExit(f"the table did not show {events} events in 900 s:\n{worker.digest()}")
            time.sleep(3)
        finally:
            relations.close()
            worker.stop()
        return {
            "article_bytes": len(article.text.encode()),
            "seconds_to_table": round(done, 1),
            "relation_events": topic_bytes(bootstrap, settings.topic_relation_events),
            "relations": topic_bytes(bootstrap, settings.topic_relations),
            "changelog": topic_bytes(bootstrap, changelog_topic_name(settings)),
        }
    finally:
        kafka.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000, help="events in the article of the worker run")
    parser.add_argument("--fold-sizes", default="1000,20000", help="comma-separated event counts for the fold")
    parser.add_argument("--worker", action="store_true", help="also run the busy article through a real worker")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    report: dict[str, Any] = {"fold": offline([int(n) for n in args.fold_sizes.split(",")])}
    if args.worker:
        with tempfile.TemporaryDirectory(prefix="dyadwatch-writes-") as tmp:
            report["worker"] = through_worker(args.events, Path(tmp))
    print(json.dumps(report, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

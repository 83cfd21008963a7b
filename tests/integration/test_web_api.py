"""Integration: the web view's JSON API served by real workers on a real broker."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any

import pytest

from streams.core.extract import load_extractor
from streams.core.models import Article
from streams.kafka.clients import publish_articles
from tests.conftest import DATA
from tests.support.articles import expected_table, make_articles
from tests.support.polling import wait_for

pytestmark = pytest.mark.integration

INTERNAL = {"applied_events", "window_days", "settled", "forgotten_through", "recent_alert_ids"}
MARKUP_TEXT = (DATA / "samples" / "markup-in-text.txt").read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()
    except OSError:
        return 0, {}, b""


def get_json(url: str) -> Any:
    status, _, body = get(url)
    return json.loads(body) if status in (200, 404, 503) and body else None


def web_worker(start_worker, port: int):  # type: ignore[no-untyped-def]
    return start_worker(DYADWATCH_WEB_ENABLED="true", DYADWATCH_WEB_PORT=str(port))


def served_counts(base: str) -> dict[str, tuple[int, int]] | None:
    body = get_json(f"{base}/api/relations")
    if not body:
        return None
    return {r["dyad"]: (r["event_count"], r["article_count"]) for r in body["relations"]}


@pytest.fixture(scope="module")
def extractor():  # type: ignore[no-untyped-def]
    return load_extractor()


def test_either_of_two_workers_in_one_group_serves_the_complete_table(
    kafka_bootstrap, worker_settings, start_worker, extractor
):
    articles = make_articles(40, seed=31, prefix="web")
    expected = {d: (e.event_count, e.article_count) for d, e in expected_table(extractor, articles).items()}
    assert len(expected) >= 4, "the generated articles must touch several dyads"
    bases = [f"http://127.0.0.1:{port}" for port in (free_port(), free_port())]
    workers = [web_worker(start_worker, int(base.rsplit(":", 1)[1])) for base in bases]
    logs = lambda: "\n".join(w.log()[-1500:] for w in workers)  # noqa: E731
    wait_for(lambda: all(get(f"{b}/readyz")[0] == 200 for b in bases), timeout=180,
             what=lambda: f"both workers ready; log:\n{logs()}")
    publish_articles(worker_settings, kafka_bootstrap, articles)
    for base in bases:
        wait_for(lambda base=base: served_counts(base) == expected, timeout=240, interval=1.0,
                 what=lambda base=base: f"{base} to serve {expected}, got {served_counts(base)}\n{logs()}")
    relate = worker_settings.topic_relation_events
    owned = [{a for a in get_json(f"{b}/readyz")["assigned"] if a.startswith(relate + "[")} for b in bases]
    assert all(owned) and not owned[0] & owned[1], f"each worker must own part of the table: {owned}"
    row = get_json(f"{bases[1]}/api/relations")["relations"][0]
    assert row["name_a"] and row["name_b"] and not INTERNAL & set(row)


def test_the_api_serves_relations_evidence_alerts_and_markup_as_inert_text(
    kafka_bootstrap, worker_settings, start_worker, sample_text
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    worker = web_worker(start_worker, port)
    publish_articles(worker_settings, kafka_bootstrap, [
        Article(id="sample", text=sample_text, url="https://news.example/china-iran", title="China and Iran"),
        Article(id="markup", text=MARKUP_TEXT, url="javascript:alert(1)", title="<script>alert(2)</script>"),
    ])
    wanted = {"CHN|IRN", "CHN|JPN", "RUS|UKR"}
    wait_for(lambda: wanted <= set(served_counts(base) or {}), timeout=240, interval=1.0,
             what=lambda: f"{wanted} served; got {served_counts(base)}\n{worker.log()[-2000:]}")

    status, headers, body = get(f"{base}/api/relations/JPN/CHN")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert b"<" not in body and b">" not in body, "markup must not appear raw in the served bytes"
    sentences = " ".join(e["sentence"] for e in json.loads(body)["evidence"])
    assert '<script>alert("dw")</script>' in sentences and "<img src=x onerror=alert(1)>" in sentences
    assert all(e["url"] is None for e in json.loads(body)["evidence"]), "a javascript: url is never a link"

    detail = get_json(f"{base}/api/relations/IRN/CHN")
    assert detail["band"] in ("cooperative", "allied") and detail["evidence"]
    assert {e["url"] for e in detail["evidence"]} == {"https://news.example/china-iran"}
    assert not INTERNAL & set(detail)
    assert get(f"{base}/api/relations/CHN/BRA")[0] == 404
    assert "/api/relations" in get_json(f"{base}/api/relations/CHN/BRA")["error"]

    chn = get_json(f"{base}/api/relations?actor=chn")["relations"]
    assert chn and all("CHN" in (r["actor_a"], r["actor_b"]) for r in chn)
    hostile = get_json(f"{base}/api/relations?band=hostile")["relations"]
    assert "RUS|UKR" in {r["dyad"] for r in hostile} and {r["band"] for r in hostile} == {"hostile"}
    assert get(f"{base}/api/relations?band=friendly")[0] == 400

    alerts = wait_for(lambda: get_json(f"{base}/api/alerts?since=2000-01-01T00:00:00Z")["alerts"], timeout=60,
                      what="alerts served")
    assert {"new_material_cooperation"} <= {a["kind"] for a in alerts}
    assert get_json(f"{base}/api/alerts?since=2999-01-01")["alerts"] == []
    picked = get_json(f"{base}/api/alerts?kind=new_material_cooperation&dyad=IRN-CHN&actor=irn&limit=5")["alerts"]
    assert picked and {(a["kind"], a["dyad"]) for a in picked} == {("new_material_cooperation", "CHN|IRN")}
    assert get_json(f"{base}/api/alerts?severity=critical")["alerts"] == []
    assert get(f"{base}/api/alerts?kind=panic")[0] == 400
    assert get_json(f"{base}/openapi.json")["openapi"] == "3.1.0"
    assert get_json(f"{base}/readyz")["mirror_loaded"] is True

    def idle_metrics() -> str | None:
        text = get(f"{base}/metrics")[2].decode()
        lag = [line for line in text.splitlines() if line.startswith("dyadwatch_consumer_lag{")]
        return text if lag and all(line.endswith(" 0") for line in lag) else None

    # An idle worker has no lag: only the input topics count, not the table's changelog it also reads.
    metrics = wait_for(idle_metrics, timeout=60, what="lag 0 on every input partition once the articles are done")
    lag_topics = {line.split('topic="')[1].split('"')[0] for line in metrics.splitlines()
                  if line.startswith("dyadwatch_consumer_lag{")}
    assert lag_topics <= {worker_settings.topic_articles, worker_settings.topic_relation_events}
    assert f'dyadwatch_messages_in_total{{topic="{worker_settings.topic_articles}",kind="article"}} ' in metrics
    assert 'dyadwatch_articles_total{outcome="enriched"} ' in metrics
    assert 'dyadwatch_alerts_total{kind="new_material_cooperation",severity=' in metrics


def request_with_host(port: int, path: str, host: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        status_line = conn.makefile("rb").readline()
    return int(status_line.split()[1])


def closed_by_server_within(conn: socket.socket, seconds: float) -> bool:
    """True when the server closes the connection (EOF or reset) before `seconds` pass."""
    conn.settimeout(seconds)
    try:
        while conn.recv(65536):
            continue
    except TimeoutError:
        return False
    except ConnectionResetError:
        pass
    return True


def test_the_view_answers_only_its_own_names_closes_idle_connections_and_keeps_titles_small(
    kafka_bootstrap, worker_settings, start_worker
):
    """Before: any Host was served (DNS rebinding), idle and half-sent connections stayed open for ever, and
    articles with 10 MB titles were kept whole by the view (five parallel requests: 1.46 GB)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    worker = start_worker(DYADWATCH_WEB_ENABLED="true", DYADWATCH_WEB_PORT=str(port), DYADWATCH_WEB_IDLE_TIMEOUT="2",
                          DYADWATCH_WEB_ALLOWED_HOSTS="view.example.org")
    wait_for(lambda: get(f"{base}/readyz")[0] == 200, timeout=180, what=lambda: f"ready; log:\n{worker.digest()}")

    assert request_with_host(port, "/healthz", "rebound.attacker.example") == 400
    assert request_with_host(port, "/healthz", "rebound.attacker.example:6066") == 400
    for host in (f"localhost:{port}", "127.0.0.1", "view.example.org"):
        assert request_with_host(port, "/healthz", host) == 200

    idle = socket.create_connection(("127.0.0.1", port))
    half = socket.create_connection(("127.0.0.1", port))
    half.sendall(b"GET /healthz HTTP/1.1\r\nHost: local")  # and never the rest
    assert closed_by_server_within(idle, 20) and closed_by_server_within(half, 20)

    big_title = "T" * (10 * 1024 * 1024)
    articles = [Article(id=f"titled-{i}", text="Chile and Peru signed a defense cooperation agreement.",
                        title=big_title, url=f"https://news.example/{i}") for i in range(3)]
    publish_articles(worker_settings, kafka_bootstrap, articles)
    wait_for(lambda: (get_json(f"{base}/api/relations/CHL/PER") or {}).get("event_count", 0) >= 6, timeout=240,
             interval=1.0, what=lambda: f"the three articles served; log:\n{worker.digest()}")
    status, _, body = get(f"{base}/api/relations/CHL/PER")
    titles = {e["title"] for e in json.loads(body)["evidence"]}
    assert status == 200 and len(body) < 100_000
    assert titles and all(len(t.encode()) <= worker_settings.max_title_bytes for t in titles)
    print(f"FIGURES view with three 10 MB titles: one dyad's response {len(body)} bytes, "
          f"worker + NLP process peak RSS {worker.peak_rss_mb():.0f} MiB")

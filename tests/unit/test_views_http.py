"""Unit: the web view's HTTP surface on an unstarted app (no broker): routes, headers, static files."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDict

from streams.settings import Settings

STATIC = Path(__file__).resolve().parents[2] / "streams" / "web" / "static"


Reply = tuple[int, CIMultiDict[str], str]
Fetch = Callable[..., Reply]


@pytest.fixture(scope="module")
def web_app() -> Iterator[Any]:
    from streams.worker import build

    settings = Settings(kafka_bootstrap="localhost:1", web_enabled=True, app_id="dw-unit-views")
    app, _ = build(settings, "localhost:1")
    app.web.init_server()
    yield app.web.web_app


@pytest.fixture(scope="module")
def fetch(web_app: Any) -> Iterator[Fetch]:
    """method, path[, headers] -> status, headers, body; one test server on one loop for the module."""
    loop = asyncio.new_event_loop()
    client = TestClient(TestServer(web_app, loop=loop), loop=loop)
    loop.run_until_complete(client.start_server())

    def request(method: str, path: str, headers: dict[str, str] | None = None) -> Reply:
        async def go() -> Reply:
            response = await client.request(method, path, headers=headers)
            return response.status, CIMultiDict(response.headers), await response.text()

        return loop.run_until_complete(go())

    yield request
    loop.run_until_complete(client.close())
    loop.close()


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/relations", "/api/relations/CHN/IRN",
                                  "/api/alerts?since=nonsense", "/openapi.json", "/no/such/page"])
def test_every_response_carries_the_content_security_policy_and_nosniff(fetch, path):
    _, headers, _ = fetch("GET", path)
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_root_serves_the_relations_page_not_fausts_index(fetch):
    status, headers, body = fetch("GET", "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert '<script src="/static/app.js"' in body


def test_only_get_and_head_routes_are_served(web_app, fetch):
    methods = {route.method for route in web_app.router.routes()}  # type: ignore[attr-defined]
    assert methods <= {"GET", "HEAD"}, methods
    assert fetch("POST", "/api/relations")[0] == 405


def test_fausts_partial_table_pages_are_not_served(fetch):
    assert fetch("GET", "/table/")[0] == 404
    assert fetch("GET", "/router/")[0] == 404


def test_an_unknown_relation_is_a_404_in_json_that_says_where_to_look(fetch):
    status, headers, body = fetch("GET", "/api/relations/CHN/IRN")
    assert status == 404 and headers["Content-Type"].startswith("application/json")
    assert "/api/relations" in body


def test_the_history_of_an_unknown_relation_is_a_404_in_json_too(fetch):
    status, headers, body = fetch("GET", "/api/relations/CHN/BRA/history")
    assert status == 404 and headers["Content-Type"].startswith("application/json")
    assert "/api/relations" in body and headers["Cache-Control"] == "no-store"


def test_a_bad_since_is_a_400_with_an_example(fetch):
    status, _, body = fetch("GET", "/api/alerts?since=yesterday")
    assert status == 400 and "since=2026" in body


def test_head_answers_without_a_body(fetch):
    status, _, body = fetch("HEAD", "/api/relations")
    assert status == 200 and body == ""


def test_the_page_has_no_inline_script_or_style_and_no_remote_resource():
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("src=" in s for s in scripts)
    assert "style=" not in html and "<style" not in html and not re.search(r"\son\w+=", html)
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "nothing may be fetched from elsewhere"


def test_the_script_never_turns_data_into_html():
    js = (STATIC / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in js, sink


def test_an_unchanged_relations_list_answers_a_poller_with_304(fetch):
    status, headers, _ = fetch("GET", "/api/relations")
    assert status == 200 and headers["ETag"] and headers["Cache-Control"] == "no-cache"
    assert fetch("GET", "/api/relations", {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch("GET", "/api/relations", {"If-None-Match": '"stale"'})[0] == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:6066", "127.0.0.1.nip.io", "localhost.evil.example"])
def test_a_request_for_a_name_that_is_not_the_views_is_refused_against_dns_rebinding(fetch, host):
    status, headers, body = fetch("GET", "/api/relations", {"Host": host})
    assert status == 400 and "DYADWATCH_WEB_ALLOWED_HOSTS" in body
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("host", ["localhost:6066", "LOCALHOST", "127.0.0.1", "[::1]:6066", "localhost."])
def test_the_loopback_names_are_the_views_own(fetch, host):
    assert fetch("GET", "/healthz", {"Host": host})[0] == 200


def test_the_allowed_hosts_are_the_loopback_names_the_bound_host_and_the_setting():
    from streams.views import allowed_hosts, host_name

    settings = Settings(web_host="10.0.0.5", web_allowed_hosts="dyadwatch-view, View.Example.org")  # type: ignore[arg-type]
    assert allowed_hosts(settings) == {"127.0.0.1", "localhost", "::1", "10.0.0.5", "dyadwatch-view",
                                        "view.example.org"}
    assert [host_name(h) for h in ("a:80", "[fe80::1]:80", "a.", "a:b")] == ["a", "fe80::1", "a", "a:b"]


def test_the_view_closes_idle_connections_and_takes_no_large_request_body(web_app):
    assert web_app._handler_args == {"keepalive_timeout": Settings().web_idle_timeout}  # noqa: SLF001
    assert web_app._client_max_size == 64 * 1024  # noqa: SLF001


def test_relations_are_listed_up_to_the_limit_with_the_total_beside_them(fetch):
    status, _, body = fetch("GET", "/api/relations?limit=3")
    assert status == 200 and '"total":0' in body
    assert fetch("GET", f"/api/relations?limit={Settings().web_max_rows + 1}")[0] == 400
    assert fetch("GET", "/api/relations?limit=0")[0] == 400


def test_a_client_that_does_not_read_its_response_is_dropped_after_the_write_timeout():
    """A slow reader held its whole response in the worker's memory for as long as it liked (8 of them: 2.68 GB)."""
    import socket
    import time

    from aiohttp import web

    from streams.views import guard

    big = b"x" * (32 * 1024 * 1024)

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=big)

    async def serve() -> tuple[int, float]:
        app = web.Application(middlewares=[guard(Settings(web_write_timeout=1.0))])
        app.router.add_get("/big", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # noqa: SLF001
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.connect(("127.0.0.1", port))
        client.sendall(b"GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n")
        started = time.monotonic()
        await asyncio.sleep(3)  # the client reads nothing for three times the timeout
        client.setblocking(False)
        received = 0
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                chunk = client.recv(1 << 20)
            except BlockingIOError:
                await asyncio.sleep(0.01)
                continue
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += len(chunk)
        client.close()
        await runner.cleanup()
        return received, time.monotonic() - started

    received, _ = asyncio.run(serve())
    assert received < len(big), "the server dropped the connection instead of waiting for the reader"

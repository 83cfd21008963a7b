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

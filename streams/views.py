"""Shell layer: the worker's HTTP endpoints: the relations page, the JSON API, health, readiness, metrics."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from importlib import resources
from importlib.metadata import PackageNotFoundError, version

import faust
from aiohttp import web as aiohttp_web
from faust.web import Request, Response, View

from streams.agents import Shell
from streams.kafka.mirror import MirrorReader
from streams.metrics import input_lag, prometheus_text
from streams.relations_view import (
    ActorNames,
    BadQuery,
    ErrorBody,
    Mirror,
    inert_json,
    not_found,
    openapi_document,
    parse_alerts_query,
    parse_relations_query,
)
from streams.settings import Settings

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
"""Sent with every response, errors and 404s too: the page runs only its own script file, no inline code."""

STATIC = {
    "/": ("index.html", "text/html"),
    "/static/app.js": ("app.js", "text/javascript"),
    "/static/style.css": ("style.css", "text/css"),
    "/static/favicon.svg": ("favicon.svg", "image/svg+xml"),
}


async def consumer_lag(app: faust.App, inputs: list[str]) -> dict[tuple[str, int], int] | None:
    """Lag per partition of the input topics assigned to this worker; None before any assignment."""
    consumer = app.consumer
    assigned = [tp for tp in consumer.assignment() if tp.topic in inputs]
    if not assigned:
        return None
    highwaters = await consumer.highwaters(*assigned)
    committed = consumer._committed_offset  # noqa: SLF001 - no public API
    return input_lag({(tp.topic, tp.partition): hw for tp, hw in highwaters.items()},
                     {(tp.topic, tp.partition): committed.get(tp) for tp in assigned}, inputs)


def _package_version() -> str:
    try:
        return version("dyadwatch")
    except PackageNotFoundError:
        return "0+unknown"


def _bootstrap_of(app: faust.App) -> str:
    return ",".join(f"{url.host}:{url.port}" for url in app.conf.broker)


async def _add_security_headers(request: aiohttp_web.Request, response: aiohttp_web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
    if request.path.startswith("/api/") or request.path in ("/openapi.json", "/readyz", "/metrics"):
        response.headers.setdefault("Cache-Control", "no-store")


def web_url(host: str, port: int) -> str:
    """The address people open: a wildcard bind is reached on the loopback address."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


async def announce_web_url(app: faust.App, wait: float = 60.0) -> str | None:
    """Log the view's address once its server listens (the real port, also when the setting asked for any)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while loop.time() < deadline:
        addresses = app.web._runner.addresses  # type: ignore[attr-defined]  # noqa: SLF001 - Faust has no public call
        if addresses:
            url = web_url(app.conf.web_bind, int(addresses[0][1]))
            log.info("web view: %s", url)
            return url
        await asyncio.sleep(0.1)
    log.warning("web view: not listening after %.0f s (is port %s taken?)", wait, app.conf.web_port)
    return None


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """The names the view answers to: the loopback names, the bound host and DYADWATCH_WEB_ALLOWED_HOSTS."""
    names = {"127.0.0.1", "localhost", "::1", settings.web_host, *settings.web_allowed_hosts}
    return frozenset(name.strip().lower().rstrip(".") for name in names if name.strip())


def host_name(header: str) -> str:
    """The name in a Host header, without its port: 'LocalHost:6066' -> 'localhost', '[::1]:80' -> '::1'."""
    host = header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    name, colon, port = host.rpartition(":")
    return (name if colon and port.isdigit() else host).rstrip(".")


def guard(settings: Settings) -> Callable[..., Awaitable[aiohttp_web.StreamResponse]]:
    """Middleware: refuse a Host that is not one of the view's names (DNS rebinding), and write every response
    under a deadline: a client that takes longer than DYADWATCH_WEB_WRITE_TIMEOUT to read it is dropped.
    Idle connections and half-sent requests are closed by aiohttp's keep-alive timeout (streams/app.py)."""
    allowed = allowed_hosts(settings)

    @aiohttp_web.middleware
    async def middleware(
        request: aiohttp_web.Request, handler: Callable[[aiohttp_web.Request], Awaitable[aiohttp_web.StreamResponse]]
    ) -> aiohttp_web.StreamResponse:
        host = request.headers.get("Host")
        if host is not None and host_name(host) not in allowed:
            body = ErrorBody(error=f"this view does not answer for Host {host[:100]!r}; add the name to "
                                   "DYADWATCH_WEB_ALLOWED_HOSTS to use it")
            return aiohttp_web.Response(body=inert_json(body), status=400, content_type="application/json")
        response = await handler(request)
        if not response.prepared:
            try:
                async with asyncio.timeout(settings.web_write_timeout):
                    await response.prepare(request)
                    await response.write_eof()
            except TimeoutError:
                log.warning("web client %s did not read %s within %ss; dropped", request.remote, request.path,
                            settings.web_write_timeout)
                if request.transport is not None:
                    request.transport.abort()
        return response

    return middleware


def register_views(app: faust.App, shell: Shell) -> None:
    """The page, its files and the read-only JSON API over a complete in-memory mirror of the relations."""
    settings = shell.settings
    mirror = Mirror(names=ActorNames.load(), title_bytes=settings.max_title_bytes, url_bytes=settings.max_url_bytes,
                    source=settings.topic_relations)
    reader = MirrorReader(settings, _bootstrap_of(app), mirror)
    app.service(reader)  # type: ignore[arg-type] - Faust starts an instance as well as a class
    app.web.web_app.middlewares.append(guard(settings))
    app.web.web_app.on_response_prepare.append(_add_security_headers)

    @app.task
    async def announce() -> None:
        await announce_web_url(app)

    static_dir = resources.files("streams") / "web" / "static"
    openapi = json.dumps(openapi_document(_package_version())).encode()

    def json_body(view: View, body: bytes, status: int = 200) -> Response:
        return view.bytes(body, content_type="application/json", status=status)

    def error(view: View, message: str, status: int) -> Response:
        return json_body(view, inert_json(ErrorBody(error=message)), status)

    for path, (file, content_type) in STATIC.items():
        text = (static_dir / file).read_text(encoding="utf-8")

        def static_view(text: str = text, content_type: str = content_type) -> type[View]:
            class Static(View):
                async def get(self, request: Request) -> Response:
                    return self.text(text, content_type=content_type)

            return Static

        app.page(path, name=f"static:{file}")(static_view())

    @app.page("/api/relations")
    class Relations(View):
        async def get(self, request: Request) -> Response:
            try:
                query = parse_relations_query(request.query, max_rows=settings.web_max_rows)
            except BadQuery as exc:
                return error(self, str(exc), 400)
            # Pollers send back the ETag: an unchanged mirror costs a 304, not a serialised table.
            headers = {"ETag": mirror.etag, "Cache-Control": "no-cache"}
            if request.headers.get("If-None-Match") == mirror.etag:
                return self.bytes(b"", status=304, headers=headers)
            body = inert_json(mirror.relations(query))
            return self.bytes(body, content_type="application/json", headers=headers)

    @app.page("/api/relations/{a}/{b}")
    class OneRelation(View):
        async def get(self, request: Request, a: str, b: str) -> Response:
            detail = mirror.relation(a, b)
            if detail is None:
                return json_body(self, inert_json(not_found(a, b)), 404)
            return json_body(self, inert_json(detail))

    @app.page("/api/relations/{a}/{b}/history")
    class RelationHistoryView(View):
        async def get(self, request: Request, a: str, b: str) -> Response:
            history = mirror.relation_history(a, b)
            if history is None:
                return json_body(self, inert_json(not_found(a, b)), 404)
            return json_body(self, inert_json(history))

    @app.page("/api/alerts")
    class Alerts(View):
        async def get(self, request: Request) -> Response:
            try:
                query = parse_alerts_query(request.query)
            except BadQuery as exc:
                return error(self, str(exc), 400)
            return json_body(self, inert_json(mirror.alerts_matching(query)))

    @app.page("/openapi.json")
    class OpenAPI(View):
        async def get(self, request: Request) -> Response:
            return json_body(self, openapi)

    @app.page("/healthz")
    class Health(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok"})

    @app.page("/readyz")
    class Ready(View):
        async def get(self, request: Request) -> Response:
            assigned = sorted(f"{tp.topic}[{tp.partition}]" for tp in app.consumer.assignment())
            broker = await reader.broker_reachable()
            ready = bool(assigned) and app.producer is not None and broker and mirror.loaded
            body = {"ready": ready, "assigned": assigned, "broker": broker, "mirror_loaded": mirror.loaded}
            return self.json(body, status=200 if ready else 503)

    @app.page("/metrics")
    class MetricsView(View):
        async def get(self, request: Request) -> Response:
            inputs = [shell.settings.topic_articles, shell.settings.topic_relation_events]
            try:
                lag = await consumer_lag(app, inputs)
            except Exception:  # noqa: BLE001 - metrics must answer even while rebalancing
                lag = None
            body = prometheus_text(shell.metrics, shell.settings.topics, lag)
            return self.text(body, content_type="text/plain; version=0.0.4")

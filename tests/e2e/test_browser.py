"""End to end: a real worker, a real broker and headless Chromium driving the relations page."""

from __future__ import annotations

import os
import shutil
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.core.models import Article
from streams.kafka.clients import publish_articles
from tests.conftest import DATA
from tests.support.articles import make_articles
from tests.support.polling import wait_for
from tests.support.workers import WorkerProcess, fresh_env, settings_from

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT_TO = "DYADWATCH_E2E_SCREENSHOT"
"""Set to a path (e.g. docs/screenshot.png) to keep the page's screenshot there."""

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium: "
                       "apt-get update && apt-get install -y chromium"),
]


@pytest.fixture
def web_worker(kafka_bootstrap: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = fresh_env(kafka_bootstrap, tmp_path, DYADWATCH_WEB_ENABLED="true", DYADWATCH_WEB_PORT=str(port))
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _status(f"{base}/readyz") == 200, timeout=180,
                 what=lambda: f"the worker to be ready; log:\n{worker.log()[-2000:]}")
        yield base, env
    finally:
        worker.stop()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def test_the_page_shows_new_relations_live_with_their_evidence_and_markup_only_as_text(
    web_worker, sample_text, tmp_path
):
    from playwright.sync_api import sync_playwright

    base, env = web_worker
    dialogs: list[str] = []
    console_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.goto(f"{base}/")
        page.wait_for_selector("#status:not(:text('loading…'))")
        page.evaluate("window.__same_page = true")

        publish_articles(settings_from(env), env["DYADWATCH_KAFKA_BOOTSTRAP"], [
            Article(id="sample", text=sample_text, url="https://news.example/china-iran", title="Drills"),
            Article(id="markup", text=(DATA / "samples" / "markup-in-text.txt").read_text(encoding="utf-8"),
                    title="<img src=x onerror=alert(3)>"),
            *make_articles(10, seed=3, prefix="e2e"),
        ])
        row = page.locator('#relations tr[data-dyad="CHN|IRN"]')
        row.wait_for(timeout=180_000)
        assert page.evaluate("window.__same_page") is True, "rows must arrive without a reload"
        assert "China" in row.inner_text() and "Iran" in row.inner_text()
        assert page.locator('#network line[data-dyad="CHN|IRN"]').count() == 1

        row.click()
        page.locator("#evidence li").first.wait_for()
        evidence = page.locator("#evidence").inner_text()
        assert "China" in evidence and "Iran" in evidence
        assert page.locator('#evidence a[href="https://news.example/china-iran"]').count() >= 1

        page.locator('#relations tr[data-dyad="CHN|JPN"]').wait_for(timeout=120_000)
        page.locator('#relations tr[data-dyad="CHN|JPN"]').click()
        # A locator, not wait_for_function: a string predicate needs eval, which the page's CSP forbids.
        page.locator("#detail-title", has_text="Japan").wait_for()
        page.locator("#evidence li").first.wait_for()
        shown = page.locator("#evidence").inner_text()
        assert '<script>alert("dw")</script>' in shown and "<img src=x onerror=alert(1)>" in shown
        assert page.locator("#evidence script, #evidence img, body img").count() == 0
        assert page.locator("script").count() == 1, "only the page's own script"

        page.locator('th[data-sort="score"]').click()
        cells = page.locator("#relations tbody td:nth-child(2)").all_inner_texts()
        scores = [float(t.replace("−", "-")) for t in cells]
        assert scores == sorted(scores, reverse=True)
        page.fill("#actor-filter", "Iran")
        names = page.locator("#relations tbody tr").all_inner_texts()
        assert names and all("Iran" in n or "IRN" in n for n in names)

        page.fill("#actor-filter", "")
        page.locator('#relations tr[data-dyad="CHN|IRN"]').click()
        page.locator("#evidence li").first.wait_for()
        page.locator("#alerts li.alert").first.wait_for(timeout=30_000)

        # The evidence panel draws the dyad's score over time from /api/relations/CHN/IRN/history.
        page.locator("#history-chart circle").first.wait_for()
        history = page.evaluate("fetch('/api/relations/IRN/CHN/history').then(r => r.json())")
        assert history["dyad"] == "CHN|IRN" and history["count"] == len(history["points"]) > 0
        assert page.locator("#history-chart circle").count() == history["count"]
        assert page.locator("#history-chart rect.zone").count() == 5, "the five bands behind the line"
        assert "Score over time" in page.inner_text("#history-caption")

        # Every column is explained: a tooltip on each header and a legend that names each of them.
        headers = page.locator("#relations thead th")
        assert all(headers.nth(i).get_attribute("title") for i in range(headers.count()))
        page.locator("#legend summary").click()
        legend = page.inner_text("#legend")
        for column in ("Dyad", "Score", "Band", "Trend 7d", "Events", "Articles", "A→B · B→A", "Last event"):
            assert column in legend, column

        # Alerts read with names, the page says where its data comes from and how fresh it is.
        who = page.locator("#alerts li.alert .who").all_inner_texts()
        assert who and all(any(c.islower() for c in w) for w in who), f"alerts must name the actors: {who}"
        freshness = page.inner_text("#freshness")
        assert env["DYADWATCH_TOPIC_RELATIONS"] in freshness and "newest record written" in freshness

        # No horizontal scroll at 1280 px: neither the page nor the table.
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth, "
                               "document.querySelector('#table-section').scrollWidth, "
                               "document.querySelector('#table-section').clientWidth]")
        assert widths[0] <= widths[1] and widths[2] <= widths[3], widths
        page.locator("#legend summary").click()
        page.wait_for_timeout(500)
        shot = tmp_path / "screenshot.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    if os.environ.get(SCREENSHOT_TO):
        shutil.copyfile(shot, os.environ[SCREENSHOT_TO])
    assert dialogs == [], f"article text ran as code: {dialogs}"
    assert console_errors == [], f"the page logged errors (CSP violations show here): {console_errors}"

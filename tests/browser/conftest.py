"""Fixtures for browser tests: Debian's Chromium through Playwright, the real app on a live
server, a fresh browser context per test and an axe-core accessibility check.

- ``chromium`` (session): one headless Chromium for the whole run. Playwright never downloads
  a browser here: it starts ``/usr/bin/chromium`` (or ``$CHROMIUM_PATH``). When the browser is
  missing the tests are skipped with the reason, except under ``CI=true``, where they fail.
- ``live_server`` (module): the session ``app`` served by Werkzeug on 127.0.0.1 and a free
  port, in a background thread. ``.url`` is its base URL.
- ``page`` (function): a page in a new browser context (its own cookies) whose ``base_url`` is
  the live server, so ``page.goto("/sign-in")`` works.
- ``check_accessibility`` (function): ``check_accessibility(page)`` fails the test on axe-core
  violations of impact "serious" or "critical" (see ``accessibility.py``).

When a test fails, a screenshot and the page's HTML are saved under ``test-results/``.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The machine running the tests may have no network: without the background-networking
# flags Chromium keeps trying to reach Google's services and misbehaves.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _unavailable(reason: str):
    """Skip (fail under CI=true) every test that needs the browser."""
    if _in_ci():
        pytest.fail(f"{reason}; under CI=true the browser tests must run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole test session."""
    from playwright.sync_api import sync_playwright

    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        _unavailable(f"no Chromium at {CHROMIUM_PATH} (install it with: sudo apt-get install chromium)")

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
    except Exception as error:
        playwright.stop()
        pytest.fail(f"Chromium at {CHROMIUM_PATH} would not start: {error}", pytrace=False)
    yield browser
    browser.close()
    playwright.stop()


@dataclass(frozen=True)
class LiveServer:
    url: str
    host: str
    port: int


@pytest.fixture(scope="module")
def live_server(app):
    """The real app, served over HTTP from a background thread for one test module.

    The test config sets SERVER_NAME="localhost" for the Flask test client. A browser talks to
    127.0.0.1:<port>, so while the server runs SERVER_NAME is that host and port: requests
    route, and any external URL the app builds (links in emails, say) points at the live
    server. The setting is restored afterwards so later, non-browser tests are unaffected.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    host = f"127.0.0.1:{server.server_port}"
    saved_server_name = app.config["SERVER_NAME"]
    app.config["SERVER_NAME"] = host
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://{host}", host="127.0.0.1", port=server.server_port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        app.config["SERVER_NAME"] = saved_server_name


@pytest.fixture
def page(chromium, live_server):
    """A page in a fresh browser context (no cookies from other tests) on the live server."""
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def check_accessibility():
    """``check_accessibility(page)``: fail on serious or critical axe-core violations."""
    from .accessibility import assert_accessible

    return assert_accessible


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot and the HTML of the page a failing browser test was on."""
    report = yield
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None and not page.is_closed() and page.url != "about:blank":
            name = re.sub(r"[^\w.-]+", "_", item.nodeid)
            try:
                RESULTS_DIR.mkdir(exist_ok=True)
                page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
                (RESULTS_DIR / f"{name}.html").write_text(page.content(), encoding="utf-8")
                report.sections.append(("browser", f"page {page.url}; screenshot and HTML in {RESULTS_DIR}/{name}.*"))
            except Exception as error:  # the page may have crashed; the test has failed anyway
                report.sections.append(("browser", f"could not save the page: {error}"))
    return report

"""A real CRM server and a headless Chromium for the browser tests.

The browser tests run once per test run, on SQLite only: the server serves
its own database file from a thread, while the other tests' databases are
parametrized per engine and would start one server each.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from sqlalchemy import create_engine

from tests.live_server import serve
from vte_extapps.demo import main, setup_database

from .crm import Snap

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
# Long enough for a slow CI machine, short enough to fail a stuck test fast.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the demo CRM, served by waitress on a loopback port.

    Its data stays committed for the whole run: tests give their applications
    unique names and never count on an empty table.
    """
    path = tmp_path_factory.mktemp("browser-db") / "crm.sqlite"
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    setup_database(engine)
    engine.dispose()

    app = main(
        {}, **{"sqlalchemy.url": url, "demo.session_secret": "browser-" + "s" * 32}
    )
    # Each test closes its browser contexts, and their connections with them,
    # before the server stops.
    with serve(app) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Assertions wait as long as actions do.
    expect.set_options(timeout=TIMEOUT_MS)
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium; the tests fail, not skip, when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(apt-get install chromium) to run the browser tests",
            pytrace=False,
        )
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def new_context(
    browser: Browser, sqlite_server: str
) -> Iterator[Callable[[], BrowserContext]]:
    """Opens fresh browser contexts, each with its own cookies."""
    contexts: list[BrowserContext] = []

    def open_context() -> BrowserContext:
        context = browser.new_context(base_url=sqlite_server, accept_downloads=True)
        context.grant_permissions(
            ["clipboard-read", "clipboard-write"], origin=sqlite_server
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[[], BrowserContext]) -> Page:
    """A page in a context of its own, as a first-time visitor sees the CRM."""
    return new_context().new_page()


@pytest.fixture
def snap(request: pytest.FixtureRequest) -> Snap:
    """Saves full-page screenshots under screenshots/<test>/, numbered in order."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "-", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken = 0

    def take(page: Page, what: str) -> Path:
        nonlocal taken
        taken += 1
        path = folder / f"{taken:02d}-{what}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take

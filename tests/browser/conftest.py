"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium, headless)
against the real server. Without Chromium they skip with one line saying so; with CI=true they
fail instead, since CI installs it (.ci/run)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import ROOT, DemoServer, start_demo_server

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# A scenario run at both sizes: the test takes `viewport` and opens its pages with it.
SIZES = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366x768", "phone"])


def size_of(viewport: dict[str, int]) -> str:
    """The size as screenshots are named by it: 1366x768, 390x844."""
    return f"{viewport['width']}x{viewport['height']}"


ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = "YISHITING_SCREENSHOTS_DIR"  # set: every page, both sizes, there (make screenshots)


def chromium_path() -> str:
    """Debian's Chromium, or why the browser tests cannot run here."""
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return _unavailable("Playwright for Python is not installed (pip install -e '.[dev]')")
    if not found:
        return _unavailable("Chromium not found at /usr/bin/chromium (apt-get install chromium)")
    return found


def _unavailable(reason: str) -> str:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests are required in CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


# Package scope: Playwright's sync API keeps an event loop running in this thread while it is
# open, which asyncio.run() in the other test packages must not find.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="package")
def server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    running = start_demo_server(tmp_path_factory.mktemp("browser-server"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go: test-artifacts/, or docs/screenshots/ for `make screenshots`."""
    chosen = Path(os.environ.get(SCREENSHOTS, ARTIFACTS))
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


OpenPage = Callable[..., Any]


@pytest.fixture
def open_page(browser: Any, server: DemoServer) -> Iterator[OpenPage]:
    """Opens a page (1366×768 unless told) in a fresh context; on the way out, no page may
    have thrown a JavaScript error, and none may be wider than its screen as the test left it
    (the layout test looks at each page as it opens; this, after what was done on it)."""
    contexts: list[Any] = []
    errors: list[str] = []

    def opened(viewport: dict[str, int] = DESKTOP) -> Any:
        context = browser.new_context(
            viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield opened
    too_wide = {page.url: overflow(page) for c in contexts for page in c.pages if overflow(page)}
    for context in contexts:
        context.close()
    assert not errors, errors
    assert not too_wide, f"wider than the screen at the end: {too_wide}"


def overflow(page: Any) -> int:
    """How far the page is wider than the screen (0 when it fits)."""
    width: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return width

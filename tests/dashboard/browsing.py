"""Drive the dashboard in headless Chromium (Debian's ``/usr/bin/chromium``) through
Playwright: open a page, wait until the script has finished and every chart is drawn."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path
from typing import Any

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
#: Each page's URL path and how many charts it draws on a store with incidents and links.
#: (The default page, Overview, lives at ``/``; its own path is answered "page not found".)
PAGES: dict[str, int] = {
    "overview": 2,
    "growth": 3,
    "incidents": 1,
    "jevons": 1,
    "hotspots": 2,
    "evidence": 0,
}
DEFAULT_PAGE = "overview"
READY_TIMEOUT_MS = 120_000
_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = '[data-testid="stVegaLiteChart"]'
DRAWN_CHART = f"{CHART} canvas, {CHART} svg.marks"
EXCEPTION = '[data-testid="stException"]'


def chromium_path() -> str | None:
    """Debian's Chromium, or whatever ``JEVONS_CHROMIUM`` names; ``None`` if absent."""
    candidate = os.environ.get("JEVONS_CHROMIUM") or "/usr/bin/chromium"
    if Path(candidate).exists():
        return candidate
    return shutil.which("chromium")


def launch(playwright: Any) -> Any:
    """A headless Chromium browser from the system install (never a downloaded one)."""
    path = chromium_path()
    if path is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)


@dataclasses.dataclass(frozen=True)
class PageVisit:
    """What one page showed: how long until ready, charts drawn, exceptions shown."""

    name: str
    seconds: float
    charts: int
    drawn_charts: int
    exceptions: int
    exception_text: str
    dialogs: int


def visit(
    page: Any, base: str, name: str, *, charts: int = 0, screenshot: Path | None = None
) -> PageVisit:
    """Open ``base/name``, wait until the script is idle and at least ``charts`` charts
    have drawn, and report what is on the page."""
    started = time.perf_counter()
    page.goto(page_url(base, name), wait_until="domcontentloaded")
    wait_ready(page, charts)
    seconds = time.perf_counter() - started
    exceptions = page.locator(EXCEPTION)
    visit_result = PageVisit(
        name=name,
        seconds=seconds,
        charts=page.locator(CHART).count(),
        drawn_charts=page.locator(DRAWN_CHART).count(),
        exceptions=exceptions.count(),
        exception_text="\n".join(exceptions.all_inner_texts()),
        dialogs=page.locator('[role="dialog"]').count(),
    )
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    return visit_result


def page_url(base: str, name: str) -> str:
    """Where page ``name`` is served (the default page at the root)."""
    return f"{base}/" if name == DEFAULT_PAGE else f"{base}/{name}"


def wait_ready(page: Any, charts: int = 0) -> None:
    """Until the page's title is up, the script is idle, no element is still loading, and
    at least ``charts`` charts (and every chart present) have drawn. Charts mount lazily,
    after the script has finished, so the count is what tells a drawn page."""
    page.wait_for_selector("h1", timeout=READY_TIMEOUT_MS)
    page.wait_for_selector(_IDLE, timeout=READY_TIMEOUT_MS)
    page.wait_for_function(
        """([chart, drawn, expected]) => {
             const present = document.querySelectorAll(chart).length;
             const done = document.querySelectorAll(drawn).length;
             return done >= expected && done === present &&
                    document.querySelectorAll('[data-testid="stSkeleton"]').length === 0;
           }""",
        arg=[CHART, DRAWN_CHART, charts],
        timeout=READY_TIMEOUT_MS,
    )

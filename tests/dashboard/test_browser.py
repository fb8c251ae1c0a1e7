"""The real ``jevons dashboard`` on the demo's store, every page opened in headless
Chromium (Debian's ``/usr/bin/chromium`` through Playwright): no Streamlit exception, every
chart drawn by vega-embed, and a screenshot of each page in ``test-artifacts/dashboard/``.

Without Chromium this test skips with the reason, unless ``JEVONS_REQUIRE_BROWSER=1`` (CI
sets it in ``.ci/run``): then it fails, so CI can never pass without running it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.browsing import EXCEPTION, PAGES, chromium_path, launch, visit, wait_ready
from tests.dashboard.conftest import STORE_BUILD_TIMEOUT, DashboardStores
from tests.dashboard.serving import running_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(STORE_BUILD_TIMEOUT)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"


def _missing(reason: str) -> None:
    if os.environ.get("JEVONS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and JEVONS_REQUIRE_BROWSER=1 forbids skipping the browser test")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    if chromium_path() is None:
        _missing("chromium is not installed (apt-get install chromium)")
    with sync_playwright() as driver:
        yield driver


def test_every_page_renders_its_charts_in_chromium(playwright: Any, demo_store: Path) -> None:
    with running_dashboard(demo_store, ARTIFACTS / "server.log") as (base, _):
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            for name, charts in PAGES.items():
                seen = visit(page, base, name, charts=charts, screenshot=ARTIFACTS / f"{name}.png")
                assert seen.exceptions == 0, f"{name}: {seen.exception_text}"
                assert seen.dialogs == 0, f"{name}: a dialog (page not found?) is open"
                assert seen.drawn_charts == seen.charts >= charts, seen
                assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
            assert errors == []
        finally:
            browser.close()


def test_filters_chosen_in_the_sidebar_hold_when_moving_between_pages(
    playwright: Any, dashboard_stores: DashboardStores
) -> None:
    store = dashboard_stores.full  # two repositories: the combined view in a real browser
    with running_dashboard(store, ARTIFACTS / "server-filters.log") as (base, _):
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            visit(page, base, "overview", charts=PAGES["overview"])
            page.locator(".st-key-filter_path input").fill("services/")
            page.locator(".st-key-filter_path input").press("Enter")
            page.get_by_role("link", name="Hotspots").click()
            page.wait_for_url(f"{base}/hotspots")
            page.get_by_role("heading", name="Hotspots").wait_for(timeout=120_000)
            page.get_by_text("paths under services/").wait_for(timeout=120_000)
            wait_ready(page, PAGES["hotspots"])
            assert page.locator(".st-key-filter_path input").input_value() == "services/"
            assert page.locator(EXCEPTION).count() == 0
            page.screenshot(path=str(ARTIFACTS / "hotspots-filtered.png"), full_page=True)
        finally:
            browser.close()

"""The quarterly review opened in headless Chromium (Debian's, through Playwright) with
every network request refused: the page asks for nothing but itself, draws every chart,
logs no console error, shows hostile text as text, and prints to PDF. Screenshots and
the PDF go to ``test-artifacts/review/``.

Without Chromium this test skips with the reason, unless ``JEVONS_REQUIRE_BROWSER=1``
(CI sets it): then it fails, so CI can never pass without running it (the dashboard's
browser test's ``playwright`` fixture decides).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analyzer.reports.escaping import plain_text
from analyzer.reports.review import write_review
from analyzer.scope import Scope
from tests.dashboard.browsing import launch
from tests.dashboard.conftest import HOSTILE, STORE_BUILD_TIMEOUT, demo_store  # noqa: F401
from tests.dashboard.test_browser import playwright  # noqa: F401 (the fixture)
from tests.support.report_html import hostile_store, text_of

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(STORE_BUILD_TIMEOUT)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "review"
#: Charts every review of a store with incidents draws for all repositories together.
COMBINED_CHARTS = 9
#: Charts of each repository's own section: changes, waterfall, failure rate, incident
#: rate, hotspots (some may have nothing to draw for a tiny repository).
SECTION_CHARTS = 5


def open_offline(browser: Any, page_file: Path) -> tuple[Any, list[str], list[str], list[str]]:
    """Open ``page_file`` with every request but the page itself aborted; return the page,
    the URLs requested, the console errors and the page errors."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requested: list[str] = []
    console_errors: list[str] = []
    page_errors: list[str] = []
    own = page_file.resolve().as_uri()
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url == own else route.abort("blockedbyclient")
        ),
    )
    page.goto(own, wait_until="load")
    return page, requested, console_errors, page_errors


def drawn_charts(page: Any) -> list[dict[str, Any]]:
    """Each inline SVG chart with its size and how many marks it drew."""
    return page.eval_on_selector_all(
        "svg.chart",
        """svgs => svgs.map(s => ({
            label: s.getAttribute('aria-label'),
            width: s.getBoundingClientRect().width,
            height: s.getBoundingClientRect().height,
            marks: s.querySelectorAll('rect, path, circle, line').length,
        }))""",
    )


def test_review_renders_offline_with_every_chart_and_no_error(
    playwright: Any,  # noqa: F811
    demo_store: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "review.html"
    write_review(Scope(date_from="2026-01-01", date_to="2026-03-31"), out=out, db=demo_store)
    browser = launch(playwright)
    try:
        page, requested, console_errors, page_errors = open_offline(browser, out)
        assert requested == [out.resolve().as_uri()]  # nothing else was even attempted
        assert console_errors == [] and page_errors == []
        charts = drawn_charts(page)
        assert len(charts) == COMBINED_CHARTS
        for chart in charts:
            assert chart["width"] > 300 and chart["height"] > 100, chart
            assert chart["marks"] >= 5, chart
        assert page.locator("script, img, iframe, link[rel]").count() == 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
        page.emulate_media(media="print")
        page.pdf(path=str(ARTIFACTS / "review.pdf"), format="A4")
        assert (ARTIFACTS / "review.pdf").stat().st_size > 50_000
        assert requested == [out.resolve().as_uri()]  # printing fetched nothing either
    finally:
        browser.close()


def test_hostile_text_shows_as_text_in_the_browser(
    playwright: Any,  # noqa: F811
    demo_store: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    db = hostile_store(demo_store, tmp_path)
    out = tmp_path / "hostile-review.html"
    review = write_review(Scope(date_from="2025-01-01", date_to="2025-03-31"), out=out, db=db)
    browser = launch(playwright)
    try:
        page, requested, console_errors, page_errors = open_offline(browser, out)
        assert requested == [out.resolve().as_uri()]
        assert console_errors == [] and page_errors == []
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        shown = " ".join(page.inner_text("body").split())
        assert text_of(plain_text(HOSTILE, limit=120)) in shown
        assert "<script>alert(1)</script>" in shown and "<img src=x onerror=alert(1)>" in shown
        assert page.locator("script, img").count() == 0
        hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.getAttribute('href'))")
        assert hrefs and all(href.startswith("#") for href in hrefs)
        charts = drawn_charts(page)
        sections = len(review.per_repo)
        assert sections == 2
        assert (
            COMBINED_CHARTS + sections * 3
            <= len(charts)
            <= (COMBINED_CHARTS + sections * SECTION_CHARTS)
        )
        assert all(chart["marks"] >= 2 for chart in charts)
        page.wait_for_timeout(300)
        assert dialogs == []  # no alert() ran
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "hostile-review.png"), full_page=True)
    finally:
        browser.close()

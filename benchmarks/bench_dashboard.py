"""Dashboard: every page timed on a store of 100,000 commits and 5,000 incidents (target:
each page ready within 3 s after the first load), and a bounded load test (issue 9): 20
concurrent browser sessions on the demo's store for 2 minutes, reporting errors and the
server's memory growth.

Both drive the real ``jevons dashboard`` in headless Chromium (Debian's, via Playwright).
The large store comes from the analysis benchmark's synthetic builder
(``analyzer.analysis.synthetic``), written in bulk. A page is ready when its script has
finished and every chart it draws is on screen. "First load" opens the app in a new
session (the analysis runs once and is cached); each page is then timed twice: reached
from the sidebar in the same session, and opened by its URL in a fresh session.

``BENCH_LOAD_SESSIONS`` and ``BENCH_LOAD_SECONDS`` change the load test's size;
``BENCH_DASHBOARD_STORE`` times the pages on an existing store instead of a generated one.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from analyzer.analysis.synthetic import CLASSES, SyntheticSpec, build_store
from benchmarks.context import BenchContext
from tests.dashboard.browsing import (
    CHROMIUM_ARGS,
    EXCEPTION,
    PAGES,
    chromium_path,
    launch,
    page_url,
    visit,
    wait_ready,
)
from tests.dashboard.serving import running_dashboard

TARGET_SECONDS = 3.0
TITLES = {
    "overview": "Overview",
    "growth": "Growth",
    "incidents": "Incidents",
    "jevons": "Jevons",
    "hotspots": "Hotspots",
    "evidence": "Evidence",
}
WEEKS = 208
# About 100,000 commits over four years; rates give about 5,000 incidents in all.
SPEC = SyntheticSpec(
    weeks=WEEKS,
    adoption_week=104,
    commits_per_week_before=350.0,
    commits_per_week_after=612.0,
    ai_share_after=0.5,
    rate_before={c: 0.045 for c in CLASSES},
    rate_after={c: 0.045 for c in CLASSES},
    unlinked_per_week_before=2.0,
    unlinked_per_week_after=3.0,
    files=5000,
)
LOAD_SESSIONS = int(os.environ.get("BENCH_LOAD_SESSIONS", "20"))
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "120"))
#: The stated bound on the server's memory growth under steady load (resident set, from
#: half-way through the load test to its end; measured runs grew by -5 to +12 MB).
MEMORY_BOUND_MB = 100.0


def run(context: BenchContext) -> None:
    if chromium_path() is None:
        print("skipped: chromium is not installed (apt-get install chromium)")
        return
    store = large_store(context.scratch)
    time_pages(store, context.scratch / "dashboard-bench.log")
    load_test(_demo_store(context.scratch), context.scratch / "dashboard-load.log")


def large_store(scratch: Path) -> Path:
    """The store of 100,000 commits: ``BENCH_DASHBOARD_STORE``, else built once per run
    in ``scratch`` (the reports benchmark uses it too, whichever of the two runs first)."""
    if os.environ.get("BENCH_DASHBOARD_STORE"):
        return Path(os.environ["BENCH_DASHBOARD_STORE"])
    path = scratch / "dashboard-bench.duckdb"
    if path.exists():
        print(f"reusing the synthetic store {path.name} built earlier in this run")
        return path
    started = time.perf_counter()
    store = build_store(path, SPEC)
    commits, incidents = (
        store.query("SELECT count(*) FROM commits")[0][0],
        store.query("SELECT count(*) FROM incidents")[0][0],
    )
    print(
        f"synthetic store: {commits:,} commits, {incidents:,} incidents "
        f"(built in {time.perf_counter() - started:.1f}s)"
    )
    return path


def _demo_store(scratch: Path) -> Path:
    """The store ``jevons demo`` builds, by the demo's own pipeline steps."""
    from tests.dashboard.conftest import build_demo_store

    started = time.perf_counter()
    store = build_demo_store(scratch / "dashboard-demo")
    print(f"demo store built by the demo pipeline in {time.perf_counter() - started:.0f}s")
    return store


def time_pages(store: Path, log: Path) -> dict[str, tuple[float, float]]:
    """Seconds until each page is ready: from the sidebar, and in a fresh session."""
    from playwright.sync_api import sync_playwright

    timings: dict[str, tuple[float, float]] = {}
    with running_dashboard(store, log) as (base, _), sync_playwright() as driver:
        browser = launch(driver)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        first = visit(page, base, "overview", charts=PAGES["overview"])
        print(f"first load (overview, analysis not yet cached): {first.seconds:.1f}s")
        for name, charts in PAGES.items():
            from_sidebar = _through_sidebar(page, base, name, charts)
            fresh = visit(browser.new_page(), base, name, charts=charts).seconds
            timings[name] = (from_sidebar, fresh)
        browser.close()
    print(
        f"{'page':<10} {'from sidebar':>13} {'fresh session':>14}  (target < {TARGET_SECONDS:.0f}s)"
    )
    for name, (sidebar, fresh) in timings.items():
        verdict = "ok" if max(sidebar, fresh) < TARGET_SECONDS else "OVER TARGET"
        print(f"{name:<10} {sidebar:>12.2f}s {fresh:>13.2f}s  {verdict}")
    return timings


def _through_sidebar(page: Any, base: str, name: str, charts: int) -> float:
    started = time.perf_counter()
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=TITLES[name]).click()
    page.wait_for_url(page_url(base, name))
    page.get_by_role("heading", name=TITLES[name]).first.wait_for(timeout=120_000)
    wait_ready(page, charts)
    seconds = time.perf_counter() - started
    if page.locator(EXCEPTION).count():
        raise RuntimeError(f"{name}: the page shows an exception")
    return seconds


@dataclass
class LoadReport:
    """What the sessions saw and what the server used."""

    loads: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rss_mb: list[tuple[float, float]] = field(default_factory=list)


def load_test(
    store: Path, log: Path, sessions: int = LOAD_SESSIONS, seconds: float = LOAD_SECONDS
) -> LoadReport:
    """``sessions`` browser sessions opening random pages for ``seconds`` on loopback."""
    report = LoadReport()
    with running_dashboard(store, log) as (base, process):
        server = psutil.Process(process.pid)
        stop = threading.Event()
        sampler = threading.Thread(target=_sample_memory, args=(server, report, stop))
        sampler.start()
        try:
            asyncio.run(_sessions(base, sessions, seconds, report))
        finally:
            stop.set()
            sampler.join()
    _print_load(report, sessions, seconds)
    return report


def _sample_memory(server: psutil.Process, report: LoadReport, stop: threading.Event) -> None:
    started = time.monotonic()
    while not stop.wait(1.0):
        try:
            rss = server.memory_info().rss / 2**20
        except psutil.Error:
            return
        report.rss_mb.append((time.monotonic() - started, rss))


async def _sessions(base: str, sessions: int, seconds: float, report: LoadReport) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        await _warm_up(browser, base)
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(_one_session(browser, base, i, deadline, report) for i in range(sessions))
        )
        await browser.close()


async def _warm_up(browser: Any, base: str) -> None:
    """One session opens the app first, so the analysis is cached before the clock starts
    (the load test measures serving, not the first analysis)."""
    page = await browser.new_page()
    await page.goto(page_url(base, "overview"), wait_until="domcontentloaded")
    await page.wait_for_selector(".st-key-overview_cfr_chart", timeout=600_000)
    await page.close()


async def _one_session(
    browser: Any, base: str, number: int, deadline: float, report: LoadReport
) -> None:
    rng = random.Random(number)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda error: report.errors.append(f"session {number}: {error}"))
    while time.monotonic() < deadline:
        name = rng.choice(list(PAGES))
        started = time.monotonic()
        try:
            await page.goto(page_url(base, name), wait_until="domcontentloaded", timeout=120_000)
            await page.wait_for_selector("h1", timeout=120_000)
            await page.wait_for_selector(
                '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000
            )
            if await page.locator(EXCEPTION).count():
                report.errors.append(f"session {number}: exception on {name}")
            report.loads.append(time.monotonic() - started)
        except Exception as error:  # a timeout or a dropped connection is an error to count
            report.errors.append(f"session {number}: {name}: {error}")
    await context.close()


def _print_load(report: LoadReport, sessions: int, seconds: float) -> None:
    loads = sorted(report.loads)
    print(
        f"\nload: {sessions} sessions for {seconds:.0f}s: {len(loads)} page loads, "
        f"{len(report.errors)} errors"
    )
    if loads:
        p95 = loads[min(len(loads) - 1, int(0.95 * len(loads)))]
        print(
            f"page load: median {statistics.median(loads):.2f}s, p95 {p95:.2f}s, "
            f"max {loads[-1]:.2f}s"
        )
    for error in report.errors[:10]:
        print(f"  error: {error[:200]}")
    if len(report.rss_mb) >= 2:
        rss = [mb for _, mb in report.rss_mb]
        half = rss[len(rss) // 2]  # by then every session has loaded pages: steady state
        growth = rss[-1] - half
        verdict = "ok" if growth <= MEMORY_BOUND_MB else "OVER BOUND"
        print(
            f"server memory (RSS): start {rss[0]:.0f} MB, half-way {half:.0f} MB, "
            f"peak {max(rss):.0f} MB, end {rss[-1]:.0f} MB; growth over the second half "
            f"{growth:+.0f} MB (bound {MEMORY_BOUND_MB:.0f} MB: {verdict})"
        )

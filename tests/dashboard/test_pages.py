"""Every page of the dashboard, driven by AppTest on stores the real pipeline built: the
two-repository sample store, the stages before it (commits only, incidents not linked),
an empty store and a missing file. Widgets and blocks are found by key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from analyzer.analysis import analyze
from analyzer.scope import Scope
from dashboard.escaping import escape_markdown
from tests.dashboard.conftest import STORE_BUILD_TIMEOUT, DashboardStores
from tests.dashboard.pages import (
    PAGES,
    charts,
    codes,
    metric,
    open_app,
    rerun,
    show,
    table,
    texts,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(STORE_BUILD_TIMEOUT)]

SIDEBAR_KEYS = ("filter_repo", "filter_dates", "filter_path", "filter_service", "filter_reset")
#: Per page: the widgets and keyed blocks it must show on a full store, and its charts.
PAGE_KEYS: dict[str, tuple[tuple[str, ...], int]] = {
    "overview": (
        (
            "overview_cfr_chart",
            "overview_revert_chart",
            "overview_growth_table",
            "overview_compare_repos",
        ),
        2,
    ),
    "growth": (
        (
            "growth_grain",
            "growth_flow",
            "growth_level",
            "growth_flow_chart",
            "growth_level_chart",
            "growth_share_chart",
            "growth_class_table",
        ),
        3,
    ),
    "incidents": (
        (
            "incidents_grain",
            "incidents_timeline_chart",
            "incidents_table",
            "incident_pick",
            "incident_links_table",
        ),
        1,
    ),
    "jevons": (("jevons_waterfall_chart", "jevons_class_table", "jevons_separation_table"), 1),
    "hotspots": (("hotspots_chart", "hotspots_table", "hotspot_pick", "hotspot_trend_chart"), 2),
    "evidence": (
        (
            "evidence_findings",
            "evidence_findings_table",
            "evidence_family",
            "evidence_tests_table",
            "evidence_coverage_table",
        ),
        0,
    ),
}


def store_rows(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_its_widgets_and_charts_on_the_sample_store(
    dashboard_stores: DashboardStores, page: str
) -> None:
    app = show(open_app(dashboard_stores.full), page)
    keys, chart_count = PAGE_KEYS[page]
    for key in (*SIDEBAR_KEYS, *keys):
        assert app.get_by_key(key) is not None
    assert charts(app) >= chart_count
    assert not app.error


def test_overview_states_the_verdict_with_its_evidence_level(
    dashboard_stores: DashboardStores,
) -> None:
    app = open_app(dashboard_stores.full)
    shown = " ".join(texts(app))
    assert "Verdict" in shown
    assert "Evidence level" in shown
    assert "Primary driver" in shown


def test_filters_hold_on_every_page(dashboard_stores: DashboardStores) -> None:
    app = open_app(dashboard_stores.full)
    app.selectbox(key="filter_repo").set_value("repo-2")
    app.text_input(key="filter_path").set_value("services/")
    rerun(app)
    for page in PAGES:
        show(app, page)
        assert app.selectbox(key="filter_repo").value == "repo-2"
        assert app.text_input(key="filter_path").value == "services/"
        assert any("repository repo\\-2" in t for t in texts(app)), page


def test_combined_view_counts_the_changes_of_every_repository(
    dashboard_stores: DashboardStores,
) -> None:
    app = open_app(dashboard_stores.full)
    combined = int(metric(app, "Changes shipped").replace(",", ""))
    each = []
    for repo in ("repo", "repo-2"):
        app.selectbox(key="filter_repo").set_value(repo)
        rerun(app)
        each.append(int(metric(app, "Changes shipped").replace(",", "")))
    assert all(n > 0 for n in each)
    assert combined == sum(each)


def test_compare_repositories_lists_each_repository(dashboard_stores: DashboardStores) -> None:
    app = open_app(dashboard_stores.full)
    app.toggle(key="overview_compare_repos").set_value(True)
    rerun(app)
    rows = table(app, "overview_repo_table")
    assert list(rows["Repository"]) == ["repo", "repo-2"]
    assert set(rows["Driver"]) <= {"volume", "mix", "rate", "none", "inconclusive"}


def test_date_range_narrows_the_figures(dashboard_stores: DashboardStores) -> None:
    app = open_app(dashboard_stores.full)
    everything = int(metric(app, "Changes shipped").replace(",", ""))
    first, last = app.date_input(key="filter_dates").value
    middle = first + (last - first) / 2
    app.date_input(key="filter_dates").set_value((first, middle))
    rerun(app)
    half = int(metric(app, "Changes shipped").replace(",", ""))
    assert 0 < half < everything
    assert any(f"the start to {middle.isoformat()}".replace("-", "\\-") in t for t in texts(app))


def test_incident_shows_its_linked_commits_and_why(dashboard_stores: DashboardStores) -> None:
    incident, links = store_rows(
        dashboard_stores.full,
        "SELECT incident_id, count(*) FROM incident_links WHERE role = 'inducing' "
        "GROUP BY incident_id ORDER BY count(*) DESC, incident_id LIMIT 1",
    )[0]
    everything = store_rows(
        dashboard_stores.full,
        "SELECT count(*) FROM incident_links WHERE incident_id = ?",
        [incident],
    )[0][0]
    app = show(open_app(dashboard_stores.full), "incidents")
    app.selectbox(key="incident_pick").set_value(incident)
    rerun(app)
    rows = table(app, "incident_links_table")
    assert len(rows) == everything
    assert (rows["Role"] == "Inducing").sum() == links
    assert rows["How linked"].str.len().min() > 0
    assert rows["Why (evidence)"].notna().all()


def test_service_filter_narrows_the_incident_list(dashboard_stores: DashboardStores) -> None:
    service = store_rows(
        dashboard_stores.full,
        "SELECT service FROM incidents WHERE service IS NOT NULL "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )[0][0]
    app = show(open_app(dashboard_stores.full), "incidents")
    app.selectbox(key="filter_service").set_value(service)
    rerun(app)
    rows = table(app, "incidents_table")
    assert len(rows) > 0
    assert set(rows["Service"]) == {service}


def test_path_prefix_narrows_hotspots(dashboard_stores: DashboardStores) -> None:
    app = show(open_app(dashboard_stores.full), "hotspots")
    first = table(app, "hotspots_table")["Path"][0]
    prefix = "/".join(first.split("/")[:2]) + "/"
    app.text_input(key="filter_path").set_value(prefix)
    rerun(app)
    paths = table(app, "hotspots_table")["Path"]
    assert len(paths) > 0
    assert all(p.startswith(prefix) for p in paths)
    app.text_input(key="filter_path").set_value("no/such/prefix/")
    rerun(app)
    assert any("No hotspot" in t for t in texts(app))


def test_choosing_a_hotspot_draws_its_complexity_trend(dashboard_stores: DashboardStores) -> None:
    app = show(open_app(dashboard_stores.full), "hotspots")
    ranked = table(app, "hotspots_table")
    assert len(ranked) > 1
    app.selectbox(key="hotspot_pick").set_value(2)
    rerun(app)
    assert len(app.get_by_key("hotspot_trend_chart").get("vega_lite_chart")) == 1
    assert any(escape_markdown(ranked["Path"][1]) in t for t in texts(app))


def test_evidence_lists_every_test_with_raw_and_holm_p_values(
    dashboard_stores: DashboardStores,
) -> None:
    app = show(open_app(dashboard_stores.full), "evidence")
    tests = table(app, "evidence_tests_table")
    assert len(tests) > 0
    paired = tests.dropna(subset=["p_value", "p_holm"])
    assert len(paired) > 0
    assert (paired["p_holm"] >= paired["p_value"] - 1e-12).all()
    families = app.selectbox(key="evidence_family").options
    app.selectbox(key="evidence_family").set_value(families[1])
    rerun(app)
    narrowed = table(app, "evidence_tests_table")
    assert 0 < len(narrowed) <= len(tests)
    assert set(narrowed["family"]) == {families[1]}


@pytest.mark.parametrize("page", PAGES)
def test_empty_store_page_says_to_mine_first(empty_store: Path, page: str) -> None:
    app = show(open_app(empty_store), page)
    assert any("No repositories mined yet" in t for t in texts(app))
    assert any(c.startswith("jevons mine REPO --db") for c in codes(app))
    assert charts(app) == 0


def test_missing_store_file_is_reported_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    app = open_app(missing)
    assert any("no store here yet" in t for t in texts(app))
    assert not missing.exists()


@pytest.mark.parametrize("page", ["incidents", "jevons"])
def test_store_without_incidents_says_to_import_them(
    dashboard_stores: DashboardStores, page: str
) -> None:
    app = show(open_app(dashboard_stores.commits_only), page)
    assert any("No incidents yet" in t for t in texts(app))
    assert any(c.startswith("jevons incidents import FILE") for c in codes(app))


@pytest.mark.parametrize("page", ["overview", "growth", "hotspots", "evidence"])
def test_store_without_incidents_still_shows_growth_and_code(
    dashboard_stores: DashboardStores, page: str
) -> None:
    app = show(open_app(dashboard_stores.commits_only), page)
    assert not app.error
    assert charts(app) >= PAGE_KEYS[page][1] - (1 if page == "overview" else 0)
    if page == "overview":  # reverts need no incident records; a 0% from incidents would lie
        assert app.get_by_key("overview_revert_chart") is not None
        with pytest.raises(KeyError):
            app.get_by_key("overview_cfr_chart")


def test_store_with_unlinked_incidents_says_to_link_them(
    dashboard_stores: DashboardStores,
) -> None:
    app = show(open_app(dashboard_stores.unlinked), "incidents")
    assert any(c.startswith("jevons link") for c in codes(app))
    rows = table(app, "incidents_table")
    assert (
        len(rows) == store_rows(dashboard_stores.unlinked, "SELECT count(*) FROM incidents")[0][0]
    )


def test_a_two_day_range_with_too_little_data_renders_every_page(
    dashboard_stores: DashboardStores,
) -> None:
    app = open_app(dashboard_stores.full)
    first, _ = app.date_input(key="filter_dates").value
    app.date_input(key="filter_dates").set_value((first, first + dt.timedelta(days=2)))
    for page in PAGES:
        show(app, page)


def test_jevons_page_compares_two_chosen_quarters(dashboard_stores: DashboardStores) -> None:
    app = show(open_app(dashboard_stores.full), "jevons")
    app.radio(key="jevons_periods").set_value("Two quarters")
    rerun(app)
    quarter_a = app.selectbox(key="jevons_quarter_a").value
    quarter_b = app.selectbox(key="jevons_quarter_b").value
    assert quarter_a != quarter_b
    year, number = quarter_b.split(" Q")
    start = dt.date(int(year), 3 * (int(number) - 1) + 1, 1)
    assert any(escape_markdown(f"period B: {start.isoformat()}") in t for t in texts(app))
    assert len(app.get_by_key("jevons_waterfall_chart").get("vega_lite_chart")) == 1


def test_overview_shows_the_analysis_verdict_for_each_repository_and_combined(
    dashboard_stores: DashboardStores,
) -> None:
    app = open_app(dashboard_stores.full)
    for repo in (None, "repo", "repo-2"):
        if repo is not None:
            app.selectbox(key="filter_repo").set_value(repo)
            rerun(app)
        expected = analyze(dashboard_stores.full, Scope(repo=repo)).verdict.statement
        assert "**" + escape_markdown(expected, limit=1000) + "**" in texts(app), repo

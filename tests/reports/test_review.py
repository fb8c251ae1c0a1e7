"""The quarterly review as a file: what it says (checked against the store with plain SQL
and against the analysis), that nothing in it fetches anything, that hostile text is
text, and the SVG charts it embeds."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from analyzer.analysis import analyze
from analyzer.errors import ReportError, StoreError
from analyzer.reports import svg
from analyzer.reports.escaping import plain_text
from analyzer.reports.review import build_review, render_review_html, write_review
from analyzer.reports.review_data import ReviewPeriods, review_periods
from analyzer.scope import Scope
from analyzer.store import open_store
from sample_repos.generate import generate_scenario
from tests.dashboard.conftest import HOSTILE, STORE_BUILD_TIMEOUT, demo_store  # noqa: F401
from tests.support.mining_repos import run_jevons
from tests.support.report_html import Document, hostile_store, text_of

QUARTER = ("2026-01-01", "2026-03-31")


def _months(first: str, last: str, repo: str | None = None) -> Scope:
    return Scope(date_from=first, date_to=last, repo=repo)


slow = [pytest.mark.slow, pytest.mark.timeout(STORE_BUILD_TIMEOUT)]


@pytest.fixture(scope="module")
def demo_review(demo_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    out = tmp_path_factory.mktemp("review") / "review.html"
    review = write_review(_months(*QUARTER), out=out, db=demo_store)
    return review, out.read_text(encoding="utf-8"), demo_store


@pytest.fixture(scope="module")
def hostile_review(demo_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    where = tmp_path_factory.mktemp("hostile-review")
    db = hostile_store(demo_store, where)
    review = build_review(_months("2025-01-01", "2025-03-31"), db)
    return review, render_review_html(review), db


def _periods(first: str, last: str) -> ReviewPeriods:
    return review_periods(dt.date.fromisoformat(first), dt.date.fromisoformat(last))


def test_periods_are_whole_months_compared_with_as_many_before() -> None:
    quarter = _periods("2026-01-01", "2026-03-31")
    assert (quarter.current.label, quarter.previous.label) == ("Q1 2026", "Q4 2025")
    assert quarter.previous.start == dt.date(2025, 10, 1)
    assert quarter.current.end == dt.date(2026, 4, 1)
    half = review_periods(dt.date(2025, 2, 1), dt.date(2025, 7, 31))
    assert half.months == 6 and half.previous.start == dt.date(2024, 8, 1)
    assert half.current.label == "2025-02 – 2025-07"
    assert _periods("2025-03-01", "2025-03-31").current.label == "2025-03"
    assert _periods("2025-01-01", "2025-12-31").previous.label == "2024"
    for bad in (
        ("2026-01-02", "2026-03-31"),
        ("2026-01-01", "2026-03-30"),
        ("2026-04-01", "2026-03-31"),
    ):
        with pytest.raises(ReportError, match=r"--from .* whole calendar months"):
            _periods(*bad)
    # a date that is no date is refused when the scope is built (tests/test_scope.py)


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_quarter_figures_match_plain_sql_on_the_store(demo_review) -> None:
    review, html, db = demo_review
    store = open_store(db, read_only=True, missing="error")
    changes, ai, bots = store.query(  # a change's class: a merge's is its branch's
        "SELECT count(*), count(*) FILTER (WHERE change_authorship IN ('ai_assisted', "
        "'ai_authored')), count(*) FILTER (WHERE change_authorship = 'automation') FROM commits"
        " WHERE committed_at >= '2026-01-01' AND committed_at < '2026-04-01'"
    )[0]
    incidents = store.query(
        "SELECT count(*) FROM incidents WHERE created_at >= '2026-01-01' "
        "AND created_at < '2026-04-01'"
    )[0][0]
    volume = {row.label: row for row in review.combined.volume}
    assert volume["Changes shipped"].current == changes > 0
    assert volume["AI share of changes (bots left out)"].current == pytest.approx(
        ai / (changes - bots)
    )
    assert review.combined.incidents[0].current == incidents > 0
    shown = Document(html).text
    assert f"Changes shipped {volume['Changes shipped'].previous:,.0f} {changes:,}" in shown
    assert f"Incidents {review.combined.incidents[0].previous:,.0f} {incidents:,}" in shown


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_verdict_decomposition_and_tests_are_the_analysis_own(demo_review) -> None:
    _, html, db = demo_review
    result = analyze(
        db,
        Scope(date_to="2026-03-31"),
        period_a=("2025-10-01", "2026-01-01"),
        period_b=("2026-01-01", "2026-04-01"),
    )
    text = Document(html).text
    assert text_of(plain_text(result.verdict.statement, limit=600)) in text
    d = result.decomposition
    assert d.volume_effect.value is not None and d.volume_effect.ci_low is not None
    assert (
        f"Volume effect: more (or fewer) changes at the same class mix and rates "
        f"{d.volume_effect.value:+,.1f} 95% CI {d.volume_effect.ci_low:,.1f} to "
        f"{d.volume_effect.ci_high:,.1f}" in text
    )
    tests = (
        len(result.change_failure_comparisons)
        + len(result.incident_rates.comparisons)
        + len(result.reverts.comparisons)
        + len(result.count_model.terms)
        + len(result.time_series.tests)
    )
    evidence = html.split('id="evidence"')[1].split('id="method"')[0]
    assert evidence.count("<tr><td>") == tests > 0  # every test run is listed
    for name in result.method_notes:
        assert name.replace("_", " ").capitalize() in text
    for section in (
        "Executive summary",
        "Volume, complexity and AI share",
        "Incidents and on-call load",
        "The Jevons decomposition",
        "Change failure rate by class",
        "Hotspots",
        "Evidence and caveats",
        "Methodology",
    ):
        assert f">{section}</h2>" in html
    assert "Each repository" not in text  # one repository: no per-repository sections


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_nothing_in_the_review_fetches_anything(demo_review) -> None:
    _, html, _ = demo_review
    document = Document(html)
    tags = {tag for tag, _ in document.elements}
    assert not tags & {
        "script",
        "img",
        "iframe",
        "link",
        "object",
        "embed",
        "video",
        "audio",
        "source",
        "form",
        "base",
        "image",
        "use",
        "foreignobject",
    }
    assert document.fetching_attributes() == []
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.IGNORECASE)
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html  # the CSP forbids fetching even if something slipped in
    assert sum(1 for tag, _ in document.elements if tag == "svg") == 9


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_hostile_text_from_every_source_is_escaped_text(hostile_review) -> None:
    review, html, db = hostile_review
    document = Document(html)
    assert {tag for tag, _ in document.elements} & {"script", "img", "a"} == {"a"}
    links = [attrs.get("href") for tag, attrs in document.elements if tag == "a"]
    assert all(link and link.startswith("#") for link in links), links  # the contents only
    assert not any(name.startswith("on") for _, attrs in document.elements for name in attrs)
    assert "<script>" not in html and "<b>Mallory</b>" not in html
    text = document.text
    hostile = text_of(plain_text(HOSTILE, limit=120))
    assert hostile in text  # incident title (and its inducing commit's subject) as text
    author = open_store(db, read_only=True, missing="error").query(
        "SELECT author_name FROM commits WHERE author_name LIKE '%Mallory%'"
    )[0][0]
    assert "Mallory" in author and "[x](https://evil.example)" in author
    assert text_of(author) in text  # the inducing commit's author, as git recorded it
    assert len(review.per_repo) == 2 and "hostile-repo" in review.repos
    assert text_of(plain_text("src/[evil](https:/evil.example)/*x*_<b>.py")) in text  # hotspot
    assert document.fetching_attributes() == []


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_scenario_hostile_incident_title_is_text(demo_store: Path) -> None:  # noqa: F811
    truth = generate_scenario("jevons-volume").load_truth()
    incident = next(i for i in truth["incidents"] if "<b>" in i["title"])
    html = render_review_html(build_review(_months("2025-10-01", "2025-12-31"), demo_store))
    assert incident["title"] in Document(html).text
    assert "<b>raw HTML</b>" not in html


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_each_repository_gets_a_section_or_one_is_chosen(
    hostile_review,
    demo_store: Path,  # noqa: F811
) -> None:
    review, html, _ = hostile_review
    assert [s.title for s in review.per_repo] == list(review.repos)
    assert html.count('<section class="repo">') == 2
    one = build_review(_months("2025-01-01", "2025-03-31", repo="repo"), demo_store)
    assert one.per_repo == () and one.repos == ("repo",)
    with pytest.raises(ReportError, match="--repo elsewhere: not in the store"):
        build_review(_months("2025-01-01", "2025-03-31", repo="elsewhere"), demo_store)


def test_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store here yet"):
        build_review(_months(*QUARTER), tmp_path / "none.duckdb")


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_cli_writes_the_review_and_refuses_part_months(
    demo_store: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "q.html"
    run = run_jevons(
        "report",
        "review",
        "--from",
        QUARTER[0],
        "--to",
        QUARTER[1],
        "--out",
        str(out),
        "--db",
        str(demo_store),
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "review of Q1 2026" in run.stderr
    bad = run_jevons(
        "report",
        "review",
        "--from",
        "2026-01-15",
        "--to",
        QUARTER[1],
        "--db",
        str(demo_store),
        cwd=tmp_path,
    )
    assert bad.returncode == 2 and "whole calendar months" in bad.stderr


def test_svg_text_is_escaped_and_charts_have_titles() -> None:
    chart = svg.bar_list(
        "Hotspots <b>", [("<script>alert(1)</script>", 3.0), ("a&b", 1.0)], x_label="x", fmt=str
    )
    assert "<script>" not in chart and "&lt;script&gt;" in chart and "a&amp;b" in chart
    assert chart.startswith('<svg class="chart" role="img" aria-label="Hotspots &lt;b&gt;"')
    document = Document(str(chart))
    assert {tag for tag, _ in document.elements} <= {"svg", "title", "text", "rect", "line"}


def test_nice_ticks_cover_the_range_with_round_steps() -> None:
    assert svg.nice_ticks(0, 97) == [0, 20, 40, 60, 80, 100]
    assert svg.nice_ticks(-1.9, 12.0) == [-5, 0, 5, 10, 15]
    assert svg.nice_ticks(0.0, 0.0) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert svg.nice_ticks(float("nan"), 1.0) == [0.0, 1.0]


def test_a_line_with_gaps_is_drawn_in_pieces() -> None:
    chart = svg.line_chart(
        "t",
        ["a", "b", "c", "d", "e"],
        [svg.Series("s", "#000", [1.0, 2.0, None, 3.0, 4.0])],
        y_label="y",
        fmt=str,
    )
    assert chart.count("<path ") == 2


def test_waterfall_ends_at_the_last_total() -> None:
    steps = [
        svg.Step("A", 0, 10, total=True),
        svg.Step("up", 10, 14, 12, 16),
        svg.Step("B", 0, 14, total=True),
    ]
    chart = str(svg.waterfall_chart("w", steps, y_label="n", fmt=lambda v: f"{v:,.0f}"))
    assert chart.count("<rect ") == 3 and ">+4.0<" in chart and ">14<" in chart

"""The quarterly review narrowed to a path prefix or a service, on the hand-worked store of
:mod:`tests.support.scope_repos`: its incidents are the ones the analysis of that scope counts, and
the page says what it was narrowed to."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from analyzer.analysis import analyze
from analyzer.mining import mine_repositories
from analyzer.reports.review import build_review, render_review_html
from analyzer.scope import Scope
from tests.support.mining_repos import run_jevons
from tests.support.repo_builder import RepoBuilder
from tests.support.report_html import Document
from tests.support.scope_repos import ScopedStore, build_scoped_store

JANUARY = ("2024-01-01", "2024-01-31")  # every incident of the store is in January 2024


def _january(**narrowing: str) -> Scope:
    return Scope(date_from=JANUARY[0], date_to=JANUARY[1], **narrowing)


@pytest.fixture(scope="module")
def scoped(tmp_path_factory: pytest.TempPathFactory) -> ScopedStore:
    return build_scoped_store(tmp_path_factory.mktemp("review-scope"))


def _listed(scoped: ScopedStore, **scope: str) -> list[str]:
    review = build_review(_january(**scope), scoped.db)
    listed = [incident.reference or incident.incident_id for incident in review.incidents]
    counted = {row.label: row.current for row in review.combined.incidents}["Incidents"]
    assert counted == len(listed)  # the list holds exactly the incidents the figures count
    return listed


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({}, ["PAY-1", "SEARCH-2", "PAY-3", "PAY-4"]),
        ({"service": "pay"}, ["PAY-1", "PAY-3", "PAY-4"]),
        ({"service": "search"}, ["SEARCH-2"]),
        # c2, SEARCH-2's cause, changed only a/; PAY-4 is linked to nothing, so it stays
        ({"path_prefix": "b/"}, ["PAY-1", "PAY-3", "PAY-4"]),
        ({"path_prefix": "a/", "service": "pay"}, ["PAY-1", "PAY-4"]),
        # one repository: its incidents and the ones linked nowhere, as the analysis counts
        ({"repo": "scoped-repo"}, ["PAY-1", "SEARCH-2", "PAY-3", "PAY-4"]),
        ({"path_prefix": "nothing/"}, ["PAY-4"]),
    ],
)
def test_the_listed_incidents_are_the_scope_the_analysis_counts(
    scoped: ScopedStore, scope: dict[str, str], expected: list[str]
) -> None:
    assert _listed(scoped, **scope) == expected


def test_every_figure_is_the_analysis_of_the_narrowed_scope(scoped: ScopedStore) -> None:
    review = build_review(_january(path_prefix="a/", service="pay"), scoped.db)
    result = analyze(
        scoped.db,
        Scope(date_to=JANUARY[1], path_prefix="a/", service="pay"),
        period_a=("2023-12-01", "2024-01-01"),
        period_b=("2024-01-01", "2024-02-01"),
    )
    assert review.combined.result.scope.path_prefix == "a/"
    assert review.combined.result.scope.service == "pay"
    assert review.combined.result.coverage == result.coverage
    assert review.combined.result.coverage.changes == 2  # c1 and c2 (c6 moves a/ in February)
    human = review.combined.result.change_failure_rate["human"]
    assert (human.count, human.n) == (1, 2)  # c1 caused PAY-1; c2 caused only SEARCH-2
    volume = {row.label: row.current for row in review.combined.volume}
    assert volume["Changes shipped"] == 2
    assert volume["Lines added"] == 4 + 7  # their lines under a/ only (c1's b/y.py is not)


def test_the_page_says_what_it_was_narrowed_to(scoped: ScopedStore) -> None:
    narrowed = Document(
        render_review_html(build_review(_january(path_prefix="b/<i>", service="pay"), scoped.db))
    ).text
    assert "only service pay · files under b/<i> · generated" in narrowed
    whole = Document(render_review_html(build_review(_january(), scoped.db))).text
    assert "only service" not in whole and "files under" not in whole


def _review_cli(scoped: ScopedStore, out: Path, *options: str) -> CompletedProcess[str]:
    when = ("--from", JANUARY[0], "--to", JANUARY[1])
    where = ("--db", str(scoped.db), "--out", str(out))
    return run_jevons("report", "review", *when, *where, *options, cwd=out.parent)


def test_cli_narrows_the_review_and_warns_of_a_service_no_incident_names(
    scoped: ScopedStore, tmp_path: Path
) -> None:
    run = _review_cli(scoped, tmp_path / "pay.html", "--service", "pay", "--path-prefix", "b/")
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr
    page = Document((tmp_path / "pay.html").read_text("utf-8")).text
    assert "only service pay · files under b/" in page
    typo = _review_cli(scoped, tmp_path / "typo.html", "--service", "Pay")
    assert typo.returncode == 0, typo.stderr
    warning = "no incident in the store is of service 'Pay' (services: pay, search)"
    assert f"warning: {warning}" in typo.stderr
    analysed = run_jevons("analyze", "--db", str(scoped.db), "--service", "Pay", cwd=tmp_path)
    assert analysed.returncode == 0, analysed.stderr
    assert f"warning: {warning}" in analysed.stderr


def test_a_review_with_no_incidents_splits_nothing(repo: RepoBuilder, tmp_path: Path) -> None:
    start = dt.datetime(2024, 1, 3, 10, tzinfo=dt.UTC)
    for day in range(0, 56, 4):  # a change every four days through January and February
        repo.commit(f"change {day}", {"a.py": f"x = {day}\n"}, date=start + dt.timedelta(day))
    mine_repositories([repo.path], db=tmp_path / "s.duckdb", workers=1)
    february = Scope(date_from="2024-02-01", date_to="2024-02-29")
    review = build_review(february, tmp_path / "s.duckdb")
    decomposition = review.combined.result.decomposition
    assert decomposition.is_computed and not decomposition.splits_anything
    page = Document(render_review_html(review)).text
    assert "No incident in 2024-01 or 2024-02: there is no change in incidents to split." in page
    assert "Volume effect" not in page  # no table, and no waterfall, of zeros

"""The path prefix and the service as analysis scopes, on a mined repository whose every
figure is worked out by hand (see :mod:`tests.support.scope_repos`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.analysis import AnalysisResult, analyze
from analyzer.analysis.run import load_frames
from analyzer.cli import app
from analyzer.mining import mine_repositories
from analyzer.scope import Scope
from tests.support.repo_builder import RepoBuilder
from tests.support.scope_repos import ScopedStore, build_scoped_store

REPLICATES = 50


@pytest.fixture(scope="module")
def scoped(tmp_path_factory: pytest.TempPathFactory) -> ScopedStore:
    return build_scoped_store(tmp_path_factory.mktemp("scope"))


def _by_name(scoped: ScopedStore, **scope: str) -> dict[str, tuple[int, int, int, int, int]]:
    """Each commit in scope: lines added, lines deleted, files changed, NLOC and CCN delta."""
    names = {sha: name for name, sha in scoped.shas.items()}
    commits = load_frames(scoped.db, Scope(**scope)).commits
    return {
        names[c.sha]: (c.lines_added, c.lines_deleted, c.files_changed, c.nloc_d, c.ccn_d)
        for c in commits.itertuples()
    }


def _human_failures(result: AnalysisResult) -> tuple[int, int]:
    """Human changes that induced an incident in scope, and all human changes."""
    rate = result.change_failure_rate["human"]
    return rate.count, rate.n


def test_path_prefix_keeps_the_commits_under_it_with_only_their_lines_there(
    scoped: ScopedStore,
) -> None:
    assert _by_name(scoped, path_prefix="a/") == {
        "c1": (4, 0, 1, 4, 2),  # a/x.py only: b/y.py's 2 lines are not counted
        "c2": (7, 0, 1, 6, 3),
        "c6": (0, 0, 1, -10, -5),  # the rename empties a/x.py under the prefix
    }
    assert _by_name(scoped, path_prefix="b/") == {
        "c1": (2, 0, 1, 2, 1),
        "c3": (4, 0, 1, 2, 1),
        "c6": (0, 0, 1, 10, 5),  # and fills b/x.py
    }
    assert _by_name(scoped)["c1"] == (6, 0, 2, 6, 3)  # no prefix: the whole commit


def test_path_prefix_scopes_the_complexity_and_change_figures(scoped: ScopedStore) -> None:
    until_move = analyze(
        scoped.db, Scope(path_prefix="a/", date_to="2024-01-31"), replicates=REPLICATES
    )
    assert until_move.coverage.changes == 2
    assert until_move.growth.end["nloc"] == 10
    assert until_move.growth.end["ccn_total"] == 5
    after_move = analyze(scoped.db, Scope(path_prefix="a/"), replicates=REPLICATES)
    assert after_move.coverage.changes == 3
    assert after_move.growth.end["nloc"] == 0
    assert after_move.scope.path_prefix == "a/"
    whole = analyze(scoped.db, replicates=REPLICATES)
    assert whole.coverage.changes == 6
    assert whole.growth.end["nloc"] == 10 + 4 + 2 + 2  # x, y, z, w


def test_path_prefix_keeps_incidents_linked_under_it_or_linked_to_nothing(
    scoped: ScopedStore,
) -> None:
    incidents = load_frames(scoped.db, Scope(path_prefix="b/")).incidents
    assert incidents["incident_id"].tolist() == ["generic:PAY-1", "generic:PAY-3", "generic:PAY-4"]
    assert incidents["code_caused"].tolist() == [True, True, False]


def test_service_keeps_its_incidents_and_counts_only_their_inducing_links(
    scoped: ScopedStore,
) -> None:
    whole = analyze(scoped.db, replicates=REPLICATES)
    pay = analyze(scoped.db, Scope(service="pay"), replicates=REPLICATES)
    assert whole.coverage.incidents == 4
    assert pay.coverage.incidents == 3  # PAY-1, PAY-3 and the unlinked PAY-4
    assert pay.coverage.incidents_with_code_cause == 2
    assert _human_failures(whole) == (3, 6)
    assert _human_failures(pay) == (2, 6)  # c2 induced only SEARCH-2, not a pay incident
    commits = load_frames(scoped.db, Scope(service="pay")).commits
    induced = commits.set_index("sha")["incidents_induced"]
    assert induced[scoped.shas["c2"]] == 0
    assert induced[scoped.shas["c1"]] == 1
    assert pay.scope.service == "pay"


def test_prefix_is_matched_literally_not_as_a_like_pattern(scoped: ScopedStore) -> None:
    assert list(_by_name(scoped, path_prefix="a_")) == ["c4"]  # not ab/ nor a/
    assert _by_name(scoped, path_prefix="%") == {}
    assert _by_name(scoped, path_prefix="a%") == {}


@pytest.mark.parametrize("scope", [{"path_prefix": "%"}, {"service": "no-such-service"}])
def test_an_empty_scope_gives_too_little_data_as_valid_json(
    scoped: ScopedStore, scope: dict[str, str]
) -> None:
    result = analyze(scoped.db, Scope(**scope), replicates=REPLICATES)
    document = json.loads(result.to_json(), parse_constant=lambda c: pytest.fail(f"bare {c}"))
    assert document["verdict"]["primary_driver"] == "inconclusive"
    assert document["coverage"]["incidents"] == (0 if "service" in scope else 1)
    assert document["coverage"]["changes"] == (6 if "service" in scope else 0)


def test_cli_takes_the_path_prefix_and_the_service(scoped: ScopedStore) -> None:
    result = CliRunner().invoke(
        app,
        ["analyze", "--db", str(scoped.db), "--json", "--path-prefix", "a/", "--service", "pay"],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["scope"]["path_prefix"] == "a/"
    assert document["scope"]["service"] == "pay"
    assert document["coverage"]["changes"] == 3
    assert document["coverage"]["incidents"] == 2  # PAY-1 (c1 touches a/), unlinked PAY-4
    human = document["change_failure_rate"]["human"]
    assert (human["count"], human["n"]) == (1, 3)


def test_a_repository_no_incident_is_linked_to_is_named_in_a_caveat(
    tmp_path: Path, repo: RepoBuilder
) -> None:
    scoped = build_scoped_store(tmp_path / "scoped")
    for n in range(3):
        repo.commit(f"quiet {n}", {"q.py": f"q = {n}\n"})
    mine_repositories([repo.path], db=scoped.db, workers=1)
    caveats = analyze(scoped.db, replicates=REPLICATES).caveats
    assert (
        f"No incident is linked to any commit of {repo.path.name}: their 3 changes count "
        "as never failing." in " ".join(caveats)
    )
    alone = analyze(scoped.db, Scope(repo="scoped-repo"), replicates=REPLICATES).caveats
    assert not any(c.startswith("No incident is linked") for c in alone)

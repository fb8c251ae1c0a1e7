"""Mining writes exact line counts and complexity that adds up to what lizard sees at HEAD."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import lizard
import pytest

from analyzer.config import Config
from analyzer.metrics import is_excluded
from analyzer.mining import mine_repositories
from analyzer.store import open_store
from tests.support.mining_repos import (
    build_polyglot_history,
    git_bytes,
    head_tree,
    numstat_by_commit,
)
from tests.support.repo_builder import RepoBuilder

CONFIG = Config()


def _mine(repo: RepoBuilder | Path, db: Path, **options: object) -> list:  # type: ignore[type-arg]
    path = repo.path if isinstance(repo, RepoBuilder) else repo
    return mine_repositories([path], db=db, workers=2, config=CONFIG, **options)  # type: ignore[arg-type]


@pytest.fixture
def polyglot(repo: RepoBuilder) -> RepoBuilder:
    build_polyglot_history(repo)
    return repo


def test_stored_line_counts_equal_git_log_first_parent_numstat(
    polyglot: RepoBuilder, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    _mine(polyglot, db)
    stored = {
        sha: (added, deleted, files)
        for sha, added, deleted, files in open_store(db).query(
            "SELECT sha, lines_added, lines_deleted, files_changed FROM commits"
        )
    }
    assert stored == numstat_by_commit(polyglot.path, "--first-parent", "-m")


def _head_totals_by_lizard(repo: RepoBuilder, checkout: Path) -> tuple[int, int, list[bytes]]:
    """CCN and NLOC of HEAD's counted files as lizard reports them on a real checkout."""
    git_bytes(repo.path, "worktree", "add", "--detach", str(checkout), "HEAD")
    ccn = nloc = 0
    counted = []
    for mode, _, raw_path in head_tree(repo.path):
        path = raw_path.decode("utf-8", "backslashreplace")
        # lizard picks a reader by extension (its own pattern does not cross a newline)
        reader = lizard.get_reader_for("file" + Path(path).suffix)
        if not stat.S_ISREG(mode) or reader is None:
            continue
        if is_excluded(path, CONFIG.excluded_globs):
            continue
        # lizard's own reader choice, by a name without the newline lizard trips over
        code = lizard.auto_read(str(checkout / raw_path.decode("utf-8", "surrogateescape")))
        info = lizard.analyze_file.analyze_source_code("file" + Path(path).suffix, code)
        ccn += info.CCN
        nloc += info.nloc
        counted.append(raw_path)
    return ccn, nloc, counted


def test_head_complexity_equals_lizard_on_a_checkout_and_the_sum_of_deltas(
    polyglot: RepoBuilder, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    _mine(polyglot, db)
    lizard_ccn, lizard_nloc, counted = _head_totals_by_lizard(polyglot, tmp_path / "checkout")
    assert sorted(counted) == [  # the odd path, and the vendored file once adopted
        b"cmd/main.go",
        b"docs/we\nird\xff.py",
        b"lib/util.c",
        b"src/core.py",
        b"src/dep.py",
    ]
    head_blobs = [sha for mode, sha, raw in head_tree(polyglot.path) if raw in counted]
    store = open_store(db)
    with store.connect() as conn:
        conn.execute("CREATE TEMP TABLE head (blob_sha VARCHAR)")
        conn.executemany("INSERT INTO head VALUES (?)", [[sha] for sha in head_blobs])
        stored_ccn, stored_nloc = conn.execute(
            "SELECT sum(b.ccn_total), sum(b.nloc) FROM head h JOIN blob_metrics b USING (blob_sha)"
        ).fetchone()
        delta_ccn, delta_nloc = conn.execute(
            "SELECT sum(ccn_delta), sum(nloc_delta) FROM commits"
        ).fetchone()
    assert lizard_ccn > 10
    assert (stored_ccn, stored_nloc) == (lizard_ccn, lizard_nloc)
    assert (delta_ccn, delta_nloc) == (lizard_ccn, lizard_nloc)


def test_running_sum_of_ccn_delta_follows_history_order(
    polyglot: RepoBuilder, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    _mine(polyglot, db)
    rows = open_store(db).query(
        "SELECT sha, history_seq, sum(ccn_delta) OVER (ORDER BY history_seq) FROM commits "
        "ORDER BY history_seq"
    )
    chain = git_bytes(polyglot.path, "rev-list", "--first-parent", "--reverse", "HEAD").split()
    assert [r[0] for r in rows] == [sha.decode() for sha in chain]
    assert [r[1] for r in rows] == list(range(len(chain)))
    assert rows[-1][2] > 0


def test_file_changes_record_language_and_exclusion_of_every_path(
    polyglot: RepoBuilder, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    _mine(polyglot, db)
    changes = {
        path: (language, excluded)
        for path, language, excluded in open_store(db).query(
            "SELECT DISTINCT path, language, excluded FROM file_changes"
        )
    }
    assert changes["src/core.py"] == ("python", False)
    assert changes["cmd/main.go"] == ("go", False)
    assert changes["lib/util.c"] == ("c", False)
    assert changes["vendor/dep.py"] == ("python", True)
    assert changes["web/bundle.min.js"][1] is True
    assert changes["package-lock.json"] == (None, True)
    assert changes["logo.png"] == (None, False)
    assert changes["docs/we\nird\\xff.py"] == ("python", False)


def test_binary_files_count_zero_lines_and_are_flagged(
    polyglot: RepoBuilder, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    _mine(polyglot, db)
    rows = open_store(db).query(
        "SELECT lines_added, lines_deleted, is_binary FROM file_changes WHERE path = 'logo.png'"
    )
    assert rows == [(0, 0, True), (0, 0, True)]
    assert open_store(db).query("SELECT sum(binary_files) FROM commits") == [(2,)]


def test_excluded_and_linked_files_are_never_measured(
    polyglot: RepoBuilder, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    _mine(polyglot, db)
    store = open_store(db)
    measured = {r[0] for r in store.query("SELECT blob_sha FROM blob_metrics")}
    excluded_blobs = {
        r[0]
        for r in store.query(
            "SELECT new_blob FROM file_changes WHERE path IN ('web/bundle.min.js', 'link.py')"
        )
    }
    assert excluded_blobs and not excluded_blobs & measured


def test_second_run_with_nothing_new_measures_nothing(
    polyglot: RepoBuilder, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    [first] = _mine(polyglot, db)
    [second] = _mine(polyglot, db)
    assert first.commits_mined == first.commits > 0 and first.blobs_measured > 0
    assert (second.commits_mined, second.blobs_measured, second.commits) == (0, 0, first.commits)


def test_incremental_run_mines_only_new_commits_and_unseen_blobs(
    polyglot: RepoBuilder, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    _mine(polyglot, db)
    before = open_store(db).query("SELECT count(*) FROM blob_metrics")[0][0]
    from tests.support.mining_repos import GO_V1, PY_V1

    polyglot.commit("Go back to the first Go", {"cmd/main.go": GO_V1})  # a blob seen before
    polyglot.commit("New module", {"src/new.py": PY_V1 + "\n# new\n"})  # one unseen blob
    [summary] = _mine(polyglot, db)
    after = open_store(db).query("SELECT count(*) FROM blob_metrics")[0][0]
    assert (summary.commits_mined, summary.blobs_measured) == (2, 1)
    assert after == before + 1


def test_blobs_shared_by_two_repositories_are_measured_once(
    polyglot: RepoBuilder, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(polyglot.path), str(clone)], check=True)
    [first] = _mine(polyglot, db)
    [second] = _mine(clone, db)
    assert second.blobs_measured == 0 and second.commits_mined == first.commits_mined
    ids = [r[0] for r in open_store(db).query("SELECT repo_id FROM repos ORDER BY repo_id")]
    assert ids == ["clone", "repo"]


def test_same_name_at_another_path_gets_its_own_stable_id(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    repo.commit("one", {"a.py": "a = 1\n"})
    other = RepoBuilder(tmp_path / "elsewhere" / "repo")
    other.commit("other", {"b.py": "b = 1\n"})
    _mine(repo, db)
    _mine(other.path, db)
    _mine(repo, db)
    rows = open_store(db).query("SELECT repo_id, path FROM repos ORDER BY repo_id")
    assert rows == [("repo", str(repo.path.resolve())), ("repo-2", str(other.path.resolve()))]


def test_force_pushed_history_drops_orphans_and_equals_a_fresh_mine(
    polyglot: RepoBuilder, tmp_path: Path
) -> None:
    from tests.support.mining_repos import store_contents

    db = tmp_path / "s.duckdb"
    _mine(polyglot, db)
    orphan = polyglot.head()
    kept = polyglot.git("rev-parse", "HEAD~3")
    store = open_store(db)
    with store.transaction() as conn:
        for sha in (orphan, kept):
            conn.execute(
                "INSERT INTO incident_links (incident_id, repo_id, sha, role, method) "
                "VALUES ('INC-1', 'repo', ?, 'fix', 'explicit')",
                [sha],
            )
    polyglot.git("reset", "-q", "--hard", "HEAD~2")
    polyglot.commit("Rewritten tip", {"src/core.py": "def rewritten():\n    return 1\n"})
    [summary] = _mine(polyglot, db)
    assert summary.commits_removed == 2 and summary.commits_mined == 1
    fresh = tmp_path / "fresh.duckdb"
    _mine(polyglot, fresh)
    tables = ("commits", "file_changes", "repos")
    assert store_contents(db, tables) == store_contents(fresh, tables)
    assert store.query("SELECT sha FROM incident_links") == [(kept,)]
    fresh_blobs = set(store_contents(fresh, ("blob_metrics",))["blob_metrics"])
    assert fresh_blobs <= set(store_contents(db, ("blob_metrics",))["blob_metrics"])


def test_full_and_first_parent_modes_switch_cleanly(polyglot: RepoBuilder, tmp_path: Path) -> None:
    from tests.support.mining_repos import store_contents

    db = tmp_path / "s.duckdb"
    _mine(polyglot, db)
    [full] = _mine(polyglot, db, history="full")
    assert full.commits == len(git_bytes(polyglot.path, "rev-list", "HEAD").split())
    merges = open_store(db).query(
        "SELECT lines_added, files_changed, ccn_delta FROM commits WHERE is_merge"
    )
    assert merges and all(row == (0, 0, 0) for row in merges)
    fresh = tmp_path / "fresh.duckdb"
    _mine(polyglot, fresh, history="full")
    assert store_contents(db, ("commits", "file_changes")) == store_contents(
        fresh, ("commits", "file_changes")
    )
    stored_lines = dict(
        (sha, (a, d))
        for sha, a, d in open_store(db).query(
            "SELECT sha, lines_added, lines_deleted FROM commits WHERE NOT is_merge"
        )
    )
    expected = {sha: (a, d) for sha, (a, d, _) in numstat_by_commit(polyglot.path).items()}
    assert {sha: expected.get(sha, (0, 0)) for sha in stored_lines} == stored_lines


def test_commits_are_attributed_as_they_are_mined(repo: RepoBuilder, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    repo.commit("Plain work", {"a.py": "a = 1\n"})
    repo.commit("Agent work\n\nCo-authored-by: Claude <noreply@anthropic.com>", {"a.py": "a = 2\n"})
    _mine(repo, db)
    rows = open_store(db).query(
        "SELECT message, authorship, ai_tool IS NOT NULL, attribution_evidence IS NOT NULL "
        "FROM commits ORDER BY history_seq"
    )
    assert rows[0][1:] == ("human", False, True)
    assert rows[1][1] in ("ai_assisted", "ai_authored") and rows[1][2] and rows[1][3]


def test_lizard_only_blobs_are_measured_again_when_a_full_run_needs_them(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    repo.commit("one", {"a.py": "def f(x):\n    if x:\n        return 1\n    return 2\n"})
    [lizard_run] = _mine(repo, db, metric_set="lizard")
    assert lizard_run.blobs_measured == 1
    assert open_store(db).query("SELECT metric_set, maintainability_index FROM blob_metrics") == [
        ("lizard", None)
    ]
    repo.commit("two", {"b.py": "def g(x):\n    return x\n", "a.py": None})
    [full_run] = _mine(repo, db)  # the configuration's default: the full set
    assert full_run.blobs_measured == 2  # b.py is new; a.py's old side is measured again
    rows = open_store(db).query(
        "SELECT metric_set, maintainability_index IS NOT NULL FROM blob_metrics ORDER BY ALL"
    )
    assert rows == [("full", True), ("full", True)]
    functions = open_store(db).query("SELECT name FROM function_metrics ORDER BY name")
    assert functions == [("f",), ("g",)]


def test_small_batches_give_the_same_store_as_one_batch(
    polyglot: RepoBuilder, tmp_path: Path
) -> None:
    from tests.support.mining_repos import store_contents

    one, many = tmp_path / "one.duckdb", tmp_path / "many.duckdb"
    _mine(polyglot, one, batch_commits=1000)
    _mine(polyglot, many, batch_commits=2)
    assert store_contents(one) == store_contents(many)

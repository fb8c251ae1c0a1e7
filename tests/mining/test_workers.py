"""Blob metrics are the same whoever computes them (the mining process or a local pool),
and the progress a terminal shows adds up to the work done."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from rich.console import Console

from analyzer.config import Config
from analyzer.mining import ConsoleObserver, MetricSettings, compute_blob_metrics, mine_repositories
from analyzer.mining.contributions import BlobRequest
from analyzer.mining.pool import metric_pool
from analyzer.mining.summary import RepositorySummary
from tests.support.mining_repos import build_polyglot_history, head_tree, store_contents
from tests.support.repo_builder import RepoBuilder


def _requests(repo: RepoBuilder) -> list[BlobRequest]:
    return [
        BlobRequest(sha, raw.decode("utf-8", "backslashreplace"))
        for mode, sha, raw in head_tree(repo.path)
        if raw.endswith((b".py", b".go", b".c"))
    ]


def test_pool_and_inline_measurements_agree(repo: RepoBuilder) -> None:
    build_polyglot_history(repo)
    wanted = _requests(repo)
    settings = MetricSettings()
    inline = compute_blob_metrics(str(repo.path), wanted, settings)
    with metric_pool(2, inline_blobs=0) as pool:
        futures = pool.submit(str(repo.path), wanted, settings)
        pooled = [m for future in futures for m in future.result()]
    assert len(futures) > 1  # really split across workers
    assert pooled == inline
    assert [m.blob_sha for m in inline] == [r.blob_sha for r in wanted]
    assert all(m.error is None and m.nloc for m in inline)


def test_a_blob_missing_from_the_repository_is_an_error_not_a_crash(repo: RepoBuilder) -> None:
    repo.commit("one", {"a.py": "a = 1\n"})
    [metrics] = compute_blob_metrics(
        str(repo.path), [BlobRequest("1" * 40, "gone.py")], MetricSettings()
    )
    assert (metrics.language, metrics.error) == (
        "python",
        "blob not in the repository (a partial clone or a submodule?)",
    )


def test_progress_on_a_terminal_counts_commits_and_blobs(repo: RepoBuilder, tmp_path: Path) -> None:
    build_polyglot_history(repo)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with ConsoleObserver(console, show_progress=True) as observer:
        [summary] = mine_repositories(
            [repo.path], db=tmp_path / "s.duckdb", workers=1, config=Config(), observer=observer
        )
    shown = screen.getvalue()
    assert f"{summary.commits}/{summary.commits}" in shown
    assert f"{summary.blobs_measured}/{summary.blobs_measured}" in shown
    assert "repo commits" in shown and "repo blobs" in shown


def test_a_repository_finished_between_redraws_still_shows_its_final_counts() -> None:
    # A small repository can start and finish inside one tick of the display's 10 Hz
    # redraw; its bars must still be drawn at their totals once before they go.
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with ConsoleObserver(console, show_progress=True) as observer:
        observer.run_started(1)
        observer.repository_started("quick", 7)
        observer.blobs_queued(5)
        observer.commits_mined(7)
        observer.blobs_measured(5)
        observer.repository_finished(
            RepositorySummary("quick", "/r/quick", "main", "a" * 40, 7, 7, 0, 5, 0, 0.01)
        )
    shown = screen.getvalue()
    assert "quick commits" in shown and "7/7" in shown
    assert "quick blobs" in shown and "5/5" in shown


def test_progress_is_silent_when_not_on_a_terminal(repo: RepoBuilder, tmp_path: Path) -> None:
    repo.commit("one", {"a.py": "a = 1\n"})
    screen = io.StringIO()
    with ConsoleObserver(Console(file=screen), show_progress=False) as observer:
        mine_repositories(
            [repo.path], db=tmp_path / "s.duckdb", workers=1, config=Config(), observer=observer
        )
    assert screen.getvalue() == ""


def test_full_history_renumbers_commits_when_older_work_is_merged_in(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    import datetime as dt

    repo.commit("base", {"a.py": "a = 1\n"})
    repo.checkout("old-work", create=True)
    early = dt.datetime(2024, 1, 1, 9, 30, tzinfo=dt.UTC)  # before main's next commits
    repo.commit("old branch work", {"b.py": "b = 1\n"}, date=early)
    repo.checkout("main")
    repo.clock = dt.datetime(2024, 1, 2, 9, 0, tzinfo=dt.UTC)
    repo.commit("main 1", {"a.py": "a = 2\n"})
    repo.commit("main 2", {"a.py": "a = 3\n"})
    db = tmp_path / "s.duckdb"
    mine_repositories([repo.path], db=db, workers=1, history="full", config=Config())
    repo.merge("old-work")
    mine_repositories([repo.path], db=db, workers=1, history="full", config=Config())
    fresh = tmp_path / "fresh.duckdb"
    mine_repositories([repo.path], db=fresh, workers=1, history="full", config=Config())
    tables = ("commits", "file_changes")
    assert store_contents(db, tables) == store_contents(fresh, tables)
    order = subprocess.run(
        ["git", "log", "--format=%s", "--date-order", "--reverse"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert order.index("old branch work") < order.index("main 1")

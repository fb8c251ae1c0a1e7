"""Many repositories in one ``jevons mine``: paths and clone URLs, a repositories file, a
bad repository among good ones, and how a worker finds a repository the client named."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from analyzer.config import Config
from analyzer.errors import ConfigError, RepositoriesFailedError, RepositoryError
from analyzer.git.log import read_commits
from analyzer.mining import ConsoleObserver, MetricSettings, compute_blob_metrics, mine_repositories
from analyzer.mining.contributions import BlobRequest
from analyzer.mining.distributed import (
    CLUSTER_CONFIG,
    DaskWorkers,
    measure_reachable_blobs,
    read_history_chunk,
)
from analyzer.mining.miner import MiningJob, choose_workers
from analyzer.mining.progress import SilentObserver
from analyzer.mining.sources import RepositorySource, clone_name, clone_path, is_clone_url
from analyzer.mining.workers import LocalWorkers
from tests.support.mining_repos import head_tree
from tests.support.mining_repos import run_jevons as jevons
from tests.support.repo_builder import RepoBuilder


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The clone cache of this test's runs (the command line reads ``JEVONS_CACHE``)."""
    monkeypatch.setenv("JEVONS_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _small_repo(path: Path, *, extra: str = "") -> RepoBuilder:
    repo = RepoBuilder(path)
    repo.commit("one", {"app.py": f"def f(x):\n    if x:\n        return 1\n    return 2\n{extra}"})
    repo.commit("two", {"lib.c": f"int g(int x) {{ return x > 0 ? 1 : 2; }}\n// {path.name}\n"})
    return repo


def _stored(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://github.com/org/service.git", True),
        ("ssh://git@host:2222/org/service", True),
        ("file:///srv/git/service.git", True),
        ("git@github.com:org/service.git", True),
        ("/srv/git/service", False),
        ("services/billing", False),
        ("weird:name", False),
        ("~/src/service", False),
    ],
)
def test_clone_urls_are_told_from_paths(text: str, expected: bool) -> None:
    assert is_clone_url(text) is expected


def test_a_clone_is_named_after_the_project_and_keeps_credentials_out_of_the_path(
    tmp_path: Path,
) -> None:
    assert clone_name("git@github.com:org/billing-service.git") == "billing-service"
    assert clone_name("https://host/org/api/") == "api"
    with_secret = clone_path("https://user:s3cret@host/org/api.git", tmp_path)
    without = clone_path("https://host/org/api.git", tmp_path)
    assert with_secret == without and "s3cret" not in str(with_secret)
    assert without.name == "api.git" and without.parent.parent == tmp_path


def test_clone_url_is_cloned_into_the_cache_then_fetched_with_a_repositories_file(
    tmp_path: Path, cache: Path
) -> None:
    origin = _small_repo(tmp_path / "remote" / "billing")
    _small_repo(tmp_path / "work" / "checkout", extra="# local\n")
    url = origin.path.as_uri()

    first = jevons("mine", url, "--db", "s.duckdb", "--workers", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    clone = clone_path(url, cache)
    assert (clone / "HEAD").is_file() and not (clone / ".git").exists()  # bare
    assert _stored(tmp_path / "s.duckdb", "SELECT repo_id, path, origin_url FROM repos") == [
        ("billing", str(clone), url)
    ]

    origin.commit("three", {"app.py": "def f(x):\n    return x\n"})
    listing = tmp_path / "work" / "repos.txt"
    listing.write_text(f"# what we run\n{url}\n\ncheckout\n", encoding="utf-8")
    second = jevons(
        "mine", "--repos-file", str(listing), "--db", "s.duckdb", "--workers", "2",
        cwd=tmp_path,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    billing, checkout = second.stdout.splitlines()
    assert billing.startswith("billing: 3 commits (first-parent), 1 mined")  # fetched
    assert checkout.startswith("checkout: 2 commits (first-parent), 2 mined")
    assert _stored(tmp_path / "s.duckdb", "SELECT count(*) FROM commits") == [(5,)]
    assert list(cache.iterdir()) == [clone.parent]  # the same clone, not a second one


def test_bad_repositories_among_good_ones_are_reported_and_the_others_mined(
    tmp_path: Path, cache: Path
) -> None:
    _small_repo(tmp_path / "first")
    _small_repo(tmp_path / "second", extra="# second\n")
    (tmp_path / "plain").mkdir()
    missing = (tmp_path / "nowhere" / "gone.git").as_uri()
    result = jevons(
        "mine", "first", "plain", missing, "second", "--db", "s.duckdb", "--workers", "2",
        cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["first", "second"]
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-3:] == [
        "error: 2 of 4 repositories could not be mined:",
        "  plain: not a git repository (no .git found there)",
        f"  {missing}: cannot clone: fatal: '{tmp_path}/nowhere/gone.git' does not "
        "appear to be a git repository",
    ]
    assert _stored(tmp_path / "s.duckdb", "SELECT repo_id, count(*) FROM commits GROUP BY ALL "
                   "ORDER BY ALL") == [("first", 2), ("second", 2)]  # fmt: skip


def test_failures_and_progress_across_repositories_on_a_terminal(tmp_path: Path) -> None:
    good = _small_repo(tmp_path / "good")
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=200, color_system=None)
    with (
        ConsoleObserver(console, show_progress=True) as observer,
        pytest.raises(RepositoriesFailedError) as failed,
    ):
        mine_repositories(
            [good.path, tmp_path / "missing"],
            db=tmp_path / "s.duckdb",
            workers=1,
            dask=False,  # the same loop as on Dask, on the process pool
            config=Config(),
            observer=observer,
        )
    [summary] = failed.value.summaries
    [failure] = failed.value.failures
    assert (summary.repo_id, summary.commits_mined) == ("good", 2)
    assert failure.source == str(tmp_path / "missing")
    assert failure.reason.endswith("missing: no such directory")
    shown = screen.getvalue()
    assert "repositories" in shown and "2/2" in shown
    assert f"failed: {tmp_path}/missing: no such directory" in shown


def test_one_bad_repository_alone_is_its_own_error_and_no_store_is_made(tmp_path: Path) -> None:
    with pytest.raises(RepositoryError, match="no such directory"):
        mine_repositories([tmp_path / "missing"], db=tmp_path / "s.duckdb", config=Config())
    assert not (tmp_path / "s.duckdb").exists()


def test_where_the_work_runs(tmp_path: Path) -> None:
    job = MiningJob("first-parent", MetricSettings(), (), lambda c: None, 500, SilentObserver())
    assert isinstance(choose_workers(1, None, None, job, 2), LocalWorkers)
    assert isinstance(choose_workers(3, None, False, job, 2), LocalWorkers)
    assert isinstance(choose_workers(3, None, None, job, 2), DaskWorkers)
    assert isinstance(choose_workers(1, None, True, job, 2), DaskWorkers)
    assert isinstance(choose_workers(1, "tcp://10.0.0.1:8786", None, job, 2), DaskWorkers)
    with pytest.raises(ConfigError, match="contradict"):
        choose_workers(1, "tcp://10.0.0.1:8786", False, job, 2)


def test_a_worker_without_the_path_measures_from_its_own_clone_of_the_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = _small_repo(tmp_path / "origin")
    head = origin.git("rev-parse", "HEAD")
    blobs = [
        BlobRequest(sha, raw.decode())
        for _, sha, raw in head_tree(origin.path)
        if raw.endswith((b".py", b".c"))
    ]
    monkeypatch.setenv("JEVONS_CACHE", str(tmp_path / "worker-cache"))
    elsewhere = str(tmp_path / "on-the-client-only")
    url = origin.path.as_uri()

    measured = measure_reachable_blobs(elsewhere, blobs, MetricSettings(), url=url, head_sha=head)
    commits = read_history_chunk(elsewhere, [head], "first-parent", url=url, head_sha=head)

    assert measured == compute_blob_metrics(str(origin.path), blobs, MetricSettings())
    assert commits == list(read_commits(origin.path, [head], "first-parent"))
    assert (clone_path(url, tmp_path / "worker-cache") / "HEAD").is_file()


def test_a_worker_without_the_path_or_a_url_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(
        RepositoryError, match="the repository at the same path, or name it by its clone URL"
    ):
        measure_reachable_blobs(
            str(tmp_path / "absent"), [], MetricSettings(), url=None, head_sha="1" * 40
        )


@pytest.mark.slow
def test_an_unreachable_scheduler_is_one_clear_error(tmp_path: Path, cache: Path) -> None:
    repo = _small_repo(tmp_path / "repo")
    result = jevons(
        "mine", str(repo.path), "--scheduler", "tcp://127.0.0.1:9", "--db", "s.duckdb",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")


def test_repository_sources_read_relative_paths_from_the_file(tmp_path: Path) -> None:
    source = RepositorySource.parse("services/api", base=tmp_path)
    assert source == RepositorySource("services/api", path=tmp_path / "services/api")
    assert RepositorySource.parse("git@host:org/api.git", base=tmp_path).url == (
        "git@host:org/api.git"
    )


def _dotted(tree: dict[str, object], prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_dotted(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def test_the_readme_gives_a_real_cluster_the_local_clusters_settings() -> None:
    """The cluster page's Dask configuration file for worker machines says what CLUSTER_CONFIG
    says, and merged into Dask's configuration as a file is, gives the same settings."""
    import dask
    import yaml

    readme = (Path(__file__).parents[2] / "docs" / "cluster.md").read_text(encoding="utf-8")
    block = readme.split("~/.config/dask/jevons.yaml", 1)[1].split("```yaml\n", 1)[1]
    written = yaml.safe_load(block.split("```", 1)[0])
    assert _dotted(written) == CLUSTER_CONFIG
    merged = dask.config.merge(dask.config.config, written)  # as Dask merges a YAML file
    for key, value in CLUSTER_CONFIG.items():
        assert dask.config.get(key, config=merged) == value, key

"""``mine_repositories``: the library behind ``jevons mine``.

Every repository path is checked before anything is written. Then, under the store's
writer lock for the whole run, each repository is planned (:mod:`.plan`), its missing
commits streamed from one ``git log`` through the batch pipeline (:mod:`.batches`) with
blob metrics computed on a shared pool of workers (:mod:`.pool`), and its ``repos`` row
written last. A DuckDB connection is opened per unit of work, never for the whole run,
so the dashboard can read between batches.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import get_args

from analyzer.attribution import classify_commit
from analyzer.attribution.rules import rules_from_config
from analyzer.config import Config, HistoryMode, load_config
from analyzer.errors import ConfigError, RepositoryError
from analyzer.git.log import read_commits
from analyzer.git.repository import Repository, list_commits, open_repository
from analyzer.mining.batches import Attributor, BatchMiner, BatchSettings
from analyzer.mining.contributions import PathClassifier
from analyzer.mining.measure import MetricSettings
from analyzer.mining.plan import plan_history, settings_fingerprint
from analyzer.mining.pool import MetricPool, metric_pool
from analyzer.mining.progress import MiningObserver, SilentObserver
from analyzer.mining.summary import RepositorySummary
from analyzer.store import Store, open_store, writer_lock
from analyzer.store.repos import RepoRecord, record_mine


def mine_repositories(
    repos: Sequence[str | Path] | None = None,
    db: Path | str | None = None,
    history: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    repos_file: Path | str | None = None,
    config: Config | None = None,
    *,
    metric_set: str | None = None,
    batch_commits: int | None = None,
    observer: MiningObserver | None = None,
) -> list[RepositorySummary]:
    """Mine each repository's history into the store at ``db``; one summary per repository.

    ``history`` is ``first-parent`` or ``full`` (default: the configuration's);
    ``workers`` the metric processes (default: the configuration's, else every core);
    ``scheduler`` a Dask scheduler address to measure blobs on instead; ``metric_set``
    ``full`` or ``lizard`` (default: the configuration's). Raises a
    :class:`~analyzer.errors.JevonsError` for bad input before writing anything.
    """
    config = config if config is not None else load_config()
    mode = _history_mode(history or config.mining.history)
    repositories = _open_all(_repository_paths(repos, repos_file))
    settings = MetricSettings.from_config(config.mining, metric_set)
    batch_size = batch_commits or config.mining.batch_commits
    if batch_size < 1:
        raise ConfigError(f"batch_commits must be at least 1, not {batch_size}")
    pool_size = workers if workers is not None else config.mining.workers or os.cpu_count() or 1
    if pool_size < 1:
        raise ConfigError(f"--workers must be at least 1, not {pool_size}")
    watcher = observer or SilentObserver()
    attributor = make_attributor(config)
    store = open_store(db)
    with writer_lock(store.path), metric_pool(pool_size, scheduler) as pool:
        return [
            mine_repository(
                store,
                repo,
                history=mode,
                pool=pool,
                settings=settings,
                classifier=PathClassifier(config.excluded_globs),
                attributor=attributor,
                batch_commits=batch_size,
                observer=watcher,
            )
            for repo in repositories
        ]


def mine_repository(
    store: Store,
    repo: Repository,
    *,
    history: HistoryMode,
    pool: MetricPool,
    settings: MetricSettings,
    classifier: PathClassifier,
    attributor: Attributor,
    batch_commits: int,
    observer: MiningObserver,
) -> RepositorySummary:
    """Bring one repository's stored history up to date (the caller holds the writer lock)."""
    started = time.perf_counter()
    warnings = _warnings(repo)
    for message in warnings:
        observer.warning(message)
    scope = list_commits(repo, history)
    plan = plan_history(
        store,
        name=repo.name,
        path=str(repo.path),
        scope=scope,
        fingerprint=settings_fingerprint(history, classifier.exclude_globs),
    )
    observer.repository_started(plan.repo_id, len(plan.to_mine))
    miner = BatchMiner(
        store,
        pool,
        BatchSettings(plan.repo_id, str(repo.path), plan.positions, settings, batch_commits),
        classifier,
        attributor,
        observer,
    )
    miner.run(read_commits(repo.path, plan.to_mine, history))
    seconds = time.perf_counter() - started
    with store.transaction() as conn:
        record_mine(conn, _record(plan.repo_id, repo, history, len(scope), seconds))
    summary = RepositorySummary(
        repo_id=plan.repo_id,
        path=str(repo.path),
        history=history,
        head_sha=repo.head_sha,
        commits=len(scope),
        commits_mined=miner.commits_written,
        commits_removed=plan.removed,
        blobs_measured=miner.blobs_measured,
        blob_errors=miner.blob_errors,
        seconds=seconds,
        is_shallow=repo.is_shallow,
        is_bare=repo.is_bare,
        warnings=tuple(warnings),
    )
    observer.repository_finished(summary)
    return summary


def make_attributor(config: Config) -> Attributor:
    """Label commits as they are mined, with the rules in force for this run."""
    return functools.partial(classify_commit, rules=rules_from_config(config))


def _history_mode(value: str) -> HistoryMode:
    modes: tuple[HistoryMode, ...] = get_args(HistoryMode)
    for mode in modes:
        if value == mode:
            return mode
    raise ConfigError(f"--history must be one of {', '.join(modes)}, not {value!r}")


def _repository_paths(
    repos: Iterable[str | Path] | None, repos_file: Path | str | None
) -> list[Path]:
    paths = [Path(p) for p in repos or ()]
    if repos_file is not None:
        paths += _read_repos_file(Path(repos_file))
    if not paths:
        raise RepositoryError("no repository given: name at least one path (or --repos-file)")
    return paths


def _read_repos_file(path: Path) -> list[Path]:
    """One repository a line; blank lines and ``#`` comments are skipped; relative paths
    are read from the file's directory."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the repositories file: {exc}") from exc
    lines = (line.strip() for line in text.splitlines())
    return [path.parent / line for line in lines if line and not line.startswith("#")]


def _open_all(paths: Sequence[Path]) -> list[Repository]:
    """Every repository checked up front, each once however often it was named."""
    opened: dict[Path, Repository] = {}
    for path in paths:
        repo = open_repository(path)
        opened.setdefault(repo.path, repo)
    return list(opened.values())


def _warnings(repo: Repository) -> list[str]:
    if not repo.is_shallow:
        return []
    return [
        f"{repo.path}: shallow clone: mining only the history it holds; "
        "run `git fetch --unshallow` there for all of it"
    ]


def _record(
    repo_id: str, repo: Repository, history: HistoryMode, commit_count: int, seconds: float
) -> RepoRecord:
    return RepoRecord(
        repo_id=repo_id,
        name=repo.name,
        path=str(repo.path),
        origin_url=repo.origin_url,
        default_branch=repo.default_branch,
        head_sha=repo.head_sha,
        history_mode=history,
        is_shallow=repo.is_shallow,
        is_bare=repo.is_bare,
        commit_count=commit_count,
        mined_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        mine_seconds=seconds,
    )

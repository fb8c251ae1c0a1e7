"""``mine_repositories``: the library behind ``jevons mine``.

Repositories are taken in turn: each is opened (a clone URL is cloned or fetched first,
:mod:`.sources`); then, under the store's writer lock, planned (:mod:`.plan`), its
missing commits streamed from ``git log`` through the batch pipeline (:mod:`.batches`)
with blob metrics computed by the run's workers, and its ``repos`` row written last. The
workers (:mod:`.workers`) are a local process pool, or a Dask cluster that also reads the
history (:mod:`.distributed`); the per-repository path is the same. A repository that
fails is reported and the run goes on with the next. A DuckDB connection is opened per
unit of work, never for the whole run, so the dashboard can read between batches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

from analyzer.attribution import classify_commit
from analyzer.attribution.merge_labels import label_new_merges
from analyzer.attribution.rules import rules_from_config
from analyzer.config import Config, HistoryMode, load_config
from analyzer.errors import ConfigError, JevonsError, RepositoriesFailedError
from analyzer.git.log import read_commits
from analyzer.git.repository import Repository, list_commits, open_repository
from analyzer.mining.batches import Attributor, BatchMiner, BatchSettings
from analyzer.mining.contributions import PathClassifier
from analyzer.mining.distributed import DaskWorkers
from analyzer.mining.measure import MetricSettings
from analyzer.mining.plan import plan_history, settings_fingerprint
from analyzer.mining.pool import MetricPool
from analyzer.mining.progress import MiningObserver, SilentObserver
from analyzer.mining.reverts import record_reverts
from analyzer.mining.sources import RepositorySource, local_path, read_sources
from analyzer.mining.summary import RepositoryFailure, RepositorySummary
from analyzer.mining.workers import HistoryReader, LocalWorkers, MiningWorkers
from analyzer.store import Store, StoreOnFirstUse
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
    dask: bool | None = None,
    metric_set: str | None = None,
    batch_commits: int | None = None,
    observer: MiningObserver | None = None,
) -> list[RepositorySummary]:
    """Mine each repository's history into the store at ``db``; one summary per repository.

    ``repos`` (and the lines of ``repos_file``) are paths or clone URLs (see
    :mod:`.sources`); ``history`` is ``first-parent`` or ``full`` (default: the
    configuration's); ``workers`` the worker processes (default: the configuration's, else
    every core); ``metric_set`` ``full`` or ``lizard`` (default: the configuration's).
    Where the work runs: on the Dask cluster at ``scheduler`` if given; else on a local
    Dask cluster of ``workers`` processes when ``dask`` is true, or when it is ``None`` and
    several repositories are named; else on a local process pool. A repository that
    cannot be read or mined is reported to the observer and the others are mined, then
    :class:`~analyzer.errors.RepositoriesFailedError` names every failure; a run of one
    repository raises that repository's own error, before the store is touched.
    """
    config = config if config is not None else load_config()
    mode = _history_mode(history or config.mining.history)
    sources = read_sources(repos, repos_file)
    settings = MetricSettings.from_config(config.mining, metric_set)
    batch_size = batch_commits or config.mining.batch_commits
    if batch_size < 1:
        raise ConfigError(f"batch_commits must be at least 1, not {batch_size}")
    pool_size = workers if workers is not None else config.mining.workers or os.cpu_count() or 1
    if pool_size < 1:
        raise ConfigError(f"--workers must be at least 1, not {pool_size}")
    job = MiningJob(
        history=mode,
        settings=settings,
        exclude_globs=config.excluded_globs,
        attributor=make_attributor(config),
        batch_commits=batch_size,
        observer=observer or SilentObserver(),
    )
    chosen = choose_workers(len(sources), scheduler, dask, job, pool_size)
    return mine_sources(sources, db, job, chosen)


@dataclasses.dataclass(frozen=True)
class MiningJob:
    """What every repository of a run is mined with."""

    history: HistoryMode
    settings: MetricSettings
    exclude_globs: tuple[str, ...]
    attributor: Attributor
    batch_commits: int
    observer: MiningObserver


def choose_workers(
    repositories: int, scheduler: str | None, dask: bool | None, job: MiningJob, workers: int
) -> MiningWorkers:
    """Dask when a scheduler is given or ``dask`` asks for it (``None``: for several
    repositories); the local process pool otherwise."""
    if scheduler and dask is False:
        raise ConfigError("--no-dask and --scheduler contradict each other: choose one")
    use_dask = bool(scheduler) or (dask if dask is not None else repositories > 1)
    if not use_dask:
        return LocalWorkers(workers)
    return DaskWorkers(scheduler, workers, history_chunk=job.batch_commits)


def mine_sources(
    sources: Sequence[RepositorySource],
    db: Path | str | None,
    job: MiningJob,
    workers: MiningWorkers,
) -> list[RepositorySummary]:
    """Open and mine each repository in turn with ``workers``; see :func:`mine_repositories`.

    The store is opened, and its writer lock taken, when the first repository is ready;
    a repository named twice is mined once. ``workers`` are closed at the end.
    """
    summaries: list[RepositorySummary] = []
    failures: list[RepositoryFailure] = []
    job.observer.run_started(len(sources))
    store = StoreOnFirstUse(db)
    mined: set[Path] = set()
    try:
        workers.start()
        for source in sources:
            try:
                repo = open_repository(local_path(source))
                if repo.path not in mined:
                    mined.add(repo.path)
                    summaries.append(_mine_with(workers, store.writable(), repo, source, job))
            except workers.repository_errors as exc:
                if len(sources) == 1:
                    raise
                failures.append(RepositoryFailure(source.spec, _reason(exc)))
                job.observer.repository_failed(source.spec, _reason(exc))
    except BaseException:
        workers.close(cancel=True)
        store.close()
        raise
    workers.close()
    store.close()
    if failures:
        raise RepositoriesFailedError(summaries, failures)
    return summaries


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
    read_history: HistoryReader = read_commits,
) -> RepositorySummary:
    """Bring one repository's stored history up to date (the caller holds the writer lock);
    ``read_history`` reads the commits to mine (in this process, or on Dask workers)."""
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
    miner.run(read_history(repo.path, plan.to_mine, history))
    # a first-parent merge's diff carries its branch: label that change by the branch
    label_new_merges(store, plan.repo_id, repo.path, repo.head_sha, attributor, history)
    seconds = time.perf_counter() - started
    with store.transaction() as conn:
        record_reverts(conn, plan.repo_id)  # from the messages, over the whole history again
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


def _mine_with(
    workers: MiningWorkers, store: Store, repo: Repository, source: RepositorySource, job: MiningJob
) -> RepositorySummary:
    return mine_repository(
        store,
        repo,
        history=job.history,
        pool=workers.pool_for(repo, source),
        settings=job.settings,
        classifier=PathClassifier(job.exclude_globs),
        attributor=job.attributor,
        batch_commits=job.batch_commits,
        observer=job.observer,
        read_history=workers.history_for(repo, source),
    )


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, JevonsError) else f"{type(exc).__name__}: {exc}"


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

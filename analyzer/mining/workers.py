"""Where a run's two kinds of work happen: reading history and measuring blobs.

The miner has one path per repository (:func:`~analyzer.mining.miner.mine_repository`);
a :class:`MiningWorkers` decides where its history read and its blob metrics run. With
:class:`LocalWorkers` the history is read in the mining process and blobs are measured on
a local process pool; with :class:`~analyzer.mining.distributed.DaskWorkers` both run on
a Dask cluster. Either way the metrics come from the same pure function
(:func:`~analyzer.mining.measure.compute_blob_metrics`) and the same history reader
(:func:`~analyzer.git.log.read_commits`), and only the mining process writes the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from analyzer.config import HistoryMode
from analyzer.errors import RepositoryError
from analyzer.git.log import read_commits
from analyzer.git.repository import Repository
from analyzer.mining.pool import MetricPool
from analyzer.mining.sources import RepositorySource
from analyzer.models import Commit

#: ``(repository directory, commit SHAs in history order, history mode) -> commits``
HistoryReader = Callable[[Path, Sequence[str], HistoryMode], Iterable[Commit]]


class MiningWorkers(Protocol):
    """Where one run measures blobs and reads history, repository by repository."""

    #: the errors that fail one repository only: the run reports it and goes on
    repository_errors: tuple[type[Exception], ...]

    def start(self) -> None:
        """Begin, in the background, what is slow to start (a cluster), so that it overlaps
        the run's own start; the first use waits for it."""

    def pool_for(self, repo: Repository, source: RepositorySource) -> MetricPool: ...

    def history_for(self, repo: Repository, source: RepositorySource) -> HistoryReader: ...

    def close(self, *, cancel: bool = False) -> None: ...


class LocalWorkers:
    """History read in this process; blobs measured on one local process pool for the run."""

    repository_errors: tuple[type[Exception], ...] = (RepositoryError,)

    def __init__(self, workers: int) -> None:
        self.pool = MetricPool(workers)

    def start(self) -> None:
        """Nothing: the pool starts on its first chunk, and a run with nothing to measure
        (an up-to-date store, a small repository) never starts it."""

    def pool_for(self, repo: Repository, source: RepositorySource) -> MetricPool:
        return self.pool

    def history_for(self, repo: Repository, source: RepositorySource) -> HistoryReader:
        return read_commits

    def close(self, *, cancel: bool = False) -> None:
        self.pool.close(cancel=cancel)

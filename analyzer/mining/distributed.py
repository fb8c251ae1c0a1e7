"""Mining on a Dask cluster: the workers read history and measure blobs; the store stays
with the client.

What runs where:

- the client (the ``jevons mine`` process) opens each repository (``rev-parse``, the
  ``rev-list`` of the commits in scope), plans the run against the store, labels commits,
  and writes every batch in one transaction: the store is never written by a worker;
- a worker reads a chunk of a repository's history (:func:`read_history_chunk`, one
  ``git log`` over a few hundred commits), and measures a chunk of blobs
  (:func:`measure_reachable_blobs`, the miner's own
  :func:`~analyzer.mining.measure.compute_blob_metrics`). Only SHAs and paths travel to a
  worker, commits and metrics travel back; blob contents never leave the worker, which
  reads them with its own ``git cat-file``.

Chunks of history are read a few ahead of the client, at a higher priority than blob
metrics, so the client always has commits to plan with while the workers measure. Blob
metrics are content-addressed: a chunk measured twice (a retry after a worker died)
gives the same rows, and the client writes a blob's rows once, with the first batch that
needs it. Every task is retried (``retries``) when it raises, and Dask reschedules the
tasks of a worker that dies (up to ``distributed.scheduler.allowed-failures`` times), so
a lost worker costs time, never data.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
import functools
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from analyzer.config import HistoryMode
from analyzer.errors import ConfigError, RepositoryError
from analyzer.git.log import read_commits
from analyzer.git.repository import Repository
from analyzer.mining.contributions import BlobRequest
from analyzer.mining.measure import MetricSettings, compute_blob_metrics
from analyzer.mining.pool import MetricPool
from analyzer.mining.sources import RepositorySource, reachable_path
from analyzer.mining.workers import HistoryReader
from analyzer.models import BlobMetrics, Commit

#: Times a task that raised is run again before its repository is reported as failed.
RETRIES = 2
#: Chunks of history being read on the workers ahead of the one the client is using.
HISTORY_AHEAD = 2
#: History reads go before blob metrics in the scheduler's queue (higher runs first).
HISTORY_PRIORITY = 10
SCHEDULER_TIMEOUT = "10s"
#: Blobs per metric task at most on Dask (the local pool's is 16): a task costs a few
#: milliseconds of the client's, the scheduler's and the worker's event loops, and more
#: across a network, so each carries more work; every worker still gets at least two
#: tasks of each batch.
DASK_MAX_CHUNK = 48
#: Dask settings of the local cluster (give a real cluster's workers the same: the README
#: has them as a Dask configuration file).
#:
#: - Dask's nannies start workers with ``MALLOC_TRIM_THRESHOLD_=65536``, so glibc hands
#:   freed memory back to the system at once (worth it for workers holding large arrays).
#:   Measuring blobs allocates and frees briskly: each worker then took ~300,000 page faults
#:   on a 2,400-commit repository instead of ~4,500, and its metrics ran 5-10% slower. The
#:   value ``None`` is Dask's way of not setting a variable.
#: - Dask's statistical profiler samples every worker thread's stack every 10 ms, and
#:   lizard's and radon's stacks are deep: it cost ~20% of the metrics' CPU time.
#: - The last three are housekeeping timers (event-loop health every 20 ms, memory every
#:   100 ms, system metrics every 500 ms in every worker, nanny and the scheduler) that
#:   wake processes competing for the same cores as the work: about 15% of the client
#:   process's CPU and 3% of a worker's on a 2-core machine. Memory is still watched,
#:   every second.
CLUSTER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}
#: Seconds to wait for a scheduler with no worker to get one, before giving up.
WORKER_WAIT = 60


def read_history_chunk(
    repo_path: str, shas: Sequence[str], history: HistoryMode, *, url: str | None, head_sha: str
) -> list[Commit]:
    """On a worker: the commits ``shas`` of the repository the client opened at
    ``repo_path`` (or of this worker's clone of ``url``), with their file changes."""
    return list(read_commits(Path(reachable_path(repo_path, url, head_sha)), shas, history))


def measure_reachable_blobs(
    repo_path: str,
    blobs: Sequence[BlobRequest],
    settings: MetricSettings,
    *,
    url: str | None,
    head_sha: str,
) -> list[BlobMetrics]:
    """On a worker: :func:`compute_blob_metrics` on the repository as this worker reads it."""
    return compute_blob_metrics(reachable_path(repo_path, url, head_sha), blobs, settings)


class WorkerHistory:
    """A :data:`~analyzer.mining.workers.HistoryReader` whose ``git log`` runs on the
    cluster, ``chunk`` commits a task, yielding commits in the order asked for."""

    def __init__(
        self, client: Any, *, url: str | None, head_sha: str, chunk: int, retries: int
    ) -> None:
        self.client = client
        self.url = url
        self.head_sha = head_sha
        self.chunk = max(1, chunk)
        self.retries = retries

    def __call__(
        self, repo_dir: Path, shas: Sequence[str], history: HistoryMode
    ) -> Iterator[Commit]:
        pieces = (shas[start : start + self.chunk] for start in range(0, len(shas), self.chunk))
        reading: collections.deque[Any] = collections.deque()
        try:
            for piece in pieces:
                reading.append(self._submit(str(repo_dir), piece, history))
                if len(reading) > HISTORY_AHEAD:
                    yield from reading.popleft().result()
            while reading:
                yield from reading.popleft().result()
        finally:
            for future in reading:
                future.cancel()

    def _submit(self, repo_path: str, shas: Sequence[str], history: HistoryMode) -> Any:
        return self.client.submit(
            read_history_chunk,
            repo_path,
            list(shas),
            history,
            url=self.url,
            head_sha=self.head_sha,
            priority=HISTORY_PRIORITY,
            retries=self.retries,
            pure=False,
        )


class DaskWorkers:
    """:class:`~analyzer.mining.workers.MiningWorkers` on a Dask cluster: the scheduler at
    ``scheduler``, or else a local cluster of ``workers`` processes of one thread each,
    started on first use and stopped by :meth:`close`."""

    def __init__(
        self,
        scheduler: str | None,
        workers: int,
        *,
        history_chunk: int = 500,
        retries: int = RETRIES,
    ) -> None:
        from distributed import KilledWorker  # Dask is imported only when asked for

        self.scheduler = scheduler
        self.workers = workers
        self.history_chunk = history_chunk
        self.retries = retries
        self.repository_errors: tuple[type[Exception], ...] = (RepositoryError, KilledWorker)
        self._stack = contextlib.ExitStack()
        self._client: Any = None
        self._executor: cf.Executor | None = None
        self._threads = workers
        self._connecting: cf.Future[Any] | None = None

    def start(self) -> None:
        """Begin connecting to the scheduler, or starting the local cluster (its worker
        processes starting and importing the metric code), in the background: it then
        overlaps the client's own start (the first repository opened, or its clone fetched,
        and the store opened) instead of coming before it."""
        if self._client is None and self._connecting is None:
            starter = cf.ThreadPoolExecutor(1, thread_name_prefix="jevons-dask-start")
            self._connecting = starter.submit(self._connect)
            starter.shutdown(wait=False)  # its one thread ends when the connection is made

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` (connecting, or starting the local cluster, once)."""
        if self._client is None:
            self.start()
            assert self._connecting is not None
            self._client = self._connecting.result()
            self._threads = max(1, sum(self._client.nthreads().values()))
            self._executor = self._client.get_executor(retries=self.retries, pure=False)
        return self._client

    def _connect(self) -> Any:
        return self._stack.enter_context(_connected(self.scheduler, self.workers))

    def pool_for(self, repo: Repository, source: RepositorySource) -> MetricPool:
        client = self.client
        assert self._executor is not None, client
        task = functools.partial(measure_reachable_blobs, url=source.url, head_sha=repo.head_sha)
        return MetricPool(
            self._threads, executor=self._executor, task=task, max_chunk=DASK_MAX_CHUNK
        )

    def history_for(self, repo: Repository, source: RepositorySource) -> HistoryReader:
        return WorkerHistory(
            self.client,
            url=source.url,
            head_sha=repo.head_sha,
            chunk=self.history_chunk,
            retries=self.retries,
        )

    def close(self, *, cancel: bool = False) -> None:
        if self._connecting is not None:  # a start under way ends before the cluster stops
            cf.wait([self._connecting])
            self._connecting = None
        self._client = None
        self._executor = None
        self._stack.close()


@contextlib.contextmanager
def _connected(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A client of the scheduler, or of a new local cluster; closed (never ``with
    Client``: that makes it the current client of the thread that connects, which
    :meth:`DaskWorkers.start` is not, and only that thread could undo it)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with contextlib.closing(client):
            _wait_for_a_worker(client, scheduler)
            yield client
        return
    # the nannies keep this configuration for the workers they restart
    with dask.config.set(CLUSTER_CONFIG):
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            # the scheduler serves HTTP whatever is asked: keep it on a free loopback port
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
            # each worker imports the metric code as it starts, not on its first task
            preload=[__name__],
        )
    with contextlib.closing(cluster), contextlib.closing(Client(cluster)) as client:  # type: ignore[no-untyped-call]
        yield client


def _wait_for_a_worker(client: Any, scheduler: str) -> None:
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
    except TimeoutError as exc:
        raise ConfigError(
            f"the Dask scheduler at {scheduler} has no worker (waited {WORKER_WAIT}s); "
            f"start some with `dask worker {scheduler}`"
        ) from exc

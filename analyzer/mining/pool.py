"""The workers that measure blobs: a local process pool, or a Dask cluster's workers.

Either way the work is :func:`~analyzer.mining.measure.compute_blob_metrics` on a chunk
of blobs (on Dask, behind :func:`~analyzer.mining.distributed.measure_reachable_blobs`,
which first finds the repository on the worker), and the answer comes back as a
``concurrent.futures.Future``; the store stays single-writer in the mining process.
The pool starts on the first chunk, so a run with nothing to measure (an up-to-date
store) never starts a worker, and a run with only a few blobs to measure does them in its
own process. Local workers come from a
fork server (never forked from the parent, which has threads) and ignore Ctrl-C, which
the parent handles.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import math
import multiprocessing
import signal
from collections.abc import Callable, Iterator, Sequence

from analyzer.errors import ConfigError
from analyzer.git.blobs import BlobReader
from analyzer.mining.contributions import BlobRequest
from analyzer.mining.measure import MetricSettings, compute_blob_metrics, measure_blobs
from analyzer.models import BlobMetrics

#: ``(repository path, blobs, settings) -> their metrics``, run on a worker
MetricTask = Callable[[str, Sequence[BlobRequest], MetricSettings], list[BlobMetrics]]

#: Blobs per task at most: big enough to amortise a round trip, small enough to balance.
MAX_CHUNK = 16
#: A run that has this few blobs to measure measures them in the mining process itself:
#: starting workers would cost more than the work (an incremental run, a small repository).
INLINE_BLOBS = 32


class MetricPool:
    """Measures chunks of blobs on ``workers`` local processes, or with ``task`` on an
    ``executor`` the caller owns and closes (a Dask client's: ``workers`` is then the
    cluster's thread count, and nothing is measured in this process)."""

    def __init__(
        self,
        workers: int,
        *,
        inline_blobs: int = INLINE_BLOBS,
        executor: cf.Executor | None = None,
        task: MetricTask = compute_blob_metrics,
        max_chunk: int = MAX_CHUNK,
    ) -> None:
        if workers < 1:
            raise ConfigError(f"--workers must be at least 1, not {workers}")
        self.workers = workers
        self.task = task
        self.max_chunk = max_chunk
        self._inline_budget = 0 if executor is not None else inline_blobs
        self._readers: dict[str, BlobReader] = {}
        self._executor: cf.Executor | None = executor
        self._owns_executor = executor is None

    def chunk_size(self, blob_count: int) -> int:
        """Blobs per task so that every worker gets a share of a batch's blobs."""
        return max(1, min(self.max_chunk, math.ceil(blob_count / (2 * self.workers))))

    def submit(
        self,
        repo_path: str,
        blobs: Sequence[BlobRequest],
        settings: MetricSettings,
        on_done: Callable[[int], None] | None = None,
    ) -> list[cf.Future[list[BlobMetrics]]]:
        """Queue ``blobs`` in chunks; ``on_done(n)`` is called (from any thread) as each
        chunk of ``n`` blobs completes."""
        if not blobs:
            return []
        if self._executor is None and len(blobs) <= self._inline_budget:
            self._inline_budget -= len(blobs)
            return [self._measured_inline(repo_path, blobs, settings, on_done)]
        self._inline_budget = 0
        executor = self._started()
        size = self.chunk_size(len(blobs))
        futures = []
        for start in range(0, len(blobs), size):
            chunk = list(blobs[start : start + size])
            future = executor.submit(self.task, repo_path, chunk, settings)
            if on_done is not None:
                future.add_done_callback(functools.partial(_report_done, on_done, len(chunk)))
            futures.append(future)
        return futures

    def _measured_inline(
        self,
        repo_path: str,
        blobs: Sequence[BlobRequest],
        settings: MetricSettings,
        on_done: Callable[[int], None] | None,
    ) -> cf.Future[list[BlobMetrics]]:
        reader = self._readers.get(repo_path)
        if reader is None:
            reader = self._readers[repo_path] = BlobReader(repo_path)
        future: cf.Future[list[BlobMetrics]] = cf.Future()
        try:
            future.set_result(measure_blobs(reader, blobs, settings))
        except Exception as exc:  # delivered where a worker's failure would be
            future.set_exception(exc)
        if on_done is not None:
            on_done(len(blobs))
        return future

    def close(self, *, cancel: bool = False) -> None:
        """Stop the workers (after their current chunk when ``cancel``)."""
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()
        if self._executor is not None and self._owns_executor:
            self._executor.shutdown(wait=not cancel, cancel_futures=cancel)
            self._executor = None

    def _started(self) -> cf.Executor:
        if self._executor is None:
            self._executor = self._local()
        return self._executor

    def _local(self) -> cf.Executor:
        # forkserver: workers fork from a clean single-threaded server that has already
        # imported the metric backends (and the main module, which multiprocessing would
        # otherwise import again in every worker), so only the first pool is slow to start
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["__main__", "analyzer.mining.measure"])
        return cf.ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=_ignore_interrupts
        )


@contextlib.contextmanager
def metric_pool(workers: int, *, inline_blobs: int = INLINE_BLOBS) -> Iterator[MetricPool]:
    """A local :class:`MetricPool` for a block: its workers stop when the block ends, at
    once (queued chunks cancelled) if the block fails."""
    pool = MetricPool(workers, inline_blobs=inline_blobs)
    try:
        yield pool
    except BaseException:
        pool.close(cancel=True)
        raise
    pool.close()


def _report_done(
    on_done: Callable[[int], None], count: int, _: cf.Future[list[BlobMetrics]]
) -> None:
    on_done(count)


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)

"""Commits in, store batches out: the miner's pipeline for one repository.

Commits stream from ``git log`` and are cut into batches. For each batch the blobs it
needs are looked up in the store (one query); the unseen ones go to the metric workers
at once, and reading carries on with the next batches while they work. A batch is
written when its own blobs are measured, in ONE transaction holding its commits, their
file changes and the blob and function metrics first measured for it. Batches are
written in order, so a blob a later batch shares with an earlier one is already stored
by then: whenever the process dies, every stored commit has every metric it needs, and
the next run starts from the commits that are missing.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool

from analyzer.errors import MiningError
from analyzer.mining.contributions import (
    BlobRequest,
    MeasuredSize,
    PathClassifier,
    annotate,
    commit_deltas,
    counted_sides,
)
from analyzer.mining.measure import MetricSettings
from analyzer.mining.pool import MetricPool
from analyzer.mining.progress import MiningObserver
from analyzer.models import Attribution, BlobMetrics, Commit
from analyzer.store import Store
from analyzer.store.records import MinedCommit
from analyzer.store.writes import StoredBlob, stored_blobs, write_batch

Attributor = Callable[[Commit], Attribution | None]


@dataclasses.dataclass
class _PendingBatch:
    commits: list[Commit]
    futures: list[cf.Future[list[BlobMetrics]]]
    remeasured: set[str]

    def ready(self) -> bool:
        return all(future.done() for future in self.futures)


@dataclasses.dataclass(frozen=True)
class BatchSettings:
    """What the pipeline needs besides the store and the workers."""

    repo_id: str
    repo_path: str
    positions: Mapping[str, int]
    metrics: MetricSettings
    batch_commits: int = 500
    #: batches read ahead of the one being written, while workers measure their blobs
    read_ahead: int = 3


class BatchMiner:
    """Writes a repository's commits to the store in measured, transactional batches."""

    def __init__(
        self,
        store: Store,
        pool: MetricPool,
        settings: BatchSettings,
        classifier: PathClassifier,
        attributor: Attributor,
        observer: MiningObserver,
    ) -> None:
        self.store = store
        self.pool = pool
        self.settings = settings
        self.classifier = classifier
        self.attributor = attributor
        self.observer = observer
        self.sizes: dict[str, MeasuredSize] = {}
        self.in_flight: set[str] = set()
        self.commits_written = 0
        self.blobs_measured = 0
        self.blob_errors = 0

    def run(self, commits: Iterable[Commit]) -> None:
        """Mine ``commits`` (in history order) into the store."""
        pending: collections.deque[_PendingBatch] = collections.deque()
        try:
            for chunk in _chunks(commits, self.settings.batch_commits):
                pending.append(self._prepare(chunk))
                self._write_ready(pending, keep=self.settings.read_ahead)
            self._write_ready(pending, keep=0)
        finally:
            for batch in pending:
                for future in batch.futures:
                    future.cancel()

    def _prepare(self, chunk: Sequence[Commit]) -> _PendingBatch:
        commits = [annotate(commit, self.classifier) for commit in chunk]
        wanted: dict[str, BlobRequest] = {}
        for commit in commits:
            for change in commit.changes:
                for request in counted_sides(change, self.classifier):
                    sha = request.blob_sha
                    if sha not in self.sizes and sha not in self.in_flight:
                        wanted.setdefault(sha, request)
        with self.store.connect() as conn:
            stored = stored_blobs(conn, list(wanted))
        to_measure, remeasured = self._unmeasured(wanted, stored)
        futures = self.pool.submit(
            self.settings.repo_path,
            to_measure,
            self.settings.metrics,
            on_done=self.observer.blobs_measured,
        )
        self.in_flight.update(request.blob_sha for request in to_measure)
        self.observer.blobs_queued(len(to_measure))
        return _PendingBatch(commits, futures, remeasured)

    def _unmeasured(
        self, wanted: Mapping[str, BlobRequest], stored: Mapping[str, StoredBlob]
    ) -> tuple[list[BlobRequest], set[str]]:
        """Blobs to measure; those stored with a smaller metric set are measured again."""
        to_measure: list[BlobRequest] = []
        remeasured: set[str] = set()
        for sha, request in wanted.items():
            known = stored.get(sha)
            if known is not None and _covers(known.metric_set, self.settings.metrics.metric_set):
                self.sizes[sha] = MeasuredSize(known.ccn_total, known.nloc)
                continue
            to_measure.append(request)
            if known is not None:
                remeasured.add(sha)
        return to_measure, remeasured

    def _write_ready(self, pending: collections.deque[_PendingBatch], *, keep: int) -> None:
        while pending and (len(pending) > keep or pending[0].ready()):
            self._write(pending.popleft())

    def _write(self, batch: _PendingBatch) -> None:
        measured = _results(batch.futures)
        for metrics in measured:
            self.sizes[metrics.blob_sha] = MeasuredSize(metrics.ccn_total, metrics.nloc)
            self.in_flight.discard(metrics.blob_sha)
        mined = [self._mined(commit) for commit in batch.commits]
        with self.store.transaction() as conn:
            write_batch(conn, self.settings.repo_id, mined, measured, batch.remeasured)
        self.commits_written += len(mined)
        self.blobs_measured += len(measured)
        self.blob_errors += sum(1 for metrics in measured if metrics.error)
        self.observer.commits_mined(len(mined))

    def _mined(self, commit: Commit) -> MinedCommit:
        ccn_delta, nloc_delta = commit_deltas(commit, self.classifier, self.sizes)
        return MinedCommit(
            commit=commit,
            history_seq=self.settings.positions[commit.sha],
            ccn_delta=ccn_delta,
            nloc_delta=nloc_delta,
            attribution=self.attributor(commit),
        )


def _covers(stored_set: str | None, wanted_set: str) -> bool:
    """A blob measured with the full set serves a lizard-only run, not the other way."""
    return stored_set in (None, wanted_set, "full")


def _results(futures: Sequence[cf.Future[list[BlobMetrics]]]) -> list[BlobMetrics]:
    try:
        return [metrics for future in futures for metrics in future.result()]
    except BrokenProcessPool as exc:
        raise MiningError(
            "a metric worker process died (out of memory, or killed); "
            "run again: the store holds everything written so far"
        ) from exc


def _chunks(items: Iterable[Commit], size: int) -> Iterator[list[Commit]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk

"""Measuring blobs: a pure function of (repository path, blobs, settings), so it can run
anywhere: in the miner's process pool, in a Dask worker, or inline in a notebook.

The worker reads the blobs itself through its own persistent ``git cat-file --batch``
(one per repository, kept for the worker's life), so only SHAs and paths go to a worker
and only metrics come back: blob bytes never cross a process boundary.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

from analyzer.config import MiningConfig
from analyzer.errors import ConfigError
from analyzer.git.blobs import BlobReader, OversizedBlob
from analyzer.metrics import METRIC_SETS, analyze_blob, detect_language
from analyzer.metrics.blob import oversized_blob_metrics
from analyzer.mining.contributions import BlobRequest
from analyzer.models import BlobMetrics

MISSING_BLOB_ERROR = "blob not in the repository (a partial clone or a submodule?)"


@dataclasses.dataclass(frozen=True)
class MetricSettings:
    """How each blob is measured: which metric set, and the per-blob limits."""

    metric_set: str = "full"
    max_bytes: int = 1024 * 1024
    timeout_seconds: float = 20.0

    @classmethod
    def from_config(cls, mining: MiningConfig, metric_set: str | None = None) -> MetricSettings:
        chosen = metric_set or mining.metrics
        if chosen not in METRIC_SETS:
            raise ConfigError(f"metric set must be one of {', '.join(METRIC_SETS)}, not {chosen!r}")
        return cls(chosen, mining.max_blob_bytes, mining.blob_timeout_seconds)


def compute_blob_metrics(
    repo_path: str, blobs: Sequence[BlobRequest], settings: MetricSettings
) -> list[BlobMetrics]:
    """Metrics of ``blobs`` of the repository at ``repo_path``, in the order given.

    Never raises for a blob's content (failures are recorded in ``error``); raises
    :class:`~analyzer.errors.GitCommandError` if git itself fails.
    """
    return measure_blobs(_reader_for(repo_path), blobs, settings)


def measure_blobs(
    reader: BlobReader, blobs: Sequence[BlobRequest], settings: MetricSettings
) -> list[BlobMetrics]:
    """Like :func:`compute_blob_metrics`, with a reader the caller owns."""
    measured = []
    for request in blobs:
        content = reader.read_within(request.blob_sha, settings.max_bytes)
        if isinstance(content, OversizedBlob):
            measured.append(
                oversized_blob_metrics(
                    request.blob_sha,
                    request.path,
                    content.size,
                    content.lines,
                    metric_set=settings.metric_set,
                    max_bytes=settings.max_bytes,
                )
            )
            continue
        if content is None:
            measured.append(
                BlobMetrics(
                    blob_sha=request.blob_sha,
                    language=detect_language(request.path),
                    size_bytes=0,
                    error=MISSING_BLOB_ERROR,
                    metric_set=settings.metric_set,
                )
            )
            continue
        measured.append(
            analyze_blob(
                request.blob_sha,
                request.path,
                content,
                metric_set=settings.metric_set,
                max_bytes=settings.max_bytes,
                timeout_seconds=settings.timeout_seconds,
            )
        )
    return measured


@functools.lru_cache(maxsize=8)
def _reader_for(repo_path: str) -> BlobReader:
    # Process-local and created on first use, never at import: a pool or Dask worker
    # keeps one cat-file per repository it has measured blobs of, for its whole life.
    return BlobReader(repo_path)

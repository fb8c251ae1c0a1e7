"""Blob metrics for a report: from the store's content-addressed cache, and for the blobs
the store has not seen (a pull request not mined yet), measured now by the miner's own
:func:`~analyzer.mining.compute_blob_metrics` on its workers. Nothing is written back: the
reports only read the store.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from analyzer.config import Config
from analyzer.mining.contributions import BlobRequest
from analyzer.mining.measure import MetricSettings
from analyzer.mining.pool import metric_pool
from analyzer.models import BlobMetrics, FunctionMetrics
from analyzer.store import Store
from analyzer.store.writes import registered

_BLOB_COLUMNS = (
    "language",
    "size_bytes",
    "loc",
    "nloc",
    "comment_lines",
    "function_count",
    "ccn_total",
    "ccn_max",
    "token_count",
    "maintainability_index",
    "halstead_volume",
    "error",
    "metric_set",
)
_FUNCTION_COLUMNS = (
    "name",
    "long_name",
    "start_line",
    "end_line",
    "nloc",
    "ccn",
    "parameter_count",
    "token_count",
)


@dataclasses.dataclass(frozen=True)
class BlobLookup:
    """Metrics of every blob asked for, and where they came from."""

    metrics: dict[str, BlobMetrics]
    from_store: int
    measured_now: int


def blob_metrics_for(
    requests: Sequence[BlobRequest], repo_dir: Path, store: Store | None, config: Config
) -> BlobLookup:
    """Metrics (with functions) of each requested blob: cached ones from ``store``, the
    rest measured from ``repo_dir`` with the configured metric settings."""
    wanted = {request.blob_sha: request for request in requests}
    cached = read_cached_blobs(store, wanted) if store is not None else {}
    missing = [request for sha, request in wanted.items() if sha not in cached]
    measured = _measure(missing, repo_dir, config) if missing else {}
    return BlobLookup({**cached, **measured}, len(cached), len(measured))


def read_cached_blobs(store: Store, shas: Collection[str]) -> dict[str, BlobMetrics]:
    """Those of ``shas`` the store has measured, with their functions (two queries)."""
    if not shas:
        return {}
    wanted = pa.table({"sha": pa.array(sorted(shas), pa.string())})
    with store.connect() as conn, registered(conn, "jevons_report_blobs", wanted) as name:
        blobs = conn.execute(
            f"SELECT b.blob_sha, {', '.join('b.' + c for c in _BLOB_COLUMNS)} "
            f"FROM blob_metrics b JOIN {name} w ON b.blob_sha = w.sha"
        ).fetchall()
        functions = conn.execute(
            f"SELECT f.blob_sha, {', '.join('f.' + c for c in _FUNCTION_COLUMNS)} "
            f"FROM function_metrics f JOIN {name} w ON f.blob_sha = w.sha "
            "ORDER BY f.blob_sha, f.start_line"
        ).fetchall()
    by_blob: dict[str, list[FunctionMetrics]] = {}
    for sha, *values in functions:
        by_blob.setdefault(sha, []).append(_function(values))
    return {sha: _blob(sha, values, tuple(by_blob.get(sha, ()))) for sha, *values in blobs}


def _blob(sha: str, values: Sequence[Any], functions: tuple[FunctionMetrics, ...]) -> BlobMetrics:
    fields = dict(zip(_BLOB_COLUMNS, values, strict=True))
    fields["size_bytes"] = fields["size_bytes"] or 0
    fields["metric_set"] = fields["metric_set"] or "full"
    return BlobMetrics(blob_sha=sha, functions=functions, **fields)


def _function(values: Sequence[Any]) -> FunctionMetrics:
    fields = dict(zip(_FUNCTION_COLUMNS, values, strict=True))
    return FunctionMetrics(
        name=str(fields["name"]),
        long_name=str(fields["long_name"] or fields["name"]),
        start_line=int(fields["start_line"]),
        end_line=int(fields["end_line"] or fields["start_line"]),
        nloc=int(fields["nloc"] or 0),
        ccn=int(fields["ccn"] or 0),
        parameter_count=int(fields["parameter_count"] or 0),
        token_count=int(fields["token_count"] or 0),
    )


def _measure(
    requests: Sequence[BlobRequest], repo_dir: Path, config: Config
) -> dict[str, BlobMetrics]:
    settings = MetricSettings.from_config(config.mining)
    workers = config.mining.workers or os.cpu_count() or 1
    with metric_pool(workers) as pool:
        futures = pool.submit(str(repo_dir), requests, settings)
        return {blob.blob_sha: blob for future in futures for blob in future.result()}

"""The history miner: commits, file changes and blob metrics into the store, resumable.

:func:`mine_repositories` is what ``jevons mine`` calls; :func:`compute_blob_metrics` is
the pure unit of metric work a pool or Dask worker runs. The names below are loaded on
first use, so a metric worker that imports :mod:`analyzer.mining.measure` pays for the
metric backends only, not for the store, pandas and the attribution rules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyzer.mining.measure import MetricSettings, compute_blob_metrics
    from analyzer.mining.miner import mine_repositories, mine_repository
    from analyzer.mining.progress import ConsoleObserver, MiningObserver, SilentObserver
    from analyzer.mining.summary import RepositorySummary

_EXPORTS = {
    "ConsoleObserver": "analyzer.mining.progress",
    "MetricSettings": "analyzer.mining.measure",
    "MiningObserver": "analyzer.mining.progress",
    "RepositorySummary": "analyzer.mining.summary",
    "SilentObserver": "analyzer.mining.progress",
    "compute_blob_metrics": "analyzer.mining.measure",
    "mine_repositories": "analyzer.mining.miner",
    "mine_repository": "analyzer.mining.miner",
}

__all__ = [
    "ConsoleObserver",
    "MetricSettings",
    "MiningObserver",
    "RepositorySummary",
    "SilentObserver",
    "compute_blob_metrics",
    "mine_repositories",
    "mine_repository",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analyzer.mining' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

"""Metric backends: lizard for every language it knows, radon for Python's extras.

``analyze_blob`` turns one file version into :class:`~analyzer.models.BlobMetrics`;
``detect_language`` and ``is_excluded`` decide which paths are measured and which count
towards complexity; ``catalog`` describes every metric for labels and aggregation.
"""

from analyzer.metrics.blob import METRIC_SETS, analyze_blob
from analyzer.metrics.catalog import CATALOG, Metric, aggregate, metric
from analyzer.metrics.exclusions import is_excluded
from analyzer.metrics.languages import detect_language

__all__ = [
    "CATALOG",
    "METRIC_SETS",
    "Metric",
    "aggregate",
    "analyze_blob",
    "detect_language",
    "is_excluded",
    "metric",
]

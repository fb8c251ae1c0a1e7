"""One blob's metrics: content in, :class:`BlobMetrics` out, never an exception for content.

The order of work is the order of cost: the size limit first (no decoding), then binary
content, then decoding and physical lines, then lizard (every language), then radon
(Python, ``metric_set="full"`` only), all under the blob's time limit. Whatever was
measured before a failure is kept: a Python 2 file still has its lizard figures and an
``error`` naming radon's complaint.

``comment_lines`` is radon's count for Python (see :mod:`.radon_backend`); for every other
language, and for Python under ``metric_set="lizard"`` or when radon fails, it is the
estimate ``loc - nloc - blank lines``: lizard's NLOC leaves out lines holding only comments
or blanks, so what is neither code nor blank is comment. Lines of a multi-line comment
that are blank count as blank, not comment.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from analyzer.errors import ConfigError
from analyzer.metrics.decoding import (
    DecodedSource,
    count_physical_lines,
    decode_source,
    physical_lines,
)
from analyzer.metrics.failures import BinaryContentError, TimeLimitExceeded
from analyzer.metrics.languages import detect_language, reader_for
from analyzer.metrics.lizard_backend import LizardMeasurement, measure_with_lizard
from analyzer.metrics.radon_backend import RadonMeasurement, describe_failure, measure_with_radon
from analyzer.metrics.time_limit import Deadline, time_limit
from analyzer.models import BlobMetrics

METRIC_SETS = ("full", "lizard")
DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 20.0


def analyze_blob(
    blob_sha: str,
    path: str,
    content: bytes,
    *,
    metric_set: str = "full",
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
) -> BlobMetrics:
    """Measure one file version.

    ``path`` chooses the language (lizard's reader for its extension); ``metric_set`` is
    ``"full"`` (lizard, and radon for Python) or ``"lizard"``. Content over ``max_bytes``,
    binary content, a failing backend or a run past ``timeout_seconds`` (0 for none) is
    recorded in ``error``, never raised.
    """
    if metric_set not in METRIC_SETS:
        raise ConfigError(f"metric set must be one of {', '.join(METRIC_SETS)}, not {metric_set!r}")
    base = BlobMetrics(
        blob_sha=blob_sha,
        language=detect_language(path),
        size_bytes=len(content),
        metric_set=metric_set,
    )
    if len(content) > max_bytes:
        return oversized_blob_metrics(
            blob_sha,
            path,
            len(content),
            count_physical_lines(content),
            metric_set=metric_set,
            max_bytes=max_bytes,
        )
    try:
        source = decode_source(content)
    except BinaryContentError as exc:
        return dataclasses.replace(base, error=str(exc))
    lines = physical_lines(source.text)
    base = dataclasses.replace(base, loc=len(lines), encoding=source.encoding)
    if base.language is None:
        return base
    return _measure_source(base, path, source, lines, timeout_seconds)


def oversized_blob_metrics(
    blob_sha: str, path: str, size: int, lines: int, *, metric_set: str, max_bytes: int
) -> BlobMetrics:
    """The metrics of a blob over ``max_bytes``: its size, its physical lines and the
    reason it was not analysed; the content itself is not needed (nor held)."""
    return BlobMetrics(
        blob_sha=blob_sha,
        language=detect_language(path),
        size_bytes=size,
        metric_set=metric_set,
        loc=lines,
        error=size_limit_message(size, max_bytes),
    )


def size_limit_message(size: int, max_bytes: int) -> str:
    readable = _human_bytes(size)
    return f"size limit: {size:,} bytes ({readable}) is over max_blob_bytes = {max_bytes:,}"


def _human_bytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    return f"{size / 1024:.1f} KiB"


def _measure_source(
    base: BlobMetrics, path: str, source: DecodedSource, lines: list[str], timeout: float
) -> BlobMetrics:
    lizard_result: LizardMeasurement | None = None
    try:
        with time_limit(timeout) as deadline:
            measured = _run_lizard(path, source.text, deadline)
            if isinstance(measured, str):
                return dataclasses.replace(base, error=measured)
            lizard_result = measured
            radon_result = _run_radon(base, source.text, deadline)
    except TimeLimitExceeded as exc:
        if lizard_result is None:
            return dataclasses.replace(base, error=str(exc))
        radon_result = RadonMeasurement(error=f"{exc} (during radon)")
    return _combine(base, lines, lizard_result, radon_result)


def _run_lizard(path: str, text: str, deadline: Deadline) -> LizardMeasurement | str:
    reader: Any = reader_for(path)
    try:
        return measure_with_lizard(path, text, reader, deadline)
    except TimeLimitExceeded:
        raise
    except Exception as exc:  # a reader bug or RecursionError must not fail the run
        return f"lizard: {describe_failure(exc)}"


def _run_radon(base: BlobMetrics, text: str, deadline: Deadline) -> RadonMeasurement:
    if base.language != "python" or base.metric_set != "full":
        return RadonMeasurement()
    return measure_with_radon(text, deadline)


def _combine(
    base: BlobMetrics, lines: list[str], lizard: LizardMeasurement, radon: RadonMeasurement
) -> BlobMetrics:
    comment_lines = radon.comment_lines
    if comment_lines is None:
        comment_lines = estimated_comment_lines(lines, lizard.nloc)
    return dataclasses.replace(
        base,
        nloc=lizard.nloc,
        comment_lines=comment_lines,
        function_count=lizard.function_count,
        ccn_total=lizard.ccn_total,
        ccn_max=lizard.ccn_max,
        token_count=lizard.token_count,
        maintainability_index=radon.maintainability_index,
        halstead_volume=radon.halstead_volume,
        error=radon.error,
        functions=lizard.functions,
    )


def estimated_comment_lines(lines: list[str], nloc: int) -> int:
    """Lines neither code (lizard's NLOC) nor blank: the comment estimate for languages
    radon does not read."""
    blank = sum(1 for line in lines if not line.strip())
    return max(len(lines) - nloc - blank, 0)

"""Why one blob could not be measured.

These never leave :func:`analyzer.metrics.analyze_blob`: each becomes the blob's
``error`` text, so one bad file never fails a run. Every message starts with a short
category (``size limit``, ``time limit``, ``binary content``, ``lizard``, ``radon``) so
the store can be grouped by cause with plain SQL.
"""

from __future__ import annotations

from analyzer.errors import JevonsError


class BlobMetricsError(JevonsError):
    """A blob could not be measured, wholly or in part."""


class BinaryContentError(BlobMetricsError):
    """The content is binary (a NUL byte where no text encoding allows one)."""


class TimeLimitExceeded(BlobMetricsError):  # noqa: N818 - reads as the event it reports
    """Measuring one blob took longer than its time limit."""

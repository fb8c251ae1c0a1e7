"""The scope of an analysis: which repository, which dates, which files, which service.

One frozen value, normalised when it is built: the command line builds it from its options,
the dashboard from its sidebar filters, a notebook by hand, and everything below (the
analysis, the frames, the review, the dashboard's lists) takes it as it is::

    from analyzer.analysis import Scope, analyze

    analyze("jevons.duckdb", Scope(date_from="2025-01-01", repo="shop", service="payments"))
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from analyzer.errors import AnalysisError

DateLike = dt.date | str | None


@dataclasses.dataclass(frozen=True, init=False)
class Scope:
    """What to analyse; ``None`` means no limit.

    ``date_from`` and ``date_to`` are inclusive days (UTC; ``YYYY-MM-DD`` strings are read
    as dates). ``repo`` is a repository id. ``path_prefix`` keeps the commits that changed a
    file under it (matched literally, by the new or the old path), counting only those
    files' lines and complexity. ``service`` keeps that service's incidents, and with them
    only their links. An empty string is no limit, as in the command's options.
    """

    date_from: dt.date | None
    date_to: dt.date | None
    repo: str | None
    path_prefix: str | None
    service: str | None

    def __init__(
        self,
        *,
        date_from: DateLike = None,
        date_to: DateLike = None,
        repo: str | None = None,
        path_prefix: str | None = None,
        service: str | None = None,
    ) -> None:
        start, end = parse_date(date_from, "--from"), parse_date(date_to, "--to")
        if start and end and start > end:
            raise AnalysisError(f"--from {start} is after --to {end}; swap them")
        object.__setattr__(self, "date_from", start)
        object.__setattr__(self, "date_to", end)
        object.__setattr__(self, "repo", repo or None)
        object.__setattr__(self, "path_prefix", path_prefix or None)
        object.__setattr__(self, "service", service or None)

    @property
    def start(self) -> dt.datetime | None:
        """The first instant in scope (midnight UTC of ``date_from``), inclusive."""
        return dt.datetime.combine(self.date_from, dt.time()) if self.date_from else None

    @property
    def end(self) -> dt.datetime | None:
        """The first instant after the scope (midnight after ``date_to``), exclusive."""
        if self.date_to is None:
            return None
        return dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time())

    def describe(self) -> str:
        """The scope in words, for captions (plain text: escape it for Markdown)."""
        parts = [f"repository {self.repo}" if self.repo else "all repositories"]
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "the start"
            end = self.date_to.isoformat() if self.date_to else "the end"
            parts.append(f"{start} to {end}")
        if self.path_prefix:
            parts.append(f"paths under {self.path_prefix}")
        if self.service:
            parts.append(f"service {self.service}")
        return ", ".join(parts)


def parse_date(value: DateLike, option: str) -> dt.date | None:
    """``value`` as a date; a string must be ``YYYY-MM-DD`` (``option`` names it in the
    error)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise AnalysisError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from exc

"""The filters every page shares: repository, date range, path prefix and service.

A frozen value, so the data layer can key its caches by it. Every one of them scopes the
analysis' figures and the lists alike: the path prefix keeps the commits that changed files
under it (their lines and complexity there), the service keeps that service's incidents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class Filters:
    """What the reader chose in the sidebar; ``None`` or ``""`` means everything."""

    repo: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    path_prefix: str = ""
    service: str | None = None

    def describe(self) -> str:
        """The scope in words, for captions (plain text: render with ``st.caption`` after
        escaping, or ``st.text``)."""
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


@dataclasses.dataclass(frozen=True)
class Quarter:
    """A calendar quarter ``[start, end)``, labelled ``2025 Q3``."""

    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"


def quarters(first_day: dt.date, last_day: dt.date) -> list[Quarter]:
    """Every calendar quarter that overlaps ``[first_day, last_day]``, oldest first."""
    found = []
    start = dt.date(first_day.year, 3 * ((first_day.month - 1) // 3) + 1, 1)
    while start <= last_day:
        month = start.month + 3
        end = dt.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
        found.append(Quarter(start, end))
        start = end
    return found

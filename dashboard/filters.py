"""Calendar quarters, the periods the Jevons page offers to compare.

(The sidebar's filters themselves become an :class:`analyzer.scope.Scope`, in
:func:`dashboard.context.scope_from_state`.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt


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

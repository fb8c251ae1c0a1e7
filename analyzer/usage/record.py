"""One day of one tool's use by one person or team, as every reader returns it.

Telemetry says how much AI a team used; it never says which commit the AI lines went into.
So a usage record is keyed by day, tool and who (a person's e-mail or login, a team, or
neither: the whole organisation), and carries the counts its source has; a count the source
does not have is ``None``, never 0. ``lines_accepted`` is the figure the analysis compares
with the markers: lines the tool wrote that a person accepted (Copilot's
``total_code_lines_accepted`` or ``loc_added_sum``, Claude Code's ``lines_of_code.added``,
Cursor's ``acceptedLinesAdded``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

from analyzer.incidents.record import RecordView
from analyzer.incidents.validate import RecordError, quoted

#: The counts a record may carry, in the store's column order.
COUNTS: tuple[str, ...] = (
    "lines_accepted",
    "lines_suggested",
    "suggestions",
    "acceptances",
    "sessions",
    "active_users",
)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_NANOS_PER_SECOND = 1_000_000_000
#: Timestamps a day can be read from: 1970 to 2200, as seconds, milliseconds or nanoseconds.
_EPOCH_RANGE = (0, 7_258_118_400)


@dataclasses.dataclass(frozen=True)
class UsageKey:
    """What one stored row is about: a source, a tool, a day, and who."""

    source: str
    tool: str
    day: dt.date
    person: str | None
    team: str | None


@dataclasses.dataclass(frozen=True)
class UsageRecord:
    """One day of one tool's use by ``person`` or ``team`` (both ``None``: everyone)."""

    key: UsageKey
    lines_accepted: int | None = None
    lines_suggested: int | None = None
    suggestions: int | None = None
    acceptances: int | None = None
    sessions: int | None = None
    active_users: int | None = None

    def counts(self) -> tuple[int | None, ...]:
        return tuple(getattr(self, name) for name in COUNTS)

    def plus(self, other: UsageRecord) -> UsageRecord:
        """This record and ``other`` (same key) added up: a count either has is kept; one
        neither has stays ``None``."""
        summed = (
            _add(mine, theirs) for mine, theirs in zip(self.counts(), other.counts(), strict=True)
        )
        return UsageRecord(self.key, *summed)


def merge_records(records: Iterable[UsageRecord]) -> dict[UsageKey, UsageRecord]:
    """Records of one file summed by key: a person's day may come in several records (one
    per terminal or editor, or one per OpenTelemetry export interval)."""
    merged: dict[UsageKey, UsageRecord] = {}
    for record in records:
        earlier = merged.get(record.key)
        merged[record.key] = record if earlier is None else earlier.plus(record)
    return merged


def required(record: RecordView, field: str) -> Any:
    """The value at ``field``; a record without it is refused, naming the field."""
    value = record.get(field)
    if value is None:
        raise RecordError("is missing", field)
    return value


def parse_count(value: Any, field: str) -> int:
    """A count: a whole number, zero or more (CSV cells and OTLP ``asInt`` arrive as text)."""
    if isinstance(value, bool):
        raise RecordError(f"{quoted(value)} is not a count", field)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("+").isdigit():
        number = int(value.strip())
    else:
        raise RecordError(f"{quoted(value)} is not a count (a whole number, zero or more)", field)
    if number < 0:
        raise RecordError(f"{quoted(value)} is negative; a count is zero or more", field)
    return number


def optional_count(value: Any, field: str) -> int | None:
    """A count, or ``None`` when the field is absent or empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_count(value, field)


def parse_day(value: Any, field: str) -> dt.date:
    """The UTC day of ``value``: ``2026-03-02``, an ISO timestamp (its UTC date), or a Unix
    time in seconds, milliseconds or nanoseconds (Cursor writes milliseconds)."""
    if isinstance(value, str) and _DAY.match(value.strip()):
        return _day_from_text(value.strip(), field)
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        seconds = _epoch_seconds(value)
        if seconds is not None:
            return dt.datetime.fromtimestamp(seconds, dt.UTC).date()
    raise RecordError(
        f"{quoted(value)} is not a day (expected YYYY-MM-DD, an ISO timestamp or a Unix time)",
        field,
    )


def _day_from_text(text: str, field: str) -> dt.date:
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"{quoted(text)} is not a valid date", field) from None
    if stamp.tzinfo is None:
        return stamp.date()
    return stamp.astimezone(dt.UTC).date()


def _epoch_seconds(value: int | float | str) -> float | None:
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    if not math.isfinite(number):
        return None
    for divisor in (1, 1000, _NANOS_PER_SECOND):
        seconds = number / divisor
        if _EPOCH_RANGE[0] < seconds < _EPOCH_RANGE[1]:
            return seconds
    return None


def who(value: Any, field: str) -> str:
    """A person (e-mail or login) or a team name, as one lower-case line of text."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise RecordError(f"{quoted(value)} is not a name or an e-mail address", field)
    text = str(value).strip()
    if not text or any(ch in text for ch in "\r\n\t"):
        raise RecordError(f"{quoted(value)} is not a name or an e-mail address", field)
    return text.lower()


def _add(first: int | None, second: int | None) -> int | None:
    if first is None:
        return second
    if second is None:
        return first
    return first + second

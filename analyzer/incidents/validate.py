"""The one validator every importer's values pass through.

Timestamps must parse and carry a UTC offset; one without is refused unless the user names
the zone it was written in (``--timezone``). Resolution and acknowledgement cannot precede
creation. Commit lists hold SHAs (full or abbreviated), nothing else. Every failure is a
:class:`RecordError` naming the field as the file spells it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analyzer.errors import IncidentImportError

_SHA = re.compile(r"[0-9a-f]{4,40}")
_SHA_SEPARATORS = re.compile(r"[\s;,]+")
#: Non-ISO spellings seen in UI exports (Jira's CSV writes ``15/Jan/24 2:30 PM``).
_EXTRA_FORMATS = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S %z",
)
_EXAMPLE = "2026-03-01T10:15:00Z"


#: The most characters of a bad value an error repeats: the rest is counted, not printed.
SHOWN_CHARACTERS = 80


def shortened(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """``text``, cut at ``limit`` characters with how long it was."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def quoted(value: Any) -> str:
    """A bad value as an error shows it: text in quotes, anything else as Python writes
    it, cut short (a cell of a million characters is not repeated on the terminal)."""
    if isinstance(value, str):
        return (
            f"'{value}'"
            if len(value) <= SHOWN_CHARACTERS
            else f"'{value[:SHOWN_CHARACTERS]}...' ({len(value):,} characters)"
        )
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        # str() of an integer over 4,300 digits is itself an error; count them instead
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1:,} digits"
    return shortened(repr(value))


class RecordError(Exception):
    """One record is invalid; ``field`` names the field as the file spells it."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def load_zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone that offset-less timestamps are read in, or ``None`` to refuse them."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise IncidentImportError(
            f"unknown time zone '{name}'; use an IANA name such as Europe/Paris or UTC"
        ) from exc


def parse_timestamp(value: Any, field: str, zone: ZoneInfo | None) -> dt.datetime:
    """``value`` as an aware UTC datetime; naive values are read in ``zone`` or refused."""
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, str):
        stamp = _parse_text(value.strip(), field)
    else:
        raise RecordError(
            f"{quoted(value)} is a {type(value).__name__}, not a timestamp (expected ISO 8601 "
            f"with an offset, e.g. {_EXAMPLE})",
            field,
        )
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        if zone is None:
            raise RecordError(
                f"{quoted(value)} has no UTC offset; add one (e.g. {_EXAMPLE}) or pass --timezone "
                "to say which zone it was written in",
                field,
            )
        stamp = stamp.replace(tzinfo=zone)
    return stamp.astimezone(dt.UTC)


def _parse_text(text: str, field: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _EXTRA_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise RecordError(
        f"{quoted(text)} is not a timestamp (expected ISO 8601 with an offset, e.g. {_EXAMPLE})",
        field,
    )


def parse_number(value: Any, field: str) -> float:
    """A non-negative finite number (CSV cells arrive as text)."""
    if isinstance(value, bool):
        raise RecordError(f"{quoted(value)} is not a number", field)
    try:
        number = float(value)
    except OverflowError:  # an integer beyond what a float holds
        raise RecordError(f"{quoted(value)} is too large a number", field) from None
    except (TypeError, ValueError):
        raise RecordError(f"{quoted(value)} is not a number", field) from None
    if not math.isfinite(number) or number < 0:
        raise RecordError(f"{quoted(value)} must be a finite number, zero or more", field)
    return number


def parse_commits(value: Any, field: str) -> tuple[str, ...]:
    """Commit SHAs from a list, or from text separated by spaces, ``;`` or ``,``."""
    items: Iterable[Any]
    if isinstance(value, str):
        items = _SHA_SEPARATORS.split(value.strip())
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise RecordError(f"{quoted(value)} is not a list of commit SHAs", field)
    shas: list[str] = []
    for item in items:
        sha = str(item).strip().lower()
        if not sha:
            continue
        if not _SHA.fullmatch(sha):
            raise RecordError(
                f"{quoted(item)} is not a commit SHA (4 to 40 hexadecimal digits)", field
            )
        if sha not in shas:
            shas.append(sha)
    return tuple(shas)


def check_chronology(
    created: tuple[str, dt.datetime],
    later: Iterable[tuple[str, dt.datetime | None]],
) -> None:
    """Each of ``later`` (field, time), when known, is not before ``created``."""
    created_field, created_at = created
    for field, stamp in later:
        if stamp is not None and stamp < created_at:
            raise RecordError(
                f"{_iso(stamp)} is before the incident was created ({created_field} "
                f"{_iso(created_at)})",
                field,
            )


def _iso(stamp: dt.datetime) -> str:
    return stamp.isoformat().replace("+00:00", "Z")

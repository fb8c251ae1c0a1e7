"""The shape every usage reader shares, and how a file's format is recognised.

A reader turns one record of a vendor's export into usage records (one, or several: an
OpenTelemetry export holds many data points per document). Recognition looks at the first
record's keys or the CSV header, as incident import does: a file matching no format, or two,
is refused with the keys it has.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence

from analyzer.errors import UsageImportError
from analyzer.incidents.record import RecordView, loose_key
from analyzer.usage.record import UsageRecord

_SHOWN_KEYS = 12


@dataclasses.dataclass(frozen=True)
class ReadContext:
    """What a reader is told besides the record: the team ``--team`` names (for exports
    made per team, such as Copilot's team metrics, whose records do not say it)."""

    team: str | None = None


Reader = Callable[[RecordView, ReadContext], Iterator[UsageRecord]]


@dataclasses.dataclass(frozen=True)
class UsageFormat:
    """One export a reader understands: its ``--format`` family, the shape in words, the keys
    that identify it (all of one of ``signatures``, compared loosely) and the reader."""

    family: str
    source: str
    label: str
    signatures: tuple[frozenset[str], ...]
    read: Reader

    def matches(self, keys: frozenset[str]) -> bool:
        return any(signature <= keys for signature in self.signatures)


def signature(*keys: str) -> frozenset[str]:
    return frozenset(loose_key(k) for k in keys)


def choose_format(
    family: str, formats: Sequence[UsageFormat], names: Sequence[str], *, path: str, described: str
) -> tuple[UsageFormat, bool]:
    """The format of ``family`` (``auto``: any) whose signature the ``names`` match, and
    whether it was detected rather than asked for."""
    keys = frozenset(loose_key(n) for n in names)
    wanted = [f for f in formats if family in ("auto", f.family)]
    matches = [f for f in wanted if f.matches(keys)]
    if len(matches) == 1:
        return matches[0], family == "auto"
    if not matches and family not in ("auto", "csv", "json") and len(wanted) == 1:
        return wanted[0], False
    shown = ", ".join(list(names)[:_SHOWN_KEYS]) + (", ..." if len(names) > _SHOWN_KEYS else "")
    families = ", ".join(sorted({f.family for f in formats}))
    if matches:
        both = " and ".join(f.label for f in matches)
        problem = f"{described} ({shown}) fit both {both}"
    else:
        problem = f"{described} ({shown}) match no known usage export"
    raise UsageImportError(
        f"cannot tell the format: {problem}; pass --format (auto, {families})", path=path
    )

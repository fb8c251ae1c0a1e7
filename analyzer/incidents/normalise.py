"""From one source record to one :class:`Incident`, the same way for every source.

A source is described by a :class:`SourceFormat`: where each normalised field is found in its
records (a table of paths, API spelling and UI-export spelling), how to recognise its records,
and, only where a tool needs it, a ``derive`` step for values no path gives directly (an
acknowledgement time computed from a delay, an id built from a URL). Everything else (id
prefixing, the severity scale, timestamps in UTC, validation) happens here, once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from analyzer.config import IncidentsConfig
from analyzer.incidents.record import Found, RecordView, as_text, loose_key
from analyzer.incidents.severity import SeverityScale, severity_name
from analyzer.incidents.validate import (
    RecordError,
    check_chronology,
    parse_commits,
    parse_number,
    parse_timestamp,
    quoted,
)
from analyzer.models import Incident

#: Field name -> paths to try in order, e.g. ``"title": ("title", "summary")``.
FieldPaths = Mapping[str, tuple[str, ...]]
Derive = Callable[[RecordView, "ImportContext"], Mapping[str, Found]]
Keep = Callable[[RecordView, "ImportContext"], str | None]
Customise = Callable[[FieldPaths, IncidentsConfig], FieldPaths]

_TEXT_FIELDS = ("reference", "title", "description", "status", "service", "url")
_LATER_TIMES = ("acknowledged_at", "resolved_at")
_SOURCE_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_MAX_UNMAPPED = 50
#: Counts (interruptions) are stored as 32-bit integers.
_MAX_COUNT = 2**31 - 1
#: The raw record as stored: compact, non-ASCII kept as is.
_RAW_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


@dataclasses.dataclass(frozen=True)
class Signature:
    """How to recognise one record shape: every key of ``all_of`` and, if given, one of
    ``any_of`` (keys compared loosely, see :func:`~analyzer.incidents.record.loose_key`)."""

    label: str
    all_of: frozenset[str]
    any_of: frozenset[str] = frozenset()

    @classmethod
    def of(cls, label: str, all_of: str, any_of: str = "") -> Signature:
        """A signature from space-separated key lists, in any spelling (write a title with
        spaces, such as Jira's ``Issue key``, as ``issue_key``)."""
        return cls(
            label,
            frozenset(loose_key(k) for k in all_of.split()),
            frozenset(loose_key(k) for k in any_of.split()),
        )

    def matches(self, keys: frozenset[str]) -> bool:
        return self.all_of <= keys and (not self.any_of or bool(self.any_of & keys))


@dataclasses.dataclass(frozen=True)
class SourceFormat:
    """One source: its id prefix, field paths, record shapes and its few special rules."""

    source: str
    label: str
    fields: FieldPaths
    signatures: tuple[Signature, ...]
    required: tuple[str, ...] = ("id", "title", "created_at")
    derive: Derive | None = None
    keep: Keep | None = None
    customise: Customise | None = None

    def field_paths(self, settings: IncidentsConfig) -> FieldPaths:
        """The paths in force for this run (Jira adds the user's custom-field mapping)."""
        return self.customise(self.fields, settings) if self.customise else self.fields


@dataclasses.dataclass(frozen=True)
class ImportContext:
    """What normalising one file's records needs; ``unmapped`` collects severity labels
    the scale does not know, for the summary."""

    zone: ZoneInfo | None
    scale: SeverityScale
    settings: IncidentsConfig
    github_label: str
    fields: FieldPaths
    source_file: str
    unmapped: set[str] = dataclasses.field(default_factory=set)

    def timestamp(self, found: Found) -> dt.datetime:
        return parse_timestamp(found.value, found.path, self.zone)


@dataclasses.dataclass(frozen=True)
class Filtered:
    """A record deliberately left out (not an incident by the user's definition)."""

    reason: str


def normalise_record(
    fmt: SourceFormat, view: RecordView, ctx: ImportContext
) -> Incident | Filtered:
    """The record as an :class:`Incident`, or why it is left out; raises :class:`RecordError`."""
    if fmt.keep is not None and (reason := fmt.keep(view, ctx)) is not None:
        return Filtered(reason)
    derived = fmt.derive(view, ctx) if fmt.derive is not None else {}
    found = {name: hit for name, paths in ctx.fields.items() if (hit := view.first(paths))}
    found.update(derived)
    for name in fmt.required:
        if name not in found:
            raise RecordError("required field is missing", view.field_name(ctx.fields[name]))
    native_id = as_text(found["id"].value)
    if native_id is None:
        raise RecordError("the id is empty", found["id"].path)
    texts = {name: _text(found.get(name)) for name in _TEXT_FIELDS}
    created = found["created_at"]
    created_at = ctx.timestamp(created)
    later = {name: ctx.timestamp(found[name]) for name in _LATER_TIMES if name in found}
    check_chronology((created.path, created_at), ((found[n].path, t) for n, t in later.items()))
    rank = _severity(fmt.source, derived.get("severity"), view, ctx)
    source = _source(found.get("source"), fmt.source)
    return Incident(
        incident_id=f"{source}:{native_id}",
        source=source,
        title=texts["title"],
        created_at=created_at,
        severity=severity_name(rank) if rank is not None else None,
        severity_rank=rank,
        service=texts["service"],
        status=texts["status"],
        acknowledged_at=later.get("acknowledged_at"),
        resolved_at=later.get("resolved_at"),
        url=texts["url"],
        description=texts["description"],
        effort_minutes=_number(found.get("effort_minutes")),
        off_hours_minutes=_number(found.get("off_hours_minutes")),
        interruptions=_count(found.get("interruptions")),
        off_hours_interruptions=_count(found.get("off_hours_interruptions")),
        fix_commits=_commits(found.get("fix_commits")),
        cause_commits=_commits(found.get("cause_commits")),
        reference=texts["reference"] or native_id,
        source_file=ctx.source_file,
        raw=_RAW_JSON.encode(view.data),
    )


def _text(found: Found | None) -> str | None:
    return as_text(found.value) if found is not None else None


def _number(found: Found | None) -> float | None:
    return parse_number(found.value, found.path) if found is not None else None


def _count(found: Found | None) -> int | None:
    if found is None:
        return None
    count = round(parse_number(found.value, found.path))
    if count > _MAX_COUNT:
        raise RecordError(f"{quoted(found.value)} is too large a count", found.path)
    return count


def _commits(found: Found | None) -> tuple[str, ...]:
    return parse_commits(found.value, found.path) if found is not None else ()


def _source(found: Found | None, default: str) -> str:
    """A generic file may name the tool its records came from; the id prefix is its name."""
    if found is None:
        return default
    name = (as_text(found.value) or "").lower()
    if not _SOURCE_NAME.fullmatch(name):
        raise RecordError(
            f"{quoted(found.value)} is not a source name (lower-case letters, digits, '-' or '_')",
            found.path,
        )
    return name


def _severity(
    source: str, derived: Found | None, view: RecordView, ctx: ImportContext
) -> int | None:
    """The rank of the first label the scale knows: a derived label, then the paths in order.
    Labels it does not know are kept (a few dozen at most) for the summary."""
    found = [derived] if derived is not None else []
    found += [Found(p, v) for p in ctx.fields.get("severity", ()) if (v := view.get(p)) is not None]
    for label in filter(None, (as_text(f.value) for f in found)):
        rank = ctx.scale.rank(source, label)
        if rank is not None:
            return rank
        if len(ctx.unmapped) < _MAX_UNMAPPED:
            ctx.unmapped.add(label)
    return None


def time_after(
    ctx: ImportContext, view: RecordView, delay: Found | None, *, unit_seconds: float
) -> Found | None:
    """Creation time plus ``delay`` (seconds, milliseconds ...), where a tool records how long
    after creation something happened rather than when."""
    created = view.first(ctx.fields["created_at"])
    if delay is None or created is None:
        return None
    seconds = parse_number(delay.value, delay.path) * unit_seconds
    try:
        return Found(delay.path, ctx.timestamp(created) + dt.timedelta(seconds=seconds))
    except OverflowError:
        raise RecordError(
            f"{quoted(delay.value)} is too long a delay to be a time", delay.path
        ) from None


def total(view: RecordView, paths: tuple[str, ...]) -> Found | None:
    """The sum of the numbers at ``paths`` (named by the first), if any is present."""
    found = [f for p in paths if (f := view.first((p,))) is not None]
    if not found:
        return None
    return Found(found[0].path, sum(parse_number(f.value, f.path) for f in found))


def scaled(found: Found, factor: float) -> Found:
    """A number converted to Jevons' unit (seconds to minutes: ``factor=1/60``)."""
    return Found(found.path, parse_number(found.value, found.path) * factor)

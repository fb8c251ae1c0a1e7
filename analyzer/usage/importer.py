"""``import_usage``: AI usage telemetry files in, one ``ai_usage`` row per day, tool and person
(or team) out.

The rules are incident import's. Each file is read and checked whole before one transaction
writes it, so a bad record leaves nothing of its file in the store, and the error names the
file, the record and the field. Records of one file with the same day, tool and person are
summed (a person's day comes in one record per terminal or editor, or one per OpenTelemetry
export interval); a row already stored for that source, tool, day and person is replaced,
so importing the same file again changes nothing and says so.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pandas as pd

from analyzer.errors import RecordImportError, UsageImportError
from analyzer.incidents.json_stream import RawRecord
from analyzer.incidents.reading import RecordFile, open_record_file
from analyzer.incidents.record import RecordView
from analyzer.incidents.validate import RecordError
from analyzer.store import StoreOnFirstUse
from analyzer.usage.claude_code import ANALYTICS, OPENTELEMETRY
from analyzer.usage.copilot import METRICS, USAGE_REPORT
from analyzer.usage.cursor import DAILY_USAGE
from analyzer.usage.formats import ReadContext, UsageFormat, choose_format
from analyzer.usage.generic import GENERIC
from analyzer.usage.record import COUNTS, UsageKey, UsageRecord, merge_records, who

#: Every export read, tools first: the generic format's two keys are common words.
FORMATS: tuple[UsageFormat, ...] = (
    METRICS,
    USAGE_REPORT,
    ANALYTICS,
    OPENTELEMETRY,
    DAILY_USAGE,
    GENERIC,
)
#: ``--format`` names; ``csv`` and ``json`` are both Jevons' own format.
FORMAT_NAMES: tuple[str, ...] = ("auto", "copilot", "claude-code", "cursor", "csv", "json")
_KEY_COLUMNS = ("source", "tool", "day", "person", "team")
_STAGED = "jevons_staged_usage"


@dataclasses.dataclass(frozen=True)
class UsageFileImport:
    """One file's import: what it was read as, and the rows it gave (new, changed, same)."""

    path: str
    label: str | None
    detected: bool
    records: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    lines_accepted: int | None = None

    @property
    def line(self) -> str:
        """One line for people: what was read as what, and what changed."""
        if self.label is None:
            return f"{self.path}: no usage records"
        how = "detected" if self.detected else "as asked"
        rows = self.new + self.changed + self.unchanged
        lines = (
            f"; {self.lines_accepted:,} lines accepted" if self.lines_accepted is not None else ""
        )
        return (
            f"{self.path}: read as {self.label} ({how}): {self.records} records, {rows} "
            f"days of a person's or team's use ({self.new} new, {self.changed} changed, "
            f"{self.unchanged} unchanged){lines}"
        )


def import_usage(
    files: Sequence[Path | str],
    *,
    db: Path | str | None = None,
    format: str = "auto",  # the command line's --format, by the same name
    team: str | None = None,
) -> tuple[UsageFileImport, ...]:
    """Import AI usage telemetry into the store at ``db``; see ``jevons usage import``.

    ``format`` is ``auto`` or one of :data:`FORMAT_NAMES`; ``team`` names the team of records
    that do not say whose they are (Copilot's per-team metrics). Raises
    :class:`UsageImportError` naming the file, record and field of the first problem; files
    before it stay imported.
    """
    if format not in FORMAT_NAMES:
        raise UsageImportError(
            f"unknown format '{format}'; choose one of {', '.join(FORMAT_NAMES)}"
        )
    context = ReadContext(team=who(team, "--team") if team is not None else None)
    paths = [Path(f) for f in files]
    for path in paths:
        if not path.is_file():
            raise UsageImportError("file not found", path=str(path))
    done: list[UsageFileImport] = []
    store = StoreOnFirstUse(db, lock_wait=30.0)
    with contextlib.closing(store):
        for path in paths:
            try:
                done.append(_import_file(store, path, format, context))
            except UsageImportError as exc:
                raise _with_progress(exc, done) from exc
    return tuple(done)


def _import_file(
    store: StoreOnFirstUse, path: Path, format_name: str, context: ReadContext
) -> UsageFileImport:
    source = _open(path)
    if not source.has_records and format_name == "auto":
        return UsageFileImport(str(path), None, detected=False)
    family = "generic" if format_name in ("csv", "json") else format_name
    fmt, detected = choose_format(
        family, FORMATS, source.names, path=str(path), described=source.described
    )
    records = 0
    read: list[UsageRecord] = []
    for raw in _records(source):
        records += 1
        read += _read_one(fmt, raw, source, context)
    merged = merge_records(read)
    with store.writable().transaction() as conn:
        new, changed, unchanged = _apply(conn, merged, str(path))
    accepted = [r.lines_accepted for r in merged.values() if r.lines_accepted is not None]
    return UsageFileImport(
        path=str(path),
        label=fmt.label,
        detected=detected,
        records=records,
        new=new,
        changed=changed,
        unchanged=unchanged,
        lines_accepted=sum(accepted) if accepted else None,
    )


def _open(path: Path) -> RecordFile:
    try:
        return open_record_file(path)
    except RecordImportError as exc:
        raise UsageImportError(
            exc.reason, path=exc.path, record=exc.record, field=exc.field
        ) from exc


def _records(source: RecordFile) -> Iterator[RawRecord]:
    """The file's records; a file that cannot be read (malformed JSON) says where."""
    try:
        yield from source.records()
    except UsageImportError:
        raise
    except RecordImportError as exc:
        raise UsageImportError(
            exc.reason, path=exc.path, record=exc.record, field=exc.field
        ) from exc


def _read_one(
    fmt: UsageFormat, raw: RawRecord, source: RecordFile, context: ReadContext
) -> list[UsageRecord]:
    try:
        if raw.problem is not None:
            raise RecordError(raw.problem)
        if not isinstance(raw.data, dict):
            raise RecordError(f"a JSON {type(raw.data).__name__}, not a usage record (an object)")
        return list(fmt.read(RecordView(raw.data, source.columns), context))
    except RecordError as exc:
        raise UsageImportError(
            exc.reason, path=str(source.path), record=raw.location, field=exc.field
        ) from exc


def _apply(
    conn: duckdb.DuckDBPyConnection, merged: dict[UsageKey, UsageRecord], source_file: str
) -> tuple[int, int, int]:
    """Write the file's rows: new keys inserted, changed ones replaced, equal ones left."""
    if not merged:
        return 0, 0, 0
    staged = pd.DataFrame(
        [
            (r.key.source, r.key.tool, r.key.day, r.key.person, r.key.team, *r.counts())
            for r in merged.values()
        ],
        columns=[*_KEY_COLUMNS, *COUNTS],
    ).astype({name: "Int64" for name in COUNTS})
    conn.register(_STAGED, staged)
    try:
        same_key = " AND ".join(f"u.{c} IS NOT DISTINCT FROM s.{c}" for c in _KEY_COLUMNS)
        same_counts = " AND ".join(f"u.{c} IS NOT DISTINCT FROM s.{c}" for c in COUNTS)
        stored = f"SELECT 1 FROM ai_usage u WHERE {same_key}"
        unchanged_sql = (
            f"SELECT count(*) FROM {_STAGED} s WHERE EXISTS ({stored} AND {same_counts})"
        )
        new_sql = f"SELECT count(*) FROM {_STAGED} s WHERE NOT EXISTS ({stored})"
        unchanged = _count(conn, unchanged_sql)
        new = _count(conn, new_sql)
        conn.execute(
            f"""DELETE FROM ai_usage u WHERE EXISTS (
                SELECT 1 FROM {_STAGED} s WHERE {same_key} AND NOT ({same_counts}))"""
        )
        columns = ", ".join((*_KEY_COLUMNS, *COUNTS))
        conn.execute(
            f"""INSERT INTO ai_usage ({columns}, source_file)
                SELECT {columns}, ? FROM {_STAGED} s WHERE NOT EXISTS ({stored})""",
            [source_file],
        )
    finally:
        conn.unregister(_STAGED)
    return new, len(merged) - new - unchanged, unchanged


def _count(conn: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _with_progress(exc: UsageImportError, done: list[UsageFileImport]) -> UsageImportError:
    """The error, saying which earlier files of the run were imported (and stay so)."""
    if not done:
        return exc
    kept = ", ".join(f.path for f in done)
    return UsageImportError(
        f"{exc.reason}; nothing from this file was imported, but these earlier files were: {kept}",
        path=exc.path,
        record=exc.record,
        field=exc.field,
    )

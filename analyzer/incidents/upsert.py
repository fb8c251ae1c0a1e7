"""Incidents written to the store in bulk, by id, changing only what changed.

Rows are gathered into batches, handed to DuckDB as Arrow tables (one scan per batch, not a
statement per row) and upserted on ``incident_id`` inside the caller's transaction. A row
equal to the stored one (``source_file`` aside) is not rewritten, so importing the same file
again changes nothing and says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa

from analyzer.models import Incident

BATCH_SIZE = 5000
_BATCH_VIEW = "jevons_incident_batch"

_TIME = pa.timestamp("us")
_SHAS = pa.list_(pa.string())
_SCHEMA = pa.schema(
    [
        ("incident_id", pa.string()),
        ("source", pa.string()),
        ("reference", pa.string()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("severity", pa.string()),
        ("severity_rank", pa.int32()),
        ("status", pa.string()),
        ("service", pa.string()),
        ("created_at", _TIME),
        ("acknowledged_at", _TIME),
        ("resolved_at", _TIME),
        ("url", pa.string()),
        ("effort_minutes", pa.float64()),
        ("off_hours_minutes", pa.float64()),
        ("interruptions", pa.int32()),
        ("off_hours_interruptions", pa.int32()),
        ("fix_commits", _SHAS),
        ("cause_commits", _SHAS),
        ("source_file", pa.string()),
        ("raw", pa.string()),
    ]
)


def _row(i: Incident) -> tuple[Any, ...]:
    """An incident as a row of :data:`_SCHEMA` (same order)."""
    return (
        i.incident_id,
        i.source,
        i.reference,
        i.title,
        i.description,
        i.severity,
        i.severity_rank,
        i.status,
        i.service,
        _naive_utc(i.created_at),
        _naive_utc(i.acknowledged_at),
        _naive_utc(i.resolved_at),
        i.url,
        i.effort_minutes,
        i.off_hours_minutes,
        i.interruptions,
        i.off_hours_interruptions,
        list(i.fix_commits),
        list(i.cause_commits),
        i.source_file,
        i.raw,
    )


_NAMES = _SCHEMA.names
#: Every column but the file a row came from: what "the same incident" means.
_COMPARED = [name for name in _NAMES if name not in ("incident_id", "source_file")]


def _naive_utc(stamp: dt.datetime | None) -> dt.datetime | None:
    """The store's TIMESTAMP columns hold UTC without a zone."""
    return stamp.astimezone(dt.UTC).replace(tzinfo=None) if stamp is not None else None


def _row_of(table: str) -> str:
    return (
        "("
        + ", ".join(f"{table}.{c}::VARCHAR" if c == "raw" else f"{table}.{c}" for c in _COMPARED)
        + ")"
    )


_COUNT_SQL = f"""
SELECT count(*) FILTER (WHERE i.incident_id IS NULL),
       count(*) FILTER (
           WHERE i.incident_id IS NOT NULL AND {_row_of("i")} IS DISTINCT FROM {_row_of("b")}
       )
FROM {_BATCH_VIEW} b LEFT JOIN incidents i USING (incident_id)
"""
_UPSERT_SQL = f"""
INSERT OR REPLACE INTO incidents ({", ".join(_NAMES)})
SELECT {", ".join(f"b.{n}::JSON" if n == "raw" else f"b.{n}" for n in _NAMES)}
FROM {_BATCH_VIEW} b
WHERE NOT EXISTS (
    SELECT 1 FROM incidents i
    WHERE i.incident_id = b.incident_id AND {_row_of("i")} IS NOT DISTINCT FROM {_row_of("b")}
)
"""


@dataclasses.dataclass
class IncidentWriter:
    """Buffers incidents and upserts them a batch at a time on ``conn`` (already inside a
    transaction). Within a batch the last record with an id wins, as it would row by row."""

    conn: duckdb.DuckDBPyConnection
    batch_size: int = BATCH_SIZE
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    _pending: dict[str, Incident] = dataclasses.field(default_factory=dict)
    _repeats: int = 0

    def add(self, incident: Incident) -> None:
        if incident.incident_id in self._pending:
            self._repeats += 1
        self._pending[incident.incident_id] = incident
        if len(self._pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered."""
        if not self._pending:
            return
        rows = list(self._pending.values())
        columns = zip(*map(_row, rows), strict=True)
        table = pa.Table.from_arrays(
            [pa.array(values, kind) for values, kind in zip(columns, _SCHEMA.types, strict=True)],
            schema=_SCHEMA,
        )
        self.conn.register(_BATCH_VIEW, table)
        try:
            counted = self.conn.execute(_COUNT_SQL).fetchone()
            new, changed = (int(counted[0]), int(counted[1])) if counted else (0, 0)
            self.conn.execute(_UPSERT_SQL)
        finally:
            self.conn.unregister(_BATCH_VIEW)
        self.new += new
        self.changed += changed
        self.unchanged += len(rows) - new - changed + self._repeats
        self._pending.clear()
        self._repeats = 0

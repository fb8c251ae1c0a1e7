"""Incidents staged on disk as they are read, then written to the store in one transaction.

DuckDB keeps a transaction's rows in memory until it commits when they arrive as many small
inserts, so a file's incidents are first appended, a batch at a time, to a Parquet file in
a scratch directory (nothing is held but the batch), and then applied by a few set-based
statements in one transaction, which DuckDB runs within its memory limit, spilling to disk
if needed. Applying compares each staged row with the stored one (``source_file`` aside):
equal rows are left alone, so importing the same file again changes nothing and says so;
within a file the last record with an id wins.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from analyzer.models import Incident

BATCH_SIZE = 5000
#: DuckDB's memory while applying a file (restored afterwards): enough to be quick, and
#: the same for a file of any size.
APPLY_MEMORY_LIMIT = "256MB"
_STAGED = "jevons_staged_incidents"

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


_NAMES = _SCHEMA.names
#: Every column but the file a row came from: what "the same incident" means.
_COMPARED = [name for name in _NAMES if name not in ("incident_id", "source_file")]
#: Staged rows carry their position in the file, so the last of a repeated id wins.
_STAGING_SCHEMA = _SCHEMA.append(pa.field("seq", pa.int64()))


def _row_of(table: str) -> str:
    columns = (f"{table}.{c}::VARCHAR" if c == "raw" else f"{table}.{c}" for c in _COMPARED)
    return "(" + ", ".join(columns) + ")"


_DIFFERS = f"{_row_of('i')} IS DISTINCT FROM {_row_of('s')}"
_COUNT_SQL = f"""
SELECT count(*) FILTER (WHERE i.incident_id IS NULL),
       count(*) FILTER (WHERE i.incident_id IS NOT NULL AND {_DIFFERS})
FROM {_STAGED} s LEFT JOIN incidents i USING (incident_id)
"""
_DELETE_CHANGED_SQL = f"""
DELETE FROM incidents i USING {_STAGED} s
WHERE i.incident_id = s.incident_id AND {_DIFFERS}
"""
_INSERT_SQL = f"""
INSERT INTO incidents ({", ".join(_NAMES)})
SELECT {", ".join(f"s.{n}::JSON" if n == "raw" else f"s.{n}" for n in _NAMES)}
FROM {_STAGED} s ANTI JOIN incidents i USING (incident_id)
"""


@dataclasses.dataclass(frozen=True)
class Applied:
    """What applying a file did: rows new, changed (rewritten) and unchanged (left alone)."""

    new: int
    changed: int
    unchanged: int


class IncidentStager:
    """Appends incidents to a Parquet file at ``path``, :data:`BATCH_SIZE` at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._batch: list[Incident] = []
        self._writer: pq.ParquetWriter | None = None

    def add(self, incident: Incident) -> None:
        self._batch.append(incident)
        if len(self._batch) >= BATCH_SIZE:
            self._flush()

    def close(self) -> None:
        """Write the last batch and finish the file."""
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _flush(self) -> None:
        if not self._batch:
            return
        columns = [list(c) for c in zip(*map(_row, self._batch), strict=True)]
        columns.append(list(range(self.count, self.count + len(self._batch))))
        table = pa.Table.from_arrays(
            [pa.array(v, t) for v, t in zip(columns, _STAGING_SCHEMA.types, strict=True)],
            schema=_STAGING_SCHEMA,
        )
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, _STAGING_SCHEMA, compression="zstd")
        self._writer.write_table(table)
        self.count += len(self._batch)
        self._batch.clear()

    def apply(self, conn: duckdb.DuckDBPyConnection) -> Applied:
        """Upsert the staged incidents on ``conn``, inside the caller's transaction."""
        self.close()
        if self.count == 0:
            return Applied(0, 0, 0)
        quoted = str(self.path).replace("'", "''")
        conn.execute(
            f"CREATE OR REPLACE TEMP VIEW {_STAGED} AS SELECT * EXCLUDE (seq) "
            f"FROM read_parquet('{quoted}') "
            "QUALIFY row_number() OVER (PARTITION BY incident_id ORDER BY seq DESC) = 1"
        )
        limit = conn.execute("SELECT current_setting('memory_limit')").fetchone()
        conn.execute(f"SET memory_limit = '{APPLY_MEMORY_LIMIT}'")
        try:
            counted = conn.execute(_COUNT_SQL).fetchone()
            assert counted is not None
            new, changed = int(counted[0]), int(counted[1])
            conn.execute(_DELETE_CHANGED_SQL)
            conn.execute(_INSERT_SQL)
        finally:
            if limit is not None:
                conn.execute(f"SET memory_limit = '{limit[0]}'")
            conn.execute(f"DROP VIEW IF EXISTS {_STAGED}")
        # A repeated id is one row, counted once more for each repeat as unchanged.
        return Applied(new, changed, self.count - new - changed)

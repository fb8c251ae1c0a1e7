"""Every table of the store as Parquet, for tools that do not speak DuckDB.

One file per table, ``<table>.parquet``, written by DuckDB's own ``COPY ... TO`` from a
read-only connection. Each file is written under a temporary name and renamed into place,
so a failed export never leaves a half-written file where a complete one is expected.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from pathlib import Path

import duckdb

from analyzer.errors import StoreError
from analyzer.store import Store, open_store


@dataclasses.dataclass(frozen=True)
class ExportedTable:
    """One table written: its name, the file, and how many rows it holds."""

    table: str
    path: Path
    rows: int


def export_parquet(
    parquet: Path | str, db: Path | str | Store | None = None
) -> list[ExportedTable]:
    """Write each table of the store at ``db`` to ``parquet/<table>.parquet``."""
    directory = Path(parquet)
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"{directory}: exists and is not a directory; choose another --parquet")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{directory}: cannot create the export directory: {exc}") from exc
    store = open_store(db, read_only=True, missing="error")
    written = []
    with store.connect() as conn:
        tables = [
            str(row[0])
            for row in conn.execute(
                "SELECT table_name FROM duckdb_tables() "
                "WHERE database_name = current_database() AND schema_name = 'main' "
                "ORDER BY table_name"
            ).fetchall()
        ]
        for table in tables:
            target = directory / f"{table}.parquet"
            partial = directory / f".{table}.parquet.partial"
            try:
                conn.execute(
                    f'COPY "{table}" TO {_sql_string(str(partial))} (FORMAT parquet)'
                ).fetchall()
                os.replace(partial, target)
            except (duckdb.Error, OSError) as exc:
                raise StoreError(f"{target}: cannot write the export: {exc}") from exc
            finally:
                with contextlib.suppress(FileNotFoundError):
                    partial.unlink()
            [(rows,)] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchall()
            written.append(ExportedTable(table, target, int(rows)))
    return written


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"

"""The miner's reads and writes of the store, each a few set-based statements.

Rows arrive as Arrow tables (:mod:`analyzer.store.records`) and go in with one
``INSERT ... BY NAME SELECT`` per table, never row by row. The caller decides the
transaction: a mining batch calls :func:`write_batch` inside ``Store.transaction()``, so
its commits, file changes and the blob metrics they need land together or not at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import NamedTuple

import duckdb
import pyarrow as pa

from analyzer.models import BlobMetrics
from analyzer.store.records import (
    MinedCommit,
    blob_metrics_table,
    commits_table,
    file_changes_table,
    function_metrics_table,
)

#: Tables whose rows belong to one commit of one repository: dropped with the commit.
COMMIT_KEYED_TABLES = ("file_changes", "incident_links", "commit_churn", "commits")


class StoredBlob(NamedTuple):
    """What the miner needs to know of a blob already in ``blob_metrics``."""

    ccn_total: int | None
    nloc: int | None
    metric_set: str | None


@contextlib.contextmanager
def registered(conn: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[str]:
    """``table`` visible to SQL as ``name`` for the block."""
    conn.register(name, table)
    try:
        yield name
    finally:
        conn.unregister(name)


def _sha_table(shas: Collection[str]) -> pa.Table:
    return pa.table({"sha": pa.array(list(shas), pa.string())})


def write_batch(
    conn: duckdb.DuckDBPyConnection,
    repo_id: str,
    mined: Sequence[MinedCommit],
    blobs: Sequence[BlobMetrics],
    remeasured: Collection[str] = (),
) -> None:
    """Insert a batch: new blob and function metrics, then commits and file changes.

    ``remeasured`` names blobs already stored that were measured again with a fuller
    metric set: their rows are replaced and their old function rows dropped.
    """
    if blobs:
        if remeasured:
            with registered(conn, "jevons_remeasured", _sha_table(remeasured)):
                conn.execute(
                    "DELETE FROM function_metrics WHERE blob_sha IN "
                    "(SELECT sha FROM jevons_remeasured)"
                ).fetchall()
        _insert(conn, "blob_metrics", blob_metrics_table(blobs), replace=bool(remeasured))
        functions = function_metrics_table(blobs)
        if functions.num_rows:
            _insert(conn, "function_metrics", functions)
    if mined:
        _insert(conn, "commits", commits_table(repo_id, mined))
        changes = file_changes_table(repo_id, mined)
        if changes.num_rows:
            _insert(conn, "file_changes", changes)


def _insert(
    conn: duckdb.DuckDBPyConnection, table: str, rows: pa.Table, *, replace: bool = False
) -> None:
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    with registered(conn, f"jevons_new_{table}", rows) as view:
        conn.execute(f"{verb} INTO {table} BY NAME SELECT * FROM {view}").fetchall()


def stored_history(conn: duckdb.DuckDBPyConnection, repo_id: str) -> dict[str, int | None]:
    """The repository's stored commits and their ``history_seq``."""
    rows = conn.execute(
        "SELECT sha, history_seq FROM commits WHERE repo_id = ?", [repo_id]
    ).fetchall()
    return {sha: seq for sha, seq in rows}


def stored_blobs(conn: duckdb.DuckDBPyConnection, shas: Collection[str]) -> dict[str, StoredBlob]:
    """Those of ``shas`` already in ``blob_metrics`` (one query, however many)."""
    if not shas:
        return {}
    with registered(conn, "jevons_wanted_blobs", _sha_table(shas)):
        rows = conn.execute(
            "SELECT b.blob_sha, b.ccn_total, b.nloc, b.metric_set FROM blob_metrics b "
            "JOIN jevons_wanted_blobs w ON b.blob_sha = w.sha"
        ).fetchall()
    return {sha: StoredBlob(ccn, nloc, metric_set) for sha, ccn, nloc, metric_set in rows}


def delete_commits(
    conn: duckdb.DuckDBPyConnection,
    repo_id: str,
    shas: Collection[str],
    tables: Sequence[str] = COMMIT_KEYED_TABLES,
) -> None:
    """Drop ``shas`` of the repository from ``tables`` (by default every table keyed by
    commit; blob metrics always stay: they are shared, content-addressed, and still true)."""
    if not shas:
        return
    with registered(conn, "jevons_gone", _sha_table(shas)):
        for table in tables:
            conn.execute(
                f"DELETE FROM {table} WHERE repo_id = ? AND sha IN (SELECT sha FROM jevons_gone)",
                [repo_id],
            ).fetchall()


def renumber_history(
    conn: duckdb.DuckDBPyConnection, repo_id: str, positions: Mapping[str, int]
) -> None:
    """Set ``history_seq`` of stored commits whose place in history has changed."""
    if not positions:
        return
    table = pa.table(
        {
            "sha": pa.array(list(positions), pa.string()),
            "seq": pa.array(list(positions.values()), pa.int32()),
        }
    )
    with registered(conn, "jevons_positions", table):
        conn.execute(
            "UPDATE commits SET history_seq = p.seq FROM jevons_positions p "
            "WHERE commits.repo_id = ? AND commits.sha = p.sha",
            [repo_id],
        ).fetchall()

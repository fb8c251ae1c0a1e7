"""The store opens, creates its schema once, and refuses what it must not touch."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analyzer.errors import StoreError, StoreLockedError, StoreVersionError
from analyzer.store import open_store, writer_lock
from analyzer.store.schema import SCHEMA_VERSION, TABLES


def test_new_store_has_every_contract_table_and_its_version(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.duckdb")
    tables = {r[0] for r in store.query("SELECT table_name FROM duckdb_tables()")}
    assert set(TABLES) <= tables
    assert store.query("SELECT value FROM meta WHERE key='schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]


def test_non_duckdb_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("my precious notes")
    with pytest.raises(StoreError, match="not a DuckDB file"):
        open_store(path)
    assert path.read_text() == "my precious notes"


def test_foreign_duckdb_database_is_not_changed(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE sales (x INTEGER)")
    with pytest.raises(StoreError, match="not a Jevons store"):
        open_store(path)
    with duckdb.connect(str(path)) as conn:
        assert [
            r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        ] == ["sales"]


def test_store_from_a_newer_jevons_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    open_store(path)
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)]
        )
    with pytest.raises(StoreVersionError, match="newer Jevons"):
        open_store(path)


def test_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "nowhere" / "s.duckdb")


def test_read_only_open_of_a_missing_store_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="jevons mine"):
        open_store(tmp_path / "absent.duckdb", read_only=True)


def test_second_writer_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    # flock locks belong to an open file description, so a second open in this process
    # conflicts just as another process would.
    with (
        writer_lock(path),
        pytest.raises(StoreLockedError, match="is writing to this store"),
        writer_lock(path),
    ):
        pass


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.duckdb")
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute("INSERT INTO meta VALUES ('x', 'y')")
        raise RuntimeError("boom")
    assert store.query("SELECT count(*) FROM meta WHERE key = 'x'") == [(0,)]

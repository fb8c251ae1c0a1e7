"""The store opens, creates its schema once, and refuses what it must not touch."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analyzer.errors import StoreError, StoreLockedError, StoreVersionError
from analyzer.store import open_store, store_problem, writer_lock
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
        open_store(tmp_path / "absent.duckdb", read_only=True)  # a reader never creates


def test_a_missing_store_is_created_refused_or_none_as_asked(tmp_path: Path) -> None:
    absent = tmp_path / "absent.duckdb"
    assert open_store(absent, read_only=True, missing="none") is None
    assert open_store(absent, read_only=False, missing="none") is None
    with pytest.raises(StoreError, match="no store here yet"):
        open_store(absent, read_only=False, missing="error")
    with pytest.raises(ValueError, match="read-only"):
        open_store(absent, read_only=True, missing="create")
    assert not absent.exists()
    created = open_store(absent, read_only=False, missing="create")
    assert created.path == absent and absent.exists()
    reader = open_store(absent, read_only=True, missing="none")
    assert reader is not None and reader.read_only


def test_a_store_already_open_is_passed_through(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.duckdb")
    assert open_store(store, read_only=True, missing="error") is store


def test_what_is_wrong_with_a_path_is_the_reason_opening_it_raises(tmp_path: Path) -> None:
    notes = tmp_path / "notes.duckdb"
    notes.write_text("my precious notes")
    absent = tmp_path / "absent.duckdb"
    for path in (notes, absent, tmp_path):
        problem = store_problem(path)
        with pytest.raises(StoreError) as caught:
            open_store(path, read_only=True, missing="error")
        assert problem is not None and problem == str(caught.value)
        assert problem.startswith(f"{path}: ")
    assert store_problem(tmp_path / "nowhere" / "s.duckdb") is not None
    good = tmp_path / "good.duckdb"
    open_store(good)
    assert store_problem(good) is None
    assert notes.read_text() == "my precious notes" and not absent.exists()


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

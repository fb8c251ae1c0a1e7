"""Store files Jevons did not just write: an older schema is migrated forward keeping its
rows; a newer one, a corrupt one, a DuckDB file of someone else's and a file that is not
DuckDB at all are refused by every command with one clear line, and never changed."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from analyzer.store.schema import SCHEMA_VERSION, TABLES
from tests.dashboard.pages import open_app
from tests.support.cli_runs import run_main
from tests.support.repo_builder import RepoBuilder
from tests.support.torture_repos import query

V1_DDL = Path(__file__).parent / "fixtures" / "store_v1.sql"
INCIDENTS = "id,title,created_at,resolved_at\nINC-9,Checkout down,2024-01-01T12:00:00+00:00,\n"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _v1_store(path: Path) -> None:
    """A store as Jevons wrote it at schema version 1, holding one incident."""
    with duckdb.connect(str(path)) as conn:
        conn.execute(V1_DDL.read_text())
        conn.execute(
            "INSERT INTO incidents (incident_id, source, title, created_at, raw) VALUES "
            "('generic:INC-1', 'generic', 'Old outage', TIMESTAMP '2023-12-01 10:00', '{}')"
        )


@pytest.fixture
def small_repo(repo: RepoBuilder) -> RepoBuilder:
    repo.commit("one", {"a.py": "def a(x):\n    if x:\n        return 1\n    return 0\n"})
    return repo


def test_a_version_1_store_is_migrated_by_a_writing_command_and_keeps_its_rows(
    small_repo: RepoBuilder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "old.duckdb"
    _v1_store(db)
    before = _digest(db)
    refused = run_main(["analyze", "--db", str(db)], monkeypatch, capsys)
    assert refused.code != 0 and "older" in refused.err and "migrate" in refused.err
    assert _digest(db) == before  # a reader never migrates

    mined = run_main(["mine", str(small_repo.path), "--db", str(db)], monkeypatch, capsys)

    assert mined.code == 0, mined.err
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]
    assert query(db, "SELECT title, reference FROM incidents") == [("Old outage", None)]
    tables = {t for (t,) in query(db, "SELECT table_name FROM duckdb_tables()")}
    assert tables == set(TABLES)
    incidents = tmp_path / "new.csv"
    incidents.write_text(INCIDENTS)
    imported = run_main(
        ["incidents", "import", str(incidents), "--db", str(db)], monkeypatch, capsys
    )
    assert imported.code == 0, imported.err
    assert query(db, "SELECT count(*), count(reference) FROM incidents") == [(2, 1)]
    assert run_main(["analyze", "--db", str(db), "--json"], monkeypatch, capsys).code == 0


def _newer(path: Path) -> None:
    with duckdb.connect(str(path)) as conn:
        for ddl in TABLES.values():
            conn.execute(ddl)
        conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION + 7)])


def _foreign(path: Path) -> None:
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER, total DECIMAL(10, 2))")
        conn.execute("INSERT INTO invoices VALUES (1, 99.50)")


def _truncated(path: Path) -> None:
    _real_store(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _garbled(path: Path) -> None:
    _real_store(path)
    data = bytearray(path.read_bytes())
    for start in range(8192, len(data), 16384):
        data[start : start + 4096] = bytes((i * 151 + 7) % 256 for i in range(4096))
    path.write_bytes(bytes(data))


def _real_store(path: Path) -> None:
    with duckdb.connect(str(path)) as conn:
        for ddl in TABLES.values():
            conn.execute(ddl)
        conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        conn.execute(
            "INSERT INTO commits (repo_id, sha, message) "
            "SELECT 'r', md5(i::VARCHAR), repeat('x', 200) FROM range(20000) t(i)"
        )


def _sqlite(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + bytes(4080))


def _text(path: Path) -> None:
    path.write_text("my notes, not a database\n")


def _empty(path: Path) -> None:
    path.touch()


BAD_FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "newer schema": (_newer, "newer Jevons"),
    "someone else's DuckDB": (_foreign, "not a Jevons store"),
    "truncated": (_truncated, "may be damaged"),
    "garbled": (_garbled, "Corrupt database file"),
    "SQLite": (_sqlite, "not a DuckDB file"),
    "text": (_text, "not a DuckDB file"),
    "empty": (_empty, "not a DuckDB file"),
}


def _commands(repo: Path, db: Path, incidents: Path, out: Path) -> list[list[str]]:
    return [
        ["mine", str(repo), "--db", str(db)],
        ["incidents", "import", str(incidents), "--db", str(db)],
        ["link", "--db", str(db)],
        ["attribute", "--db", str(db)],
        ["analyze", "--db", str(db)],
        ["attribution", "explain", "abc123", "--db", str(db)],
        ["export", "--parquet", str(out), "--db", str(db)],
    ]


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_store_jevons_cannot_use_is_refused_by_every_command_and_left_untouched(
    kind: str,
    small_repo: RepoBuilder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make, reason = BAD_FILES[kind]
    db = tmp_path / "store.duckdb"
    make(db)
    before = _digest(db)
    incidents = tmp_path / "incidents.csv"
    incidents.write_text(INCIDENTS)
    keep = tmp_path / "pristine"
    shutil.copy(db, keep)

    for args in _commands(small_repo.path, db, incidents, tmp_path / "parquet"):
        result = run_main(args, monkeypatch, capsys)
        assert result.code != 0, (args, result)
        lines = [line for line in result.err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), (args, result.err)
        assert reason in result.err and "Traceback" not in result.err, (args, result.err)
        assert _digest(db) == before, args
        assert not Path(f"{db}.wal").exists(), args
    assert db.read_bytes() == keep.read_bytes()


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_the_dashboard_shows_why_it_cannot_read_a_store_and_leaves_it_untouched(
    kind: str, tmp_path: Path
) -> None:
    make, _ = BAD_FILES[kind]
    db = tmp_path / "store.duckdb"
    make(db)
    before = _digest(db)

    app = open_app(db)  # fails on any exception the page raised

    errors = [str(e.value) for e in app.error]
    assert len(errors) == 1 and str(db) in errors[0].replace("\\", ""), errors
    assert _digest(db) == before

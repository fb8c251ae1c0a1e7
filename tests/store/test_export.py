"""``jevons export --parquet DIR``: every table, every row, readable without DuckDB."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from analyzer.config import Config
from analyzer.errors import StoreError
from analyzer.mining import mine_repositories
from analyzer.store import open_store
from analyzer.store.export import export_parquet
from analyzer.store.schema import TABLES
from tests.support.mining_repos import run_jevons
from tests.support.repo_builder import RepoBuilder


@pytest.fixture
def mined(repo: RepoBuilder, tmp_path: Path) -> Path:
    repo.commit("one", {"a.py": "def f(x):\n    if x:\n        return 1\n    return 0\n"})
    repo.commit("two", {"b.go": "package b\n\nfunc g() int { return 1 }\n", "a.py": None})
    db = tmp_path / "s.duckdb"
    mine_repositories([repo.path], db=db, workers=1, config=Config())
    return db


def test_every_table_is_written_with_all_its_rows(mined: Path, tmp_path: Path) -> None:
    out = tmp_path / "export" / "nested"
    written = export_parquet(out, db=mined)
    assert set(TABLES) <= {t.table for t in written}
    store = open_store(mined, read_only=True, missing="error")
    for table in written:
        frame = pq.read_table(table.path).to_pandas()
        expected = store.query_df(f"SELECT * FROM {table.table}")
        assert table.path == out / f"{table.table}.parquet"
        assert len(frame) == table.rows == len(expected)
        assert list(frame.columns) == list(expected.columns)
    commits = pq.read_table(out / "commits.parquet").to_pandas()
    assert sorted(commits["message"]) == ["one", "two"]
    parents = [list(p) for p in commits.sort_values("history_seq")["parents"]]
    assert parents[0] == [] and len(parents[1]) == 1
    assert not list(out.glob(".*partial"))


def test_export_replaces_an_earlier_export(mined: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "commits.parquet").write_bytes(b"stale")
    export_parquet(out, db=mined)
    assert pq.read_table(out / "commits.parquet").num_rows == 2


def test_export_into_a_file_path_is_refused(mined: Path, tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("keep me")
    with pytest.raises(StoreError, match="exists and is not a directory"):
        export_parquet(target, db=mined)
    assert target.read_text() == "keep me"


def test_export_of_a_missing_store_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="jevons mine"):
        export_parquet(tmp_path / "out", db=tmp_path / "none.duckdb")


def test_cli_export_lists_each_table(mined: Path, tmp_path: Path) -> None:
    result = run_jevons("export", "--parquet", "out", "--db", str(mined), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "commits: 2 rows -> out/commits.parquet" in lines
    assert len(lines) >= len(TABLES)

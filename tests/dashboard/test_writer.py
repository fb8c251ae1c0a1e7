"""The dashboard while another process writes to the store: DuckDB lets one process write
or several read, never both, so pages keep the data they last loaded and say why."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.mining import mine_repositories
from dashboard.data import BUSY_MESSAGE
from tests.dashboard.conftest import STORE_BUILD_TIMEOUT, DashboardStores
from tests.dashboard.pages import metric, open_app, rerun, texts
from tests.support.repo_builder import RepoBuilder

pytestmark = [pytest.mark.slow, pytest.mark.timeout(STORE_BUILD_TIMEOUT)]

# A writer that opens the store read-write (as `jevons mine` does for each batch) and holds
# it until its standard input closes.
HOLD = """
import sys, duckdb
conn = duckdb.connect(sys.argv[1])
conn.execute("BEGIN TRANSACTION")
print("holding", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
conn.close()
"""


def verdicts(texts_on_page: list[str]) -> list[str]:
    return [t for t in texts_on_page if t.startswith("**")]


def test_pages_keep_the_last_data_while_a_writer_holds_the_store(
    dashboard_stores: DashboardStores, tmp_path: Path
) -> None:
    db = tmp_path / "jevons.duckdb"
    shutil.copyfile(dashboard_stores.full, db)
    app = open_app(db)
    before = verdicts(texts(app))
    assert before
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == b"holding"
        os.utime(db)  # what a committed batch does: the cached data is now out of date
        rerun(app)
        assert verdicts(texts(app)) == before
        assert any("Another process is writing to the store" in str(w.value) for w in app.warning)
        newcomer = open_app(db)
        assert any(BUSY_MESSAGE in str(e.value) for e in newcomer.error)
    finally:
        assert writer.stdin is not None
        writer.stdin.close()
        writer.wait(timeout=30)
    rerun(app)
    assert not app.warning
    assert verdicts(texts(app)) == before


def test_a_store_that_grows_shows_the_new_commits_on_the_next_rerun(
    dashboard_stores: DashboardStores, tmp_path: Path
) -> None:
    db = tmp_path / "jevons.duckdb"
    shutil.copyfile(dashboard_stores.commits_only, db)
    app = open_app(db)
    before = int(metric(app, "Changes shipped").replace(",", ""))
    _, last_day = app.date_input(key="filter_dates").value
    later = RepoBuilder(tmp_path / "later-repo")
    when = dt.datetime.combine(last_day + dt.timedelta(days=30), dt.time(9), tzinfo=dt.UTC)
    for day in range(3):
        later.commit(
            f"change {day}", {"app.py": f"x = {day}\n"}, date=when + dt.timedelta(days=day)
        )
    mine_repositories([later.path], db=db, workers=1)
    rerun(app)
    assert app.date_input(key="filter_dates").value[1] == (when + dt.timedelta(days=2)).date()
    assert int(metric(app, "Changes shipped").replace(",", "")) == before + 3

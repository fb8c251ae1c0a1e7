"""Stores for the dashboard's tests, built once per test session by the real pipeline
(generate the sample scenarios, ``mine_repositories``, ``detect_reverts``,
``import_incidents``, ``link_incidents``) and shared by every xdist worker through a lock
in the session's common temporary directory.

A snapshot is kept after each stage, so the pages are also tested on partly built stores:
commits only, then incidents imported but not linked, then the full two-repository store.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzer.analysis import detect_reverts
from analyzer.demo import STEPS, STORE_FILE, run_demo
from analyzer.incidents import import_incidents
from analyzer.linking import link_incidents
from analyzer.mining import mine_repositories
from analyzer.store import open_store
from sample_repos.generate import generate_scenario
from tests.support.repo_builder import RepoBuilder

#: Seconds a test that uses the stores may take: the first one waits for the build (two
#: scenarios mined, a few minutes on two cores, longer when the suite runs beside it).
STORE_BUILD_TIMEOUT = 1800
#: Two scenarios in one store: the combined view and a per-repository view each.
SCENARIOS = ("jevons-volume", "ai-risk")
WORKERS = 2
HOSTILE = (
    "<script>alert(1)</script> [click me](https://evil.example/x) ![img](https://evil.example/i.png)"
    " **bold** :red[red] $x^2$ @here <img src=x onerror=alert(1)> `code` # heading\n| a | b |"
)


@dataclasses.dataclass(frozen=True)
class DashboardStores:
    """Read-only store files, one per pipeline stage."""

    commits_only: Path
    unlinked: Path
    full: Path
    hostile: Path


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _snapshot(db: Path, target: Path) -> Path:
    shutil.copyfile(db, target)
    return target


def build_stores(root: Path) -> DashboardStores:
    """Run the pipeline stage by stage, keeping a copy of the store after each."""
    scenarios = [generate_scenario(name) for name in SCENARIOS]
    db = root / "building.duckdb"
    first, second = scenarios
    mine_repositories([first.repo], db=db, workers=WORKERS)
    detect_reverts(db)
    commits_only = _snapshot(db, root / "commits-only.duckdb")
    import_incidents(first.incident_files, db=db)
    unlinked = _snapshot(db, root / "unlinked.duckdb")
    link_incidents(db, ownership=first.ownership)
    mine_repositories([second.repo], db=db, workers=WORKERS)
    detect_reverts(db)
    import_incidents(second.incident_files, db=db)
    link_incidents(db, ownership=second.ownership)
    full = _snapshot(db, root / "full.duckdb")
    hostile = _snapshot(db, root / "hostile.duckdb")
    add_hostile_repository(hostile, root / "hostile")
    db.unlink()
    return DashboardStores(commits_only, unlinked, full, hostile)


def add_hostile_repository(db: Path, where: Path) -> None:
    """Mine a repository whose commit message, author and path carry Markdown, HTML and
    links, and import an incident with the same kind of title that names its commits."""
    repo = RepoBuilder(where / "hostile-repo")
    day = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
    path = "src/[evil](https:/evil.example)/*x*_<b>.py"
    cause = repo.commit(
        HOSTILE,
        {path: "def f(x):\n    if x:\n        return 1\n    return 2\n"},
        author=("<b>Mallory</b> [x](https://evil.example)", "m@evil.example"),
        date=day,
    )
    fix = repo.commit(
        "Fix HOSTILE-1 " + HOSTILE,
        {path: "def f(x):\n    if x:\n        return 3\n    return 2\n"},
        author=("**Eve** :red[x]", "e@evil.example"),
        date=day + dt.timedelta(days=2),
    )
    mine_repositories([repo.path], db=db, workers=1)
    export = where / "hostile-incidents.json"
    export.write_text(
        json.dumps(
            [
                {
                    "id": "HOSTILE-1",
                    "title": HOSTILE,
                    "created_at": "2025-03-04T10:00:00+00:00",
                    "resolved_at": "2025-03-04T12:00:00+00:00",
                    "severity": "SEV1",
                    "service": "<i>svc</i> [s](https://evil.example)",
                    "description": HOSTILE,
                    "fix_commits": [fix],
                    "cause_commits": [cause],
                }
            ]
        ),
        encoding="utf-8",
    )
    import_incidents([export], db=db)
    link_incidents(db)


@pytest.fixture(scope="session")
def dashboard_stores(tmp_path_factory: pytest.TempPathFactory) -> DashboardStores:
    """The stores, built by whichever worker gets here first (or, while developing, those
    an earlier session built in ``$JEVONS_DASHBOARD_STORES``)."""
    reuse = os.environ.get("JEVONS_DASHBOARD_STORES")
    root = Path(reuse) if reuse else _shared_root(tmp_path_factory) / "dashboard-stores"
    root.mkdir(exist_ok=True)
    done = root / "done"
    with _locked(root / ".lock"):
        if not done.exists():
            build_stores(root)
            done.write_text("ok")
    return DashboardStores(
        commits_only=root / "commits-only.duckdb",
        unlinked=root / "unlinked.duckdb",
        full=root / "full.duckdb",
        hostile=root / "hostile.duckdb",
    )


#: The demo's steps that build its store (the reports are other parts' business).
DEMO_STORE_PARTS = ("sample repository", "mining", "attribution", "incident import", "linking")


def build_demo_store(out: Path) -> Path:
    """The store ``jevons demo`` builds, by the demo's own pipeline steps."""
    steps = tuple(step for step in STEPS if step.part in DEMO_STORE_PARTS)
    result = run_demo(out=out, steps=steps)
    failed = [f"{o.part}: {o.status} {o.detail}" for o in result.outcomes if not o.ok]
    assert not failed, f"the demo pipeline did not build its store: {failed}"
    return result.context.db


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's store (default scenario, one repository), built once per session."""
    reuse = os.environ.get("JEVONS_DASHBOARD_STORES")
    root = (Path(reuse) if reuse else _shared_root(tmp_path_factory)) / "dashboard-demo"
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root / ".lock"):
        if not (root / "done").exists():
            build_demo_store(root)
            (root / "done").write_text("ok")
    return root / STORE_FILE


@pytest.fixture
def empty_store(tmp_path: Path) -> Path:
    """A new store with the schema and nothing else (what `jevons mine` starts from)."""
    path = tmp_path / "empty.duckdb"
    open_store(path)
    return path

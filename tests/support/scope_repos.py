"""A small store for the path-prefix and service scopes: a real repository with folders
``a/``, ``b/``, ``a_b/`` and ``ab/``, mined, with incidents of two services imported and
linked to the commits that caused them.

Every figure the scope tests expect can be worked out by hand from :data:`X_V1` and the
other file contents below (lizard counts a function's NLOC and CCN).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from analyzer.incidents import import_incidents
from analyzer.linking import link_incidents
from analyzer.mining import mine_repositories
from tests.support.repo_builder import RepoBuilder

#: a/x.py as first added: 4 lines, NLOC 4, CCN 2.
X_V1 = "def f(x):\n    if x:\n        return 1\n    return 2\n"
#: a/x.py after c2 (X_V1 + H): 7 lines more, NLOC 10, CCN 2 + 3.
H = """
def h(x):
    if x > 1:
        return 3
    if x > 2:
        return 4
    return 5
"""
X_V2 = X_V1 + H
#: b/y.py: 2 lines, NLOC 2, CCN 1; then 4 lines more (two blank), NLOC 4, CCN 2.
Y_V1 = "def g(y):\n    return y\n"
Y_V2 = Y_V1 + "\n\ndef k(y):\n    return -y\n"
LITERAL = "def z():\n    return 0\n"
MONDAY = dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True)
class ScopedStore:
    """The store and the commits, by the name the tests use."""

    db: Path
    shas: dict[str, str]


def build_scoped_store(where: Path) -> ScopedStore:
    """Commits one week apart: c1 adds a/x.py and b/y.py, c2 edits a/x.py, c3 edits b/y.py,
    c4 adds a_b/z.py, c5 adds ab/w.py, c6 moves a/x.py to b/x.py unchanged. Incidents:
    PAY-1 caused by c1, SEARCH-2 by c2, PAY-3 by c3, PAY-4 linked to nothing."""
    repo = RepoBuilder(where / "scoped-repo")

    def week(n: int) -> dt.datetime:
        return MONDAY + dt.timedelta(weeks=n)

    shas = {
        "c1": repo.commit("Add x and y", {"a/x.py": X_V1, "b/y.py": Y_V1}, date=week(0)),
        "c2": repo.commit("Grow x", {"a/x.py": X_V2}, date=week(1)),
        "c3": repo.commit("Grow y", {"b/y.py": Y_V2}, date=week(2)),
        "c4": repo.commit("Add z", {"a_b/z.py": LITERAL}, date=week(3)),
        "c5": repo.commit("Add w", {"ab/w.py": LITERAL}, date=week(4)),
        "c6": repo.commit("Move x", {"a/x.py": None, "b/x.py": X_V2}, date=week(5)),
    }
    db = where / "scoped.duckdb"
    mine_repositories([repo.path], db=db, workers=1)
    incidents = [
        ("PAY-1", "pay", 0, [shas["c1"]]),
        ("SEARCH-2", "search", 1, [shas["c2"]]),
        ("PAY-3", "pay", 2, [shas["c3"]]),
        ("PAY-4", "pay", 3, []),
    ]
    export = where / "incidents.json"
    export.write_text(
        json.dumps(
            [
                {
                    "id": ident,
                    "title": f"{ident} outage",
                    "service": service,
                    "severity": "SEV2",
                    "created_at": (week(n) + dt.timedelta(days=2)).isoformat(),
                    "resolved_at": (week(n) + dt.timedelta(days=2, hours=1)).isoformat(),
                    "cause_commits": causes,
                }
                for ident, service, n, causes in incidents
            ]
        ),
        encoding="utf-8",
    )
    import_incidents([export], db=db)
    link_incidents(db)
    return ScopedStore(db, shas)

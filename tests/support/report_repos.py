"""Small real repositories and stores for the report tests, built by the real pipeline
(``mine_repositories``, ``import_incidents``, ``link_incidents``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from analyzer.incidents import import_incidents
from analyzer.linking import link_incidents
from analyzer.mining import mine_repositories
from tests.support.repo_builder import RepoBuilder

CLAUDE_TRAILER = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"
INCIDENT_TITLE = "Checkout totals off by one cent"


def branchy(name: str, branches: int, *, offset: int = 0) -> str:
    """Python source of one function with ``branches`` ifs: CCN ``branches + 1``."""
    body = "".join(f"    if x == {i + offset}:\n        return {i}\n" for i in range(branches))
    return f"def {name}(x):\n{body}    return -1\n"


@dataclasses.dataclass(frozen=True)
class PullRequestRepo:
    """A mined repository with one linked incident, and an unmined pull request on it."""

    repo: RepoBuilder
    db: Path
    base: str
    gift: str  # the branch's first commit: a small new file, low risk
    head: str
    cause: str


def build_pull_request_repo(where: Path, *, extra_main_commit: bool = False) -> PullRequestRepo:
    """``main``: three commits, mined; ``checkout.py``'s second version caused incident
    ``INC-7`` (fixed by the third). Branch ``feature`` (never mined): a human commit and a
    Claude-assisted one that makes ``total`` CCN 12 and adds ``notes.txt``. With
    ``extra_main_commit``, ``main`` moves on after mining too, so the store is behind."""
    repo = RepoBuilder(where / "shop")
    day = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
    repo.commit(
        "Start checkout", {"checkout.py": branchy("total", 3), "README.md": "shop\n"}, date=day
    )
    cause = repo.commit(
        "Round totals", {"checkout.py": branchy("total", 5)}, date=day + dt.timedelta(days=1)
    )
    fix = repo.commit(
        "Fix INC-7: rounding",
        {"checkout.py": branchy("total", 5, offset=1)},
        date=day + dt.timedelta(days=2),
    )
    db = where / "jevons.duckdb"
    mine_repositories([repo.path], db=db, workers=1)
    export = where / "incidents.json"
    export.write_text(
        json.dumps(
            [
                {
                    "id": "INC-7",
                    "title": INCIDENT_TITLE,
                    "created_at": "2025-03-04T12:00:00+00:00",
                    "resolved_at": "2025-03-04T15:00:00+00:00",
                    "severity": "SEV2",
                    "service": "checkout",
                    "fix_commits": [fix],
                    "cause_commits": [cause],
                }
            ]
        ),
        encoding="utf-8",
    )
    import_incidents([export], db=db)
    link_incidents(db)
    if extra_main_commit:
        repo.commit("Docs", {"README.md": "shop, now with docs\n"}, date=day + dt.timedelta(days=3))
    base = repo.head()
    repo.checkout("feature", create=True)
    gift = repo.commit(
        "Add gift cards", {"gift.py": branchy("gift", 2)}, date=day + dt.timedelta(days=4)
    )
    head = repo.commit(
        "Handle more currencies" + CLAUDE_TRAILER,
        {"checkout.py": branchy("total", 11), "notes.txt": "currencies\n"},
        date=day + dt.timedelta(days=5),
    )
    repo.checkout("main")
    return PullRequestRepo(repo, db, base, gift, head, cause)

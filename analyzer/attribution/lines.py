"""Attribution at line level: lines added and deleted per class, and per class the share of
added lines still present at HEAD.

Lines come from ``file_changes`` (``git diff --numstat``), leaving out vendored and generated
files (``excluded``); a commit without file-change rows counts its ``commits`` totals.
Lines count for the class of the change (``change_authorship``): a merge mined with
first-parent history carries its branch's lines, so they count for its branch's class.
Survival at HEAD needs ``git blame`` at HEAD, which linking (``analyzer/git/blame.py``,
``jevons link``) stores per commit in ``commit_churn.surviving_at_head``. Until that table
is filled the result says so and gives no survival share rather than inventing one.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from analyzer.models import AUTHORSHIP_CLASSES
from analyzer.store import Store, open_store

_SQL = """
WITH changed AS (
    SELECT repo_id, sha,
           count(*) AS rows,
           coalesce(sum(lines_added) FILTER (WHERE NOT coalesce(excluded, false)), 0) AS added,
           coalesce(sum(lines_deleted) FILTER (WHERE NOT coalesce(excluded, false)), 0) AS deleted
    FROM file_changes GROUP BY repo_id, sha
)
SELECT coalesce(c.change_authorship, c.authorship, 'unlabelled') AS authorship,
       count(*) AS commits,
       sum(CASE WHEN ch.rows > 0 THEN ch.added ELSE coalesce(c.lines_added, 0) END) AS added,
       sum(CASE WHEN ch.rows > 0 THEN ch.deleted ELSE coalesce(c.lines_deleted, 0) END)
           AS deleted,
       count(k.sha) AS commits_with_blame,
       sum(k.lines_added) AS blamed_added,
       sum(k.surviving_at_head) AS surviving
FROM commits AS c
LEFT JOIN changed AS ch ON ch.repo_id = c.repo_id AND ch.sha = c.sha
LEFT JOIN commit_churn AS k
       ON k.repo_id = c.repo_id AND k.sha = c.sha AND k.surviving_at_head IS NOT NULL
WHERE ? IS NULL OR c.repo_id = ?
GROUP BY 1
"""


@dataclasses.dataclass(frozen=True)
class ClassLines:
    """One authorship class's lines; survival figures are None without blame data."""

    authorship: str
    commits: int
    lines_added: int
    lines_deleted: int
    commits_with_blame: int
    blamed_lines_added: int | None
    surviving_at_head: int | None

    @property
    def share_surviving(self) -> float | None:
        """Of the added lines blame could account for, the share still present at HEAD."""
        if not self.blamed_lines_added or self.surviving_at_head is None:
            return None
        return self.surviving_at_head / self.blamed_lines_added


@dataclasses.dataclass(frozen=True)
class LineAttribution:
    """Lines per class; ``survival_note`` says what the survival shares rest on."""

    classes: tuple[ClassLines, ...]
    survival_available: bool
    survival_note: str

    def get(self, authorship: str) -> ClassLines | None:
        return next((c for c in self.classes if c.authorship == authorship), None)


def line_attribution(
    db: Path | str | Store | None = None, repo: str | None = None
) -> LineAttribution:
    """Lines added and deleted per authorship class, with survival at HEAD where known."""
    store = open_store(db, read_only=True, missing="error")
    rows = store.query(_SQL, [repo, repo])
    order = {name: i for i, name in enumerate(AUTHORSHIP_CLASSES)}
    rows.sort(key=lambda r: (order.get(r[0], len(order)), r[0]))
    classes = tuple(
        ClassLines(
            authorship=r[0],
            commits=int(r[1]),
            lines_added=int(r[2] or 0),
            lines_deleted=int(r[3] or 0),
            commits_with_blame=int(r[4]),
            blamed_lines_added=None if r[4] == 0 else int(r[5] or 0),
            surviving_at_head=None if r[4] == 0 else int(r[6] or 0),
        )
        for r in rows
    )
    with_blame = sum(c.commits_with_blame for c in classes)
    total = sum(c.commits for c in classes)
    if with_blame == 0:
        note = (
            "no survival figures: commit_churn has no surviving_at_head values yet "
            "(they come from git blame at HEAD; run `jevons link` first)"
        )
    else:
        note = (
            f"survival at HEAD from git blame for {with_blame} of {total} commits "
            "(commit_churn.surviving_at_head over commit_churn.lines_added)"
        )
    return LineAttribution(classes=classes, survival_available=with_blame > 0, survival_note=note)

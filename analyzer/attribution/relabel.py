"""Re-label the commits already in the store after a rule change, without re-mining.

Everything a rule looks at (identities, message) is in the ``commits`` table, so the
labels are a pure function of the stored rows and the rules: read every commit, classify
it, and write all the labels back in one transaction (all land or none).

The change class of a merge mined with first-parent history also depends on the branch
commits it brings in, which the store does not hold: they are read again from the
repository at its stored path and HEAD (one graph read and one ``git log`` of the merged
commits per repository, :mod:`analyzer.attribution.merge_labels`). A repository that can
no longer be read keeps its merges' change classes, and the result names it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer.attribution.classify import classify_commit
from analyzer.attribution.merge_labels import OwnLabel, relabel_merges, write_merge_labels
from analyzer.attribution.rules import RuleSet, rules_from_config
from analyzer.config import Config
from analyzer.models import AUTHORSHIP_CLASSES, Commit
from analyzer.store import Store, open_store, writer_lock

UNLABELLED = "unlabelled"

#: The ``commits`` columns a :class:`~analyzer.models.Commit` is rebuilt from, in order.
COMMIT_COLUMNS = (
    "repo_id",
    "sha",
    "parents",
    "author_name",
    "author_email",
    "authored_at",
    "author_tz_minutes",
    "committer_name",
    "committer_email",
    "committed_at",
    "committer_tz_minutes",
    "message",
    "authorship",
)


@dataclasses.dataclass(frozen=True)
class RelabelResult:
    """Commits per class before and after re-labelling, how many changed class, and how
    many of the human ones carry weak evidence only (counted apart, never as AI)."""

    before: Mapping[str, int]
    after: Mapping[str, int]
    changed: int
    total: int
    weak_only: int = 0
    #: first-parent merges given the class of the commits they bring in, how many of
    #: them changed that class, and repositories whose graph could not be read
    merges: int = 0
    merges_changed: int = 0
    unreadable: tuple[str, ...] = ()

    @property
    def classes(self) -> tuple[str, ...]:
        """Every class seen before or after, the four authorship classes first."""
        seen = set(self.before) | set(self.after)
        extra = sorted(seen - set(AUTHORSHIP_CLASSES))
        return (*AUTHORSHIP_CLASSES, *extra)


def relabel_commits(
    db: Path | str | Store | None = None,
    config: Config | None = None,
    *,
    rules: RuleSet | None = None,
) -> RelabelResult:
    """Classify every stored commit under the rules in force and store the new labels."""
    rules = rules or rules_from_config(config or Config())
    store = open_store(db, read_only=False, missing="error")
    with writer_lock(store.path), store.transaction() as conn:
        rows = conn.execute(f"SELECT {', '.join(COMMIT_COLUMNS)} FROM commits").fetchall()
        before = Counter(row[-1] or UNLABELLED for row in rows)
        labels = pd.DataFrame(list(_labels(rows, rules)), columns=list(_LABEL_COLUMNS))
        new_classes = list(labels["authorship"])
        after = Counter(new_classes)
        changed = sum(1 for row, new in zip(rows, new_classes, strict=True) if row[-1] != new)
        classify = partial(classify_commit, rules=rules)
        merges = relabel_merges(conn, _own_labels(rows, labels), classify)
        if rows:
            conn.register("new_labels", labels)
            conn.execute(
                """
                UPDATE commits SET
                    authorship = n.authorship,
                    ai_tool = n.ai_tool,
                    attribution_evidence = n.attribution_evidence,
                    attribution_strength = n.attribution_strength,
                    weak_evidence = n.weak_evidence,
                    change_authorship = n.authorship,
                    change_ai_tool = n.ai_tool
                FROM new_labels AS n
                WHERE commits.repo_id = n.repo_id AND commits.sha = n.sha
                """
            )
            conn.unregister("new_labels")
            write_merge_labels(conn, merges.rows)
    weak_only = int((labels["attribution_strength"] == "weak").sum())
    return RelabelResult(
        before=dict(before),
        after=dict(after),
        changed=changed,
        total=len(rows),
        weak_only=weak_only,
        merges=merges.rows.num_rows,
        merges_changed=merges.changed,
        unreadable=merges.unreadable,
    )


def commit_from_row(row: Sequence[Any]) -> Commit:
    """Rebuild a :class:`Commit` (without file changes) from a row of ``COMMIT_COLUMNS``."""
    return Commit(
        sha=row[1],
        parents=tuple(row[2] or ()),
        author_name=row[3] or "",
        author_email=row[4] or "",
        authored_at=_utc(row[5]),
        author_tz_minutes=row[6] or 0,
        committer_name=row[7] or "",
        committer_email=row[8] or "",
        committed_at=_utc(row[9]),
        committer_tz_minutes=row[10] or 0,
        message=row[11] or "",
    )


_LABEL_COLUMNS = (
    "repo_id",
    "sha",
    "authorship",
    "ai_tool",
    "attribution_evidence",
    "attribution_strength",
    "weak_evidence",
)


def _labels(rows: Iterable[Sequence[Any]], rules: RuleSet) -> Iterable[tuple[Any, ...]]:
    for row in rows:
        label = classify_commit(commit_from_row(row), rules)
        yield (
            row[0],
            row[1],
            label.authorship,
            label.ai_tool,
            label.evidence,
            label.strength,
            label.weak_evidence,
        )


def _own_labels(
    rows: Sequence[Sequence[Any]], labels: pd.DataFrame
) -> dict[tuple[str, str], OwnLabel]:
    """The new labels of the merge commits among ``rows`` (``labels`` is row for row)."""
    merges = [i for i, row in enumerate(rows) if len(row[2] or ()) > 1]
    picked = labels.iloc[merges]
    return {
        (repo_id, sha): OwnLabel(authorship, ai_tool, evidence)
        for repo_id, sha, authorship, ai_tool, evidence in zip(
            picked["repo_id"],
            picked["sha"],
            picked["authorship"],
            picked["ai_tool"],
            picked["attribution_evidence"],
            strict=True,
        )
    }


def _utc(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

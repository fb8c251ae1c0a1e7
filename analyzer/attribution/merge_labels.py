"""Store the change class of first-parent merges (:mod:`analyzer.attribution.changes`).

A non-merge commit is written with ``change_authorship = authorship``, a merge with NULL:
``change_authorship IS NULL`` always means "not known yet". Once a run's batches are
written, a merge mined with first-parent history gets the class of the commits it brings
in, with ``merged_commits``, ``merged_ai_commits`` and the composition in words appended to
its ``attribution_evidence``; a merge mined with full history gets its own class. A merge
with ``merged_commits IS NULL`` in first-parent history is "not done yet" (new, or left by
a run interrupted before this step): the next run does it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from analyzer.attribution.changes import (
    COMPOSITION_SEPARATOR,
    Classifier,
    MergedCommit,
    label_change,
    merge_compositions,
)
from analyzer.config import HistoryMode
from analyzer.errors import GitCommandError
from analyzer.store import Store
from analyzer.store.writes import registered

_UPDATE_SCHEMA = pa.schema(
    [
        ("repo_id", pa.string()),
        ("sha", pa.string()),
        ("change_authorship", pa.string()),
        ("change_ai_tool", pa.string()),
        ("merged_commits", pa.int32()),
        ("merged_ai_commits", pa.int32()),
        ("attribution_evidence", pa.string()),
    ]
)

_MERGES_SQL = """
SELECT sha, authorship, ai_tool, attribution_evidence, change_authorship, change_ai_tool,
       merged_commits, merged_ai_commits
FROM commits WHERE repo_id = ? AND is_merge
"""


@dataclasses.dataclass(frozen=True)
class OwnLabel:
    """A merge commit's own label: who merged it, and the rules' evidence for that."""

    authorship: str | None
    ai_tool: str | None
    evidence: str | None


@dataclasses.dataclass(frozen=True)
class MergeRelabel:
    """The first-parent merges' new change labels, and the repositories that could not be
    read (their merges keep the change class they had)."""

    rows: pa.Table
    changed: int
    unreadable: tuple[str, ...]


def merge_row(
    repo_id: str, sha: str, own: OwnLabel, merged: Sequence[MergedCommit]
) -> dict[str, object]:
    """The ``commits`` columns this step sets for one merge."""
    label = label_change(own.authorship, own.ai_tool, merged)
    evidence = f"{own.evidence}; {label.composition}" if own.evidence else label.composition
    return {
        "repo_id": repo_id,
        "sha": sha,
        "change_authorship": label.authorship,
        "change_ai_tool": label.ai_tool,
        "merged_commits": label.merged_commits,
        "merged_ai_commits": label.merged_ai_commits,
        "attribution_evidence": evidence,
    }


def label_new_merges(
    store: Store,
    repo_id: str,
    repo_dir: Path,
    head: str,
    classify: Classifier,
    history: HistoryMode = "first-parent",
) -> int:
    """Give the repository's stored merges without a change class theirs, in one
    transaction; returns how many first-parent merges were labelled by their branches."""
    if history == "full":  # merges are not diffed: the change is the merge commit's own
        with store.transaction() as conn:
            conn.execute(
                "UPDATE commits SET change_authorship = authorship, change_ai_tool = ai_tool "
                "WHERE repo_id = ? AND is_merge AND change_authorship IS NULL",
                [repo_id],
            ).fetchall()
        return 0
    with store.connect() as conn:
        pending = [row for row in conn.execute(_MERGES_SQL, [repo_id]).fetchall() if row[6] is None]
    if not pending:
        return 0
    compositions = merge_compositions(repo_dir, head, classify, {row[0] for row in pending})
    rows = [
        merge_row(repo_id, row[0], OwnLabel(*row[1:4]), compositions.get(row[0], ()))
        for row in pending
    ]
    with store.transaction() as conn:
        write_merge_labels(conn, _table(rows))
    return len(rows)


def relabel_merges(
    conn: duckdb.DuckDBPyConnection,
    own_labels: Mapping[tuple[str, str], OwnLabel],
    classify: Classifier,
) -> MergeRelabel:
    """New change labels for every merge of every repository mined with first-parent
    history, from its own new label (``own_labels``) and its merged commits under
    ``classify``. A repository whose graph cannot be read at its stored path and HEAD
    keeps its merges' change classes (their composition words follow the new evidence)."""
    repos = conn.execute(
        "SELECT repo_id, path, head_sha FROM repos "
        "WHERE coalesce(history_mode, 'first-parent') = 'first-parent' ORDER BY repo_id"
    ).fetchall()
    rows: list[dict[str, object]] = []
    unreadable: list[str] = []
    changed = 0
    for repo_id, path, head in repos:
        stored = conn.execute(_MERGES_SQL, [repo_id]).fetchall()
        if not stored:
            continue
        compositions = repository_compositions(path, head, classify, {r[0] for r in stored})
        if isinstance(compositions, str):
            unreadable.append(f"{repo_id} ({path}): {compositions}")
            rows += [_kept_row(repo_id, row, own_labels) for row in stored]
            continue
        for row in stored:
            own = own_labels.get((repo_id, row[0]), OwnLabel(*row[1:4]))
            new = merge_row(repo_id, row[0], own, compositions.get(row[0], ()))
            changed += new["change_authorship"] != row[4]
            rows.append(new)
    return MergeRelabel(_table(rows), changed, tuple(unreadable))


def repository_compositions(
    path: str, head: str | None, classify: Classifier, merges: set[str]
) -> dict[str, list[MergedCommit]] | str:
    """The compositions of ``merges`` of the repository mined at ``path`` up to ``head``,
    or why its graph cannot be read there any more."""
    if not head:
        return "no HEAD recorded; mine it again"
    try:
        return merge_compositions(Path(path), head, classify, merges)
    except (GitCommandError, OSError) as exc:
        return str(exc)


def write_merge_labels(conn: duckdb.DuckDBPyConnection, rows: pa.Table) -> None:
    """Store merges' change labels (rows shaped as :func:`merge_row` gives them)."""
    if not rows.num_rows:
        return
    with registered(conn, "jevons_merge_labels", rows) as view:
        conn.execute(
            f"""
            UPDATE commits SET
                change_authorship = m.change_authorship,
                change_ai_tool = m.change_ai_tool,
                merged_commits = m.merged_commits,
                merged_ai_commits = m.merged_ai_commits,
                attribution_evidence = m.attribution_evidence
            FROM {view} AS m
            WHERE commits.repo_id = m.repo_id AND commits.sha = m.sha
            """
        ).fetchall()


def _kept_row(
    repo_id: str, row: Sequence[object], own_labels: Mapping[tuple[str, str], OwnLabel]
) -> dict[str, object]:
    """A merge whose branch cannot be read again: its stored change label, after its new
    own evidence (the composition words are ours, so the last separator is theirs)."""
    sha = str(row[0])
    own = own_labels.get((repo_id, sha), OwnLabel(*row[1:4]))  # type: ignore[arg-type]
    _, found, words = str(row[3] or "").rpartition(COMPOSITION_SEPARATOR)
    composition = COMPOSITION_SEPARATOR.removeprefix("; ") + words if found else None
    parts = [part for part in (own.evidence, composition) if part]
    return {
        "repo_id": repo_id,
        "sha": sha,
        "change_authorship": row[4] if row[6] is not None else None,  # NULL: not known
        "change_ai_tool": row[5] if row[6] is not None else None,
        "merged_commits": row[6],
        "merged_ai_commits": row[7],
        "attribution_evidence": "; ".join(parts) or None,
    }


def _table(rows: Sequence[Mapping[str, object]]) -> pa.Table:
    columns = {name: [row[name] for row in rows] for name in _UPDATE_SCHEMA.names}
    return pa.Table.from_pydict(columns, schema=_UPDATE_SCHEMA)

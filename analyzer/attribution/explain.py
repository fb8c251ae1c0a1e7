"""Why a stored commit got its label: the stored verdict, and every rule that matches now;
for a merge mined with first-parent history, also the commits it brings in and the class
of that change (read again from the repository under today's rules)."""

from __future__ import annotations

import dataclasses
import re
from functools import partial
from pathlib import Path

from analyzer.attribution.changes import ChangeLabel, MergedCommit, label_change
from analyzer.attribution.classify import RuleMatch, classify_commit, find_matches, resolve
from analyzer.attribution.merge_labels import repository_compositions
from analyzer.attribution.relabel import COMMIT_COLUMNS, commit_from_row
from analyzer.attribution.rules import RuleSet, rules_from_config
from analyzer.config import Config
from analyzer.errors import JevonsError
from analyzer.models import Attribution, Commit
from analyzer.store import Store, open_store

_HEX = re.compile(r"^[0-9a-f]{4,40}$")
_SHOWN_CANDIDATES = 5


class CommitLookupError(JevonsError):
    """A commit asked for by SHA is not in the store, or its prefix names several."""


@dataclasses.dataclass(frozen=True)
class StoredLabel:
    """The label as the store holds it (written at mine time or by ``jevons attribute``)."""

    authorship: str | None
    ai_tool: str | None
    evidence: str | None
    strength: str | None
    weak_evidence: str | None


@dataclasses.dataclass(frozen=True)
class MergeChange:
    """What a first-parent merge brings in: the stored change class, and the merged
    commits with the change class under today's rules (``None`` with ``note`` saying why
    when the repository cannot be read)."""

    authorship: str | None
    ai_tool: str | None
    merged_commits: int | None
    merged_ai_commits: int | None
    merged: tuple[MergedCommit, ...] | None
    current: ChangeLabel | None
    note: str | None = None


@dataclasses.dataclass(frozen=True)
class CommitExplanation:
    """One commit, its stored label, its label under today's rules, and the matches."""

    repo_id: str
    commit: Commit
    stored: StoredLabel
    current: Attribution
    matches: tuple[RuleMatch, ...]
    #: for a merge mined with first-parent history: the change it brings in
    change: MergeChange | None = None

    @property
    def is_stale(self) -> bool:
        """True when today's rules give another class or tool than the stored one."""
        return (self.stored.authorship, self.stored.ai_tool) != (
            self.current.authorship,
            self.current.ai_tool,
        )


def explain_commit(
    sha: str,
    db: Path | str | Store | None = None,
    config: Config | None = None,
    *,
    repo: str | None = None,
    rules: RuleSet | None = None,
) -> CommitExplanation:
    """Find the commit ``sha`` (a unique prefix of 4 or more hex digits will do) and say why
    it is labelled as it is."""
    rules = rules or rules_from_config(config or Config())
    prefix = sha.strip().lower()
    if not _HEX.match(prefix):
        raise CommitLookupError(
            f"{sha!r} is not a commit SHA: give 4 to 40 hexadecimal digits (e.g. from git log)"
        )
    store = open_store(db, read_only=True, missing="error")
    columns = ", ".join(COMMIT_COLUMNS)
    sql = (
        f"SELECT {columns}, ai_tool, attribution_evidence, attribution_strength, weak_evidence "
        "FROM commits WHERE starts_with(sha, ?)"
    )
    params: list[str] = [prefix]
    if repo is not None:
        sql += " AND repo_id = ?"
        params.append(repo)
    rows = store.query(sql + " ORDER BY repo_id, sha LIMIT 50", params)
    where = f" in repository '{repo}'" if repo is not None else ""
    if not rows:
        raise CommitLookupError(
            f"{store.path}: no stored commit{where} has a SHA starting {prefix}"
        )
    if len(rows) > 1:
        shown = ", ".join(f"{r[1][:12]} ({r[0]})" for r in rows[:_SHOWN_CANDIDATES])
        more = f" and {len(rows) - _SHOWN_CANDIDATES} more" if len(rows) > _SHOWN_CANDIDATES else ""
        raise CommitLookupError(
            f"{store.path}: SHA prefix {prefix} is ambiguous{where}: {shown}{more}; "
            "give more digits (or --repo)"
        )
    row = rows[0]
    commit = commit_from_row(row)
    matches = find_matches(commit, rules)
    n = len(COMMIT_COLUMNS)
    current = resolve(matches)
    return CommitExplanation(
        repo_id=row[0],
        commit=commit,
        stored=StoredLabel(row[n - 1], *row[n:]),
        current=current,
        matches=matches,
        change=_merge_change(store, row[0], commit, current, rules) if commit.is_merge else None,
    )


def _merge_change(
    store: Store, repo_id: str, commit: Commit, current: Attribution, rules: RuleSet
) -> MergeChange | None:
    """The change a merge of a first-parent repository brings in (``None`` in full history,
    where the branch commits are changes of their own)."""
    found = store.query(
        "SELECT c.change_authorship, c.change_ai_tool, c.merged_commits, c.merged_ai_commits, "
        "r.path, r.head_sha FROM commits c JOIN repos r USING (repo_id) "
        "WHERE c.repo_id = ? AND c.sha = ? AND r.history_mode = 'first-parent'",
        [repo_id, commit.sha],
    )
    if not found:
        return None
    authorship, ai_tool, merged_commits, merged_ai_commits, path, head = found[0]
    stored = MergeChange(authorship, ai_tool, merged_commits, merged_ai_commits, None, None)
    classify = partial(classify_commit, rules=rules)
    compositions = repository_compositions(path, head, classify, {commit.sha})
    if isinstance(compositions, str):
        return dataclasses.replace(stored, note=compositions)
    merged = compositions.get(commit.sha, [])
    label = label_change(current.authorship, current.ai_tool, merged)
    return dataclasses.replace(stored, merged=tuple(merged), current=label)

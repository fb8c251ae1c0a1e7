"""What a run has to do for one repository, decided before any history is read.

The commits in scope come from ``git rev-list`` (cheap); the store says which it holds.
Commits in scope but not stored are mined; stored commits no longer in scope (a
force-push, a rewritten branch) are dropped with every row keyed by them; stored commits
whose place in history moved get their ``history_seq`` renumbered. If the repository's
stored commits were mined with other settings (history mode, exclusions), they are all
mined afresh: their blob metrics stay cached, so that costs the git reading only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence

from analyzer.config import HistoryMode
from analyzer.store import Store
from analyzer.store.repos import assign_repo_id, ensure_repo, mined_settings, set_mined_settings
from analyzer.store.writes import delete_commits, renumber_history, stored_history


@dataclasses.dataclass(frozen=True)
class HistoryPlan:
    """One repository's run: ``to_mine`` in history order, and what was cleaned up."""

    repo_id: str
    positions: Mapping[str, int]
    to_mine: tuple[str, ...]
    removed: int
    renumbered: int
    reset: bool


def settings_fingerprint(history: HistoryMode, exclude_globs: Sequence[str]) -> str:
    """What the stored commits of a repository depend on besides git itself."""
    settings = json.dumps({"history": history, "exclude": list(exclude_globs)})
    return f"{history}:{hashlib.sha256(settings.encode()).hexdigest()[:16]}"


def diff_history(
    stored: Mapping[str, int | None], scope: Sequence[str]
) -> tuple[list[str], list[str], dict[str, int]]:
    """``(to_mine, gone, renumber)``: scope commits not stored, stored commits not in
    scope, and stored commits whose position differs from their place in ``scope``."""
    to_mine: list[str] = []
    renumber: dict[str, int] = {}
    for seq, sha in enumerate(scope):
        if sha not in stored:
            to_mine.append(sha)
        elif stored[sha] != seq:
            renumber[sha] = seq
    in_scope = set(scope)
    gone = [sha for sha in stored if sha not in in_scope]
    return to_mine, gone, renumber


def plan_history(
    store: Store, *, name: str, path: str, scope: Sequence[str], fingerprint: str
) -> HistoryPlan:
    """Decide the run for the repository at ``path`` and clean the store up for it, in one
    transaction: after a crash the store is as before, or ready for the run."""
    with store.transaction() as conn:
        repo_id = assign_repo_id(conn, name, path)
        ensure_repo(conn, repo_id, name, path)
        stored = stored_history(conn, repo_id)
        reset = bool(stored) and mined_settings(conn, repo_id) != fingerprint
        to_mine, gone, renumber = diff_history({} if reset else stored, scope)
        if reset:
            # mined with other settings: keep links and churn of commits still in scope
            delete_commits(conn, repo_id, list(stored), tables=("file_changes", "commits"))
            gone = diff_history(stored, scope)[1]
        delete_commits(conn, repo_id, gone)
        renumber_history(conn, repo_id, renumber)
        set_mined_settings(conn, repo_id, fingerprint)
    return HistoryPlan(
        repo_id=repo_id,
        positions={sha: seq for seq, sha in enumerate(scope)},
        to_mine=tuple(to_mine),
        removed=len(gone),
        renumbered=len(renumber),
        reset=reset,
    )

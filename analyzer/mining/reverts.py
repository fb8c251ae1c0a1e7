"""Reverted commits: found from git's own revert messages, stored as ``commits.reverted_by``.

The miner records them for each repository it mines (:func:`record_reverts`), in the
transaction that ends the run; the analysis reads them as a failure signal that needs no
incident records (:mod:`analyzer.analysis.reverts`).

``git revert`` writes ``Revert "<subject>"`` as the title and ``This reverts commit
<sha>.`` in the body. The body names the commit exactly (a full or abbreviated SHA, matched
by prefix within the repository); a title alone (the body edited away, or a squash merge
that kept only the title) is matched to the latest earlier commit with that subject. A
revert of a revert marks the first revert as reverted, which is what happened.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from analyzer.store import Store, open_store, writer_lock

_BODY = re.compile(r"This reverts commit ([0-9a-f]{7,40})\b", re.IGNORECASE)
_TITLE = re.compile(r'^Revert "(.+)"\s*$')
_MIN_PREFIX = 7


def find_reverts(commits: pd.DataFrame) -> pd.DataFrame:
    """Pairs (``repo_id``, ``sha`` reverted, ``reverted_by``) from ``repo_id``, ``sha``,
    ``committed_at`` and ``message`` columns; the earliest revert wins."""
    pairs: list[tuple[str, str, str]] = []
    for repo_id, group in commits.sort_values("committed_at").groupby("repo_id", sort=False):
        pairs.extend(_reverts_in_repo(str(repo_id), group))
    found = pd.DataFrame(pairs, columns=["repo_id", "sha", "reverted_by"])
    return found.drop_duplicates(["repo_id", "sha"], keep="first").reset_index(drop=True)


def _reverts_in_repo(repo_id: str, group: pd.DataFrame) -> list[tuple[str, str, str]]:
    shas: list[str] = group["sha"].tolist()
    messages: list[str] = group["message"].fillna("").tolist()
    latest_by_subject: dict[str, str] = {}
    pairs = []
    for sha, message in zip(shas, messages, strict=True):
        subject = message.split("\n", 1)[0].strip()
        target = _target_from_body(message, sha, shas)
        if target is None:
            title = _TITLE.match(subject)
            target = latest_by_subject.get(title.group(1)) if title else None
        if target is not None and target != sha:
            pairs.append((repo_id, target, sha))
        latest_by_subject[subject] = sha
    return pairs


def _target_from_body(message: str, sha: str, shas: Sequence[str]) -> str | None:
    match = _BODY.search(message)
    if match is None:
        return None
    prefix = match.group(1).lower()
    if len(prefix) < _MIN_PREFIX:
        return None
    candidates = [s for s in shas if s.startswith(prefix) and s != sha]
    return candidates[0] if len(candidates) == 1 else None


def detect_reverts(db: Store | Path | str | None = None) -> int:
    """Find reverted commits in every repository of the store and record ``reverted_by``.

    Recomputes from scratch, so it is safe to run after every mining run; returns how many
    commits are marked as reverted. It takes the store's writer lock: call it after
    ``mine_repositories`` returns, or use :func:`record_reverts` inside a writer's own
    transaction.
    """
    store = open_store(db, read_only=False, missing="error")
    with writer_lock(store.path, wait=30.0), store.transaction() as conn:
        return record_reverts(conn)


def record_reverts(conn: duckdb.DuckDBPyConnection, repo_id: str | None = None) -> int:
    """:func:`detect_reverts` on an open connection (the caller owns the transaction);
    ``repo_id`` limits it to one repository, as the miner does after mining it."""
    only = "AND repo_id = $repo" if repo_id is not None else ""
    params = {"repo": repo_id} if repo_id is not None else {}
    commits = conn.execute(
        f"SELECT repo_id, sha, committed_at, message FROM commits WHERE true {only}", params
    ).df()
    found = find_reverts(commits)
    conn.execute(
        f"UPDATE commits SET reverted_by = NULL WHERE reverted_by IS NOT NULL {only}", params
    )
    if not found.empty:
        conn.register("found_reverts", found)
        conn.execute(
            """UPDATE commits SET reverted_by = f.reverted_by FROM found_reverts f
               WHERE commits.repo_id = f.repo_id AND commits.sha = f.sha"""
        )
        conn.unregister("found_reverts")
    return len(found)

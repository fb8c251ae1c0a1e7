"""Churn: how much of each commit's code was rewritten soon after, and how much survives.

For every commit, ``commit_churn`` holds the lines it added (in files that are not
excluded), how many of those lines a later commit deleted or changed within 14 and within
28 days (measured between the two commits' committer dates), and how many are still
there at HEAD. Lines are attributed to the commit that added them, hence to its
authorship class.

Both figures come from blame, never from a process per commit and line:

- rewritten within N days: one streaming ``git log -p -U0`` gives every commit's deleted
  lines; those of each (commit, file) are blamed in the commit's parent in ONE process,
  with ``--since`` a little before the window so blame stops early. A line blame pins to
  the edge of that search while the edge is inside the window is blamed again without
  the limit, so the counts are exact.
- surviving at HEAD: one blame of every text file at HEAD that is not excluded.

On first-parent history blame follows first parents too, so a merge's lines belong to the
merge, the unit the miner stores.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import pandas as pd

from analyzer.config import Config
from analyzer.errors import GitCommandError, LinkingError
from analyzer.git.blame import Blame, BlameOptions, BlameRequest, blame_many, run_git
from analyzer.linking.line_tracking import track_lines
from analyzer.linking.patches import CommitPatch, history_patches
from analyzer.metrics.exclusions import is_excluded
from analyzer.store import Store, open_store, writer_lock

WINDOWS = (dt.timedelta(days=14), dt.timedelta(days=28))
ChurnMethod = Literal["tracking", "blame"]
#: How far before the longest window blame searches, so that the edge of its search is
#: (almost always) older than the window itself.
_SEARCH_MARGIN = dt.timedelta(days=28)


@dataclasses.dataclass(frozen=True)
class CommitChurn:
    """One commit's row of ``commit_churn``."""

    sha: str
    lines_added: int
    rewritten_14d: int
    rewritten_28d: int
    surviving_at_head: int


@dataclasses.dataclass(frozen=True)
class ChurnSummary:
    """What :func:`compute_churn` did, per run."""

    repos: int
    commits: int
    blame_processes: int
    seconds: float
    up_to_date: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        fresh = f"; {len(self.up_to_date)} already up to date" if self.up_to_date else ""
        return [
            f"Churn: {self.commits} commit(s) in {self.repos} repositor(ies), "
            f"{self.blame_processes} blame process(es), {self.seconds:.1f}s{fresh}"
        ]


@dataclasses.dataclass(frozen=True)
class _Deletion:
    """Lines commit ``sha`` (at ``when``) deleted from ``path`` in its parent ``parent``."""

    sha: str
    when: dt.datetime
    request: BlameRequest


def compute_churn(
    db: Store | Path | str | None = None,
    *,
    repos: Sequence[str] | None = None,
    force: bool = False,
    config: Config | None = None,
) -> ChurnSummary:
    """Fill ``commit_churn`` for the stored repositories (``repos``: only these ids).

    A repository whose churn was computed at its current HEAD is skipped unless ``force``.
    """
    config = config or Config()
    store = open_store(db, read_only=False, missing="error")
    started = time.perf_counter()
    processes = commits = done = 0
    fresh: list[str] = []
    with writer_lock(store.path, wait=30.0):
        for repo_id, path, head, mode in _repos(store, repos):
            if not force and _churn_head(store, repo_id) == head:
                fresh.append(repo_id)
                continue
            try:
                rows, blamed = repo_churn(
                    Path(path),
                    head=head or "HEAD",
                    first_parent=(mode or config.mining.history) == "first-parent",
                    excluded=config.excluded_globs,
                    workers=config.mining.workers,
                )
            except GitCommandError as exc:
                raise LinkingError(
                    f"{path}: cannot measure churn at the mined HEAD {str(head)[:10]} ({exc}); "
                    f"if the repository has moved or been rewritten, run `jevons mine {path}` "
                    "again"
                ) from exc
            _write(store, repo_id, head, rows)
            processes, commits, done = processes + blamed, commits + len(rows), done + 1
    return ChurnSummary(done, commits, processes, time.perf_counter() - started, tuple(fresh))


def repo_churn(
    repo: Path,
    *,
    head: str = "HEAD",
    first_parent: bool = True,
    excluded: Sequence[str] = (),
    workers: int | None = None,
    method: ChurnMethod | None = None,
) -> tuple[list[CommitChurn], int]:
    """Every commit's churn in the repository at ``repo``, and the blame processes it took.

    ``method``: ``tracking`` (one pass, first-parent history only; the default there) or
    ``blame`` (any history; the default on full history). Both give the same counts.
    """
    chosen = method or ("tracking" if first_parent else "blame")
    if chosen == "tracking":
        if not first_parent:
            raise ValueError("line tracking needs first-parent history; use method='blame'")
        return _tracked(repo, head, excluded), 0
    return _blamed(repo, head, first_parent, excluded, workers)


def _tracked(repo: Path, head: str, excluded: Sequence[str]) -> list[CommitChurn]:
    tracker = track_lines(repo, head=head, windows=WINDOWS, excluded=excluded)
    text = set(_text_files(repo, head))
    alive: Counter[int] = Counter()
    for path, lines in tracker.files.items():
        if path in text and not is_excluded(path, excluded):
            alive.update(lines)
    return [
        _row(sha, tracker.added[i], tracker.rewritten[0][i], tracker.rewritten[1][i], alive[i])
        for i, sha in enumerate(tracker.shas)
    ]


def _blamed(
    repo: Path, head: str, first_parent: bool, excluded: Sequence[str], workers: int | None
) -> tuple[list[CommitChurn], int]:
    added: Counter[str] = Counter()
    deletions: list[_Deletion] = []
    for commit in history_patches(repo, rev=head, first_parent=first_parent):
        added[commit.sha] += _lines_added(commit, excluded)
        deletions += _deletions(commit, excluded)
    options = BlameOptions(first_parent=first_parent)
    rewritten, blamed = _rewritten(repo, deletions, options, workers)
    surviving, at_head = _surviving(repo, head, options, excluded, workers)
    rows = [
        _row(sha, n, rewritten[0][sha], rewritten[1][sha], surviving[sha])
        for sha, n in added.items()
    ]
    return rows, blamed + at_head


def _row(sha: str, added: int, in_14d: int, in_28d: int, alive: int) -> CommitChurn:
    # a line is rewritten or survives once; the caps only guard against a diff that
    # blame and the patch stream cut differently
    return CommitChurn(
        sha=sha,
        lines_added=added,
        rewritten_14d=min(added, in_14d),
        rewritten_28d=min(added, in_28d),
        surviving_at_head=min(added, alive),
    )


def _lines_added(commit: CommitPatch, excluded: Sequence[str]) -> int:
    return sum(
        f.lines_added for f in commit.files if f.new_path and not is_excluded(f.new_path, excluded)
    )


def _deletions(commit: CommitPatch, excluded: Sequence[str]) -> Iterable[_Deletion]:
    if commit.parent is None:
        return
    for patch in commit.files:
        if patch.old_path is None or not patch.lines_deleted:
            continue
        if is_excluded(patch.old_path, excluded):
            continue
        lines = frozenset(n for hunk in patch.hunks for n in hunk.deleted_lines)
        yield _Deletion(
            commit.sha, commit.committed_at, BlameRequest(commit.parent, patch.old_path, lines)
        )


def _rewritten(
    repo: Path, deletions: Sequence[_Deletion], options: BlameOptions, workers: int | None
) -> tuple[tuple[Counter[str], Counter[str]], int]:
    """Per adding commit, its lines deleted within each window; and the processes used."""
    counts: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    limited = [
        dataclasses.replace(d.request, since=d.when - WINDOWS[-1] - _SEARCH_MARGIN)
        for d in deletions
    ]
    retry: list[_Deletion] = []
    for deletion, result in zip(
        deletions, blame_many(repo, limited, options, workers=workers), strict=True
    ):
        if _needs_full_search(deletion, result):
            retry.append(deletion)
        else:
            _count(deletion, result, counts)
    full = blame_many(repo, [d.request for d in retry], options, workers=workers)
    for deletion, result in zip(retry, full, strict=True):
        _count(deletion, result, counts)
    return counts, len(deletions) + len(retry)


def _needs_full_search(deletion: _Deletion, result: Blame) -> bool:
    """Whether a line was pinned to the search's edge while the edge is inside the window."""
    return any(
        c.boundary and deletion.when - c.committer_time <= WINDOWS[-1]
        for c in result.commits.values()
    )


def _count(deletion: _Deletion, result: Blame, counts: tuple[Counter[str], Counter[str]]) -> None:
    for line in result.lines.values():
        commit = result.commits[line.sha]
        if commit.boundary:
            continue  # older than the search, so older than every window
        age = deletion.when - commit.committer_time
        for window, counter in zip(WINDOWS, counts, strict=True):
            if age <= window:
                counter[line.sha] += 1


def _surviving(
    repo: Path, head: str, options: BlameOptions, excluded: Sequence[str], workers: int | None
) -> tuple[Counter[str], int]:
    paths = [p for p in _text_files(repo, head) if not is_excluded(p, excluded)]
    surviving: Counter[str] = Counter()
    requests = [BlameRequest(head, path) for path in paths]
    for result in blame_many(repo, requests, options, workers=workers):
        surviving.update(line.sha for line in result.lines.values())
    return surviving, len(requests)


def _text_files(repo: Path, head: str) -> list[str]:
    """Regular, non-binary files at ``head`` (no symlinks, no submodules)."""
    regular = set()
    for entry in run_git(repo, ["ls-tree", "-r", "-z", head]).split(b"\0"):
        if entry:
            meta, _, name = entry.partition(b"\t")
            if meta.split(b" ")[0] in (b"100644", b"100755"):
                regular.add(name.decode("utf-8", errors="surrogateescape"))
    empty = run_git(repo, ["hash-object", "-t", "tree", "--stdin"], stdin=b"").decode().strip()
    text = []
    fields = run_git(repo, ["diff", "--numstat", "-z", "--no-renames", empty, head]).split(b"\0")
    for field in fields:
        added, _, rest = field.partition(b"\t")
        if not field or added == b"-":
            continue  # binary
        path = rest.partition(b"\t")[2].decode("utf-8", errors="surrogateescape")
        if path in regular:
            text.append(path)
    return text


def _repos(
    store: Store, only: Sequence[str] | None
) -> list[tuple[str, str, str | None, str | None]]:
    rows = store.query("SELECT repo_id, path, head_sha, history_mode FROM repos ORDER BY repo_id")
    return [r for r in rows if only is None or r[0] in only]


def _churn_head(store: Store, repo_id: str) -> str | None:
    rows = store.query("SELECT value FROM meta WHERE key = ?", [f"churn_head:{repo_id}"])
    return str(rows[0][0]) if rows else None


def _write(store: Store, repo_id: str, head: str | None, rows: Sequence[CommitChurn]) -> None:
    frame = pd.DataFrame(
        [dataclasses.astuple(r) for r in rows],
        columns=[f.name for f in dataclasses.fields(CommitChurn)],
    )
    frame.insert(0, "repo_id", repo_id)
    with store.transaction() as conn:
        stored = {
            r[0]
            for r in conn.execute("SELECT sha FROM commits WHERE repo_id = ?", [repo_id]).fetchall()
        }
        frame = frame[frame["sha"].isin(stored)]
        conn.execute("DELETE FROM commit_churn WHERE repo_id = ?", [repo_id])
        conn.register("new_churn", frame)
        conn.execute(
            """INSERT INTO commit_churn (repo_id, sha, lines_added, rewritten_14d, rewritten_28d,
                                         surviving_at_head)
               SELECT repo_id, sha, lines_added, rewritten_14d, rewritten_28d, surviving_at_head
               FROM new_churn"""
        )
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [f"churn_head:{repo_id}", head or ""],
        )

"""Churn by following every line forward through first-parent history, in one pass.

On a first-parent history each commit is one patch against the previous state, so the
origin of every line can be carried forward: keep, per path, the list of the commits that
wrote each line; apply each commit's ``-U0`` hunks, which says exactly which lines it
deleted (and so, whose lines, and how old) and which it wrote. What is left at the end is
the blame of HEAD. This is the same answer ``git blame --first-parent`` gives, from one
``git log -p`` process instead of a blame per changed file per commit (measured on the
sample scenarios: see ``benchmarks/bench_linking.py``). Full (non-linear) history has no
single previous state per commit; there, churn uses blame (``analyzer.linking.churn``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from array import array
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from analyzer.linking.patches import CommitPatch, FilePatch, history_patches
from analyzer.metrics.exclusions import is_excluded


@dataclasses.dataclass
class LineTracker:
    """Every path's lines, by the commit that wrote them, as history is replayed."""

    windows: tuple[dt.timedelta, ...]
    excluded: Sequence[str] = ()
    shas: list[str] = dataclasses.field(default_factory=list)
    times: list[dt.datetime] = dataclasses.field(default_factory=list)
    #: per path, the commit (an index into ``shas``) that wrote each of its lines
    files: dict[str, array[int]] = dataclasses.field(default_factory=dict)
    added: Counter[int] = dataclasses.field(default_factory=Counter)
    rewritten: list[Counter[int]] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        self.rewritten = [Counter() for _ in self.windows]

    def apply(self, commit: CommitPatch) -> None:
        """Replay one commit: its renames, deletions and additions, file by file."""
        index = len(self.shas)
        self.shas.append(commit.sha)
        self.times.append(commit.committed_at)
        # take every old version first, so a swap of two names in one commit is safe
        before = {
            p.old_path: self.files.pop(p.old_path, array("i")) for p in commit.files if p.old_path
        }
        for patch in commit.files:
            lines = before.get(patch.old_path, array("i")) if patch.old_path else array("i")
            lines = self._patched(lines, patch, index)
            if patch.new_path is not None:
                self.files[patch.new_path] = lines

    def _patched(self, lines: array[int], patch: FilePatch, index: int) -> array[int]:
        counted_old = patch.old_path is not None and not is_excluded(patch.old_path, self.excluded)
        counted_new = patch.new_path is not None and not is_excluded(patch.new_path, self.excluded)
        for hunk in reversed(patch.hunks):  # from the bottom, so earlier line numbers hold
            start = hunk.old_start - 1 if hunk.old_count else hunk.old_start
            if counted_old:
                self._count_deleted(lines[start : start + hunk.old_count], index)
            lines[start : start + hunk.old_count] = array("i", [index] * hunk.new_count)
            if counted_new:
                self.added[index] += hunk.new_count
        return lines

    def _count_deleted(self, origins: array[int], index: int) -> None:
        when = self.times[index]
        for origin in origins:
            age = when - self.times[origin]
            for window, counter in zip(self.windows, self.rewritten, strict=True):
                if age <= window:
                    counter[origin] += 1


def track_lines(
    repo: Path, *, head: str, windows: tuple[dt.timedelta, ...], excluded: Sequence[str] = ()
) -> LineTracker:
    """Replay the first-parent history of ``head`` and return the tracker at its end."""
    tracker = LineTracker(windows=windows, excluded=excluded)
    for commit in history_patches(repo, rev=head, first_parent=True):
        tracker.apply(commit)
    return tracker

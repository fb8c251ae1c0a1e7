"""What a file change contributes to a commit's complexity figures.

A change has two sides: the old blob at the old path and the new blob at the new path.
A side *counts* when its blob is a regular file (not a symbolic link or a submodule), its
path is source code lizard knows, and its path is not excluded (vendored, generated, ...).
Each side is judged on its own path, so a file renamed out of ``vendor/`` starts
counting in full at the rename, and the running sum of the deltas over first-parent
history telescopes exactly to the total over HEAD's tree.

``ccn_delta``/``nloc_delta`` of a commit = sum over its changes of (new side's ccn_total
or nloc if it counts, else 0) minus (old side's, likewise). A blob that could not be
analysed completely counts with whatever it measured, a figure it lacks as 0: an errored
blob weighs the same in every commit that touches it, so the telescoping still holds.
"""

from __future__ import annotations

import dataclasses
import stat
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from analyzer.metrics import detect_language, is_excluded
from analyzer.models import Commit, FileChange


class BlobRequest(NamedTuple):
    """A blob to measure, and the path that decides its language."""

    blob_sha: str
    path: str


class MeasuredSize(NamedTuple):
    """The two figures deltas are made of; ``None`` when the blob did not yield one."""

    ccn_total: int | None
    nloc: int | None


class PathClassifier:
    """Language and exclusion of paths, remembered: a history names the same paths often."""

    def __init__(self, exclude_globs: Sequence[str]) -> None:
        self.exclude_globs = tuple(exclude_globs)
        self._seen: dict[str, tuple[str | None, bool]] = {}

    def classify(self, path: str) -> tuple[str | None, bool]:
        """``(language, excluded)``; language ``None`` means not source code."""
        known = self._seen.get(path)
        if known is None:
            known = (detect_language(path), is_excluded(path, self.exclude_globs))
            self._seen[path] = known
        return known

    def counts(self, path: str) -> bool:
        """Whether a regular file at ``path`` counts towards complexity."""
        language, excluded = self.classify(path)
        return language is not None and not excluded


def annotate(commit: Commit, classifier: PathClassifier) -> Commit:
    """The commit with each change's ``language`` and ``excluded`` filled in from its path."""
    changes = []
    for change in commit.changes:
        language, excluded = classifier.classify(change.path)
        changes.append(dataclasses.replace(change, language=language, excluded=excluded))
    return dataclasses.replace(commit, changes=tuple(changes))


def counted_sides(change: FileChange, classifier: PathClassifier) -> Iterator[BlobRequest]:
    """The sides of ``change`` (old, then new) that count towards complexity."""
    for _, request in _signed_sides(change, classifier):
        yield request


def commit_deltas(
    commit: Commit, classifier: PathClassifier, sizes: Mapping[str, MeasuredSize]
) -> tuple[int, int]:
    """``(ccn_delta, nloc_delta)`` of ``commit``; ``sizes`` must hold every counted blob."""
    ccn = nloc = 0
    for change in commit.changes:
        for sign, request in _signed_sides(change, classifier):
            size = sizes[request.blob_sha]
            ccn += sign * (size.ccn_total or 0)
            nloc += sign * (size.nloc or 0)
    return ccn, nloc


def _signed_sides(
    change: FileChange, classifier: PathClassifier
) -> Iterator[tuple[int, BlobRequest]]:
    old_path = change.old_path or change.path
    if _is_regular_blob(change.old_blob, change.old_mode) and classifier.counts(old_path):
        assert change.old_blob is not None
        yield -1, BlobRequest(change.old_blob, old_path)
    if _is_regular_blob(change.new_blob, change.new_mode) and classifier.counts(change.path):
        assert change.new_blob is not None
        yield 1, BlobRequest(change.new_blob, change.path)


def _is_regular_blob(blob: str | None, mode: int | None) -> bool:
    return blob is not None and (mode is None or stat.S_ISREG(mode))

"""SZZ: from a fix commit to the commits that introduced what it fixed.

The fix's deleted and changed lines are blamed in its parent; the commits that last touched
them are the candidate inducing commits (Śliwerski, Zimmermann and Zeller, 2005). Variants
(Rosa et al., ICSE 2021, precision/recall on 1,117 developer-confirmed pairs):

- ``b``  B-SZZ: every deleted line, plain blame; recall .69, precision .39.
- ``ag`` AG-SZZ: ignores whitespace, blank-line and comment-only changes, both in the fix
  (those lines are not blamed) and in history (a commit that only reformatted or
  re-commented a file is looked through, as are the ignore-revs file's commits); follows
  lines moved within a file or copied from another; recall .60, precision .45.
- ``r``  R-SZZ: AG-SZZ keeping only the latest candidate; recall .57, precision .66, and
  .73 with the issue-date filter that every variant here applies.

Every variant drops candidates committed after the incident was reported, the incident's
other fixes, and commits at the edge of the searched history. A fix that deletes nothing
has no candidate: the outcome says so instead of guessing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from analyzer.errors import LinkingError
from analyzer.git.blame import Blame, BlameOptions, BlameRequest, blame_many, line_ranges
from analyzer.linking.blobs import read_texts
from analyzer.linking.cosmetic import code_lines, is_cosmetic_change, syntax_for
from analyzer.linking.patches import FilePatch, Hunk, commit_patch
from analyzer.metrics.exclusions import is_excluded

#: Rounds of "blame, find cosmetic-only candidates, blame again looking through them".
_COSMETIC_ROUNDS = 3
#: Lines blamed around each target when following moves: git recognises a moved block only
#: if the blamed range holds enough of it (20 alphanumeric characters), so a lone changed
#: line inside a moved function would otherwise be blamed to the move.
_MOVE_CONTEXT = 6


@dataclasses.dataclass(frozen=True)
class SzzVariant:
    """One SZZ variant: what it blames, how it follows history, which candidates it keeps.

    ``precision`` is the published figure the link confidence starts from.
    """

    name: str
    title: str
    skip_cosmetic: bool
    follow_moves: bool
    keep: Literal["all", "latest"]
    precision: float


SZZ_VARIANTS: dict[str, SzzVariant] = {
    v.name: v
    for v in (
        SzzVariant("b", "B-SZZ", False, follow_moves=False, keep="all", precision=0.39),
        SzzVariant("ag", "AG-SZZ", True, follow_moves=True, keep="all", precision=0.45),
        SzzVariant("r", "R-SZZ", True, follow_moves=True, keep="latest", precision=0.73),
    )
}
DEFAULT_SZZ_VARIANT = "r"


def szz_variant(name: str | None) -> SzzVariant:
    """The variant called ``name`` (``None``: the default), or a :class:`LinkingError`."""
    key = (name or DEFAULT_SZZ_VARIANT).lower().removesuffix("-szz").removesuffix("szz")
    if key not in SZZ_VARIANTS:
        known = ", ".join(SZZ_VARIANTS)
        raise LinkingError(f"unknown SZZ variant {name!r}; choose one of: {known}")
    return SZZ_VARIANTS[key]


@dataclasses.dataclass(frozen=True)
class BlamedSpan:
    """Lines of ``path`` in the fix's parent, blamed to lines ``orig_lines`` of ``orig_path``."""

    path: str
    lines: tuple[int, ...]
    orig_path: str
    orig_lines: tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A commit some of the fix's deleted lines were blamed to."""

    sha: str
    committed_at: dt.datetime
    spans: tuple[BlamedSpan, ...]

    @property
    def line_count(self) -> int:
        return sum(len(span.lines) for span in self.spans)


@dataclasses.dataclass(frozen=True)
class _Target:
    """Lines of ``path`` (in the fix's parent) to blame; the file has ``line_count`` lines."""

    path: str
    lines: frozenset[int]
    line_count: int | None = None

    def request(self, rev: str, context: int) -> BlameRequest:
        if not context or self.line_count is None:
            return BlameRequest(rev, self.path, self.lines)
        around = {
            n
            for line in self.lines
            for n in range(max(1, line - context), min(self.line_count, line + context) + 1)
        }
        return BlameRequest(rev, self.path, frozenset(around | self.lines))


@dataclasses.dataclass(frozen=True)
class PathRules:
    """Files SZZ does not blame (``.gitignore`` globs).

    ``skip``: tests, documentation, excluded files: lines a fix changed there say nothing
    about the code that failed. ``config``: configuration: a fix that only turns a knob
    (a timeout, a replica count) mitigates, and whoever set the old value did not cause
    the incident; a bad configuration change is found when the fix reverts it.
    """

    skip: tuple[str, ...] = ()
    config: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class SzzFix:
    """What SZZ needs to know about one fix commit of one incident."""

    repo: Path
    sha: str
    parent: str | None
    reported_at: dt.datetime | None = None
    exclude: frozenset[str] = frozenset()
    first_parent: bool = False
    ignore_revs: tuple[str, ...] = ()
    paths: PathRules = PathRules()


@dataclasses.dataclass(frozen=True)
class SzzOutcome:
    """The candidates a variant kept for one fix, and what it set aside and why.

    ``note`` explains an outcome without candidates (a fix that only adds lines, every
    candidate made after the incident was reported …); it is ``None`` otherwise.
    """

    fix: SzzFix
    variant: SzzVariant
    kept: tuple[Candidate, ...]
    after_report: tuple[Candidate, ...] = ()
    set_aside: tuple[Candidate, ...] = ()
    superseded: tuple[Candidate, ...] = ()
    blamed_lines: int = 0
    note: str | None = None


def find_inducing_commits(
    fix: SzzFix, variant: SzzVariant, *, workers: int | None = None
) -> SzzOutcome:
    """Run ``variant`` from ``fix``: blame what it deleted or changed, filter, choose.

    ``workers`` caps the blame processes run at once (default: one per core).
    """
    if fix.parent is None:
        return SzzOutcome(fix, variant, (), note="the fix is a root commit: nothing to blame")
    patches = commit_patch(fix.repo, fix.parent, fix.sha, ignore_whitespace=variant.skip_cosmetic)
    targets = _blame_targets(fix, patches, variant)
    if isinstance(targets, str):
        return SzzOutcome(fix, variant, (), note=targets)
    candidates, boundary, total = _candidates(_blame(fix, targets, variant, workers))
    return _choose(fix, variant, candidates, boundary, total)


def _blame_targets(
    fix: SzzFix, patches: Sequence[FilePatch], variant: SzzVariant
) -> list[_Target] | str:
    """Lines to blame per parent path, or the reason there are none."""
    with_deletions = [p for p in patches if p.old_path is not None and p.lines_deleted]
    if not with_deletions:
        added = sum(p.lines_added for p in patches)
        if added:
            return (
                f"the fix only adds lines ({added} in {len(patches)} file(s)) and deletes or "
                "changes none: SZZ has nothing to blame, so no inducing commit is named"
            )
        beyond = " beyond whitespace" if variant.skip_cosmetic else ""
        return f"the fix changes no line{beyond}: nothing to blame"
    blamable = [p for p in with_deletions if not _set_aside(p.old_path or "", fix.paths)]
    if not blamable:
        return _why_not_blamed(sorted(p.old_path or "" for p in with_deletions), fix.paths)
    if not variant.skip_cosmetic:
        return [_Target(p.old_path or "", frozenset(_all_deleted(p.hunks))) for p in blamable]
    targets = _code_changes(fix, blamable)
    if not targets:
        return "the fix changes only comments, blank lines or whitespace: nothing to blame"
    return targets


def _set_aside(path: str, rules: PathRules) -> bool:
    return is_excluded(path, rules.skip) or is_excluded(path, rules.config)


def _why_not_blamed(paths: list[str], rules: PathRules) -> str:
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    if all(is_excluded(path, rules.config) for path in paths):
        return (
            f"the fix changes only configuration ({shown}): a mitigation, not evidence of "
            "which commit caused the incident"
        )
    return f"the fix changes only tests, documentation, configuration or excluded files ({shown})"


def _all_deleted(hunks: Iterable[Hunk]) -> list[int]:
    return [line for hunk in hunks for line in hunk.deleted_lines]


def _code_changes(fix: SzzFix, patches: Sequence[FilePatch]) -> list[_Target]:
    """Deleted lines whose code changed: not blank, not comment-only, not re-commented."""
    specs = [(fix.parent or "", p.old_path or "") for p in patches]
    specs += [(fix.sha, p.new_path) for p in patches if p.new_path is not None]
    texts = read_texts(fix.repo, specs)
    targets: list[_Target] = []
    for patch in patches:
        old_path = patch.old_path or ""
        old_text = texts.get((fix.parent or "", old_path)) or ""
        old_code = code_lines(old_text, syntax_for(old_path))
        new_text = texts.get((fix.sha, patch.new_path)) if patch.new_path else None
        new_code = code_lines(new_text or "", syntax_for(patch.new_path or old_path))
        lines = [line for hunk in patch.hunks for line in _changed_code(hunk, old_code, new_code)]
        if lines:
            line_count = len(old_text.splitlines())
            targets.append(_Target(old_path, frozenset(lines), line_count))
    return targets


def _changed_code(hunk: Hunk, old_code: list[str], new_code: list[str]) -> list[int]:
    added = Counter(_code_at(new_code, line) for line in hunk.added_lines)
    changed = []
    for line in hunk.deleted_lines:
        code = _code_at(old_code, line)
        if not code:
            continue  # blank or comment-only
        if added[code] > 0:
            added[code] -= 1  # the same code, re-commented or re-spaced
            continue
        changed.append(line)
    return changed


def _code_at(code: list[str], line: int) -> str:
    return code[line - 1] if 0 < line <= len(code) else ""


def _blame(
    fix: SzzFix, targets: Sequence[_Target], variant: SzzVariant, workers: int | None
) -> list[Blame]:
    """Blame the targets; AG variants look through commits that were cosmetic-only."""
    context = _MOVE_CONTEXT if variant.follow_moves else 0
    requests = [target.request(fix.parent or "", context) for target in targets]
    ignored = set(fix.ignore_revs) if variant.skip_cosmetic else set()
    blames: list[Blame] = []
    for _ in range(_COSMETIC_ROUNDS + 1):
        options = BlameOptions(
            ignore_whitespace=variant.skip_cosmetic,
            detect_moves=variant.follow_moves,
            detect_copies=variant.follow_moves,
            first_parent=fix.first_parent,
            ignore_revs=tuple(sorted(ignored)),
        )
        blames = [
            dataclasses.replace(result, lines={n: result.lines[n] for n in target.lines})
            for result, target in zip(
                blame_many(fix.repo, requests, options, workers=workers), targets, strict=True
            )
        ]
        if not variant.skip_cosmetic:
            break
        cosmetic = _cosmetic_commits(fix.repo, blames) - ignored
        if not cosmetic:
            break
        ignored |= cosmetic
    return blames


def _cosmetic_commits(repo: Path, blames: Sequence[Blame]) -> set[str]:
    """Blamed commits whose change to the blamed file touched only whitespace or comments."""
    pairs: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {}
    for result in blames:
        for line in result.lines.values():
            commit = result.commits[line.sha]
            if commit.previous is not None and not commit.boundary and line.sha not in pairs:
                pairs[line.sha] = ((line.sha, line.orig_path), commit.previous)
    texts = read_texts(repo, [spec for pair in pairs.values() for spec in pair])
    cosmetic = set()
    for sha, (new_spec, old_spec) in pairs.items():
        new_text, old_text = texts.get(new_spec), texts.get(old_spec)
        if (
            new_text is not None
            and old_text is not None
            and is_cosmetic_change(old_text, new_text, new_spec[1])
        ):
            cosmetic.add(sha)
    return cosmetic


def _candidates(blames: Sequence[Blame]) -> tuple[list[Candidate], set[str], int]:
    spans: dict[str, list[BlamedSpan]] = defaultdict(list)
    times: dict[str, dt.datetime] = {}
    boundary: set[str] = set()
    total = 0
    for result in blames:
        by_commit: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for line in result.lines.values():
            by_commit[(line.sha, line.orig_path)].append((line.line, line.orig_line))
            total += 1
        for (sha, orig_path), pairs in by_commit.items():
            pairs.sort()
            spans[sha].append(
                BlamedSpan(
                    path=result.path,
                    lines=tuple(p[0] for p in pairs),
                    orig_path=orig_path,
                    orig_lines=tuple(p[1] for p in pairs),
                )
            )
            commit = result.commits[sha]
            times[sha] = commit.committer_time
            if commit.boundary:
                boundary.add(sha)
    found = [Candidate(sha, times[sha], tuple(s)) for sha, s in spans.items()]
    return found, boundary, total


def _choose(
    fix: SzzFix, variant: SzzVariant, candidates: list[Candidate], boundary: set[str], total: int
) -> SzzOutcome:
    set_aside = [c for c in candidates if c.sha in boundary or c.sha in fix.exclude]
    rest = [c for c in candidates if c not in set_aside]
    after = [c for c in rest if fix.reported_at is not None and c.committed_at > fix.reported_at]
    kept = sorted((c for c in rest if c not in after), key=_recency, reverse=True)
    superseded: list[Candidate] = []
    if variant.keep == "latest" and kept:
        kept, superseded = kept[:1], kept[1:]
    note = None
    if not kept:
        note = _why_none(len(candidates), after, set_aside)
    return SzzOutcome(
        fix=fix,
        variant=variant,
        kept=tuple(kept),
        after_report=tuple(after),
        set_aside=tuple(set_aside),
        superseded=tuple(superseded),
        blamed_lines=total,
        note=note,
    )


def _recency(candidate: Candidate) -> tuple[dt.datetime, int]:
    return (candidate.committed_at, candidate.line_count)


def _why_none(found: int, after: Sequence[Candidate], set_aside: Sequence[Candidate]) -> str:
    if not found:
        return "blame named no commit for the fix's deleted lines"
    parts = []
    if after:
        parts.append(f"{len(after)} made after the incident was reported")
    if set_aside:
        parts.append(f"{len(set_aside)} other fix(es) of the incident or outside searched history")
    return f"every candidate was dropped: {'; '.join(parts)}"


def describe_span(span: BlamedSpan) -> str:
    """``app.py lines 3-4 (its app.py lines 1-2)``: which lines went where, compactly."""
    here = _ranges_text(span.lines)
    there = _ranges_text(span.orig_lines)
    moved = "" if span.orig_path == span.path else f"{span.orig_path} "
    return f"{span.path} {here} (its {moved}{there})"


def _ranges_text(lines: Sequence[int]) -> str:
    ranges = line_ranges(lines)
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges]
    word = "line" if len(lines) == 1 else "lines"
    return f"{word} {', '.join(parts)}"

"""The class of a change: the work a commit brings to the mined history.

A commit's ``authorship`` says who made the commit. On first-parent history a merge
commit's diff carries its whole branch, so the class of that *change* is the class of the
branch commits it merges, not of the person who pressed the button. The rule, applied to
the commits a merge brings in (``M^1..M``, each labelled by :func:`classify_commit`):

1. Each merged commit weighs the lines it changes (added + deleted, ``git diff
   --numstat``, as the merge's own line counts). A commit that changes no line (Copilot's
   empty ``Initial plan``, a merge of the mainline into the branch) weighs nothing, but
   is listed and counted, so the agent's marker stays visible. When no merged commit
   changes a line, each merged commit that is not itself a merge weighs one (every one
   does, if all are merges).
2. The weights are summed in three groups: AI (``ai_authored`` + ``ai_assisted``),
   ``human`` and ``automation``. The heaviest group is the change's class; a tie goes to
   AI, then to human: a change that is half AI-written is counted as AI.
3. An AI change is ``ai_authored`` or ``ai_assisted``, whichever weighs more (a tie goes
   to ``ai_authored``, the agent, as in the commit precedence); its tool is the tool
   that weighs most within that class (then the most commits, then the first found).
4. A merge that brings in nothing its first parent lacks keeps its own class.

A non-merge commit's change class is its own class; so is a merge's in ``full`` history,
where merges are not diffed and their branch commits are changes of their own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from analyzer.git.log import read_commits
from analyzer.git.merges import merged_by_mainline, read_parents
from analyzer.models import AUTHORSHIP_CLASSES, Attribution, Authorship, Commit

#: Labels one commit; ``None`` when attribution is not run.
Classifier = Callable[[Commit], Attribution | None]

#: The AI classes by precedence: of two equally heavy, the first wins.
_AI = tuple(c for c in AUTHORSHIP_CLASSES if c.is_ai)
#: Groups in tie order: the first of equally heavy groups wins.
_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ai", _AI),
    ("human", (Authorship.HUMAN,)),
    ("automation", (Authorship.AUTOMATION,)),
)
#: What a merge's ``attribution_evidence`` carries after the merge commit's own evidence.
COMPOSITION_SEPARATOR = "; merge brings in "
_NOTHING_NEW = "merge brings in no commit its first parent lacks"


@dataclasses.dataclass(frozen=True)
class MergedCommit:
    """A commit a merge brings in, with its label and the lines it changes."""

    sha: str
    subject: str
    authorship: str | None
    ai_tool: str | None
    lines: int
    is_merge: bool


@dataclasses.dataclass(frozen=True)
class ChangeLabel:
    """The class of the work a merge brings in, and that work's composition in words."""

    authorship: str | None
    ai_tool: str | None
    merged_commits: int
    merged_ai_commits: int
    composition: str


def merged_commit(commit: Commit, classify: Classifier) -> MergedCommit:
    """``commit`` (read with its file changes) as a merged commit of some merge."""
    label = classify(commit)
    return MergedCommit(
        sha=commit.sha,
        subject=commit.subject,
        authorship=label.authorship if label else None,
        ai_tool=label.ai_tool if label else None,
        lines=commit.lines_added + commit.lines_deleted,
        is_merge=commit.is_merge,
    )


def label_change(
    own_class: str | None, own_tool: str | None, merged: Sequence[MergedCommit]
) -> ChangeLabel:
    """The change class of a first-parent merge labelled ``own_class`` (``own_tool``) that
    brings in ``merged`` (see the module docstring for the rule)."""
    labelled = [m for m in merged if m.authorship is not None]
    ai_commits = sum(1 for m in labelled if m.authorship in _AI)
    if not labelled:
        found = _words(merged, {}, None) if merged else _NOTHING_NEW
        words = f"{found}; the change keeps the merge commit's class"
        return ChangeLabel(own_class, own_tool, len(merged), ai_commits, words)
    weights = _weights(labelled)
    by_class: Counter[str] = Counter()
    for item in labelled:
        by_class[str(item.authorship)] += weights[item.sha]
    members = max(_GROUPS, key=lambda group: sum(by_class[c] for c in group[1]))[1]
    chosen = max(members, key=lambda cls: by_class[cls])
    tool = _heaviest_tool([m for m in labelled if m.authorship == chosen], weights)
    label = ChangeLabel(chosen, tool, len(merged), ai_commits, "")
    by_lines = dict(by_class) if any(m.lines for m in labelled) else {}
    return dataclasses.replace(label, composition=_words(merged, by_lines, label))


def _weights(merged: Sequence[MergedCommit]) -> dict[str, int]:
    if any(m.lines for m in merged):
        return {m.sha: m.lines for m in merged}
    counted = {m.sha for m in merged if not m.is_merge} or {m.sha for m in merged}
    return {m.sha: int(m.sha in counted) for m in merged}


def _heaviest_tool(items: Sequence[MergedCommit], weights: Mapping[str, int]) -> str | None:
    weight: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for item in items:
        if item.ai_tool is not None:
            weight[item.ai_tool] += weights[item.sha]
            count[item.ai_tool] += 1
    if not count:
        return None
    return max(count, key=lambda tool: (weight[tool], count[tool]))


def _words(
    merged: Sequence[MergedCommit], by_lines: Mapping[str, int], label: ChangeLabel | None
) -> str:
    """E.g. ``merge brings in 3 commits: 2 ai_authored (copilot-agent), 1 human; ...``."""
    parts = []
    classes = [*AUTHORSHIP_CLASSES, None]
    for cls in classes:
        items = [m for m in merged if m.authorship == cls]
        if not items:
            continue
        tools = sorted({m.ai_tool for m in items if m.ai_tool})
        part = f"{len(items)} {cls or 'unlabelled'}"
        parts.append(f"{part} ({', '.join(tools)})" if tools else part)
    noun = "commit" if len(merged) == 1 else "commits"
    words = f"merge brings in {len(merged)} {noun}: {', '.join(parts)}"
    empty = sum(1 for m in merged if not m.lines)
    if empty:
        words += f"; {empty} of them {'changes' if empty == 1 else 'change'} no lines"
    if by_lines:
        shown = ", ".join(f"{by_lines[c]} {c}" for c in AUTHORSHIP_CLASSES if by_lines.get(c))
        words += f"; lines changed: {shown}"
    elif label is not None:
        words += "; no merged commit changes a line, so each counts once"
    if label is not None:
        tool = f" ({label.ai_tool})" if label.ai_tool else ""
        words += f"; the change is labelled {label.authorship}{tool}"
    return words


def merge_compositions(
    repo_dir: Path, head: str, classify: Classifier, merges: Collection[str] | None = None
) -> dict[str, list[MergedCommit]]:
    """The commits each merge on ``head``'s first-parent chain brings in (only the merges
    in ``merges`` if given), labelled: one graph read, then one ``git log`` of just the
    merged commits for their line counts. Each list is oldest first."""
    owner: dict[str, str] = {}
    found: dict[str, list[MergedCommit]] = {}
    for merge, brought in merged_by_mainline(read_parents(repo_dir, head), head, merges):
        found[merge] = []
        owner.update((sha, merge) for sha in brought)
    dated: dict[str, list[tuple[dt.datetime, MergedCommit]]] = {merge: [] for merge in found}
    for commit in read_commits(repo_dir, list(owner), "full"):
        dated[owner[commit.sha]].append((commit.committed_at, merged_commit(commit, classify)))
    for merge, items in dated.items():
        items.sort(key=lambda pair: (pair[0], pair[1].sha))
        found[merge] = [item for _, item in items]
    return found

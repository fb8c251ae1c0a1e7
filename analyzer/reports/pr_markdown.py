"""The pull-request report as GitHub Markdown, under GitHub's comment limit.

GitHub refuses a comment over 65,536 characters. The report is rendered with generous
table lengths first; while it is too long, the tables are cut shorter (the rest summed
up in an "...and N more" line), then text is cut shorter, down to a floor that always
fits. Sizes are counted in UTF-8 bytes, which is never fewer than characters however
GitHub counts them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from analyzer.reports.markdown import Md, markdown_environment
from analyzer.reports.pr_history import FileHistory, LinkedIncident
from analyzer.reports.pr_model import FileDelta, PrReport
from analyzer.wording import class_label, percent

#: GitHub's limit for an issue or pull-request comment body.
GITHUB_COMMENT_LIMIT = 65_536
#: What the report aims under, leaving room for a wrapper a workflow may add.
BUDGET_BYTES = 60_000
TEMPLATE = "pr_report.md.j2"
CHANGE_WORDS = {"A": "added", "M": "modified", "D": "deleted", "R": "renamed"}
RISK_BADGES = {"low": "🟢", "medium": "🟠", "high": "🔴"}


@dataclasses.dataclass(frozen=True)
class Limits:
    """How many rows each table shows, and how much of each text."""

    files: int
    functions: int
    commits: int
    touched: int
    incidents_per_file: int
    path: int
    subject: int
    title: int


#: Tried in order until the report fits; the last always does (a few short rows).
LADDER: tuple[Limits, ...] = (
    Limits(60, 30, 40, 20, 5, 120, 100, 120),
    Limits(30, 15, 20, 10, 3, 100, 80, 100),
    Limits(15, 10, 10, 5, 2, 80, 60, 80),
    Limits(5, 5, 5, 3, 1, 60, 50, 60),
)


@dataclasses.dataclass(frozen=True)
class IncidentList:
    path: str
    count: int
    shown: tuple[LinkedIncident, ...]
    hidden: int


def render_pr_markdown(report: PrReport, *, redact_incidents: bool = False) -> str:
    """The comment body: the first rendering down :data:`LADDER` that fits the budget."""
    template = markdown_environment().get_template(TEMPLATE)
    for step, limits in enumerate(LADDER):
        text = template.render(_context(report, limits, redact_incidents, step > 0))
        if len(text.encode("utf-8")) <= BUDGET_BYTES:
            return text
    raise AssertionError("the smallest rendering of the PR report is over the budget")


def _context(report: PrReport, limits: Limits, redact: bool, summarised: bool) -> dict[str, Any]:
    files = sorted(report.files, key=lambda f: (-abs(f.ccn_delta), -f.lines_changed, f.path))
    functions = sorted(report.functions, key=lambda f: (-f.ccn, f.path, f.start_line))
    touched = sorted(
        report.history.files.values(),
        key=lambda t: (t.hotspot_rank or 10**9, -len(t.incident_ids), t.path),
    )
    return {
        "r": report,
        "redact": redact,
        "summarised": summarised,
        "risk_badge": Md(RISK_BADGES.get(report.risk.level, "")),
        "ai_summary": Md(_ai_summary(report)),
        "class_line": Md(_class_line(report)),
        "change_words": CHANGE_WORDS,
        "files": files[: limits.files],
        "more_files": _remainder(files[limits.files :]),
        "functions": functions[: limits.functions],
        "more_functions": max(len(functions) - limits.functions, 0),
        "commits": report.commits[: limits.commits],
        "more_commits": max(len(report.commits) - limits.commits, 0),
        "touched": touched[: limits.touched],
        "more_touched": max(len(touched) - limits.touched, 0),
        "incidents": _incident_lists(touched[: limits.touched], limits.incidents_per_file),
        "path_limit": limits.path,
        "subject_limit": limits.subject,
        "title_limit": limits.title,
    }


def _ai_summary(report: PrReport) -> str:
    authored = len(report.authored)
    if not authored:
        return "no authored commits"
    return f"AI wrote {report.ai_commits} of {authored} commits ({percent(report.ai_commit_share)})"


def _class_line(report: PrReport) -> str:
    counts = report.class_counts()
    if not counts:
        return "No commits between the base and the head."
    parts = ", ".join(f"{class_label(c)} {n}" for c, n in sorted(counts.items()))
    merges = sum(c.is_merge for c in report.commits)
    line = (
        f"Commits by class: {parts}. AI share: {percent(report.ai_commit_share)} of "
        f"commits, {percent(report.ai_line_share)} of added lines"
    )
    return line + (
        f" (merges and automation left out; {merges} merge commit(s))."
        if merges
        else " (automation left out)."
    )


def _remainder(rest: Sequence[FileDelta]) -> dict[str, int] | None:
    if not rest:
        return None
    return {
        "count": len(rest),
        "added": sum(f.lines_added for f in rest),
        "deleted": sum(f.lines_deleted for f in rest),
        "ccn": sum(f.ccn_delta for f in rest if f.counted),
    }


def _incident_lists(touched: Sequence[FileHistory], per_file: int) -> list[IncidentList]:
    lists = []
    for history in touched:
        if not history.incidents:
            continue
        shown = _distinct(history.incidents)
        lists.append(
            IncidentList(
                history.path, len(shown), tuple(shown[:per_file]), max(len(shown) - per_file, 0)
            )
        )
    return lists


def _distinct(incidents: Sequence[LinkedIncident]) -> list[LinkedIncident]:
    """One line per incident (its first role listed), newest first as read."""
    seen: dict[str, LinkedIncident] = {}
    for incident in incidents:
        seen.setdefault(incident.incident_id, incident)
    return list(seen.values())

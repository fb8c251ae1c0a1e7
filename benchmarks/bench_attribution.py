"""Attribution: precision and recall per class on every sample scenario, and attribution's
share of a cold mine's time (target: under 5%).

The share is measured on the same repository and in the same run as the mine: a cold
``mine_repositories`` into a fresh store, then ``load_rules`` and ``classify_commit`` over
every commit the mine read, timed alone; then the labelling of its merges by the commits
they bring in (the graph read included), timed alone. ``BENCH_REPO`` chooses the
repository; by default it is the default sample scenario, whose history carries the real AI
and bot markers.

Real histories have no ground truth, so on them the rules are checked against an independent
simple reading of strong markers (``benchmarks/simple_markers.py``), over every commit
reachable from HEAD: AI precision and recall of the rules taken against that reading, and
every disagreement listed for a person to look at. ``BENCH_REAL_REPOS`` names the
repositories, paths joined by ``:``; the figures in ``docs/attribution.md`` come from::

    git clone --bare https://github.com/Aider-AI/aider
    git clone --bare https://github.com/digitaldemocracy2030/kouchou-ai
    git clone --bare https://github.com/simonw/tools
    git clone --bare https://github.com/steveyegge/beads
    BENCH_REAL_REPOS=aider.git:kouchou-ai.git:tools.git:beads.git \
        make bench BENCH_FLAGS=attribution

Only messages and identities are read (no diff), so a partial or blob-less clone is enough.
Target on each: AI precision and recall >= 0.98.
"""

from __future__ import annotations

import dataclasses
import os
import time
from functools import partial
from pathlib import Path

from analyzer.attribution import RuleSet, classify_commit, load_rules
from analyzer.attribution.accuracy import AccuracyReport, label_repository, score_attribution
from analyzer.attribution.changes import merge_compositions
from analyzer.config import Config
from analyzer.git.log import read_commits, read_graph
from analyzer.git.repository import list_commits, open_repository
from analyzer.mining import mine_repositories
from analyzer.models import AUTHORSHIP_CLASSES
from benchmarks.context import BenchContext
from benchmarks.simple_markers import simple_marker
from sample_repos import DEFAULT_SCENARIO, generate_scenario, list_scenarios
from sample_repos.truth import scored_for_attribution

COST_TARGET = 0.05
PRECISION_TARGET = 0.98
RECALL_TARGET = 0.95
SCORED_CLASSES = ("ai_authored", "ai_assisted")
REAL_TARGET = 0.98
SHOWN_DISAGREEMENTS = 12


def run(context: BenchContext) -> None:
    rules = load_rules()
    for name in list_scenarios():
        paths = generate_scenario(name)
        commits = paths.load_truth()["commits"]
        truth = {c["sha"]: c for c in scored_for_attribution(commits)}
        labels = label_repository(paths.repo, rules, "full")
        report = score_attribution(
            {sha: entry["class"] for sha, entry in truth.items()},
            {sha: label.authorship for sha, label in labels.items()},
            actual_tools={sha: entry["tool"] for sha, entry in truth.items()},
            labelled_tools={sha: label.ai_tool for sha, label in labels.items()},
        )
        unmarked = sum(
            1 for e in truth.values() if e["class"] in SCORED_CLASSES and not e["markers"]
        )
        switched_off = len(commits) - len(truth)
        print(
            f"\n{name}: {len(truth)} commits (full history); {unmarked} AI commits carry no "
            "strong marker (such as Codex cloud's), so no rule can find them"
            + (
                f"; {switched_off} AI-assisted commits of a team that switched its trailers "
                "off are left out (the telemetry band covers them)"
                if switched_off
                else ""
            )
        )
        print(accuracy_table(report))
    real_repos = [Path(p) for p in os.environ.get("BENCH_REAL_REPOS", "").split(":") if p]
    if real_repos:
        print("\nreal histories, against a simple independent reading of strong markers:")
        print(real_history_table([real_history_agreement(repo, rules) for repo in real_repos]))
    else:
        print("\nreal histories: set BENCH_REAL_REPOS (see this module's docstring) to measure")
    cost_repo = context.repo or generate_scenario(DEFAULT_SCENARIO).repo
    print()
    print(cost_line(cost_repo, context.scratch / "attribution-cold.duckdb", context.workers))


def accuracy_table(report: AccuracyReport) -> str:
    """Precision and recall per class, with the targets, as aligned text."""
    lines = [f"  {'class':<12} {'actual':>7} {'labelled':>9} {'precision':>10} {'recall':>8}"]
    for name in AUTHORSHIP_CLASSES:
        score = report.score(name)
        lines.append(
            f"  {name:<12} {score.actual:>7} {score.labelled:>9} "
            f"{_ratio(score.precision):>10} {_ratio(score.recall):>8}"
        )
    verdicts = [
        f"{name} {'meets' if _meets(report, name) else 'MISSES'} P>={PRECISION_TARGET} "
        f"R>={RECALL_TARGET}"
        for name in SCORED_CLASSES
    ]
    lines.append("  " + "; ".join(verdicts))
    lines.append(f"  automation bots labelled AI: {report.automation_labelled_ai}")
    if report.tool_agreement is not None:
        lines.append(f"  right tool among rightly labelled AI commits: {report.tool_agreement:.3f}")
    for miss in report.mislabels[:10]:
        lines.append(
            f"  mislabel {miss.sha[:10]}: truth {miss.actual} ({miss.actual_tool}), "
            f"labelled {miss.labelled}"
        )
    return "\n".join(lines)


def cost_line(repo: Path, db: Path, workers: int) -> str:
    """Attribution's share of a cold mine of ``repo`` (fresh store, every blob measured):
    loading the rules and classifying every commit the mine read, timed alone."""
    started = time.perf_counter()
    mine_repositories([repo], db=db, workers=workers, config=Config())
    mine_seconds = time.perf_counter() - started
    opened = open_repository(repo)
    commits = list(read_commits(opened.path, list_commits(opened, "first-parent"), "first-parent"))
    started = time.perf_counter()
    rules = load_rules()
    for commit in commits:
        classify_commit(commit, rules)
    attribution_seconds = time.perf_counter() - started
    share = attribution_seconds / mine_seconds
    verdict = "meets" if share < COST_TARGET else "MISSES"
    return (
        f"attribution cost on {repo}: {len(commits):,} commits labelled in "
        f"{attribution_seconds * 1000:.0f} ms ({attribution_seconds / len(commits) * 1e6:.1f} us "
        f"a commit, rules loaded included) against a cold mine of {mine_seconds:.1f} s with "
        f"{workers} workers: {share:.2%} of the mine ({verdict} the < {COST_TARGET:.0%} target)"
        f"\n{merge_cost_line(opened.path, opened.head_sha, rules, mine_seconds)}"
    )


def merge_cost_line(repo: Path, head: str, rules: RuleSet, mine_seconds: float) -> str:
    """What a cold first-parent mine spends labelling its merges by the commits they bring
    in (the graph read, the merged commits' line counts and their labels), timed alone."""
    started = time.perf_counter()
    found = merge_compositions(repo, head, partial(classify_commit, rules=rules))
    seconds = time.perf_counter() - started
    merged = sum(len(commits) for commits in found.values())
    return (
        f"merge change classes: {len(found):,} first-parent merges bringing in {merged:,} "
        f"commits labelled in {seconds * 1000:.0f} ms: {seconds / mine_seconds:.2%} of the mine"
    )


@dataclasses.dataclass(frozen=True)
class RealAgreement:
    """The rules against the simple reading on one repository: the AI commits each finds."""

    name: str
    commits: int
    by_rules: dict[str, str]
    by_simple: dict[str, str]
    subjects: dict[str, str]

    @property
    def both(self) -> int:
        return len(self.by_rules.keys() & self.by_simple.keys())

    @property
    def precision(self) -> float | None:
        return self.both / len(self.by_rules) if self.by_rules else None

    @property
    def recall(self) -> float | None:
        return self.both / len(self.by_simple) if self.by_simple else None


def real_history_agreement(repo: Path, rules: RuleSet) -> RealAgreement:
    """Label every commit reachable from HEAD of ``repo`` with the rules and with the simple
    reading; keep, per commit found AI, what found it."""
    opened = open_repository(repo)
    by_rules: dict[str, str] = {}
    by_simple: dict[str, str] = {}
    subjects: dict[str, str] = {}
    commits = 0
    for commit in read_graph(opened.path, opened.head_sha):
        commits += 1
        label = classify_commit(commit, rules)
        if label.authorship in SCORED_CLASSES:
            by_rules[commit.sha] = f"{label.authorship} ({label.ai_tool}): {label.evidence}"
        marker = simple_marker(commit)
        if marker is not None:
            by_simple[commit.sha] = marker
        if commit.sha in by_rules or marker is not None:
            subjects[commit.sha] = commit.subject
    name = repo.name.removesuffix(".git") if repo.name not in ("repo", ".git") else repo.parent.name
    return RealAgreement(name, commits, by_rules, by_simple, subjects)


def real_history_table(found: list[RealAgreement]) -> str:
    """One line per repository, then the disagreements, for a person to look at."""
    lines = [
        f"  {'repository':<32} {'commits':>8} {'AI (rules)':>10} {'AI (simple)':>11} "
        f"{'precision':>10} {'recall':>7} {'missed':>7}  verdict"
    ]
    for one in found:
        meets = min(one.precision or 0.0, one.recall or 0.0) >= REAL_TARGET
        lines.append(
            f"  {one.name:<32} {one.commits:>8,} {len(one.by_rules):>10,} "
            f"{len(one.by_simple):>11,} {_ratio(one.precision):>10} {_ratio(one.recall):>7} "
            f"{len(one.by_simple.keys() - one.by_rules.keys()):>7}  "
            f"{'meets' if meets else 'MISSES'} P,R>={REAL_TARGET}"
        )
    for one in found:
        lines += _disagreements(one)
    return "\n".join(lines)


def _disagreements(one: RealAgreement) -> list[str]:
    lines = []
    simple_only = one.by_simple.keys() - one.by_rules.keys()
    rules_only = one.by_rules.keys() - one.by_simple.keys()
    for title, shas, reasons in (
        ("AI by the simple reading only", simple_only, one.by_simple),
        ("AI by the rules only", rules_only, one.by_rules),
    ):
        if not shas:
            continue
        lines.append(f"  {one.name}: {len(shas)} {title}")
        for sha in sorted(shas)[:SHOWN_DISAGREEMENTS]:
            lines.append(f"    {sha[:10]} {one.subjects[sha][:60]!r}: {reasons[sha][:150]}")
    return lines


def _meets(report: AccuracyReport, name: str) -> bool:
    score = report.score(name)
    return (score.precision or 0.0) >= PRECISION_TARGET and (score.recall or 0.0) >= RECALL_TARGET


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"

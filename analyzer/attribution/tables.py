"""Rich renderables for the attribution commands (built here, printed by the CLI only)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from analyzer.attribution.explain import CommitExplanation, MergeChange
from analyzer.attribution.relabel import RelabelResult
from analyzer.attribution.rules import BUILTIN_SOURCE, RuleSet


def relabel_table(result: RelabelResult) -> Group:
    """Commits per class before and after ``jevons attribute``."""
    table = Table(title=f"{result.total} commits re-labelled, {result.changed} changed class")
    table.add_column("class")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    table.add_column("change", justify="right")
    for name in result.classes:
        before, after = result.before.get(name, 0), result.after.get(name, 0)
        if before or after:
            table.add_row(name, str(before), str(after), f"{after - before:+d}")
    parts: list[RenderableType] = [table]
    if result.weak_only:
        parts.append(
            Text(
                f"{result.weak_only} human commits carry only weak AI evidence "
                "(attribution_strength = 'weak'; see weak_evidence)"
            )
        )
    if result.merges:
        parts.append(
            Text(
                f"{result.merges} first-parent merges labelled by the commits they bring in "
                f"(change_authorship); {result.merges_changed} changed class"
            )
        )
    for note in result.unreadable:
        parts.append(Text(f"kept the stored merge change classes of {note}"))
    return Group(*parts)


def rules_table(rules: RuleSet) -> Group:
    """The rules in force, in precedence order, then the tools known to leave no marker."""
    table = Table(title=f"{len(rules.rules)} attribution rules in force, in precedence order")
    table.add_column("id", no_wrap=True)
    table.add_column("where", overflow="fold")
    table.add_column("pattern", overflow="fold")
    table.add_column("class", no_wrap=True)
    table.add_column("strength", no_wrap=True)
    table.add_column("source", overflow="fold")
    for rule in rules.rules:
        where = f"trailer {rule.key.pattern}" if rule.key is not None else rule.where
        source = "built-in" if rule.source == BUILTIN_SOURCE else rule.source
        cells = (rule.id, where, rule.pattern.pattern, rule.rule_class, rule.strength)
        table.add_row(*(Text(cell) for cell in (*cells, f"{source} ({rule.status})")))
    parts: list[RenderableType] = [table]
    if rules.disabled:
        parts.append(Text(f"disabled by your configuration: {', '.join(rules.disabled)}"))
    if rules.unmarked:
        unmarked = "; ".join(f"{u.tool_name} ({u.note})" for u in rules.unmarked)
        parts.append(Text(f"no known commit marker, labelled human: {unmarked}"))
    return Group(*parts)


def explanation_text(explanation: CommitExplanation) -> Group:
    """Why a commit is labelled as it is, in lines a reader can check with ``git show``."""
    commit, stored, current = explanation.commit, explanation.stored, explanation.current
    lines = [
        f"commit {commit.sha} in {explanation.repo_id}",
        f"author    {commit.author_name} <{commit.author_email}>",
        f"committer {commit.committer_name} <{commit.committer_email}>",
        f"subject   {commit.subject}",
        "",
        f"stored label:  {stored.authorship or 'none'}"
        + (f" ({stored.ai_tool})" if stored.ai_tool else "")
        + (f", {stored.strength} evidence" if stored.strength else ""),
        f"current rules: {current.authorship}"
        + (f" ({current.ai_tool})" if current.ai_tool else "")
        + (f", {current.strength} evidence" if current.strength else ""),
    ]
    if explanation.is_stale:
        lines.append("the rules have changed since: run `jevons attribute` to store the new label")
    lines += ["", f"evidence: {current.evidence}"]
    if current.weak_evidence:
        lines.append(f"weak evidence (does not decide the label): {current.weak_evidence}")
    lines.append("")
    if explanation.matches:
        lines.append("matching rules, in precedence order:")
        for match in explanation.matches:
            lines.append(f"  [{match.strength}] {match.rule.rule_class}: {match.describe()}")
    else:
        lines.append("no rule matches (absence of a marker is not proof that a person wrote it)")
    if explanation.change is not None:
        lines += ["", *_merge_change_lines(explanation.change)]
    return Group(*(Text(line) for line in lines))


def _merge_change_lines(change: MergeChange) -> list[str]:
    """The work a first-parent merge brings in: its class, stored and under today's rules,
    and each merged commit (the analysis counts the merge as a change of that class)."""
    stored = (change.authorship or "none") + (f" ({change.ai_tool})" if change.ai_tool else "")
    counted = (
        f", {change.merged_commits} merged commits ({change.merged_ai_commits} AI)"
        if change.merged_commits is not None
        else " (merged commits not read yet: run `jevons mine` or `jevons attribute`)"
    )
    lines = [
        "the change this merge brings in (its diff against its first parent):",
        f"stored change class:  {stored}{counted}",
    ]
    if change.current is None or change.merged is None:
        lines.append(f"the repository cannot be read to list its merged commits: {change.note}")
        return lines
    current = change.current
    tool = f" ({current.ai_tool})" if current.ai_tool else ""
    lines += [f"current change class: {current.authorship}{tool}", current.composition]
    for item in change.merged:
        label = (item.authorship or "unlabelled") + (f" ({item.ai_tool})" if item.ai_tool else "")
        lines.append(f"  {item.sha[:12]}  {label:<30} {item.lines:>6} lines  {item.subject}")
    return lines

"""The readable summary of an analysis: the same content as the JSON, as Rich renderables.

Library code builds the renderables; only the command line prints them. Every string that
came from the data is escaped, so a repository path cannot inject Rich markup.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from analyzer.analysis.findings import period_text
from analyzer.analysis.result import (
    EVIDENCE_TAGS,
    EVIDENCE_WORDS,
    AnalysisResult,
    ClassProportion,
    Estimate,
)
from analyzer.wording import NOT_KNOWN, class_words, interval, percent, signed


def render_summary(result: AnalysisResult) -> RenderableType:
    """Verdict, data coverage, failure rates, decomposition, findings and caveats."""
    return Group(*_parts(result))


def _parts(result: AnalysisResult) -> Iterator[RenderableType]:
    verdict = result.verdict
    yield Panel(
        f"[bold]{escape(verdict.primary_driver)}[/]: {escape(verdict.statement)}",
        title="Verdict",
        subtitle=EVIDENCE_WORDS[verdict.evidence_level],
    )
    yield _coverage(result)
    if result.change_failure_rate and result.coverage.incidents:
        yield _failure_rates(result)
    elif result.reverts.by_class:  # no incidents: reverts are the failure signal
        yield _revert_rates(result)
    if result.decomposition.splits_anything:
        yield _decomposition(result)
    if result.findings:
        yield _findings(result)
    tests = result.time_series.tests
    if tests:
        held = sum(1 for t in tests if t.p_holm is not None and t.p_holm < 0.05)
        yield f"Time-series tests run: {len(tests)}; significant after Holm correction: {held}."
    if result.caveats:
        yield Panel("\n".join(f"- {escape(c)}" for c in result.caveats), title="Caveats")


def _coverage(result: AnalysisResult) -> Table:
    coverage, adoption = result.coverage, result.adoption
    table = Table(title="Data", show_header=False)
    table.add_row("repositories", escape(", ".join(result.scope.repos) or "none"))
    if result.scope.path_prefix:
        table.add_row("paths under", escape(result.scope.path_prefix))
    if result.scope.service:
        table.add_row("incidents of service", escape(result.scope.service))
    table.add_row("changes", f"{coverage.changes:,} over {coverage.weeks} week(s)")
    table.add_row(
        "incidents",
        f"{coverage.incidents:,} ({coverage.incidents_with_code_cause:,} with a code cause)",
    )
    shares = ", ".join(
        f"{class_words(c)} {s.commit_share:.0%}"
        for c, s in adoption.share_by_class.items()
        if s.commit_share is not None
    )
    table.add_row("commits by class", escape(shares or "none"))
    table.add_row(
        "adoption point",
        f"{adoption.date} ({adoption.method})" if adoption.date else escape(adoption.description),
    )
    return table


def _failure_rates(result: AnalysisResult) -> Table:
    table = Table(title="Change failure rate by class (95% Wilson interval)")
    for column in (
        "class",
        "changes",
        "linked to an incident",
        "rate",
        "interval",
        "incidents / KLOC",
    ):
        table.add_column(column)
    rates = result.incident_rates.by_class
    for cls, prop in result.change_failure_rate.items():
        per_kloc = rates.get(cls)
        table.add_row(
            *_proportion_cells(cls, prop),
            "" if per_kloc is None or per_kloc.per_kloc is None else f"{per_kloc.per_kloc:.2f}",
        )
    return table


def _proportion_cells(cls: str, prop: ClassProportion) -> tuple[str, ...]:
    """Class, changes, how many, the share and its interval, as the two rate tables show them."""
    return (
        escape(class_words(cls)),
        f"{prop.n:,}",
        f"{prop.count:,}",
        percent(prop.rate, 1, missing=NOT_KNOWN),
        interval(
            prop.ci_low, prop.ci_high, digits=1, scale=100.0, unit="%", prefix="", missing=NOT_KNOWN
        ),
    )


def _revert_rates(result: AnalysisResult) -> Table:
    table = Table(title="Revert rate by class (95% Wilson interval)")
    for column in ("class", "changes", "reverted later", "rate", "interval"):
        table.add_column(column)
    for cls, prop in result.reverts.by_class.items():
        table.add_row(
            *_proportion_cells(cls, prop),
        )
    return table


def _decomposition(result: AnalysisResult) -> Table:
    d = result.decomposition
    assert d.period_a is not None and d.period_b is not None
    table = Table(
        title=(f"Change in incidents, {period_text(d.period_a)} against {period_text(d.period_b)}")
    )
    for column in ("part", "incidents", "95% interval"):
        table.add_column(column)
    rows: list[tuple[str, Estimate]] = [
        ("total change", d.incident_change),
        ("  code-caused", d.code_caused_change),
        ("    volume", d.volume_effect),
        ("    mix", d.mix_effect),
        ("    rate", d.rate_effect),
        ("  no code cause", d.unlinked_incidents.change),
    ]
    for name, estimate in rows:
        table.add_row(
            name,
            signed(estimate.value, missing=NOT_KNOWN),
            interval(
                estimate.ci_low, estimate.ci_high, digits=1, sign=True, prefix="", missing=NOT_KNOWN
            ),
        )
    return table


def _findings(result: AnalysisResult) -> Table:
    table = Table(title="Findings (strongest evidence first)")
    table.add_column("evidence")
    table.add_column("finding")
    for finding in result.findings:
        table.add_row(EVIDENCE_TAGS[finding.evidence_level], escape(finding.statement))
    return table

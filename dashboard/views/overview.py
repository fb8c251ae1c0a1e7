"""Overview: the verdict and how sure we are, AI share, growth, incident load, and the
change failure rate by class."""

from __future__ import annotations

import dataclasses

import streamlit as st

from analyzer.analysis import EVIDENCE_WORDS, AnalysisResult
from analyzer.scope import Scope
from analyzer.wording import interval, number, percent, points, signed
from dashboard import blocks, charts, context, data, tables
from dashboard.escaping import escape_markdown

DRIVER_WORDS = {
    "volume": "more changes shipped (volume)",
    "mix": "a shift towards riskier authorship classes (mix)",
    "rate": "riskier changes within classes (rate)",
    "none": "incidents with no code cause",
    "inconclusive": "nothing the data can single out (inconclusive)",
}


def verdict(result: AnalysisResult) -> None:
    """The verdict in one sentence, its evidence level, and what drives it."""
    v = result.verdict
    st.subheader("Verdict")
    st.markdown(f"**{escape_markdown(v.statement, limit=1000)}**")
    st.caption(
        escape_markdown(
            f"Primary driver: {DRIVER_WORDS.get(v.primary_driver, v.primary_driver)}. "
            f"Evidence level: {EVIDENCE_WORDS[v.evidence_level]}."
        )
    )
    if v.reasons:
        with st.expander("Why this verdict"):
            for reason in v.reasons:
                st.markdown("- " + escape_markdown(reason, limit=1000))


def headline_metrics(result: AnalysisResult) -> None:
    """AI share, volume, complexity growth and incident load, as four metric tiles."""
    adoption, growth, load = result.adoption, result.growth, result.incident_load
    cols = st.columns(4)
    after = adoption.ai_commit_share_after
    cols[0].metric(
        "AI share of commits" + (" (after adoption)" if adoption.date else ""),
        percent(after if after is not None else adoption.ai_commit_share_before),
        delta=None
        if adoption.date is None or after is None or adoption.ai_commit_share_before is None
        else f"{points(after - adoption.ai_commit_share_before, 0)} vs before",
        delta_color="off",
        help=escape_markdown(adoption.description),
    )
    cols[1].metric(
        "Changes shipped",
        number(result.coverage.changes),
        help="Commits that count as changes (merges of mined branches do not).",
    )
    start, end = growth.start.get("ccn_total"), growth.end.get("ccn_total")
    cols[2].metric(
        "Total cyclomatic complexity (CCN)",
        number(end),
        delta=None if start is None or end is None else signed(end - start, 0),
        delta_color="inverse",
        help="Across all files alive at the range's end; "
        "the delta is the change since the range's start.",
    )
    before, later = load.per_week_before, load.per_week_after
    cols[3].metric(
        "Incidents per week" + (" (after adoption)" if adoption.date else ""),
        number(later if later is not None else before, 2),
        delta=None if before is None or later is None else signed(later - before, 2),
        delta_color="inverse",
        help=f"{load.incidents} incidents in scope, {load.code_caused} code-caused.",
    )


METRIC_WORDS = {
    "commits": "Commits",
    "lines_added": "Lines added",
    "lines_deleted": "Lines deleted",
    "net_loc": "Net lines of code",
    "nloc": "NLOC (non-comment lines)",
    "ccn_total": "Total CCN",
    "ccn_per_kloc": "CCN per 1,000 NLOC",
    "functions_over_10": "Functions above CCN 10",
    "functions_over_20": "Functions above CCN 20",
}


def growth_table(result: AnalysisResult) -> None:
    """Growth per month before and after adoption, for each measured series."""
    rows = [
        {
            "Metric": METRIC_WORDS.get(r.metric, r.metric),
            "Kind": "level (monthly increase)" if r.kind == "stock" else "flow (monthly amount)",
            "Per month before": r.per_month_before,
            "Per month after": r.per_month_after,
            "After / before": r.ratio,
            "Acceleration": r.acceleration.value,
            "95% CI": interval(r.acceleration.ci_low, r.acceleration.ci_high),
        }
        for r in result.growth.rates
    ]
    if not rows:
        st.info("Too little history to measure growth rates.")
        return
    one = st.column_config.NumberColumn(format="%.1f")
    blocks.table(
        rows,
        key="overview_growth_table",
        column_config={
            "Per month before": one,
            "Per month after": one,
            "After / before": st.column_config.NumberColumn(format="%.2f×"),
            "Acceleration": one,
        },
    )
    st.caption(
        "Per month: a flow's monthly amount, or a level's monthly increase; "
        "before and after the adoption point."
    )


def failure_rates(result: AnalysisResult, linked: bool) -> None:
    """The change failure rate by class with Wilson intervals, and the revert rate, a
    failure signal that needs no incident records."""
    st.subheader("Change failure rate by authorship class")
    rows = tables.failure_rate_rows(result)
    if not linked or rows.empty:
        st.info(
            "No change failure rate from incidents yet: it needs incidents linked "
            "to commits (`jevons incidents import`, then `jevons link`)."
        )
    else:
        blocks.chart(
            charts.interval_chart(
                rows, axis_title="Share of changes that induced an incident (95% Wilson CI)"
            ),
            "overview_cfr_chart",
        )
        st.caption("A change fails when an incident is linked to it as an inducing commit.")
    reverts = tables.revert_rate_rows(result)
    if not reverts.empty:
        blocks.chart(
            charts.interval_chart(
                reverts, axis_title="Share of changes later reverted (95% Wilson CI)"
            ),
            "overview_revert_chart",
        )
        st.caption(
            f"Reverts need no incident records: {result.reverts.reverted_commits} "
            "commits were reverted later (git's revert messages matched to the "
            "reverted commit)."
        )


def per_repository(ctx: context.PageContext) -> None:
    """Each repository's verdict side by side (one analysis per repository, cached)."""
    if len(ctx.state.repos) < 2:
        return
    if not st.toggle(
        "Compare repositories",
        key="overview_compare_repos",
        help="Runs the analysis once per repository (cached afterwards).",
    ):
        return
    rows = []
    for repo in ctx.state.repos:
        one = data.analysis(ctx.settings.db, _for_repo(ctx, repo.repo_id), ctx.settings.config)
        rows.append(
            {
                "Repository": repo.repo_id,
                "Changes": one.coverage.changes,
                "AI share after adoption": one.adoption.ai_commit_share_after,
                "Incidents": one.incident_load.incidents,
                "Driver": one.verdict.primary_driver,
                "Evidence": EVIDENCE_WORDS[one.verdict.evidence_level],
            }
        )
    blocks.table(
        rows,
        key="overview_repo_table",
        column_config={"AI share after adoption": st.column_config.NumberColumn(format="percent")},
    )


def _for_repo(ctx: context.PageContext, repo_id: str) -> Scope:
    return dataclasses.replace(ctx.scope, repo=repo_id)


def main() -> None:
    page = context.analysed_page("Overview")
    if page is None:
        return
    ctx, result = page
    verdict(result)
    context.missing_parts(ctx)
    headline_metrics(result)
    left, right = st.columns(2)
    with left:
        failure_rates(result, ctx.state.has_links)
    with right:
        st.subheader("Complexity and volume growth")
        growth_table(result)
    per_repository(ctx)
    for caveat in result.caveats:
        st.caption("Caveat: " + escape_markdown(caveat, limit=1000))


main()

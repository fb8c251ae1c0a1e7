"""Growth: volume and complexity over time by authorship class, adoption marked."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analyzer.analysis import AnalysisResult
from analyzer.wording import class_label, number, percent
from dashboard import blocks, charts, context
from dashboard.escaping import escape_markdown

FLOWS = {
    "commits": "Commits",
    "lines_added": "Lines added",
    "net_loc": "Net lines of code (added − deleted)",
    "nloc_added": "NLOC added (non-comment lines, net)",
    "ccn_added": "Cyclomatic complexity added (CCN, net)",
    "functions_over_10_added": "Functions above CCN 10 added (net)",
}
LEVELS = {
    "ccn_total": ("Total cyclomatic complexity (CCN)", ",.0f"),
    "nloc": ("Non-comment lines of code alive (NLOC)", ",.0f"),
    "ccn_per_kloc": ("CCN per 1,000 NLOC", ",.1f"),
    "functions_over_10": ("Functions above CCN 10", ",.0f"),
    "functions_over_20": ("Functions above CCN 20", ",.0f"),
}
GRAINS = {"Weekly": "Week", "Monthly": "Month"}


def frames(result: AnalysisResult, grain: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The (overall, by class) series for the chosen grain."""
    if grain == "Weekly":
        return result.series.weekly, result.series.weekly_by_class
    return result.series.monthly, result.series.monthly_by_class


def class_table(result: AnalysisResult) -> None:
    """What each class added over the range, and complexity per line added."""
    rows = [
        {
            "Class": class_label(name),
            "Commits": g.commits,
            "Lines added": g.lines_added,
            "Net LOC": g.net_loc,
            "NLOC added": g.nloc_added,
            "CCN added": g.ccn_added,
            "CCN per line added": g.ccn_per_line_added,
        }
        for name, g in result.growth.by_class.items()
    ]
    blocks.table(
        rows,
        key="growth_class_table",
        column_config={"CCN per line added": st.column_config.NumberColumn(format="%.3f")},
    )


def main() -> None:
    page = context.analysed_page("Growth")
    if page is None:
        return
    _, result = page
    adoption = result.adoption
    st.caption(
        escape_markdown(
            f"AI adoption: {adoption.date or 'not found'} ({adoption.method}). "
            f"AI share of commits {percent(adoption.ai_commit_share_before)} before, "
            f"{percent(adoption.ai_commit_share_after)} after."
        )
    )
    grain = st.radio("Period", list(GRAINS), horizontal=True, key="growth_grain")
    overall, by_class = frames(result, grain)
    if len(overall) == 0:
        st.info("No commits in this date range.")
        return
    unit = GRAINS[grain]
    flow = st.selectbox(
        "Volume or complexity added, by authorship class",
        list(FLOWS),
        format_func=FLOWS.__getitem__,
        key="growth_flow",
    )
    blocks.chart(
        charts.class_series_chart(
            by_class,
            flow,
            f"{FLOWS[flow]} per {unit.lower()}",
            grain=unit,
            adoption=adoption.date,
            adoption_method=adoption.method,
        ),
        "growth_flow_chart",
    )
    level = st.selectbox(
        "Complexity alive at each period's end",
        list(LEVELS),
        format_func=lambda m: LEVELS[m][0],
        key="growth_level",
    )
    title, fmt = LEVELS[level]
    blocks.chart(
        charts.level_chart(
            overall,
            level,
            title,
            grain=unit,
            adoption=adoption.date,
            adoption_method=adoption.method,
            value_format=fmt,
        ),
        "growth_level_chart",
    )
    st.subheader("AI share over time")
    blocks.chart(
        charts.share_chart(
            overall, grain=unit, adoption=adoption.date, adoption_method=adoption.method
        ),
        "growth_share_chart",
    )
    st.subheader("What each class added")
    class_table(result)
    start, end = result.growth.start, result.growth.end
    st.caption(
        escape_markdown(
            f"Over the range, total CCN went from {number(start.get('ccn_total'))} to "
            f"{number(end.get('ccn_total'))} and NLOC from {number(start.get('nloc'))} to "
            f"{number(end.get('nloc'))}."
        )
    )


main()

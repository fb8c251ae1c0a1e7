"""Hotspots: files ranked by change frequency × complexity, with their AI share, the
incidents their changes induced, and each file's complexity trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import blocks, charts, context, data, tables
from dashboard.escaping import escape_markdown, one_line

TOP = 20


def ranking(rows: pd.DataFrame) -> None:
    """The chart of the top files and the full table."""
    blocks.chart(charts.hotspot_chart(rows, top=TOP), "hotspots_chart")
    blocks.table(
        rows.drop(columns=["file"]).rename(
            columns={
                "rank": "Rank",
                "repo_id": "Repository",
                "path": "Path",
                "changes": "Changes",
                "lines_changed": "Lines changed",
                "ccn_total": "CCN now",
                "nloc": "NLOC now",
                "score": "Score",
                "ai_share": "AI share",
                "authors": "Authors",
                "incidents": "Incidents induced",
                "fix_incidents": "Incidents fixed",
            }
        ),
        key="hotspots_table",
        column_config={
            "AI share": st.column_config.NumberColumn(format="percent"),
            "Score": st.column_config.NumberColumn(format="%.0f"),
        },
    )


def file_trend(ctx: context.PageContext, rows: pd.DataFrame) -> None:
    """The chosen file's complexity after each change, coloured by authorship."""
    by_rank = dict(zip(rows["rank"].astype(int).tolist(), rows.itertuples(), strict=True))
    chosen = st.selectbox(
        "File",
        list(by_rank),
        key="hotspot_pick",
        format_func=lambda rank: one_line(f"{rank}. {by_rank[rank].file}", 120),
    )
    if chosen is None:
        return
    repo_id, path = str(by_rank[chosen].repo_id), str(by_rank[chosen].path)
    history, bucket = data.file_history(ctx.settings.db, repo_id, path, ctx.scope)
    if history["ccn_total"].notna().sum() == 0:
        st.info(
            "No complexity was measured for this file (an unsupported language, or "
            "every version failed to parse; see `blob_metrics.error`)."
        )
        return
    blocks.chart(charts.file_trend_chart(history), "hotspot_trend_chart")
    shown = (
        f"the last change of each {bucket} ({len(history)} points)"
        if bucket
        else f"{len(history)} changes"
    )
    st.caption(escape_markdown(f"{path} in {repo_id}: {shown}, up to the end of the range."))


def main() -> None:
    page = context.analysed_page("Hotspots")
    if page is None:
        return
    ctx, result = page
    if ctx.scope.service:
        st.caption(
            "Incident counts are of this service's incidents; every file changed "
            "in scope is listed (files are not assigned to services in the store)."
        )
    rows = tables.hotspot_rows(result, ctx.scope.path_prefix)
    if rows.empty:
        st.info(
            "No hotspot in this scope"
            + (
                " under this path prefix."
                if ctx.scope.path_prefix
                else ": no measured file was changed."
            )
        )
        return
    ranking(rows)
    st.subheader("Complexity trend")
    file_trend(ctx, rows)


main()

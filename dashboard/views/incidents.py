"""Incidents: incidents against change volume over time, on-call load, and each incident
with the commits it was linked to and why."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analyzer.analysis import AnalysisResult
from analyzer.wording import class_label, number, percent
from dashboard import blocks, charts, context, data
from dashboard.escaping import escape_markdown, one_line

ROLE_WORDS = {"fix": "Fix", "inducing": "Inducing", "related": "Related"}
METHOD_WORDS = {
    "explicit": "explicit reference in the incident record",
    "fix_reference": "the fix commit names the incident",
    "szz": "SZZ: blamed lines the fix changed",
    "ownership": "service ownership of the changed paths",
}


def load_tiles(result: AnalysisResult) -> None:
    """On-call load over the range."""
    load = result.incident_load
    first = st.columns(4)
    first[0].metric(
        "Incidents",
        number(load.incidents),
        help=f"{load.code_caused} with an inducing commit, {load.unlinked} without.",
    )
    first[1].metric(
        "Severity-weighted incidents",
        number(load.severity_weighted),
        help="Each incident weighted by its severity rank (most severe heaviest).",
    )
    first[2].metric("Median hours to resolve", number(load.hours_to_resolve_median))
    first[3].metric(
        "On-call effort (hours)",
        number(load.effort_hours),
        help="Where the incident source records responder time.",
    )
    second = st.columns(4)
    second[0].metric("Off-hours share of effort", percent(load.off_hours_share))
    second[1].metric("Incidents per week before adoption", number(load.per_week_before, 2))
    second[2].metric("Incidents per week after adoption", number(load.per_week_after, 2))
    second[3].metric("Total hours to resolve", number(load.hours_to_resolve_total))
    if load.by_severity:
        st.caption(
            escape_markdown(
                "By severity: "
                + ", ".join(f"{one_line(k, 30)} {v}" for k, v in sorted(load.by_severity.items()))
            )
        )


def timeline(result: AnalysisResult) -> None:
    """Incidents per period against commits per period."""
    grain = st.radio("Period", ["Weekly", "Monthly"], horizontal=True, key="incidents_grain")
    series = result.series.weekly if grain == "Weekly" else result.series.monthly
    if series.empty:
        st.info("No commits or incidents in this date range.")
        return
    unit = "Week" if grain == "Weekly" else "Month"
    blocks.chart(
        charts.incidents_vs_volume_chart(
            series,
            grain=unit,
            adoption=result.adoption.date,
            adoption_method=result.adoption.method,
        ),
        "incidents_timeline_chart",
    )


def incident_list(ctx: context.PageContext) -> None:
    """The incidents in scope, and the chosen one's links."""
    table = data.incident_table(ctx.settings.db, ctx.scope)
    st.subheader(f"Incidents in scope ({len(table):,} listed)")
    if table.empty:
        st.info("No incident matches these filters.")
        return
    when = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
    blocks.table(
        _listing(table), key="incidents_table", column_config={"Created": when, "Resolved": when}
    )
    labels = {
        str(row["incident_id"]): one_line(
            f"{row['reference']} · {row['created_at']:%Y-%m-%d} · {row['title'] or '(untitled)'}"
        )
        for row in table.to_dict("records")
    }
    chosen = st.selectbox(
        "Incident", list(labels), format_func=labels.__getitem__, key="incident_pick"
    )
    if chosen is not None:
        incident_detail(ctx, table[table["incident_id"] == chosen].iloc[0])


def _listing(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Reference": table["reference"],
            "Title": table["title"].map(one_line),
            "Severity": table["severity"],
            "Service": table["service"],
            "Created": table["created_at"],
            "Resolved": table["resolved_at"],
            "Fix commits": table["fix_links"],
            "Inducing commits": table["inducing_links"],
        }
    )


def incident_detail(ctx: context.PageContext, incident: pd.Series) -> None:
    """One incident: its linked fix and inducing commits, and why each was linked."""
    st.markdown("**" + escape_markdown(incident["title"] or "(untitled)") + "**")
    st.caption(
        escape_markdown(
            f"{incident['reference']} · severity {incident['severity'] or 'unknown'} · "
            f"service {incident['service'] or 'unknown'} · created {incident['created_at']}"
        )
    )
    links, notes = data.incident_links(ctx.settings.db, str(incident["incident_id"]))
    if links.empty:
        st.info("No commit is linked to this incident: it counts as having no code cause.")
    else:
        blocks.table(
            pd.DataFrame(
                {
                    "Role": links["role"].map(lambda r: ROLE_WORDS.get(r, r)),
                    "How linked": links["method"].map(lambda m: METHOD_WORDS.get(m, m)),
                    "Confidence": links["confidence"],
                    "Why (evidence)": links["evidence"].map(lambda e: one_line(e, 300)),
                    "Repository": links["repo_id"],
                    "Commit": links["sha"].str.slice(0, 12),
                    "Committed": links["committed_at"],
                    "Author": links["author_name"].map(one_line),
                    "Class": links["authorship"].map(lambda c: class_label(c) if c else "–"),
                    "Subject": links["subject"].map(one_line),
                }
            ),
            key="incident_links_table",
            column_config={
                "Confidence": st.column_config.ProgressColumn(
                    min_value=0.0, max_value=1.0, format="%.2f"
                )
            },
        )
    if not notes.empty:
        st.caption("Links that could not be made:")
        blocks.table(
            notes.assign(detail=notes["detail"].map(lambda d: one_line(d, 300))),
            key="incident_notes_table",
        )


def main() -> None:
    page = context.analysed_page("Incidents", "incidents")
    if page is None:
        return
    ctx, result = page
    st.subheader("On-call load")
    load_tiles(result)
    st.subheader("Incidents against change volume")
    timeline(result)
    incident_list(ctx)


main()

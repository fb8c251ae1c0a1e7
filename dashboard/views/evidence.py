"""Evidence: every finding and every test run with raw and Holm-corrected p-values, the
caveats, the method notes, and what this data cannot show."""

from __future__ import annotations

import streamlit as st

from analyzer.analysis import EVIDENCE_LADDER, EVIDENCE_WORDS, AnalysisResult
from dashboard import blocks, context, tables
from dashboard.escaping import escape_markdown

CANNOT_SHOW = (
    "Cause: every figure here is an association in this history. Even the strongest rung "
    "(direct attribution, controlled for size and location) does not rule out causes the "
    "store does not record, such as team changes, traffic or upstream outages.",
    "AI use that leaves no marker in a commit is counted as human, so human rates may "
    "include some AI-written changes and the AI share is a lower bound.",
    "Incidents with no linked commit may still have a code cause that no reference, fix "
    "or blame reached; they are reported apart, never assigned to a class.",
    "SZZ blames the lines a fix changed; a fix that only adds lines, or one that fixes "
    "configuration or data, has nothing to blame.",
    "Changes outside the mined repositories (infrastructure, vendors, other teams) are "
    "not in the store.",
)
P_FORMAT = "%.4f"
#: Readable headings for the findings' and tests' columns (the data keeps its names).
LABELS = {
    "topic": "Topic",
    "family": "Family",
    "test": "Test",
    "unit": "Unit",
    "effect": st.column_config.NumberColumn("Effect", format="%.3f"),
    "ci_low": st.column_config.NumberColumn("95% CI low", format="%.3f"),
    "ci_high": st.column_config.NumberColumn("95% CI high", format="%.3f"),
    "statistic": st.column_config.NumberColumn("Statistic", format="%.3f"),
    "p_value": st.column_config.NumberColumn("p", format=P_FORMAT),
    "p_holm": st.column_config.NumberColumn("p (Holm)", format=P_FORMAT),
    "n": st.column_config.NumberColumn("n", format="%d"),
    "evidence": "Evidence",
    "method": "Method",
    "caveats": "Caveats",
}


def findings(result: AnalysisResult) -> None:
    """The findings in words, strongest evidence first, then as a table of numbers."""
    rows = tables.finding_rows(result)
    if rows.empty:
        st.info("No finding yet: the data in this scope is too thin for any.")
        return
    with st.container(key="evidence_findings"):
        for row in rows.to_dict("records"):
            caveats = f" Caveats: {row['caveats']}." if row["caveats"] else ""
            st.markdown("- " + escape_markdown(row["statement"], limit=1000))
            st.caption(
                escape_markdown(
                    f"Evidence: {row['evidence']}. Method: {row['method']}.{caveats}", limit=1000
                )
            )
    with st.expander("Findings as a table"):
        blocks.table(
            rows.drop(columns=["rank"]),
            key="evidence_findings_table",
            column_config={
                **LABELS,
                "statement": st.column_config.TextColumn("Statement", width="large"),
            },
        )


def test_runs(result: AnalysisResult) -> None:
    """Every test run, filterable by family; never only the significant ones."""
    rows = tables.test_rows(result)
    families = ["All", *sorted(rows["family"].unique())]
    family = st.selectbox("Test family", families, key="evidence_family")
    shown = rows if family == "All" else rows[rows["family"] == family]
    st.caption(
        f"{len(shown)} of {len(rows)} tests run. p (Holm) is corrected across "
        "every test run together."
    )
    blocks.table(shown, key="evidence_tests_table", column_config=LABELS)
    for skipped in result.time_series.skipped:
        st.caption("Not run: " + escape_markdown(skipped, limit=1000))


def coverage(result: AnalysisResult) -> None:
    """What the data is enough for, and the caveats that apply."""
    enough = result.coverage.enough_for
    blocks.table(
        [
            {"Analysis": name.replace("_", " "), "Enough data": "yes" if ok else "no"}
            for name, ok in enough.items()
        ],
        key="evidence_coverage_table",
    )
    for caveat in result.caveats:
        st.markdown("- " + escape_markdown(caveat, limit=1000))


def method_notes(result: AnalysisResult) -> None:
    """How each part is computed, from the analysis' own documentation."""
    for name, note in result.method_notes.items():
        with st.expander(name.replace("_", " ").capitalize()):
            st.text(note)


def main() -> None:
    page = context.analysed_page("Evidence")
    if page is None:
        return
    _, result = page
    st.caption(
        "Evidence ladder, weakest first: "
        + "; ".join(f"{i}. {EVIDENCE_WORDS[level]}" for i, level in enumerate(EVIDENCE_LADDER, 1))
        + "."
    )
    st.subheader("Findings")
    findings(result)
    st.subheader("Every test run")
    test_runs(result)
    st.subheader("Coverage and caveats")
    coverage(result)
    st.subheader("What this data cannot show")
    for line in CANNOT_SHOW:
        st.markdown("- " + line)
    st.subheader("Method notes")
    method_notes(result)


main()

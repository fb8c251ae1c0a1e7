"""Jevons: the change in incidents between two periods split into volume, mix and rate
effects, with bootstrap intervals, and the incidents with no code cause apart."""

from __future__ import annotations

import streamlit as st

from analyzer.analysis import Decomposition
from analyzer.wording import interval, number, signed
from dashboard import blocks, charts, context, data, tables
from dashboard.escaping import escape_markdown
from dashboard.filters import quarters

AROUND_ADOPTION = "Before and after AI adoption"
TWO_QUARTERS = "Two quarters"
SEPARATION_WORDS = {
    "volume-mix": "Volume effect minus mix effect",
    "volume-rate": "Volume effect minus rate effect",
    "mix-rate": "Mix effect minus rate effect",
    "unlinked-code": "No-code-cause change minus code-caused change",
}


def effect_tiles(decomposition: Decomposition) -> None:
    """The total change and each effect with its interval."""
    items = [
        ("Change in incidents", decomposition.incident_change),
        ("Volume effect", decomposition.volume_effect),
        ("Mix effect", decomposition.mix_effect),
        ("Rate effect", decomposition.rate_effect),
        ("No code cause", decomposition.unlinked_incidents.change),
    ]
    for column, (label, estimate) in zip(st.columns(len(items)), items, strict=True):
        column.metric(
            label,
            signed(estimate.value),
            help=interval(estimate.ci_low, estimate.ci_high, digits=1),
        )
        column.caption(interval(estimate.ci_low, estimate.ci_high, digits=1))


def separation_table(decomposition: Decomposition) -> None:
    """Whether one effect is told apart from another (the difference's interval)."""
    rows = [
        {
            "Comparison": SEPARATION_WORDS.get(name, name),
            "Difference": e.value,
            "95% CI": interval(e.ci_low, e.ci_high, digits=1),
            "Told apart": "yes" if e.excludes_zero else "no",
        }
        for name, e in decomposition.separation.items()
    ]
    if rows:
        blocks.table(rows, key="jevons_separation_table")


def choose_periods(ctx: context.PageContext) -> data.Periods | None:
    """Around the adoption point (the analysis' default), or two calendar quarters."""
    state = ctx.state
    choice = st.radio(
        "Compare", [AROUND_ADOPTION, TWO_QUARTERS], horizontal=True, key="jevons_periods"
    )
    if choice != TWO_QUARTERS or state.first_day is None or state.last_day is None:
        return None
    found = quarters(state.first_day, state.last_day)
    if len(found) < 2:
        st.info("The store spans less than two quarters.")
        return None
    labels = {q.label: q for q in found}
    left, right = st.columns(2)
    first = left.selectbox("Period A", list(labels), index=len(found) - 2, key="jevons_quarter_a")
    second = right.selectbox("Period B", list(labels), index=len(found) - 1, key="jevons_quarter_b")
    a, b = labels[first], labels[second]
    if a == b:
        st.info("Choose two different quarters.")
        return None
    return (a.start, a.end), (b.start, b.end)


def main() -> None:
    page = context.analysed_page("Jevons decomposition", "incidents", choose_periods=choose_periods)
    if page is None:
        return
    _, result = page
    decomposition = result.decomposition
    st.markdown(
        "Why did incidents change between two periods? **Volume**: more changes shipped at "
        "the same class mix and rates. **Mix**: a shift between authorship classes with "
        "different failure rates. **Rate**: a change in the failure rate within each class. "
        "Incidents with no code cause are shown apart."
    )
    steps = tables.waterfall_steps(decomposition)
    if steps.empty:
        st.info(
            escape_markdown(
                "No incident in either period: there is no change in incidents to split."
                if decomposition.is_computed
                else f"No decomposition for this scope: {decomposition.method}."
            )
        )
        return
    a, b = decomposition.period_a, decomposition.period_b
    assert a is not None and b is not None
    st.caption(
        escape_markdown(
            f"Period A: {a.start} to {a.end} ({a.label}), {number(decomposition.incidents_a)} "
            f"incidents; period B: {b.start} to {b.end} ({b.label}), "
            f"{number(decomposition.incidents_b)} incidents. Whiskers: 95% intervals."
        )
    )
    blocks.chart(charts.waterfall_chart(steps), "jevons_waterfall_chart")
    effect_tiles(decomposition)
    st.subheader("By authorship class")
    blocks.table(tables.decomposition_classes(decomposition), key="jevons_class_table")
    st.caption(
        "An imputed rate is one a class could not show in that period (absent, or "
        "too few changes); it is carried over from the other period."
    )
    st.subheader("Can the effects be told apart?")
    separation_table(decomposition)
    st.caption(escape_markdown("Method: " + decomposition.method, limit=1000))


main()

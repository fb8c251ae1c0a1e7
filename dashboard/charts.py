"""Altair charts built from the analysis' frames: pure functions, no Streamlit.

Every chart has titled axes with units, tooltips, and x-axis zoom and pan on time
charts; class charts let the reader pick a class in the legend. Adoption is a labelled
vertical rule wherever time is on the x axis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import altair as alt
import pandas as pd

from analyzer.wording import CLASS_LABELS, class_label

#: What the chart functions return: one chart or layers of them, as Altair types them.
Figure = alt.Chart | alt.LayerChart | alt.FacetChart

CLASS_COLOURS: dict[str, str] = {
    "human": "#4c78a8",
    "ai_assisted": "#f58518",
    "ai_authored": "#e45756",
    "automation": "#72b7b2",
    "unattributed": "#bab0ac",
}
_CLASS_SCALE = alt.Scale(
    domain=[CLASS_LABELS[c] for c in CLASS_COLOURS], range=list(CLASS_COLOURS.values())
)
HEIGHT = 320


def with_class_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with a ``class`` column holding each row's readable class name."""
    labelled = frame.copy()
    labelled["class"] = labelled["authorship"].map(class_label)
    return labelled


def adoption_rule(adoption: dt.date | None, method: str = "") -> alt.LayerChart | None:
    """A dashed vertical rule at the adoption date, labelled, or ``None`` without one."""
    if adoption is None:
        return None
    label = "AI adoption" + (f" ({method})" if method else "")
    data = pd.DataFrame({"date": [pd.Timestamp(adoption)], "label": [label]})
    rule = (
        alt.Chart(data)
        .mark_rule(strokeDash=[6, 4], color="#555")
        .encode(
            x="date:T",
            tooltip=[alt.Tooltip("label:N", title="Marker"), alt.Tooltip("date:T", title="Date")],
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(align="left", baseline="top", dx=4, color="#555")
        .encode(x="date:T", y=alt.value(2), text="label:N")
    )
    return alt.LayerChart(layer=[rule, text])


def _with_rule(chart: Figure, adoption: dt.date | None, method: str) -> Figure:
    rule = adoption_rule(adoption, method)
    return chart if rule is None else alt.layer(chart, rule)


def class_series_chart(
    by_class: pd.DataFrame,
    metric: str,
    axis_title: str,
    *,
    grain: str,
    adoption: dt.date | None = None,
    adoption_method: str = "",
) -> Figure:
    """One flow (commits, lines, complexity added) per period, stacked by authorship."""
    data = with_class_labels(by_class[["period", "authorship", metric]])
    pick = alt.selection_point(fields=["class"], bind="legend")
    chart = (
        alt.Chart(data, height=HEIGHT)
        .mark_area(interpolate="monotone")
        .encode(
            x=alt.X("period:T", title=grain),
            y=alt.Y(f"{metric}:Q", title=axis_title, stack=True),
            color=alt.Color("class:N", title="Authorship", scale=_CLASS_SCALE),
            opacity=alt.condition(pick, alt.value(0.85), alt.value(0.15)),
            tooltip=[
                alt.Tooltip("period:T", title=grain),
                alt.Tooltip("class:N", title="Class"),
                alt.Tooltip(f"{metric}:Q", title=axis_title, format=",.0f"),
            ],
        )
        .add_params(pick)
        .interactive(bind_y=False)
    )
    return _with_rule(chart, adoption, adoption_method)


def level_chart(
    series: pd.DataFrame,
    metric: str,
    axis_title: str,
    *,
    grain: str,
    adoption: dt.date | None = None,
    adoption_method: str = "",
    value_format: str = ",.0f",
) -> Figure:
    """A level over time (NLOC alive, total CCN, CCN per KLOC) as a line."""
    chart = (
        alt.Chart(series[["period", metric]], height=HEIGHT)
        .mark_line(point=False)
        .encode(
            x=alt.X("period:T", title=grain),
            y=alt.Y(f"{metric}:Q", title=axis_title),
            tooltip=[
                alt.Tooltip("period:T", title=grain),
                alt.Tooltip(f"{metric}:Q", title=axis_title, format=value_format),
            ],
        )
        .interactive(bind_y=False)
    )
    return _with_rule(chart, adoption, adoption_method)


def share_chart(
    series: pd.DataFrame, *, grain: str, adoption: dt.date | None = None, adoption_method: str = ""
) -> Figure:
    """The AI share of commits and of added lines per period (0–100%)."""
    long = series[["period", "ai_commit_share", "ai_line_share"]].melt(
        "period", var_name="measure", value_name="share"
    )
    long["measure"] = long["measure"].map(
        {"ai_commit_share": "Share of commits", "ai_line_share": "Share of added lines"}
    )
    chart = (
        alt.Chart(long, height=HEIGHT)
        .mark_line()
        .encode(
            x=alt.X("period:T", title=grain),
            y=alt.Y(
                "share:Q",
                title="AI share (% of the period's changes)",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("measure:N", title="Measure"),
            tooltip=[
                alt.Tooltip("period:T", title=grain),
                alt.Tooltip("measure:N"),
                alt.Tooltip("share:Q", title="AI share", format=".1%"),
            ],
        )
        .interactive(bind_y=False)
    )
    return _with_rule(chart, adoption, adoption_method)


def incidents_vs_volume_chart(
    series: pd.DataFrame, *, grain: str, adoption: dt.date | None = None, adoption_method: str = ""
) -> Figure:
    """Incidents per period (code-caused and with no code cause, stacked) against the
    commits shipped, on two independent y axes."""
    kinds = series[["period", "code_caused_incidents", "unlinked_incidents"]].melt(
        "period", var_name="kind", value_name="incidents"
    )
    kinds["kind"] = kinds["kind"].map(
        {"code_caused_incidents": "Code-caused", "unlinked_incidents": "No code cause found"}
    )
    bars = (
        alt.Chart(kinds)
        .mark_bar(opacity=0.8)
        .encode(
            x=alt.X("period:T", title=grain),
            y=alt.Y("incidents:Q", title=f"Incidents per {grain.lower()}", stack=True),
            color=alt.Color(
                "kind:N", title="Incidents", scale=alt.Scale(range=["#e45756", "#bab0ac"])
            ),
            tooltip=[
                alt.Tooltip("period:T", title=grain),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("incidents:Q", title="Incidents", format=",.0f"),
            ],
        )
    )
    line = (
        alt.Chart(series[["period", "commits"]])
        .mark_line(color="#4c78a8")
        .encode(
            x="period:T",
            y=alt.Y("commits:Q", title=f"Commits per {grain.lower()} (line)"),
            tooltip=[
                alt.Tooltip("period:T", title=grain),
                alt.Tooltip("commits:Q", title="Commits", format=",.0f"),
            ],
        )
    )
    layers: list[alt.Chart | alt.LayerChart] = [bars, line]
    rule = adoption_rule(adoption, adoption_method)
    if rule is not None:
        layers.append(rule)
    figure: Figure = (
        alt.layer(*layers, height=HEIGHT).resolve_scale(y="independent").interactive(bind_y=False)
    )
    return figure


def interval_chart(
    rows: pd.DataFrame,
    *,
    axis_title: str,
    value_format: str = ".1%",
    reference: float | None = None,
) -> Figure:
    """One point per row (``label``, ``value``, ``ci_low``, ``ci_high``) with its 95%
    interval as a bar; rows with ``authorship`` take the class colours."""
    data = rows.copy()
    colour = (
        alt.Color("label:N", title="Class", scale=_CLASS_SCALE, legend=None)
        if "authorship" in data
        else alt.value("#4c78a8")
    )
    tooltip = [
        alt.Tooltip("label:N", title="Group"),
        alt.Tooltip("value:Q", title=axis_title, format=value_format),
        alt.Tooltip("ci_low:Q", title="95% CI low", format=value_format),
        alt.Tooltip("ci_high:Q", title="95% CI high", format=value_format),
    ]
    if "n" in data:
        tooltip.append(alt.Tooltip("n:Q", title="n", format=",.0f"))
    y = alt.Y("label:N", title=None, sort=list(data["label"]))
    axis = alt.Axis(format=value_format.lstrip(","))
    bars = (
        alt.Chart(data)
        .mark_rule(strokeWidth=3, opacity=0.6)
        .encode(
            y=y,
            x=alt.X("ci_low:Q", title=axis_title, axis=axis),
            x2="ci_high:Q",
            color=colour,
            tooltip=tooltip,
        )
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=90)
        .encode(y=y, x="value:Q", color=colour, tooltip=tooltip)
    )
    layers: list[alt.Chart] = [bars, points]
    if reference is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"x": [reference]}))
            .mark_rule(strokeDash=[4, 4], color="#888")
            .encode(x="x:Q")
        )
    return alt.layer(*layers, height=max(120, 48 * len(data)))


def waterfall_chart(steps: pd.DataFrame) -> Figure:
    """The decomposition as a waterfall: ``label``, ``start``, ``end``, ``kind`` (total,
    effect) and, for effects, the interval of the bar's end (``ci_low``, ``ci_high``)."""
    order = list(steps["label"])
    x = alt.X("label:N", title=None, sort=order, axis=alt.Axis(labelAngle=0, labelLimit=160))
    tooltip = [
        alt.Tooltip("label:N", title="Step"),
        alt.Tooltip("change:Q", title="Incidents (change)", format="+,.1f"),
        alt.Tooltip("effect_low:Q", title="95% CI low", format="+,.1f"),
        alt.Tooltip("effect_high:Q", title="95% CI high", format="+,.1f"),
    ]
    bars = (
        alt.Chart(steps)
        .mark_bar(size=44)
        .encode(
            x=x,
            y=alt.Y("start:Q", title="Incidents in the period"),
            y2="end:Q",
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(
                    domain=["Total", "Increase", "Decrease"],
                    range=["#4c78a8", "#e45756", "#54a24b"],
                ),
            ),
            tooltip=tooltip,
        )
    )
    whiskers = (
        alt.Chart(steps.dropna(subset=["ci_low", "ci_high"]))
        .mark_rule(color="#222", strokeWidth=1.5)
        .encode(x=x, y="ci_low:Q", y2="ci_high:Q", tooltip=tooltip)
    )
    labels = (
        alt.Chart(steps).mark_text(dy=-8, color="#222").encode(x=x, y=alt.Y("top:Q"), text="text:N")
    )
    return alt.layer(bars, whiskers, labels, height=HEIGHT + 40)


def hotspot_chart(hotspots: pd.DataFrame, *, top: int = 20) -> Figure:
    """The top files by hotspot score, coloured by their AI share of changes."""
    data = hotspots.head(top)
    figure: Figure = (
        alt.Chart(data, height=max(160, 26 * len(data)))
        .mark_bar()
        .encode(
            y=alt.Y(
                "file:N",
                title=None,
                sort=list(data["file"]),
                axis=alt.Axis(labelLimit=360, labelOverlap=False),
            ),
            x=alt.X("score:Q", title="Hotspot score (changes × CCN)"),
            color=alt.Color(
                "ai_share:Q",
                title="AI share of changes",
                scale=alt.Scale(domain=[0, 1], scheme="orangered"),
                legend=alt.Legend(format="%"),
            ),
            tooltip=[
                alt.Tooltip("file:N", title="File"),
                alt.Tooltip("changes:Q", title="Changes", format=",.0f"),
                alt.Tooltip("ccn_total:Q", title="CCN (current)", format=",.0f"),
                alt.Tooltip("ai_share:Q", title="AI share", format=".0%"),
                alt.Tooltip("incidents:Q", title="Incidents induced", format=",.0f"),
            ],
        )
    )
    return figure


def file_trend_chart(history: pd.DataFrame) -> Figure:
    """One file's total cyclomatic complexity after each change, points by authorship."""
    data = with_class_labels(history.dropna(subset=["ccn_total"]))
    base = alt.Chart(data).encode(x=alt.X("committed_at:T", title="Committed (UTC)"))
    line = base.mark_line(color="#888", interpolate="step-after").encode(
        y=alt.Y("ccn_total:Q", title="Cyclomatic complexity of the file (CCN)")
    )
    points = base.mark_point(filled=True, size=60).encode(
        y="ccn_total:Q",
        color=alt.Color("class:N", title="Authorship", scale=_CLASS_SCALE),
        tooltip=[
            alt.Tooltip("committed_at:T", title="Committed"),
            alt.Tooltip("sha:N", title="Commit"),
            alt.Tooltip("class:N", title="Class"),
            alt.Tooltip("ccn_total:Q", title="CCN"),
            alt.Tooltip("nloc:Q", title="NLOC"),
            alt.Tooltip("lines_added:Q", title="Lines added"),
            alt.Tooltip("lines_deleted:Q", title="Lines deleted"),
        ],
    )
    return alt.layer(line, points, height=HEIGHT).interactive(bind_y=False)


def class_order(classes: Sequence[str]) -> list[str]:
    """Classes in the order charts show them (human first)."""
    known = [c for c in CLASS_COLOURS if c in classes]
    return known + sorted(set(classes) - set(known))

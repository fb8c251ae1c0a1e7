"""The review's charts: the analysis' series and estimates drawn as static SVG.

Each function takes a scope's figures and returns one chart (``None`` when there is
nothing to draw, so the review says so instead of showing an empty frame). Nothing here
computes a figure: bars and points are the analysis' own numbers, and the waterfall's
levels are running sums of the decomposition's own effects.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from analyzer.analysis import CLASS_ORDER, Decomposition, Estimate
from analyzer.reports import svg
from analyzer.reports.review_data import ReviewPeriods, ScopeData, shown_months
from analyzer.wording import class_label, percent

CLASS_COLOURS = dict(
    zip(CLASS_ORDER, ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#bab0ac"), strict=True)
)


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _months(frame: pd.DataFrame) -> list[str]:
    return [f"{stamp:%Y-%m}" for stamp in pd.to_datetime(frame["period"])]


def _band(frame: pd.DataFrame, periods: ReviewPeriods) -> tuple[int, int] | None:
    stamps = list(pd.to_datetime(frame["period"]))
    inside = [i for i, s in enumerate(stamps) if s >= pd.Timestamp(periods.current.start)]
    return (inside[0], inside[-1]) if inside else None


def volume_chart(scope: ScopeData, periods: ReviewPeriods) -> Markup | None:
    """Changes shipped per month, stacked by authorship class; the review period shaded."""
    months = shown_months(scope.monthly, periods)
    by_class = scope.monthly_by_class
    if months.empty or by_class.empty:
        return None
    table = (
        by_class.pivot_table(index="period", columns="authorship", values="commits", aggfunc="sum")
        .reindex(months["period"])
        .fillna(0)
    )
    stacks = [
        svg.Series(class_label(c), CLASS_COLOURS.get(c, "#999"), list(table[c]))
        for c in CLASS_ORDER
        if c in table and table[c].sum() > 0
    ]
    return svg.stacked_bars(
        "Changes shipped per month, by authorship",
        _months(months),
        stacks,
        y_label="changes",
        fmt=_count,
        highlight=_band(months, periods),
    )


def ai_share_chart(scope: ScopeData, periods: ReviewPeriods) -> Markup | None:
    """The AI share of changes and of added lines per month, adoption marked."""
    months = shown_months(scope.monthly, periods)
    if months.empty:
        return None
    labels = _months(months)
    adoption = scope.result.adoption.date
    marker = (
        labels.index(f"{adoption:%Y-%m}") if adoption and f"{adoption:%Y-%m}" in labels else None
    )
    lines = [
        svg.Series("AI share of changes", "#e45756", _values(months["ai_commit_share"])),
        svg.Series("AI share of added lines", "#f58518", _values(months["ai_line_share"])),
    ]
    return svg.line_chart(
        "AI share per month",
        labels,
        lines,
        y_label="share",
        fmt=percent,
        highlight=_band(months, periods),
        marker=marker,
        marker_label="AI adoption",
    )


def complexity_chart(scope: ScopeData, periods: ReviewPeriods) -> Markup | None:
    """Total CCN and functions above CCN 10 alive at each month's end."""
    months = shown_months(scope.monthly, periods)
    if months.empty:
        return None
    lines = [
        svg.Series("Total CCN", "#4c78a8", _values(months["ccn_total"])),
        svg.Series("Functions above CCN 10", "#e45756", _values(months["functions_over_10"])),
    ]
    return svg.line_chart(
        "Complexity alive at each month's end",
        _months(months),
        lines,
        y_label="CCN / functions",
        fmt=_count,
        highlight=_band(months, periods),
    )


def density_chart(scope: ScopeData, periods: ReviewPeriods) -> Markup | None:
    """CCN per 1,000 NLOC at each month's end: complexity density, whatever the size."""
    months = shown_months(scope.monthly, periods)
    if months.empty or months["ccn_per_kloc"].isna().all():
        return None
    line = svg.Series("CCN per 1,000 NLOC", "#4c78a8", _values(months["ccn_per_kloc"]))
    return svg.line_chart(
        "Complexity density",
        _months(months),
        [line],
        y_label="CCN per KLOC",
        fmt=_count,
        zero=False,
        highlight=_band(months, periods),
    )


def incidents_chart(scope: ScopeData, periods: ReviewPeriods) -> Markup | None:
    """Incidents per month: with a code cause, and with none."""
    months = shown_months(scope.monthly, periods)
    if months.empty or months["incidents"].sum() == 0:
        return None
    stacks = [
        svg.Series("Code cause", "#e45756", list(months["code_caused_incidents"])),
        svg.Series("No code cause", "#bab0ac", list(months["unlinked_incidents"])),
    ]
    return svg.stacked_bars(
        "Incidents per month",
        _months(months),
        stacks,
        y_label="incidents",
        fmt=_count,
        highlight=_band(months, periods),
    )


def waterfall(decomposition: Decomposition) -> Markup | None:
    """Period A's incidents, the volume, mix and rate effects and the change with no code
    cause (each with its bootstrap interval), ending at period B's incidents."""
    effects: list[tuple[str, Estimate]] = [
        ("Volume", decomposition.volume_effect),
        ("Mix", decomposition.mix_effect),
        ("Rate", decomposition.rate_effect),
        ("No code cause", decomposition.unlinked_incidents.change),
    ]
    a, b = decomposition.period_a, decomposition.period_b
    if a is None or b is None or not decomposition.splits_anything:
        return None
    steps = [svg.Step(a.label, 0.0, float(decomposition.incidents_a), total=True)]
    level = float(decomposition.incidents_a)
    for label, effect in effects:
        assert effect.value is not None
        end = level + effect.value
        steps.append(
            svg.Step(
                label,
                level,
                end,
                None if effect.ci_low is None else level + effect.ci_low,
                None if effect.ci_high is None else level + effect.ci_high,
            )
        )
        level = end
    steps.append(svg.Step(b.label, 0.0, float(decomposition.incidents_b), total=True))
    return svg.waterfall_chart(
        "The Jevons decomposition of the change in incidents",
        steps,
        y_label="incidents",
        fmt=_count,
    )


def failure_rate_chart(scope: ScopeData) -> Markup | None:
    """Change failure rate per class with its Wilson interval."""
    rates = scope.result.change_failure_rate
    rows = [
        svg.Interval(
            class_label(c),
            rates[c].rate or 0.0,
            rates[c].ci_low,
            rates[c].ci_high,
            CLASS_COLOURS.get(c, "#999"),
        )
        for c in CLASS_ORDER
        if c in rates and rates[c].rate is not None
    ]
    if not rows:
        return None
    return svg.interval_chart(
        "Change failure rate by class (95% Wilson intervals)",
        rows,
        x_label="share of changes with an inducing link",
        fmt=lambda v: percent(v, 1),
    )


def incident_rate_chart(scope: ScopeData) -> Markup | None:
    """Incidents per 1,000 changed lines per class with its exact Poisson interval."""
    rates = scope.result.incident_rates.by_class
    rows = [
        svg.Interval(
            class_label(c),
            rates[c].per_kloc or 0.0,
            rates[c].ci_low,
            rates[c].ci_high,
            CLASS_COLOURS.get(c, "#999"),
        )
        for c in CLASS_ORDER
        if c in rates and rates[c].per_kloc is not None
    ]
    if not rows:
        return None
    return svg.interval_chart(
        "Incidents per 1,000 changed lines (95% exact Poisson intervals)",
        rows,
        x_label="incidents per 1,000 changed lines",
        fmt=lambda v: f"{v:.2f}",
    )


def hotspot_chart(scope: ScopeData, top: int = 10) -> Markup | None:
    """The top hotspots by changes x CCN."""
    hotspots = scope.result.hotspots[:top]
    if not hotspots:
        return None
    several = len(scope.result.scope.repos) > 1
    rows = [(f"{h.repo_id}:{h.path}" if several else h.path, h.score) for h in hotspots]
    return svg.bar_list("Hotspots: changes × total CCN", rows, x_label="changes × CCN", fmt=_count)


def _values(column: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in column]

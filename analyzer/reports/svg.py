"""Small static SVG charts for the offline review: no script, no fonts to fetch, no network.

Four shapes cover the review: stacked bars over periods (:func:`stacked_bars`), lines over
periods (:func:`line_chart`), points with interval whiskers per group
(:func:`interval_chart`) and the decomposition's waterfall (:func:`waterfall_chart`), plus
horizontal bars (:func:`bar_list`). Every text that reaches the SVG goes through
``markupsafe.escape``; the charts return :class:`markupsafe.Markup` so a template can embed
them with autoescape on. Each chart carries a ``<title>`` and an ``aria-label``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH = 720
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:11px"
AXIS_COLOUR = "#666"
GRID_COLOUR = "#e4e4e4"
HIGHLIGHT = "#fff3c4"
Format = Callable[[float], str]


@dataclasses.dataclass(frozen=True)
class Series:
    """One named series of values (``None`` = no value), drawn in ``colour``."""

    name: str
    colour: str
    values: Sequence[float | None]


@dataclasses.dataclass(frozen=True)
class Interval:
    """One group's point estimate and its 95% interval."""

    label: str
    value: float
    low: float | None
    high: float | None
    colour: str = "#4c78a8"


@dataclasses.dataclass(frozen=True)
class Step:
    """A waterfall bar from ``start`` to ``end``; ``low``/``high`` bound where it ends."""

    label: str
    start: float
    end: float
    low: float | None = None
    high: float | None = None
    total: bool = False


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (steps of 1, 2 or 5 times a power of 10)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    ticks = [round(first, 10)]
    while ticks[-1] < high - step * 1e-9 or len(ticks) < 2:
        ticks.append(round(first + len(ticks) * step, 10))
    return ticks


class _Canvas:
    """An SVG document under construction, with a plot area inside margins."""

    def __init__(
        self,
        title: str,
        height: int,
        *,
        left: int = 56,
        right: int = 16,
        top: int = 28,
        bottom: int = 40,
        width: int = WIDTH,
    ) -> None:
        self.title, self.width, self.height = title, width, height
        self.left, self.right, self.top, self.bottom = left, width - right, top, height - bottom
        self.parts: list[str] = []

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        anchor: str = "start",
        colour: str = "#222",
        rotate: bool = False,
    ) -> None:
        turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
            f'fill="{colour}"{turn}>{escape(content)}</text>'
        )

    def rect(self, x: float, y: float, w: float, h: float, colour: str, tip: str = "") -> None:
        tooltip = f"<title>{escape(tip)}</title>" if tip else ""
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" '
            f'height="{max(h, 0.5):.1f}" fill="{colour}">{tooltip}</rect>'
        )

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        colour: str,
        *,
        width: float = 1.0,
        dash: str = "",
    ) -> None:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{colour}" stroke-width="{width}"{dashes}/>'
        )

    def path(self, points: Sequence[tuple[float, float]], colour: str) -> None:
        if len(points) == 1:
            self.circle(*points[0], colour)
            return
        d = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))
        self.parts.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2"/>')

    def circle(self, x: float, y: float, colour: str, tip: str = "") -> None:
        tooltip = f"<title>{escape(tip)}</title>" if tip else ""
        self.parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{tooltip}</circle>'
        )

    def y_axis(
        self, ticks: Sequence[float], scale: Callable[[float], float], fmt: Format, label: str
    ) -> None:
        for tick in ticks:
            y = scale(tick)
            self.line(self.left, y, self.right, y, GRID_COLOUR)
            self.text(self.left - 6, y + 4, fmt(tick), anchor="end", colour=AXIS_COLOUR)
        self.text(
            14,
            (self.top + self.bottom) / 2,
            label,
            anchor="middle",
            colour=AXIS_COLOUR,
            rotate=True,
        )

    def legend(self, entries: Sequence[tuple[str, str]]) -> None:
        x = float(self.left)
        for name, colour in entries:
            self.rect(x, 8, 10, 10, colour)
            self.text(x + 14, 17, name)
            x += 22 + 6.5 * len(name)

    def markup(self) -> Markup:
        label = escape(self.title)
        return Markup(
            f'<svg class="chart" role="img" '
            f'aria-label="{label}" viewBox="0 0 {self.width} {self.height}" '
            f'width="100%" style="max-width:{self.width}px;{FONT}"><title>{label}</title>'
            + "".join(self.parts)
            + "</svg>"
        )


def _linear(low: float, high: float, start: float, end: float) -> Callable[[float], float]:
    span = (high - low) or 1.0
    return lambda value: start + (value - low) / span * (end - start)


def _range(values: Sequence[float | None], *, zero: bool = True) -> tuple[float, float]:
    known = [v for v in values if v is not None and math.isfinite(v)]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    if zero:
        low, high = min(low, 0.0), max(high, 0.0)
    return low, high


def _period_axis(canvas: _Canvas, labels: Sequence[str], centre: Callable[[int], float]) -> None:
    every = max(1, math.ceil(len(labels) / 12))
    for i, label in enumerate(labels):
        if (len(labels) - 1 - i) % every == 0:  # counted back from the last period
            canvas.text(centre(i), canvas.bottom + 16, label, anchor="middle", colour=AXIS_COLOUR)


def _highlight(canvas: _Canvas, band: tuple[int, int] | None, slot: float) -> None:
    if band is not None:
        first, last = band
        canvas.rect(
            canvas.left + first * slot,
            canvas.top,
            (last - first + 1) * slot,
            canvas.bottom - canvas.top,
            HIGHLIGHT,
        )


def stacked_bars(
    title: str,
    periods: Sequence[str],
    stacks: Sequence[Series],
    *,
    y_label: str,
    fmt: Format,
    highlight: tuple[int, int] | None = None,
    height: int = 260,
) -> Markup:
    """One bar per period, ``stacks`` piled in order; ``highlight`` shades a period range."""
    canvas = _Canvas(title, height)
    totals = [sum(s.values[i] or 0.0 for s in stacks) for i in range(len(periods))]
    ticks = nice_ticks(0.0, max(totals, default=0.0) or 1.0)
    scale = _linear(ticks[0], ticks[-1], canvas.bottom, canvas.top)
    slot = (canvas.right - canvas.left) / max(len(periods), 1)
    _highlight(canvas, highlight, slot)
    canvas.y_axis(ticks, scale, fmt, y_label)
    for i, period in enumerate(periods):
        base = 0.0
        for series in stacks:
            value = series.values[i] or 0.0
            if value > 0:
                canvas.rect(
                    canvas.left + i * slot + slot * 0.15,
                    scale(base + value),
                    slot * 0.7,
                    scale(base) - scale(base + value),
                    series.colour,
                    f"{period} · {series.name}: {fmt(value)}",
                )
            base += value
    _period_axis(canvas, periods, lambda i: canvas.left + (i + 0.5) * slot)
    canvas.legend([(s.name, s.colour) for s in stacks])
    return canvas.markup()


def line_chart(
    title: str,
    periods: Sequence[str],
    lines: Sequence[Series],
    *,
    y_label: str,
    fmt: Format,
    highlight: tuple[int, int] | None = None,
    zero: bool = True,
    marker: int | None = None,
    marker_label: str = "",
    height: int = 240,
) -> Markup:
    """One line per series over ``periods``; ``marker`` draws a dashed rule at a period."""
    canvas = _Canvas(title, height)
    ticks = nice_ticks(*_range([v for s in lines for v in s.values], zero=zero))
    scale = _linear(ticks[0], ticks[-1], canvas.bottom, canvas.top)
    slot = (canvas.right - canvas.left) / max(len(periods), 1)
    _highlight(canvas, highlight, slot)
    canvas.y_axis(ticks, scale, fmt, y_label)
    if marker is not None:
        x = canvas.left + (marker + 0.5) * slot
        canvas.line(x, canvas.top, x, canvas.bottom, AXIS_COLOUR, dash="5 4")
        canvas.text(x + 4, canvas.top + 10, marker_label, colour=AXIS_COLOUR)
    for series in lines:
        run: list[tuple[float, float]] = []
        for i, value in enumerate([*series.values, None]):
            if value is None or not math.isfinite(value):
                if run:
                    canvas.path(run, series.colour)
                run = []
                continue
            run.append((canvas.left + (i + 0.5) * slot, scale(value)))
    _period_axis(canvas, periods, lambda i: canvas.left + (i + 0.5) * slot)
    canvas.legend([(s.name, s.colour) for s in lines])
    return canvas.markup()


def interval_chart(
    title: str,
    rows: Sequence[Interval],
    *,
    x_label: str,
    fmt: Format,
    reference: float | None = None,
) -> Markup:
    """A point and its 95% interval per row, rows top to bottom."""
    canvas = _Canvas(title, 70 + 34 * max(len(rows), 1), left=150, bottom=44)
    values = [v for r in rows for v in (r.value, r.low, r.high)]
    ticks = nice_ticks(*_range([*values, reference]))
    scale = _linear(ticks[0], ticks[-1], canvas.left, canvas.right)
    for tick in ticks:
        x = scale(tick)
        canvas.line(x, canvas.top, x, canvas.bottom, GRID_COLOUR)
        canvas.text(x, canvas.bottom + 16, fmt(tick), anchor="middle", colour=AXIS_COLOUR)
    canvas.text(
        (canvas.left + canvas.right) / 2,
        canvas.bottom + 34,
        x_label,
        anchor="middle",
        colour=AXIS_COLOUR,
    )
    if reference is not None:
        canvas.line(
            scale(reference), canvas.top, scale(reference), canvas.bottom, AXIS_COLOUR, dash="4 4"
        )
    for i, row in enumerate(rows):
        y = canvas.top + 20 + i * 34
        canvas.text(canvas.left - 8, y + 4, row.label, anchor="end")
        if row.low is not None and row.high is not None:
            canvas.line(scale(row.low), y, scale(row.high), y, row.colour, width=3)
        tip = f"{row.label}: {fmt(row.value)}"
        if row.low is not None and row.high is not None:
            tip += f" (95% CI {fmt(row.low)} to {fmt(row.high)})"
        canvas.circle(scale(row.value), y, row.colour, tip)
    return canvas.markup()


def waterfall_chart(title: str, steps: Sequence[Step], *, y_label: str, fmt: Format) -> Markup:
    """Totals as full bars, effects floating from the previous level, whiskers at the end."""
    canvas = _Canvas(title, 300, bottom=52)
    ticks = nice_ticks(*_range([v for s in steps for v in (s.start, s.end, s.low, s.high)]))
    scale = _linear(ticks[0], ticks[-1], canvas.bottom, canvas.top)
    slot = (canvas.right - canvas.left) / max(len(steps), 1)
    canvas.y_axis(ticks, scale, fmt, y_label)
    for i, step in enumerate(steps):
        colour = "#4c78a8" if step.total else ("#e45756" if step.end >= step.start else "#54a24b")
        top, bottom = max(step.start, step.end), min(step.start, step.end)
        x = canvas.left + i * slot + slot * 0.2
        change = step.end if step.total else step.end - step.start
        shown = fmt(change) if step.total else f"{change:+,.1f}"
        canvas.rect(
            x, scale(top), slot * 0.6, scale(bottom) - scale(top), colour, f"{step.label}: {shown}"
        )
        if step.low is not None and step.high is not None:
            centre = x + slot * 0.3
            canvas.line(centre, scale(step.low), centre, scale(step.high), "#222", width=1.5)
            for end in (step.low, step.high):
                canvas.line(centre - 5, scale(end), centre + 5, scale(end), "#222", width=1.5)
        above = max(top, step.high) if step.high is not None else top
        canvas.text(x + slot * 0.3, scale(above) - 6, shown, anchor="middle")
        canvas.text(
            x + slot * 0.3, canvas.bottom + 16, step.label, anchor="middle", colour=AXIS_COLOUR
        )
    return canvas.markup()


def bar_list(
    title: str,
    rows: Sequence[tuple[str, float]],
    *,
    x_label: str,
    fmt: Format,
    colour: str = "#4c78a8",
) -> Markup:
    """Horizontal bars, one per labelled row, top to bottom (labels cut at 60 characters)."""
    canvas = _Canvas(title, 60 + 24 * max(len(rows), 1), left=330, bottom=40)
    ticks = nice_ticks(0.0, max((v for _, v in rows), default=1.0) or 1.0)
    scale = _linear(ticks[0], ticks[-1], canvas.left, canvas.right)
    for tick in ticks:
        canvas.line(scale(tick), canvas.top, scale(tick), canvas.bottom, GRID_COLOUR)
        canvas.text(scale(tick), canvas.bottom + 16, fmt(tick), anchor="middle", colour=AXIS_COLOUR)
    canvas.text(
        (canvas.left + canvas.right) / 2,
        canvas.bottom + 32,
        x_label,
        anchor="middle",
        colour=AXIS_COLOUR,
    )
    for i, (label, value) in enumerate(rows):
        y = canvas.top + 4 + i * 24
        short = label if len(label) <= 60 else "…" + label[-59:]
        canvas.text(canvas.left - 8, y + 12, short, anchor="end")
        canvas.rect(
            canvas.left, y, scale(value) - canvas.left, 16, colour, f"{label}: {fmt(value)}"
        )
    return canvas.markup()

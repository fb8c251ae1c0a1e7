"""What the quarterly review shows, read from the analysis and the store.

One analysis per scope (all repositories, then each one): the whole history up to the
review's last day, with the decomposition comparing the review period with the period of
the same length before it. Quarter-over-quarter figures are the analysis' own monthly
series summed over each period's months (levels are read at each period's last month);
on-call load per period is the analysis' ``incident_load`` on each period's incidents. The
list of the period's incidents and the commits that induced them comes from the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pandas as pd

from analyzer.analysis import (
    AI_CLASSES,
    AnalysisResult,
    Frames,
    IncidentLoad,
    Period,
    analyze_frames,
    load_frames,
)
from analyzer.analysis.frames import INCIDENTS_SQL, scope_parameters
from analyzer.analysis.incident_load import incident_load
from analyzer.config import AnalysisConfig
from analyzer.errors import ReportError
from analyzer.scope import Scope
from analyzer.store import Store

MONTHS_SHOWN = 24
# The analysis' own scope rule picks the incidents, so the list holds incidents the
# figures count (in a repository, a path or a service: linked there, or not linked at all).
_INCIDENTS_SQL = f"""
WITH scoped AS ({INCIDENTS_SQL})
SELECT i.incident_id, i.reference, i.title, i.severity, i.severity_rank, i.service,
       i.created_at, i.resolved_at
FROM incidents i SEMI JOIN scoped USING (incident_id)
ORDER BY coalesce(i.severity_rank, 99), i.created_at, i.incident_id
LIMIT $limit
"""
_CAUSES_SQL = """
SELECT l.incident_id, c.repo_id, c.sha, c.author_name,
       coalesce(c.change_authorship, c.authorship) AS authorship,  -- the class of the change
       split_part(c.message, chr(10), 1) AS subject
FROM incident_links l JOIN commits c ON c.repo_id = l.repo_id AND c.sha = l.sha
WHERE l.role = 'inducing' AND l.incident_id IN (SELECT unnest(?::VARCHAR[]))
ORDER BY l.incident_id, c.committed_at
"""


@dataclasses.dataclass(frozen=True)
class ReviewPeriods:
    """The review period and the period of as many months just before it."""

    current: Period
    previous: Period
    months: int


@dataclasses.dataclass(frozen=True)
class Row:
    """One quarter-over-quarter figure; ``kind`` says how to print it."""

    label: str
    kind: str  # count | share | number | hours
    previous: float | None
    current: float | None

    @property
    def change(self) -> float | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


@dataclasses.dataclass(frozen=True)
class Cause:
    """A commit linked to an incident as its inducing change."""

    repo_id: str
    sha: str
    author_name: str | None
    authorship: str | None
    subject: str | None


@dataclasses.dataclass(frozen=True)
class PeriodIncident:
    """An incident of the review period with the commits that induced it."""

    incident_id: str
    reference: str | None
    title: str | None
    severity: str | None
    service: str | None
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    causes: tuple[Cause, ...]

    @property
    def hours_to_resolve(self) -> float | None:
        if self.resolved_at is None:
            return None
        return (self.resolved_at - self.created_at).total_seconds() / 3600.0


@dataclasses.dataclass(frozen=True, eq=False)
class ScopeData:
    """One scope's analysis and its figures per period."""

    title: str
    repo: str | None
    result: AnalysisResult
    monthly: pd.DataFrame
    monthly_by_class: pd.DataFrame
    volume: tuple[Row, ...]
    incidents: tuple[Row, ...]
    load_previous: IncidentLoad
    load_current: IncidentLoad


def review_periods(first: dt.date, last: dt.date) -> ReviewPeriods:
    """Whole calendar months from ``first`` to ``last`` (inclusive), and as many months
    before them."""
    end = last + dt.timedelta(days=1)
    if first.day != 1 or end.day != 1 or first >= end:
        raise ReportError(
            f"--from {first} --to {last}: the review compares whole calendar months; give a "
            "month's first day and a later month's last day (e.g. --from 2026-01-01 --to "
            "2026-03-31)"
        )
    months = (end.year - first.year) * 12 + end.month - first.month
    start = _add_months(first, -months)
    return ReviewPeriods(
        current=Period(first, end, _label(first, end, months)),
        previous=Period(start, first, _label(start, first, months)),
        months=months,
    )


def scope_data(
    store: Store, periods: ReviewPeriods, scope: Scope, title: str, config: AnalysisConfig
) -> ScopeData:
    """The analysis of one scope (its repository, path prefix and service) over the whole
    history up to the review's last day, and its per-period figures."""
    last_day = periods.current.end - dt.timedelta(days=1)
    frames = load_frames(store, dataclasses.replace(scope, date_from=None, date_to=last_day))
    result = analyze_frames(frames, config=config, periods=(periods.previous, periods.current))
    monthly, by_class = result.series.monthly, result.series.monthly_by_class
    return ScopeData(
        title=title,
        repo=scope.repo,
        result=result,
        monthly=monthly,
        monthly_by_class=by_class,
        volume=volume_rows(monthly, by_class, periods),
        incidents=incident_rows(monthly, periods),
        load_previous=_load(frames, result, periods.previous),
        load_current=_load(frames, result, periods.current),
    )


def volume_rows(
    monthly: pd.DataFrame, by_class: pd.DataFrame, periods: ReviewPeriods
) -> tuple[Row, ...]:
    """Changes, lines, AI share and complexity alive, previous period against current."""

    def share(months: pd.DataFrame) -> float | None:
        rows = by_class[by_class["period"].isin(months["period"])] if len(by_class) else by_class
        if rows.empty:
            return None
        counted = rows.loc[rows["authorship"] != "automation", "commits"].sum()
        ai = rows.loc[rows["authorship"].isin(AI_CLASSES), "commits"].sum()
        return float(ai / counted) if counted else None

    return (
        _row("Changes shipped", "count", monthly, periods, _total("commits")),
        _row("Lines added", "count", monthly, periods, _total("lines_added")),
        _row("Lines deleted", "count", monthly, periods, _total("lines_deleted")),
        _row("AI share of changes (bots left out)", "share", monthly, periods, share),
        _row("NLOC alive at the end", "count", monthly, periods, _last("nloc")),
        _row("Total CCN alive at the end", "count", monthly, periods, _last("ccn_total")),
        _row("CCN per 1,000 NLOC at the end", "number", monthly, periods, _last("ccn_per_kloc")),
        _row(
            "Functions above CCN 10 at the end",
            "count",
            monthly,
            periods,
            _last("functions_over_10"),
        ),
    )


def incident_rows(monthly: pd.DataFrame, periods: ReviewPeriods) -> tuple[Row, ...]:
    """Incidents by cause and their severity-weighted count, previous against current."""
    return (
        _row("Incidents", "count", monthly, periods, _total("incidents")),
        _row(
            "With a code cause (linked to an inducing commit)",
            "count",
            monthly,
            periods,
            _total("code_caused_incidents"),
        ),
        _row("With no code cause", "count", monthly, periods, _total("unlinked_incidents")),
        _row(
            "Severity-weighted incidents", "number", monthly, periods, _total("severity_weighted")
        ),
        _row("Responder effort (hours)", "hours", monthly, periods, _total("effort_hours")),
    )


def period_incidents(
    store: Store, period: Period, scope: Scope, limit: int = 15
) -> tuple[PeriodIncident, ...]:
    """The period's most severe incidents in ``scope`` (its repository, path prefix and
    service; up to ``limit``) with the commits that induced them (all of them, in scope or
    not: they are the incident's causes)."""
    in_period = dataclasses.replace(
        scope, date_from=period.start, date_to=period.end - dt.timedelta(days=1)
    )
    causes: dict[str, list[Cause]] = {}
    with store.connect() as conn:
        params = scope_parameters(_INCIDENTS_SQL, in_period) | {"limit": limit}
        rows = conn.execute(_INCIDENTS_SQL, params).fetchall()
        ids = [row[0] for row in rows]
        for incident_id, *values in conn.execute(_CAUSES_SQL, [ids]).fetchall() if ids else []:
            causes.setdefault(incident_id, []).append(Cause(*values))
    return tuple(
        PeriodIncident(
            incident_id,
            reference,
            title,
            severity,
            service,
            created,
            resolved,
            tuple(causes.get(incident_id, ())),
        )
        for incident_id, reference, title, severity, _, service, created, resolved in rows
    )


def months_in(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The monthly rows of ``period``."""
    if frame.empty:
        return frame
    stamps = pd.to_datetime(frame["period"])
    return frame[(stamps >= pd.Timestamp(period.start)) & (stamps < pd.Timestamp(period.end))]


def shown_months(frame: pd.DataFrame, periods: ReviewPeriods) -> pd.DataFrame:
    """The months the charts show: up to :data:`MONTHS_SHOWN`, ending with the review."""
    if frame.empty:
        return frame
    stamps = pd.to_datetime(frame["period"])
    first = pd.Timestamp(_add_months(periods.current.end, -MONTHS_SHOWN))
    return frame[(stamps >= first) & (stamps < pd.Timestamp(periods.current.end))]


Measure = Callable[[pd.DataFrame], float | None]


def _total(column: str) -> Measure:
    def measure(months: pd.DataFrame) -> float | None:
        if months.empty or column not in months or months[column].isna().all():
            return None
        return float(months[column].sum())

    return measure


def _last(column: str) -> Measure:
    def measure(months: pd.DataFrame) -> float | None:
        if months.empty or column not in months:
            return None
        value = months[column].iloc[-1]
        return None if pd.isna(value) else float(value)

    return measure


def _row(
    label: str, kind: str, monthly: pd.DataFrame, periods: ReviewPeriods, measure: Measure
) -> Row:
    return Row(
        label,
        kind,
        measure(months_in(monthly, periods.previous)),
        measure(months_in(monthly, periods.current)),
    )


def _load(frames: Frames, result: AnalysisResult, period: Period) -> IncidentLoad:
    created = frames.incidents["created_at"]
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    inside = frames.incidents[(created >= start) & (created < end)]
    return incident_load(inside, result.adoption.date, (start, end - pd.Timedelta(seconds=1)))


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _label(start: dt.date, end: dt.date, months: int) -> str:
    if months == 3 and start.month in (1, 4, 7, 10):
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    last = end - dt.timedelta(days=1)
    if months == 1:
        return f"{start:%Y-%m}"
    if months == 12 and start.month == 1:
        return str(start.year)
    return f"{start:%Y-%m} – {last:%Y-%m}"  # a dash: the label sits in "from A to B"

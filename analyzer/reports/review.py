"""``jevons report review``: one self-contained HTML file for a quarterly reliability review.

The file needs nothing but itself: CSS inline, charts drawn as inline SVG
(:mod:`.review_charts`), no script, no font, no image, no link to fetch, so it opens
offline, mails as an attachment and prints. Figures come from the analysis and the store
(:mod:`.review_data`); the template renders with Jinja2's autoescape on, and no value from
the data is ever marked safe.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from analyzer.analysis import EVIDENCE_LADDER, EVIDENCE_WORDS
from analyzer.config import AnalysisConfig
from analyzer.errors import ReportError
from analyzer.reports import review_charts as charts
from analyzer.reports.escaping import plain_text
from analyzer.reports.review_data import (
    PeriodIncident,
    ReviewPeriods,
    Row,
    ScopeData,
    period_incidents,
    review_periods,
    scope_data,
)
from analyzer.scope import Scope
from analyzer.store import Store, open_store
from analyzer.wording import class_label, interval, number, p_value, percent, points, signed

TEMPLATE = "review.html.j2"
ALL_REPOSITORIES = "All repositories"


@dataclasses.dataclass(frozen=True, eq=False)
class Review:
    """Everything the review shows: the combined scope, then each repository's."""

    periods: ReviewPeriods
    generated_at: dt.datetime
    store_path: Path
    repos: tuple[str, ...]
    scope: Scope
    combined: ScopeData
    per_repo: tuple[ScopeData, ...]
    incidents: tuple[PeriodIncident, ...]

    @property
    def narrowing(self) -> str:
        """What every part of the review is narrowed to, in words ("" when nothing)."""
        parts = []
        if self.scope.service:
            parts.append(f"service {self.scope.service}")
        if self.scope.path_prefix:
            parts.append(f"files under {self.scope.path_prefix}")
        return " · ".join(parts)


def build_review(
    scope: Scope, db: Path | str | Store | None = None, *, config: AnalysisConfig | None = None
) -> Review:
    """The review of the whole months ``scope.date_from``..``scope.date_to`` against as many
    months before.

    ``scope.repo`` limits it to one repository id; otherwise every repository is reviewed
    together, and, when there are several, each on its own as well. The scope's path prefix
    and service narrow every one of those as they narrow ``analyze``: to the commits
    changing files under the prefix (their lines there) and to that service's incidents and
    the changes inducing them.
    """
    if scope.date_from is None or scope.date_to is None:
        raise ReportError("the review needs --from and --to (whole calendar months)")
    periods = review_periods(scope.date_from, scope.date_to)
    store = open_store(db, read_only=True, missing="error")
    config = config or AnalysisConfig()
    known = tuple(str(r[0]) for r in store.query("SELECT repo_id FROM repos ORDER BY repo_id"))
    repo = scope.repo
    if repo is not None and repo not in known:
        listed = ", ".join(known) or "none mined yet"
        raise ReportError(f"--repo {repo}: not in the store (known: {listed})")
    scoped = (repo,) if repo else known
    combined = scope_data(store, periods, scope, repo or ALL_REPOSITORIES, config)
    per_repo = (
        tuple(
            scope_data(store, periods, dataclasses.replace(scope, repo=r), r, config)
            for r in scoped
        )
        if len(scoped) > 1
        else ()
    )
    return Review(
        periods=periods,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        store_path=store.path,
        repos=scoped,
        scope=scope,
        combined=combined,
        per_repo=per_repo,
        incidents=period_incidents(store, periods.current, scope),
    )


def render_review_html(review: Review) -> str:
    """The review as one HTML document."""
    template = html_environment().get_template(TEMPLATE)
    return template.render(
        review=review,
        combined=_scope_view(review.combined, review.periods),
        per_repo=[_scope_view(s, review.periods) for s in review.per_repo],
        ladder=[(level, EVIDENCE_WORDS[level]) for level in EVIDENCE_LADDER],
        evidence_words=EVIDENCE_WORDS,
    )


def write_review(
    scope: Scope,
    out: Path | str = Path("review.html"),
    db: Path | str | Store | None = None,
    *,
    config: AnalysisConfig | None = None,
) -> Review:
    """Build the review and write it to ``out`` (whole, or not at all)."""
    review = build_review(scope, db, config=config)
    target = Path(out)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(render_review_html(review), encoding="utf-8")
    partial.replace(target)
    return review


def html_environment() -> jinja2.Environment:
    """Autoescaping Jinja2 with the review's number and text filters."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("analyzer.reports", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        num=number,
        pct=percent,
        signed=signed,
        ci=lambda e, **kw: interval(e.ci_low, e.ci_high, **kw),
        p=p_value,
        cls=class_label,
        text=lambda value, limit=200: plain_text(value, limit=limit),
        day=lambda v: v.strftime("%Y-%m-%d") if isinstance(v, dt.date) else "–",
        last_day=lambda period: f"{period.end - dt.timedelta(days=1):%Y-%m-%d}",
        row_value=row_value,
        row_change=row_change,
    )
    return env


def row_value(row: Row, which: str) -> str:
    """A quarter-over-quarter figure as the table prints it."""
    value = row.previous if which == "previous" else row.current
    return _FORMATS[row.kind](value)


def row_change(row: Row) -> str:
    """The change from the previous period: points for shares, else a signed number."""
    if row.kind == "share":
        return points(row.change)
    return signed(row.change, 0 if row.kind == "count" else 1)


_FORMATS: dict[str, Callable[[float | None], str]] = {
    "count": lambda v: number(v, 0),
    "share": percent,
    "number": lambda v: number(v, 1),
    "hours": lambda v: number(v, 1),
}


def _scope_view(scope: ScopeData, periods: ReviewPeriods) -> dict[str, Any]:
    chart_list: list[tuple[str, Markup | None]] = [
        ("volume", charts.volume_chart(scope, periods)),
        ("ai_share", charts.ai_share_chart(scope, periods)),
        ("complexity", charts.complexity_chart(scope, periods)),
        ("density", charts.density_chart(scope, periods)),
        ("incidents", charts.incidents_chart(scope, periods)),
        ("waterfall", charts.waterfall(scope.result.decomposition)),
        ("failure_rate", charts.failure_rate_chart(scope)),
        ("incident_rate", charts.incident_rate_chart(scope)),
        ("hotspots", charts.hotspot_chart(scope)),
    ]
    return {"scope": scope, "r": scope.result, "charts": dict(chart_list)}

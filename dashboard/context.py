"""What every page starts from: the store, what it holds, and the shared filters.

The sidebar (:mod:`dashboard.sidebar`) owns the filter widgets; pages read the same
session-state keys through :func:`current` and call :func:`require` to show what to run
when the store lacks what they chart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Literal

import streamlit as st

from analyzer.analysis import AnalysisResult
from analyzer.errors import StoreLockedError
from analyzer.scope import Scope
from dashboard import data
from dashboard.escaping import escape_markdown
from dashboard.store_state import StoreState

ALL = "(all)"
REPO_KEY = "filter_repo"
DATES_KEY = "filter_dates"
PATH_KEY = "filter_path"
SERVICE_KEY = "filter_service"
Need = Literal["commits", "incidents", "links"]


@dataclasses.dataclass(frozen=True)
class PageContext:
    """The store this session reads, what it holds, and the scope the filters chose."""

    settings: data.Settings
    state: StoreState
    scope: Scope


def current() -> PageContext:
    """The context for this rerun."""
    settings = data.settings()
    state = data.store_state(settings.db)
    return PageContext(settings, state, scope_from_state(state))


def scope_from_state(state: StoreState) -> Scope:
    """The scope the sidebar widgets hold; the store's full date range counts as no date
    limit, so the default view is the same as ``jevons analyze``."""
    repo = st.session_state.get(REPO_KEY, ALL)
    service = st.session_state.get(SERVICE_KEY, ALL)
    date_from, date_to = _dates(st.session_state.get(DATES_KEY))
    if date_from == state.first_day:
        date_from = None
    if date_to == state.last_day:
        date_to = None
    return Scope(
        repo=None if repo in (ALL, None) else str(repo),
        date_from=date_from,
        date_to=date_to,
        path_prefix=str(st.session_state.get(PATH_KEY) or "").strip(),
        service=None if service in (ALL, None) else str(service),
    )


def _dates(value: object) -> tuple[dt.date | None, dt.date | None]:
    if isinstance(value, dt.date):
        return value, value
    if isinstance(value, tuple | list):
        first = value[0] if len(value) > 0 else None
        last = value[1] if len(value) > 1 else None
        return first, last
    return None, None


def require(context: PageContext, need: Need = "commits") -> bool:
    """True when the store has what the page needs; otherwise say what to run and False."""
    state = context.state
    if state.problem is not None:
        st.error(
            state.problem if state.problem == data.BUSY_MESSAGE else escape_markdown(state.problem),
            icon=":material/error:",
        )
        return False
    have = {
        "commits": state.has_commits,
        "incidents": state.has_incidents,
        "links": state.has_links,
    }[need]
    steps = state.next_steps()
    if not have:
        for step in steps:
            st.info(escape_markdown(step.missing) + ": run", icon=":material/info:")
            st.code(step.command, language="bash")
        return False
    return True


def show_scope(context: PageContext) -> None:
    """A caption with the scope of the figures and lists, and a note on busy data."""
    st.caption(escape_markdown("Scope: " + context.scope.describe()))
    if data.store_busy():
        st.warning(
            "Another process is writing to the store (a `jevons mine` or import): "
            "showing the last data this session loaded.",
            icon=":material/sync:",
        )


def missing_parts(context: PageContext) -> None:
    """For a store with commits but missing later steps: what to run next, briefly."""
    for step in context.state.next_steps():
        st.info(escape_markdown(step.missing) + ": run", icon=":material/info:")
        st.code(step.command, language="bash")


def analysed_page(
    title: str,
    need: Need = "commits",
    *,
    choose_periods: Callable[[PageContext], data.Periods | None] | None = None,
) -> tuple[PageContext, AnalysisResult] | None:
    """A page's common start: its title, the store check, the scope caption and the
    analysis (with the decomposition periods ``choose_periods`` draws widgets for);
    ``None`` (after saying what to run) when the store lacks what it needs."""
    st.title(title)
    ctx = current()
    if not require(ctx, need):
        return None
    show_scope(ctx)
    if need != "commits" and not ctx.state.has_links:
        missing_parts(ctx)
    periods = choose_periods(ctx) if choose_periods is not None else None
    try:
        return ctx, data.analysis(ctx.settings.db, ctx.scope, ctx.settings.config, periods)
    except StoreLockedError:
        st.warning(data.BUSY_MESSAGE, icon=":material/sync:")
        return None

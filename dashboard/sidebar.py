"""The shared filters, drawn once in the sidebar by the app on every rerun so their values
(session-state keys in :mod:`dashboard.context`) hold on every page."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import context
from dashboard.escaping import one_line
from dashboard.store_state import StoreState

FULL_RANGE_KEY = "_jevons_full_date_range"


def draw_filters(state: StoreState) -> None:
    """Repository, date range, path prefix and service; nothing for an empty store."""
    if not state.has_commits:
        return
    repos = {r.repo_id: one_line(f"{r.repo_id} ({r.commits:,} commits)") for r in state.repos}
    st.sidebar.selectbox(
        "Repository",
        [context.ALL, *repos],
        key=context.REPO_KEY,
        format_func=lambda r: "All repositories (combined)" if r == context.ALL else repos[r],
        help="One repository, or every repository in the store combined.",
    )
    if state.first_day is not None and state.last_day is not None:
        _follow_full_range(state.first_day, state.last_day)
        st.sidebar.date_input(
            "Date range (UTC, inclusive)",
            key=context.DATES_KEY,
            min_value=state.first_day,
            max_value=state.last_day,
            help="Commits by commit date, incidents by creation date.",
        )
    st.sidebar.text_input(
        "Path prefix",
        key=context.PATH_KEY,
        placeholder="e.g. services/payments/",
        help="Only commits that changed files under this prefix, counting their lines "
        "and complexity there, and the incidents linked to them (or to no commit).",
    )
    st.sidebar.selectbox(
        "Service",
        [context.ALL, *state.services],
        key=context.SERVICE_KEY,
        format_func=lambda s: "All services" if s == context.ALL else one_line(s),
        help="Only this service's incidents: their load, and the changes that induced "
        "them for the change failure rate.",
    )
    st.sidebar.button("Reset filters", key="filter_reset", on_click=_reset, args=(state,))


def _follow_full_range(first: dt.date, last: dt.date) -> None:
    """Keep "everything" meaning everything as the store grows: a range left at the store's
    full span moves with it (a `jevons mine` adds later commits), and a range the store no
    longer covers is reset; a range the reader chose is left alone."""
    full = (first, last)
    chosen = st.session_state.get(context.DATES_KEY)
    previous = st.session_state.get(FULL_RANGE_KEY)
    st.session_state[FULL_RANGE_KEY] = full
    left_at_full = previous is not None and tuple(chosen or ()) == tuple(previous)
    outside = any(not first <= day <= last for day in chosen or ())
    if chosen is None or left_at_full or outside:
        st.session_state[context.DATES_KEY] = full


def _reset(state: StoreState) -> None:
    st.session_state[context.REPO_KEY] = context.ALL
    st.session_state[context.SERVICE_KEY] = context.ALL
    st.session_state[context.PATH_KEY] = ""
    if state.first_day is not None and state.last_day is not None:
        st.session_state[context.DATES_KEY] = (state.first_day, state.last_day)

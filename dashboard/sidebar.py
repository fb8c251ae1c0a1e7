"""The shared filters, drawn once in the sidebar by the app on every rerun so their values
(session-state keys in :mod:`dashboard.context`) hold on every page."""

from __future__ import annotations

import streamlit as st

from dashboard import context
from dashboard.store_state import StoreState
from dashboard.wording import one_line


def draw_filters(state: StoreState) -> None:
    """Repository, date range, path prefix and service; nothing for an empty store."""
    if not state.has_commits:
        return
    repos = {r.repo_id: one_line(f"{r.repo_id} ({r.commits:,} commits)") for r in state.repos}
    st.sidebar.selectbox(
        "Repository", [context.ALL, *repos], key=context.REPO_KEY,
        format_func=lambda r: "All repositories (combined)" if r == context.ALL else repos[r],
        help="One repository, or every repository in the store combined.",
    )
    if state.first_day is not None and state.last_day is not None:
        st.session_state.setdefault(context.DATES_KEY, (state.first_day, state.last_day))
        st.sidebar.date_input(
            "Date range (UTC, inclusive)", key=context.DATES_KEY,
            min_value=state.first_day, max_value=state.last_day,
            help="Commits by commit date, incidents by creation date.",
        )
    st.sidebar.text_input(
        "Path prefix", key=context.PATH_KEY, placeholder="e.g. services/payments/",
        help="Narrows hotspots and incidents to files under this prefix.",
    )
    st.sidebar.selectbox(
        "Service", [context.ALL, *state.services], key=context.SERVICE_KEY,
        format_func=lambda s: "All services" if s == context.ALL else one_line(s),
        help="Narrows the incident list to one service's incidents.",
    )
    st.sidebar.button("Reset filters", key="filter_reset", on_click=_reset, args=(state,))


def _reset(state: StoreState) -> None:
    st.session_state[context.REPO_KEY] = context.ALL
    st.session_state[context.SERVICE_KEY] = context.ALL
    st.session_state[context.PATH_KEY] = ""
    if state.first_day is not None and state.last_day is not None:
        st.session_state[context.DATES_KEY] = (state.first_day, state.last_day)

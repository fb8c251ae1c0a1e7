"""Charts and tables inside keyed containers, so tests find them by key (AppTest's
``get_by_key``, the browser's ``.st-key-<key>`` class), never by position."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.charts import Figure


def chart(figure: Figure, key: str) -> None:
    """An interactive Altair chart, themed by Streamlit, in a container keyed ``key``."""
    with st.container(key=key):
        st.altair_chart(figure, key=f"{key}_vega")


def table(data: Any, key: str, **options: Any) -> None:
    """A read-only table (cells render as plain text, never Markdown or HTML)."""
    with st.container(key=key):
        st.dataframe(data, **{"hide_index": True, **options})

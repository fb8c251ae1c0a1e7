"""Jevons dashboard: ``streamlit run dashboard/app.py -- --db PATH`` (or ``jevons dashboard``).

The entry point only sets the page up, draws the shared filters and hands over to the
page the reader chose; every page lives in ``views/`` and reads through ``data.py``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import context, data, sidebar
from dashboard.escaping import escape_markdown

# Not "pages/": Streamlit would also discover that folder on its own and run a page opened
# by its URL without this script (no navigation, no filters).
VIEWS = Path(__file__).parent / "views"


def main() -> None:
    st.set_page_config(page_title="Jevons", page_icon=":material/insights:", layout="wide")
    data.begin_rerun()
    pages = [
        st.Page(
            VIEWS / "overview.py",
            title="Overview",
            icon=":material/dashboard:",
            url_path="overview",
            default=True,
        ),
        st.Page(
            VIEWS / "growth.py", title="Growth", icon=":material/trending_up:", url_path="growth"
        ),
        st.Page(
            VIEWS / "incidents.py",
            title="Incidents",
            icon=":material/emergency:",
            url_path="incidents",
        ),
        st.Page(
            VIEWS / "jevons.py",
            title="Jevons",
            icon=":material/waterfall_chart:",
            url_path="jevons",
        ),
        st.Page(
            VIEWS / "hotspots.py",
            title="Hotspots",
            icon=":material/local_fire_department:",
            url_path="hotspots",
        ),
        st.Page(
            VIEWS / "evidence.py",
            title="Evidence",
            icon=":material/fact_check:",
            url_path="evidence",
        ),
    ]
    chosen = st.navigation(pages)
    state = context.current().state
    sidebar.draw_filters(state)
    st.sidebar.caption(escape_markdown(f"Store: {state.path.name} (read-only)"))
    chosen.run()


main()

"""Drive the dashboard with Streamlit's AppTest: widgets found by key, never by position."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = ("overview", "growth", "incidents", "jevons", "hotspots", "evidence")
TIMEOUT = 300


def open_app(db: Path) -> AppTest:
    """The app on ``db``, run once (the Overview page)."""
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    app.session_state["db_path"] = str(db)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def show(app: AppTest, page: str) -> AppTest:
    """Switch to ``page`` and run; fails on any exception the page raised."""
    app.switch_page(f"views/{page}.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def rerun(app: AppTest) -> AppTest:
    """Run again after a widget change; fails on any exception."""
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def texts(app: AppTest) -> list[str]:
    """Every Markdown-rendered text on the page (markdown, captions, alerts, headings)."""
    groups: Iterable[Iterable[object]] = (
        app.markdown,
        app.caption,
        app.info,
        app.warning,
        app.error,
        app.success,
        app.title,
        app.header,
        app.subheader,
    )
    return [str(getattr(e, "value", "")) for group in groups for e in group]


def codes(app: AppTest) -> list[str]:
    """Every code block's text (the commands a page tells the reader to run)."""
    return [str(c.value) for c in app.code]


def charts(app: AppTest) -> int:
    """How many Vega-Lite (Altair) charts the page drew."""
    return len(app.get("vega_lite_chart"))


def metric(app: AppTest, label: str) -> str:
    """The value shown in the metric tile labelled ``label``."""
    values = [m.value for m in app.metric if m.label == label]
    assert values, f"no metric {label!r}: {[m.label for m in app.metric]}"
    return str(values[0])


def table(app: AppTest, key: str) -> pd.DataFrame:
    """The data of the table in the block keyed ``key``."""
    frames = app.get_by_key(key).get("dataframe")
    assert len(frames) == 1, f"{key}: {len(frames)} tables"
    data: pd.DataFrame = frames[0].value
    return data

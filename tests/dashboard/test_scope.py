"""The path prefix and the service scope the dashboard's figures, not only its lists, on
the hand-checked store of :mod:`tests.support.scope_repos`."""

from __future__ import annotations

import pytest

from dashboard.escaping import escape_markdown
from tests.dashboard.pages import metric, open_app, rerun, show, table, texts
from tests.support.scope_repos import ScopedStore, build_scoped_store


@pytest.fixture(scope="module")
def scoped(tmp_path_factory: pytest.TempPathFactory) -> ScopedStore:
    return build_scoped_store(tmp_path_factory.mktemp("dashboard-scope"))


def test_path_prefix_changes_the_overview_figures(scoped: ScopedStore) -> None:
    app = open_app(scoped.db)
    assert metric(app, "Changes shipped") == "6"
    assert metric(app, "Total cyclomatic complexity (CCN)") == "9"
    app.text_input(key="filter_path").set_value("b/")
    rerun(app)
    assert metric(app, "Changes shipped") == "3"  # c1, c3 and the move into b/
    assert metric(app, "Total cyclomatic complexity (CCN)") == "7"  # x.py 5 + y.py 2
    shown = texts(app)
    assert any(escape_markdown("Scope: all repositories, paths under b/") in t for t in shown)
    assert not any("narrow the lists" in t for t in shown)


def test_service_scopes_the_incident_figures_and_list(scoped: ScopedStore) -> None:
    app = show(open_app(scoped.db), "incidents")
    app.selectbox(key="filter_service").set_value("search")
    rerun(app)
    assert table(app, "incidents_table")["Service"].tolist() == ["search"]
    assert any("Incidents in scope (1 listed)" in t for t in texts(app))

"""Teams from configuration: members by e-mail or login, found from a commit's noreply
address, and a member in two teams refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.config import load_config
from analyzer.errors import ConfigError
from analyzer.usage.teams import teams_from_config


def test_teams_from_jevons_toml_find_people_by_email_login_and_noreply(tmp_path: Path) -> None:
    (tmp_path / "jevons.toml").write_text(
        '[usage.teams]\nWeb = ["Ann@Example.com", "bo-example"]\ndata = ["cy@example.com"]\n'
    )
    teams = teams_from_config(load_config(tmp_path).usage.teams)
    assert teams.names == ("data", "web")
    assert teams.team_of("ann@example.com") == "web"
    assert teams.team_of("BO-EXAMPLE") == "web"
    assert teams.team_of("4242+bo-example@users.noreply.github.com") == "web"
    assert teams.team_of("cy@example.com") == "data"
    assert teams.team_of("dee@example.com") is None
    assert teams.team_of(None) is None


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"web": ["ann@example.com"], "data": ["ANN@example.com"]}, "is in two teams"),
        ({"web": "ann@example.com"}, "must list its members"),
        ({"everyone": ["ann@example.com"]}, "cannot be a team name"),
    ],
)
def test_a_bad_teams_table_is_refused_with_the_problem(
    table: dict[str, object], problem: str
) -> None:
    with pytest.raises(ConfigError, match=problem):
        teams_from_config(table)

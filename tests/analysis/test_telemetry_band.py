"""The telemetry band for the AI share: its inequalities on random inputs (Hypothesis), and
the weekly table per team built from changes and ``ai_usage`` rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analyzer.analysis.telemetry import (
    accepted_per_week,
    period_band,
    share_band,
    tool_family,
    weekly_bands,
)
from analyzer.usage.teams import EVERYONE, teams_from_config

TOOLS = ("claude-code", "copilot", "cursor")
lines = st.integers(min_value=0, max_value=50_000)
per_tool = st.dictionaries(st.sampled_from(TOOLS), lines)


@st.composite
def team_weeks(draw: st.DrawFn) -> tuple[int, int, dict[str, int], dict[str, int]]:
    """Lines added, of them marked, of those marked-assisted per tool, and lines accepted."""
    added = draw(lines)
    marked = draw(st.integers(min_value=0, max_value=added))
    assisted: dict[str, int] = {}
    left = marked
    for tool in draw(st.lists(st.sampled_from(TOOLS), unique=True)):
        assisted[tool] = draw(st.integers(min_value=0, max_value=left))
        left -= assisted[tool]
    return added, marked, assisted, draw(per_tool)


@given(team_weeks())
def test_band_lies_between_the_marked_share_and_one(
    week: tuple[int, int, dict[str, int], dict[str, int]],
) -> None:
    added, marked, assisted, accepted = week
    band = share_band(added, marked, assisted, accepted)
    if added == 0:
        assert band.lower is None and band.upper is None
        return
    assert band.lower is not None and band.upper is not None
    assert band.lower == marked / added  # at least the marked share
    assert 0 <= band.lower <= band.upper <= 1  # capped by the lines added
    # at most marked plus the accepted lines the markers do not explain
    assert band.upper_lines <= marked + sum(accepted.values())
    assert band.upper_lines == min(added, marked + band.unmarked_accepted)


@given(team_weeks())
def test_markers_that_explain_all_telemetry_leave_no_band(
    week: tuple[int, int, dict[str, int], dict[str, int]],
) -> None:
    added, marked, assisted, _ = week
    explained = {tool: lines // 2 for tool, lines in assisted.items()}
    band = share_band(added, marked, assisted, explained)
    assert band.unmarked_accepted == 0
    assert band.upper == band.lower


@given(team_weeks(), st.sampled_from(TOOLS), st.integers(min_value=1, max_value=10_000))
def test_more_accepted_lines_never_lower_the_upper_bound(
    week: tuple[int, int, dict[str, int], dict[str, int]], tool: str, more: int
) -> None:
    added, marked, assisted, accepted = week
    before = share_band(added, marked, assisted, accepted)
    after = share_band(added, marked, assisted, {**accepted, tool: accepted.get(tool, 0) + more})
    assert after.upper_lines >= before.upper_lines
    assert after.lower == before.lower  # telemetry never moves the marked share


@given(team_weeks(), st.integers(min_value=0, max_value=50_000))
def test_a_true_share_telemetry_accounts_for_lies_in_the_band(
    week: tuple[int, int, dict[str, int], dict[str, int]], unmarked_ai: int
) -> None:
    """If every unmarked AI line was accepted through a tool with telemetry (on top of the
    marked ones), the true AI lines lie in the band."""
    added, marked, assisted, accepted = week
    unmarked_ai = min(unmarked_ai, added - marked)
    tool = TOOLS[0]
    accepted = {**accepted, tool: max(accepted.get(tool, 0), assisted.get(tool, 0) + unmarked_ai)}
    band = share_band(added, marked, assisted, accepted)
    assert band.marked_lines <= marked + unmarked_ai <= band.upper_lines


def test_telemetry_counts_the_commit_tools_people_use_in_their_editor() -> None:
    assert tool_family("copilot-cli", TOOLS) == "copilot"
    assert tool_family("copilot-review", TOOLS) is None  # applied on github.com
    assert tool_family("copilot-agent", TOOLS) is None  # the cloud agent's own commits
    assert tool_family("claude-code", TOOLS) == "claude-code"
    assert tool_family("codex", TOOLS) is None
    assert tool_family("codex", (*TOOLS, "codex")) == "codex"  # a generic export's tool
    assert tool_family(None, TOOLS) is None


MONDAY = dt.datetime(2026, 3, 2, 10)


def _change(
    author: str, authorship: str, tool: str | None, lines_added: int, day: int = 0
) -> dict[str, object]:
    return {
        "committed_at": MONDAY + dt.timedelta(days=day),
        "author": author,
        "authorship": authorship,
        "ai_tool": tool,
        "lines_added": lines_added,
    }


def _usage(
    person: str | None, tool: str, accepted: int | None, team: str | None = None
) -> dict[str, object]:
    return {
        "day": MONDAY.date(),
        "tool": tool,
        "person": person,
        "team": team,
        "lines_accepted": accepted,
    }


def test_weekly_bands_per_team_from_changes_and_telemetry() -> None:
    teams = teams_from_config(
        {"web": ["ann@example.com", "bo-example"], "data": ["cy@example.com"]}
    )
    changes = pd.DataFrame(
        [
            _change("ann@example.com", "ai_assisted", "claude-code", 100),  # marked
            _change("ann@example.com", "human", None, 300, day=2),  # unmarked, maybe AI
            _change("12+bo-example@users.noreply.github.com", "ai_authored", "copilot-agent", 50),
            _change("cy@example.com", "human", None, 200),
            _change(
                "49699333+dependabot[bot]@users.noreply.github.com", "automation", "dependabot", 900
            ),
        ]
    )
    usage = pd.DataFrame(
        [
            _usage("ann@example.com", "claude-code", 250),  # 150 more than marked
            _usage("bo-example", "copilot", 40),  # agent lines are not set against it
            _usage(None, "cursor", 10, team="data"),
            _usage("dee@example.com", "cursor", 5),  # in no team: everyone only
            _usage("ann@example.com", "cursor", None),  # not known: left out
        ]
    )
    weekly = weekly_bands(changes, usage, teams).set_index("team")
    web = weekly.loc["web"]
    assert (web["lines_added"], web["marked_lines"], web["accepted_lines"]) == (450, 150, 290)
    assert web["unmarked_accepted"] == 150 + 40
    assert (web["lower"], web["upper"]) == (150 / 450, (150 + 190) / 450)
    data = weekly.loc["data"]
    assert (data["lines_added"], data["marked_lines"], data["unmarked_accepted"]) == (200, 0, 10)
    everyone = weekly.loc[EVERYONE]
    assert everyone["lines_added"] == 650  # the bot's lines are not anyone's share
    assert everyone["accepted_lines"] == 250 + 40 + 10 + 5


def test_period_band_caps_each_week_before_summing() -> None:
    weekly = pd.DataFrame(
        {
            "team": ["web", "web"],
            "week": [pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-09")],
            "lines_added": [100, 100],
            "marked_lines": [10, 10],
            "accepted_lines": [500, 0],
            "unmarked_accepted": [500, 0],
            "lower": [0.1, 0.1],
            "upper": [1.0, 0.1],
        }
    )
    band = period_band(weekly, "web")
    assert band is not None
    assert (band.lower, band.upper) == (20 / 200, 110 / 200)
    assert period_band(weekly, "data") is None


def test_accepted_lines_per_week_is_a_dose_without_markers() -> None:
    usage = pd.DataFrame(
        [
            _usage("ann@example.com", "claude-code", 250),
            {**_usage("ann@example.com", "cursor", 30), "day": dt.date(2026, 3, 8)},  # Sunday
            {**_usage("ann@example.com", "cursor", 7), "day": dt.date(2026, 3, 9)},
            _usage("bo@example.com", "copilot", None),
        ]
    )
    dose = accepted_per_week(usage)
    assert dose.to_dict() == {pd.Timestamp("2026-03-02"): 280.0, pd.Timestamp("2026-03-09"): 7.0}

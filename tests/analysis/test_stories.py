"""The misleading stories the synthetic generator tells: each store holds what its story says."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analyzer.analysis.stories import STORIES, Story, judge, story, story_spec
from analyzer.analysis.synthetic import build_store
from analyzer.store import Store

QUARTER = 0.25


def _store(tmp_path: Path, name: str, seed: int = 1) -> Store:
    return build_store(tmp_path / "story.duckdb", story_spec(story(name), seed=seed))


def _frame(store: Store, sql: str) -> pd.DataFrame:
    with store.connect() as conn:
        return conn.execute(sql).df()


LAGS = """
SELECT epoch(i.created_at - c.committed_at) / 86400.0 AS days
FROM incident_links l JOIN incidents i USING (incident_id)
JOIN commits c ON c.repo_id = l.repo_id AND c.sha = l.sha
"""


def test_censored_follow_up_story_has_a_sixty_day_mean_lag(tmp_path: Path) -> None:
    lags = _frame(_store(tmp_path, "censored follow-up"), LAGS)["days"]
    assert 50 < lags.mean() < 70
    steady = _frame(build_store(tmp_path / "s.duckdb", story_spec(story("steady"))), LAGS)
    assert steady["days"].mean() < 7


def test_linkage_drift_story_links_two_in_five_incidents_before_adoption(tmp_path: Path) -> None:
    spec = story_spec(story("linkage drift"), seed=3)
    adoption = pd.Timestamp(spec.start) + pd.Timedelta(weeks=spec.adoption_week)
    incidents = _frame(
        build_store(tmp_path / "d.duckdb", spec),
        "SELECT i.created_at, EXISTS (SELECT 1 FROM incident_links l "
        "WHERE l.incident_id = i.incident_id) AS linked FROM incidents i",
    )
    before = incidents[incidents["created_at"] < adoption]
    after = incidents[incidents["created_at"] >= adoption]
    # incidents with no code cause (a quarter a week) are never linked
    assert 0.2 < before["linked"].mean() < 0.45
    assert after["linked"].mean() > 0.75


def test_late_records_story_keeps_one_stray_incident_before_the_records(tmp_path: Path) -> None:
    spec = story_spec(story("late records"), seed=2)
    begin = pd.Timestamp(spec.start) + pd.Timedelta(weeks=spec.records_start_week)
    created = _frame(build_store(tmp_path / "r.duckdb", spec), "SELECT created_at FROM incidents")
    early = created[created["created_at"] < begin]
    assert len(early) == 1
    assert early["created_at"].iloc[0] < begin - pd.Timedelta(weeks=spec.records_start_week / 2)
    assert len(created) > 50


def test_team_growth_story_newcomers_use_ai_more_and_double_the_team(tmp_path: Path) -> None:
    spec = story_spec(story("team growth"), seed=4)
    adoption = pd.Timestamp(spec.start) + pd.Timedelta(weeks=spec.adoption_week + 8)
    commits = _frame(
        build_store(tmp_path / "t.duckdb", spec),
        "SELECT committed_at, author_email, authorship FROM commits",
    )
    later = commits[commits["committed_at"] >= adoption]
    newcomer = later["author_email"].str.extract(r"dev(\d+)@")[0].astype(int) >= spec.authors
    ai = later["authorship"].isin(["ai_assisted", "ai_authored"])
    assert later["author_email"].nunique() == 16
    assert ai[newcomer].mean() > 0.65 > 0.4 > ai[~newcomer].mean()


def test_a_quarter_scale_store_has_a_quarter_of_the_changes(tmp_path: Path) -> None:
    full = story_spec(story("steady"))
    quarter = story_spec(story("steady"), scale=QUARTER)
    assert quarter.commits_per_week_before == full.commits_per_week_before * QUARTER
    assert quarter.unlinked_per_week_after == full.unlinked_per_week_after * QUARTER


def test_every_true_story_names_the_driver_a_right_verdict_gives() -> None:
    for told in STORIES:
        assert (told.driver is None) == (told.kind == "null"), told.name


def _document(driver: str, findings: list[dict[str, object]]) -> dict[str, object]:
    return {"verdict": {"primary_driver": driver}, "findings": findings}


@pytest.mark.parametrize(
    ("name", "driver", "blame", "right"),
    [
        ("censored follow-up", "mix", True, False),
        ("censored follow-up", "rate", True, False),
        ("censored follow-up", "volume", False, False),
        ("censored follow-up", "inconclusive", False, False),
        ("AI fails 3x", "mix", False, True),
        ("AI fails 3x", "rate", False, False),
        ("falling volume", "volume", False, True),
    ],
)
def test_judge_calls_mix_or_rate_false_blame_only_when_ai_changes_nothing(
    name: str, driver: str, blame: bool, right: bool
) -> None:
    judged = judge(story(name), _document(driver, []))
    assert (judged.false_blame, judged.right_driver) == (blame, right)


def test_judge_counts_a_controlled_claim_that_ai_fails_more_as_false_blame() -> None:
    told: Story = story("team growth")
    claim = {"evidence_level": "controlled_attribution", "topic": "change_failure_rate"}
    assert judge(told, _document("volume", [{**claim, "effect": 1.8}])).false_blame
    assert not judge(told, _document("volume", [{**claim, "effect": 0.7}])).false_blame
    direct = {**claim, "evidence_level": "direct_attribution", "effect": 1.8}
    assert not judge(told, _document("volume", [direct])).false_blame

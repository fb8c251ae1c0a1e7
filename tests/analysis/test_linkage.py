"""Linkage coverage: the share of incidents with a code cause, and a drift in it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analyzer.analysis import analyze
from analyzer.analysis.linkage import linkage_coverage
from analyzer.analysis.result import Period
from analyzer.analysis.stories import story, story_spec
from analyzer.analysis.synthetic import build_store

PERIODS = (
    Period(dt.date(2024, 1, 1), dt.date(2024, 7, 1), "before adoption"),
    Period(dt.date(2024, 7, 1), dt.date(2024, 12, 28), "after adoption"),
)


def _incidents(period: int, code_caused: int, other: int, severity: str = "SEV2") -> pd.DataFrame:
    start = pd.Timestamp(PERIODS[period].start)
    n = code_caused + other
    return pd.DataFrame(
        {
            "incident_id": [f"P{period}-{severity}-{i}" for i in range(n)],
            "created_at": [start + pd.Timedelta(days=i % 170) for i in range(n)],
            "severity": severity,
            "code_caused": [True] * code_caused + [False] * other,
        }
    )


def _links(incidents: pd.DataFrame, method: str = "szz") -> pd.DataFrame:
    caused = incidents[incidents["code_caused"]]
    return pd.DataFrame({"incident_id": caused["incident_id"], "method": method})


def test_incidents_moving_from_no_cause_to_code_caused_are_a_drift() -> None:
    # the same 50 incidents a period; 20 linked before, 48 after
    incidents = pd.concat([_incidents(0, 20, 30), _incidents(1, 48, 2)], ignore_index=True)
    linkage = linkage_coverage(incidents, _links(incidents), PERIODS)
    assert [s.share for s in linkage.by_period] == [0.4, 0.96]
    assert linkage.drift
    assert linkage.caveat.startswith(
        "Linkage coverage moved: 40% of incidents had a code cause before adoption and 96% "
        "after adoption, while incidents with no code cause went from 30 to 2."
    )
    assert "better linking, not changes failing more" in linkage.caveat


def test_more_code_caused_incidents_and_the_same_others_are_no_drift() -> None:
    # changes truly failing more: the share rises, the others stay where they were
    incidents = pd.concat([_incidents(0, 20, 15), _incidents(1, 60, 15)], ignore_index=True)
    linkage = linkage_coverage(incidents, _links(incidents), PERIODS)
    assert linkage.share_p_value is not None and linkage.share_p_value < 0.05
    assert linkage.opposite_move_p_value is None
    assert not linkage.drift and linkage.caveat == ""


def test_coverage_is_reported_by_severity_and_linking_method() -> None:
    incidents = pd.concat(
        [_incidents(0, 3, 1, "SEV1"), _incidents(1, 2, 2, "SEV3")], ignore_index=True
    )
    links = pd.concat([_links(incidents.iloc[:4], "explicit"), _links(incidents.iloc[4:])])
    linkage = linkage_coverage(incidents, links, PERIODS)
    assert [(s.label, s.incidents, s.with_code_cause) for s in linkage.by_severity] == [
        ("SEV1", 4, 3),
        ("SEV3", 4, 2),
    ]
    assert linkage.by_method == {"explicit": 3, "szz": 2}
    assert linkage.overall.share == 5 / 8
    low, high = linkage.overall.ci_low, linkage.overall.ci_high
    assert low is not None and high is not None and low < 5 / 8 < high


def test_linking_that_improves_at_adoption_is_not_called_a_rate_effect(tmp_path: Path) -> None:
    # 40% of code-caused incidents linked before adoption, all after, and nothing else
    # changes: the verdict read the better linking as changes failing more often ("rate")
    path = tmp_path / "drift.duckdb"
    build_store(path, story_spec(story("linkage drift"), seed=0))
    result = analyze(path, replicates=300)
    assert result.linkage.drift
    assert result.verdict.primary_driver == "inconclusive", result.verdict
    assert "a change in linking" in result.verdict.statement
    assert result.linkage.caveat in result.caveats
    assert result.to_dict()["linkage"]["by_period"][1]["share"] > 0.7

"""The whole analysis on real store files: known stories, too little data, the JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from analyzer.analysis import analyze
from analyzer.analysis.result import EVIDENCE_LADDER, AnalysisResult
from analyzer.analysis.reverts import detect_reverts
from analyzer.analysis.synthetic import SyntheticSpec, build_store
from analyzer.config import AnalysisConfig
from analyzer.errors import AnalysisError, StoreError
from analyzer.scope import Scope
from analyzer.store import open_store
from tests.support.mining_repos import run_jevons

REQUIRED = ("adoption", "change_failure_rate", "decomposition", "findings", "verdict")


def _rates(human: float, ai: float) -> dict[str, float]:
    return {"human": human, "ai_assisted": ai, "ai_authored": ai, "automation": human}


STORIES = {
    "volume": SyntheticSpec(commits_per_week_after=40),
    "mix": SyntheticSpec(
        commits_per_week_after=24,
        ai_share_after=0.6,
        rate_before=_rates(0.03, 0.12),
        rate_after=_rates(0.03, 0.12),
    ),
    "rate": SyntheticSpec(
        commits_per_week_after=22, rate_before=_rates(0.03, 0.03), rate_after=_rates(0.08, 0.08)
    ),
    "none": SyntheticSpec(
        commits_per_week_after=24, unlinked_per_week_before=1.0, unlinked_per_week_after=4.0
    ),
}


def _strict_json(result: AnalysisResult) -> dict[str, object]:
    text = result.to_json()  # allow_nan=False: a NaN anywhere would raise here
    document = json.loads(text)
    assert "NaN" not in text and "Infinity" not in text
    for key in REQUIRED:
        assert key in document
    return document  # type: ignore[no-any-return]


@pytest.mark.parametrize("story", sorted(STORIES))
def test_verdict_names_the_effect_the_data_was_built_with(tmp_path: Path, story: str) -> None:
    result = analyze(build_store(tmp_path / "s.duckdb", STORIES[story]))
    assert result.verdict.primary_driver == story
    d = result.decomposition
    parts = sum(e.value or 0 for e in (d.volume_effect, d.mix_effect, d.rate_effect))
    assert parts == pytest.approx(d.code_caused_change.value)
    document = _strict_json(result)
    assert document["verdict"]["primary_driver"] == story  # type: ignore[index]


def test_mix_verdict_states_the_ai_classes_higher_failure_rate(tmp_path: Path) -> None:
    result = analyze(build_store(tmp_path / "s.duckdb", STORIES["mix"]))
    assert "AI-assisted" in result.verdict.statement
    assert result.verdict.evidence_level == "controlled_attribution"
    keys = {f.key: f for f in result.findings}
    ai = keys["failure_rate_ai_assisted"]
    assert ai.evidence_level == "controlled_attribution"
    assert ai.ci_low is not None and ai.ci_low > 1
    assert "of similar size in similar places" in ai.statement


def test_when_incidents_have_no_code_cause_nothing_links_ai_to_them(tmp_path: Path) -> None:
    result = analyze(build_store(tmp_path / "s.duckdb", STORIES["none"]))
    assert result.verdict.primary_driver == "none"
    assert result.verdict.evidence_level == "co_occurrence"
    for finding in result.findings:
        if finding.key.startswith(("failure_rate", "precedence", "dose_response")):
            assert finding.evidence_level == "co_occurrence", finding.statement


def test_every_finding_says_its_evidence_level_in_words(tmp_path: Path) -> None:
    result = analyze(build_store(tmp_path / "s.duckdb", STORIES["mix"]))
    assert result.findings
    for finding in result.findings:
        assert finding.evidence_level in EVIDENCE_LADDER
        assert finding.statement.rstrip(".").endswith(
            {
                "co_occurrence": "co-occurrence in time only",
                "temporal_precedence": "temporal precedence",
                "dose_response": "dose-response",
                "direct_attribution": "direct attribution of incidents to commits",
                "controlled_attribution": "controlled for change size and location",
            }[finding.evidence_level]
        )
    tests = result.time_series.tests
    assert tests and all(t.p_holm is not None and t.p_holm >= (t.p_value or 0) for t in tests)


def test_same_store_same_seed_gives_the_same_document(tmp_path: Path) -> None:
    store = build_store(tmp_path / "s.duckdb", STORIES["volume"])
    assert analyze(store).to_json() == analyze(store).to_json()


def test_date_range_and_repository_narrow_the_analysis(tmp_path: Path) -> None:
    store = build_store(tmp_path / "s.duckdb", STORIES["volume"])
    whole = analyze(store)
    part = analyze(store, Scope(date_from="2023-03-01", date_to="2023-05-31", repo="synthetic"))
    assert part.scope.date_from is not None and str(part.scope.date_from) == "2023-03-01"
    assert 0 < part.coverage.changes < whole.coverage.changes
    first = part.series.weekly["period"].min()
    assert str(first.date()) == "2023-02-27"  # the Monday of the week holding March 1st
    with pytest.raises(AnalysisError, match="unknown repository 'nope'"):
        analyze(store, Scope(repo="nope"))
    with pytest.raises(AnalysisError, match="after --to"):
        analyze(store, Scope(date_from="2024-02-01", date_to="2024-01-01"))


def test_explicit_quarters_replace_the_adoption_halves(tmp_path: Path) -> None:
    store = build_store(tmp_path / "s.duckdb", STORIES["volume"])
    result = analyze(
        store, period_a=("2023-01-02", "2023-04-03"), period_b=("2024-01-01", "2024-04-01")
    )
    d = result.decomposition
    assert d.period_a is not None and str(d.period_a.start) == "2023-01-02"
    assert (d.volume_effect.value or 0) > 0


def test_reverts_detected_in_the_store_feed_the_revert_rate(tmp_path: Path) -> None:
    store = build_store(tmp_path / "s.duckdb", SyntheticSpec(revert_share=0.05))
    assert analyze(store).reverts.reverted_commits == 0
    marked = detect_reverts(store)
    assert marked > 0
    assert analyze(store).reverts.reverted_commits == marked


def test_empty_store_says_so_and_still_returns_valid_json(tmp_path: Path) -> None:
    result = analyze(open_store(tmp_path / "empty.duckdb"))
    document = _strict_json(result)
    assert result.verdict.primary_driver == "inconclusive"
    assert any("No commits in range" in c for c in result.caveats)
    assert document["change_failure_rate"] == {}
    assert result.findings == ()


def test_a_week_of_history_is_too_short_for_trends_and_says_so(tmp_path: Path) -> None:
    spec = SyntheticSpec(
        weeks=1,
        adoption_week=0,
        commits_per_week_before=30,
        commits_per_week_after=30,
        ai_share_after=0.5,
    )
    result = analyze(build_store(tmp_path / "s.duckdb", spec))
    _strict_json(result)
    assert result.coverage.weeks <= 2
    assert any("week(s) of history" in c for c in result.caveats)
    assert result.time_series.tests == () and result.time_series.skipped
    assert result.verdict.primary_driver == "inconclusive"


def test_no_incidents_still_gives_change_and_revert_figures(tmp_path: Path) -> None:
    spec = SyntheticSpec(
        rate_before=_rates(0, 0),
        rate_after=_rates(0, 0),
        unlinked_per_week_before=0,
        unlinked_per_week_after=0,
    )
    store = build_store(tmp_path / "s.duckdb", spec)
    detect_reverts(store)
    result = analyze(store)
    _strict_json(result)
    assert any("No incidents in range" in c for c in result.caveats)
    assert result.verdict.primary_driver == "inconclusive"
    assert result.change_failure_rate["human"].rate == 0.0
    assert result.reverts.by_class["human"].n > 0
    assert result.count_model.family is None


def test_incidents_with_no_links_at_all_are_all_reported_as_without_code_cause(
    tmp_path: Path,
) -> None:
    store = build_store(tmp_path / "s.duckdb", STORIES["none"])
    with store.transaction() as conn:
        conn.execute("DELETE FROM incident_links")  # linking not run yet
    result = analyze(store)
    _strict_json(result)
    d = result.decomposition
    assert d.code_caused_change.value == 0
    assert d.unlinked_incidents.period_a + d.unlinked_incidents.period_b == d.incidents_a + (
        d.incidents_b
    )
    assert any("No incident is linked" in c for c in result.caveats)


def test_merge_commits_are_changes_in_first_parent_history_and_not_in_full(
    tmp_path: Path,
) -> None:
    store = build_store(tmp_path / "s.duckdb", SyntheticSpec())
    with store.transaction() as conn:
        conn.execute("UPDATE commits SET is_merge = true WHERE history_seq % 10 = 0")
    first_parent = analyze(store)
    assert first_parent.coverage.changes == first_parent.coverage.commits
    merges = store.query("SELECT count(*) FROM commits WHERE is_merge")[0][0]
    with store.transaction() as conn:
        conn.execute("UPDATE repos SET history_mode = 'full'")
    full = analyze(store)
    assert full.coverage.changes == full.coverage.commits - merges


def test_merges_classed_by_their_message_alone_are_a_caveat_until_labelled(
    tmp_path: Path,
) -> None:
    store = build_store(tmp_path / "s.duckdb", SyntheticSpec())
    with store.transaction() as conn:
        conn.execute("UPDATE commits SET change_authorship = authorship")
        conn.execute(
            "UPDATE commits SET is_merge = true, change_authorship = NULL "
            "WHERE history_seq % 10 = 0"
        )
    assert any("jevons attribute" in c for c in analyze(store).caveats)
    with store.transaction() as conn:
        conn.execute("UPDATE commits SET change_authorship = 'ai_assisted' WHERE is_merge")
    labelled = analyze(store)
    assert not any("merge commits" in c for c in labelled.caveats)
    merges = store.query("SELECT count(*) FROM commits WHERE is_merge")[0][0]
    assert labelled.coverage.commits_by_class["ai_assisted"] >= merges


def test_no_ai_commits_says_there_is_no_ai_class(tmp_path: Path) -> None:
    spec = SyntheticSpec(ai_share_after=0.0)
    result = analyze(build_store(tmp_path / "s.duckdb", spec))
    _strict_json(result)
    assert result.adoption.date is None and result.adoption.method == "none"
    assert any("No AI-attributed commits" in c for c in result.caveats)
    assert not any(f.key.startswith("failure_rate_ai") for f in result.findings)


def test_a_missing_store_file_is_an_error_naming_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="jevons mine"):
        analyze(tmp_path / "nowhere.duckdb")


def test_incident_records_that_begin_late_bound_every_incident_figure(tmp_path: Path) -> None:
    # Incident tracking began 70 weeks into a 104-week history: before that, "no incident"
    # means "not recorded". Comparing those weeks' changes with later ones would read
    # the start of the records as a rise in incidents, and dilute every failure rate.
    store = build_store(tmp_path / "s.duckdb", STORIES["volume"])
    tracked_from = "2024-05-06"  # week 70
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM incident_links WHERE incident_id IN (SELECT incident_id "
            "FROM incidents WHERE created_at < ?)",
            [tracked_from],
        )
        conn.execute("DELETE FROM incidents WHERE created_at < ?", [tracked_from])
    (first_incident,) = store.query("SELECT min(created_at) FROM incidents")[0]
    since = store.query(
        "SELECT count(*) FROM commits WHERE committed_at >= ? AND NOT is_merge",
        [first_incident.replace(hour=0, minute=0, second=0, microsecond=0)],
    )[0][0]
    result = analyze(store, replicates=200)
    caveat = result.caveats[0]
    assert caveat.startswith(f"Incident records begin on {first_incident.date()}")
    assert f"use only the {since:,} of {result.coverage.changes:,} changes" in caveat
    assert sum(p.n for p in result.change_failure_rate.values()) == since
    d = result.decomposition
    assert d.period_a is not None and d.period_a.start == first_incident.date()
    weeks = {t.n for t in result.time_series.tests if t.family == "granger"}
    assert weeks and max(weeks) <= 35  # the weeks since the records began, not all 104
    # a store whose records cover its history is left as it is
    whole = analyze(build_store(tmp_path / "whole.duckdb", STORIES["volume"]), replicates=200)
    assert not any(c.startswith("Incident records begin") for c in whole.caveats)
    assert sum(p.n for p in whole.change_failure_rate.values()) == whole.coverage.changes


def test_the_start_of_incident_records_can_be_given(tmp_path: Path) -> None:
    # tracking began before the first incident: the team says when, in jevons.toml
    store = build_store(tmp_path / "s.duckdb", STORIES["volume"])
    (tmp_path / "jevons.toml").write_text('[analysis]\nincident_records_start = "2024-03-04"\n')
    run = run_jevons("analyze", "--db", str(store.path), "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    since = store.query(
        "SELECT count(*) FROM commits WHERE committed_at >= '2024-03-04' AND NOT is_merge"
    )[0][0]
    assert document["caveats"][0].startswith(
        "Incident records begin on 2024-03-04 (analysis.incident_records_start), after the "
        "first change (2023-01-02)"
    )
    assert sum(c["n"] for c in document["change_failure_rate"].values()) == since
    # a date before the first change drops nothing, and says nothing
    early = analyze(
        store, replicates=50, config=AnalysisConfig(incident_records_start=dt.date(2020, 1, 1))
    )
    assert not any(c.startswith("Incident records begin") for c in early.caveats)

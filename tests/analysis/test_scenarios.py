"""The sample scenarios through the real pipeline: generate, mine, attribute, import, link,
analyze; the verdict must be the scenario's story, read from the data alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.analysis import AnalysisResult, analyze, detect_reverts
from analyzer.incidents.importer import import_incidents
from analyzer.linking import compute_churn, link_incidents
from analyzer.mining import mine_repositories
from sample_repos.generate import generate_scenario

pytestmark = pytest.mark.slow

_RESULTS: dict[str, AnalysisResult] = {}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scenario-stores")


def run_pipeline(name: str, workdir: Path, history: str | None = None) -> AnalysisResult:
    """The pipeline as `jevons demo` runs it (default settings unless ``history`` is given);
    once per scenario and history."""
    key = f"{name}-{history or 'default'}"
    if key not in _RESULTS:
        paths = generate_scenario(name)
        db = workdir / f"{key}.duckdb"
        mine_repositories([paths.repo], db=db, workers=2, history=history)
        detect_reverts(db)
        import_incidents(paths.incident_files, db=db)
        link_incidents(db, ownership=paths.ownership)
        compute_churn(db)
        _RESULTS[key] = analyze(db)
    return _RESULTS[key]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("jevons-volume", "volume"),
        ("ai-risk", "mix"),
        ("external", "none"),
        ("rate", "rate"),
    ],
)
def test_verdict_tells_the_scenarios_story(name: str, expected: str, workdir: Path) -> None:
    result = run_pipeline(name, workdir)
    d = result.decomposition
    assert result.verdict.primary_driver == expected, (result.verdict, d)
    parts = (d.volume_effect.value or 0) + (d.mix_effect.value or 0) + (d.rate_effect.value or 0)
    assert parts == pytest.approx(d.code_caused_change.value)
    result.to_json()  # strict JSON: no NaN anywhere


def test_ai_risk_states_the_ai_classes_higher_failure_rate(workdir: Path) -> None:
    result = run_pipeline("ai-risk", workdir)
    riskier = [
        f
        for f in result.findings
        if f.key.startswith("failure_rate_ai")
        and f.ci_low is not None
        and f.ci_low > 1
        and f.evidence_level in ("direct_attribution", "controlled_attribution")
    ]
    assert riskier, [f.statement for f in result.findings if f.key.startswith("failure_rate")]
    assert result.verdict.primary_driver == "mix"
    assert "AI" in result.verdict.statement


def test_ai_risk_mined_with_full_history_is_a_mix_effect_stated_with_the_ai_risk(
    workdir: Path,
) -> None:
    result = run_pipeline("ai-risk", workdir, history="full")
    assert result.verdict.primary_driver == "mix", (result.verdict, result.decomposition)
    assert "AI-" in result.verdict.statement and "fail more often" in result.verdict.statement
    riskier = [
        f
        for f in result.findings
        if f.key.startswith("failure_rate_ai")
        and f.ci_low is not None
        and f.ci_low > 1
        and f.evidence_level in ("direct_attribution", "controlled_attribution")
    ]
    assert riskier


def test_external_incidents_support_no_claim_beyond_co_occurrence(workdir: Path) -> None:
    result = run_pipeline("external", workdir)
    assert result.findings
    for finding in result.findings:
        assert finding.evidence_level == "co_occurrence", finding.statement
    assert result.verdict.evidence_level == "co_occurrence"


def test_volume_scenario_shows_complexity_growing_faster_after_adoption(workdir: Path) -> None:
    result = run_pipeline("jevons-volume", workdir)
    assert result.adoption.method == "detected" and result.adoption.date is not None
    rates = {r.metric: r for r in result.growth.rates}
    ccn = rates["ccn_total"]
    assert ccn.acceleration.ci_low is not None and ccn.acceleration.ci_low > 0
    assert not result.series.weekly.empty and not result.series.monthly_by_class.empty

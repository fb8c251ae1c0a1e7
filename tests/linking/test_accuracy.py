"""Linking against the sample scenarios' ground truth: precision and recall of ``inducing``
links per scenario and SZZ variant, through the real pipeline (generate, mine, import, link).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analyzer.config import Config
from analyzer.incidents import import_incidents
from analyzer.linking import SZZ_VARIANTS, link_incidents
from analyzer.linking.accuracy import LinkingAccuracy, score_inducing_links
from analyzer.mining import mine_repositories
from analyzer.store import open_store
from sample_repos import generate_scenario, list_scenarios

F1_TARGET = 0.75
Scores = dict[str, dict[str, LinkingAccuracy]]


def link_scenario(name: str, root: Path) -> dict[str, LinkingAccuracy]:
    """Generate, mine and import scenario ``name`` under ``root``, then link it with every
    variant. The scenario is generated privately: the shared copy may be rebuilt (by a
    generator change) while this runs, and the store must match its repository."""
    paths = generate_scenario(name, root / "scenarios")
    db = root / f"{name}.duckdb"
    config = Config()
    mine_repositories([paths.repo], db=db, workers=2, metric_set="lizard", config=config)
    import_incidents(paths.incident_files, db=db, config=config)
    truth = paths.load_truth()["incidents"]
    store = open_store(db)
    scores = {}
    for variant in SZZ_VARIANTS:
        link_incidents(store, ownership=paths.ownership, szz_variant=variant, config=config)
        scores[variant] = score_inducing_links(store, truth)
    return scores


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> Scores:
    root = tmp_path_factory.mktemp("linking-accuracy")
    return {name: link_scenario(name, root) for name in list_scenarios()}


def table(scores: Scores) -> str:
    rows = [f"{'scenario':<14} {'variant':<7} {'P':>6} {'R':>6} {'F1':>6}  TP  FP  FN"]
    for name, by_variant in scores.items():
        for variant, a in by_variant.items():
            rows.append(
                f"{name:<14} {variant:<7} {a.precision:6.3f} {a.recall:6.3f} {a.f1:6.3f} "
                f"{a.true_positives:3d} {a.false_positives:3d} {a.false_negatives:3d}"
            )
    return "\n".join(rows)


@pytest.mark.slow
def test_every_scenario_is_matched_to_its_truth(scores: Scores) -> None:
    for name, by_variant in scores.items():
        accuracy = by_variant["r"]
        assert accuracy.unmatched == (), name
        assert accuracy.incidents, name


@pytest.mark.slow
def test_the_default_variant_reaches_the_f1_target_on_every_scenario(scores: Scores) -> None:
    print("\n" + table(scores))
    for name, by_variant in scores.items():
        assert by_variant["r"].f1 >= F1_TARGET, f"{name}\n{table(scores)}"


@pytest.mark.slow
def test_incidents_without_a_code_cause_never_get_an_inducing_link(scores: Scores) -> None:
    for name, by_variant in scores.items():
        for variant, accuracy in by_variant.items():
            wrongly = [
                (s.incident_id, s.cause, sorted(s.linked)) for s in accuracy.without_code_cause()
            ]
            assert wrongly == [], f"{name} {variant}"
    external = scores["external"]["r"]
    assert sum(1 for s in external.incidents if not s.truth) >= 20


@pytest.mark.slow
def test_r_szz_the_default_is_never_beaten_on_precision_or_f1(scores: Scores) -> None:
    for name, by_variant in scores.items():
        best = by_variant["r"]
        for variant, accuracy in by_variant.items():
            assert best.precision >= accuracy.precision, f"{name}: {variant}\n{table(scores)}"
            assert best.f1 >= accuracy.f1, f"{name}: {variant}\n{table(scores)}"


def test_scores_count_by_hand(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.duckdb")
    with store.transaction() as conn:
        for incident in ("generic:A", "generic:B", "generic:C", "pagerduty:D"):
            conn.execute(
                "INSERT INTO incidents (incident_id, source, created_at) VALUES (?, 'x', now())",
                [incident],
            )
        for incident, sha in (("generic:A", "a1"), ("generic:A", "a2"), ("generic:C", "c9")):
            conn.execute(
                """INSERT INTO incident_links VALUES (?, 'repo', ?, 'inducing', 'szz', 0.5, '')""",
                [incident, sha],
            )
    truth: list[dict[str, Any]] = [
        {"ids": {"id": "A"}, "cause": "code", "inducing_mainline_commit": "a1"},
        {"ids": {"id": "B"}, "cause": "code", "inducing_mainline_commit": "b1"},
        {"ids": {"id": "C"}, "cause": "dns", "inducing_mainline_commit": None},
        {"ids": {"id": "D"}, "cause": "dns", "inducing_mainline_commit": None},
        {"ids": {"id": "E"}, "cause": "code", "inducing_mainline_commit": "e1"},
    ]
    accuracy = score_inducing_links(store, truth)
    assert (accuracy.true_positives, accuracy.false_positives, accuracy.false_negatives) == (
        1,
        2,
        1,
    )
    assert accuracy.precision == pytest.approx(1 / 3)
    assert accuracy.recall == pytest.approx(1 / 2)
    assert accuracy.f1 == pytest.approx(0.4)
    assert [s.incident_id for s in accuracy.without_code_cause()] == ["generic:C"]
    assert accuracy.unmatched == ("E",)

"""`jevons analyze`: one JSON document, or the same as a readable summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.analysis.synthetic import SyntheticSpec, build_store
from analyzer.cli import app
from analyzer.store import open_store


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "s.duckdb"
    build_store(path, SyntheticSpec(commits_per_week_after=40))
    return path


def test_json_output_is_one_strict_document_with_the_contract_keys(synthetic_db: Path) -> None:
    result = CliRunner().invoke(app, ["analyze", "--db", str(synthetic_db), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output, parse_constant=lambda c: pytest.fail(f"bare {c}"))
    assert set(document["adoption"]) >= {"date", "method"}
    for cls in document["change_failure_rate"].values():
        assert set(cls) >= {"rate", "ci_low", "ci_high", "n"}
    decomposition = document["decomposition"]
    for key in ("volume_effect", "mix_effect", "rate_effect", "incident_change"):
        assert set(decomposition[key]) == {"value", "ci_low", "ci_high"}
    assert {"period_a", "period_b", "unlinked_incidents"} <= set(decomposition)
    for finding in document["findings"]:
        assert set(finding) >= {
            "statement",
            "effect",
            "ci_low",
            "ci_high",
            "method",
            "evidence_level",
            "caveats",
        }
    assert document["verdict"]["primary_driver"] == "volume"


def test_summary_without_json_shows_the_verdict_and_the_decomposition(synthetic_db: Path) -> None:
    result = CliRunner().invoke(app, ["analyze", "--db", str(synthetic_db)])
    assert result.exit_code == 0, result.output
    assert "Verdict" in result.output and "volume" in result.output
    assert "code-caused" in result.output


def test_adoption_date_option_overrides_detection(synthetic_db: Path) -> None:
    result = CliRunner().invoke(
        app, ["analyze", "--db", str(synthetic_db), "--json", "--adoption-date", "2023-06-05"]
    )
    assert result.exit_code == 0, result.output
    adoption = json.loads(result.output)["adoption"]
    assert adoption == adoption | {"date": "2023-06-05", "method": "configured"}


def test_bad_input_is_a_one_line_error_not_a_traceback(synthetic_db: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "analyzer.cli",
            "analyze",
            "--db",
            str(synthetic_db),
            "--from",
            "2024-13-01",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip().splitlines() == [
        "error: --from: '2024-13-01' is not a date (YYYY-MM-DD)"
    ]


def test_empty_store_prints_valid_json_that_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    open_store(path)
    result = CliRunner().invoke(app, ["analyze", "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["verdict"]["primary_driver"] == "inconclusive"
    assert any("No commits" in c for c in document["caveats"])

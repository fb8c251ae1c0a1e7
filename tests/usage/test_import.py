"""Every vendor's export, written from its documented fields, lands as ``ai_usage`` rows: one
per source, tool, day and person (or team), the records of one person's day summed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from analyzer.errors import UsageImportError
from analyzer.usage import import_usage
from analyzer.usage.record import COUNTS
from tests.support.cli_runs import run_main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "usage"
DAY = dt.date(2026, 3, 2)
NEXT_DAY = dt.date(2026, 3, 3)


def stored(db: Path) -> list[dict[str, Any]]:
    """Every stored usage row as a dict of its columns, in a stable order."""
    with duckdb.connect(str(db), read_only=True) as conn:
        cursor = conn.execute(
            "SELECT * FROM ai_usage ORDER BY source, tool, day, person NULLS FIRST, team"
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def counts(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c] for c in COUNTS)


def test_copilot_metrics_api_days_sum_every_editor_model_and_language(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    done = import_usage([FIXTURES / "copilot_metrics_team.json"], db=db, team="Checkout")
    assert done[0].label == "GitHub Copilot metrics API days" and done[0].detected
    rows = stored(db)
    assert [(r["source"], r["tool"], r["day"], r["person"], r["team"]) for r in rows] == [
        ("copilot-metrics", "copilot", DAY, None, "checkout"),
        ("copilot-metrics", "copilot", NEXT_DAY, None, "checkout"),
    ]
    # vscode python + typescript, jetbrains python; chat insertions carry no lines
    assert counts(rows[0]) == (
        135 + 61 + 30,
        225 + 143 + 52,
        249 + 112 + 40,
        123 + 56 + 21,
        None,
        6,
    )
    assert counts(rows[1]) == (44, 96, 80, 33, None, 5)


def test_copilot_metrics_without_a_team_count_for_the_organisation(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    import_usage([FIXTURES / "copilot_metrics_team.json"], db=db)
    assert {(r["person"], r["team"]) for r in stored(db)} == {(None, None)}


def test_copilot_usage_report_one_row_per_login_and_day(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    done = import_usage([FIXTURES / "copilot_usage_users.ndjson"], db=db)
    assert done[0].label == "GitHub Copilot usage metrics records"
    rows = stored(db)
    assert [(r["source"], r["day"], r["person"], counts(r)) for r in rows] == [
        ("copilot-usage", DAY, "priya-example", (96, 140, 31, 12, None, None)),
        ("copilot-usage", DAY, "tomasz-example", (9, 22, 8, 3, None, None)),
        ("copilot-usage", NEXT_DAY, "priya-example", (41, 70, 14, 5, None, None)),
    ]
    assert done[0].lines_accepted == 96 + 9 + 41


def test_claude_code_analytics_sums_a_persons_terminals_and_keeps_api_keys_apart(
    tmp_path: Path,
) -> None:
    db = tmp_path / "j.duckdb"
    done = import_usage([FIXTURES / "claude_code_analytics.json"], db=db)
    assert done[0].label == "Claude Code Analytics API records"
    assert done[0].records == 3
    rows = {r["person"]: r for r in stored(db)}
    assert set(rows) == {"amara@example.com", "api-key:release-bot-key"}
    amara = rows["amara@example.com"]
    assert (amara["source"], amara["tool"], amara["day"]) == (
        "claude-code-analytics",
        "claude-code",
        DAY,
    )
    # lines added over both terminals; edits proposed = accepted + rejected, over every tool
    assert counts(amara) == (
        1543 + 57,
        None,
        45 + 5 + 12 + 2 + 8 + 1 + 3 + 4,
        45 + 12 + 8 + 3 + 4,
        6,
        None,
    )
    assert counts(rows["api-key:release-bot-key"]) == (20, None, None, None, 2, None)


def test_claude_code_opentelemetry_sums_delta_points_by_person_and_day(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    done = import_usage([FIXTURES / "claude_code_otel.jsonl"], db=db)
    assert done[0].label == "Claude Code OpenTelemetry metrics (OTLP JSON)"
    [row] = stored(db)
    assert (row["source"], row["person"], row["day"]) == (
        "claude-code-otel",
        "diego@example.com",
        DAY,
    )
    # lines added only (removed and token points are not lines accepted); e-mail from the
    # point or, in the second document, from the resource
    assert counts(row) == (120 + 45, None, 3 + 1, 3, 1, None)


def test_cursor_daily_usage_reads_accepted_lines_and_epoch_milliseconds(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    done = import_usage([FIXTURES / "cursor_daily_usage.json"], db=db)
    assert done[0].label == "Cursor Admin API daily usage data"
    rows = {r["person"]: r for r in stored(db)}
    assert counts(rows["jonas@example.com"]) == (1102, None, 342 + 87, 289 + 73, None, 1)
    assert rows["jonas@example.com"]["day"] == DAY
    assert counts(rows["meilin@example.com"]) == (0, None, 0, 0, None, None)


def test_jevons_csv_keeps_unknown_counts_unknown(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    import_usage([FIXTURES / "usage.csv"], db=db)
    rows = stored(db)
    assert [(r["tool"], r["day"], r["person"], r["team"], counts(r)) for r in rows] == [
        ("codex", DAY, "kwame@example.com", None, (210, None, None, None, 3, None)),
        ("codex", NEXT_DAY, "kwame@example.com", None, (None, None, None, None, 1, None)),
        ("windsurf", DAY, None, "platform", (75, 120, 40, 18, None, 2)),
    ]


def test_reimporting_a_file_changes_nothing_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    first = import_usage([FIXTURES / "cursor_daily_usage.json"], db=db)
    before = stored(db)
    again = import_usage([FIXTURES / "cursor_daily_usage.json"], db=db)
    assert (first[0].new, first[0].changed, first[0].unchanged) == (2, 0, 0)
    assert (again[0].new, again[0].changed, again[0].unchanged) == (0, 0, 2)
    assert stored(db) == before


def test_a_corrected_export_replaces_the_days_it_covers(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    import_usage([FIXTURES / "cursor_daily_usage.json"], db=db)
    data = json.loads((FIXTURES / "cursor_daily_usage.json").read_text())
    data["data"][0]["acceptedLinesAdded"] = 1200
    corrected = tmp_path / "cursor.json"
    corrected.write_text(json.dumps(data))
    done = import_usage([corrected], db=db)
    assert (done[0].new, done[0].changed, done[0].unchanged) == (0, 1, 1)
    rows = {r["person"]: r for r in stored(db)}
    assert rows["jonas@example.com"]["lines_accepted"] == 1200
    assert len(stored(db)) == 2


def _cursor_with(tmp_path: Path, **changes: Any) -> Path:
    data = json.loads((FIXTURES / "cursor_daily_usage.json").read_text())
    data["data"][1].update(changes)
    path = tmp_path / "bad-cursor.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"acceptedLinesAdded": -4}, "acceptedLinesAdded", "negative"),
        ({"acceptedLinesAdded": "many"}, "acceptedLinesAdded", "not a count"),
        ({"totalTabsShown": 2.5}, "totalTabsShown", "not a count"),
        ({"date": "yesterday"}, "date", "not a day"),
        ({"date": None}, "date", "is missing"),
        ({"email": ["a@example.com"]}, "email", "not a name or an e-mail"),
    ],
)
def test_a_malformed_record_is_named_with_its_field_and_nothing_lands(
    tmp_path: Path, changes: dict[str, Any], field: str, problem: str
) -> None:
    db = tmp_path / "j.duckdb"
    bad = _cursor_with(tmp_path, **changes)
    with pytest.raises(UsageImportError) as caught:
        import_usage([bad], db=db)
    assert str(caught.value).startswith(f"{bad}, record data[1], field '{field}': ")
    assert problem in str(caught.value)
    assert not db.exists()  # nothing half-written: no store was even made


def test_a_bad_record_in_a_later_file_keeps_the_earlier_file_and_none_of_its_own(
    tmp_path: Path,
) -> None:
    db = tmp_path / "j.duckdb"
    bad = _cursor_with(tmp_path, acceptedLinesAdded=-1)
    with pytest.raises(UsageImportError, match=r"these earlier files were: .*usage\.csv"):
        import_usage([FIXTURES / "usage.csv", bad], db=db)
    assert {r["source"] for r in stored(db)} == {"generic"}


def test_a_csv_row_names_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "day,tool,person,lines_accepted\n2026-03-02,codex,ann@example.com,12\n2026-13-40,codex,ann@example.com,3\n"
    )
    with pytest.raises(
        UsageImportError, match=r"record 3, field 'day': '2026-13-40' is not a valid date"
    ):
        import_usage([path], db=tmp_path / "j.duckdb")


def test_an_otel_point_names_its_path_in_the_document(tmp_path: Path) -> None:
    lines = (FIXTURES / "claude_code_otel.jsonl").read_text().splitlines()
    document = json.loads(lines[0])
    point = document["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0]["sum"]["dataPoints"][0]
    point["asInt"] = "-3"
    path = tmp_path / "otel.jsonl"
    path.write_text(json.dumps(document) + "\n")
    with pytest.raises(UsageImportError) as caught:
        import_usage([path], db=tmp_path / "j.duckdb")
    assert "field 'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].asInt'" in str(
        caught.value
    )


def test_cumulative_otel_sums_are_refused_with_the_setting_that_fixes_them(tmp_path: Path) -> None:
    document = json.loads((FIXTURES / "claude_code_otel.jsonl").read_text().splitlines()[0])
    document["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0]["sum"][
        "aggregationTemporality"
    ] = 2
    path = tmp_path / "otel.json"
    path.write_text(json.dumps(document))
    with pytest.raises(UsageImportError, match="TEMPORALITY_PREFERENCE=delta"):
        import_usage([path], db=tmp_path / "j.duckdb")


def test_a_file_no_format_fits_is_refused_with_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "incidents.json"
    path.write_text(
        json.dumps([{"id": "INC-1", "title": "Down", "created_at": "2026-03-02T10:00:00Z"}])
    )
    with pytest.raises(
        UsageImportError, match=r"id, title, created_at\) match no known usage export"
    ):
        import_usage([path], db=tmp_path / "j.duckdb")


def test_format_asked_for_reads_the_file_as_that_vendor(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    done = import_usage([FIXTURES / "cursor_daily_usage.json"], db=db, format="cursor")
    assert not done[0].detected
    with pytest.raises(UsageImportError, match="unknown format 'windsurf'"):
        import_usage([FIXTURES / "usage.csv"], db=db, format="windsurf")


def test_command_line_prints_a_line_per_file_and_fails_with_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "j.duckdb"
    ok = run_main(
        ["usage", "import", str(FIXTURES / "cursor_daily_usage.json"), "--db", str(db)],
        monkeypatch,
        capsys,
    )
    assert ok.code == 0
    assert "read as Cursor Admin API daily usage data (detected): 2 records" in ok.out
    assert "1,102 lines accepted" in ok.out
    bad = _cursor_with(tmp_path, acceptedLinesAdded=-1)
    failed = run_main(["usage", "import", str(bad), "--db", str(db)], monkeypatch, capsys)
    assert failed.code != 0
    assert f"{bad}, record data[1], field 'acceptedLinesAdded'" in failed.err

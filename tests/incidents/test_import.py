"""How an import behaves as a whole: all or nothing per file, skipping on request, re-imports
that change nothing, the JSON shapes exports come in, bounded memory, the command line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import duckdb
import pytest

from analyzer.config import Config, IncidentsConfig
from analyzer.errors import IncidentImportError, StoreError
from analyzer.incidents import import_incidents
from analyzer.incidents.reading import open_record_file
from analyzer.store import open_store
from analyzer.store.schema import SCHEMA_VERSION

FIXTURES = Path(__file__).parents[1] / "fixtures" / "incidents"
GOOD = "A{n},Incident {n},2026-03-01T10:00:00Z\n"


def table(db: Path, sql: str = "SELECT * FROM incidents ORDER BY incident_id") -> list[Any]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def generic_csv(path: Path, count: int, *, last: str | None = None) -> Path:
    rows = [GOOD.format(n=n) for n in range(count)]
    path.write_text("id,title,created_at\n" + "".join(rows) + (last or ""), encoding="utf-8")
    return path


def pagerduty_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads((FIXTURES / "pagerduty_rest.json").read_text())[
        "incidents"
    ]
    return records


def test_a_bad_record_at_the_end_leaves_nothing_imported(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    path = generic_csv(tmp_path / "a.csv", 12_000, last="B1,late,not a time\n")
    with pytest.raises(IncidentImportError, match="record 12002, field 'created_at'"):
        import_incidents([path], db=db)
    # 12,000 good rows were read, checked and staged (in batches) before the bad one; the
    # store, new with this import, is not created at all (nor its lock file)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_a_failed_import_leaves_an_existing_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    import_incidents([generic_csv(tmp_path / "a.csv", 2)], db=db)
    before = table(db)
    with pytest.raises(IncidentImportError, match="record 4, field 'created_at'"):
        import_incidents([generic_csv(tmp_path / "b.csv", 2, last="B1,late,never\n")], db=db)
    assert table(db) == before


def test_a_bad_store_is_refused_before_any_record_is_read(tmp_path: Path) -> None:
    db = tmp_path / "notes.duckdb"
    db.write_text("my notes, not a database\n", encoding="utf-8")
    bad_records = generic_csv(tmp_path / "a.csv", 1, last="B1,late,never\n")
    with pytest.raises(StoreError, match="not a DuckDB file; refusing to open or overwrite"):
        import_incidents([bad_records], db=db)
    assert db.read_text(encoding="utf-8") == "my notes, not a database\n"


def test_skip_invalid_imports_the_rest_and_reports_each_skipped_record(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    path = generic_csv(tmp_path / "a.csv", 3, last="B1,late,not a time\nB2,,2026-03-01T10:00:00Z\n")
    summary = import_incidents([path], db=db, skip_invalid=True)

    done = summary.files[0]
    assert (done.new, done.skipped_count) == (3, 2)
    assert [str(s) for s in done.skipped] == [
        f"{path}, record 5, field 'created_at': 'not a time' is not a timestamp (expected "
        "ISO 8601 with an offset, e.g. 2026-03-01T10:15:00Z)",
        f"{path}, record 6, field 'title': required field is missing",
    ]
    assert (done.skipped[0].record, done.skipped[0].field) == (5, "created_at")
    assert table(db, "SELECT count(*) FROM incidents") == [(3,)]


def test_skip_invalid_does_not_skip_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    path = tmp_path / "a.json"
    path.write_text('[{"id": "A", "title": "x", "created_at": "2026-03-01T10:00:00Z"}, {oops}]')
    with pytest.raises(IncidentImportError, match="malformed JSON at line 1"):
        import_incidents([path], db=db, skip_invalid=True)
    assert not db.exists()


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    files = sorted(FIXTURES.glob("*.json"))
    first = import_incidents(files, db=db)
    before = table(db)
    again = import_incidents(files, db=db)

    assert table(db) == before
    assert (again.new, again.changed) == (0, 0)
    assert again.unchanged == first.new == len(before)


def test_a_changed_record_is_updated_in_place(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    records = pagerduty_records()
    path = tmp_path / "pd.json"
    path.write_text(json.dumps({"incidents": records}))
    import_incidents([path], db=db)
    records[1] = {**records[1], "status": "resolved", "resolved_at": "2026-03-03T12:00:00Z"}
    path.write_text(json.dumps({"incidents": records}))
    summary = import_incidents([path], db=db)

    assert (summary.new, summary.changed, summary.unchanged) == (0, 1, 1)
    assert table(db, "SELECT status FROM incidents ORDER BY incident_id") == [
        ("resolved",),
        ("resolved",),
    ]


def test_an_id_repeated_within_a_file_is_stored_once_last_wins(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    path = tmp_path / "a.csv"
    path.write_text(
        "id,title,created_at\nA1,first,2026-03-01T10:00:00Z\nA1,second,2026-03-01T10:00:00Z\n"
    )
    import_incidents([path], db=db)
    assert table(db, "SELECT incident_id, title FROM incidents") == [("generic:A1", "second")]


def test_a_failing_file_keeps_the_earlier_files_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    good = generic_csv(tmp_path / "good.csv", 2)
    bad = generic_csv(tmp_path / "bad.csv", 1, last="B1,x,never\n")
    with pytest.raises(IncidentImportError) as caught:
        import_incidents([good, bad], db=db)
    assert str(caught.value).endswith(
        f"nothing from this file was imported, but these earlier files were: {good} (2 incidents)"
    )
    assert (caught.value.path, caught.value.record) == (str(bad), 3)
    assert table(db, "SELECT count(*) FROM incidents") == [(2,)]


def test_every_file_is_checked_to_exist_before_anything_is_written(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    with pytest.raises(IncidentImportError, match=r"missing\.csv: file not found"):
        import_incidents([generic_csv(tmp_path / "a.csv", 1), tmp_path / "missing.csv"], db=db)
    assert not db.exists()


def test_detection_is_reported_and_an_explicit_format_wins(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    detected = import_incidents([FIXTURES / "generic.json"], db=db).files[0]
    assert detected.line == (
        f"{FIXTURES / 'generic.json'}: read as Jevons generic incidents (detected): "
        "2 incidents, 2 new, 0 changed, 0 unchanged"
    )
    # PagerDuty records have id, title and created_at too: read as generic when asked.
    asked = import_incidents([FIXTURES / "pagerduty_rest.json"], db=db, format="json").files[0]
    assert (asked.format, asked.detected) == ("generic", False)
    assert "read as Jevons generic incidents (as asked)" in asked.line
    assert ("generic:Q1ABCDEF2GHIJK",) in table(db, "SELECT incident_id FROM incidents")


@pytest.mark.parametrize(
    ("shape", "where"),
    [
        ("pages", "[1].incidents[0]"),
        ("concatenated", "incidents[0] of document 2"),
        ("json lines", "document 2"),
        ("bare list", "[1]"),
    ],
)
def test_pagerduty_dumps_in_every_shape(tmp_path: Path, shape: str, where: str) -> None:
    first, second = pagerduty_records()
    pages = [
        {"incidents": [r], "limit": 1, "offset": i, "more": i == 0}
        for i, r in enumerate([first, second])
    ]
    text = {
        "pages": json.dumps(pages),
        "concatenated": "\n".join(json.dumps(page) for page in pages),
        "json lines": f"{json.dumps(first)}\n{json.dumps(second)}\n",
        "bare list": json.dumps([first, second]),
    }[shape]
    path = tmp_path / "pd.json"
    path.write_text(text)
    summary = import_incidents([path], db=tmp_path / "j.duckdb")

    assert summary.files[0].shape == "PagerDuty REST v2 incidents"
    assert summary.new == 2
    broken = text.replace('"2026-03-03T11:00:00+02:00"', '"later"')
    path.write_text(broken)
    with pytest.raises(IncidentImportError, match=re.escape(f"record {where}, field 'created_at'")):
        import_incidents([path], db=tmp_path / "other.duckdb")


def test_empty_pages_before_the_first_record_still_detect_the_format(tmp_path: Path) -> None:
    pages = [{"incidents": [], "more": True}, {"incidents": pagerduty_records(), "more": False}]
    path = tmp_path / "pd.json"
    path.write_text(json.dumps(pages))
    summary = import_incidents([path], db=tmp_path / "j.duckdb")
    assert (summary.files[0].format, summary.new) == ("pagerduty", 2)


def test_a_single_opsgenie_alert_response(tmp_path: Path) -> None:
    alert = json.loads((FIXTURES / "opsgenie_alerts.json").read_text())["data"][0]
    path = tmp_path / "alert.json"
    path.write_text(json.dumps({"data": alert, "took": 0.01, "requestId": "r-1"}))
    summary = import_incidents([path], db=tmp_path / "j.duckdb")
    assert (summary.files[0].shape, summary.new) == ("Opsgenie alerts", 1)


@pytest.mark.parametrize("text", ["[]", '{"incidents": [], "more": false}'])
def test_an_export_with_no_records_imports_nothing_without_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "none.json"
    path.write_text(text)
    summary = import_incidents([path], db=tmp_path / "j.duckdb")
    assert summary.files[0].line == f"{path}: no incident records"


def test_unmapped_severity_labels_are_reported_and_can_be_mapped(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,title,created_at,severity\nA1,x,2026-03-01T10:00:00Z,Code Red\n")
    db = tmp_path / "j.duckdb"
    summary = import_incidents([path], db=db)
    assert summary.files[0].unmapped_severities == ("Code Red",)
    assert table(db, "SELECT severity FROM incidents") == [(None,)]

    config = Config(incidents=IncidentsConfig(severity_map={"code red": 1}))
    summary = import_incidents([path], db=db, config=config)
    assert (summary.changed, summary.files[0].unmapped_severities) == (1, ())
    assert table(db, "SELECT severity, severity_rank FROM incidents") == [("SEV1", 1)]


def test_generic_records_may_name_their_source(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,title,created_at,source\n17,x,2026-03-01T10:00:00Z,statuspage\n")
    import_incidents([path], db=tmp_path / "j.duckdb")
    assert table(tmp_path / "j.duckdb", "SELECT incident_id, source FROM incidents") == [
        ("statuspage:17", "statuspage")
    ]


def streamed(path: Path) -> tuple[int, int]:
    """How many records streaming ``path`` yields, and the peak memory it allocated."""
    source = open_record_file(path)
    tracemalloc.start()
    try:
        count = sum(1 for _ in source.records())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


def test_json_records_stream_in_bounded_memory(tmp_path: Path) -> None:
    record = {"id": "", "title": "t" * 200, "created_at": "2026-03-01T10:00:00Z"}
    path = tmp_path / "big.json"
    with path.open("w") as handle:
        handle.write('{"incidents": [')
        handle.write(",".join(json.dumps({**record, "id": f"A{n}"}) for n in range(40_000)))
        handle.write("]}")
    assert path.stat().st_size > 10_000_000
    count, peak = streamed(path)
    assert count == 40_000
    assert peak < 2_000_000  # a few chunks and records, not the file


def test_csv_records_stream_in_bounded_memory(tmp_path: Path) -> None:
    path = generic_csv(tmp_path / "big.csv", 60_000)
    assert path.stat().st_size > 2_500_000
    count, peak = streamed(path)
    assert count == 60_000
    assert peak < 500_000


def test_a_version_1_store_gains_the_new_incident_columns(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    open_store(db)
    with duckdb.connect(str(db)) as conn:  # make it look like a store from before schema 2
        for column in ("reference", "interruptions", "off_hours_interruptions"):
            conn.execute(f"ALTER TABLE incidents DROP COLUMN {column}")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    import_incidents([FIXTURES / "incidentio.json"], db=db)
    assert table(db, "SELECT reference FROM incidents ORDER BY reference") == [
        ("INC-123",),
        ("INC-125",),
    ]
    assert table(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JEVONS_DB": str(cwd / "cli.duckdb")}
    return subprocess.run(
        [sys.executable, "-m", "analyzer.cli", "incidents", "import", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_prints_one_line_per_file_and_exits_zero(tmp_path: Path) -> None:
    result = run_cli(str(FIXTURES / "github_issues.json"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"{FIXTURES / 'github_issues.json'}: read as GitHub issues (detected): 2 incidents, "
        "2 new, 0 changed, 0 unchanged, 1 left out (a pull request, not an issue), "
        "1 left out (not labelled 'incident')\n"
    )


def test_cli_exits_non_zero_with_the_error_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,title,created_at\nA1,x,2026-03-01 10:00\n")
    result = run_cli(str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "record 2, field 'created_at': '2026-03-01 10:00' has no UTC offset" in result.stderr

    result = run_cli(str(path), "--timezone", "UTC", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_cli_skip_invalid_lists_skipped_records(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,title,created_at\nA1,x,2026-03-01T10:00:00Z\nA2,,2026-03-01T10:00:00Z\n")
    result = run_cli(str(path), "--skip-invalid", "--format", "csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{path}: read as Jevons generic incidents (as asked): 1 incident, 1 new, 0 changed, "
        "0 unchanged, 1 invalid skipped",
        f"  skipped {path}, record 3, field 'title': required field is missing",
    ]

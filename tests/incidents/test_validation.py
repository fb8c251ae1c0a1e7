"""Every way an incident file is refused, with the message a user sees: it names the file,
the record (CSV line counting the header as 1, or JSON index path) and the field."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import duckdb
import pytest

from analyzer.config import Config, IncidentsConfig
from analyzer.errors import ConfigError, IncidentImportError
from analyzer.incidents import import_incidents

HEADER = "id,title,created_at,resolved_at,fix_commits\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path, **options: object) -> str:
    """The error message importing ``path`` gives."""
    with pytest.raises(IncidentImportError) as caught:
        import_incidents([path], db=path.parent / "j.duckdb", **options)  # type: ignore[arg-type]
    return str(caught.value)


def test_missing_required_field_names_row_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.csv", HEADER + "A1,ok,2026-03-01T10:00:00Z,,\nA2,,2026-03-01T10:00:00Z,,\n"
    )
    assert refusal(path) == f"{path}, record 3, field 'title': required field is missing"


def test_missing_field_in_json_names_the_index_path(tmp_path: Path) -> None:
    records = [
        {"id": "A1", "title": "ok", "created_at": "2026-03-01T10:00:00Z"},
        {"id": "A2", "title": "no time"},
    ]
    path = write(tmp_path, "a.json", json.dumps({"incidents": records}))
    assert refusal(path, format="json") == (
        f"{path}, record incidents[1], field 'created_at': required field is missing"
    )


def test_unparseable_timestamp(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER + "A1,x,yesterday,,\n")
    assert refusal(path) == (
        f"{path}, record 2, field 'created_at': 'yesterday' is not a timestamp "
        "(expected ISO 8601 with an offset, e.g. 2026-03-01T10:15:00Z)"
    )


def test_number_is_not_a_timestamp(tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.json", json.dumps([{"id": "A", "title": "x", "created_at": 1772359200}])
    )
    assert "field 'created_at': 1772359200 is a int, not a timestamp" in refusal(path)


def test_naive_timestamp_is_refused_without_a_timezone(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER + "A1,x,2026-03-01 10:00,,\n")
    assert refusal(path) == (
        f"{path}, record 2, field 'created_at': '2026-03-01 10:00' has no UTC offset; add one "
        "(e.g. 2026-03-01T10:15:00Z) or pass --timezone to say which zone it was written in"
    )


def test_naive_timestamp_is_read_in_the_given_timezone(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER + "A1,x,2026-07-01 10:00,2026-07-01T09:30:00Z,\n")
    import_incidents([path], db=tmp_path / "j.duckdb", timezone="Europe/Paris")
    with duckdb.connect(str(tmp_path / "j.duckdb"), read_only=True) as conn:
        row = conn.execute("SELECT created_at, resolved_at FROM incidents").fetchone()
    # 10:00 in Paris in summer is 08:00 UTC; the offset-carrying value keeps its own offset.
    assert row == (dt.datetime(2026, 7, 1, 8, 0), dt.datetime(2026, 7, 1, 9, 30))


def test_timezone_from_the_configuration(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER + "A1,x,2026-01-15 10:00,,\n")
    config = Config(incidents=IncidentsConfig(timezone="America/New_York"))
    import_incidents([path], db=tmp_path / "j.duckdb", config=config)
    with duckdb.connect(str(tmp_path / "j.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT created_at FROM incidents").fetchone() == (
            dt.datetime(2026, 1, 15, 15, 0),
        )


def test_unknown_timezone(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER + "A1,x,2026-01-15 10:00,,\n")
    assert refusal(path, timezone="Mars/Olympus_Mons") == (
        "unknown time zone 'Mars/Olympus_Mons'; use an IANA name such as Europe/Paris or UTC"
    )


def test_resolved_before_created(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER + "A1,x,2026-03-01T10:00:00Z,2026-03-01T09:59:00Z,\n")
    assert refusal(path) == (
        f"{path}, record 2, field 'resolved_at': 2026-03-01T09:59:00Z is before the incident "
        "was created (created_at 2026-03-01T10:00:00Z)"
    )


def test_acknowledged_before_created(tmp_path: Path) -> None:
    text = "id,title,created_at,acknowledged_at\nA1,x,2026-03-01T10:00:00Z,2026-03-01T09:00:00Z\n"
    path = write(tmp_path, "a.csv", text)
    assert "field 'acknowledged_at': 2026-03-01T09:00:00Z is before" in refusal(path)


def test_vendor_field_names_appear_as_the_file_spells_them(tmp_path: Path) -> None:
    record = {
        "id": "PX",
        "incident_number": 7,
        "title": "t",
        "html_url": "https://example.pagerduty.com/incidents/PX",
        "created_at": "2026-03-01T10:00:00Z",
        "resolved_at": "2026-03-01T09:00:00Z",
    }
    path = write(tmp_path, "pd.json", json.dumps({"incidents": [record]}))
    assert refusal(path).startswith(f"{path}, record incidents[0], field 'resolved_at': ")


def test_bad_commit_sha(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER + "A1,x,2026-03-01T10:00:00Z,,abc1234 not-a-sha\n")
    assert refusal(path) == (
        f"{path}, record 2, field 'fix_commits': 'not-a-sha' is not a commit SHA "
        "(4 to 40 hexadecimal digits)"
    )


def test_unrecognisable_format_says_what_it_saw(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "when,what\n2026-03-01,outage\n")
    assert refusal(path) == (
        f"{path}: cannot tell the format: the CSV header's columns (when, what) match no "
        "known export; pass --format (one of csv, json, pagerduty, opsgenie, incidentio, "
        "jira, github)"
    )


def test_unknown_format_name(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER)
    assert refusal(path, format="xml") == (
        "unknown format 'xml'; choose one of auto, csv, json, pagerduty, opsgenie, "
        "incidentio, jira, github"
    )


@pytest.mark.parametrize("text", ["", "\n  \n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "a.json", text)
    assert refusal(path) == f"{path}: the file is empty"


def test_missing_file(tmp_path: Path) -> None:
    assert refusal(tmp_path / "nowhere.json") == f"{tmp_path / 'nowhere.json'}: file not found"


def test_malformed_json_gives_line_and_column(tmp_path: Path) -> None:
    text = '{"incidents": [\n  {"id": "A1", "title": "x",\n   "created_at": 2026-03-01}\n]}\n'
    path = write(tmp_path, "a.json", text)
    # The unquoted date: yajl reads the number 2026 and stops at the '-' after it.
    assert refusal(path).startswith(f"{path}: malformed JSON at line 3, column 22: ")


def test_malformed_json_deep_in_a_large_file_is_placed_exactly(tmp_path: Path) -> None:
    # Far enough in (2 MB, 240,000 parse events) to be met while streaming, not while
    # learning the file's shape from its start.
    good = {"id": "A", "title": "x", "created_at": "2026-03-01T10:00:00Z"}
    lines = [json.dumps({**good, "id": f"A{i:05}"}) for i in range(30000)]
    lines[28000] = lines[28000].replace('"title"', "title")  # an unquoted key on line 28002
    path = write(tmp_path, "a.json", "[\n" + ",\n".join(lines) + "\n]\n")
    # The key starts at column 18; yajl stops at its second letter, 't' being a valid start
    # (of 'true'), 'ti' not.
    assert refusal(path) == (
        f"{path}: malformed JSON at line 28002, column 19: lexical error: invalid string in "
        "json text."
    )


def test_truncated_json(tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.json", '[{"id": "A", "title": "x", "created_at": "2026-03-01T10:00:00Z"},\n'
    )
    assert (
        refusal(path) == f"{path}: malformed JSON at line 2, column 1: parse error: premature EOF"
    )


def test_json_item_that_is_not_an_object(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", json.dumps({"incidents": ["just text"]}))
    assert refusal(path, format="json") == (
        f"{path}, record incidents[0]: a JSON str, not an incident record (an object)"
    )


def test_csv_row_with_more_cells_than_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER + "A1,x,2026-03-01T10:00:00Z,,,surprise\n")
    assert refusal(path) == f"{path}, record 2: the row has 6 cells but the header has 5 columns"


def test_csv_record_numbers_are_the_line_a_row_starts_on(tmp_path: Path) -> None:
    text = HEADER + 'A1,"two\nlines",2026-03-01T10:00:00Z,,\nA2,x,soon,,\n'
    path = write(tmp_path, "a.csv", text)
    assert refusal(path).startswith(f"{path}, record 4, field 'created_at': 'soon'")


def test_unknown_jira_field_mapping_is_a_configuration_error(tmp_path: Path) -> None:
    path = Path(__file__).parents[1] / "fixtures" / "incidents" / "jira_search.json"
    config = Config(incidents=IncidentsConfig(jira_fields={"sevrity": "customfield_1"}))
    with pytest.raises(ConfigError, match="unknown key 'sevrity' \\(known: severity, service"):
        import_incidents([path], db=tmp_path / "j.duckdb", config=config)


def test_severity_map_ranks_must_be_on_the_scale(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER)
    config = Config(incidents=IncidentsConfig(severity_map={"urgent": 0}))
    with pytest.raises(ConfigError, match="'urgent' must map to a rank from 1 \\(worst\\) to 5"):
        import_incidents([path], db=tmp_path / "j.duckdb", config=config)


def _generic_export(tmp_path: Path, **second: object) -> Path:
    records = json.loads(
        (Path(__file__).parents[1] / "fixtures" / "incidents" / "generic.json").read_text()
    )
    records[1].update(second)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


@pytest.mark.parametrize("records_before", [1, 12_000])
def test_json_integers_beyond_64_bits_import_exactly(tmp_path: Path, records_before: int) -> None:
    """JSON sets no size on integers, and the C parser stops at 64 bits. Met in the first
    pass, the file is read exactly from the start; met later (12,000 records in, past the
    first pass), it is read again exactly from the next record: each record once."""
    huge = 2**70 + 1
    path = _generic_export(tmp_path, pager_ticket=huge)
    first, last = json.loads(path.read_text())
    earlier = [{**first, "id": f"INC-{n}"} for n in range(1000, 1000 + records_before)]
    path.write_text(json.dumps([*earlier, last]), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    import_incidents([path], db=db)
    with duckdb.connect(str(db), read_only=True) as conn:
        count = conn.execute("SELECT count(*) FROM incidents").fetchone()
        raw = conn.execute("SELECT raw FROM incidents WHERE incident_id = 'generic:INC-8'")
        assert count == (records_before + 1,)
        assert json.loads(raw.fetchone()[0])["pager_ticket"] == huge


def test_an_integer_too_large_for_a_number_field_names_its_record_and_field(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.duckdb"
    with pytest.raises(IncidentImportError) as caught:
        import_incidents([_generic_export(tmp_path, effort_minutes=10**400)], db=db)
    assert (caught.value.record, caught.value.field) == ("[1]", "effort_minutes")
    assert "an integer of about 401 digits is too large a number" in str(caught.value)
    assert not db.exists()


@pytest.mark.parametrize("before", ["", "\ufeff"])
def test_an_integer_beyond_pythons_digit_limit_is_placed_at_its_line_and_column(
    tmp_path: Path, before: str
) -> None:
    path = _generic_export(tmp_path)
    # multi-byte text first: the parser counts characters, the position is in bytes
    text = path.read_text().replace(
        '"INC-8",', '"INC-8", "note": "café ☕",\n "n": 1' + "0" * 5000 + ","
    )
    path.write_text(before + text, encoding="utf-8")
    where = (before + text).encode("utf-8").index(b"1" + b"0" * 5000)
    line = (before + text).encode("utf-8")[:where].count(b"\n") + 1
    column = where - (before + text).encode("utf-8")[:where].rfind(b"\n")
    db = tmp_path / "s.duckdb"
    with pytest.raises(IncidentImportError) as caught:
        import_incidents([path], db=db)
    assert str(caught.value) == (
        f"{path}: malformed JSON at line {line}, column {column}: a number of 5,001 digits, "
        f"more than the {sys.get_int_max_str_digits():,} Python reads"
    )
    assert not db.exists()


def test_a_long_bad_value_is_cut_short_in_the_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER + "A1,x," + "9" * 5000 + ",,\n")
    message = refusal(path)
    assert message == (
        f"{path}, record 2, field 'created_at': '{'9' * 80}...' (5,000 characters) is not a "
        "timestamp (expected ISO 8601 with an offset, e.g. 2026-03-01T10:15:00Z)"
    )

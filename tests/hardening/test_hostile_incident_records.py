"""Property: any record, however broken, either imports or fails with a JevonsError naming
the file, the record and (for a bad value) the field; no other exception escapes, and a
failed file leaves the store as it was.

Records are each source's documented fixture record with fields replaced by arbitrary JSON
values (huge numbers, hostile strings, wrong types, nesting) or removed, and CSV rows with
arbitrary cell text; every importer is exercised, by name and by detection."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.config import Config, IncidentsConfig
from analyzer.errors import IncidentImportError, JevonsError
from analyzer.incidents import import_incidents

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "incidents"
#: fixture file, the key holding its records (None: a bare list), the --format name
JSON_SOURCES = {
    "generic.json": (None, "json"),
    "github_issues.json": (None, "github"),
    "incidentio.json": ("incidents", "incidentio"),
    "jira_search.json": ("issues", "jira"),
    "opsgenie_alerts.json": ("data", "opsgenie"),
    "opsgenie_incidents.json": ("data", "opsgenie"),
    "pagerduty_analytics.json": ("data", "pagerduty"),
    "pagerduty_rest.json": ("incidents", "pagerduty"),
}
CSV_SOURCES = {"generic.csv": "csv", "jira_export.csv": "jira"}
JIRA = Config(
    incidents=IncidentsConfig(
        jira_fields={"severity": "customfield_10050", "service": "customfield_10060"}
    )
)

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "2026-13-45T25:61:00+99:00",
            "2024-01-01T00:00:00",
            "9999-12-31T23:59:59+14:00",
            "0001-01-01T00:00:00Z",
            "1e309",
            "-0",
            "NaN",
            "<script>alert(1)</script>",
            "\x1b[31mred\x1b[0m",
            "\x00\x01\x02",
            "@everyone",
            "x" * 5000,
            "SEV0",
            "P9",
            "critical",
        ]
    ),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    # JSON integers of any size (beyond 64 bits the file is read with the exact parser)
    st.integers(min_value=-(10**100), max_value=10**100),
    st.floats(allow_nan=False, allow_infinity=False),
    HOSTILE_TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _template(name: str) -> tuple[Any, list[Any], str | None]:
    key, _ = JSON_SOURCES[name]
    document = json.loads((FIXTURES / name).read_text())
    records = document if key is None else document[key]
    return document, records, key


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a record (dict keys and list indexes), depth first."""
    found: list[tuple[Any, ...]] = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _mutate(record: Any, path: tuple[Any, ...], replacement: Any, delete: bool) -> Any:
    record = json.loads(json.dumps(record))
    parent = record
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return record


@st.composite
def broken_json_file(draw: st.DrawFn) -> tuple[str, str, bool]:
    """A source's fixture file, its first record broken in up to three places (or replaced
    by any JSON value); the file's text, the source's format name, and whether the broken
    record is still an object (so an error about it must name a field)."""
    name = draw(st.sampled_from(sorted(JSON_SOURCES)))
    document, records, key = _template(name)
    record = records[0]
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(record)
        if not paths:
            break
        record = _mutate(
            record, draw(st.sampled_from(paths)), draw(JSON_VALUES), draw(st.booleans())
        )
    if draw(st.booleans()):
        record = draw(JSON_VALUES)  # not even an object
    broken = [record, *records[1:]]
    if key is None:
        document = broken
    else:
        document[key] = broken
    return json.dumps(document), JSON_SOURCES[name][1], isinstance(record, dict)


@st.composite
def broken_csv_file(draw: st.DrawFn) -> tuple[str, str, bool]:
    """A CSV fixture with cells of its first row replaced by arbitrary text."""
    name = draw(st.sampled_from(sorted(CSV_SOURCES)))
    rows = list(csv.reader(io.StringIO((FIXTURES / name).read_text(), newline="")))
    header, first = rows[0], list(rows[1])
    for _ in range(draw(st.integers(1, 4))):
        first[draw(st.integers(0, len(first) - 1))] = draw(HOSTILE_TEXT).replace("\x00", "")
    out = io.StringIO()
    csv.writer(out).writerows([header, first, *rows[2:]])
    return out.getvalue(), CSV_SOURCES[name], True


def _incidents(db: Path) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute("SELECT * FROM incidents ORDER BY incident_id").fetchall()


def _check_import(text: str, fmt: str, source: Path, db: Path, *, is_object: bool) -> None:
    source.write_text(text, encoding="utf-8")
    before = _incidents(db)
    try:
        import_incidents([source], db=db, format=fmt, config=JIRA)
    except IncidentImportError as exc:
        assert exc.path == str(source), exc
        if exc.record is None:  # only the file as a whole: its format could not be told
            assert fmt == "auto" and "cannot tell the format" in str(exc), exc
        else:
            assert f"record {exc.record}" in str(exc), exc
            assert exc.field is not None or not is_object, exc  # which field
        assert _incidents(db) == before  # the file landed not at all
    except JevonsError:
        assert _incidents(db) == before


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("records")


IMPORT_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@IMPORT_SETTINGS
@given(broken=broken_json_file(), detect=st.booleans())
def test_any_json_record_imports_or_fails_naming_its_record(
    broken: tuple[str, str, bool], detect: bool, work: Path
) -> None:
    text, fmt, is_object = broken
    with tempfile.TemporaryDirectory(dir=work) as scratch:
        source = Path(scratch) / "export.json"
        _check_import(
            text, "auto" if detect else fmt, source, work / "s.duckdb", is_object=is_object
        )


@IMPORT_SETTINGS
@given(broken=broken_csv_file(), detect=st.booleans())
def test_any_csv_row_imports_or_fails_naming_its_row(
    broken: tuple[str, str, bool], detect: bool, work: Path
) -> None:
    text, fmt, is_object = broken
    with tempfile.TemporaryDirectory(dir=work) as scratch:
        source = Path(scratch) / "export.csv"
        _check_import(
            text, "auto" if detect else fmt, source, work / "s.duckdb", is_object=is_object
        )

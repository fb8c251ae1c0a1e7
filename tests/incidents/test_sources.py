"""Every source's export, written from its documented fields, lands as the normalised rows
the rest of Jevons relies on: prefixed ids, the SEV1..SEV5 scale, UTC times, load figures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from analyzer.config import Config, IncidentsConfig
from analyzer.incidents import import_incidents

FIXTURES = Path(__file__).parents[1] / "fixtures" / "incidents"


def stored(db: Path) -> dict[str, dict[str, Any]]:
    """Every stored incident as a dict of its columns, by id."""
    with duckdb.connect(str(db), read_only=True) as conn:
        cursor = conn.execute("SELECT * FROM incidents ORDER BY incident_id")
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def utc(text: str) -> dt.datetime:
    """A UTC time as the store holds it (no zone)."""
    return dt.datetime.fromisoformat(text)


def jira_config(**fields: str) -> Config:
    return Config(incidents=IncidentsConfig(jira_fields=fields))


def test_pagerduty_rest_incidents(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    summary = import_incidents([FIXTURES / "pagerduty_rest.json"], db=db)

    assert summary.files[0].shape == "PagerDuty REST v2 incidents"
    assert summary.files[0].detected
    rows = stored(db)
    assert set(rows) == {"pagerduty:Q1ABCDEF2GHIJK", "pagerduty:Q2LMNOPQ3RSTUV"}
    first = rows["pagerduty:Q1ABCDEF2GHIJK"]
    assert first["source"] == "pagerduty"
    assert first["reference"] == "#1234"
    assert first["title"] == "Checkout API p99 latency above 2s"
    assert (first["severity"], first["severity_rank"]) == ("SEV2", 2)  # priority P2
    assert first["service"] == "checkout-api"
    assert first["status"] == "resolved"
    assert first["created_at"] == utc("2026-03-02 09:15")
    assert first["acknowledged_at"] == utc("2026-03-02 09:19:30")  # the earliest of two
    assert first["resolved_at"] == utc("2026-03-02 10:02")
    assert first["url"] == "https://example.pagerduty.com/incidents/Q1ABCDEF2GHIJK"
    assert first["description"] == "Latency alarm from the checkout API load balancer."
    assert json.loads(first["raw"])["incident_key"] == "checkout-latency"
    assert first["source_file"] == str(FIXTURES / "pagerduty_rest.json")
    second = rows["pagerduty:Q2LMNOPQ3RSTUV"]
    assert (second["severity"], second["severity_rank"]) == ("SEV4", 4)  # no priority: urgency low
    assert second["created_at"] == utc("2026-03-03 09:00")  # +02:00 converted
    assert second["acknowledged_at"] is None
    assert second["resolved_at"] is None


def test_pagerduty_analytics_records_bring_effort_and_interruptions(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    summary = import_incidents([FIXTURES / "pagerduty_analytics.json"], db=db)

    assert summary.files[0].shape == "PagerDuty analytics raw incidents"
    rows = stored(db)
    major = rows["pagerduty:Q3WXYZAB4CDEFG"]
    assert major["reference"] == "#1301"
    assert major["title"] is None  # analytics records have no title; none is invented
    assert (major["severity"], major["service"]) == ("SEV1", "payments-worker")
    assert major["acknowledged_at"] == utc("2026-03-04 22:15")  # created + 300 s
    assert major["resolved_at"] == utc("2026-03-04 23:40")
    assert major["effort_minutes"] == 120.0  # engaged_seconds 7200
    assert major["interruptions"] == 4
    assert major["off_hours_interruptions"] == 3  # off-hour 1 + sleep-hour 2
    assert major["off_hours_minutes"] is None  # PagerDuty counts interruptions, not minutes
    minor = rows["pagerduty:Q4HIJKLM5NOPQR"]
    assert minor["effort_minutes"] == 30.0  # user-defined effort wins over engaged time
    assert minor["severity"] == "SEV4"
    assert minor["acknowledged_at"] is None


def test_opsgenie_alerts_times_come_from_report_delays(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    summary = import_incidents([FIXTURES / "opsgenie_alerts.json"], db=db)

    assert summary.files[0].shape == "Opsgenie alerts"
    alert = stored(db)["opsgenie:70413a06-38d6-4c85-92b8-5ebc900d42e2"]
    assert alert["reference"] == "#1791"
    assert alert["title"] == "Disk usage above 90% on db-primary"
    assert (alert["severity"], alert["severity_rank"]) == ("SEV3", 3)
    assert alert["service"] == "orders-db"  # from the service: tag
    assert alert["created_at"] == utc("2026-03-05 04:00")
    assert alert["acknowledged_at"] == utc("2026-03-05 04:01:30")  # ackTime 90,000 ms
    assert alert["resolved_at"] == utc("2026-03-05 05:00")  # closeTime 3,600,000 ms
    still_open = stored(db)["opsgenie:0a9e1d37-7c4b-4d1e-9a53-3f1f0c2b6e11"]
    assert (still_open["severity"], still_open["resolved_at"]) == ("SEV2", None)


def test_opsgenie_incidents(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    summary = import_incidents([FIXTURES / "opsgenie_incidents.json"], db=db)

    assert summary.files[0].shape == "Opsgenie incidents"
    incident = stored(db)["opsgenie:4d5e6f70-1a2b-4c3d-8e9f-0a1b2c3d4e5f"]
    assert incident["reference"] == "#42"
    assert (incident["severity"], incident["service"]) == ("SEV1", "search-api")
    assert incident["resolved_at"] == utc("2026-03-06 15:00")  # impactEndDate


def test_incidentio_incidents_with_workload_and_named_timestamps(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    summary = import_incidents([FIXTURES / "incidentio.json"], db=db)

    assert summary.files[0].shape == "incident.io IncidentV2"
    assert summary.files[0].filtered == {"a test incident": 1}
    rows = stored(db)
    assert set(rows) == {
        "incidentio:01HQZ8W6K2E5C3V7X9Y1ABCDEF",
        "incidentio:01HQZ8W6K2E5C3V7X9Y1GHIJKL",
    }
    payments = rows["incidentio:01HQZ8W6K2E5C3V7X9Y1ABCDEF"]
    assert payments["reference"] == "INC-123"
    assert payments["title"] == "Card payments failing for 3DS"
    assert payments["description"].startswith("Card payments requiring 3DS")
    assert (payments["severity"], payments["severity_rank"]) == ("SEV2", 2)  # Major
    assert payments["status"] == "Closed"
    assert payments["service"] == "payments-gateway"
    assert payments["created_at"] == utc("2026-03-07 08:01")
    assert payments["acknowledged_at"] == utc("2026-03-07 08:04")
    assert payments["resolved_at"] == utc("2026-03-07 09:30")
    assert payments["url"] == "https://app.incident.io/example/incidents/123"
    assert payments["effort_minutes"] == 310.5
    assert payments["off_hours_minutes"] == 190.5  # late 150.5 + sleeping 40
    stale = rows["incidentio:01HQZ8W6K2E5C3V7X9Y1GHIJKL"]
    assert (stale["severity"], stale["effort_minutes"]) == ("SEV3", 0.0)  # incident.io Minor
    assert stale["created_at"] == utc("2026-03-09 15:45")


def test_incidentio_malformed_timestamp_and_custom_field_entries_are_passed_over(
    tmp_path: Path,
) -> None:
    """Found by Hypothesis: a named timestamp that is not an object, or custom field
    values that are not a list, raised AttributeError/TypeError instead of importing
    what the record does say."""
    export = json.loads((FIXTURES / "incidentio.json").read_text(encoding="utf-8"))
    payments = export["incidents"][0]
    payments["incident_timestamp_values"][1]["incident_timestamp"] = True  # Acknowledged at
    payments["custom_field_entries"][0]["values"] = True
    broken = tmp_path / "incidentio.json"
    broken.write_text(json.dumps(export), encoding="utf-8")

    import_incidents([broken], db=tmp_path / "j.duckdb")

    row = stored(tmp_path / "j.duckdb")["incidentio:01HQZ8W6K2E5C3V7X9Y1ABCDEF"]
    assert row["acknowledged_at"] is None and row["service"] is None
    assert row["resolved_at"] == utc("2026-03-07 09:30")


def test_jira_search_json_with_mapped_custom_fields(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    config = jira_config(severity="customfield_10042", service="customfield_10050")
    summary = import_incidents([FIXTURES / "jira_search.json"], db=db, config=config)

    assert summary.files[0].shape == "Jira search JSON"
    rows = stored(db)
    login = rows["jira:OPS-42"]
    assert login["reference"] == "OPS-42"
    assert (login["severity"], login["service"]) == ("SEV1", "auth-service")  # custom fields
    assert login["created_at"] == utc("2026-03-08 09:00")  # +0100
    assert login["resolved_at"] == utc("2026-03-08 11:30")
    assert login["status"] == "Resolved"
    assert login["effort_minutes"] == 90.0  # timespent 5400 s
    assert login["url"] == "https://example.atlassian.net/browse/OPS-42"
    search = rows["jira:OPS-43"]
    assert (search["severity"], search["service"]) == ("SEV3", "search")  # priority, component
    assert search["description"] == (
        "Queries over 10k products time out.\nStarted after the index rebuild."
    )


def test_jira_without_a_mapping_falls_back_to_priority_and_components(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    import_incidents([FIXTURES / "jira_search.json"], db=db)

    login = stored(db)["jira:OPS-42"]
    assert (login["severity"], login["service"]) == ("SEV2", "web")


def test_jira_csv_export_with_column_titles(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    config = jira_config(severity="Severity", service="Affected services")
    summary = import_incidents(
        [FIXTURES / "jira_export.csv"], db=db, config=config, timezone="Europe/Paris"
    )

    assert summary.files[0].shape == "Jira CSV export"
    rows = stored(db)
    login = rows["jira:OPS-42"]
    assert login["title"] == "Login page returns 502"
    assert (login["severity"], login["service"]) == ("SEV1", "auth-service")
    assert login["created_at"] == utc("2026-03-08 09:00")  # 10:00 in Paris
    assert login["resolved_at"] == utc("2026-03-08 11:30")
    assert json.loads(login["raw"])["Labels"] == ["outage", "login"]  # repeated column kept
    search = rows["jira:OPS-43"]
    assert (search["severity"], search["resolved_at"]) == ("SEV3", None)


def test_github_issues_label_filter_and_root_cause_line(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    summary = import_incidents([FIXTURES / "github_issues.json"], db=db)

    assert summary.files[0].shape == "GitHub issues"
    assert summary.files[0].filtered == {
        "not labelled 'incident'": 1,
        "a pull request, not an issue": 1,
    }
    rows = stored(db)
    assert set(rows) == {"github:example-org/shop#42", "github:example-org/shop#45"}
    checkout = rows["github:example-org/shop#42"]
    assert checkout["reference"] == "example-org/shop#42"
    assert checkout["cause_commits"] == ["3f2a9c1d"]
    assert checkout["created_at"] == utc("2026-03-10 14:00")
    assert checkout["resolved_at"] == utc("2026-03-10 15:10")  # closed_at
    assert (checkout["severity"], checkout["service"]) == ("SEV2", "checkout")  # labels
    assert checkout["url"] == "https://github.com/example-org/shop/issues/42"
    open_issue = rows["github:example-org/shop#45"]
    assert (open_issue["resolved_at"], open_issue["cause_commits"]) == (None, [])


def test_github_label_comes_from_the_option_over_the_config(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    import_incidents([FIXTURES / "github_issues.json"], db=db, github_label="enhancement")

    assert set(stored(db)) == {"github:example-org/shop#43"}


@pytest.mark.parametrize("name", ["generic.csv", "generic.json"])
def test_generic_csv_and_json_give_the_same_rows(tmp_path: Path, name: str) -> None:
    db = tmp_path / "j.duckdb"
    summary = import_incidents([FIXTURES / name], db=db)

    assert summary.files[0].shape == "Jevons generic incidents"
    rows = stored(db)
    orders = rows["generic:INC-7"]
    assert orders["reference"] == "INC-7"
    assert (orders["severity"], orders["service"]) == ("SEV2", "orders")
    assert orders["acknowledged_at"] == utc("2026-03-11 07:05")
    assert orders["resolved_at"] == utc("2026-03-11 08:00")
    assert orders["fix_commits"] == ["a1b2c3d", "e4f5a6b7"]  # lower-cased
    assert orders["cause_commits"] == ["9f8e7d6c", "0a1b2c3d"]  # ';' separated in CSV
    assert orders["url"] == "https://status.example.com/incidents/7"
    cache = rows["generic:INC-8"]
    assert (cache["severity"], cache["created_at"]) == ("SEV3", utc("2026-03-12 23:30"))
    assert (cache["fix_commits"], cache["resolved_at"]) == ([], None)


def test_the_same_native_id_from_two_tools_makes_two_incidents(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    generic = tmp_path / "mine.json"
    generic.write_text(
        json.dumps([{"id": "Q1ABCDEF2GHIJK", "title": "x", "created_at": "2026-03-01T00:00:00Z"}])
    )
    import_incidents([FIXTURES / "pagerduty_rest.json", generic], db=db)

    assert {"pagerduty:Q1ABCDEF2GHIJK", "generic:Q1ABCDEF2GHIJK"} <= set(stored(db))


def test_ui_export_column_titles_are_read_like_the_api_names(tmp_path: Path) -> None:
    # A CSV whose headers spell the documented analytics fields the way UI exports title
    # columns ("Incident Number" for incident_number, "Created At" for created_at).
    path = tmp_path / "pagerduty.csv"
    path.write_text(
        "Id,Incident Number,Created At,Resolved At,Status,Urgency,Priority Name,Service Name,"
        "Seconds To First Ack,Engaged Seconds,Total Interruptions,Off Hour Interruptions,"
        "Sleep Hour Interruptions\n"
        "Q5STUVWX6YZABC,1400,2026-03-13T02:00:00Z,2026-03-13T03:00:00Z,resolved,high,P2,"
        "search-api,120,2400,3,1,1\n"
    )
    db = tmp_path / "j.duckdb"
    summary = import_incidents([path], db=db)

    assert summary.files[0].shape == "PagerDuty analytics raw incidents"
    row = stored(db)["pagerduty:Q5STUVWX6YZABC"]
    assert (row["reference"], row["severity"], row["service"]) == ("#1400", "SEV2", "search-api")
    assert row["acknowledged_at"] == utc("2026-03-13 02:02")
    assert (row["effort_minutes"], row["interruptions"], row["off_hours_interruptions"]) == (
        40.0,
        3,
        2,
    )

"""Incident exports in the shapes real tools produce.

Each service's team pages through one tool, so every incident appears in exactly one
export: PagerDuty REST v2 ``GET /incidents`` JSON (checkout, storefront), incident.io API
v2 ``IncidentV2`` JSON (payments, platform) and Jevons' generic CSV (a Jira export kept by
the inventory and notifications teams; some rows name the causing and fixing commits).
Together the three files hold every incident once.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import random
import string

from sample_repos.history import IncidentPlan
from sample_repos.messages import incident_reference
from sample_repos.people import TEAM
from sample_repos.services import SERVICE_BY_NAME

EXPORT_FILES = {
    "pagerduty": "incidents/pagerduty-incidents.json",
    "incidentio": "incidents/incident-io-incidents.json",
    "csv": "incidents/incidents.csv",
}
CSV_FIELDS = (
    "id",
    "title",
    "created_at",
    "resolved_at",
    "severity",
    "service",
    "url",
    "description",
    "fix_commits",
    "cause_commits",
)
_PD_ALPHABET = string.ascii_uppercase + string.digits
_ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_IO_SEVERITIES = {1: ("Critical", 4), 2: ("Major", 3), 3: ("Minor", 2), 4: ("Low", 1)}


@dataclasses.dataclass(frozen=True)
class Links:
    """The commits an incident's record may name (explicit links), as the tool saw them."""

    cause: tuple[str, ...] = ()
    fix: tuple[str, ...] = ()


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc_micro(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def amsterdam(at: dt.datetime) -> dt.datetime:
    """Central European time with its summer shift (the Jira site's zone), no tz database."""

    def last_sunday(month: int) -> dt.datetime:
        day = dt.datetime(at.year, month, 31, 1, tzinfo=dt.UTC)
        return day - dt.timedelta(days=(day.weekday() + 1) % 7)

    summer = last_sunday(3) <= at.astimezone(dt.UTC) < last_sunday(10)
    return at.astimezone(dt.timezone(dt.timedelta(hours=2 if summer else 1)))


class IncidentIds:
    """Stable, tool-shaped ids for each incident."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}:incident-ids")

    def pagerduty(self) -> str:
        return "Q" + "".join(self.rng.choice(_PD_ALPHABET) for _ in range(13))

    def ulid(self, at: dt.datetime) -> str:
        millis = int(at.timestamp() * 1000)
        stamp = "".join(_ULID_ALPHABET[(millis >> (5 * i)) & 31] for i in reversed(range(10)))
        return stamp + "".join(self.rng.choice(_ULID_ALPHABET) for _ in range(16))

    def reference_id(self, prefix: str) -> str:
        return prefix + "".join(self.rng.choice(_PD_ALPHABET) for _ in range(6))


def _pd_ref(kind: str, ref_id: str, summary: str) -> dict[str, object]:
    plural = {
        "service": "services",
        "user": "users",
        "team": "teams",
        "escalation_policy": "escalation_policies",
    }[kind]
    return {
        "id": ref_id,
        "type": f"{kind}_reference",
        "summary": summary,
        "self": f"https://api.pagerduty.com/{plural}/{ref_id}",
        "html_url": f"https://acme-example.pagerduty.com/{plural.replace('_', '-')}/{ref_id}",
    }


def pagerduty_record(incident: IncidentPlan, pd_id: str, ids: IncidentIds) -> dict[str, object]:
    """One incident exactly as PagerDuty's REST API v2 returns it."""
    service = SERVICE_BY_NAME.get(incident.service)
    team = service.team if service else "Platform"
    responder = ids.rng.choice(TEAM)
    user = _pd_ref("user", ids.reference_id("PU"), responder.identity.name)
    resolved = incident.resolved_at
    status = "resolved" if resolved else "acknowledged"
    last_change = resolved or incident.acknowledged_at
    priority = (
        None
        if incident.severity == 4 and ids.rng.random() < 0.5
        else {
            "id": f"P{incident.severity}PRIO0",
            "type": "priority",
            "summary": f"P{incident.severity}",
            "self": f"https://api.pagerduty.com/priorities/P{incident.severity}PRIO0",
            "name": f"P{incident.severity}",
        }
    )
    alerts = ids.rng.randint(1, 6)
    return {
        "id": pd_id,
        "type": "incident",
        "summary": f"[#{incident.number}] {incident.title}",
        "self": f"https://api.pagerduty.com/incidents/{pd_id}",
        "html_url": f"https://acme-example.pagerduty.com/incidents/{pd_id}",
        "incident_number": incident.number,
        "title": incident.title,
        "description": incident.title,
        "created_at": _utc(incident.created_at),
        "updated_at": _utc(last_change),
        "status": status,
        "incident_key": "".join(ids.rng.choice("0123456789abcdef") for _ in range(32)),
        "service": _pd_ref("service", f"PSV{incident.service.upper()[:4]}1", incident.service),
        "assignments": []
        if resolved
        else [{"at": _utc(incident.acknowledged_at), "assignee": user}],
        "assigned_via": "escalation_policy",
        "last_status_change_at": _utc(last_change),
        "last_status_change_by": user,
        "first_trigger_log_entry": {
            "id": ids.reference_id("R"),
            "type": "trigger_log_entry_reference",
            "summary": "Triggered through the API.",
        },
        "alert_counts": {
            "all": alerts,
            "triggered": 0 if resolved else alerts,
            "resolved": alerts if resolved else 0,
        },
        "is_mergeable": True,
        "escalation_policy": _pd_ref(
            "escalation_policy",
            f"PEP{incident.service.upper()[:4]}1",
            f"{incident.service} on-call",
        ),
        "teams": [_pd_ref("team", f"PT{team.upper()[:4]}1", team)],
        "pending_actions": [],
        "acknowledgements": [{"at": _utc(incident.acknowledged_at), "acknowledger": user}],
        "alert_grouping": None,
        "urgency": "high" if incident.severity <= 2 else "low",
        "priority": priority,
        "resolve_reason": None,
        "incident_type": {"name": "incident_default"},
        "resolved_at": _utc(resolved) if resolved else None,
        "conference_bridge": None,
        "body": {"type": "incident_body", "details": f"{incident.title} ({incident.service})"},
    }


def _timestamp(
    name: str, rank: int, value: dt.datetime | None, ids: IncidentIds
) -> dict[str, object]:
    return {
        "incident_timestamp": {
            "id": ids.ulid(dt.datetime(2024, 1, rank, tzinfo=dt.UTC)),
            "name": name,
            "rank": rank,
        },
        "value": {"value": _utc_micro(value)} if value else None,
    }


def incidentio_record(incident: IncidentPlan, io_id: str, ids: IncidentIds) -> dict[str, object]:
    """One incident as incident.io's API v2 (``IncidentV2``) returns it."""
    name, rank = _IO_SEVERITIES[incident.severity]
    lead = ids.rng.choice(TEAM)
    resolved = incident.resolved_at
    minutes = ((resolved or incident.acknowledged_at) - incident.created_at).total_seconds() / 60
    sleeping = (
        minutes * ids.rng.choice((0.0, 0.0, 0.3, 0.6)) if incident.created_at.hour < 6 else 0.0
    )
    return {
        "id": io_id,
        "reference": incident_reference(incident),
        "name": incident.title,
        "summary": f"{incident.title}. Impact limited to {incident.service}.",
        "mode": "standard",
        "visibility": "public",
        "severity": {
            "id": f"01SEV{rank}",
            "name": name,
            "rank": rank,
            "description": f"{name} impact",
        },
        "incident_status": (
            {"id": "01STATUSCLOSED", "name": "Closed", "category": "closed", "rank": 4}
            if resolved
            else {"id": "01STATUSINVEST", "name": "Investigating", "category": "live", "rank": 1}
        ),
        "incident_type": {"id": "01TYPEDEFAULT", "name": "Default", "is_default": True},
        "incident_timestamp_values": [
            _timestamp("Reported at", 1, incident.created_at, ids),
            _timestamp("Accepted at", 2, incident.acknowledged_at, ids),
            _timestamp("Resolved at", 3, resolved, ids),
        ],
        "custom_field_entries": [
            {
                "custom_field": {
                    "id": "01CFSERVICES",
                    "name": "Affected services",
                    "field_type": "multi_select",
                },
                "values": [
                    {
                        "value_catalog_entry": {
                            "id": f"01SVC{incident.service.upper()}",
                            "name": incident.service,
                        }
                    }
                ],
            }
        ],
        "incident_role_assignments": [
            {
                "role": {"id": "01ROLELEAD", "name": "Incident Lead", "role_type": "lead"},
                "assignee": {
                    "id": ids.reference_id("01USER"),
                    "name": lead.identity.name,
                    "email": lead.identity.email,
                    "role": "responder",
                },
            }
        ],
        "external_issue_reference": None,
        "created_at": _utc_micro(incident.created_at),
        "updated_at": _utc_micro(resolved or incident.acknowledged_at),
        "permalink": f"https://app.incident.io/acme-example/incidents/{incident.number}",
        "postmortem_document_url": (
            f"https://docs.example.com/postmortems/INC-{incident.number}"
            if incident.severity <= 2
            else None
        ),
        "workload_minutes_total": round(minutes * 1.6, 1),
        "workload_minutes_working": round(minutes * 1.6 - sleeping, 1),
        "workload_minutes_late": 0.0,
        "workload_minutes_sleeping": round(sleeping, 1),
    }


def csv_row(incident: IncidentPlan, links: Links) -> dict[str, str]:
    """One row of Jevons' generic CSV; timestamps in the Jira site's local time."""
    ref = incident_reference(incident)
    resolved = incident.resolved_at
    return {
        "id": ref,
        "title": incident.title,
        "created_at": amsterdam(incident.created_at).isoformat(),
        "resolved_at": amsterdam(resolved).isoformat() if resolved else "",
        "severity": f"SEV{incident.severity}",
        "service": incident.service,
        "url": f"https://acme-example.atlassian.net/browse/{ref}",
        "description": f"{incident.title}; tracked by the {incident.service} team.",
        "fix_commits": " ".join(links.fix),
        "cause_commits": "; ".join(links.cause),
    }


def render_exports(
    incidents: list[IncidentPlan], links: dict[int, Links], seed: int
) -> tuple[dict[str, str], dict[int, dict[str, object]]]:
    """The three export files' text, and each incident's ids as they appear in its export."""
    ids = IncidentIds(seed)
    pagerduty: list[dict[str, object]] = []
    incidentio: list[dict[str, object]] = []
    rows: list[dict[str, str]] = []
    seen: dict[int, dict[str, object]] = {}
    for incident in incidents:
        if incident.source == "pagerduty":
            pd_id = ids.pagerduty()
            pagerduty.append(pagerduty_record(incident, pd_id, ids))
            seen[incident.key] = {"id": pd_id, "incident_number": incident.number}
        elif incident.source == "incidentio":
            io_id = ids.ulid(incident.created_at)
            incidentio.append(incidentio_record(incident, io_id, ids))
            seen[incident.key] = {"id": io_id, "reference": incident_reference(incident)}
        else:
            rows.append(csv_row(incident, links.get(incident.key, Links())))
            seen[incident.key] = {"id": incident_reference(incident)}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    texts = {
        EXPORT_FILES["pagerduty"]: json.dumps(
            {
                "incidents": pagerduty,
                "limit": len(pagerduty),
                "offset": 0,
                "total": None,
                "more": False,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        EXPORT_FILES["incidentio"]: json.dumps(
            {"incidents": incidentio, "pagination_meta": {"after": None, "page_size": 250}},
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        EXPORT_FILES["csv"]: buffer.getvalue(),
    }
    return texts, seen

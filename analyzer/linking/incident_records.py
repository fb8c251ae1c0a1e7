"""Incidents as linking reads them from the store, with every reference they go by."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import duckdb

#: Fields of the original record (``incidents.raw``) that hold the reference people write
#: in commit messages: incident.io ``reference``, PagerDuty ``incident_number``, Jira
#: ``key``/``Issue key``, GitHub ``number``, Opsgenie ``tinyId``.
RAW_REFERENCE_FIELDS = ("reference", "incident_number", "key", "Issue key", "number", "tinyId")
#: Fields of the original record that may carry a ``root cause:`` line, when the importer
#: left ``description`` empty.
RAW_TEXT_FIELDS = ("body", "description", "summary")


@dataclasses.dataclass(frozen=True)
class IncidentRecord:
    """One incident: its time, service, named commits, free text and references."""

    incident_id: str
    source: str
    created_at: dt.datetime
    service: str | None = None
    fix_commits: tuple[str, ...] = ()
    cause_commits: tuple[str, ...] = ()
    text: str = ""
    references: frozenset[str] = frozenset()


def normalize_reference(text: str) -> str:
    """One spelling per reference: ``#0042`` -> ``42``, ``inc-7`` -> ``INC-7``."""
    cleaned = text.strip().lstrip("#").strip().upper()
    return str(int(cleaned)) if cleaned.isdigit() else cleaned


def read_incidents(conn: duckdb.DuckDBPyConnection) -> list[IncidentRecord]:
    """Every stored incident, oldest first."""
    rows = conn.execute(
        """SELECT incident_id, source, created_at, service, fix_commits, cause_commits,
                  title, description, CAST(raw AS VARCHAR), reference
           FROM incidents ORDER BY created_at, incident_id"""
    ).fetchall()
    return [_record(*row) for row in rows]


def _record(
    incident_id: str,
    source: str,
    created_at: dt.datetime,
    service: str | None,
    fix_commits: list[str] | None,
    cause_commits: list[str] | None,
    title: str | None,
    description: str | None,
    raw_text: str | None,
    reference: str | None,
) -> IncidentRecord:
    raw = _raw(raw_text)
    refs = {incident_id, _without_source(incident_id, source)}
    if reference:
        refs.add(reference)
    refs.update(str(raw[field]) for field in RAW_REFERENCE_FIELDS if _scalar(raw.get(field)))
    # the description is the importer's reading of the record's text; the raw fields are
    # read only when it has none (an importer that does not know where the text is)
    texts = (
        [description]
        if description
        else [str(raw[field]) for field in RAW_TEXT_FIELDS if isinstance(raw.get(field), str)]
    )
    return IncidentRecord(
        incident_id=incident_id,
        source=source,
        created_at=created_at,
        service=service,
        fix_commits=tuple(fix_commits or ()),
        cause_commits=tuple(cause_commits or ()),
        text="\n".join(dict.fromkeys(t for t in texts if t)),
        references=frozenset(normalize_reference(r) for r in refs if r.strip()),
    )


def _raw(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _scalar(value: object) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip() != ""


def _without_source(incident_id: str, source: str) -> str:
    for separator in (":", "/", "-", "_"):
        prefix = f"{source}{separator}"
        if source and incident_id.lower().startswith(prefix.lower()):
            return incident_id[len(prefix) :]
    return incident_id

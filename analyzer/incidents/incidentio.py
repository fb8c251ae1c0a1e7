"""incident.io: API v2 ``IncidentV2`` records (a list, or ``{"incidents": [...]}``).

incident.io keeps lifecycle times as a list of named timestamps (``incident_timestamp_values``)
and the affected service as a custom field, so both are looked up by name. Its workload
fields are a ready-made on-call load figure: ``workload_minutes_total`` is the effort, and the
late and sleeping minutes together are the off-hours share. Test and tutorial incidents are
left out: they are not incidents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analyzer.incidents.normalise import ImportContext, Signature, SourceFormat, total
from analyzer.incidents.record import Found, RecordView, as_list, as_text, loose_key

FIELDS = {
    "id": ("id",),
    "reference": ("reference",),
    "title": ("name",),
    "description": ("summary",),
    "status": ("incident_status",),
    "url": ("permalink",),
    "created_at": ("created_at",),
    "severity": ("severity",),
    "effort_minutes": ("workload_minutes_total",),
}
#: Timestamp names (compared loosely) that mean acknowledged and resolved.
_TIMESTAMP_NAMES = {
    "acknowledged_at": ("accepted", "acceptedat", "acknowledged", "acknowledgedat"),
    "resolved_at": ("resolved", "resolvedat"),
}
_SERVICE_FIELDS = ("affectedservices", "affectedservice", "services", "service")
_NOT_INCIDENTS = ("test", "tutorial")


def _keep(view: RecordView, ctx: ImportContext) -> str | None:
    mode = as_text(view.get("mode"))
    return f"a {mode} incident" if mode in _NOT_INCIDENTS else None


def _derive(view: RecordView, ctx: ImportContext) -> Mapping[str, Found]:
    derived: dict[str, Found] = {}
    stamps = _named_timestamps(view.get("incident_timestamp_values"))
    for field, names in _TIMESTAMP_NAMES.items():
        value = next((stamps[n] for n in names if n in stamps), None)
        if value is not None:
            derived[field] = Found("incident_timestamp_values", value)
    off_hours = total(view, ("workload_minutes_late", "workload_minutes_sleeping"))
    if off_hours is not None:
        derived["off_hours_minutes"] = off_hours
    service = _custom_field(view.get("custom_field_entries"), _SERVICE_FIELDS)
    if service is not None:
        derived["service"] = Found("custom_field_entries", service)
    return derived


def _named_timestamps(values: Any) -> dict[str, Any]:
    """``{loose name: value}`` from ``[{"incident_timestamp": {"name"}, "value": {"value"}}]``."""
    named: dict[str, Any] = {}
    for entry in as_list(values):
        if not isinstance(entry, dict):
            continue
        stamp = entry.get("incident_timestamp")
        name = as_text(stamp.get("name")) if isinstance(stamp, dict) else None
        value = entry.get("value")
        value = value.get("value") if isinstance(value, dict) else value
        if name and value:
            named.setdefault(loose_key(name), value)
    return named


def _custom_field(entries: Any, names: tuple[str, ...]) -> str | None:
    """The first value of the first custom field whose name is one of ``names``."""
    for entry in as_list(entries):
        field = entry.get("custom_field") if isinstance(entry, dict) else None
        if not isinstance(field, dict) or loose_key(str(field.get("name", ""))) not in names:
            continue
        for value in as_list(entry.get("values")):
            text = _entry_value(value)
            if text:
                return text
    return None


def _entry_value(value: Any) -> str | None:
    if not isinstance(value, dict):
        return as_text(value)
    for key in ("value_catalog_entry", "value_option", "value_text", "value_link"):
        text = as_text(value.get(key))
        if text:
            return text
    return None


INCIDENTIO = SourceFormat(
    source="incidentio",
    label="incident.io",
    fields=FIELDS,
    signatures=(
        Signature.of(
            "incident.io IncidentV2",
            "id reference name",
            "incident_status severity permalink mode incident_timestamp_values "
            "workload_minutes_total",
        ),
    ),
    derive=_derive,
    keep=_keep,
)

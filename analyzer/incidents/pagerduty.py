"""PagerDuty: REST API v2 ``GET /incidents`` records and analytics raw-incident records.

Both shapes share ``id``, ``incident_number``, ``created_at``, ``status`` and ``urgency``. The
REST record names its service and priority by reference objects and lists current
acknowledgements; the analytics record is flat (``service_name``, ``priority_name``) and
measures load: seconds to first acknowledgement, engaged or user-defined effort, and
interruptions by business, off and sleep hours (PagerDuty counts them; it records no
off-hours minutes, so Jevons stores the counts).
"""

from __future__ import annotations

from collections.abc import Mapping

from analyzer.incidents.normalise import (
    ImportContext,
    Signature,
    SourceFormat,
    scaled,
    time_after,
    total,
)
from analyzer.incidents.record import Found, RecordView, as_text

FIELDS = {
    "id": ("id", "incident_id"),
    "title": ("title", "description"),
    "description": ("body.details",),
    "status": ("status",),
    "service": ("service", "service_name", "service_id"),
    "url": ("html_url",),
    "created_at": ("created_at", "created_on"),
    "resolved_at": ("resolved_at", "resolved_on"),
    # Priority first (P1..P5, or the account's own names), urgency (high/low) when none.
    "severity": ("priority", "priority_name", "urgency"),
    "interruptions": ("total_interruptions",),
}
_ANALYTICS_KEYS = (
    "service_name priority_name seconds_to_resolve seconds_to_first_ack engaged_seconds "
    "total_interruptions user_defined_effort_seconds"
)


def _derive(view: RecordView, ctx: ImportContext) -> Mapping[str, Found]:
    derived: dict[str, Found] = {}
    number = view.first(("incident_number",))
    if number is not None:
        derived["reference"] = Found(number.path, f"#{as_text(number.value)}")
    acknowledged = _first_acknowledgement(view, ctx) or time_after(
        ctx, view, view.first(("seconds_to_first_ack",)), unit_seconds=1
    )
    if acknowledged is not None:
        derived["acknowledged_at"] = acknowledged
    if view.first(ctx.fields["resolved_at"]) is None and view.get("status") == "resolved":
        changed = view.first(("last_status_change_at",))
        if changed is not None:
            derived["resolved_at"] = changed
    effort = view.first(("user_defined_effort_seconds", "engaged_seconds"))
    if effort is not None:
        derived["effort_minutes"] = scaled(effort, 1 / 60)
    off_hours = total(view, ("off_hour_interruptions", "sleep_hour_interruptions"))
    if off_hours is not None:
        derived["off_hours_interruptions"] = off_hours
    return derived


def _first_acknowledgement(view: RecordView, ctx: ImportContext) -> Found | None:
    acks = view.get("acknowledgements")
    if not isinstance(acks, list):
        return None
    times = [
        ctx.timestamp(Found("acknowledgements.at", ack["at"]))
        for ack in acks
        if isinstance(ack, dict) and ack.get("at")
    ]
    return Found("acknowledgements.at", min(times)) if times else None


PAGERDUTY = SourceFormat(
    source="pagerduty",
    label="PagerDuty",
    fields=FIELDS,
    signatures=(
        Signature.of("PagerDuty analytics raw incidents", "id incident_number", _ANALYTICS_KEYS),
        Signature.of(
            "PagerDuty REST v2 incidents",
            "id incident_number created_at",
            "html_url title urgency escalation_policy service acknowledgements assignments",
        ),
    ),
    required=("id", "created_at"),
    derive=_derive,
)

"""Opsgenie (a legacy source: Atlassian ended new sales in 2025): alerts and incidents.

An alert records when it was acknowledged and closed as delays after creation, in
milliseconds (``report.ackTime``, ``report.closeTime``). An incident records the end of its
impact (``impactEndDate``). Neither names a service directly: Jevons takes an incident's
first impacted service, else a ``service:NAME`` tag, else a ``service`` extra property.
"""

from __future__ import annotations

from collections.abc import Mapping

from analyzer.incidents.normalise import ImportContext, Signature, SourceFormat, time_after
from analyzer.incidents.record import Found, RecordView, as_text

FIELDS = {
    "id": ("id",),
    "title": ("message",),
    "description": ("description",),
    "status": ("status",),
    "created_at": ("createdAt",),
    "resolved_at": ("impactEndDate",),
    "severity": ("priority",),
    "service": (
        "impactedServices",
        "extraProperties.service",
        "extraProperties.Service",
        "details.service",
    ),
}
_TAG_PREFIXES = ("service:", "service=")


def _derive(view: RecordView, ctx: ImportContext) -> Mapping[str, Found]:
    derived: dict[str, Found] = {}
    tiny = view.first(("tinyId",))
    if tiny is not None:
        derived["reference"] = Found(tiny.path, f"#{as_text(tiny.value)}")
    for name, path in (("acknowledged_at", "report.ackTime"), ("resolved_at", "report.closeTime")):
        found = time_after(ctx, view, view.first((path,)), unit_seconds=0.001)
        if found is not None:
            derived[name] = found
    service = _service_tag(view.get("tags"))
    if service is not None and view.first(ctx.fields["service"]) is None:
        derived["service"] = Found("tags", service)
    return derived


def _service_tag(tags: object) -> str | None:
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    if not isinstance(tags, list):
        return None
    for tag in tags:
        text = str(tag).strip()
        for prefix in _TAG_PREFIXES:
            if text.lower().startswith(prefix) and text[len(prefix) :].strip():
                return text[len(prefix) :].strip()
    return None


OPSGENIE = SourceFormat(
    source="opsgenie",
    label="Opsgenie",
    fields=FIELDS,
    signatures=(
        Signature.of(
            "Opsgenie incidents",
            "tinyId message",
            "impactStartDate impactEndDate ownerTeam extraProperties impactedServices",
        ),
        Signature.of(
            "Opsgenie alerts",
            "tinyId message",
            "alias count report acknowledged lastOccurredAt owner",
        ),
    ),
    derive=_derive,
)

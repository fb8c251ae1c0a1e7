"""Claude Code: the Analytics Admin API's daily records, and the OpenTelemetry metrics export.

**Analytics API** (``GET /v1/organizations/usage_report/claude_code``: ``{"data": [...],
"has_more", "next_page"}``): one record per actor and ``date``; ``actor`` is a
``user_actor`` with ``email_address`` or an ``api_actor`` with ``api_key_name``;
``core_metrics`` holds ``num_sessions`` and ``lines_of_code.added`` / ``.removed``;
``tool_actions`` holds ``accepted`` / ``rejected`` per edit tool (``edit_tool``,
``multi_edit_tool``, ``write_tool``, ``notebook_edit_tool``). Claude Code writes a line only
when its edit is accepted, so ``lines_of_code.added`` is the accepted lines.

**OpenTelemetry** (OTLP JSON, as the Collector's file exporter writes it: one
``{"resourceMetrics": [...]}`` document per line): the ``claude_code.lines_of_code.count``
sum with attribute ``type`` = ``added``, ``claude_code.session.count``, and
``claude_code.code_edit_tool.decision`` with ``decision`` = ``accept`` / ``reject``, each data
point carrying ``user.email`` (on the point or its resource) and ``timeUnixNano``. Claude Code
exports deltas by default; a cumulative sum is refused, since adding its points would count
the same lines again and again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from analyzer.incidents.record import RecordView, as_list
from analyzer.incidents.validate import RecordError
from analyzer.usage.formats import ReadContext, UsageFormat, signature
from analyzer.usage.record import (
    UsageKey,
    UsageRecord,
    optional_count,
    parse_count,
    parse_day,
    required,
    who,
)

TOOL = "claude-code"
_EDIT_TOOLS = ("edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool")
_LINES = "claude_code.lines_of_code.count"
_SESSIONS = "claude_code.session.count"
_DECISIONS = "claude_code.code_edit_tool.decision"
_CUMULATIVE = 2  # AGGREGATION_TEMPORALITY_CUMULATIVE in OTLP


def read_analytics_day(record: RecordView, context: ReadContext) -> Iterator[UsageRecord]:
    """One actor's day from the Claude Code Analytics API."""
    day = parse_day(required(record, "date"), "date")
    key = UsageKey("claude-code-analytics", TOOL, day, _actor(record), None)
    suggestions = acceptances = None
    for name in _EDIT_TOOLS:
        accepted = optional_count(
            record.get(f"tool_actions.{name}.accepted"), f"tool_actions.{name}.accepted"
        )
        rejected = optional_count(
            record.get(f"tool_actions.{name}.rejected"), f"tool_actions.{name}.rejected"
        )
        if accepted is not None:
            acceptances = (acceptances or 0) + accepted
            suggestions = (suggestions or 0) + accepted
        if rejected is not None:
            suggestions = (suggestions or 0) + rejected
    yield UsageRecord(
        key,
        lines_accepted=optional_count(
            record.get("core_metrics.lines_of_code.added"), "core_metrics.lines_of_code.added"
        ),
        sessions=optional_count(
            record.get("core_metrics.num_sessions"), "core_metrics.num_sessions"
        ),
        suggestions=suggestions,
        acceptances=acceptances,
    )


def _actor(record: RecordView) -> str:
    actor = required(record, "actor")
    if not isinstance(actor, dict):
        raise RecordError("must be an object", "actor")
    if actor.get("email_address") is not None:
        return who(actor["email_address"], "actor.email_address")
    if actor.get("api_key_name") is not None:
        return "api-key:" + who(actor["api_key_name"], "actor.api_key_name")
    raise RecordError("names neither email_address nor api_key_name", "actor")


def read_otlp_document(record: RecordView, context: ReadContext) -> Iterator[UsageRecord]:
    """Every Claude Code data point of one OTLP metrics document, one record each (the
    importer sums a person's day)."""
    for i, resource in enumerate(as_list(required(record, "resourceMetrics"))):
        base = f"resourceMetrics[{i}]"
        if not isinstance(resource, dict):
            raise RecordError("must be an object", base)
        shared = _attributes(resource.get("resource"), f"{base}.resource.attributes")
        for j, scope in enumerate(as_list(resource.get("scopeMetrics"))):
            for k, metric in enumerate(
                as_list(scope.get("metrics") if isinstance(scope, dict) else None)
            ):
                if isinstance(metric, dict):
                    path = f"{base}.scopeMetrics[{j}].metrics[{k}]"
                    yield from _metric_points(metric, path, shared)


def _metric_points(
    metric: Mapping[str, Any], path: str, shared: Mapping[str, str]
) -> Iterator[UsageRecord]:
    name = metric.get("name")
    if name not in (_LINES, _SESSIONS, _DECISIONS):
        return
    total = metric.get("sum")
    if not isinstance(total, dict):
        raise RecordError(f"{name} must be a sum", f"{path}.sum")
    if total.get("aggregationTemporality") == _CUMULATIVE:
        raise RecordError(
            "cumulative sums cannot be added up by day; export deltas "
            "(OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta, Claude Code's default)",
            f"{path}.sum.aggregationTemporality",
        )
    for n, point in enumerate(as_list(total.get("dataPoints"))):
        where = f"{path}.sum.dataPoints[{n}]"
        if not isinstance(point, dict):
            raise RecordError("must be an object", where)
        record = _point_record(name, point, where, shared)
        if record is not None:
            yield record


def _point_record(
    name: str, point: Mapping[str, Any], where: str, shared: Mapping[str, str]
) -> UsageRecord | None:
    attributes = {**shared, **_attributes(point.get("attributes"), f"{where}.attributes")}
    email = attributes.get("user.email")
    if email is None:
        raise RecordError(
            "names no user.email (on the point or its resource)", f"{where}.attributes"
        )
    day = parse_day(point.get("timeUnixNano"), f"{where}.timeUnixNano")
    value = parse_count(point.get("asInt", point.get("asDouble")), f"{where}.asInt")
    key = UsageKey("claude-code-otel", TOOL, day, who(email, f"{where}.attributes"), None)
    if name == _LINES:
        return UsageRecord(key, lines_accepted=value) if attributes.get("type") == "added" else None
    if name == _SESSIONS:
        return UsageRecord(key, sessions=value)
    accepted = attributes.get("decision") == "accept"
    return UsageRecord(key, suggestions=value, acceptances=value if accepted else 0)


def _attributes(value: Any, path: str) -> dict[str, str]:
    """OTLP ``[{"key": k, "value": {"stringValue": v}}]`` as ``{k: v}`` (strings only)."""
    found: dict[str, str] = {}
    for i, item in enumerate(
        as_list(value.get("attributes") if isinstance(value, dict) else value)
    ):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise RecordError("must be a key and a value", f"{path}[{i}]")
        text = (
            item.get("value", {}).get("stringValue")
            if isinstance(item.get("value"), dict)
            else None
        )
        if isinstance(text, str):
            found[item["key"]] = text
    return found


ANALYTICS = UsageFormat(
    family="claude-code",
    source="claude-code-analytics",
    label="Claude Code Analytics API records",
    signatures=(signature("actor", "core_metrics"),),
    read=read_analytics_day,
)
OPENTELEMETRY = UsageFormat(
    family="claude-code",
    source="claude-code-otel",
    label="Claude Code OpenTelemetry metrics (OTLP JSON)",
    signatures=(signature("resourceMetrics"),),
    read=read_otlp_document,
)

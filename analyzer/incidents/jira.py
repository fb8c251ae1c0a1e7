"""Jira Service Management: search JSON (``{"issues": [...]}``) and the CSV export.

The JSON nests fields (``fields.summary``); the CSV export uses column titles (``Issue key``,
``Summary``, ``Created``), and writes dates without an offset in the exporting user's zone
(so those need ``--timezone``). Severity, affected service and urgency live in custom fields
whose ids differ per site; the user maps them in ``incidents.jira_fields``::

    [tool.jevons.incidents.jira_fields]
    severity = "customfield_10042"   # or, for a CSV, the column title: "Severity"
    service = "customfield_10050"

Severity then comes from the mapped field, else the priority, else the mapped urgency.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analyzer.config import IncidentsConfig
from analyzer.errors import ConfigError
from analyzer.incidents.normalise import (
    FieldPaths,
    ImportContext,
    Signature,
    SourceFormat,
    scaled,
)
from analyzer.incidents.record import Found, RecordView, as_list

FIELDS = {
    "id": ("key", "Issue key"),
    "reference": ("key", "Issue key"),
    "title": ("fields.summary", "Summary"),
    "description": ("fields.description", "Description"),
    "status": ("fields.status", "Status"),
    "service": ("fields.components", "Component/s"),
    "created_at": ("fields.created", "Created"),
    "resolved_at": ("fields.resolutiondate", "Resolved"),
    "severity": ("fields.priority", "Priority"),
}
#: ``jira_fields`` keys and whether the mapped field goes before (True) or after the
#: built-in paths.
MAPPABLE = {
    "severity": True,
    "service": True,
    "urgency": False,
    "fix_commits": True,
    "cause_commits": True,
}


def _customise(fields: FieldPaths, settings: IncidentsConfig) -> FieldPaths:
    paths = dict(fields)
    for key, field_id in settings.jira_fields.items():
        if key not in MAPPABLE:
            raise ConfigError(
                f"incidents.jira_fields: unknown key '{key}' (known: {', '.join(MAPPABLE)})"
            )
        mapped = (f"fields.{field_id}", field_id, f"Custom field ({field_id})")
        target = "severity" if key == "urgency" else key
        before = MAPPABLE[key]
        existing = paths.get(target, ())
        paths[target] = mapped + existing if before else existing + mapped
    return paths


def _derive(view: RecordView, ctx: ImportContext) -> Mapping[str, Found]:
    derived: dict[str, Found] = {}
    spent = view.first(("fields.timespent", "Time Spent"))
    if spent is not None:
        derived["effort_minutes"] = scaled(spent, 1 / 60)
    url = _browse_url(view.get("self"), view.get("key"))
    if url is not None:
        derived["url"] = Found("self", url)
    description = view.get("fields.description")
    if isinstance(description, dict):  # Jira Cloud API v3: Atlassian Document Format
        derived["description"] = Found("fields.description", _adf_text(description))
    return derived


def _browse_url(api_url: Any, key: Any) -> str | None:
    """``https://site/rest/api/2/issue/10001`` and ``OPS-42`` -> ``https://site/browse/OPS-42``."""
    if not isinstance(api_url, str) or not isinstance(key, str) or "/rest/" not in api_url:
        return None
    return f"{api_url.split('/rest/', 1)[0]}/browse/{key}"


def _adf_text(node: Any) -> str:
    """The plain text of an Atlassian Document Format tree, a line per block."""
    if isinstance(node, dict):
        if node.get("type") == "text":
            return str(node.get("text", ""))
        parts = [_adf_text(child) for child in as_list(node.get("content"))]
        joiner = "" if node.get("type") in ("paragraph", "heading") else "\n"
        return joiner.join(p for p in parts if p)
    return ""


JIRA = SourceFormat(
    source="jira",
    label="Jira",
    fields=FIELDS,
    signatures=(
        Signature.of("Jira search JSON", "key fields"),
        Signature.of("Jira CSV export", "issue_key", "summary created"),
    ),
    derive=_derive,
    customise=_customise,
)

"""GitHub issues used as incidents, the Four Keys way (REST ``GET /repos/o/r/issues`` JSON).

Only issues carrying the incident label count (``incidents.github_label``, default
``incident``, compared ignoring case; empty imports every issue); pull requests, which the
issues API also lists, never do. ``closed_at`` is when service was restored. A body line
``root cause: <sha>`` names the commit that caused it. Ids carry the repository
(``github:acme/shop#42``), since issue numbers repeat across repositories.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from analyzer.incidents.normalise import ImportContext, Signature, SourceFormat
from analyzer.incidents.record import Found, RecordView, as_list, as_text

FIELDS = {
    "id": ("number",),
    "title": ("title",),
    "description": ("body",),
    "status": ("state",),
    "url": ("html_url",),
    "created_at": ("created_at",),
    "resolved_at": ("closed_at",),
}
_ROOT_CAUSE = re.compile(r"^[ \t>*_-]*root[ _-]?cause[*_]*\s*:\s*`?([0-9a-f]{4,40})\b", re.I | re.M)
_REPOSITORY = re.compile(r"^https?://[^/]+/([^/]+/[^/]+)/(?:issues|pull)/\d+")
_SERVICE_LABEL = re.compile(r"^service\s*[:/=]\s*(.+)$", re.I)


def _labels(view: RecordView) -> list[str]:
    return [text for text in map(as_text, as_list(view.get("labels"))) if text]


def _keep(view: RecordView, ctx: ImportContext) -> str | None:
    if view.get("pull_request") is not None:
        return "a pull request, not an issue"
    wanted = ctx.github_label.strip().lower()
    if wanted and wanted not in (label.lower() for label in _labels(view)):
        return f"not labelled '{ctx.github_label}'"
    return None


def _derive(view: RecordView, ctx: ImportContext) -> Mapping[str, Found]:
    derived: dict[str, Found] = {}
    number = as_text(view.get("number"))
    if number is not None:
        match = _REPOSITORY.match(str(view.get("html_url") or ""))
        reference = f"{match.group(1)}#{number}" if match else f"#{number}"
        derived["id"] = derived["reference"] = Found("number", reference)
    body = view.get("body")
    causes = _ROOT_CAUSE.findall(body) if isinstance(body, str) else []
    if causes:
        derived["cause_commits"] = Found("body", causes)
    labels = _labels(view)
    severity = next((label for label in labels if ctx.scale.rank("github", label)), None)
    if severity is not None:
        derived["severity"] = Found("labels", severity)
    service = next((m.group(1).strip() for m in map(_SERVICE_LABEL.match, labels) if m), None)
    if service is not None:
        derived["service"] = Found("labels", service)
    return derived


GITHUB = SourceFormat(
    source="github",
    label="GitHub issues",
    fields=FIELDS,
    signatures=(
        Signature.of("GitHub issues", "number title created_at", "html_url labels state closed_at"),
    ),
    derive=_derive,
    keep=_keep,
)

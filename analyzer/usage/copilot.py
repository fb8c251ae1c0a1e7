"""GitHub Copilot: the metrics API's daily records, and the usage metrics reports' per-user
records.

**Copilot metrics API** (``GET /orgs/{org}/copilot/metrics``, or per team
``/orgs/{org}/team/{team_slug}/copilot/metrics``): a list of days, each with ``date``,
``total_active_users``, ``total_engaged_users`` and ``copilot_ide_code_completions``, whose
``editors[].models[].languages[]`` hold ``total_code_suggestions``,
``total_code_acceptances``, ``total_code_lines_suggested`` and ``total_code_lines_accepted``.
A record does not name its team: the team endpoint's export is imported with ``--team``, the
organisation's without. Chat insertions carry no line counts and are not read.

**Copilot usage metrics** (the ``users-1-day`` / ``users-28-day`` reports, NDJSON): one record
per person and ``day`` with ``user_login``, ``code_generation_activity_count``,
``code_acceptance_activity_count``, ``loc_suggested_to_add_sum`` and ``loc_added_sum`` (lines
Copilot wrote into the editor: accepted completions, applied chat blocks, agent edits). An
aggregate record (no ``user_login``) counts for its team, or the organisation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from analyzer.incidents.record import RecordView, as_list
from analyzer.incidents.validate import RecordError
from analyzer.usage.formats import ReadContext, UsageFormat, signature
from analyzer.usage.record import UsageKey, UsageRecord, optional_count, parse_day, required, who

TOOL = "copilot"
_LANGUAGE_COUNTS = (
    ("lines_accepted", "total_code_lines_accepted"),
    ("lines_suggested", "total_code_lines_suggested"),
    ("suggestions", "total_code_suggestions"),
    ("acceptances", "total_code_acceptances"),
)


def read_metrics_day(record: RecordView, context: ReadContext) -> Iterator[UsageRecord]:
    """One day of the Copilot metrics API: the code completions summed over every editor,
    model and language."""
    day = parse_day(required(record, "date"), "date")
    totals = dict.fromkeys(name for name, _ in _LANGUAGE_COUNTS)
    for path, language in _languages(record.get("copilot_ide_code_completions")):
        for name, field in _LANGUAGE_COUNTS:
            count = optional_count(language.get(field), f"{path}.{field}")
            if count is not None:
                totals[name] = (totals[name] or 0) + count
    key = UsageKey("copilot-metrics", TOOL, day, None, context.team)
    yield UsageRecord(
        key,
        active_users=optional_count(record.get("total_active_users"), "total_active_users"),
        **totals,
    )


def read_usage_report(record: RecordView, context: ReadContext) -> Iterator[UsageRecord]:
    """One record of a Copilot usage metrics report: a person's day, or an aggregate's."""
    day = parse_day(required(record, "day"), "day")
    login = record.get("user_login")
    person = who(login, "user_login") if login is not None else None
    key = UsageKey("copilot-usage", TOOL, day, person, None if person else context.team)
    yield UsageRecord(
        key,
        lines_accepted=optional_count(record.get("loc_added_sum"), "loc_added_sum"),
        lines_suggested=optional_count(
            record.get("loc_suggested_to_add_sum"), "loc_suggested_to_add_sum"
        ),
        suggestions=optional_count(
            record.get("code_generation_activity_count"), "code_generation_activity_count"
        ),
        acceptances=optional_count(
            record.get("code_acceptance_activity_count"), "code_acceptance_activity_count"
        ),
        active_users=optional_count(record.get("daily_active_users"), "daily_active_users"),
    )


def _languages(completions: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``editors[i].models[j].languages[k]`` object, with its path for errors."""
    if completions is None:
        return
    if not isinstance(completions, dict):
        raise RecordError("must be an object", "copilot_ide_code_completions")
    base = "copilot_ide_code_completions"
    for i, editor in enumerate(as_list(completions.get("editors"))):
        for j, model in enumerate(
            as_list(editor.get("models") if isinstance(editor, dict) else None)
        ):
            languages = as_list(model.get("languages") if isinstance(model, dict) else None)
            for k, language in enumerate(languages):
                path = f"{base}.editors[{i}].models[{j}].languages[{k}]"
                if not isinstance(language, dict):
                    raise RecordError("must be an object", path)
                yield path, language


METRICS = UsageFormat(
    family="copilot",
    source="copilot-metrics",
    label="GitHub Copilot metrics API days",
    signatures=(
        signature("date", "copilot_ide_code_completions"),
        signature("date", "total_engaged_users"),
    ),
    read=read_metrics_day,
)
USAGE_REPORT = UsageFormat(
    family="copilot",
    source="copilot-usage",
    label="GitHub Copilot usage metrics records",
    signatures=(signature("day", "loc_added_sum"), signature("day", "user_login")),
    read=read_usage_report,
)

"""Cursor: the Admin API's daily usage data (``POST /teams/daily-usage-data``).

The export is ``{"data": [...], "period": {"startDate", "endDate"}}``, one record per member
and day: ``date`` (Unix milliseconds), ``email``, ``isActive``, ``totalLinesAdded`` (every
line the person added, typed or not), ``acceptedLinesAdded`` (lines from accepted AI
suggestions: tab completions, applies, agent edits), ``totalApplies`` / ``totalAccepts`` /
``totalRejects``, ``totalTabsShown`` / ``totalTabsAccepted``, and request counts by mode.
Suggestions are the tabs shown plus the applies; acceptances the tabs and applies accepted.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.incidents.record import RecordView
from analyzer.usage.formats import ReadContext, UsageFormat, signature
from analyzer.usage.record import UsageKey, UsageRecord, optional_count, parse_day, required, who

TOOL = "cursor"


def read_daily_usage(record: RecordView, context: ReadContext) -> Iterator[UsageRecord]:
    """One member's day; a day without an e-mail counts for the team (or everyone)."""
    day = parse_day(required(record, "date"), "date")
    email = record.get("email")
    person = who(email, "email") if email is not None else None
    key = UsageKey("cursor", TOOL, day, person, None if person else context.team)
    counts = {
        field: optional_count(record.get(field), field)
        for field in ("totalTabsShown", "totalApplies", "totalTabsAccepted", "totalAccepts")
    }
    yield UsageRecord(
        key,
        lines_accepted=optional_count(record.get("acceptedLinesAdded"), "acceptedLinesAdded"),
        suggestions=_sum(counts["totalTabsShown"], counts["totalApplies"]),
        acceptances=_sum(counts["totalTabsAccepted"], counts["totalAccepts"]),
        active_users=1 if record.get("isActive") is True and person else None,
    )


def _sum(first: int | None, second: int | None) -> int | None:
    if first is None and second is None:
        return None
    return (first or 0) + (second or 0)


DAILY_USAGE = UsageFormat(
    family="cursor",
    source="cursor",
    label="Cursor Admin API daily usage data",
    signatures=(signature("date", "acceptedLinesAdded"), signature("date", "totalTabsShown")),
    read=read_daily_usage,
)

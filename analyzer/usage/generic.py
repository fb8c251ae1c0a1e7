"""Jevons' own usage format, for any tool whose telemetry is not read directly.

CSV with a header, or JSON (a list of objects, or ``{"data": [...]}``, or JSON Lines):
required ``day`` (YYYY-MM-DD) and ``tool``; ``person`` (an e-mail or login) or ``team``, or
neither for the whole organisation; optional counts ``lines_accepted``, ``lines_suggested``,
``suggestions``, ``acceptances``, ``sessions``, ``active_users`` (whole numbers, zero or
more; an empty cell is "not known", not 0).
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.incidents.record import RecordView
from analyzer.usage.formats import ReadContext, UsageFormat, signature
from analyzer.usage.record import (
    COUNTS,
    UsageKey,
    UsageRecord,
    optional_count,
    parse_day,
    required,
    who,
)


def read_generic(record: RecordView, context: ReadContext) -> Iterator[UsageRecord]:
    day = parse_day(required(record, "day"), "day")
    tool = who(required(record, "tool"), "tool")
    person = record.get("person")
    team = record.get("team")
    key = UsageKey(
        "generic",
        tool,
        day,
        who(person, "person") if person is not None else None,
        who(team, "team") if team is not None else context.team,
    )
    yield UsageRecord(key, **{name: optional_count(record.get(name), name) for name in COUNTS})


GENERIC = UsageFormat(
    family="generic",
    source="generic",
    label="Jevons usage records",
    signatures=(signature("day", "tool"),),
    read=read_generic,
)

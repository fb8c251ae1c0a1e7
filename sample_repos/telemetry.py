"""The AI tools' own usage exports for a scenario, consistent with its ground truth.

Every AI-assisted commit was made with a tool that counted, in the person's editor or
terminal, the lines they accepted: its lines added times ``accepted_per_committed_line``
(a little more: some accepted lines are rewritten before the commit), on the day it was
authored, under the person's account (their main e-mail; their GitHub login for Copilot).
Now and then a person tries a tool on a day that leaves no commit. Agents' own commits
(cloud agents) and review suggestions applied on github.com count in no editor.

The exports follow the vendors' documented shapes: Claude Code's Analytics API, Cursor's
daily usage data, Copilot's per-user usage metrics (NDJSON) and, for the tools no reader
covers (Codex, aider, Amp, Jules), Jevons' own CSV. ``jevons-teams.toml`` lists each team's
addresses and logins for ``[usage] teams``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sample_repos.people import TEAM, TEAMS, Person, github_login, team_members
from sample_repos.scenario import Scenario

TELEMETRY_FILES: dict[str, str] = {
    "claude-code": "telemetry/claude-code-analytics.json",
    "cursor": "telemetry/cursor-daily-usage.json",
    "copilot": "telemetry/copilot-usage.ndjson",
    "other": "telemetry/other-tools-usage.csv",
}
TEAMS_FILE = "telemetry/jevons-teams.toml"
#: Commit tools counted by each export (others go to Jevons' CSV under their own name).
_EXPORT_OF = {"claude-code": "claude-code", "cursor": "cursor", "copilot-cli": "copilot"}
#: Commit tools no editor counts: suggestions applied on github.com.
_NOT_IN_AN_EDITOR = ("copilot-review", "gemini-code-assist")
_ORGANIZATION = "4f6c2a10-0d1e-4e55-9b7a-5a3c1e2b9d00"

Day = tuple[str, str, dt.date]  # export tool, person key, day


def render_telemetry(scenario: Scenario, commits: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The export files' text, by path relative to the scenario's root."""
    rng = random.Random(f"{scenario.seed}:telemetry")
    accepted = _accepted_lines(scenario, commits, rng)
    by_export: dict[str, dict[Day, int]] = defaultdict(dict)
    for (tool, person, day), lines in sorted(accepted.items(), key=lambda item: item[0][2]):
        by_export[_EXPORT_OF.get(tool, "other")][(tool, person, day)] = lines
    people = {p.key: p for p in TEAM}
    return {
        TELEMETRY_FILES["claude-code"]: _claude_code(by_export["claude-code"], people, rng),
        TELEMETRY_FILES["cursor"]: _cursor(by_export["cursor"], people, rng),
        TELEMETRY_FILES["copilot"]: _copilot(by_export["copilot"], people, rng),
        TELEMETRY_FILES["other"]: _other(by_export["other"], people),
        TEAMS_FILE: teams_toml(),
    }


def teams_toml() -> str:
    """``[usage.teams]`` for the scenario's people: every address and login they use."""
    lines = ["# The sample teams, for `jevons usage` figures per team.", "[usage.teams]"]
    for team in TEAMS:
        lines.append(f"{team} = {json.dumps(team_members(team))}")
    return "\n".join(lines) + "\n"


def _accepted_lines(
    scenario: Scenario, commits: Iterable[Mapping[str, Any]], rng: random.Random
) -> dict[Day, int]:
    by_email = {i.email: p.key for p in TEAM for i in (p.identity, *p.variants)}
    settings = scenario.telemetry
    accepted: dict[Day, int] = defaultdict(int)
    for commit in commits:
        tool = commit["tool"]
        if commit["class"] != "ai_assisted" or tool is None or tool in _NOT_IN_AN_EDITOR:
            continue
        person = by_email.get(_email(commit["author"]))
        if person is None:
            continue
        day = dt.datetime.fromisoformat(commit["authored_at"]).date()
        ratio = settings.accepted_per_committed_line * rng.uniform(0.9, 1.1)
        lines = round(commit["lines_added"] * ratio)
        if lines:
            accepted[(tool, person, day)] += lines
        if rng.random() < settings.exploring_share:
            accepted[(tool, person, day - dt.timedelta(days=1))] += rng.randint(5, 40)
    return accepted


def _email(identity: str) -> str:
    return identity.rpartition("<")[2].rstrip(">").strip()


def _claude_code(days: Mapping[Day, int], people: Mapping[str, Person], rng: random.Random) -> str:
    records = []
    for (_, key, day), lines in days.items():
        edits = max(1, lines // 12)
        records.append(
            {
                "date": f"{day.isoformat()}T00:00:00Z",
                "actor": {"type": "user_actor", "email_address": people[key].identity.email},
                "organization_id": _ORGANIZATION,
                "customer_type": "subscription",
                "terminal_type": rng.choice(("vscode", "iTerm.app", "tmux")),
                "core_metrics": {
                    "num_sessions": rng.randint(1, 4),
                    "lines_of_code": {"added": lines, "removed": lines // 4},
                    "commits_by_claude_code": rng.randint(0, 2),
                    "pull_requests_by_claude_code": 0,
                },
                "tool_actions": {"edit_tool": {"accepted": edits, "rejected": edits // 6}},
                "model_breakdown": [],
            }
        )
    return json.dumps({"data": records, "has_more": False, "next_page": None}, indent=1) + "\n"


def _cursor(days: Mapping[Day, int], people: Mapping[str, Person], rng: random.Random) -> str:
    records = []
    for (_, key, day), lines in days.items():
        tabs = max(1, lines // 3)
        records.append(
            {
                "date": _epoch_ms(day),
                "isActive": True,
                "totalLinesAdded": lines + rng.randint(0, lines),
                "totalLinesDeleted": lines // 5,
                "acceptedLinesAdded": lines,
                "acceptedLinesDeleted": lines // 8,
                "totalApplies": max(1, lines // 20),
                "totalAccepts": max(1, lines // 25),
                "totalRejects": rng.randint(0, 3),
                "totalTabsShown": tabs + rng.randint(0, tabs),
                "totalTabsAccepted": tabs,
                "composerRequests": rng.randint(0, 6),
                "chatRequests": rng.randint(0, 12),
                "agentRequests": rng.randint(0, 4),
                "cmdkUsages": rng.randint(0, 5),
                "subscriptionIncludedReqs": rng.randint(5, 40),
                "apiKeyReqs": 0,
                "usageBasedReqs": 0,
                "bugbotUsages": 0,
                "mostUsedModel": "claude-4-sonnet",
                "email": people[key].identity.email,
            }
        )
    return json.dumps({"data": records, "period": _period(days)}, indent=1) + "\n"


def _period(days: Mapping[Day, int]) -> dict[str, int]:
    if not days:
        return {"startDate": 0, "endDate": 0}
    first = min(day for _, _, day in days)
    last = max(day for _, _, day in days) + dt.timedelta(days=1)
    return {"startDate": _epoch_ms(first), "endDate": _epoch_ms(last) - 1}


def _epoch_ms(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp() * 1000)


def _copilot(days: Mapping[Day, int], people: Mapping[str, Person], rng: random.Random) -> str:
    lines_out = []
    for (_, key, day), lines in days.items():
        generated = max(1, lines // 6)
        record = {
            "user_login": github_login(people[key]),
            "day": day.isoformat(),
            "enterprise_id": "1",
            "user_initiated_interaction_count": rng.randint(0, 8),
            "code_generation_activity_count": generated + rng.randint(0, generated),
            "code_acceptance_activity_count": generated,
            "loc_suggested_to_add_sum": lines + rng.randint(0, lines),
            "loc_suggested_to_delete_sum": 0,
            "loc_added_sum": lines,
            "loc_deleted_sum": lines // 6,
            "used_agent": False,
            "used_chat": True,
        }
        lines_out.append(json.dumps(record))
    return "\n".join(lines_out) + ("\n" if lines_out else "")


def _other(days: Mapping[Day, int], people: Mapping[str, Person]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["day", "tool", "person", "lines_accepted"])
    for (tool, key, day), lines in days.items():
        writer.writerow([day.isoformat(), tool, people[key].identity.email, lines])
    return out.getvalue()

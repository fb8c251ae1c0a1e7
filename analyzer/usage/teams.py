"""Who is in which team: the ``[usage] teams`` table, checked, and asked by e-mail or login.

Telemetry names people by the e-mail of their tool account (Claude Code, Cursor) or by
GitHub login (Copilot); commits by the author's e-mail, which for people who hide theirs is
GitHub's ``ID+login@users.noreply.github.com``. A member may be written either way, and a
noreply address finds its login's team.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from analyzer.errors import ConfigError

#: The name of the figures that count everyone, in a team or not.
EVERYONE = "everyone"
_NOREPLY = re.compile(r"^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$")


@dataclasses.dataclass(frozen=True)
class Teams:
    """Members (lower case) by team; ``team_of`` answers for an e-mail or a login."""

    members: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.members.values())))

    def team_of(self, who: str | None) -> str | None:
        """The team of a person named by e-mail or login, or None."""
        if not who:
            return None
        key = who.strip().lower()
        found = self.members.get(key)
        if found is None and (login := _NOREPLY.match(key)) is not None:
            found = self.members.get(login.group(1))
        return found


def teams_from_config(table: Mapping[str, Any], source: str = "[usage] teams") -> Teams:
    """Check ``{team: [member, ...]}``: names are text, and nobody is in two teams."""
    members: dict[str, str] = {}
    for team, listed in table.items():
        name = str(team).strip().lower()
        if not name or name == EVERYONE:
            raise ConfigError(f"{source}: {team!r} cannot be a team name")
        if not isinstance(listed, list | tuple) or not all(isinstance(m, str) for m in listed):
            raise ConfigError(f"{source}: team {team!r} must list its members' e-mails or logins")
        for member in listed:
            key = member.strip().lower()
            if members.get(key, name) != name:
                raise ConfigError(
                    f"{source}: {member!r} is in two teams, {members[key]!r} and {name!r}"
                )
            members[key] = name
    return Teams(members)

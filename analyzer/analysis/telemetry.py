"""How much AI use the commit markers miss: the telemetry band, per team and week.

Markers say which changes were made with AI, but only where a tool leaves one and the team
keeps it on. Telemetry (``ai_usage``) says how many lines each tool wrote that people
accepted, but not which commit they went into. Neither alone is the AI share; together they
bound it, for a team and a week, never for a commit:

* ``lower`` is the **marked share**, lines added by marked AI changes over all lines added:
  the share if nothing unmarked was AI;
* ``upper`` adds the accepted lines the markers do not explain. For each tool with
  telemetry, the lines its marked AI-assisted changes added are set against the lines people
  accepted from it; what is left over (never below 0) may sit in unmarked changes. The sum is
  capped by the lines added, and divided by them.

Agent-authored changes (an agent's own commits) count in the marked share but are not set
against telemetry, which counts what people accepted in their editor or terminal. Telemetry
is dated when the lines were accepted and commits when they landed, so a week's figures can
lean on either side of a weekend; a period's band sums its weeks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

import pandas as pd

from analyzer.models import Authorship
from analyzer.usage.teams import EVERYONE, Teams

_AI = tuple(a.value for a in Authorship if a.is_ai)
_ASSISTED = Authorship.AI_ASSISTED.value
_AUTOMATION = Authorship.AUTOMATION.value
#: The weekly table's columns, in order.
BAND_COLUMNS = (
    "team",
    "week",
    "lines_added",
    "marked_lines",
    "accepted_lines",
    "unmarked_accepted",
    "lower",
    "upper",
)


@dataclasses.dataclass(frozen=True)
class ShareBand:
    """One team's week (or period): the lines, and the band for the AI share of them.
    ``lower`` and ``upper`` are ``None`` when no line was added."""

    lines_added: int
    marked_lines: int
    accepted_lines: int
    unmarked_accepted: int

    @property
    def upper_lines(self) -> int:
        return min(self.lines_added, self.marked_lines + self.unmarked_accepted)

    @property
    def lower(self) -> float | None:
        return self.marked_lines / self.lines_added if self.lines_added else None

    @property
    def upper(self) -> float | None:
        return self.upper_lines / self.lines_added if self.lines_added else None


def share_band(
    lines_added: int,
    marked_lines: int,
    marked_assisted: Mapping[str, int],
    accepted: Mapping[str, int],
) -> ShareBand:
    """The band for one team and week: ``marked_assisted`` and ``accepted`` are lines per
    telemetry tool (marked AI-assisted changes' lines; lines accepted)."""
    unmarked = sum(max(0, lines - marked_assisted.get(tool, 0)) for tool, lines in accepted.items())
    return ShareBand(
        lines_added=lines_added,
        marked_lines=marked_lines,
        accepted_lines=sum(accepted.values()),
        unmarked_accepted=unmarked,
    )


#: The commit tools (``ai_tool``) whose lines a telemetry tool counts: Copilot's IDE and CLI
#: metrics, not its cloud agent, its review suggestions applied on github.com, or Autofix.
#: A tool not listed here (the generic format's) counts commits of the same name.
TELEMETRY_COVERS: Mapping[str, tuple[str, ...]] = {
    "copilot": ("copilot-cli", "copilot-vscode"),
    "claude-code": ("claude-code",),
    "cursor": ("cursor",),
}


def tool_family(ai_tool: str | None, families: Iterable[str]) -> str | None:
    """The telemetry tool among ``families`` that counts a commit's tool, if any."""
    if not ai_tool:
        return None
    return next((f for f in families if ai_tool in TELEMETRY_COVERS.get(f, (f,))), None)


def weekly_bands(changes: pd.DataFrame, usage: pd.DataFrame, teams: Teams) -> pd.DataFrame:
    """The band per team and week (plus ``everyone``), over the weeks with telemetry.

    ``changes``: one row per change with ``committed_at``, ``author`` (e-mail),
    ``authorship`` (the change's class), ``ai_tool`` and ``lines_added``. ``usage``: the
    ``ai_usage`` rows with ``lines_accepted``. Automation is left out of the lines added.
    """
    accepted = _accepted_by_group(usage, teams)
    if accepted.empty:
        return pd.DataFrame(columns=list(BAND_COLUMNS))
    families = sorted(accepted["tool"].unique())
    lines = _lines_by_group(changes, teams, families)
    rows = []
    for (team, week), group in accepted.groupby(["team", "week"]):
        by_tool = dict(zip(group["tool"], group["lines_accepted"], strict=True))
        totals = lines.get((str(team), str(week)), _NO_LINES)
        band = share_band(totals.added, totals.marked, totals.assisted, by_tool)
        rows.append(
            (
                team,
                week,
                band.lines_added,
                band.marked_lines,
                band.accepted_lines,
                band.unmarked_accepted,
                band.lower,
                band.upper,
            )
        )
    return pd.DataFrame(rows, columns=list(BAND_COLUMNS)).sort_values(["team", "week"])


def period_band(weekly: pd.DataFrame, team: str = EVERYONE) -> ShareBand | None:
    """The weeks of ``team`` summed into one band (each week capped on its own)."""
    rows = weekly[weekly["team"] == team]
    if rows.empty:
        return None
    upper_lines = sum(
        min(added, marked + unmarked)
        for added, marked, unmarked in zip(
            rows["lines_added"], rows["marked_lines"], rows["unmarked_accepted"], strict=True
        )
    )
    marked = int(rows["marked_lines"].sum())
    return ShareBand(
        lines_added=int(rows["lines_added"].sum()),
        marked_lines=marked,
        accepted_lines=int(rows["accepted_lines"].sum()),
        unmarked_accepted=upper_lines - marked,
    )


def accepted_per_week(usage: pd.DataFrame) -> pd.Series:
    """Lines accepted from every tool, per week (Monday): a dose that needs no marker."""
    known = usage.dropna(subset=["lines_accepted"])
    if known.empty:
        return pd.Series(dtype=float)
    weeks = _week(pd.to_datetime(known["day"]))
    dose: pd.Series = known.groupby(weeks)["lines_accepted"].sum().astype(float).sort_index()
    return dose


@dataclasses.dataclass(frozen=True)
class _Lines:
    added: int
    marked: int
    assisted: Mapping[str, int]


_NO_LINES = _Lines(0, 0, {})


def _week(stamps: pd.Series) -> pd.Series:
    """The Monday (00:00, no zone) of each stamp's week."""
    naive = stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps
    return pd.Series(naive.dt.to_period("W-SUN").dt.start_time, index=stamps.index)


def _accepted_by_group(usage: pd.DataFrame, teams: Teams) -> pd.DataFrame:
    """Lines accepted per (team, week, tool): each row for its team and for ``everyone``."""
    known = usage.dropna(subset=["lines_accepted"])
    if known.empty:
        return pd.DataFrame(columns=["team", "week", "tool", "lines_accepted"])
    known = known.assign(week=_week(pd.to_datetime(known["day"])))
    team = pd.Series(
        [
            t if isinstance(t, str) and t else teams.team_of(p if isinstance(p, str) else None)
            for t, p in zip(known["team"], known["person"], strict=True)
        ],
        index=known.index,
        dtype=object,
    )
    parts = [known.assign(team=EVERYONE), known.assign(team=team).dropna(subset=["team"])]
    both = pd.concat(parts, ignore_index=True)
    summed = both.groupby(["team", "week", "tool"])["lines_accepted"].sum().astype("int64")
    return summed.reset_index()


def _lines_by_group(
    changes: pd.DataFrame, teams: Teams, families: list[str]
) -> dict[tuple[str, str], _Lines]:
    """Lines added, marked and marked-assisted per telemetry tool, per (team, week)."""
    work = changes[changes["authorship"] != _AUTOMATION]
    if work.empty:
        return {}
    family = [
        tool_family(t, families) if c == _ASSISTED else None
        for t, c in zip(work["ai_tool"], work["authorship"], strict=True)
    ]
    work = work.assign(
        week=_week(pd.to_datetime(work["committed_at"])),
        team=pd.Series([teams.team_of(a) for a in work["author"]], index=work.index, dtype=object),
        marked=work["lines_added"].where(work["authorship"].isin(_AI), 0),
        family=pd.Series(family, index=work.index, dtype=object),
    )
    out: dict[tuple[str, str], _Lines] = {}  # (team, the week's Monday)
    for name, rows in (
        (EVERYONE, work),
        *((team, work[work["team"] == team]) for team in teams.names),
    ):
        for week, group in rows.groupby("week"):
            assisted = group.dropna(subset=["family"]).groupby("family")["lines_added"].sum()
            out[(name, str(week))] = _Lines(
                int(group["lines_added"].sum()),
                int(group["marked"].sum()),
                {str(k): int(v) for k, v in assisted.items()},
            )
    return out

"""Scenario definitions: the numbers that make each sample repository tell its story.

A scenario is a TOML file in ``sample_repos/scenarios/``; this module reads it into frozen
dataclasses and checks it. Rates are per week, failure probabilities are per code change
(a feature, bug fix or refactor) and split by authorship class and by period (before and
after the AI-adoption date).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SCENARIO_DIR = Path(__file__).parent / "scenarios"
DEFAULT_SCENARIO = "jevons-volume"
VERDICTS = ("volume", "mix", "rate", "none")
AI_CLASSES = ("ai_assisted", "ai_authored")
CHANGE_CLASSES = ("human", *AI_CLASSES)


class ScenarioError(ValueError):
    """A scenario file is missing, malformed or inconsistent."""


@dataclasses.dataclass(frozen=True)
class Volume:
    """Human and AI changes shipped per week (bots come on top)."""

    changes_per_week_before: float
    changes_per_week_at_adoption: float
    monthly_growth_after: float


@dataclasses.dataclass(frozen=True)
class AiAdoption:
    """Share of changes made with AI, and of those the share an agent authored outright."""

    share_before: float
    share_at_adoption: float
    share_at_end: float
    authored_share_at_adoption: float
    authored_share_at_end: float
    unmarked_share: float = 0.02


@dataclasses.dataclass(frozen=True)
class PeriodRates:
    """A per-change probability before and after the adoption date."""

    before: float
    after: float

    def at(self, after_adoption: bool) -> float:
        return self.after if after_adoption else self.before


@dataclasses.dataclass(frozen=True)
class Failure:
    """Probability that a code change introduces an incident, per class and period.

    The probability also grows mildly with change size (``size_exponent``), normalised so
    that the mean over the scenario's size distribution equals the stated rate; every
    class shares one size distribution, so "of the same size" comparisons hold.
    ``caught_ratio`` adds failures caught before they hurt (reverted within hours, no
    incident), as a share of the incident probability.
    """

    human: PeriodRates
    ai_assisted: PeriodRates
    ai_authored: PeriodRates
    size_exponent: float = 0.3
    caught_ratio: float = 0.3

    def rate(self, klass: str, after_adoption: bool) -> float:
        rates: PeriodRates = getattr(self, klass)
        return rates.at(after_adoption)


@dataclasses.dataclass(frozen=True)
class SizeDistribution:
    """Lines changed by a code change: lognormal around ``median_lines``."""

    median_lines: float
    sigma: float
    min_lines: int = 3
    max_lines: int = 400


@dataclasses.dataclass(frozen=True)
class ExternalIncidents:
    """Incidents with no code cause, per week: flat before adoption, then a linear ramp."""

    per_week_before: float
    per_week_at_adoption: float
    per_week_at_end: float


@dataclasses.dataclass(frozen=True)
class Automation:
    """Dependency and CI bot commits per week (never AI)."""

    dependabot_per_week: float = 0.9
    renovate_per_week: float = 0.35
    pre_commit_ci_per_week: float = 0.2
    github_actions_per_week: float = 0.2


@dataclasses.dataclass(frozen=True)
class Telemetry:
    """The AI tools' own usage exports, and a team that switches commit trailers off.

    Telemetry counts, per person and day, the lines people accepted from each tool: the
    lines of their AI-assisted changes times ``accepted_per_committed_line`` (some accepted
    lines are rewritten before the commit), with a day of trying a tool now and then
    (``exploring_share``) that leaves no commit at all. From ``trailers_off_from`` the team
    ``trailers_off_team`` commits its AI-assisted changes without any marker.
    """

    accepted_per_committed_line: float = 1.15
    exploring_share: float = 0.05
    trailers_off_team: str | None = None
    trailers_off_from: dt.date | None = None


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One sample repository's story and the numbers that produce it."""

    name: str
    title: str
    story: str
    expected_verdict: str
    seed: int
    start: dt.date
    months: int
    adoption: dt.date
    volume: Volume
    ai: AiAdoption
    failure: Failure
    size: SizeDistribution
    external: ExternalIncidents
    automation: Automation = dataclasses.field(default_factory=Automation)
    telemetry: Telemetry = dataclasses.field(default_factory=Telemetry)

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC)

    @property
    def end_at(self) -> dt.datetime:
        year = self.start.year + (self.start.month - 1 + self.months) // 12
        month = (self.start.month - 1 + self.months) % 12 + 1
        day = min(self.start.day, 28)
        return dt.datetime(year, month, day, tzinfo=dt.UTC)

    @property
    def adoption_at(self) -> dt.datetime:
        return dt.datetime.combine(self.adoption, dt.time(), tzinfo=dt.UTC)

    def changes_per_week(self, at: dt.datetime) -> float:
        """Expected human and AI changes in the week starting at ``at``."""
        if at < self.adoption_at:
            return self.volume.changes_per_week_before
        months_after = (at - self.adoption_at).days / 30.44
        growth = math.pow(1 + self.volume.monthly_growth_after, months_after)
        return self.volume.changes_per_week_at_adoption * growth

    def ai_share(self, at: dt.datetime) -> float:
        """Share of changes made with AI at ``at``."""
        if at < self.adoption_at:
            return self.ai.share_before
        return _ramp(self.ai.share_at_adoption, self.ai.share_at_end, self._progress(at))

    def ai_authored_share(self, at: dt.datetime) -> float:
        """Among AI changes at ``at``, the share an agent authored (the rest: assisted)."""
        start, end = self.ai.authored_share_at_adoption, self.ai.authored_share_at_end
        if at < self.adoption_at:
            return start
        return _ramp(start, end, self._progress(at))

    def external_per_week(self, at: dt.datetime) -> float:
        if at < self.adoption_at:
            return self.external.per_week_before
        ext = self.external
        return _ramp(ext.per_week_at_adoption, ext.per_week_at_end, self._progress(at))

    def size_factor_mean(self) -> float:
        """Mean of ``(size / median) ** exponent`` under the lognormal size distribution."""
        k, sigma = self.failure.size_exponent, self.size.sigma
        return math.exp((k * sigma) ** 2 / 2)

    def _progress(self, at: dt.datetime) -> float:
        span = (self.end_at - self.adoption_at).total_seconds()
        return min(1.0, max(0.0, (at - self.adoption_at).total_seconds() / span))

    def fingerprint(self) -> str:
        """A stable hash of the definition: outputs built from another one are stale."""
        text = json.dumps(dataclasses.asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def _ramp(start: float, end: float, progress: float) -> float:
    return start + (end - start) * progress


def list_scenarios() -> list[str]:
    """The names of the bundled scenarios, default first."""
    names = sorted(path.stem for path in SCENARIO_DIR.glob("*.toml"))
    return sorted(names, key=lambda name: name != DEFAULT_SCENARIO)


def load_scenario(name: str, *, seed: int | None = None) -> Scenario:
    """Read the bundled scenario ``name`` (or a path to a TOML file), optionally re-seeded."""
    path = Path(name) if name.endswith(".toml") else SCENARIO_DIR / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(list_scenarios())
        raise ScenarioError(f"unknown scenario {name!r}; the bundled ones are: {known}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from exc
    scenario = scenario_from_mapping(data, source=str(path))
    return dataclasses.replace(scenario, seed=seed) if seed is not None else scenario


def scenario_from_mapping(data: Mapping[str, Any], *, source: str = "scenario") -> Scenario:
    """Build and check a :class:`Scenario` from parsed TOML."""
    try:
        failure = dict(data["failure"])
        for klass in CHANGE_CLASSES:
            failure[klass] = PeriodRates(**failure[klass])
        scenario = Scenario(
            name=data["name"],
            title=data["title"],
            story=" ".join(data["story"].split()),
            expected_verdict=data["expected_verdict"],
            seed=int(data["seed"]),
            start=_date(data["start"]),
            months=int(data["months"]),
            adoption=_date(data["adoption"]),
            volume=Volume(**data["volume"]),
            ai=AiAdoption(**data["ai"]),
            failure=Failure(**failure),
            size=SizeDistribution(**data["size"]),
            external=ExternalIncidents(**data["external"]),
            automation=Automation(**data.get("automation", {})),
            telemetry=_telemetry(data.get("telemetry", {})),
        )
    except KeyError as exc:
        raise ScenarioError(f"{source}: missing key {exc}") from exc
    except TypeError as exc:
        raise ScenarioError(f"{source}: {exc}") from exc
    _check(scenario, source)
    return scenario


def _telemetry(table: Mapping[str, Any]) -> Telemetry:
    values = dict(table)
    if "trailers_off_from" in values:
        values["trailers_off_from"] = _date(values["trailers_off_from"])
    return Telemetry(**values)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _check(scenario: Scenario, source: str) -> None:
    problems = []
    if scenario.expected_verdict not in VERDICTS:
        problems.append(f"expected_verdict must be one of {', '.join(VERDICTS)}")
    if not 18 <= scenario.months <= 24:
        problems.append("months must be between 18 and 24")
    if not scenario.start_at < scenario.adoption_at < scenario.end_at:
        problems.append("adoption must fall between start and the end of the history")
    for klass in CHANGE_CLASSES:
        for after in (False, True):
            if not 0 <= scenario.failure.rate(klass, after) < 0.5:
                problems.append(f"failure.{klass} must be a probability below 0.5")
    off = scenario.telemetry
    if (off.trailers_off_team is None) != (off.trailers_off_from is None):
        problems.append("telemetry.trailers_off_team and trailers_off_from go together")
    if off.trailers_off_from is not None and not (
        scenario.adoption < off.trailers_off_from < scenario.end_at.date()
    ):
        problems.append("telemetry.trailers_off_from must fall after adoption, before the end")
    if problems:
        raise ScenarioError(f"{source}: " + "; ".join(problems))

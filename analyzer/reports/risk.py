"""A pull request's risk level from its signals, by rules kept as data (``risk.toml``).

A rule fires when every signal it names has reached its threshold; the risk is the
highest level among the rules that fire, and each fired rule gives a reason in words.
Nothing here measures anything: the signals are the report's own figures.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from analyzer.errors import ReportError

BUILT_IN_RULES = "risk.toml"


@dataclasses.dataclass(frozen=True)
class RiskSignals:
    """What the rules can test (see ``risk.toml`` for each one's meaning)."""

    ccn_added: int = 0
    lines_changed: int = 0
    files_changed: int = 0
    complex_functions: int = 0
    max_function_ccn: int = 0
    ai_commit_share_pct: int = 0
    hotspots_touched: int = 0
    hotspot_incidents: int = 0
    incident_files_touched: int = 0

    def as_mapping(self) -> dict[str, int]:
        return dataclasses.asdict(self)


SIGNALS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(RiskSignals))


@dataclasses.dataclass(frozen=True)
class RiskRule:
    """Raise the risk to ``level`` when every signal in ``when`` is at least its threshold."""

    id: str
    level: str
    when: Mapping[str, float]
    reason: str

    def fires(self, signals: Mapping[str, int]) -> bool:
        return all(signals[name] >= threshold for name, threshold in self.when.items())


@dataclasses.dataclass(frozen=True)
class RiskRules:
    """The levels, lowest first, and the rules."""

    levels: tuple[str, ...]
    rules: tuple[RiskRule, ...]
    source: str

    def rank(self, level: str, *, option: str = "risk level") -> int:
        """A level's position (0 = lowest); an unknown level is a :class:`ReportError`."""
        if level not in self.levels:
            raise ReportError(
                f"{option}: unknown risk level {level!r} (choose from {', '.join(self.levels)})"
            )
        return self.levels.index(level)


@dataclasses.dataclass(frozen=True)
class RiskAssessment:
    """The level, and why: one reason per rule that fired (highest level first)."""

    level: str
    reasons: tuple[str, ...]
    fired: tuple[str, ...]
    levels: tuple[str, ...]

    def at_least(self, level: str) -> bool:
        """Whether this risk is ``level`` or higher (``--fail-on``)."""
        if level not in self.levels:
            raise ReportError(
                f"--fail-on: unknown risk level {level!r} (choose from {', '.join(self.levels)})"
            )
        return self.levels.index(self.level) >= self.levels.index(level)


def load_risk_rules(path: Path | str | None = None) -> RiskRules:
    """The rules in ``path``, or the built-in ``risk.toml``; every rule is checked."""
    if path is None:
        text = resources.files("analyzer.reports").joinpath(BUILT_IN_RULES).read_text("utf-8")
        source = f"analyzer/reports/{BUILT_IN_RULES}"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ReportError(f"{path}: cannot read the risk rules: {exc.strerror}") from exc
        source = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReportError(f"{source}: not valid TOML: {exc}") from exc
    levels = tuple(str(level) for level in data.get("levels", ()))
    if len(levels) < 2 or len(set(levels)) != len(levels):
        raise ReportError(f"{source}: 'levels' must list at least two distinct levels")
    rules = tuple(_rule(entry, levels, source) for entry in data.get("rule", ()))
    return RiskRules(levels, rules, source)


def assess_risk(signals: RiskSignals, rules: RiskRules) -> RiskAssessment:
    """Apply ``rules`` to ``signals``."""
    values = signals.as_mapping()
    fired = sorted(
        (rule for rule in rules.rules if rule.fires(values)),
        key=lambda rule: -rules.rank(rule.level),
    )
    level = rules.levels[max((rules.rank(rule.level) for rule in fired), default=0)]
    return RiskAssessment(
        level=level,
        reasons=tuple(rule.reason.format_map(values) for rule in fired),
        fired=tuple(rule.id for rule in fired),
        levels=rules.levels,
    )


def _rule(entry: Any, levels: Sequence[str], source: str) -> RiskRule:
    if not isinstance(entry, Mapping):
        raise ReportError(f"{source}: each [[rule]] must be a table")
    name = str(entry.get("id", "?"))
    where = f"{source}: rule '{name}'"
    level, when, reason = entry.get("level"), entry.get("when"), entry.get("reason")
    if level not in levels:
        raise ReportError(f"{where}: level must be one of {', '.join(levels)}, not {level!r}")
    if not isinstance(when, Mapping) or not when:
        raise ReportError(f"{where}: 'when' must be a table of signal = threshold")
    for signal, threshold in when.items():
        if signal not in SIGNALS:
            raise ReportError(f"{where}: unknown signal '{signal}' (known: {', '.join(SIGNALS)})")
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise ReportError(f"{where}: the threshold of '{signal}' must be a number")
    if not isinstance(reason, str):
        raise ReportError(f"{where}: 'reason' must be a string")
    try:
        reason.format_map(RiskSignals().as_mapping())
    except (KeyError, ValueError, IndexError) as exc:
        raise ReportError(f"{where}: 'reason' names an unknown {{signal}}: {exc}") from exc
    return RiskRule(name, str(level), dict(when), reason)

"""One frozen configuration, built fresh for each run.

Read from ``[tool.jevons]`` in ``pyproject.toml`` or from ``jevons.toml`` (top-level keys),
in the working directory unless a file is named. Each section is a frozen dataclass; an
unknown key or a value of the wrong type is a :class:`ConfigError` naming the file and key.
Nothing is read at import time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

from analyzer.errors import ConfigError

HistoryMode = Literal["first-parent", "full"]

#: Vendored, generated, minified and lock files: recorded in ``file_changes`` with
#: ``excluded = true`` but kept out of complexity figures.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    "vendor/**",
    "**/vendor/**",
    "third_party/**",
    "**/third_party/**",
    "node_modules/**",
    "**/node_modules/**",
    "**/*.min.js",
    "**/*.min.css",
    "**/*.bundle.js",
    "**/*.map",
    "**/*_pb2.py",
    "**/*_pb2_grpc.py",
    "**/*.pb.go",
    "**/*.generated.*",
    "**/generated/**",
    "**/*.lock",
    "**/package-lock.json",
    "**/yarn.lock",
    "**/pnpm-lock.yaml",
    "**/poetry.lock",
    "**/Cargo.lock",
    "**/go.sum",
    "**/composer.lock",
    "**/Gemfile.lock",
    "**/uv.lock",
)


@dataclasses.dataclass(frozen=True)
class MiningConfig:
    """How history is read and which files count towards complexity."""

    history: HistoryMode = "first-parent"
    workers: int | None = None
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extra_exclude: tuple[str, ...] = ()
    max_blob_bytes: int = 1024 * 1024
    blob_timeout_seconds: float = 20.0
    metrics: Literal["full", "lizard"] = "full"
    batch_commits: int = 500


@dataclasses.dataclass(frozen=True)
class AttributionConfig:
    """User additions to the built-in attribution rules (see ``analyzer/attribution``)."""

    rules_file: str | None = None
    rules: tuple[Mapping[str, Any], ...] = ()
    disable: tuple[str, ...] = ()
    squash_trailer_limit: int = 5


@dataclasses.dataclass(frozen=True)
class IncidentsConfig:
    """How incident exports are read.

    ``jira_fields`` maps ``severity``, ``service``, ``urgency``, ``fix_commits`` and
    ``cause_commits`` to a Jira field id (``customfield_10042``) or CSV column title.
    ``severity_map`` adds to or overrides the severity scale (``analyzer/incidents/
    severity.toml``): ``{"urgent" = 1, "incidentio:minor" = 4}``. An empty ``github_label``
    imports every issue.
    """

    timezone: str | None = None
    jira_fields: Mapping[str, str] = dataclasses.field(default_factory=dict)
    github_label: str = "incident"
    severity_map: Mapping[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class LinkingConfig:
    """How incidents are linked to commits."""

    fix_patterns: tuple[str, ...] = ()
    ownership_file: str | None = None
    ignore_revs_file: str | None = None
    szz_variant: str = "r"


@dataclasses.dataclass(frozen=True)
class AnalysisConfig:
    """Choices the analysis would otherwise make from the data."""

    adoption_date: dt.date | None = None
    churn_windows_days: tuple[int, ...] = (14, 28)
    #: When incident records begin; default: inferred from the first incident, when that
    #: comes long after the first change (see ``coverage.incident_records_start``).
    incident_records_start: dt.date | None = None


@dataclasses.dataclass(frozen=True)
class UsageConfig:
    """How AI usage telemetry is read against the commits.

    ``teams`` maps a team name to its members, each an e-mail address (as commits and
    telemetry write it) or a GitHub login; telemetry and commits of people in no team count
    only towards everyone's figures.
    """

    teams: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Config:
    """Everything a run may be configured with; ``source`` names the file it came from."""

    mining: MiningConfig = dataclasses.field(default_factory=MiningConfig)
    attribution: AttributionConfig = dataclasses.field(default_factory=AttributionConfig)
    incidents: IncidentsConfig = dataclasses.field(default_factory=IncidentsConfig)
    linking: LinkingConfig = dataclasses.field(default_factory=LinkingConfig)
    analysis: AnalysisConfig = dataclasses.field(default_factory=AnalysisConfig)
    usage: UsageConfig = dataclasses.field(default_factory=UsageConfig)
    source: str | None = None

    @property
    def excluded_globs(self) -> tuple[str, ...]:
        return self.mining.exclude + self.mining.extra_exclude


def load_config(directory: Path | None = None, file: Path | None = None) -> Config:
    """Build the run's configuration from ``file``, or from the first of ``jevons.toml`` and
    ``pyproject.toml`` (its ``[tool.jevons]`` table) found in ``directory``."""
    if file is not None:
        return config_from_file(file)
    base = directory or Path.cwd()
    for name in ("jevons.toml", "pyproject.toml"):
        candidate = base / name
        if candidate.is_file():
            config = config_from_file(candidate)
            if config.source is not None:
                return config
    return Config()


def config_from_file(path: Path) -> Config:
    """Parse one configuration file; ``pyproject.toml`` contributes only ``[tool.jevons]``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: configuration file not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("jevons")
        if table is None:
            return Config()
        prefix = "tool.jevons"
    else:
        table, prefix = data, ""
    return config_from_mapping(table, source=str(path), prefix=prefix)


def config_from_mapping(
    table: Mapping[str, Any], *, source: str = "<config>", prefix: str = ""
) -> Config:
    """Build a :class:`Config` from a parsed TOML table, checking every key and type."""
    sections: dict[str, Any] = {}
    section_types = {f.name: f.type for f in dataclasses.fields(Config) if f.name != "source"}
    hints = get_type_hints(Config)
    for key, value in table.items():
        name = key.replace("-", "_")
        where = f"{prefix}.{key}" if prefix else key
        if name not in section_types:
            known = ", ".join(sorted(section_types))
            raise ConfigError(f"{source}: unknown section '{where}' (known: {known})")
        if not isinstance(value, Mapping):
            raise ConfigError(f"{source}: '{where}' must be a table")
        sections[name] = _build_section(hints[name], value, source, where)
    return Config(**sections, source=source)


def _build_section(cls: Any, table: Mapping[str, Any], source: str, where: str) -> Any:
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, raw in table.items():
        name = key.replace("-", "_")
        if name not in hints:
            known = ", ".join(sorted(hints))
            raise ConfigError(f"{source}: unknown key '{where}.{key}' (known: {known})")
        values[name] = _coerce(hints[name], raw, f"{source}: '{where}.{key}'")
    return cls(**values)


def _coerce(annotation: Any, raw: Any, where: str) -> Any:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is tuple:
        if not isinstance(raw, list):
            raise ConfigError(f"{where} must be a list")
        return tuple(_coerce(args[0], item, where) for item in raw)
    if origin is Literal:
        if raw not in args:
            raise ConfigError(f"{where} must be one of {', '.join(map(repr, args))}, not {raw!r}")
        return raw
    if args and type(None) in args:  # Optional[X]
        inner = [a for a in args if a is not type(None)]
        return None if raw is None else _coerce(inner[0], raw, where)
    return _coerce_scalar(annotation, origin, raw, where)


def _coerce_scalar(annotation: Any, origin: Any, raw: Any, where: str) -> Any:
    if origin is not None and issubclass(origin, Mapping):
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where} must be a table")
        return dict(raw)
    if annotation is dt.date:
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError as exc:
            raise ConfigError(f"{where} must be a date (YYYY-MM-DD), not {raw!r}") from exc
    if annotation is float and isinstance(raw, int) and not isinstance(raw, bool):
        return float(raw)
    if annotation is Any or (isinstance(annotation, type) and isinstance(raw, annotation)):
        if isinstance(raw, bool) and annotation in (int, float):
            raise ConfigError(f"{where} must be a number, not {raw!r}")
        return raw
    name = getattr(annotation, "__name__", str(annotation))
    raise ConfigError(f"{where} must be {name}, not {type(raw).__name__} {raw!r}")

"""Service ownership: which paths each service owns, and the code an unfixed incident's
service changed just before it.

An ownership file maps services to path globs (``.gitignore`` syntax), in any of:

- ``service: glob glob ...`` lines (Jevons' own format; ``#`` starts a comment);
- CODEOWNERS lines ``glob owner owner ...`` (an ``@`` before an owner is dropped; the
  last matching line decides a path's owners, as GitHub does);
- YAML, JSON or TOML (by extension): ``{service: [glob, ...]}``, optionally under a
  top-level ``services`` key, each value a list of globs, one string of globs separated by
  spaces, or a table with a ``paths`` list.

Links made from ownership are ``related`` and weak: they say "this service's code changed
shortly before", never "this commit caused it".
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import json
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pathspec
import yaml

from analyzer.errors import LinkingError
from analyzer.linking.incident_records import IncidentRecord
from analyzer.models import Link

#: How far before an incident ownership looks for changes, and how many it names.
OWNERSHIP_WINDOW = dt.timedelta(days=14)
OWNERSHIP_LIMIT = 5
#: Confidence of the most recent change; it falls to half of this at the window's start.
OWNERSHIP_CONFIDENCE = 0.2


_COMMENT = re.compile(r"(?:^|\s)#.*$")


def normalize_service(name: str) -> str:
    """``Checkout API`` and ``checkout-api`` are the same service."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclasses.dataclass(frozen=True)
class OwnershipRule:
    """Line ``line`` of the file: ``glob`` is owned by ``services``."""

    glob: str
    services: tuple[str, ...]
    line: int

    @functools.cached_property
    def spec(self) -> pathspec.GitIgnoreSpec:
        return pathspec.GitIgnoreSpec.from_lines([self.glob])


@dataclasses.dataclass(frozen=True)
class Ownership:
    """The rules of one ownership file; ``last_match_wins`` for CODEOWNERS files."""

    source: str
    rules: tuple[OwnershipRule, ...]
    last_match_wins: bool = False
    _owners: dict[str, frozenset[str]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def services(self) -> frozenset[str]:
        return frozenset(s for rule in self.rules for s in rule.services)

    def owners_of(self, path: str) -> frozenset[str]:
        """The (normalised) services that own ``path``."""
        if path not in self._owners:
            self._owners[path] = self._match(path)
        return self._owners[path]

    def _match(self, path: str) -> frozenset[str]:
        if self.last_match_wins:
            for rule in reversed(self.rules):
                if rule.spec.match_file(path):
                    return frozenset(rule.services)
            return frozenset()
        return frozenset(s for r in self.rules if r.spec.match_file(path) for s in r.services)

    def rules_for(self, service: str) -> list[OwnershipRule]:
        key = normalize_service(service)
        return [rule for rule in self.rules if key in rule.services]


def load_ownership(path: Path) -> Ownership:
    """Read an ownership file; a malformed one is a :class:`LinkingError` naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LinkingError(f"{path}: cannot read the ownership file: {exc.strerror}") from exc
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json", ".toml"):
        return _from_mapping(path, _parse_mapping(path, text, suffix))
    return _from_lines(path, text)


def _parse_mapping(path: Path, text: str, suffix: str) -> Any:
    try:
        if suffix == ".json":
            return json.loads(text)
        if suffix == ".toml":
            return tomllib.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise LinkingError(f"{path}: not valid {suffix.lstrip('.').upper()}: {exc}") from exc


def _from_mapping(path: Path, data: Any) -> Ownership:
    if isinstance(data, Mapping) and isinstance(data.get("services"), Mapping):
        data = data["services"]
    if not isinstance(data, Mapping) or not data:
        raise LinkingError(f"{path}: expected a mapping of service to path globs")
    rules = []
    for number, (service, value) in enumerate(data.items(), start=1):
        globs = value.get("paths") if isinstance(value, Mapping) else value
        if isinstance(globs, str):
            globs = globs.split()
        if not isinstance(globs, list) or not all(isinstance(g, str) for g in globs):
            raise LinkingError(
                f"{path}: service {service!r}: expected a list of path globs, got {value!r}"
            )
        rules += [OwnershipRule(g, (normalize_service(str(service)),), number) for g in globs]
    return _checked(path, rules, last_match_wins=False)


def _from_lines(path: Path, text: str) -> Ownership:
    rules: list[OwnershipRule] = []
    codeowners = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT.sub("", raw).strip()
        if not line:
            continue
        head, *rest = line.split()
        if head.endswith(":"):
            service, globs = head[:-1], rest
            rules += [OwnershipRule(g, (normalize_service(service),), number) for g in globs]
        elif rest:
            codeowners = True
            owners = tuple(normalize_service(o.lstrip("@")) for o in rest)
            rules.append(OwnershipRule(head, owners, number))
        else:
            raise LinkingError(
                f"{path}: line {number}: {line!r} names no owner; write 'service: glob ...' "
                "or 'glob owner ...' (CODEOWNERS)"
            )
    return _checked(path, rules, last_match_wins=codeowners)


def _checked(path: Path, rules: list[OwnershipRule], *, last_match_wins: bool) -> Ownership:
    if not rules:
        raise LinkingError(f"{path}: the ownership file names no service and no path")
    for rule in rules:
        try:
            _ = rule.spec
        except (ValueError, TypeError) as exc:
            raise LinkingError(
                f"{path}: line {rule.line}: invalid glob {rule.glob!r}: {exc}"
            ) from exc
    return Ownership(str(path), tuple(rules), last_match_wins=last_match_wins)


@dataclasses.dataclass(frozen=True)
class Touch:
    """Commit ``sha`` of ``repo_id`` changed ``path`` at ``committed_at``."""

    repo_id: str
    sha: str
    committed_at: dt.datetime
    path: str


def ownership_links(
    incidents: Iterable[IncidentRecord],
    touches: Sequence[Touch],
    ownership: Ownership,
    *,
    window: dt.timedelta = OWNERSHIP_WINDOW,
    limit: int = OWNERSHIP_LIMIT,
) -> tuple[list[Link], dict[str, str]]:
    """``related`` links from each incident to its service's latest changes before it.

    Returns the links and, per incident that got none, the reason.
    """
    ordered = sorted(touches, key=lambda t: t.committed_at)
    times = [t.committed_at for t in ordered]
    links: list[Link] = []
    reasons: dict[str, str] = {}
    for incident in incidents:
        service = normalize_service(incident.service or "")
        if not service:
            reasons[incident.incident_id] = "the incident names no service"
            continue
        if service not in ownership.services:
            reasons[incident.incident_id] = (
                f"service {incident.service!r} owns no path in {ownership.source}"
            )
            continue
        start = bisect.bisect_left(times, incident.created_at - window)
        end = bisect.bisect_right(times, incident.created_at)
        found = _latest_owned(ordered[start:end], service, ownership, limit)
        if not found:
            reasons[incident.incident_id] = (
                f"no change to {incident.service!r}'s paths in the {window.days} days before it"
            )
        links += [_link(incident, key, paths, ownership, window) for key, paths in found]
    return links, reasons


def _latest_owned(
    touches: Sequence[Touch], service: str, ownership: Ownership, limit: int
) -> list[tuple[Touch, list[str]]]:
    by_commit: dict[tuple[str, str], list[Touch]] = defaultdict(list)
    for touch in touches:
        if service in ownership.owners_of(touch.path):
            by_commit[(touch.repo_id, touch.sha)].append(touch)
    latest = sorted(by_commit.values(), key=lambda ts: ts[0].committed_at, reverse=True)
    return [(ts[0], sorted(t.path for t in ts)) for ts in latest[:limit]]


def _link(
    incident: IncidentRecord,
    touch: Touch,
    paths: list[str],
    ownership: Ownership,
    window: dt.timedelta,
) -> Link:
    age = incident.created_at - touch.committed_at
    confidence = OWNERSHIP_CONFIDENCE * (1 - 0.5 * min(1.0, age / window))
    shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    return Link(
        incident_id=incident.incident_id,
        repo_id=touch.repo_id,
        sha=touch.sha,
        role="related",
        method="ownership",
        confidence=round(confidence, 3),
        evidence=(
            f"no fix commit is known; service {incident.service!r} owns {shown} "
            f"({ownership.source}), which this commit changed "
            f"{age.total_seconds() / 86400:.1f} days before the incident: context, not a cause"
        ),
    )

"""The linking rules (``rules.toml``, data not code) plus the user's own fix patterns."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from analyzer.errors import BAD_REGEX_ERRORS, LinkingError


@dataclasses.dataclass(frozen=True)
class FixPattern:
    """A commit-message pattern naming an incident; its ``ref`` group is looked up.

    ``sources`` limits it to incidents from those sources (empty: any).
    """

    name: str
    regex: re.Pattern[str]
    confidence: float
    sources: frozenset[str] = frozenset()
    description: str = ""


@dataclasses.dataclass(frozen=True)
class LinkingRules:
    """Everything linking matches against: fix patterns, PR conventions, paths SZZ skips
    (tests and documentation; configuration)."""

    fix_patterns: tuple[FixPattern, ...]
    pull_request_patterns: tuple[re.Pattern[str], ...]
    szz_skip_paths: tuple[str, ...]
    szz_config_paths: tuple[str, ...]


#: Confidence of a user's own ``--fix-pattern``: as strong as a key such as INC-123.
USER_PATTERN_CONFIDENCE = 0.9


def load_rules(extra_fix_patterns: Iterable[str] = ()) -> LinkingRules:
    """The built-in rules, with ``extra_fix_patterns`` (regexes with a ``ref`` group) added."""
    data = tomllib.loads(resources.files("analyzer.linking").joinpath("rules.toml").read_text())
    builtin = tuple(_fix_pattern(entry) for entry in data["fix_reference"])
    user = tuple(user_fix_pattern(text, index) for index, text in enumerate(extra_fix_patterns))
    return LinkingRules(
        fix_patterns=builtin + user,
        pull_request_patterns=tuple(re.compile(e["regex"]) for e in data["pull_request"]),
        szz_skip_paths=tuple(data["szz"]["skip_paths"]),
        szz_config_paths=tuple(data["szz"]["config_paths"]),
    )


def user_fix_pattern(text: str, index: int = 0) -> FixPattern:
    """A ``--fix-pattern``: a regex with a named group ``ref``, or a :class:`LinkingError`."""
    try:
        regex = re.compile(text)
    except BAD_REGEX_ERRORS as exc:
        raise LinkingError(
            f"--fix-pattern {text!r} is not a valid regular expression: {exc}"
        ) from exc
    if "ref" not in regex.groupindex:
        raise LinkingError(
            f"--fix-pattern {text!r} has no named group 'ref' saying which part is the incident "
            r"reference; write it like 'fixes (?P<ref>OPS-\d+)'"
        )
    return FixPattern(
        name=f"user-{index + 1}",
        regex=regex,
        confidence=USER_PATTERN_CONFIDENCE,
        description=text,
    )


def _fix_pattern(entry: Mapping[str, Any]) -> FixPattern:
    return FixPattern(
        name=entry["name"],
        regex=re.compile(entry["regex"]),
        confidence=float(entry["confidence"]),
        sources=frozenset(entry.get("sources", ())),
        description=entry.get("description", ""),
    )

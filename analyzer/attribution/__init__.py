"""Attribution: who (or what) wrote each commit — an AI agent, a person helped by AI, a
person, or an automation bot — and the evidence for it.

The rules are data (``rules.toml``); :func:`load_rules` reads them with the user's additions,
:func:`classify_commit` labels one commit. See ``README.md`` beside this module for the rule
format and the precedence.
"""

from __future__ import annotations

from analyzer.attribution.classify import RuleMatch, classify_commit, find_matches, resolve
from analyzer.attribution.rules import Rule, RuleSet, UnmarkedTool, load_rules

__all__ = [
    "Rule",
    "RuleMatch",
    "RuleSet",
    "UnmarkedTool",
    "classify_commit",
    "find_matches",
    "load_rules",
    "resolve",
]

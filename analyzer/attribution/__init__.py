"""Attribution: who (or what) wrote each commit — an AI agent, a person helped by AI, a
person, or an automation bot — and the evidence for it.

The rules are data (``rules.toml``); :func:`load_rules` reads them with the user's additions,
:func:`classify_commit` labels one commit. See ``README.md`` beside this module for the rule
format and the precedence.
"""

from __future__ import annotations

from analyzer.attribution.classify import RuleMatch, classify_commit, find_matches, resolve
from analyzer.attribution.explain import CommitExplanation, CommitLookupError, explain_commit
from analyzer.attribution.lines import ClassLines, LineAttribution, line_attribution
from analyzer.attribution.relabel import RelabelResult, relabel_commits
from analyzer.attribution.rules import Rule, RuleSet, UnmarkedTool, load_rules, rules_from_config

__all__ = [
    "ClassLines",
    "CommitExplanation",
    "CommitLookupError",
    "LineAttribution",
    "RelabelResult",
    "Rule",
    "RuleMatch",
    "RuleSet",
    "UnmarkedTool",
    "classify_commit",
    "explain_commit",
    "find_matches",
    "line_attribution",
    "load_rules",
    "relabel_commits",
    "resolve",
    "rules_from_config",
]

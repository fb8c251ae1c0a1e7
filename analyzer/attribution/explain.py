"""Why a stored commit got its label: the stored verdict, and every rule that matches now."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from analyzer.attribution.classify import RuleMatch, find_matches, resolve
from analyzer.attribution.relabel import COMMIT_COLUMNS, commit_from_row
from analyzer.attribution.rules import RuleSet, rules_from_config
from analyzer.config import Config
from analyzer.errors import JevonsError
from analyzer.models import Attribution, Commit
from analyzer.store import open_store

_HEX = re.compile(r"^[0-9a-f]{4,40}$")
_SHOWN_CANDIDATES = 5


class CommitLookupError(JevonsError):
    """A commit asked for by SHA is not in the store, or its prefix names several."""


@dataclasses.dataclass(frozen=True)
class StoredLabel:
    """The label as the store holds it (written at mine time or by ``jevons attribute``)."""

    authorship: str | None
    ai_tool: str | None
    evidence: str | None
    strength: str | None
    weak_evidence: str | None


@dataclasses.dataclass(frozen=True)
class CommitExplanation:
    """One commit, its stored label, its label under today's rules, and the matches."""

    repo_id: str
    commit: Commit
    stored: StoredLabel
    current: Attribution
    matches: tuple[RuleMatch, ...]

    @property
    def is_stale(self) -> bool:
        """True when today's rules give another class or tool than the stored one."""
        return (self.stored.authorship, self.stored.ai_tool) != (
            self.current.authorship,
            self.current.ai_tool,
        )


def explain_commit(
    sha: str,
    db: Path | str | None = None,
    config: Config | None = None,
    *,
    repo: str | None = None,
    rules: RuleSet | None = None,
) -> CommitExplanation:
    """Find the commit ``sha`` (a unique prefix of 4 or more hex digits will do) and say why
    it is labelled as it is."""
    rules = rules or rules_from_config(config or Config())
    prefix = sha.strip().lower()
    if not _HEX.match(prefix):
        raise CommitLookupError(
            f"{sha!r} is not a commit SHA: give 4 to 40 hexadecimal digits (e.g. from git log)"
        )
    store = open_store(db, read_only=True)
    columns = ", ".join(COMMIT_COLUMNS)
    sql = (
        f"SELECT {columns}, ai_tool, attribution_evidence, attribution_strength, weak_evidence "
        "FROM commits WHERE starts_with(sha, ?)"
    )
    params: list[str] = [prefix]
    if repo is not None:
        sql += " AND repo_id = ?"
        params.append(repo)
    rows = store.query(sql + " ORDER BY repo_id, sha LIMIT 50", params)
    where = f" in repository '{repo}'" if repo is not None else ""
    if not rows:
        raise CommitLookupError(
            f"{store.path}: no stored commit{where} has a SHA starting {prefix}"
        )
    if len(rows) > 1:
        shown = ", ".join(f"{r[1][:12]} ({r[0]})" for r in rows[:_SHOWN_CANDIDATES])
        more = f" and {len(rows) - _SHOWN_CANDIDATES} more" if len(rows) > _SHOWN_CANDIDATES else ""
        raise CommitLookupError(
            f"{store.path}: SHA prefix {prefix} is ambiguous{where}: {shown}{more}; "
            "give more digits (or --repo)"
        )
    row = rows[0]
    commit = commit_from_row(row)
    matches = find_matches(commit, rules)
    n = len(COMMIT_COLUMNS)
    return CommitExplanation(
        repo_id=row[0],
        commit=commit,
        stored=StoredLabel(row[n - 1], *row[n:]),
        current=resolve(matches),
        matches=matches,
    )

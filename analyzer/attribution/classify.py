"""Label one commit: find every rule that matches, then apply the documented precedence.

Precedence (also in ``rules.toml`` and the README): an agent identity as author gives
``ai_authored``; an automation bot as author gives ``automation`` (never AI); otherwise a
strong AI marker in the message (co-author trailer, trailer, footer, subject prefix) gives
its class, normally ``ai_assisted``; otherwise ``human``. Weak matches never change the
label; they are kept in ``weak_evidence``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence

from analyzer.attribution.rules import Rule, RuleSet, Strength
from analyzer.attribution.trailers import Trailer, message_body, read_trailers
from analyzer.models import Attribution, Authorship, Commit

NO_MATCH_EVIDENCE = "no attribution rule matched"
_COAUTHOR_KEY = "co-authored-by"
_MERGED_BRANCH = re.compile(
    r"^Merge (?:branch '(?P<branch>[^']+)'"
    r"|remote-tracking branch '(?:[^/']+/)?(?P<remote>[^']+)'"
    r"|pull request #\d+ from [^/\s]+/(?P<pr>\S+))"
)
_ABOVE_NOTE = (
    "weak because the trailer sits above the message's last paragraph and names no tool address"
)
_NO_MATCH = Attribution(authorship=Authorship.HUMAN, ai_tool=None, evidence=NO_MATCH_EVIDENCE)
_WHAT = {
    "author_email": "author e-mail {}",
    "author_name": "author name '{}'",
    "committer_email": "committer e-mail {}",
    "committer_name": "committer name '{}'",
    "coauthor_email": "trailer '{}'",
    "trailer": "trailer '{}'",
    "body": "message line '{}'",
    "subject": "subject '{}'",
    "branch": "merged branch '{}'",
}


@dataclasses.dataclass(frozen=True)
class RuleMatch:
    """One rule matching one piece of a commit; ``strength`` may be weaker than the rule's."""

    rule: Rule
    text: str
    strength: Strength
    note: str = ""

    def describe(self) -> str:
        """The match in words a reader can check against ``git show``."""
        what = _WHAT[self.rule.where].format(self.text)
        said = f"{what} matches rule {self.rule.id} ({self.rule.tool_name})"
        return f"{said}: {self.note}" if self.note else said


def classify_commit(commit: Commit, rules: RuleSet) -> Attribution:
    """The commit's authorship class, tool and evidence under ``rules``."""
    return resolve(find_matches(commit, rules))


def find_matches(commit: Commit, rules: RuleSet) -> tuple[RuleMatch, ...]:
    """Every rule that matches ``commit``, in rule order, with squash downgrades applied."""
    trailers = read_trailers(commit.message, rules.is_known_trailer_key)
    found = list(_identity_matches(commit, rules))
    found += _trailer_matches(trailers, rules)
    found += _text_matches("subject", commit.subject, rules)
    if "body" in rules.by_where and "\n" in commit.message:
        found += _text_matches("body", message_body(commit.message), rules)
    branch = merged_branch(commit.subject)
    if branch is not None:
        found += _text_matches("branch", branch, rules)
    if len(found) > 1:
        found.sort(key=lambda m: rules.order[m.rule.id])
    return tuple(found)


def resolve(matches: Sequence[RuleMatch]) -> Attribution:
    """Apply the precedence to a commit's matches (see the module docstring)."""
    if not matches:
        return _NO_MATCH
    strong = [
        m for m in matches if m.strength == "strong" and m.rule.rule_class != Authorship.HUMAN
    ]
    notes = [m for m in matches if m.strength == "strong" and m.rule.rule_class == Authorship.HUMAN]
    weak = [m for m in matches if m.strength == "weak"]
    decided = _deciding(strong)
    weak_text = "; ".join(m.describe() for m in weak) or None
    others_ids = tuple(m.rule.id for m in matches if m is not decided)
    if decided is None:
        evidence = (
            "only weak evidence, labelled human (see weak_evidence)" if weak else NO_MATCH_EVIDENCE
        )
        evidence = "; ".join([evidence, *(m.describe() for m in notes)])
        return Attribution(
            authorship=Authorship.HUMAN,
            ai_tool=None,
            evidence=evidence,
            strength="weak" if weak else None,
            weak_evidence=weak_text,
            rule_ids=others_ids,
        )
    others = [m for m in strong if m is not decided]
    parts = [decided.describe()]
    parts += [f"also {m.describe()}" for m in others]
    parts += [m.describe() for m in notes]
    return Attribution(
        authorship=decided.rule.rule_class,
        ai_tool=decided.rule.tool,
        evidence="; ".join(parts),
        strength="strong",
        weak_evidence=weak_text,
        rule_ids=(decided.rule.id, *others_ids),
    )


def merged_branch(subject: str) -> str | None:
    """The branch a merge commit's default subject names (git's and GitHub's forms)."""
    if not subject.startswith("Merge "):
        return None
    match = _MERGED_BRANCH.match(subject)
    if match is None:
        return None
    return match.group("branch") or match.group("remote") or match.group("pr")


def _deciding(strong: Sequence[RuleMatch]) -> RuleMatch | None:
    by_author = [m for m in strong if m.rule.is_author_identity]
    for wanted in (Authorship.AI_AUTHORED, Authorship.AUTOMATION):
        chosen = next((m for m in by_author if m.rule.rule_class == wanted), None)
        if chosen is not None:
            return chosen
    ai = [m for m in strong if m.rule.rule_class.is_ai]
    if ai:
        return min(ai, key=lambda m: m.rule.rule_class.precedence or 0)
    return next((m for m in strong if m.rule.rule_class == Authorship.AUTOMATION), None)


def _identity_matches(commit: Commit, rules: RuleSet) -> Iterator[RuleMatch]:
    for where, value in (
        ("author_email", commit.author_email),
        ("author_name", commit.author_name),
        ("committer_email", commit.committer_email),
        ("committer_name", commit.committer_name),
    ):
        yield from _text_matches(where, value, rules)


def _text_matches(where: str, text: str, rules: RuleSet) -> list[RuleMatch]:
    candidates = rules.by_where.get(where)
    if not candidates or not text:
        return []
    prefilter = rules.prefilters.get(where)
    if prefilter is not None and prefilter.search(text) is None:
        return []
    pieces = [line.strip() for line in text.splitlines()] if where == "body" else [text]
    found = []
    for rule in candidates:
        shown = next((piece for piece in pieces if rule.pattern.search(piece)), None)
        if shown is not None:
            found.append(RuleMatch(rule, shown, rule.strength))
    return found


def _trailer_matches(trailers: Sequence[Trailer], rules: RuleSet) -> list[RuleMatch]:
    """Matches on every trailer the message holds; a strong one becomes weak on a likely
    squash (more co-authors than the limit, counted over all trailer paragraphs) or when it
    sits above the last paragraph and names no tool address."""
    if not trailers:
        return []
    coauthors = len({t.value.strip().lower() for t in trailers if t.key.lower() == _COAUTHOR_KEY})
    inherited = coauthors > rules.squash_trailer_limit
    squash_note = (
        f"weak because the commit names {coauthors} co-authors in Co-authored-by trailers, "
        f"more than squash_trailer_limit {rules.squash_trailer_limit} (likely inherited by a "
        "squash)"
    )
    found = []
    for trailer in trailers:
        for rule, text in _rules_for_trailer(trailer, rules):
            if rule.pattern.search(text) is None:
                continue
            if rule.strength == "weak":
                found.append(RuleMatch(rule, trailer.line, "weak"))
            elif inherited:
                found.append(RuleMatch(rule, trailer.line, "weak", squash_note))
            elif not (trailer.in_trailer_block or rule.names_exact_address):
                found.append(RuleMatch(rule, trailer.line, "weak", _ABOVE_NOTE))
            else:
                found.append(RuleMatch(rule, trailer.line, "strong"))
    return found


def _rules_for_trailer(trailer: Trailer, rules: RuleSet) -> Iterator[tuple[Rule, str]]:
    if trailer.key.lower() == _COAUTHOR_KEY:
        identity = trailer.identity
        if identity is not None:
            for rule in rules.by_where.get("coauthor_email", ()):
                yield rule, identity[1]
    for rule in rules.by_where.get("trailer", ()):
        if rule.key is not None and rule.key.fullmatch(trailer.key):
            yield rule, trailer.value

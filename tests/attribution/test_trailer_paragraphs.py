"""Trailers that are not in the last paragraph: each pattern seen in real histories
(steveyegge/beads, simonw/tools; issue #20), rebuilt with fictional people and the tools'
real addresses, committed for real and read back with ``git log``.

git reads trailers from the last paragraph only; agents often write their co-author line in a
paragraph of its own with another paragraph after it. A trailer-shaped paragraph (only
``Key: value`` lines with known keys) is read wherever it sits; it is strong when it names
the tool's exact address; the squash limit counts the co-authors of all such paragraphs.
"""

from __future__ import annotations

import dataclasses

import pytest

from analyzer.attribution import classify_commit, load_rules
from analyzer.attribution.rules import RuleSet
from analyzer.attribution.trailers import parse_trailers, read_trailers
from analyzer.models import Attribution, Commit
from tests.attribution.test_rules import GH, read_commits
from tests.support.repo_builder import RepoBuilder

CLAUDE = "Co-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>"
AMP = "Co-authored-by: Amp <amp@ampcode.com>"
AMP_THREAD = "Amp-Thread-ID: https://ampcode.com/threads/T-019d20f6-5904-762e-b3f6-89668378bf23"
SESSION = "Claude-Session: https://claude.ai/code/session_01AbCdEfGhIjKlMn"
BODY = (
    "fix(lock): hold the file lock across the retry\n\n"
    "Take the lock once and avoid double-locking on macOS, where flock is per-fd."
)


@dataclasses.dataclass(frozen=True)
class Pattern:
    """A message as the tool (or its user's script) writes it, and the label it deserves."""

    message: str
    authorship: str
    tool: str | None
    strength: str | None


def _squash(*commits: str) -> str:
    return "Sync the importer work (#311)\n\n" + "\n\n".join(commits)


PATTERNS: dict[str, Pattern] = {
    # beads: an orchestrator appends its own trailer paragraph after the agent's co-author
    "coauthor-then-trailer-paragraph": Pattern(
        f"{BODY}\n\n{CLAUDE}\n\nExecuted-By: shop/crew/ivy\nRig: shop\nRole: crew",
        "ai_assisted",
        "claude-code",
        "strong",
    ),
    # simonw/tools: the prompt is quoted after the trailer
    "coauthor-then-quoted-prompt": Pattern(
        f"{BODY}\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\n"
        "> Make the lock hold across retries, and add a test for macOS",
        "ai_assisted",
        "claude-code",
        "strong",
    ),
    # simonw/tools: a heading line, then the prompt
    "coauthor-then-prompt-heading": Pattern(
        f"{BODY}\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\n"
        "Claude Code for web prompt:\n\n> Build lock-viewer.html that shows who holds the lock",
        "ai_assisted",
        "claude-code",
        "strong",
    ),
    # beads: a sign-off line in prose under the trailer
    "coauthor-then-prose-signature": Pattern(
        f"{BODY}\n\n{CLAUDE}\n\n_codex-gpt-5.5-medium on behalf of Ivy Example_",
        "ai_assisted",
        "claude-code",
        "strong",
    ),
    # simonw/tools: the session trailer names Claude Code's own address
    "session-trailer-then-prompt": Pattern(
        f"{BODY}\n\n{SESSION}\n\n> Tidy up the lock viewer",
        "ai_assisted",
        "claude-code",
        "strong",
    ),
    # beads: a GitHub squash keeps each commit's trailers in a paragraph of its own; six
    # co-author lines name two co-authors, within the squash limit
    "squash-repeating-one-agent": Pattern(
        _squash(
            *(f"* fix(ci): step {n}\n\n{AMP_THREAD}\n{AMP}" for n in range(5)),
            "Co-authored-by: Ivy Example <ivy@example.com>",
        ),
        "ai_assisted",
        "amp",
        "strong",
    ),
    # a tool named, but no address: weak above the last paragraph
    "made-with-above-the-last-paragraph": Pattern(
        f"{BODY}\n\nMade-with: Cursor\n\nTests: the full suite passes.",
        "human",
        None,
        "weak",
    ),
}
NOT_TRAILERS: dict[str, str] = {
    # the co-author line inside a paragraph of prose is prose, wherever it sits
    "prose-paragraph": (
        f"{BODY}\n\nWe used to end messages with\n{CLAUDE}\nbut the template changed.\n\n"
        "Signed-off-by: Ivy Example <ivy@example.com>"
    ),
    # indented: a continuation, not a trailer (git agrees)
    "indented": f"{BODY}\n\n    {CLAUDE}\n\nSigned-off-by: Ivy Example <ivy@example.com>",
    # a shell heredoc's end marker fused into the paragraph
    "heredoc-leftover": f"{BODY}\n\n{CLAUDE}\nEOF\n)\n\nExecuted-By: shop/crew/ivy",
    # a key no rule and no convention knows makes the paragraph not trailer-shaped
    "unknown-key-in-paragraph": (
        f"{BODY}\n\nOriginal-Author: Ivy (ivy-x)\n{CLAUDE}\n\nExecuted-By: shop/crew/ivy"
    ),
}


def _many_coauthor_squash() -> str:
    """Three squashed commits, each with two people and Claude: seven co-authors in all,
    no paragraph with more than three."""
    commits = []
    for n in range(3):
        people = [
            f"Co-authored-by: Dev {2 * n + k} Example <dev{2 * n + k}@example.com>"
            for k in range(2)
        ]
        commits.append(f"* step {n}\n\n" + "\n".join([*people, CLAUDE]))
    return _squash(*commits)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Commit]:
    """Every message above, committed by a fictional person and read back with git log."""
    repo = RepoBuilder(tmp_path_factory.mktemp("trailers") / "repo")
    messages = {
        **{name: p.message for name, p in PATTERNS.items()},
        **NOT_TRAILERS,
        "many-coauthor-squash": _many_coauthor_squash(),
    }
    shas = {
        name: repo.commit(message, {f"lock_{n}.py": f"N = {n}\n"})
        for n, (name, message) in enumerate(messages.items())
    }
    stored = read_commits(repo.path)
    return {name: stored[sha] for name, sha in shas.items()}


def _label(commit: Commit, rules: RuleSet) -> Attribution:
    return classify_commit(commit, rules)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_trailer_paragraph_anywhere_is_read(
    name: str, committed: dict[str, Commit], rules: RuleSet
) -> None:
    want = PATTERNS[name]
    label = _label(committed[name], rules)
    assert (label.authorship, label.ai_tool, label.strength) == (
        want.authorship,
        want.tool,
        want.strength,
    )


@pytest.mark.parametrize("name", sorted(NOT_TRAILERS))
def test_ai_line_outside_a_trailer_shaped_paragraph_is_not_read(
    name: str, committed: dict[str, Commit], rules: RuleSet
) -> None:
    label = _label(committed[name], rules)
    assert (label.authorship, label.strength) == ("human", None)


def test_trailer_above_the_last_paragraph_without_an_address_is_kept_as_weak_evidence(
    committed: dict[str, Commit], rules: RuleSet
) -> None:
    label = _label(committed["made-with-above-the-last-paragraph"], rules)
    assert label.weak_evidence is not None
    assert "cursor-made-with-trailer" in label.weak_evidence
    assert "above the message's last paragraph" in label.weak_evidence


def test_squash_limit_counts_the_coauthors_of_every_trailer_paragraph(
    committed: dict[str, Commit], rules: RuleSet
) -> None:
    label = _label(committed["many-coauthor-squash"], rules)
    assert (label.authorship, label.strength) == ("human", "weak")
    assert label.weak_evidence is not None and "7 co-authors" in label.weak_evidence


def test_read_trailers_marks_what_git_reads_apart(rules: RuleSet) -> None:
    message = f"{BODY}\n\n{CLAUDE}\n\nExecuted-By: shop/crew/ivy\nRig: shop"
    found = read_trailers(message, rules.is_known_trailer_key)
    assert [(t.key, t.in_trailer_block) for t in found] == [
        ("Co-Authored-By", False),
        ("Executed-By", True),
        ("Rig", True),
    ]
    assert [t.key for t in parse_trailers(message)] == ["Executed-By", "Rig"]


def test_subject_paragraph_is_never_trailers(rules: RuleSet) -> None:
    assert read_trailers(f"{CLAUDE}\n\nmore words", rules.is_known_trailer_key) == ()


def test_copilot_suggestion_coauthor_above_a_signature_is_read(
    repo: RepoBuilder, rules: RuleSet
) -> None:
    message = (
        f"Update lock.py\n\nCo-authored-by: Copilot <175728472+Copilot@{GH}>\n\n"
        "Reviewed in the pairing session."
    )
    sha = repo.commit(message, {"lock.py": "X = 1\n"})
    label = classify_commit(read_commits(repo.path)[sha], rules)
    assert (label.authorship, label.ai_tool) == ("ai_assisted", "copilot-review")

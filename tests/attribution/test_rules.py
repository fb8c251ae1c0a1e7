"""Every built-in attribution rule, table-driven: a commit carrying the marker exactly as the
tool writes it matches the rule; a near miss (a person, a prose mention, another id) does not.

The commits are made in a real repository with git and read back with ``git log``, so
messages and identities reach the rules as git stores them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzer.attribution import classify_commit, find_matches, load_rules
from analyzer.attribution.rules import RuleSet
from analyzer.models import Commit
from tests.support.repo_builder import DEFAULT_AUTHOR, RepoBuilder

Identity = tuple[str, str]
GH = "users.noreply.github.com"


@dataclasses.dataclass(frozen=True)
class Case:
    """A commit to make: its message, identities, and (for branch rules) the branch merged."""

    message: str
    author: Identity = DEFAULT_AUTHOR
    committer: Identity | None = None
    branch: str | None = None
    merge_message: str | None = None


def coauthored(trailer: str, subject: str = "Add retry to the payment client") -> Case:
    return Case(f"{subject}\n\nRetry twice on 503 before giving up.\n\n{trailer}")


def authored_by(name: str, email: str, subject: str = "Fix flaky cache test") -> Case:
    return Case(subject, author=(name, email), committer=(name, email))


def trailer_block(*trailers: str, subject: str = "Tighten the session timeout") -> Case:
    return Case(f"{subject}\n\nSessions idle for 30 minutes now expire.\n\n" + "\n".join(trailers))


def body_line(line: str, subject: str = "Add a health endpoint") -> Case:
    return Case(f"{subject}\n\nReturns 200 when the database answers.\n\n{line}")


def merged(branch: str, merge_message: str | None = None) -> Case:
    return Case("Work on the branch", branch=branch, merge_message=merge_message)


DEPENDABOT_MESSAGE = """Bump lodash from 4.17.20 to 4.17.21

Bumps [lodash](https://github.com/lodash/lodash) from 4.17.20 to 4.17.21.
- [Release notes](https://github.com/lodash/lodash/releases)
- [Commits](https://github.com/lodash/lodash/compare/4.17.20...4.17.21)

---
updated-dependencies:
- dependency-name: lodash
  dependency-type: direct:production
...

Signed-off-by: dependabot[bot] <support@github.com>"""

#: rule id -> (a commit the rule must match, a near miss it must not match)
CASES: dict[str, tuple[Case, Case]] = {
    "claude-code-coauthor": (
        coauthored("Co-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>"),
        coauthored("Co-authored-by: Jane Example <jane@anthropic.com>"),
    ),
    "claude-code-footer": (
        body_line("🤖 Generated with [Claude Code](https://claude.com/claude-code)"),
        body_line("The fixtures were generated with Claude Code last year; see the notes."),
    ),
    "claude-code-session-trailer": (
        trailer_block("Claude-Session: https://claude.ai/code/session_01AbCdEfGh"),
        Case(
            "Tighten the session timeout\n\n"
            "I looked at this once in Claude Code:\n"
            "Claude-Session: https://claude.ai/code/session_01AbCdEfGh was where I asked.\n\n"
            "The rest of the change is mine."
        ),
    ),
    "claude-code-web-author": (
        authored_by("Claude", "noreply@anthropic.com"),
        authored_by("Claude", "claude@example.com"),
    ),
    "claude-github-action-author": (
        authored_by("claude[bot]", f"209825114+claude[bot]@{GH}"),
        authored_by("claude[bot]", "claude-bot@example.com"),
    ),
    "claude-github-action-coauthor": (
        coauthored(f"Co-authored-by: claude[bot] <209825114+claude[bot]@{GH}>"),
        coauthored("Co-authored-by: claude[bot] <claude-bot@example.com>"),
    ),
    "claude-code-branch": (
        merged("claude/fix-login-redirect-Xy12Ab"),
        merged("feature/claude-login"),
    ),
    "copilot-agent-author": (
        authored_by("Copilot", f"198982749+Copilot@{GH}"),
        authored_by("Copilot", f"223556219+Copilot@{GH}"),
    ),
    "copilot-agent-coauthor": (
        coauthored(f"Co-authored-by: Copilot <198982749+Copilot@{GH}>"),
        coauthored(f"Co-authored-by: Copilot <175728472+Copilot@{GH}>"),
    ),
    "copilot-agent-logs-trailer": (
        trailer_block("Agent-Logs-Url: https://github.com/acme/shop/sessions/5f1c2a9e-1d2b"),
        trailer_block("Agent-Logs-Url: https://ci.example.com/logs/5f1c2a9e"),
    ),
    "copilot-agent-initial-plan": (
        Case("Initial plan"),
        Case("Initial plan for the cache rewrite"),
    ),
    "copilot-agent-branch": (
        merged("copilot/fix-41", "Merge pull request #42 from acme/copilot/fix-41"),
        merged("fix/copilot-typo", "Merge pull request #43 from acme/fix/copilot-typo"),
    ),
    "copilot-cli-coauthor": (
        coauthored(f"Co-authored-by: Copilot <223556219+Copilot@{GH}>"),
        coauthored("Co-authored-by: Copilot Fan <copilot-fan@example.com>"),
    ),
    "copilot-review-coauthor": (
        coauthored(f"Co-authored-by: Copilot <175728472+Copilot@{GH}>", "Update api.py"),
        coauthored(f"Co-authored-by: Copilot <223556219+Copilot@{GH}>", "Update api.py"),
    ),
    "copilot-vscode-coauthor": (
        coauthored("Co-authored-by: Copilot <copilot@github.com>"),
        coauthored("Co-authored-by: Copilot <copilot@example.com>"),
    ),
    "copilot-autofix-coauthor": (
        coauthored(
            "Co-authored-by: Copilot Autofix powered by AI "
            f"<62310815+github-advanced-security[bot]@{GH}>",
            "Potential fix for code scanning alert no. 7: Incomplete URL sanitization",
        ),
        coauthored("Co-authored-by: Autofix Example <autofix@example.com>"),
    ),
    "aider-author-name": (
        Case("Add input validation to signup", author=("Ada Example (aider)", "ada@example.com")),
        Case("Add input validation to signup", author=("Ada Aider", "ada@example.com")),
    ),
    "aider-committer-name": (
        Case("Rename the helper", committer=("Ada Example (aider)", "ada@example.com")),
        Case("Rename the helper", committer=("Ada Example", "ada@example.com")),
    ),
    "aider-subject-prefix": (
        Case("aider: Added retry with backoff to fetch_user"),
        Case("Document how we use aider: setup and tips"),
    ),
    "aider-coauthor": (
        coauthored("Co-authored-by: aider (anthropic/claude-sonnet-4-20250514) <aider@aider.chat>"),
        coauthored("Co-authored-by: Aider Example <aider@example.com>"),
    ),
    "devin-author": (
        authored_by("Devin AI", f"158243242+devin-ai-integration[bot]@{GH}"),
        authored_by("Devin Example", "devin@example.com"),
    ),
    "devin-coauthor": (
        coauthored(f"Co-Authored-By: Devin AI <158243242+devin-ai-integration[bot]@{GH}>"),
        coauthored("Co-Authored-By: unknown <>"),
    ),
    "devin-branch": (
        merged("devin/1718000000-fix-cache-expiry"),
        merged("feature/devin-notes"),
    ),
    "cursor-agent-author": (
        authored_by("Cursor Agent", "cursoragent@cursor.com"),
        authored_by("Cursor Agent", "sam@cursor.com"),
    ),
    "cursor-coauthor": (
        coauthored("Co-authored-by: Cursor <cursoragent@cursor.com>"),
        coauthored("Co-authored-by: Sam Example <sam@cursor.com>"),
    ),
    "cursor-made-with-trailer": (
        trailer_block("Made-with: Cursor"),
        trailer_block("Made-with: love"),
    ),
    "cursor-branch": (
        merged("cursor/add-rate-limit-3f9a"),
        merged("fix-cursor-pagination"),
    ),
    "codex-cli-coauthor": (
        coauthored("Co-authored-by: Codex <noreply@openai.com>"),
        coauthored("Co-authored-by: Ann Example <ann@openai.com>"),
    ),
    "codex-author": (
        authored_by("Codex", "codex@openai.com"),
        authored_by("Ann Example", "ann@openai.com"),
    ),
    "codex-cloud-task-link": (
        body_line("https://chatgpt.com/codex/tasks/task_e_68a1b2c3d4e5f6"),
        body_line("Background: https://chatgpt.com/share/68a1b2c3"),
    ),
    "codex-branch": (
        merged("codex/add-healthcheck"),
        merged("feature/codex-docs"),
    ),
    "jules-author": (
        authored_by("google-labs-jules[bot]", f"161369871+google-labs-jules[bot]@{GH}"),
        authored_by("google-labs-jules[bot]", "jules@example.com"),
    ),
    "jules-coauthor": (
        coauthored(
            f"Co-authored-by: google-labs-jules[bot] <161369871+google-labs-jules[bot]@{GH}>"
        ),
        coauthored("Co-authored-by: Jules Example <jules@example.com>"),
    ),
    "gemini-code-assist-coauthor": (
        coauthored(
            f"Co-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@{GH}>"
        ),
        coauthored("Co-authored-by: Gemma Example <gemini@example.com>"),
    ),
    "amazon-q-author": (
        authored_by("amazon-q-developer[bot]", f"208079219+amazon-q-developer[bot]@{GH}"),
        authored_by("Amazon Q", "q@example.com"),
    ),
    "openhands-author": (
        authored_by("openhands", "openhands@all-hands.dev"),
        authored_by("Rae Example", "rae@all-hands.dev"),
    ),
    "openhands-coauthor": (
        coauthored("Co-authored-by: openhands <openhands@all-hands.dev>"),
        coauthored("Co-authored-by: Rae Example <rae@all-hands.dev>"),
    ),
    "openhands-branch": (
        merged("openhands-fix-issue-17"),
        merged("docs/openhands-setup"),
    ),
    "sweep-author": (
        authored_by("sweep-ai[bot]", f"128439000+sweep-ai[bot]@{GH}"),
        authored_by("Sweep Example", "sweep@example.com"),
    ),
    "amp-thread-trailer": (
        trailer_block("Amp-Thread-ID: https://ampcode.com/threads/T-5f1d3c9a-0b7e-4c2d"),
        body_line("Discussed in https://ampcode.com/threads/T-5f1d3c9a-0b7e-4c2d with the team"),
    ),
    "amp-coauthor": (
        coauthored("Co-authored-by: Amp <amp@ampcode.com>"),
        coauthored("Co-authored-by: Amp Example <amp@example.com>"),
    ),
    "cline-bot-author": (
        authored_by("cline[bot]", f"205137888+cline[bot]@{GH}"),
        authored_by("Cline Example", "cline@example.com"),
    ),
    "factory-droid-author": (
        authored_by("factory-droid[bot]", f"138933559+factory-droid[bot]@{GH}"),
        authored_by("Droid Example", "droid@example.com"),
    ),
    "factory-droid-coauthor": (
        coauthored(f"Co-authored-by: factory-droid[bot] <138933559+factory-droid[bot]@{GH}>"),
        coauthored("Co-authored-by: Droid Example <droid@example.com>"),
    ),
    "replit-agent-trailer": (
        trailer_block(
            "Replit-Commit-Author: Agent",
            "Replit-Commit-Session-Id: 1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d",
            "Replit-Commit-Checkpoint-Type: full_checkpoint",
        ),
        trailer_block("Replit-Commit-Author: Assistant"),
    ),
    "replit-assistant-trailer": (
        trailer_block("Replit-Commit-Author: Assistant"),
        trailer_block("Replit-Commit-Author: Agent"),
    ),
    "v0-author": (
        authored_by("v0", f"v0[bot]@{GH}"),
        authored_by("Vee Example", "v0@example.com"),
    ),
    "v0-coauthor": (
        coauthored("Co-authored-by: v0[bot] <161418003+v0[bot]@users.noreply.github.com>"),
        coauthored(f"Co-authored-by: vercel[bot] <35613825+vercel[bot]@{GH}>"),
    ),
    "v0-branch": (
        merged("v0/ada-3f2a1b"),
        merged("release/v0.3"),
    ),
    "lovable-author": (
        authored_by("gpt-engineer-app[bot]", f"159125892+gpt-engineer-app[bot]@{GH}"),
        authored_by("Lovable Example", "lovable@example.com"),
    ),
    "lovable-edit-trailer": (
        trailer_block("X-Lovable-Edit-ID: edt-7a1b2c3d-4e5f"),
        body_line("We edited this in Lovable earlier, X-Lovable-Edit-ID was lost"),
    ),
    "opencode-coauthor": (
        coauthored("Co-Authored-By: opencode <noreply@opencode.ai>"),
        coauthored("Co-Authored-By: Open Example <opencode@example.com>"),
    ),
    "opencode-footer": (
        body_line("Generated with [opencode](https://opencode.ai)"),
        body_line("We generated these with opencode last week."),
    ),
    "assisted-by-trailer": (
        trailer_block(
            "Assisted-by: Claude:claude-opus-4-6 checkpatch",
            "Signed-off-by: Ada Example <ada@example.com>",
        ),
        Case(
            "Tighten the session timeout\n\n"
            "Assisted-by: nobody, this was pair-programmed in person.\n"
            "We sat at one desk all afternoon.\n\n"
            "Signed-off-by: Ada Example <ada@example.com>"
        ),
    ),
    "generated-by-trailer": (
        trailer_block("Generated-by: GitHub Copilot"),
        body_line("Generated-by scripts are in tools/, not in this change."),
    ),
    "entire-trailer": (
        trailer_block("Entire-Checkpoint: 8f3a2b1c", "Entire-Agent: claude-code"),
        trailer_block("Entire: yes"),
    ),
    "dependabot-author": (
        Case(DEPENDABOT_MESSAGE, author=("dependabot[bot]", f"49699333+dependabot[bot]@{GH}")),
        Case(DEPENDABOT_MESSAGE, author=("Dee Example", "dependabot@example.com")),
    ),
    "renovate-author": (
        authored_by(
            "renovate[bot]",
            f"29139614+renovate[bot]@{GH}",
            "chore(deps): update dependency pytest to v8.3.2",
        ),
        authored_by("Ren Example", "renovate@example.com", "chore(deps): update dependency pytest"),
    ),
    "github-actions-author": (
        authored_by("github-actions[bot]", f"41898282+github-actions[bot]@{GH}", "Update docs"),
        authored_by("Act Example", "actions@example.com", "Update docs"),
    ),
    "pre-commit-ci-author": (
        Case(
            "[pre-commit.ci] auto fixes from pre-commit.com hooks\n\n"
            "for more information, see https://pre-commit.ci",
            author=("pre-commit-ci[bot]", f"66853113+pre-commit-ci[bot]@{GH}"),
        ),
        Case("[pre-commit.ci] pre-commit autoupdate", author=DEFAULT_AUTHOR),
    ),
    "vercel-author": (
        authored_by("vercel[bot]", f"35613825+vercel[bot]@{GH}", "Add Vercel config"),
        authored_by("Vera Example", "vercel@example.com", "Add Vercel config"),
    ),
    "github-web-flow-committer": (
        Case("Update README.md", committer=("GitHub", "noreply@github.com")),
        Case("Update README.md", committer=("GitHub Example", "github@example.com")),
    ),
}


def read_commits(repo: Path) -> dict[str, Commit]:
    """Every commit of ``repo`` (all refs) as git stores it, read with ``git log``."""
    fields = "%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1e"
    out = subprocess.run(
        ["git", "log", "--all", f"--format={fields}"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    commits = {}
    for record in out.split("\x1e"):
        if not record.strip():
            continue
        sha, parents, an, ae, ad, cn, ce, cd, body = record.lstrip("\n").split("\x1f")
        commits[sha] = Commit(
            sha=sha,
            parents=tuple(parents.split()),
            author_name=an,
            author_email=ae,
            authored_at=dt.datetime.fromisoformat(ad),
            author_tz_minutes=0,
            committer_name=cn,
            committer_email=ce,
            committed_at=dt.datetime.fromisoformat(cd),
            committer_tz_minutes=0,
            message=body.rstrip("\n"),
        )
    return commits


def make_commit(repo: RepoBuilder, case: Case, n: int) -> str:
    """Make ``case`` in ``repo`` (on a merged branch when it names one); its SHA."""
    files = {f"src/change_{n}.py": f"VALUE = {n}\n"}
    if case.branch is None:
        return repo.commit(case.message, files, author=case.author, committer=case.committer)
    repo.checkout(case.branch, create=True)
    repo.commit(case.message, files)
    repo.checkout("main")
    return repo.merge(case.branch, case.merge_message)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, bool], Commit]:
    """Every case committed in one real repository: (rule id, is positive) -> commit."""
    repo = RepoBuilder(tmp_path_factory.mktemp("markers") / "repo")
    repo.commit("Initial commit", {"README.md": "shop\n"})
    shas = {}
    for n, (rule_id, (positive, negative)) in enumerate(CASES.items()):
        shas[(rule_id, True)] = make_commit(repo, positive, 2 * n)
        shas[(rule_id, False)] = make_commit(repo, negative, 2 * n + 1)
    stored = read_commits(repo.path)
    return {key: stored[sha] for key, sha in shas.items()}


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def test_every_built_in_rule_has_a_positive_and_a_negative_case(rules: RuleSet) -> None:
    assert sorted(CASES) == sorted(rule.id for rule in rules.rules)


def _rule_ids(commit: Commit, rules: RuleSet) -> Iterator[str]:
    return (m.rule.id for m in find_matches(commit, rules))


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_matches_the_marker_exactly_as_the_tool_writes_it(
    rule_id: str, made: dict[tuple[str, bool], Commit], rules: RuleSet
) -> None:
    assert rule_id in set(_rule_ids(made[(rule_id, True)], rules))


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_ignores_the_near_miss(
    rule_id: str, made: dict[tuple[str, bool], Commit], rules: RuleSet
) -> None:
    assert rule_id not in set(_rule_ids(made[(rule_id, False)], rules))


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_marker_alone_gives_the_class_its_rule_states(
    rule_id: str, made: dict[tuple[str, bool], Commit], rules: RuleSet
) -> None:
    rule = rules.get(rule_id)
    assert rule is not None
    label = classify_commit(made[(rule_id, True)], rules)
    if rule.strength == "strong" and rule.rule_class != "human":
        assert (label.authorship, label.ai_tool, label.strength) == (
            rule.rule_class,
            rule.tool,
            "strong",
        )
        assert f"matches rule {rule_id} " in label.evidence
    else:
        assert label.authorship == "human"
        assert label.ai_tool is None
        shown = label.weak_evidence if rule.strength == "weak" else label.evidence
        assert shown is not None and f"matches rule {rule_id} " in shown

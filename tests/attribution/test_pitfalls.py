"""The pitfalls seen in real histories (ai-markers.md), one test each, on real commits."""

from __future__ import annotations

import pytest

from analyzer.attribution import classify_commit, load_rules
from analyzer.attribution.rules import RuleSet
from analyzer.attribution.trailers import parse_trailers
from analyzer.config import AttributionConfig
from analyzer.models import Attribution
from tests.attribution.test_rules import GH, read_commits
from tests.support.repo_builder import DEFAULT_AUTHOR, RepoBuilder

Identity = tuple[str, str]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def label_of(
    repo: RepoBuilder,
    message: str,
    rules: RuleSet,
    *,
    author: Identity = DEFAULT_AUTHOR,
    committer: Identity | None = None,
) -> Attribution:
    """Commit ``message`` for real, read it back with git log, classify it."""
    files = {"app.py": f"# changed after {repo.clock.isoformat()}\n"}
    sha = repo.commit(message, files, author=author, committer=committer)
    return classify_commit(read_commits(repo.path)[sha], rules)


def test_copilot_accounts_are_told_apart_by_numeric_id_not_by_name(
    repo: RepoBuilder, rules: RuleSet
) -> None:
    agent = label_of(
        repo, "Fix the login loop", rules, author=("Copilot", f"198982749+Copilot@{GH}")
    )
    cli = label_of(repo, f"Fix it\n\nCo-authored-by: Copilot <223556219+Copilot@{GH}>", rules)
    review = label_of(
        repo, f"Update api.py\n\nCo-authored-by: Copilot <175728472+Copilot@{GH}>", rules
    )
    person = label_of(repo, "Fix the docs", rules, author=("Copilot", "copilot@example.com"))
    assert (agent.authorship, agent.ai_tool) == ("ai_authored", "copilot-agent")
    assert (cli.authorship, cli.ai_tool) == ("ai_assisted", "copilot-cli")
    assert (review.authorship, review.ai_tool) == ("ai_assisted", "copilot-review")
    assert (person.authorship, person.strength) == ("human", None)


@pytest.mark.parametrize(
    "author",
    [
        ("Claude Example", "claude.example@anthropic.com"),
        ("Ann Example", "ann@openai.com"),
        ("Sam Example", "sam@cursor.com"),
        ("Rae Example", "rae@all-hands.dev"),
    ],
)
def test_people_who_work_at_ai_companies_are_people(
    repo: RepoBuilder, rules: RuleSet, author: Identity
) -> None:
    label = label_of(repo, "Tune the connection pool", rules, author=author, committer=author)
    assert (label.authorship, label.strength, label.weak_evidence) == ("human", None, None)


@pytest.mark.parametrize(
    "message",
    [
        "Ask claude about the flaky test; copilot and cursor suggested nothing useful",
        "Revert the Copilot suggestion\n\nIt broke the Cursor pagination in the admin UI.",
        # a marker quoted in the middle of a message is prose, not a trailer block
        "Drop the AI trailer from our template\n\n"
        "We used to add Co-Authored-By: Claude <noreply@anthropic.com> by hand.\n\n"
        "Now the team decides per commit.",
        # trailer-looking lines in a last paragraph that is mostly prose are not trailers
        "Explain the release process\n\n"
        "Steps are below and need care.\n"
        "Co-authored-by: Claude <noreply@anthropic.com>\n"
        "was a line we removed from the template in March.\n"
        "Ask in the channel if unsure.",
    ],
)
def test_words_in_a_message_are_not_markers(
    repo: RepoBuilder, rules: RuleSet, message: str
) -> None:
    label = label_of(repo, message, rules)
    assert (label.authorship, label.strength, label.rule_ids) == ("human", None, ())


def test_trailers_are_read_from_the_last_paragraph_as_git_does() -> None:
    quarter_with_sign_off = (
        "Fix\n\nSome words here.\nMore words.\nAnd more.\n"
        "Co-authored-by: Claude <noreply@anthropic.com>\nSigned-off-by: A <a@example.com>"
    )
    mostly_prose = "Fix\n\nSome words.\nMore words.\nEven more.\nCo-authored-by: X <x@example.com>"
    assert [t.key for t in parse_trailers(quarter_with_sign_off)] == [
        "Co-authored-by",
        "Signed-off-by",
    ]
    assert parse_trailers(mostly_prose) == ()
    assert parse_trailers("Co-authored-by: Claude <noreply@anthropic.com>") == ()  # subject
    folded = parse_trailers("Fix\n\nAssisted-by: Claude:claude-opus-4-6\n  checkpatch sparse")
    assert [(t.key, t.value) for t in folded] == [
        ("Assisted-by", "Claude:claude-opus-4-6 checkpatch sparse")
    ]


def squash_message(human_coauthors: int) -> str:
    lines = [
        f"Co-authored-by: Dev {i} Example <dev{i}@example.com>" for i in range(human_coauthors)
    ]
    lines.insert(human_coauthors // 2, "Co-authored-by: Claude <noreply@anthropic.com>")
    return "Sync release branch (#311)\n\n* merge main\n\n* fix tests\n\n" + "\n".join(lines)


def test_one_ai_coauthor_among_many_inherited_by_a_squash_is_weak(
    repo: RepoBuilder, rules: RuleSet
) -> None:
    label = label_of(repo, squash_message(human_coauthors=59), rules)
    assert (label.authorship, label.ai_tool, label.strength) == ("human", None, "weak")
    assert label.weak_evidence is not None
    assert "claude-code-coauthor" in label.weak_evidence
    assert "60 co-authors" in label.weak_evidence


def test_squash_limit_comes_from_configuration(repo: RepoBuilder) -> None:
    message = squash_message(human_coauthors=4)  # five co-authors in all
    default = label_of(repo, message, load_rules(AttributionConfig(squash_trailer_limit=5)))
    strict = label_of(repo, message, load_rules(AttributionConfig(squash_trailer_limit=4)))
    assert (default.authorship, default.strength) == ("ai_assisted", "strong")
    assert (strict.authorship, strict.strength) == ("human", "weak")


def test_aider_on_the_committer_alone_is_weak_but_on_the_author_decides(
    repo: RepoBuilder, rules: RuleSet
) -> None:
    aider = ("Ada Example (aider)", "ada@example.com")
    own_edit = label_of(repo, "Rename the config loader", rules, committer=aider)
    aider_edit = label_of(repo, "Add retry to the loader", rules, author=aider, committer=aider)
    assert (own_edit.authorship, own_edit.strength) == ("human", "weak")
    assert own_edit.weak_evidence is not None and "aider-committer-name" in own_edit.weak_evidence
    assert (aider_edit.authorship, aider_edit.ai_tool) == ("ai_authored", "aider")
    assert aider_edit.weak_evidence is not None  # the committer match is kept, apart


def test_a_person_named_like_a_tool_is_not_ai(repo: RepoBuilder, rules: RuleSet) -> None:
    message = "Add the export button\n\nCo-authored-by: Cline Example <cline@example.com>"
    label = label_of(repo, message, rules)
    assert (label.authorship, label.rule_ids) == ("human", ())


def test_automation_bots_are_never_ai_even_with_ai_markers(
    repo: RepoBuilder, rules: RuleSet
) -> None:
    bot = ("dependabot[bot]", f"49699333+dependabot[bot]@{GH}")
    message = "Bump requests from 2.31.0 to 2.32.0\n\nCo-authored-by: Copilot <copilot@github.com>"
    label = label_of(
        repo, message + "\nCo-authored-by: Cursor <cursoragent@cursor.com>", rules, author=bot
    )
    assert (label.authorship, label.ai_tool) == ("automation", "dependabot")


def test_github_web_flow_committer_is_not_automation(repo: RepoBuilder, rules: RuleSet) -> None:
    label = label_of(repo, "Update README.md", rules, committer=("GitHub", "noreply@github.com"))
    assert (label.authorship, label.ai_tool) == ("human", None)
    assert "github-web-flow-committer" in label.evidence


def test_agent_as_author_outranks_a_trailer_and_a_trailer_outranks_nothing(
    repo: RepoBuilder, rules: RuleSet
) -> None:
    devin = ("Devin AI", f"158243242+devin-ai-integration[bot]@{GH}")
    both = label_of(
        repo, "Add caching\n\nCo-Authored-By: Ada Example <ada@example.com>", rules, author=devin
    )
    assisted = label_of(repo, "Add caching\n\nCo-authored-by: Amp <amp@ampcode.com>", rules)
    assert (both.authorship, both.ai_tool) == ("ai_authored", "devin")
    assert (assisted.authorship, assisted.ai_tool) == ("ai_assisted", "amp")


def test_evidence_quotes_what_git_show_prints(repo: RepoBuilder, rules: RuleSet) -> None:
    email = f"198982749+Copilot@{GH}"
    label = label_of(repo, "Initial plan", rules, author=("Copilot", email))
    assert label.evidence.startswith(
        f"author e-mail {email} matches rule copilot-agent-author (GitHub Copilot coding agent)"
    )
    shown = repo.git("show", "-s", "--format=%ae", "HEAD")
    assert shown == email

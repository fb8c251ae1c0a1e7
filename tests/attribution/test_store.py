"""`jevons attribute` re-labels a real store after a rule change; `jevons attribution explain`
says why; line-level attribution sums lines per class and survival at HEAD from git blame.

The store is a real DuckDB file: a real repository mined by the miner (which labels commits
at mine time with the built-in rules), churn computed by linking's blame at HEAD.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.attribution import (
    CommitLookupError,
    explain_commit,
    line_attribution,
    load_rules,
    relabel_commits,
)
from analyzer.config import Config
from analyzer.linking.churn import compute_churn
from analyzer.mining import mine_repositories
from analyzer.store import open_store
from tests.attribution.test_rules import GH
from tests.support.repo_builder import RepoBuilder

ROBOT = ("ACME Robot", "robot@agents.example.com")
DEPENDABOT = ("dependabot[bot]", f"49699333+dependabot[bot]@{GH}")
IN_HOUSE = """
[attribution]
disable = ["claude-code-footer"]

[[attribution.rules]]
id = "acme-robot-author"
tool = "acme-robot"
tool_name = "ACME's in-house coding agent"
where = "author_email"
pattern = '^robot@agents\\.example\\.com$'
class = "ai_authored"
strength = "strong"
"""


def mine(db: Path, repo: Path, config: Config | None = None) -> str:
    """Mine ``repo`` into the store at ``db`` (labels given at mine time); its repo id."""
    (summary,) = mine_repositories([repo], db=db, workers=1, config=config or Config())
    return summary.repo_id


def run_jevons(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analyzer.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        check=False,
    )


@pytest.fixture
def history(repo: RepoBuilder) -> dict[str, str]:
    """A small history: a person, Claude Code (trailer, footer), the in-house robot, a bot."""
    shas = {
        "human": repo.commit("Add the order model", {"orders.py": "a\nb\nc\nd\n"}),
        "claude": repo.commit(
            "Add order totals\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>",
            {"totals.py": "1\n2\n3\n4\n"},
        ),
        "footer": repo.commit(
            "Add discounts\n\n🤖 Generated with [Claude Code](https://claude.ai/code)",
            {"discounts.py": "x\ny\n"},
        ),
        "robot": repo.commit("Add refunds", {"refunds.py": "r1\nr2\nr3\nr4\n"}, author=ROBOT),
        "bot": repo.commit(
            "Bump requests from 2.31.0 to 2.32.0",
            {"poetry.lock": "requests 2.32.0\n" * 10, "deps.txt": "requests\n"},
            author=DEPENDABOT,
        ),
    }
    # a person rewrites half of Claude's totals: two of its four lines are gone at HEAD
    shas["rewrite"] = repo.commit("Simplify totals", {"totals.py": "1\n2\nsum\n"})
    # aider committed a person's own edit: weak evidence only
    aider = ("Amara Example (aider)", "amara@example.com")
    shas["weak"] = repo.commit("Add notes", {"notes.md": "n\n"}, committer=aider)
    return shas


def labels(db: Path) -> dict[str, tuple[str, str | None]]:
    rows = open_store(db).query("SELECT sha, authorship, ai_tool FROM commits")
    return {sha: (authorship, tool) for sha, authorship, tool in rows}


def test_attribute_relabels_the_store_after_a_rule_change(
    tmp_path: Path, repo: RepoBuilder, history: dict[str, str]
) -> None:
    db = tmp_path / "jevons.duckdb"
    mine(db, repo.path)
    before = labels(db)
    assert before[history["robot"]] == ("human", None)
    assert before[history["footer"]] == ("ai_assisted", "claude-code")
    (tmp_path / "jevons.toml").write_text(IN_HOUSE)

    result = run_jevons("attribute", "--db", str(db), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    after = labels(db)
    assert after[history["robot"]] == ("ai_authored", "acme-robot")
    assert after[history["footer"]] == ("human", None)
    assert after[history["claude"]] == ("ai_assisted", "claude-code")
    assert after[history["bot"]] == ("automation", "dependabot")
    assert {
        sha: after[sha] for sha in after if sha not in (history["robot"], history["footer"])
    } == {sha: before[sha] for sha in before if sha not in (history["robot"], history["footer"])}
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    assert [cell.strip() for cell in rows["ai_authored"].split("│")[2:5]] == ["0", "1", "+1"]
    assert [cell.strip() for cell in rows["human"].split("│")[2:5]] == ["4", "4", "+0"]
    assert "7 commits re-labelled, 2 changed class" in result.stdout
    assert "1 human commits carry only weak AI evidence" in result.stdout


def test_relabelling_twice_changes_nothing_the_second_time(
    tmp_path: Path, repo: RepoBuilder, history: dict[str, str]
) -> None:
    db = tmp_path / "jevons.duckdb"
    mine(db, repo.path)
    (tmp_path / "jevons.toml").write_text(IN_HOUSE)
    rules = load_rules()
    first = relabel_commits(db, rules=rules)
    second = relabel_commits(db, rules=rules)
    assert first.changed == 0  # the store was labelled with these very rules
    assert second.before == second.after == {"human": 4, "ai_assisted": 2, "automation": 1}
    assert second.weak_only == 1
    evidence = open_store(db).query(
        "SELECT attribution_evidence FROM commits WHERE sha = ?", [history["claude"]]
    )
    assert evidence[0][0].startswith(
        "trailer 'Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>' matches rule "
        "claude-code-coauthor (Claude Code)"
    )


def test_explain_takes_a_unique_prefix_and_shows_the_evidence(
    tmp_path: Path, repo: RepoBuilder, history: dict[str, str]
) -> None:
    db = tmp_path / "jevons.duckdb"
    repo_id = mine(db, repo.path)
    result = run_jevons("attribution", "explain", history["bot"][:8], "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"commit {history['bot']} in {repo_id}" in result.stdout
    assert "stored label:  automation (dependabot), strong evidence" in result.stdout
    assert (
        f"author e-mail {DEPENDABOT[1]} matches rule dependabot-author (Dependabot)"
        in result.stdout
    )


def test_explain_says_when_the_stored_label_is_stale(
    tmp_path: Path, repo: RepoBuilder, history: dict[str, str]
) -> None:
    db = tmp_path / "jevons.duckdb"
    mine(db, repo.path)
    (tmp_path / "jevons.toml").write_text(IN_HOUSE)
    result = run_jevons("attribution", "explain", history["robot"], "--db", str(db), cwd=tmp_path)
    assert "stored label:  human" in result.stdout
    assert "current rules: ai_authored (acme-robot)" in result.stdout
    assert "run `jevons attribute`" in result.stdout


def test_explain_refuses_unknown_ambiguous_and_malformed_shas(
    tmp_path: Path, repo: RepoBuilder, history: dict[str, str]
) -> None:
    db = tmp_path / "jevons.duckdb"
    fork = tmp_path / "shop-fork"
    subprocess.run(["git", "clone", "-q", str(repo.path), str(fork)], check=True)
    first, second = mine(db, repo.path), mine(db, fork)  # the same commits twice
    sha = history["human"]
    pattern = rf"ambiguous: .*\({first}\), .*\({second}\)"
    with pytest.raises(CommitLookupError, match=pattern):
        explain_commit(sha[:10], db)
    assert explain_commit(sha[:10], db, repo=second).repo_id == second
    unknown = "0000000" if not sha.startswith("0000000") else "fffffff"
    with pytest.raises(CommitLookupError, match=f"no stored commit has a SHA starting {unknown}"):
        explain_commit(unknown, db)
    result = run_jevons("attribution", "explain", "HEAD~1", "--db", str(db), cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1
    assert "'HEAD~1' is not a commit SHA" in result.stderr


def test_lines_per_class_without_blame_say_survival_is_unknown(
    tmp_path: Path, repo: RepoBuilder, history: dict[str, str]
) -> None:
    db = tmp_path / "jevons.duckdb"
    mine(db, repo.path)
    lines = line_attribution(db)
    assistant = lines.get("ai_assisted")
    bot = lines.get("automation")
    assert assistant is not None and bot is not None
    assert (assistant.lines_added, assistant.lines_deleted) == (4 + 2, 0)
    assert (bot.lines_added, bot.lines_deleted) == (1, 0)  # the lock file is excluded
    assert not lines.survival_available
    assert assistant.share_surviving is None
    assert "commit_churn has no surviving_at_head values" in lines.survival_note


def test_lines_per_class_with_blame_give_the_share_surviving_at_head(
    tmp_path: Path, repo: RepoBuilder, history: dict[str, str]
) -> None:
    db = tmp_path / "jevons.duckdb"
    repo_id = mine(db, repo.path)
    compute_churn(db)
    lines = line_attribution(db, repo=repo_id)
    assistant, human = lines.get("ai_assisted"), lines.get("human")
    assert assistant is not None and human is not None
    # Claude's 4 total lines lost 2 to the rewrite; the footer commit's 2 lines all survive
    assert assistant.share_surviving == pytest.approx((2 + 2) / (4 + 2))
    # the people's lines: the order model's 4, the rewrite's 1 and the notes' 1, all present
    assert human.share_surviving == pytest.approx(1.0)
    assert lines.survival_available
    assert "for 7 of 7 commits" in lines.survival_note


def test_attribute_refuses_to_create_a_store_that_was_never_mined(tmp_path: Path) -> None:
    missing = tmp_path / "never-mined.duckdb"
    result = run_jevons("attribute", "--db", str(missing), cwd=tmp_path)
    assert result.returncode != 0
    assert f"{missing}: no store here yet" in result.stderr
    assert not missing.exists()

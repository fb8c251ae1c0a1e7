"""A merge's change class: on first-parent history a merge commit's diff carries the work
of its branch, so the change is labelled by the commits it brings in (``M^1..M``), while
the merge commit itself keeps the class of the person who merged it.

Real repositories (RepoBuilder), mined by the miner into real DuckDB files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.console import Console

from analyzer.analysis.frames import read_frames
from analyzer.attribution import explain_commit, relabel_commits
from analyzer.attribution.changes import MergedCommit, label_change
from analyzer.attribution.tables import explanation_text, relabel_table
from analyzer.config import Config, config_from_file
from analyzer.mining import mine_repositories
from analyzer.scope import Scope
from analyzer.store import open_store
from tests.attribution.test_rules import GH
from tests.attribution.test_store import IN_HOUSE, ROBOT
from tests.support.repo_builder import RepoBuilder

COPILOT = ("Copilot", f"198982749+Copilot@{GH}")
MERGER = ("Bo Merger", "bo@example.com")
CLAUDE_TRAILER = "\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>"
SCHEMA_3_COLUMNS = ("change_authorship", "change_ai_tool", "merged_commits", "merged_ai_commits")
COLUMNS = (
    "authorship, ai_tool, change_authorship, change_ai_tool, merged_commits, "
    "merged_ai_commits, attribution_evidence"
)


def lines(n: int, tag: str) -> str:
    return "".join(f"{tag} {i}\n" for i in range(n))


def mine(db: Path, repo: RepoBuilder, history: str = "first-parent") -> None:
    mine_repositories([repo.path], db=db, workers=1, history=history, config=Config())


def row(db: Path, sha: str) -> dict[str, object]:
    store = open_store(db, read_only=True, missing="error")
    (values,) = store.query(f"SELECT {COLUMNS} FROM commits WHERE sha = ?", [sha])
    return dict(zip([c.strip() for c in COLUMNS.split(",")], values, strict=True))


def merged_by_git(repo: RepoBuilder, merge: str) -> set[str]:
    """What git says the merge brings in: ``rev-list M^1..M`` without M."""
    return set(repo.git("rev-list", f"{merge}^1..{merge}").split()) - {merge}


@pytest.fixture
def agent_merge(repo: RepoBuilder) -> dict[str, str]:
    """main, then a ``copilot/fix-12`` branch (Copilot's empty plan and its code, a
    Claude-assisted commit and a person's) merged by another person with --no-ff."""
    shas = {"base": repo.commit("Add the shop", {"shop.py": lines(5, "shop")})}
    repo.checkout("copilot/fix-12", create=True)
    shas["plan"] = repo.commit("Initial plan", author=COPILOT, allow_empty=True)
    shas["agent"] = repo.commit("Fix the cart total", {"cart.py": lines(6, "cart")}, author=COPILOT)
    shas["claude"] = repo.commit(
        "Round cart totals" + CLAUDE_TRAILER, {"round.py": lines(4, "round")}
    )
    shas["person"] = repo.commit("Tidy the cart", {"tidy.py": lines(3, "tidy")})
    repo.checkout("main")
    shas["other"] = repo.commit("Add the catalogue", {"catalogue.py": lines(2, "cat")})
    shas["merge"] = repo.merge(
        "copilot/fix-12", "Merge pull request #13 from acme-example/copilot/fix-12", author=MERGER
    )
    return shas


def test_first_parent_merge_of_an_agent_branch_is_an_ai_change_and_stays_a_human_commit(
    repo: RepoBuilder, agent_merge: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "jevons.duckdb"
    mine(db, repo)

    merge = row(db, agent_merge["merge"])
    assert merge["authorship"] == "human"  # who merged it: the truth's label
    assert merge["ai_tool"] is None
    assert merge["change_authorship"] == "ai_authored"  # 6 agent lines outweigh 4 + 3
    assert merge["change_ai_tool"] == "copilot-agent"
    assert (merge["merged_commits"], merge["merged_ai_commits"]) == (4, 3)
    evidence = str(merge["attribution_evidence"])
    assert evidence.startswith("only weak evidence, labelled human")  # the copilot/ branch
    assert (
        "merge brings in 4 commits: 2 ai_authored (copilot-agent), 1 ai_assisted (claude-code), "
        "1 human; 1 of them changes no lines; lines changed: 6 ai_authored, 4 ai_assisted, "
        "3 human; the change is labelled ai_authored (copilot-agent)"
    ) in evidence
    for name in ("base", "other"):
        plain = row(db, agent_merge[name])
        assert plain["change_authorship"] == plain["authorship"] == "human"
        assert plain["merged_commits"] is None


def test_the_analysis_counts_the_merge_as_a_change_of_its_branch_class(
    repo: RepoBuilder, agent_merge: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "jevons.duckdb"
    mine(db, repo)
    frames = read_frames(open_store(db, read_only=True, missing="error"), Scope())
    commits = frames.commits.set_index("sha")
    merge = commits.loc[agent_merge["merge"]]
    assert (merge["authorship"], merge["ai_tool"]) == ("ai_authored", "copilot-agent")
    assert merge["commit_authorship"] == "human"
    assert bool(merge["is_change"])


def test_full_history_leaves_a_merge_its_own_class_and_labels_the_branch_commits(
    repo: RepoBuilder, agent_merge: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "jevons.duckdb"
    mine(db, repo, history="full")

    merge = row(db, agent_merge["merge"])
    assert merge["change_authorship"] == merge["authorship"] == "human"
    assert merge["merged_commits"] is None
    assert "merge brings in" not in str(merge["attribution_evidence"])
    assert row(db, agent_merge["agent"])["change_authorship"] == "ai_authored"
    assert row(db, agent_merge["claude"])["change_authorship"] == "ai_assisted"


def test_a_merge_of_main_into_the_branch_does_not_count_mainline_commits_as_merged(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    repo.commit("Add the shop", {"shop.py": lines(3, "shop")})
    repo.checkout("copilot/fix-7", create=True)
    agent = repo.commit("Fix checkout", {"checkout.py": lines(5, "co")}, author=COPILOT)
    repo.checkout("main")
    mainline = [repo.commit(f"Mainline work {i}", {f"main{i}.py": lines(40, "m")}) for i in (1, 2)]
    repo.checkout("copilot/fix-7")
    catch_up = repo.merge("main", "Merge branch 'main' into copilot/fix-7", author=COPILOT)
    agent2 = repo.commit("Finish checkout", {"checkout.py": lines(8, "co")}, author=COPILOT)
    repo.checkout("main")
    merge = repo.merge("copilot/fix-7", "Merge pull request #8 from acme/copilot/fix-7")
    db = tmp_path / "jevons.duckdb"
    mine(db, repo)

    assert merged_by_git(repo, merge) == {agent, catch_up, agent2}
    stored = row(db, merge)
    assert stored["merged_commits"] == 3  # not the 80 mainline lines of the catch-up merge
    assert stored["change_authorship"] == "ai_authored"
    assert not set(mainline) & merged_by_git(repo, merge)


def test_criss_cross_merges_each_bring_in_exactly_what_git_says(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    """Each side merges the other's tip before seeing the other's merge (two merge bases)."""
    repo.commit("Start", {"a.py": lines(2, "a")})
    repo.checkout("feature", create=True)
    x1 = repo.commit("Feature one", {"f1.py": lines(3, "f")}, author=ROBOT)
    repo.checkout("main")
    main_one = repo.commit("Main one", {"m1.py": lines(3, "m")})
    first = repo.merge("feature", "Merge branch 'feature'")
    repo.checkout("feature")
    repo.merge(main_one, "Merge branch 'main' into feature", author=ROBOT)
    assert len(repo.git("merge-base", "--all", first, "feature").split()) == 2
    repo.checkout("main")
    repo.commit("Main two", {"m2.py": lines(3, "m")})
    repo.checkout("feature")
    x3 = repo.commit("Feature three", {"f3.py": lines(3, "f")}, author=ROBOT)
    repo.checkout("main")
    second = repo.merge("feature", "Merge branch 'feature' again")
    db = tmp_path / "jevons.duckdb"
    mine(db, repo)

    assert merged_by_git(repo, first) == {x1}
    assert row(db, first)["merged_commits"] == 1
    assert x1 not in merged_by_git(repo, second) and x3 in merged_by_git(repo, second)
    assert row(db, second)["merged_commits"] == len(merged_by_git(repo, second)) == 2


def test_relabelling_after_a_rule_change_recomputes_the_change_class(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    repo.commit("Add the shop", {"shop.py": lines(3, "shop")})
    repo.checkout("robot/refunds", create=True)
    robot = repo.commit("Add refunds", {"refunds.py": lines(9, "r")}, author=ROBOT)
    repo.checkout("main")
    merge = repo.merge("robot/refunds", "Merge pull request #4 from acme/robot/refunds")
    db = tmp_path / "jevons.duckdb"
    mine(db, repo)
    assert row(db, merge)["change_authorship"] == "human"
    (tmp_path / "jevons.toml").write_text(IN_HOUSE)  # ROBOT becomes an agent

    result = relabel_commits(db, config_from_file(tmp_path / "jevons.toml"))

    stored = row(db, merge)
    assert stored["authorship"] == "human"
    assert (stored["change_authorship"], stored["change_ai_tool"]) == ("ai_authored", "acme-robot")
    assert (stored["merged_commits"], stored["merged_ai_commits"]) == (1, 1)
    evidence = str(stored["attribution_evidence"])
    assert evidence.count("merge brings in") == 1
    assert "merge brings in 1 commit: 1 ai_authored (acme-robot)" in evidence
    assert (result.merges, result.merges_changed, result.unreadable) == (1, 1, ())
    assert robot not in {r[0] for r in open_store(db).query("SELECT sha FROM commits")}
    text = _render(relabel_table(result))
    assert "1 first-parent merges labelled by the commits they bring in" in text

    again = relabel_commits(db, config_from_file(tmp_path / "jevons.toml"))
    assert row(db, merge) == stored and again.merges_changed == 0


def test_relabelling_keeps_the_change_class_of_a_repository_that_cannot_be_read(
    repo: RepoBuilder, agent_merge: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "jevons.duckdb"
    mine(db, repo)
    before = row(db, agent_merge["merge"])
    shutil.move(repo.path, tmp_path / "moved")

    result = relabel_commits(db, Config())

    assert row(db, agent_merge["merge"]) == before
    assert len(result.unreadable) == 1 and str(repo.path) in result.unreadable[0]
    assert "kept the stored merge change classes" in _render(relabel_table(result))


def test_explain_lists_the_commits_a_merge_brings_in(
    repo: RepoBuilder, agent_merge: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "jevons.duckdb"
    mine(db, repo)

    explanation = explain_commit(agent_merge["merge"][:10], db, Config())

    assert explanation.current.authorship == "human"
    change = explanation.change
    assert change is not None and change.current is not None and change.merged is not None
    assert (change.authorship, change.merged_commits) == ("ai_authored", 4)
    assert [m.sha for m in change.merged] == [
        agent_merge[k] for k in ("plan", "agent", "claude", "person")
    ]
    text = _render(explanation_text(explanation))
    assert "stored change class:  ai_authored (copilot-agent), 4 merged commits (3 AI)" in text
    assert "merge brings in 4 commits: 2 ai_authored (copilot-agent)" in text
    for key in ("plan", "agent", "claude", "person"):
        assert agent_merge[key][:12] in text
    assert explain_commit(agent_merge["other"][:10], db, Config()).change is None


def test_a_merge_left_unlabelled_by_an_interrupted_run_is_labelled_by_the_next(
    repo: RepoBuilder, agent_merge: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "jevons.duckdb"
    mine(db, repo)
    before = row(db, agent_merge["merge"])
    with open_store(db).transaction() as conn:
        conn.execute(
            "UPDATE commits SET change_authorship = NULL, change_ai_tool = NULL, "
            "merged_commits = NULL, merged_ai_commits = NULL, "
            "attribution_evidence = split_part(attribution_evidence, '; merge brings in ', 1) "
            "WHERE is_merge"
        )
    repo.commit("Later work", {"later.py": lines(2, "l")})

    mine(db, repo)

    assert row(db, agent_merge["merge"]) == before


def merged(authorship: str | None, changed: int, tool: str | None = None) -> MergedCommit:
    return MergedCommit(f"{authorship}{tool}{changed}", "s", authorship, tool, changed, False)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        pytest.param(
            [merged("human", 20), merged("ai_assisted", 3, "copilot-review")],
            ("human", None),
            id="lines-not-commit-count",
        ),
        pytest.param(
            [merged("human", 5), merged("ai_assisted", 5, "cursor")],
            ("ai_assisted", "cursor"),
            id="tie-goes-to-ai",
        ),
        pytest.param(
            [merged("ai_assisted", 4, "aider"), merged("ai_authored", 4, "devin")],
            ("ai_authored", "devin"),
            id="ai-tie-goes-to-the-agent",
        ),
        pytest.param(
            [
                merged("ai_assisted", 3, "aider"),
                merged("ai_authored", 2, "devin"),
                merged("human", 4),
            ],
            ("ai_assisted", "aider"),
            id="ai-group-outweighs-human",
        ),
        pytest.param(
            [merged("automation", 9, "dependabot"), merged("human", 2)],
            ("automation", "dependabot"),
            id="bot-branch",
        ),
        pytest.param(
            [merged("ai_authored", 0, "copilot-agent"), merged("human", 0)],
            ("ai_authored", "copilot-agent"),
            id="no-lines-each-counts-once",
        ),
        pytest.param(
            [merged("ai_authored", 0, "copilot-agent"), merged("human", 1)],
            ("human", None),
            id="empty-plan-weighs-nothing",
        ),
        pytest.param([], ("human", None), id="nothing-new-keeps-own-class"),
    ],
)
def test_label_change_rule(items: list[MergedCommit], expected: tuple[str, str | None]) -> None:
    label = label_change("human", None, items)
    assert (label.authorship, label.ai_tool) == expected
    assert label.merged_commits == len(items)


def _render(renderable: object) -> str:
    console = Console(width=200, record=True)
    console.print(renderable)
    return console.export_text()


def test_a_store_mined_before_change_classes_is_migrated_and_attribute_labels_its_merges(
    repo: RepoBuilder, agent_merge: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "jevons.duckdb"
    mine(db, repo)
    labelled = row(db, agent_merge["merge"])
    with open_store(db).transaction() as conn:  # the store as schema 2 left it
        for column in SCHEMA_3_COLUMNS:
            conn.execute(f"ALTER TABLE commits DROP COLUMN {column}")
        conn.execute(
            "UPDATE commits SET attribution_evidence = "
            "split_part(attribution_evidence, '; merge brings in ', 1)"
        )
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")

    migrated = open_store(db)  # a writing command migrates

    assert row(db, agent_merge["other"])["change_authorship"] == "human"
    assert row(db, agent_merge["merge"])["change_authorship"] is None  # not known yet
    frames = read_frames(migrated, Scope()).commits.set_index("sha")
    assert frames.loc[agent_merge["merge"], "authorship"] == "human"  # falls back
    relabel_commits(db, Config())
    assert row(db, agent_merge["merge"]) == labelled

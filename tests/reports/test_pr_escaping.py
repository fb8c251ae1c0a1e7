"""Nothing that came from a repository or an incident tool is live in the PR report: no
HTML, no link, no image, no mention, no issue reference, no broken table. Checked on
arbitrary text (Hypothesis), on the sample scenario's hostile commits and incident, and on
a repository whose path, author, message and incident title are all hostile."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.reports.escaping import markdown_text, plain_text
from analyzer.reports.pr import write_pr_report
from analyzer.store import open_store
from sample_repos.generate import generate_scenario
from tests.dashboard.conftest import (  # noqa: F401
    HOSTILE,
    STORE_BUILD_TIMEOUT,
    add_hostile_repository,
    demo_store,
)
from tests.support.repo_builder import RepoBuilder
from tests.support.report_markdown import assert_inert, table_rows, visible_text

#: The path add_hostile_repository commits.
HOSTILE_PATH = "src/[evil](https:/evil.example)/*x*_<b>.py"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_escaped_text_renders_as_itself_in_a_table_cell(text: str) -> None:
    markdown = f"| a | b |\n|---|---|\n| {markdown_text(text)} | x |\n"
    assert_inert(markdown)
    assert [len(row) for row in table_rows(markdown)] == [2, 2]
    shown = visible_text(f"{markdown_text(text)}\n").strip()
    assert shown == visible_text(f"{plain_text(text)}\n", parse=False).strip()


@pytest.mark.parametrize(
    "text",
    [
        "@everyone look",
        "see #12 and GH-3",
        "mail m@evil.example",
        "https://evil.example/x",
        "WWW.evil.example",
        "[x](javascript:alert(1))",
        "![i](https://evil.example/i.png)",
        "<script>alert(1)</script>",
        "**bold** _it_ `code` ~~s~~",
        "a | b | c",
        "# heading",
        "&lt;b&gt; &#64;here",
        "\x1b[31mred\x1b[0m",
        "line\nbreak\r\n> quote",
        "\u202egnp.exe",
        "x" * 5000,
    ],
)
def test_known_attacks_are_shown_as_text(text: str) -> None:
    escaped = markdown_text(text, limit=300)
    markdown = f"| a |\n|---|\n| {escaped} |\n\n{escaped}\n"
    assert_inert(markdown)
    assert [len(row) for row in table_rows(markdown)] == [1, 1]
    assert visible_text(f"{escaped}\n").strip() == plain_text(text, limit=300)


@pytest.fixture(scope="module")
def scenario(demo_store: Path) -> tuple[Path, Path, dict]:  # noqa: F811
    paths = generate_scenario("jevons-volume")
    return demo_store, paths.repo, paths.load_truth()


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_scenario_hostile_commits_are_text_in_the_report(scenario) -> None:
    db, repo, truth = scenario
    hostile = [c for c in truth["commits"] if "hostile-text" in (c["awkward"] or [])]
    assert len(hostile) >= 3
    for commit in hostile:
        _, markdown = write_pr_report(commit["parents"][0], commit["sha"], repo, db=db)
        assert_inert(markdown)
        assert commit["subject"] in visible_text(markdown)
        assert {len(row) for row in table_rows(markdown)} <= {4, 5, 6}


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_scenario_hostile_incident_title_is_text_and_redactable(scenario) -> None:
    db, repo, truth = scenario
    incident = next(i for i in truth["incidents"] if "<b>" in i["title"])
    fix = incident["fix_commit"]  # its message repeats the hostile title
    parent = next(c["parents"][0] for c in truth["commits"] if c["sha"] == fix)
    _, markdown = write_pr_report(parent, fix, repo, db=db)
    assert_inert(markdown)
    text = visible_text(markdown)
    assert incident["title"] in text
    _, redacted = write_pr_report(parent, fix, repo, db=db, redact_incidents=True)
    assert_inert(redacted)
    assert incident["title"] not in visible_text(redacted)
    stored = open_store(db, read_only=True, missing="error").query(
        "SELECT reference FROM incidents WHERE title = ?", [incident["title"]]
    )
    assert stored and stored[0][0] in visible_text(redacted)


def test_hostile_path_author_message_and_incident_title_are_text(tmp_path: Path) -> None:
    db = tmp_path / "jevons.duckdb"
    add_hostile_repository(db, tmp_path)
    repo = RepoBuilder(tmp_path / "hostile-repo")
    base = repo.head()
    repo.checkout("evil", create=True)
    author = (
        "@everyone <img src=x onerror=alert(1)> [boss](https://evil.example)",
        "x@evil.example",
    )
    source = "def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(12))
    head = repo.commit(
        HOSTILE,
        {HOSTILE_PATH: source + "    return 0\n"},
        author=author,
        date=dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC),
    )
    report, markdown = write_pr_report(base, head, repo.path, db=db)
    assert report.functions and HOSTILE_PATH in report.history.files
    assert_inert(markdown)
    text = visible_text(markdown)
    shown_hostile = plain_text(HOSTILE, limit=1000)
    assert shown_hostile[:60] in text  # the message, title (cut to fit) and path as text
    assert HOSTILE_PATH in text
    recorded = repo.git("log", "-1", "--format=%an", head)  # git drops < and > from names
    assert recorded.startswith("@everyone") and plain_text(recorded, limit=40) in text
    assert {len(row) for row in table_rows(markdown)} <= {4, 5, 6}

"""A pull request touching thousands of files still gives a comment GitHub accepts: the
tables are cut, the rest summed up, and the whole stays under 65,536 characters."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from analyzer.reports.pr import write_pr_report
from analyzer.reports.pr_markdown import GITHUB_COMMENT_LIMIT
from tests.support.repo_builder import RepoBuilder
from tests.support.report_markdown import assert_inert, table_rows, visible_text
from tests.support.report_repos import branchy

COMMITS = 60
FILES_PER_COMMIT = 50  # 3,000 files, each with a function of CCN 12
NOISE = "@team <b>|</b> [x](https://e.example) " * 6


@pytest.fixture(scope="module")
def huge_pull(tmp_path_factory: pytest.TempPathFactory) -> tuple[RepoBuilder, str, str]:
    repo = RepoBuilder(tmp_path_factory.mktemp("huge") / "repo")
    base = repo.commit("Start", {"README.md": "start\n"})
    day = dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC)
    for n in range(COMMITS):
        folder = repo.path / f"pkg_{n:03d}_{'deeply_nested_' * 4}" / ("sub_" * 10)
        folder.mkdir(parents=True)
        for i in range(FILES_PER_COMMIT):
            name = f"module_{i:03d}_with_a_long_descriptive_name_{'x' * 30}.py"
            (folder / name).write_text(branchy(f"handler_{n}_{i}", 11), encoding="utf-8")
        repo.git("add", "-A")
        repo.commit(f"Batch {n}: {NOISE}", date=day + dt.timedelta(hours=n))
    return repo, base, repo.head()


@pytest.mark.slow
def test_a_pull_request_of_thousands_of_files_fits_a_github_comment(huge_pull) -> None:
    repo, base, head = huge_pull
    report, markdown = write_pr_report(base, head, repo.path, db=repo.path / "no-store.duckdb")
    assert len(report.files) == COMMITS * FILES_PER_COMMIT
    assert len(report.functions) == COMMITS * FILES_PER_COMMIT
    assert len(markdown) < GITHUB_COMMENT_LIMIT
    assert len(markdown.encode("utf-8")) < GITHUB_COMMENT_LIMIT
    text = visible_text(markdown)
    file_rows = [row for row in table_rows(markdown) if len(row) == 5 and row[0].startswith("pkg_")]
    hidden = re.search(r"…and ([\d,]+) more files", text)
    assert file_rows and hidden is not None
    assert len(file_rows) + int(hidden.group(1).replace(",", "")) == len(report.files)
    assert "more commits" in text and re.search(r"…and [\d,]+ more\.", text)
    assert f"+{report.lines_added:,} / −0 lines" in markdown.splitlines()[1]
    assert_inert(markdown)

"""Hostile text end to end: commit messages, author names, paths and incident titles
carrying HTML, Markdown links and images, @mentions, issue references, terminal escapes and
very long strings go through mine, import and link, and come out inert in the PR report
(GitHub Markdown), the quarterly review (HTML) and every dashboard page."""

from __future__ import annotations

import csv
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from analyzer.config import Config
from analyzer.incidents import import_incidents
from analyzer.linking import link_incidents
from analyzer.mining import mine_repositories
from tests.dashboard.pages import PAGES, open_app, show, texts
from tests.support.cli_runs import run_main
from tests.support.repo_builder import RepoBuilder

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    "![pixel](https://tracker.example/p.gif)",
    "@everyone @octo-org/admins #1 GH-2",
    "<!-- hidden --> ``` | --- |",
    "\x1b[31mred\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "www.evil.example https://evil.example/",
]
LONG = "A" * 100_000
_MARKDOWN_TAGS = {
    *("h1", "h2", "h3", "h4", "p", "br", "hr", "blockquote", "strong", "em", "code"),
    *("table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li"),
}
GITHUB = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


class _Tags(HTMLParser):
    """Every start tag with its attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _assert_inert_html(html: str, *, allowed: set[str]) -> None:
    tags = _tags(html)
    assert {tag for tag, _ in tags} <= allowed, {tag for tag, _ in tags} - allowed
    for tag, attrs in tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for value in attrs.values():
            assert "javascript:" not in (value or "").lower(), (tag, attrs)
            assert "evil.example" not in (value or "") and "tracker" not in (value or "")
    assert "\x1b" not in html


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RepoBuilder, str]:
    root = tmp_path_factory.mktemp("hostile")
    repo = RepoBuilder(root / "repo")
    base = repo.commit("start", {"svc/app.py": "def run(x):\n    return x\n"})
    for n, payload in enumerate(PAYLOADS):
        repo.commit(
            f"{payload} Fix INC-{n}\n\n{payload}\n\nCo-authored-by: {payload} <x@example.com>",
            {f"svc/{n}{re.sub(r'[^a-z<>@#]', '_', payload[:12])}.py": f"def f{n}(x):\n"
             f"    if x:\n        return {n}\n    return 0\n", "svc/app.py": f"def run(x):\n"
             f"    if x > {n}:\n        return x\n    return {n}\n"},
            author=(payload[:60], "mallory@example.com"),
        )  # fmt: skip
    repo.commit(LONG, {"svc/long.py": "x = 1\n"}, author=(LONG[:300], "long@example.com"))
    incidents = root / "incidents.csv"
    with incidents.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "created_at", "resolved_at", "severity", "service"])
        when = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
        for n, payload in enumerate([*PAYLOADS, LONG]):
            writer.writerow([f"INC-{n}", payload, when.isoformat(), "", "SEV2", payload[:40]])
    db = root / "s.duckdb"
    mine_repositories([repo.path], db=db, workers=1, config=Config())
    import_incidents([incidents], db=db)
    link_incidents(db)
    return db, repo, base


def test_the_pr_report_renders_hostile_text_as_literal_text(
    hostile_store: tuple[Path, RepoBuilder, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, repo, base = hostile_store
    out = tmp_path / "pr.md"
    args = ["report", "pr", "--base", base, "--head", "HEAD", "--repo", str(repo.path)]
    result = run_main([*args, "--db", str(db), "--out", str(out)], monkeypatch, capsys)
    assert result.code == 0, result.err

    markdown = out.read_text()
    html = GITHUB.render(markdown)
    _assert_inert_html(html, allowed=_MARKDOWN_TAGS | {"details", "summary", "sub"})
    assert "@everyone" not in markdown and "@octo-org" not in markdown  # no live mention
    assert "script" in markdown  # the hostile text is there, as text
    assert LONG not in markdown and len(markdown) < 100_000


def test_the_review_escapes_hostile_text_and_loads_nothing(
    hostile_store: tuple[Path, RepoBuilder, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, _, _ = hostile_store
    out = tmp_path / "review.html"
    args = ["report", "review", "--from", "2024-01-01", "--to", "2024-03-31", "--out", str(out)]
    result = run_main([*args, "--db", str(db)], monkeypatch, capsys)
    assert result.code == 0, result.err

    html = out.read_text()
    tags = _tags(html)
    assert "script" not in {tag for tag, _ in tags} and "img" not in {tag for tag, _ in tags}
    for tag, attrs in tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name, value in attrs.items():
            if name in {"href", "src", "action", "srcset", "xlink:href"}:
                assert not (value or "").lower().startswith(("http", "//", "javascript")), attrs
    assert "\x1b" not in html and LONG not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html  # the titles are there, as text


def test_every_dashboard_page_shows_hostile_text_as_text(
    hostile_store: tuple[Path, RepoBuilder, str],
) -> None:
    db, _, _ = hostile_store
    app = open_app(db)
    shown = []
    for page in PAGES:
        show(app, page)
        for text in texts(app):
            _assert_inert_html(GITHUB.render(text), allowed=_MARKDOWN_TAGS | {"a"})
            assert LONG not in text
            shown.append(text)
    assert any("script" in text for text in shown)  # the hostile text is shown, as text

"""Untrusted text on the dashboard: what ``escape_markdown`` lets through, checked with a
CommonMark renderer, and the hostile repository and incident on every page."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dashboard.escaping import escape_markdown, one_line
from tests.dashboard.conftest import HOSTILE, STORE_BUILD_TIMEOUT, DashboardStores
from tests.dashboard.pages import PAGES, open_app, rerun, show, table, texts

RENDER = MarkdownIt("commonmark").enable("table").enable("strikethrough")
ONLY_A_PARAGRAPH = re.compile(r"^<p>[^<>]*</p>\n$")
#: What the pages' own Markdown uses around escaped text: paragraphs, lists, bold, code.
SAFE_TAGS = {"p", "ul", "li", "strong", "code"}


def rendered(text: str) -> str:
    return RENDER.render(escape_markdown(text, limit=10_000))


@pytest.mark.parametrize(
    "hostile",
    [
        HOSTILE,
        "[x](javascript:alert(1))",
        "<https://evil.example>",
        "# Heading\n\n- list\n> quote",
        "***bold italic*** ~~strike~~ __under__",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "&lt;b&gt; &amp; &#x3C;script&#x3E;",
        "trailing backslash \\",
        "\x1b[31mred\x1b[0m and \x00 nul",
    ],
)
def test_escaped_text_renders_as_one_plain_paragraph(hostile: str) -> None:
    output = rendered(hostile)
    assert ONLY_A_PARAGRAPH.match(output), output
    assert "href" not in output and "<img" not in output


@given(st.text(min_size=1, max_size=200).filter(lambda t: t.strip()))
def test_any_text_renders_literally(text: str) -> None:
    output = rendered(text)
    assert ONLY_A_PARAGRAPH.match(output) or output == "", output
    shown = html.unescape(output.removeprefix("<p>").removesuffix("</p>\n"))
    expected = one_line(text, limit=10_000)
    # CommonMark collapses nothing inside a paragraph but strips its edges and turns
    # NUL into U+FFFD; compare what a reader sees.
    assert shown.strip() == expected.replace("\x00", "\ufffd").strip(" \t")


def test_long_text_is_cut() -> None:
    assert len(escape_markdown("a" * 5000, limit=100)) == 100


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_hostile_repository_and_incident_are_shown_as_text_on_every_page(
    dashboard_stores: DashboardStores,
) -> None:
    app = open_app(dashboard_stores.hostile)
    app.selectbox(key="filter_repo").set_value("hostile-repo")
    rerun(app)
    for page in PAGES:
        show(app, page)
        for markdown in app.markdown:
            assert not markdown.proto.allow_html
        for text in texts(app):
            tags = set(re.findall(r"</?([a-z0-9]+)", RENDER.render(text)))
            assert tags <= SAFE_TAGS, (page, text)
    show(app, "incidents")
    app.selectbox(key="incident_pick").set_value("generic:HOSTILE-1")
    rerun(app)
    assert "**" + escape_markdown(HOSTILE) + "**" in texts(app)
    links = table(app, "incident_links_table")
    assert set(links["Role"]) == {"Fix", "Inducing"}
    assert links["Subject"].str.contains("<script>alert(1)</script>", regex=False).all()
    assert links["Author"].str.contains("Mallory|Eve").all()

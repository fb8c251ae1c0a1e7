"""Checks on the PR report's Markdown as GitHub would show it: rendered by a CommonMark
parser with tables and raw HTML on (as GitHub's is), then searched the way GitHub's
post-render filters search text for mentions, issue references and bare links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from analyzer.reports.escaping import BREAK, JOINER

#: Elements the report itself writes; anything else came from data.
OWN_ELEMENTS = {
    "h3",
    "h4",
    "p",
    "strong",
    "em",
    "ul",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "details",
    "summary",
}
#: What GitHub links after rendering, in text outside code spans.
GITHUB_AUTOLINKS = {
    "mention": re.compile(r"(?<![\w`])@[A-Za-z0-9]"),
    "issue reference": re.compile(r"(?<![\w&])#\d"),
    "GH reference": re.compile(r"\bGH-\d", re.IGNORECASE),
    "url": re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE),
    "www link": re.compile(r"\bwww\.", re.IGNORECASE),
    "email": re.compile(r"[\w.+-]@[\w-]+\."),
}


def render(markdown: str) -> str:
    """The HTML a CommonMark renderer with GFM tables makes of ``markdown``."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_code += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_code -= tag == "code"

    def handle_data(self, data: str) -> None:
        if not self._in_code:
            self.text.append(data)


def rendered_parts(markdown: str) -> tuple[list[tuple[str, list[tuple[str, str | None]]]], str]:
    """The elements of the rendered report, and its text outside code spans."""
    parser = _Elements()
    parser.feed(render(markdown))
    return parser.tags, "".join(parser.text)


def assert_inert(markdown: str) -> None:
    """No element but the report's own, no attribute at all, and nothing GitHub would
    turn into a link or a notification."""
    tags, text = rendered_parts(markdown)
    foreign = sorted({tag for tag, _ in tags} - OWN_ELEMENTS)
    assert not foreign, f"elements from data rendered: {foreign}"
    with_attributes = [(tag, attrs) for tag, attrs in tags if attrs and tag != "details"]
    assert not with_attributes, f"attributes rendered: {with_attributes[:3]}"
    for name, pattern in GITHUB_AUTOLINKS.items():
        found = pattern.search(text)
        assert found is None, f"a live {name} survives: {text[max(found.start() - 40, 0) :][:80]!r}"


def visible_text(markdown: str, *, parse: bool = True) -> str:
    """The rendered text a reader sees, invisible joiners removed (for 'shown as text');
    with ``parse=False``, ``markdown`` is taken as the text itself."""
    text = rendered_parts(markdown)[1] if parse else markdown
    return text.replace(JOINER, "").replace(BREAK, "")


def table_rows(markdown: str) -> list[list[str]]:
    """Cells of every rendered table row (header rows included)."""
    rendered = render(markdown)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", rendered, flags=re.S):
        rows.append(re.findall(r"<t[hd]>(.*?)</t[hd]>", row, flags=re.S))
    return rows

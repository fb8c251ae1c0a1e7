"""The quarterly review's stores and HTML checks, shared by its unit and browser tests."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from tests.dashboard.conftest import add_hostile_repository

#: Attributes that make a browser fetch something.
FETCHING = {
    "src",
    "href",
    "srcset",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "xlink:href",
    "ping",
    "manifest",
    "content",
}
EXTERNAL = re.compile(r"^\s*(https?:|//|ftp:|ws:|wss:|file:)", re.IGNORECASE)


def hostile_store(demo_store: Path, where: Path) -> Path:
    """A copy of the demo's store with a second, hostile repository and its incident."""
    db = where / "review-hostile.duckdb"
    shutil.copyfile(demo_store, db)
    add_hostile_repository(db, where)
    return db


class Document(HTMLParser):
    """Every element with its attributes, and the text a reader sees (not CSS)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False if tag == "style" else self._in_style

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.texts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())

    def fetching_attributes(self) -> list[tuple[str, str, str]]:
        """``(element, attribute, value)`` for every attribute that would load something
        from outside the file (fragment links ``#id`` and the CSP meta are fine)."""
        found = []
        for tag, attrs in self.elements:
            for name, value in attrs.items():
                if name in FETCHING and value and EXTERNAL.search(value):
                    found.append((tag, name, value))
                if name == "style" and value and "url(" in value:
                    found.append((tag, name, value))
        return found


def text_of(plain: str) -> str:
    """``plain`` with runs of white space as one space, as :attr:`Document.text` shows."""
    return " ".join(plain.split())

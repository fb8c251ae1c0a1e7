"""One incoming record, read by field paths that accept each tool's API and UI spellings.

A JSON record is nested (``priority.name``); a CSV row is flat, keyed by column titles that a
tool's UI export spells its own way (``Created At``, ``Issue key``). A :class:`RecordView`
answers both: a dotted path walks nested objects by exact key, and a flat row also matches a
column whose title is the path's :func:`loose_key` (case, spaces and punctuation ignored).
Values are data only: nothing in a record is ever evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

#: Keys of an object tried, in order, to show it as text (Jira options, PagerDuty references).
_DISPLAY_KEYS = ("name", "value", "summary", "displayName", "title")


def loose_key(key: str) -> str:
    """``key`` in lower case without spaces or punctuation: ``Created At`` -> ``createdat``."""
    return "".join(ch for ch in key.lower() if ch.isalnum())


def is_empty(value: Any) -> bool:
    """Absent for import purposes: null, an empty or blank string, an empty list or object."""
    if value is None:
        return True
    if type(value) is str:
        return not value or value.isspace()
    if isinstance(value, list | dict):
        return not value
    return False


def as_text(value: Any) -> str | None:
    """A value shown as one line of text: an object by its name, a list by its first item."""
    if type(value) is str:
        return value.strip() or None
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, list):
        return next((text for text in map(as_text, value) if text is not None), None)
    if isinstance(value, dict):
        return next((as_text(value[k]) for k in _DISPLAY_KEYS if not is_empty(value.get(k))), None)
    return None


def as_list(value: Any) -> list[Any]:
    """The items of a JSON array; nothing for any other value (a record is not trusted to
    have an array where its format puts one)."""
    return value if isinstance(value, list) else []


class Found(NamedTuple):
    """A value and the path it was found at (so an error names the field as the file does)."""

    path: str
    value: Any


class Columns:
    """A CSV header, answering which column a path names: the column titled exactly so, else
    the one whose :func:`loose_key` matches. Built once per file, shared by every row."""

    def __init__(self, titles: Iterable[str]) -> None:
        self._by_key: dict[str, str] = {}
        for title in titles:
            self._by_key.setdefault(loose_key(title), title)
        self._titles = set(self._by_key.values())
        self._answers: dict[str, str | None] = {}

    def title(self, path: str) -> str | None:
        if path in self._titles:
            return path
        if path not in self._answers:
            self._answers[path] = self._by_key.get(loose_key(path))
        return self._answers[path]


class RecordView:
    """Read a record by paths: nested JSON by dotted path, or a flat CSV row (``columns``)."""

    __slots__ = ("_columns", "data")

    def __init__(self, data: Mapping[str, Any], columns: Columns | None = None) -> None:
        self.data = data
        self._columns = columns

    def get(self, path: str) -> Any:
        """The value at ``path``, or ``None`` when absent or empty."""
        value = self._resolve(path)
        return None if is_empty(value) else value

    def first(self, paths: Iterable[str]) -> Found | None:
        """The first of ``paths`` that holds a value."""
        for path in paths:
            value = self._resolve(path)
            if value is not None and not is_empty(value):
                return Found(path, value)
        return None

    def field_name(self, paths: Sequence[str]) -> str:
        """How to name a missing field: a flat record prefers a column title to a JSON path."""
        if self._columns is not None:
            return next((p for p in paths if "." not in p), paths[0])
        return paths[0]

    def _resolve(self, path: str) -> Any:
        if self._columns is not None:
            title = self._columns.title(path)
            return self.data.get(title) if title is not None else None
        value = self.data.get(path)
        if value is not None or "." not in path:
            return value
        node: Any = self.data
        for part in path.split("."):
            if not isinstance(node, dict):
                return None
            node = node.get(part)
        return node

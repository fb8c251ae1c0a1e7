"""Which language a path holds, by lizard's own reader registry.

Lizard picks a reader by file extension (case-insensitive), first match in
``lizard_languages.languages()`` order; :func:`reader_for` gives exactly the reader
lizard would pick for a path, and :func:`detect_language` its name. A path lizard has no
reader for (documentation, data, images) is not source: ``None``. Lizard's own fallback
for unknown files (the C-like reader) is deliberately not used.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import lizard_languages

#: Lizard reads C and C++ with one reader named ``cpp``, and JSX with its TSX reader;
#: these extensions get the more precise of the reader's own names.
EXTENSION_LANGUAGE_NAMES: Mapping[str, str] = {
    "c": "c",
    "jsx": "jsx",
}


@functools.cache
def _readers_by_extension() -> Mapping[str, Any]:
    table: dict[str, Any] = {}
    for reader in lizard_languages.languages():
        for extension in reader.ext:
            table.setdefault(extension.lower(), reader)
    return table


def _extension(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot + 1 :].lower() if dot >= 0 else None


def reader_for(path: str) -> Any | None:
    """The lizard reader class for ``path``, or ``None`` when lizard knows no reader."""
    extension = _extension(path)
    return None if extension is None else _readers_by_extension().get(extension)


def detect_language(path: str) -> str | None:
    """The language of ``path`` as lizard names it (``python``, ``javascript``, ``go``,
    ``java``, ``c``, ``cpp`` …), or ``None`` for a file lizard cannot read as source."""
    extension = _extension(path)
    if extension is None:
        return None
    reader = _readers_by_extension().get(extension)
    if reader is None:
        return None
    if extension in EXTENSION_LANGUAGE_NAMES:
        return EXTENSION_LANGUAGE_NAMES[extension]
    return str(reader.language_names[0]).lower()


def known_languages() -> tuple[str, ...]:
    """Every language name :func:`detect_language` can return, sorted."""
    names = {str(reader.language_names[0]).lower() for reader in lizard_languages.languages()}
    return tuple(sorted(names | set(EXTENSION_LANGUAGE_NAMES.values())))

"""Bytes from git to text for the metric backends.

Git stores bytes; lizard and radon want text. UTF-8 (with or without a byte-order mark)
is tried first, then UTF-16 when a byte-order mark says so; anything else is read as
Latin-1, which never fails and keeps every line and token in place, and the fallback is
recorded. Content with a NUL byte that is not UTF-16 is binary (git's own test) and is
not decoded at all.
"""

from __future__ import annotations

import codecs
import dataclasses

from analyzer.metrics.failures import BinaryContentError

#: git looks at the first 8000 bytes for a NUL to call a file binary (``buffer_is_binary``).
BINARY_SNIFF_BYTES = 8000

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclasses.dataclass(frozen=True)
class DecodedSource:
    """Text and the encoding it was read with (``utf-8``, ``utf-8-sig``, ``utf-16``,
    or ``latin-1`` when nothing better fitted)."""

    text: str
    encoding: str


def decode_source(content: bytes) -> DecodedSource:
    """Decode blob content, or raise :class:`BinaryContentError` for binary content."""
    if content.startswith(_UTF16_BOMS):
        try:
            return DecodedSource(content.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            pass
    nul = content.find(b"\0", 0, BINARY_SNIFF_BYTES)
    if nul >= 0:
        raise BinaryContentError(f"binary content (NUL byte at offset {nul})")
    encoding = "utf-8-sig" if content.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return DecodedSource(content.decode(encoding), encoding)
    except UnicodeDecodeError:
        return DecodedSource(content.decode("latin-1"), "latin-1")


def physical_lines(text: str) -> list[str]:
    """The file's lines as git counts them: split on ``\\n``, a final unterminated line
    counted, an empty file has none."""
    if not text:
        return []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def count_physical_lines(content: bytes) -> int:
    """Physical lines of raw bytes, without decoding (used when a blob is too big to
    analyse but its length in lines is still worth recording)."""
    if not content:
        return 0
    return content.count(b"\n") + (0 if content.endswith(b"\n") else 1)

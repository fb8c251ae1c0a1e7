"""Untrusted text (commit messages, author names, paths, incident titles) made inert.

Two places show it. In **GitHub Markdown** (the PR report) :func:`markdown_text` makes a
string render literally: every ASCII punctuation character is backslash-escaped
(CommonMark allows it for all of them), so no link, image, emphasis, heading, HTML tag,
table cell border or code span can form; and since GitHub turns ``@name``, ``#123``,
``GH-123``, ``https://...`` and ``www.`` into links *after* rendering, on the text itself,
an invisible joiner goes after each ``@`` and ``#`` and inside each ``://`` and ``www.``,
so none of them links or notifies anyone. In **HTML** (the review) Jinja2's autoescape does
the escaping; :func:`plain_text` only makes the string one clean line first.

Both drop control characters (terminal escapes) and the bidirectional overrides that can
make text read differently from what it is, turn line breaks into spaces (so no Markdown
block can start) and cut the string at ``limit`` characters.
"""

from __future__ import annotations

import re

#: U+200D ZERO WIDTH JOINER: invisible, and not a character GitHub's mention and
#: reference patterns accept after ``@`` or ``#``.
JOINER = "\u200d"
#: U+200B ZERO WIDTH SPACE: breaks ``://`` and ``www.`` for GitHub's autolinker.
BREAK = "\u200b"
ELLIPSIS = "…"

_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029\x0b\x0c]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_AUTOLINKS = re.compile(
    r"(?P<ref>[@#])|(?P<scheme>:)(?=//)|(?P<www>www)(?=\.)|(?P<gh>gh)(?=-\d)", re.IGNORECASE
)


def plain_text(text: object, *, limit: int = 200) -> str:
    """``text`` as one line of plain characters, at most ``limit`` long (``…`` marks a cut)."""
    plain = "" if text is None else str(text)
    plain = _BIDI.sub("", _CONTROL.sub("", _LINE_BREAKS.sub(" ", plain))).strip()
    if len(plain) > limit:
        plain = plain[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return plain


def markdown_text(text: object, *, limit: int = 200) -> str:
    """``text`` as GitHub Markdown that renders literally, links and mentions disarmed."""
    return _PUNCTUATION.sub(r"\\\1", _disarm_autolinks(plain_text(text, limit=limit)))


def _disarm_autolinks(text: str) -> str:
    def disarm(match: re.Match[str]) -> str:
        if match.group("ref"):
            return match.group("ref") + JOINER
        if match.group("gh"):
            return match.group("gh") + JOINER
        return match.group(0) + BREAK

    return _AUTOLINKS.sub(disarm, text)

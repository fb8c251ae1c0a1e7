"""Untrusted text made safe for the pages' Markdown (numbers and class names are worded by
:mod:`analyzer.wording`).

Every string that came from a repository or an incident (a commit message, an author, a
path, an incident title) goes through :func:`escape_markdown` before ``st.markdown``: each
ASCII punctuation character is backslash-escaped (CommonMark allows it for all of them), so
no link, image, emphasis, heading, table, Streamlit colour directive (``:red[...]``) or
LaTeX (``$...$``) can form, and line breaks become spaces so no block can start.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\x1b]")


def escape_markdown(text: object, *, limit: int = 500) -> str:
    """``text`` as Markdown that renders literally: one line, at most ``limit`` characters."""
    # Leading blanks would open an indented code block; the text is one line, so strip them.
    plain = _CONTROL.sub("", _LINE_BREAKS.sub(" ", str(text))).strip()
    if len(plain) > limit:
        plain = plain[: limit - 1] + "…"
    return _PUNCTUATION.sub(r"\\\1", plain)


def one_line(text: object, limit: int = 90) -> str:
    """Plain text on one line, control characters dropped, cut at ``limit`` characters (for
    option labels and other places that render text literally)."""
    plain = _CONTROL.sub("", _LINE_BREAKS.sub(" ", "" if text is None else str(text))).strip()
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"

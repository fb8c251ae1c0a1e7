"""Words and numbers as the pages print them, and untrusted text made safe for Markdown.

Every string that came from a repository or an incident (a commit message, an author, a
path, an incident title) goes through :func:`escape_markdown` before ``st.markdown``: each
ASCII punctuation character is backslash-escaped (CommonMark allows it for all of them), so
no link, image, emphasis, heading, table, Streamlit colour directive (``:red[...]``) or
LaTeX (``$...$``) can form, and line breaks become spaces so no block can start.
"""

from __future__ import annotations

import math
import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\x1b]")

CLASS_LABELS: dict[str, str] = {
    "human": "Human",
    "ai_assisted": "AI-assisted",
    "ai_authored": "AI-authored",
    "automation": "Automation",
    "unattributed": "Unattributed",
}


def escape_markdown(text: object, *, limit: int = 500) -> str:
    """``text`` as Markdown that renders literally: one line, at most ``limit`` characters."""
    # Leading blanks would open an indented code block; the text is one line, so strip them.
    plain = _CONTROL.sub("", _LINE_BREAKS.sub(" ", str(text))).strip()
    if len(plain) > limit:
        plain = plain[: limit - 1] + "…"
    return _PUNCTUATION.sub(r"\\\1", plain)


def class_label(authorship: str) -> str:
    """The reader's name for an authorship class."""
    return CLASS_LABELS.get(authorship, authorship)


def percent(value: float | None, digits: int = 0) -> str:
    """``0.423`` as ``42%``; unknown as an en dash."""
    if not _known(value):
        return "–"
    assert value is not None
    return f"{value * 100:.{digits}f}%"


def number(value: float | None, digits: int = 1) -> str:
    """A number with thousands separators; unknown as an en dash."""
    if not _known(value):
        return "–"
    assert value is not None
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def signed(value: float | None, digits: int = 1) -> str:
    """A change with its sign: ``+3.2``, ``-1.0``; unknown as an en dash."""
    if not _known(value):
        return "–"
    assert value is not None
    return f"{value:+,.{digits}f}"


def interval(
    low: float | None, high: float | None, *, digits: int = 2, scale: float = 1.0, unit: str = ""
) -> str:
    """``95% CI 1.40 to 3.20`` or a plain statement that there is none."""
    if not (_known(low) and _known(high)):
        return "no interval"
    assert low is not None and high is not None
    return f"95% CI {low * scale:,.{digits}f}{unit} to {high * scale:,.{digits}f}{unit}"


def p_value(value: float | None) -> str:
    """A p-value to three decimals, or ``<0.001``."""
    if not _known(value):
        return "–"
    assert value is not None
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _known(value: float | None) -> bool:
    return value is not None and isinstance(value, int | float) and math.isfinite(value)


def one_line(text: object, limit: int = 90) -> str:
    """Plain text on one line, control characters dropped, cut at ``limit`` characters (for
    option labels and other places that render text literally)."""
    plain = _CONTROL.sub("", _LINE_BREAKS.sub(" ", "" if text is None else str(text))).strip()
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"

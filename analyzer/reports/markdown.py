"""A Jinja2 environment for GitHub Markdown that escapes by default, as autoescape does
for HTML: every ``{{ value }}`` goes through :func:`~.escaping.markdown_text` unless it is
:class:`Md`, the Markdown a template or a filter of ours wrote. Filters that format
numbers, dates and SHAs return :class:`Md`; ``clip(n)`` escapes text cut at ``n``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import jinja2

from analyzer.reports.escaping import markdown_text
from analyzer.wording import class_label, number, percent, signed

#: Characters of untrusted text kept where a template does not say (``clip``).
DEFAULT_LIMIT = 120
_SHA = re.compile(r"[0-9a-f]{4,64}")


class Md(str):
    """Markdown written by Jevons itself: emitted as is."""


def finalize(value: Any) -> str:
    """What ``{{ value }}`` prints: ours as is, numbers formatted, anything else escaped."""
    if isinstance(value, Md):
        return value
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    return markdown_text(value, limit=DEFAULT_LIMIT)


def clip(value: Any, limit: int = DEFAULT_LIMIT) -> Md:
    """Untrusted text escaped and cut at ``limit`` characters."""
    return Md(markdown_text(value, limit=limit))


def short_sha(value: Any) -> Md:
    """A commit id as a code span of its first 10 characters (GitHub links nothing there)."""
    text = str(value)
    if not _SHA.fullmatch(text):
        return Md(markdown_text(text, limit=12))
    return Md(f"`{text[:10]}`")


def markdown_environment(package: str = "analyzer.reports") -> jinja2.Environment:
    """The environment PR templates render in."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=False,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        clip=clip,
        sha=short_sha,
        num=lambda v, digits=1: Md(number(v, digits)),
        signed=lambda v, digits=0: Md(signed(v, digits)),
        pct=lambda v, digits=0: Md(percent(v, digits)),
        day=lambda v: Md(v.strftime("%Y-%m-%d") if isinstance(v, dt.date) else "–"),
        cls=lambda v: Md(markdown_text(class_label(str(v)), limit=40)),
    )
    return env

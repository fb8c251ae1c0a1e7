"""Printing to a terminal text that came from repositories and incident records.

Commit messages, author names, paths and incident titles are written by anyone. Printed as
they are, an escape sequence in them can recolour or clear the screen, hide what follows,
retitle the window or plant a hyperlink (OSC 8), and a carriage return or backspaces can
overwrite a line with another. Every console the command line prints through is a
:class:`SafeConsole`: Rich lays the output out as usual, then the text of every segment
loses its control characters (C0 but newline and tab, DEL, C1) and the bidirectional
overrides that reorder what is shown. Rich gives those characters no width, so tables stay
aligned, and what is left of a sequence (``[31m``) is shown as the plain text it is.
Rich's own styling and cursor movement travel in control segments and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

#: C0 controls but tab and newline, DEL, C1 controls (CSI U+009B among them), and the
#: Unicode bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def neutralise(text: str) -> str:
    """``text`` without the characters a terminal would act on instead of showing."""
    return _UNSAFE.sub("", text)


class SafeConsole(Console):
    """A Rich console that never passes a control character from the text it prints."""

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and _UNSAFE.search(segment.text):
                yield Segment(neutralise(segment.text), segment.style)
            else:
                yield segment


def print_plain(console: Console, text: str, **options: Any) -> None:
    """Print ``text`` as it is (no markup, emoji codes or highlighting, never wrapped),
    through ``console``."""
    console.print(text, markup=False, emoji=False, highlight=False, soft_wrap=True, **options)

"""Trailers read the way ``git interpret-trailers`` reads them.

Only the message's last paragraph can be a trailer block, and only if every line in it is a
``Key: value`` trailer (or a continuation of one), or if at least a quarter are and one of
them is git's own (``Signed-off-by:``, ``(cherry picked from commit``). Commit messages are
read whole, as ``git log --format=%(trailers)`` does (no ``---`` patch divider). A
``Co-authored-by: Claude`` sentence quoted in the middle of a message is prose, not a marker.
"""

from __future__ import annotations

import dataclasses
import re

_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)\s*:\s*(.*?)\s*$")
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
_IDENTITY = re.compile(r"^(.*?)\s*<([^<>]*)>\s*$")


@dataclasses.dataclass(frozen=True)
class Trailer:
    """One trailer: its key as written, its value (continuation lines joined), its line."""

    key: str
    value: str
    line: str

    @property
    def identity(self) -> tuple[str, str] | None:
        """``(name, e-mail)`` when the value is ``Name <e-mail>``, else None."""
        match = _IDENTITY.match(self.value)
        return (match.group(1), match.group(2)) if match else None


def parse_trailers(message: str) -> tuple[Trailer, ...]:
    """The trailers of a commit message (none when the last paragraph is not a trailer block,
    or when the message is a subject alone)."""
    if ":" not in message:
        return ()
    paragraph = _last_paragraph(message)
    if paragraph is None:
        return ()
    trailers: list[Trailer] = []
    others = 0
    git_generated = False
    for line in paragraph:
        if line[:1] in (" ", "\t") and trailers:
            last = trailers[-1]
            trailers[-1] = Trailer(last.key, f"{last.value} {line.strip()}", f"{last.line}\n{line}")
            continue
        match = _TRAILER.match(line)
        if match:
            trailers.append(Trailer(match.group(1), match.group(2), line))
            git_generated = git_generated or line.startswith(_GIT_GENERATED[0])
        elif line.startswith(_GIT_GENERATED[1]):
            git_generated = True
        else:
            others += 1
    if not trailers:
        return ()
    if others == 0 or (git_generated and len(trailers) * 3 >= others):
        return tuple(trailers)
    return ()


def message_body(message: str) -> str:
    """The message below its subject line (footers live here)."""
    return message.partition("\n")[2]


def _last_paragraph(message: str) -> list[str] | None:
    """The lines of the last paragraph, unless it is the subject's own paragraph."""
    lines = [line.rstrip() for line in message.splitlines() if not line.startswith("#")]
    while lines and not lines[-1]:
        lines.pop()
    start = len(lines)
    while start > 0 and lines[start - 1]:
        start -= 1
    if start == 0:  # the whole message is one paragraph: the subject, never trailers
        return None
    return lines[start:]

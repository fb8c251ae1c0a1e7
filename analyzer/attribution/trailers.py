"""Trailers: git's trailer block, and trailer-shaped paragraphs elsewhere in the message.

git (``git interpret-trailers``) reads trailers only from the message's last paragraph, and
only if every line in it is a ``Key: value`` trailer (or a continuation of one), or if at
least a quarter are and one of them is git's own (``Signed-off-by:``, ``(cherry picked from
commit``). Commit messages are read whole, as ``git log --format=%(trailers)`` does (no
``---`` patch divider).

Agents, and the people who script them, also write trailers that git does not read: a
``Co-Authored-By:`` paragraph followed by another paragraph of trailers or by a quoted
prompt. :func:`read_trailers` reads those too, from any *trailer-shaped* paragraph below the
subject: one made only of ``Key: value`` lines whose keys are known trailer keys (git's own,
the kernel's, and every key an attribution rule names). Such trailers are marked
``in_trailer_block = False``. A ``Co-authored-by: Claude`` sentence inside a paragraph of
prose is prose, not a marker, wherever it sits.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)\s*:\s*(.*?)\s*$")
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
_IDENTITY = re.compile(r"^(.*?)\s*<([^<>]*)>\s*$")
#: Trailer keys documented by git (SubmittingPatches) and the Linux kernel (submitting-patches),
#: and GitHub's closing keywords; keys named by attribution rules are known besides these.
GIT_TRAILER_KEYS: frozenset[str] = frozenset(
    {
        "signed-off-by",
        "co-authored-by",
        "co-developed-by",
        "acked-by",
        "reviewed-by",
        "tested-by",
        "reported-by",
        "suggested-by",
        "helped-by",
        "requested-by",
        "mentored-by",
        "cc",
        "link",
        "fixes",
        "closes",
        "resolves",
        "refs",
        "change-id",
        "bug",
    }
)


@dataclasses.dataclass(frozen=True)
class Trailer:
    """One trailer: its key as written, its value (continuation lines joined), its line, and
    whether git reads it (the last paragraph) or it sits in a trailer-shaped paragraph above."""

    key: str
    value: str
    line: str
    in_trailer_block: bool = True

    @property
    def identity(self) -> tuple[str, str] | None:
        """``(name, e-mail)`` when the value is ``Name <e-mail>``, else None."""
        match = _IDENTITY.match(self.value)
        return (match.group(1), match.group(2)) if match else None


def parse_trailers(message: str) -> tuple[Trailer, ...]:
    """The trailers git reads: none when the last paragraph is not a trailer block, or when
    the message is a subject alone."""
    if ":" not in message:
        return ()
    paragraphs = _paragraphs(message)
    if len(paragraphs) < 2:  # the whole message is one paragraph: the subject, never trailers
        return ()
    return _trailer_block(paragraphs[-1])


def read_trailers(message: str, is_known_key: Callable[[str], bool]) -> tuple[Trailer, ...]:
    """Every trailer of ``message``: the trailer-shaped paragraphs between the subject and the
    last paragraph (keys accepted by ``is_known_key``), then git's trailer block."""
    if ":" not in message:
        return ()
    paragraphs = _paragraphs(message)
    if len(paragraphs) < 2:
        return ()
    found: list[Trailer] = []
    for paragraph in paragraphs[1:-1]:
        read = _read_lines(paragraph, in_trailer_block=False)
        if read is not None and read[1] == 0 and all(is_known_key(t.key) for t in read[0]):
            found += read[0]
    return (*found, *_trailer_block(paragraphs[-1]))


def message_body(message: str) -> str:
    """The message below its subject line (footers live here)."""
    return message.partition("\n")[2]


def _trailer_block(paragraph: Sequence[str]) -> tuple[Trailer, ...]:
    """The paragraph's trailers if git would read it as a trailer block, else none."""
    read = _read_lines(paragraph, in_trailer_block=True)
    if read is None:
        return ()
    trailers, others, git_generated = read
    if others == 0 or (git_generated and len(trailers) * 3 >= others):
        return tuple(trailers)
    return ()


def _read_lines(
    paragraph: Sequence[str], *, in_trailer_block: bool
) -> tuple[list[Trailer], int, bool] | None:
    """The paragraph's trailer lines, how many other lines it has, and whether one of them is
    git's own; None when no line is a trailer."""
    trailers: list[Trailer] = []
    others = 0
    git_generated = False
    for line in paragraph:
        if line[:1] in (" ", "\t") and trailers:
            last = trailers[-1]
            joined = Trailer(
                last.key, f"{last.value} {line.strip()}", f"{last.line}\n{line}", in_trailer_block
            )
            trailers[-1] = joined
            continue
        match = _TRAILER.match(line)
        if match:
            trailers.append(Trailer(match.group(1), match.group(2), line, in_trailer_block))
            git_generated = git_generated or line.startswith(_GIT_GENERATED[0])
        elif line.startswith(_GIT_GENERATED[1]):
            git_generated = True
        else:
            others += 1
    return (trailers, others, git_generated) if trailers else None


def _paragraphs(message: str) -> list[list[str]]:
    """The message's paragraphs (runs of non-blank lines), comment lines left out."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for raw in message.splitlines():
        line = raw.rstrip()
        if line:
            if not line.startswith("#"):
                current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs

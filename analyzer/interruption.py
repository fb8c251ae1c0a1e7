"""What a command says when Ctrl-C stops it: what was kept, and how to carry on.

Every writing command is transactional (a mining batch, an incident file, a linking or
relabelling run lands whole or not at all), so an interrupted run never leaves half of
anything; what differs is what was already kept and how to resume. The command line's
error boundary prints :func:`interruption_line` and exits with 130 (128 + SIGINT).

Not every library lets Ctrl-C through as ``KeyboardInterrupt``: DuckDB stops the query it
is running and raises ``RuntimeError("Query interrupted")``. So the boundary also notes the
signal itself (:func:`noting_interrupts`): whatever error it then ends in, it was Ctrl-C.
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import threading
from collections.abc import Iterator, Sequence
from types import FrameType

EXIT_INTERRUPTED = 130

_GROUPS = frozenset({"attribution", "incidents", "report"})

#: Per command: what the store holds after an interruption, and what to do next.
_HINTS: dict[str, str] = {
    "mine": "every batch of commits written before the stop is kept; run `{command}` again "
    "to carry on from there",
    "incidents import": "files imported before the stop are kept, the one being read was "
    "not imported at all; run `{command}` again (re-importing changes nothing)",
    "link": "the links are written in one transaction, so the store has the previous run's; "
    "run `{command}` again",
    "attribute": "labels are written in one transaction, so the store has the previous "
    "ones; run `{command}` again",
    "export": "some Parquet files may be missing or old; run `{command}` again to rewrite all",
    "report pr": "no report was written; run `{command}` again",
    "report review": "no review was written; run `{command}` again",
    "demo": "steps that finished are reused; run `{command}` again to go on",
    "dashboard": "the dashboard has stopped; the store was only read",
}
_READ_ONLY = "nothing was changed (this command only reads); run `{command}` again"


def command_name(args: Sequence[str]) -> str:
    """``mine``, ``incidents import``...: the command that ``args`` (argv without the
    program) runs, as its help names it."""
    words = [arg for arg in args if not arg.startswith("-")]
    if not words:
        return ""
    if words[0] in _GROUPS and len(words) > 1:
        return f"{words[0]} {words[1]}"
    return words[0]


def interruption_line(args: Sequence[str]) -> str:
    """The one line printed when ``jevons ARGS`` is interrupted."""
    hint = _HINTS.get(command_name(args), _READ_ONLY)
    return f"interrupted: {hint.format(command=shlex.join(['jevons', *args]))}"


_noted = threading.Event()


def _note_and_raise(signum: int, frame: FrameType | None) -> None:
    _noted.set()
    raise KeyboardInterrupt


@contextlib.contextmanager
def noting_interrupts() -> Iterator[None]:
    """Within: Ctrl-C raises ``KeyboardInterrupt`` as usual and is also remembered, for
    :func:`was_interrupted` in the block's own error handlers. Off the main thread, or
    where SIGINT is ignored (a job started with ``nohup``), nothing changes."""
    _noted.clear()
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    ):
        yield
        return
    previous = signal.signal(signal.SIGINT, _note_and_raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _noted.clear()  # the caller's handlers, inside the block, have seen it


def was_interrupted(exc: BaseException) -> bool:
    """Whether Ctrl-C was noted, or ``exc`` is, or was raised while handling, a
    ``KeyboardInterrupt`` (Typer turns Ctrl-C into an exit with status 130, Click into an
    ``Abort``)."""
    if _noted.is_set():
        return True
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False

"""A per-blob time limit that really stops the work.

Two mechanisms, because metrics run both in pool worker processes (tasks on the main
thread) and in threads (a Dask worker, a notebook's thread pool):

* on the main thread of a POSIX process, ``SIGALRM`` from ``setitimer`` interrupts
  whatever is running, C regular expressions and radon's AST visitors included;
* everywhere, a :class:`Deadline` that the lizard token stream checks every few hundred
  tokens, and that the radon steps check between them.

A real-time interval timer set by someone else (pytest-timeout, say) is handed back
with the time it had left when the limit ends.
"""

from __future__ import annotations

import dataclasses
import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from analyzer.metrics.failures import TimeLimitExceeded


@dataclasses.dataclass(frozen=True)
class Deadline:
    """A point on the monotonic clock after which work must stop."""

    at: float
    seconds: float
    #: whether loops must call :meth:`check` (no alarm is armed to interrupt them)
    needs_polling: bool = True

    @classmethod
    def after(cls, seconds: float, *, needs_polling: bool = True) -> Deadline:
        return cls(time.monotonic() + seconds, seconds, needs_polling)

    def check(self) -> None:
        """Raise :class:`TimeLimitExceeded` if the deadline has passed."""
        if time.monotonic() >= self.at:
            raise TimeLimitExceeded(time_limit_message(self.seconds))


def time_limit_message(seconds: float) -> str:
    return f"time limit: analysis took longer than {seconds:g} s (blob_timeout_seconds)"


def alarm_available() -> bool:
    """Whether ``SIGALRM`` can interrupt work here (POSIX, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[Deadline]:
    """Run the body for at most ``seconds`` (0 or less: no limit); raise
    :class:`TimeLimitExceeded` if it overruns.

    The body receives the :class:`Deadline` to check in loops the alarm cannot reach.
    """
    if seconds <= 0:
        yield Deadline(math.inf, 0.0, needs_polling=False)
        return
    if not alarm_available():
        yield Deadline.after(seconds)
        return
    deadline = Deadline.after(seconds, needs_polling=False)
    with _alarm(deadline):
        yield deadline


@contextmanager
def _alarm(deadline: Deadline) -> Iterator[None]:
    previous_handler = signal.getsignal(signal.SIGALRM)

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        if time.monotonic() >= deadline.at - 0.001:
            raise TimeLimitExceeded(time_limit_message(deadline.seconds))
        if callable(previous_handler):  # an outer timer fired first: its turn
            previous_handler(signum, frame)

    signal.signal(signal.SIGALRM, on_alarm)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, deadline.seconds)
    if 0 < outer_delay < deadline.seconds:
        signal.setitimer(signal.ITIMER_REAL, outer_delay)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler or signal.SIG_DFL)
        if outer_delay > 0:
            remaining = max(outer_delay - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, remaining, outer_interval)

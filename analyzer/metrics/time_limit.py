"""A per-blob time limit that really stops the work.

The limit is on CPU time, not wall-clock time: a blob's metrics must not depend on how
busy the machine was (a wall-clock limit would record a time-limit error on a loaded
machine for a blob that measures fine on an idle one), and analysing a blob is pure
computation, so CPU time is the cost that matters.

Two mechanisms, because metrics run both in pool worker processes (tasks on the main
thread) and in threads (a Dask worker, a notebook's thread pool):

* on the main thread of a POSIX process, ``SIGPROF`` from an ``ITIMER_PROF`` interval
  timer (process CPU time) interrupts whatever is running, C regular expressions and
  radon's AST visitors included;
* elsewhere, a :class:`Deadline` on the thread's own CPU clock, which the lizard token
  stream checks every few hundred tokens and the radon steps check between them.

Once expired, the timer keeps firing at a short interval until the body has stopped: a
signal handler's exception raised while Python runs a ``__del__`` method, a weakref or a
``gc`` callback is printed as "Exception ignored" and lost, so one signal is not enough.

An interval timer someone else had set on the same clock is handed back with what it had
left when the limit ends.
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

_TIMER = getattr(signal, "ITIMER_PROF", None)
_SIGNAL = getattr(signal, "SIGPROF", None)
#: how often (CPU seconds) an expired limit fires again in case its exception was lost
REPEAT_SECONDS = 0.02


@dataclasses.dataclass(frozen=True)
class Deadline:
    """A point on the current thread's CPU clock after which work must stop."""

    at: float
    seconds: float
    #: whether loops must call :meth:`check` (no timer signal is armed to interrupt them)
    needs_polling: bool = True

    @classmethod
    def after(cls, seconds: float, *, needs_polling: bool = True) -> Deadline:
        return cls(time.thread_time() + seconds, seconds, needs_polling)

    def check(self) -> None:
        """Raise :class:`TimeLimitExceeded` if the deadline has passed."""
        if time.thread_time() >= self.at:
            raise TimeLimitExceeded(time_limit_message(self.seconds))


def time_limit_message(seconds: float) -> str:
    return f"time limit: analysis took more than {seconds:g} s of CPU time (blob_timeout_seconds)"


def signal_available() -> bool:
    """Whether a CPU-time signal can interrupt work here (POSIX, main thread)."""
    return (
        _TIMER is not None
        and _SIGNAL is not None
        and threading.current_thread() is threading.main_thread()
    )


@contextmanager
def time_limit(seconds: float) -> Iterator[Deadline]:
    """Run the body for at most ``seconds`` of CPU time (0 or less: no limit); raise
    :class:`TimeLimitExceeded` if it overruns.

    The body receives the :class:`Deadline` to check in loops no signal can reach.
    """
    if seconds <= 0:
        yield Deadline(math.inf, 0.0, needs_polling=False)
        return
    if not signal_available():
        yield Deadline.after(seconds)
        return
    deadline = Deadline.after(seconds, needs_polling=False)
    with _timer_signal(seconds):
        yield deadline


@contextmanager
def _timer_signal(seconds: float) -> Iterator[None]:
    assert _TIMER is not None and _SIGNAL is not None
    timer, signum = _TIMER, _SIGNAL
    previous_handler = signal.getsignal(signum)
    outer_delay, outer_interval = signal.getitimer(timer)
    # The kernel's timer and the CPU clocks Python reads tick differently, so the handler
    # cannot ask a clock whether the limit is reached; it knows by whose turn it is.
    outer_first = 0 < outer_delay < seconds
    armed = True

    def on_signal(number: int, frame: FrameType | None) -> None:
        nonlocal outer_first
        if not armed:  # a signal still pending when the body ended: the limit is over
            return
        if outer_first:  # the outer timer's expiry: hand it over, then wait for ours
            outer_first = False
            signal.setitimer(timer, max(seconds - outer_delay, 1e-3), REPEAT_SECONDS)
            if callable(previous_handler):
                previous_handler(number, frame)
            return
        raise TimeLimitExceeded(time_limit_message(seconds))

    armed_at = time.process_time()
    signal.signal(signum, on_signal)
    # A blocked signal would stay pending and the limit never fire: a process inherits its
    # signal mask from whatever forked or started it (seen: a pool forked from a test
    # runner's process that had SIGPROF blocked), so unblock it here, for the limit's time.
    mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})
    if outer_first:
        signal.setitimer(timer, outer_delay)
    else:
        signal.setitimer(timer, seconds, REPEAT_SECONDS)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(timer, 0)
        if signum in mask:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signum})
        signal.signal(signum, previous_handler or signal.SIG_DFL)
        if outer_delay > 0:
            remaining = outer_delay - (time.process_time() - armed_at)
            if remaining > 0:
                signal.setitimer(timer, remaining, outer_interval)
            elif outer_interval > 0:
                signal.setitimer(timer, outer_interval, outer_interval)

"""A per-blob time limit that really stops the work.

The limit is on CPU time, not wall-clock time: a blob's metrics must not depend on how
busy the machine was (a wall-clock limit would record a time-limit error on a loaded
machine for a blob that measures fine on an idle one), and analysing a blob is pure
computation, so CPU time is the cost that matters.

Three mechanisms, because metrics run both in pool worker processes (tasks on the main
thread) and in threads (a Dask worker, a notebook's thread pool):

* on the main thread of a POSIX process, ``SIGPROF`` from an ``ITIMER_PROF`` interval
  timer (process CPU time) interrupts whatever is running, C regular expressions and
  radon's AST visitors included;
* on any other thread (CPython on POSIX), a watchdog thread reads that thread's own CPU
  clock and, once the limit is spent, raises :class:`TimeLimitExceeded` in it
  (``PyThreadState_SetAsyncExc``): Python code anywhere in lizard or radon is stopped, at
  no cost to the work itself (the watchdog sleeps until the limit could first be
  reached, which no CPU clock reaches sooner than the wall clock);
* elsewhere, a :class:`Deadline` on the thread's own CPU clock, which the lizard token
  stream checks every few hundred tokens and the radon steps check between them.

Once expired, the limit keeps firing at a short interval until the body has stopped: an
exception raised while Python runs a ``__del__`` method, a weakref or a ``gc`` callback is
printed as "Exception ignored" and lost, so firing once is not enough.

An interval timer someone else had set on the same clock is handed back with what it had
left when the limit ends.
"""

from __future__ import annotations

import ctypes
import dataclasses
import math
import os
import signal
import sys
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
    if signal_available():
        with _timer_signal(seconds):
            yield Deadline.after(seconds, needs_polling=False)
    elif _WATCHDOG is not None:
        with _WATCHDOG.watching(seconds):
            yield Deadline.after(seconds, needs_polling=False)
    else:
        yield Deadline.after(seconds)


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


@dataclasses.dataclass
class _Watch:
    """A thread under a limit: its CPU clock, and the reading at which to fire."""

    ident: int
    clock: int
    fire_at: float


class _Watchdog:
    """One daemon thread per process that stops threads overrunning their limit.

    It sleeps until the earliest moment a watched thread could have spent its limit (a
    thread's CPU clock runs no faster than the wall clock), reads that thread's clock, and
    sleeps again for what is left, or raises :class:`TimeLimitExceeded` in the thread and
    fires again after each further :data:`REPEAT_SECONDS` of its CPU. A new watch wakes it
    only if it must look sooner than it planned to, so watching costs the measured thread
    a few microseconds a blob and no context switch.
    """

    def __init__(self, raise_in: _AsyncRaiser) -> None:
        self._raise_in = raise_in
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        """Start empty (a forked child has none of its parent's other threads)."""
        self._changed = threading.Condition()
        self._watches: dict[int, _Watch] = {}
        self._wake_at = math.inf
        self._thread: threading.Thread | None = None

    @contextmanager
    def watching(self, seconds: float) -> Iterator[None]:
        watch = self._watch(seconds)
        try:
            yield
        except TimeLimitExceeded as exc:
            if exc.args:
                raise
            # ours, raised as the bare class: say what the limit was
            raise TimeLimitExceeded(time_limit_message(seconds)) from None
        finally:
            try:
                self._release(watch)
            except TimeLimitExceeded:
                # a firing that landed after the body ended, before the release took the
                # lock; the next could only come after REPEAT_SECONDS more CPU time
                self._release(watch)

    def _watch(self, seconds: float) -> _Watch:
        ident = threading.get_ident()
        clock = time.pthread_getcpuclockid(ident)
        watch = _Watch(ident, clock, time.clock_gettime(clock) + seconds)
        with self._changed:
            self._watches[ident] = watch
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="jevons-time-limit", daemon=True
                )
                self._thread.start()
            elif time.monotonic() + seconds < self._wake_at:
                self._changed.notify()
        return watch

    def _release(self, watch: _Watch) -> None:
        with self._changed:
            if self._watches.get(watch.ident) is watch:
                del self._watches[watch.ident]
                self._raise_in(watch.ident, None)  # withdraw a firing not yet raised

    def _run(self) -> None:
        with self._changed:
            while True:
                wait = min((self._check(w) for w in list(self._watches.values())), default=None)
                self._wake_at = math.inf if wait is None else time.monotonic() + wait
                self._changed.wait(wait)

    def _check(self, watch: _Watch) -> float:
        """Fire at ``watch`` if its limit is spent; the wall seconds until the next look."""
        try:
            used = time.clock_gettime(watch.clock)
        except OSError:  # the thread has ended
            del self._watches[watch.ident]
            return math.inf
        if used >= watch.fire_at:
            self._raise_in(watch.ident, TimeLimitExceeded)
            watch.fire_at = used + REPEAT_SECONDS
            return REPEAT_SECONDS
        return watch.fire_at - used


class _AsyncRaiser:
    """``PyThreadState_SetAsyncExc``: raise ``exc`` in the thread ``ident`` when it next
    runs Python code (``None``: withdraw one not raised yet)."""

    def __init__(self) -> None:
        self._call = ctypes.pythonapi.PyThreadState_SetAsyncExc
        self._call.argtypes = (ctypes.c_ulong, ctypes.py_object)
        self._call.restype = ctypes.c_int

    def __call__(self, ident: int, exc: type[BaseException] | None) -> None:
        self._call(ident, exc if exc is not None else ctypes.py_object())


def _watchdog() -> _Watchdog | None:
    """The watchdog where a thread's CPU clock and ``PyThreadState_SetAsyncExc`` exist."""
    if sys.implementation.name != "cpython" or not hasattr(time, "pthread_getcpuclockid"):
        return None
    return _Watchdog(_AsyncRaiser())


_WATCHDOG = _watchdog()

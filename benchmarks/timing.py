"""Wall and CPU time of one contender, the CPU time including its child processes.

The machine a benchmark runs on may be busy with other work; CPU seconds (this process
plus every child it waited for: pool workers, git, the PyDriller and wily subprocesses)
say how much work was done, wall seconds how long a user waited. The targets are on wall
time; the CPU column and the load average make a noisy run visible.
"""

from __future__ import annotations

import dataclasses
import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager


@dataclasses.dataclass
class Timing:
    """One contender's figures; ``note`` says what was measured, ``extrapolated`` that the
    wall time is an estimate from a bounded run."""

    name: str
    wall: float = 0.0
    cpu: float = 0.0
    note: str = ""
    extrapolated: bool = False
    #: CPU seconds of this process alone (for Jevons: the miner without its pool workers)
    cpu_main: float = 0.0


def _cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def timed(timing: Timing) -> Iterator[Timing]:
    """Fill ``timing.wall``, ``timing.cpu`` and ``timing.cpu_main`` with what the body
    spends."""
    wall = time.perf_counter()
    own, children = _cpu_seconds(resource.RUSAGE_SELF), _cpu_seconds(resource.RUSAGE_CHILDREN)
    try:
        yield timing
    finally:
        timing.wall = time.perf_counter() - wall
        timing.cpu_main = _cpu_seconds(resource.RUSAGE_SELF) - own
        timing.cpu = timing.cpu_main + _cpu_seconds(resource.RUSAGE_CHILDREN) - children


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"

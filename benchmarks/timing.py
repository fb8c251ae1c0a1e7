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
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psutil


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


class _GrandchildSampler(threading.Thread):
    """CPU seconds of this process's grandchildren (a forkserver's pool workers), which
    ``RUSAGE_CHILDREN`` never sees: sampled every 0.1 s, the last sample of each kept."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stopping = threading.Event()
        self.seen: dict[int, float] = {}
        self.baseline: dict[int, float] = {}

    def _sample(self) -> dict[int, float]:
        me = psutil.Process()
        direct = {child.pid for child in me.children()}
        sample = {}
        for process in me.children(recursive=True):
            if process.pid in direct:
                continue
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            sample[process.pid] = times.user + times.system
        return sample

    def run(self) -> None:
        self.baseline = self._sample()
        while not self.stopping.wait(0.1):
            self.seen.update(self._sample())

    def seconds(self) -> float:
        self.stopping.set()
        self.join()
        return sum(cpu - self.baseline.get(pid, 0.0) for pid, cpu in self.seen.items())


@contextmanager
def timed(timing: Timing) -> Iterator[Timing]:
    """Fill ``timing.wall``, ``timing.cpu`` and ``timing.cpu_main`` with what the body
    spends; ``cpu`` counts children and pool workers (to the last 0.1 s sample)."""
    sampler = _GrandchildSampler()
    sampler.start()
    wall = time.perf_counter()
    own, children = _cpu_seconds(resource.RUSAGE_SELF), _cpu_seconds(resource.RUSAGE_CHILDREN)
    try:
        yield timing
    finally:
        timing.wall = time.perf_counter() - wall
        timing.cpu_main = _cpu_seconds(resource.RUSAGE_SELF) - own
        waited = _cpu_seconds(resource.RUSAGE_CHILDREN) - children
        timing.cpu = timing.cpu_main + waited + sampler.seconds()


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"

"""Sample scenario generation (issue 3): each scenario built from scratch, against 30 s.

Every scenario is generated into the scratch directory with ``force=True`` (nothing
reused), timed for wall and CPU seconds (CPU includes git's children: fast-import,
checkout, the numstat pass). The target is on the default scenario's wall time; a second
call, which must reuse the output, is timed too.
"""

from __future__ import annotations

import os

from benchmarks.context import BenchContext
from benchmarks.timing import Timing, timed
from sample_repos import DEFAULT_SCENARIO, generate_scenario, list_scenarios

TARGET_SECONDS = 30.0


def run(context: BenchContext) -> None:
    out = context.scratch / "samples"
    print(f"{'scenario':<14} {'wall s':>7} {'cpu s':>7} {'commits':>8} {'incidents':>9}")
    default = None
    for name in list_scenarios():
        timing = Timing(name)
        with timed(timing):
            paths = generate_scenario(name, out, force=True)
        figures = paths.load_truth()["figures"]
        print(
            f"{name:<14} {timing.wall:7.1f} {timing.cpu:7.1f} "
            f"{figures['commits_total']:8,} {figures['incidents_total']:9}",
            flush=True,
        )
        if name == DEFAULT_SCENARIO:
            default = timing
    reuse = Timing("reuse")
    with timed(reuse):
        generate_scenario(DEFAULT_SCENARIO, out)
    print(f"reusing the up-to-date {DEFAULT_SCENARIO}: {reuse.wall:.2f}s")
    if default is not None:
        verdict = "met" if default.wall < TARGET_SECONDS else "MISSED"
        load = os.getloadavg()[0]
        print(
            f"{DEFAULT_SCENARIO} from scratch in {default.wall:.1f}s wall "
            f"(target < {TARGET_SECONDS:.0f}s: {verdict}; load average {load:.1f})"
        )

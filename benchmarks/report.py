"""The mining benchmark's table and its three targets."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence

from benchmarks.timing import Timing


@dataclasses.dataclass(frozen=True)
class Target:
    """A ratio of two timings and the bound it must meet."""

    label: str
    numerator: str
    denominator: str
    bound: float
    at_least: bool

    def ratio(self, timings: Mapping[str, Timing]) -> float | None:
        if self.numerator not in timings or self.denominator not in timings:
            return None
        denominator = timings[self.denominator].wall
        return timings[self.numerator].wall / denominator if denominator > 0 else math.inf

    def met(self, ratio: float) -> bool:
        return ratio >= self.bound if self.at_least else ratio <= self.bound


TARGETS = (
    Target("PyDriller / Jevons lizard-only cold", "pydriller", "lizard", 3.0, True),
    Target("the same over the full history", "pydriller_all", "lizard_all", 3.0, True),
    Target("Jevons full cold / floor", "cold", "floor", 1.25, False),
    Target("Jevons cold / Jevons warm", "cold", "warm", 50.0, True),
)

#: (label, numerator, denominator, "wall" or "cpu"): CPU ratios compare work done, which
#: a busy machine distorts less than it distorts waiting.
CONTEXT_RATIOS: tuple[tuple[str, str, str, str], ...] = (
    ("PyDriller / Jevons full cold", "pydriller", "cold", "wall"),
    ("wily (extrapolated) / Jevons full cold", "wily", "cold", "wall"),
    ("Jevons lizard-only cold / lizard floor", "lizard", "floor_lizard", "wall"),
    ("CPU: PyDriller / Jevons lizard-only cold", "pydriller", "lizard", "cpu"),
    ("CPU: the same over the full history", "pydriller_all", "lizard_all", "cpu"),
    ("CPU: Jevons full cold / floor", "cold", "floor", "cpu"),
    ("CPU: Jevons lizard-only cold / lizard floor", "lizard", "floor_lizard", "cpu"),
)


def _seconds(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:9.2f}s"


def print_report(
    timings: Mapping[str, Timing],
    write: Callable[[str], None] = print,
    *,
    targets: Sequence[Target] = TARGETS,
    context: Sequence[tuple[str, str, str, str]] = CONTEXT_RATIOS,
) -> None:
    """Print every timing and the ratios, each target with its verdict (the mining
    benchmark's targets unless others are given)."""
    write("")
    write(f"{'contender':<42} {'wall':>10} {'cpu':>10}  what")
    for timing in timings.values():
        mark = "~" if timing.extrapolated else " "
        write(
            f"{timing.name:<42} {_seconds(timing.wall)}{mark}{_seconds(timing.cpu)}  {timing.note}"
        )
    write("")
    write("targets (wall time):")
    for target in targets:
        ratio = target.ratio(timings)
        if ratio is None:
            write(f"  {target.label:<44} skipped")
            continue
        sign = ">=" if target.at_least else "<="
        verdict = "MET" if target.met(ratio) else "MISSED"
        write(f"  {target.label:<44} {ratio:8.2f}x  (target {sign} {target.bound:g}x)  {verdict}")
    write("context:")
    for label, numerator, denominator, clock in context:
        if numerator not in timings or denominator not in timings:
            continue
        above = getattr(timings[numerator], clock)
        below = getattr(timings[denominator], clock)
        if below > 0 and not math.isnan(above):
            write(f"  {label:<44} {above / below:8.2f}x")

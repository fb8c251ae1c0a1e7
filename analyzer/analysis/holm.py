"""Holm correction over each family of tests the analysis ran.

Two families, each answering one question, each corrected as a whole (Holm 1979,
statsmodels ``multipletests``), never a chosen subset of it:

* **class comparisons**: does a class fail more than human changes? Every change failure
  rate, incident rate and revert rate comparison, and the count model's class terms;
* **time series**: does AI adoption move with incidents, or lead them? Every
  cross-correlation lag, Granger lag, interrupted-time-series and dose-response term.

Keeping the dozens of exploratory time-series tests out of the few direct comparisons keeps
those from being drowned, while each family still pays for every test it ran.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import TypeVar

from statsmodels.stats.multitest import multipletests

from analyzer.analysis.result import Comparison, ModelTerm, TestResult

Tested = TypeVar("Tested", Comparison, ModelTerm, TestResult)


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values in the same order."""
    if not p_values:
        return []
    return [float(p) for p in multipletests(list(p_values), alpha=0.05, method="holm")[1]]


class HolmFamily:
    """Collect tests from several places, then hand each back with ``p_holm`` set.

    Add every group first (``add``), then take them back in the same order (``take``).
    Items without a p-value keep ``p_holm = None`` and are not part of the family.
    """

    def __init__(self) -> None:
        self._p_values: list[float] = []
        self._adjusted: Iterator[float] | None = None

    def add(self, items: Sequence[Tested]) -> None:
        self._p_values.extend(i.p_value for i in items if i.p_value is not None)

    @property
    def size(self) -> int:
        return len(self._p_values)

    def take(self, items: Sequence[Tested]) -> tuple[Tested, ...]:
        if self._adjusted is None:
            self._adjusted = iter(holm_adjust(self._p_values))
        return tuple(
            dataclasses.replace(item, p_holm=next(self._adjusted))
            if item.p_value is not None
            else item
            for item in items
        )

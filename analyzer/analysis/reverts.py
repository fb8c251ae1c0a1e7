"""Revert rates by class: the share of each class's changes later reverted.

The reverts themselves are found from git's revert messages as the history is mined
(:mod:`analyzer.mining.reverts`), and read here from ``commits.reverted_by``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analyzer.analysis.failure_rate import class_proportions, compare_proportions
from analyzer.analysis.result import Reverts
from analyzer.mining.reverts import detect_reverts, find_reverts, record_reverts

__all__ = ["detect_reverts", "find_reverts", "record_reverts", "revert_rates"]


def revert_rates(
    changes: pd.DataFrame, classes: Sequence[str], concurrent: pd.Series | None = None
) -> Reverts:
    """Share of each class's changes later reverted (Wilson), and each class against human
    over the ``concurrent`` changes (a boolean mask; default all)."""
    reverted = changes["reverted_by"].notna()
    by_class = class_proportions(changes["authorship"], reverted, classes)
    compared = (
        by_class
        if concurrent is None
        else class_proportions(changes.loc[concurrent, "authorship"], reverted[concurrent], classes)
    )
    return Reverts(
        reverted_commits=int(reverted.sum()),
        by_class=by_class,
        comparisons=compare_proportions(compared, name="revert rate"),
    )

"""``analyze``: the whole analysis, from a store to an :class:`AnalysisResult`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analyzer.analysis.result import (
    Adoption,
    AnalysisResult,
    CountModel,
    Coverage,
    Decomposition,
    Estimate,
    Growth,
    IncidentLoad,
    IncidentRates,
    Reverts,
    Scope,
    SeriesFrames,
    TimeSeriesEvidence,
    UnlinkedIncidents,
    Verdict,
)
from analyzer.config import AnalysisConfig
from analyzer.store import Store

DateLike = dt.date | str | None


def analyze(
    db: Path | str | Store | None = None,
    *,
    date_from: DateLike = None,
    date_to: DateLike = None,
    repo: str | None = None,
    config: AnalysisConfig | None = None,
    period_a: tuple[DateLike, DateLike] | None = None,
    period_b: tuple[DateLike, DateLike] | None = None,
    seed: int = 20240601,
    replicates: int = 1000,
) -> AnalysisResult:
    """Analyse the store ``db`` over ``[date_from, date_to]`` (inclusive dates, UTC).

    ``period_a``/``period_b`` choose the decomposition's periods (default: equal windows
    either side of the adoption point); ``seed`` and ``replicates`` drive the bootstrap.
    """
    del db, config, period_a, period_b, seed, replicates
    empty = pd.DataFrame()
    nothing = Estimate(None)
    return AnalysisResult(
        scope=Scope(None, None, repo, (), None, None, None, None),
        coverage=Coverage(0, 0, 0, 0, 0, 0, 0, {}, 0, None, False, {}, ("not built yet",)),
        adoption=Adoption(None, "none", "not built yet", None, None, None, None, {}),
        growth=Growth({}, {}, {}, ()),
        churn={},
        reverts=Reverts(0, {}, ()),
        incident_load=IncidentLoad(0, 0, 0, 0.0, None, None, None, None, None, None, {}),
        change_failure_rate={},
        incident_rates=IncidentRates({}, ()),
        count_model=CountModel(None, "", 0, 0, None, (), "not built yet"),
        decomposition=Decomposition(
            None, None, 0, 0, nothing, nothing, nothing, nothing, nothing,
            UnlinkedIncidents(0, 0, nothing), (), {}, "", 0, None,
        ),
        time_series=TimeSeriesEvidence((), "", ()),
        hotspots=(),
        findings=(),
        verdict=Verdict("inconclusive", "co_occurrence", "not built yet", None, ()),
        caveats=("the analysis is not built yet",),
        method_notes={},
        series=SeriesFrames(empty, empty, empty, empty),
    )

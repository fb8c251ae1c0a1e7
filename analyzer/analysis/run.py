"""``analyze``: the whole analysis, from a store to an :class:`AnalysisResult`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analyzer.analysis.adoption import adoption_summary
from analyzer.analysis.churn import churn_by_class
from analyzer.analysis.count_model import fit_count_model
from analyzer.analysis.coverage import (
    data_coverage,
    incident_records_start,
    late_records_caveat,
    some_names,
)
from analyzer.analysis.decomposition import (
    decompose_incident_change,
    decomposition_input,
    default_periods,
)
from analyzer.analysis.failure_rate import class_proportions, compare_proportions, incident_rates
from analyzer.analysis.findings import Evidence, collect_findings
from analyzer.analysis.frames import (
    CLASS_ORDER,
    REFERENCE_CLASS,
    SERVICES_SQL,
    Frames,
    changes,
    read_frames,
)
from analyzer.analysis.growth import growth_summary
from analyzer.analysis.holm import HolmFamily
from analyzer.analysis.hotspots import rank_hotspots
from analyzer.analysis.incident_load import incident_load
from analyzer.analysis.linkage import linkage_coverage
from analyzer.analysis.result import (
    AnalysedScope,
    AnalysisResult,
    Comparison,
    CountModel,
    Decomposition,
    Estimate,
    Period,
    TimeSeriesEvidence,
    UnlinkedIncidents,
)
from analyzer.analysis.reverts import revert_rates
from analyzer.analysis.series import build_series
from analyzer.analysis.time_series import time_series_tests
from analyzer.analysis.verdict import decide_verdict
from analyzer.config import AnalysisConfig
from analyzer.errors import AnalysisError
from analyzer.scope import DateLike, Scope, parse_date
from analyzer.store import Store, open_store

MIN_CONCURRENT_REFERENCE = 30


def analyze(
    db: Path | str | Store | None = None,
    scope: Scope | None = None,
    *,
    config: AnalysisConfig | None = None,
    period_a: tuple[DateLike, DateLike] | None = None,
    period_b: tuple[DateLike, DateLike] | None = None,
    seed: int = 20240601,
    replicates: int = 1000,
) -> AnalysisResult:
    """Analyse the store ``db`` (a path, or an open :class:`Store`) in ``scope`` (default:
    everything), e.g. ``analyze("jevons.duckdb", Scope(date_from="2025-01-01", repo="shop"))``.

    The :class:`~analyzer.scope.Scope` limits it to a date range, one repository id, the
    commits that changed files under a path prefix (their lines and complexity there only),
    and one service's incidents and the changes that induced them. ``period_a``/``period_b``
    (``[start, end)`` dates) choose the decomposition's periods, e.g. two quarters; by
    default they are equal windows either side of the adoption point. ``seed`` and
    ``replicates`` drive the bootstrap, so the same store always gives the same result.
    """
    config = config or AnalysisConfig()
    if replicates < 1:
        raise AnalysisError(f"replicates must be at least 1, not {replicates}")
    frames = load_frames(db, scope)
    periods = _explicit_periods(period_a, period_b)
    return analyze_frames(frames, config=config, periods=periods, seed=seed, replicates=replicates)


def load_frames(db: Path | str | Store | None = None, scope: Scope | None = None) -> Frames:
    """The frames ``analyze`` works on, for callers who chart them directly."""
    scope = scope or Scope()
    store = open_store(db, read_only=True, missing="error")
    _check_repo(store, scope.repo)
    return read_frames(store, scope)


def analyze_frames(
    frames: Frames,
    *,
    config: AnalysisConfig | None = None,
    periods: tuple[Period, Period] | None = None,
    seed: int = 20240601,
    replicates: int = 1000,
) -> AnalysisResult:
    """The analysis over already loaded ``frames`` (pure: no store access)."""
    config = config or AnalysisConfig()
    shipped = changes(frames)
    classes = _classes(shipped, frames.inducing)
    span = _span(frames)
    adoption = adoption_summary(shipped, config.adoption_date, classes)
    series = build_series(shipped, frames.history, frames.incidents, frames.inducing, span, classes)
    # incident figures only over the changes made while incidents were being recorded
    given = config.incident_records_start
    configured = given is not None
    records_start = (
        pd.Timestamp(given)
        if given is not None
        else incident_records_start(shipped, frames.incidents)
    )
    observed = (
        shipped if records_start is None else shipped[shipped["committed_at"] >= records_start]
    )
    if len(observed) == len(shipped):
        records_start = None  # the records cover every change in range: nothing to say
    concurrent = _concurrent(observed, adoption.date)
    failing = observed["incidents_induced"] > 0
    cfr = class_proportions(observed["authorship"], failing, classes)
    cfr_compared = compare_proportions(
        class_proportions(observed.loc[concurrent, "authorship"], failing[concurrent], classes),
        name="change failure rate",
    )
    rates = incident_rates(observed, frames.inducing_all, classes, concurrent)
    reverts = revert_rates(shipped, classes, _concurrent(shipped, adoption.date))
    model = fit_count_model(observed, classes)
    weekly = (
        series.weekly
        if records_start is None
        else series.weekly[
            series.weekly["period"] >= records_start - pd.Timedelta(days=6)  # its first week
        ].reset_index(drop=True)
    )
    time_series = time_series_tests(weekly, pd.Timestamp(adoption.date) if adoption.date else None)
    cfr_compared, rate_tests, revert_tests, model, time_series = _holm(
        cfr_compared, rates.comparisons, reverts.comparisons, model, time_series
    )
    rates = dataclasses.replace(rates, comparisons=rate_tests)
    reverts = dataclasses.replace(reverts, comparisons=revert_tests)
    observed_span = (
        span if span is None or records_start is None else (max(span[0], records_start), span[1])
    )
    decomposition = _decompose(
        frames, observed, classes, observed_span, adoption.date, periods, seed, replicates
    )
    load = incident_load(frames.incidents, adoption.date, span)
    coverage = data_coverage(frames, adoption.date, len(series.weekly))
    linkage = linkage_coverage(frames.incidents, frames.inducing, _compared_periods(decomposition))
    caveats = [linkage.caveat] if linkage.caveat else []
    if records_start is not None:
        strays = int((frames.incidents["created_at"] < records_start).sum())
        caveats.insert(
            0,
            late_records_caveat(
                records_start, shipped, len(observed), configured=configured, strays=strays
            ),
        )
    coverage = dataclasses.replace(coverage, caveats=(*caveats, *coverage.caveats))
    churn = churn_by_class(frames.churn, shipped, classes, config.churn_windows_days)
    growth = growth_summary(series.monthly, shipped, frames.history, classes, adoption.date, span)
    findings = collect_findings(
        Evidence(
            adoption,
            growth,
            churn,
            reverts,
            cfr_compared,
            model,
            decomposition,
            time_series,
            load,
            coverage.caveats,
        )
    )
    verdict = decide_verdict(decomposition, cfr_compared, model, linkage)
    return AnalysisResult(
        scope=_scope(frames),
        coverage=coverage,
        adoption=adoption,
        growth=growth,
        churn=churn,
        reverts=reverts,
        incident_load=load,
        change_failure_rate=cfr,
        change_failure_comparisons=cfr_compared,
        incident_rates=rates,
        count_model=model,
        decomposition=decomposition,
        linkage=linkage,
        time_series=time_series,
        hotspots=rank_hotspots(frames.touches, shipped, frames.links),
        findings=findings,
        verdict=verdict,
        caveats=coverage.caveats,
        method_notes=method_notes(),
        series=series,
    )


def method_notes() -> dict[str, str]:
    """How each part is computed, from the modules' own documentation."""
    modules = {
        "adoption": "adoption",
        "growth": "growth",
        "churn": "churn",
        "reverts": "reverts",
        "incident_load": "incident_load",
        "change_failure_rate": "failure_rate",
        "count_model": "count_model",
        "decomposition": "decomposition",
        "linkage": "linkage",
        "time_series": "time_series",
        "multiple_testing": "holm",
        "hotspots": "hotspots",
        "evidence_ladder": "findings",
        "verdict": "verdict",
    }
    notes = {}
    for name, module in modules.items():
        text = importlib.import_module(f"analyzer.analysis.{module}").__doc__ or ""
        notes[name] = " ".join(text.split())
    return notes


def _holm(
    cfr: tuple[Comparison, ...],
    rates: tuple[Comparison, ...],
    reverts: tuple[Comparison, ...],
    model: CountModel,
    time_series: TimeSeriesEvidence,
) -> tuple[
    tuple[Comparison, ...],
    tuple[Comparison, ...],
    tuple[Comparison, ...],
    CountModel,
    TimeSeriesEvidence,
]:
    """Holm-correct the class comparisons (with the model's class terms) as one family and
    the time-series tests as another (see ``holm``)."""
    class_terms = [t for t in model.terms if t.term in CLASS_ORDER]
    controls = [t for t in model.terms if t.term not in CLASS_ORDER]
    comparisons = HolmFamily()
    for group in (cfr, rates, reverts):
        comparisons.add(group)
    comparisons.add(class_terms)
    series = HolmFamily()
    series.add(time_series.tests)
    return (
        comparisons.take(cfr),
        comparisons.take(rates),
        comparisons.take(reverts),
        dataclasses.replace(model, terms=(*comparisons.take(class_terms), *controls)),
        dataclasses.replace(time_series, tests=series.take(time_series.tests)),
    )


def _decompose(
    frames: Frames,
    shipped: pd.DataFrame,
    classes: Sequence[str],
    span: tuple[pd.Timestamp, pd.Timestamp] | None,
    adoption: dt.date | None,
    periods: tuple[Period, Period] | None,
    seed: int,
    replicates: int,
) -> Decomposition:
    if periods is None and span is not None:
        periods = default_periods(span[0].date(), span[1].date(), adoption)
    if periods is None:
        return empty_decomposition("no data to compare two periods")
    data = decomposition_input(shipped, frames.incidents, frames.inducing, periods, classes)
    if data.changes_a.sum() == 0 or data.changes_b.sum() == 0:
        return empty_decomposition("a period without changes cannot be decomposed", periods=periods)
    return decompose_incident_change(data, periods, replicates=replicates, seed=seed)


def empty_decomposition(why: str, *, periods: tuple[Period, Period] | None = None) -> Decomposition:
    """A decomposition with no figures, saying why."""
    nothing = Estimate(None)
    return Decomposition(
        period_a=periods[0] if periods else None,
        period_b=periods[1] if periods else None,
        incidents_a=0,
        incidents_b=0,
        incident_change=nothing,
        code_caused_change=nothing,
        volume_effect=nothing,
        mix_effect=nothing,
        rate_effect=nothing,
        unlinked_incidents=UnlinkedIncidents(0, 0, nothing),
        classes=(),
        separation={},
        method=f"not computed: {why}",
        replicates=0,
        seed=None,
    )


def _concurrent(shipped: pd.DataFrame, adoption: dt.date | None) -> pd.Series:
    """Changes after adoption, when enough human changes were made then; else all."""
    if adoption is None:
        return pd.Series(True, index=shipped.index)
    after = shipped["committed_at"] >= pd.Timestamp(adoption)
    humans_after = int((after & (shipped["authorship"] == REFERENCE_CLASS)).sum())
    if humans_after < MIN_CONCURRENT_REFERENCE:
        return pd.Series(True, index=shipped.index)
    return after


def _classes(shipped: pd.DataFrame, inducing: pd.DataFrame) -> tuple[str, ...]:
    present = set(shipped["authorship"]) | set(inducing["authorship"])
    known = [c for c in CLASS_ORDER if c in present]
    return (*known, *sorted(present - set(CLASS_ORDER)))


def _span(frames: Frames) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The range analysed: the dates asked for, else the data's own first and last day."""
    stamps = pd.concat([frames.commits["committed_at"], frames.incidents["created_at"]])
    stamps = stamps.dropna()
    if stamps.empty:
        return None  # nothing to chart or compare, whatever range was asked for
    start = frames.scope.start or stamps.min()
    end = frames.scope.end - pd.Timedelta(microseconds=1) if frames.scope.end else stamps.max()
    return pd.Timestamp(start), pd.Timestamp(end)


def _compared_periods(decomposition: Decomposition) -> tuple[Period, Period] | None:
    a, b = decomposition.period_a, decomposition.period_b
    return (a, b) if a is not None and b is not None else None


def _scope(frames: Frames) -> AnalysedScope:
    commits, incidents = frames.commits["committed_at"], frames.incidents["created_at"]
    return AnalysedScope(
        **dataclasses.asdict(frames.scope),
        repos=frames.repos,
        first_commit_at=commits.min().to_pydatetime() if len(commits) else None,
        last_commit_at=commits.max().to_pydatetime() if len(commits) else None,
        first_incident_at=incidents.min().to_pydatetime() if len(incidents) else None,
        last_incident_at=incidents.max().to_pydatetime() if len(incidents) else None,
    )


def _explicit_periods(
    period_a: tuple[DateLike, DateLike] | None, period_b: tuple[DateLike, DateLike] | None
) -> tuple[Period, Period] | None:
    if period_a is None and period_b is None:
        return None
    if period_a is None or period_b is None:
        raise AnalysisError("give both period_a and period_b, or neither")
    built = []
    for name, (start, end) in (("period_a", period_a), ("period_b", period_b)):
        first, last = parse_date(start, name), parse_date(end, name)
        if first is None or last is None or first >= last:
            raise AnalysisError(f"{name} must be (start, end) dates with start before end")
        built.append(Period(first, last, f"{first} to {last}"))
    return built[0], built[1]


def unknown_service_warning(db: Path | str | Store | None, service: str | None) -> str | None:
    """A warning when no incident in the store names ``service``: the scope is then
    empty of incidents, which is a valid analysis (of a service with none) or a typo."""
    if not service:
        return None
    store = open_store(db, read_only=True, missing="error")
    services = [r[0] for r in store.query(SERVICES_SQL)]
    if service in services:
        return None
    listed = some_names(services) if services else "none; no incident names a service"
    return f"no incident in the store is of service '{service}' (services: {listed})"


def _check_repo(store: Store, repo: str | None) -> None:
    """A repository asked for by name exists: a typo is an error, not an analysis of
    nothing."""
    if repo is None:
        return
    known = [r[0] for r in store.query("SELECT repo_id FROM repos ORDER BY repo_id")]
    if repo not in known:
        listed = some_names(known) if known else "none mined yet"
        raise AnalysisError(f"unknown repository '{repo}' (known: {listed})")

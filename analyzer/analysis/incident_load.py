"""On-call load: how many incidents, how severe, how long to resolve, how much effort.

Severity is weighted by ``severity_rank`` (1 = most severe, as the importers normalise
SEV1/P1/critical): weight ``2 ** (4 - rank)``, so SEV1 counts 8, SEV2 4, SEV3 2 and SEV4 or
lower 1; an unknown severity counts 1. Doubling per rank is a convention, stated so a
reader can redo the sum with their own weights from the weekly series.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analyzer.analysis.result import IncidentLoad


def severity_weight(rank: pd.Series) -> pd.Series:
    """Weight of each incident by severity rank (see module docstring)."""
    numeric = pd.to_numeric(rank, errors="coerce").astype(float)
    weights = np.power(2.0, 4.0 - numeric.clip(lower=1, upper=4))
    return pd.Series(weights, index=rank.index).fillna(1.0)


def incident_load(
    incidents: pd.DataFrame,
    adoption: dt.date | None,
    span: tuple[pd.Timestamp, pd.Timestamp] | None,
) -> IncidentLoad:
    """Totals over ``incidents`` and the weekly rate before and after ``adoption`` within
    ``span`` (the analysed range)."""
    hours = (incidents["resolved_at"] - incidents["created_at"]).dt.total_seconds() / 3600.0
    hours = hours[hours >= 0]
    effort = incidents["effort_minutes"].astype(float)
    off_hours = incidents["off_hours_minutes"].astype(float)
    both = effort.notna() & off_hours.notna() & (effort > 0)
    before, after = _weekly_rates(incidents["created_at"], adoption, span)
    severity = incidents["severity"].fillna("unknown").astype(str).value_counts()
    return IncidentLoad(
        incidents=len(incidents),
        code_caused=int(incidents["code_caused"].sum()),
        unlinked=int((~incidents["code_caused"]).sum()),
        severity_weighted=float(severity_weight(incidents["severity_rank"]).sum()),
        hours_to_resolve_median=float(hours.median()) if len(hours) else None,
        hours_to_resolve_total=float(hours.sum()) if len(hours) else None,
        effort_hours=float(effort.sum() / 60.0) if effort.notna().any() else None,
        off_hours_share=(float(off_hours[both].sum() / effort[both].sum()) if both.any() else None),
        per_week_before=before,
        per_week_after=after,
        by_severity={str(k): int(v) for k, v in severity.items()},
    )


def _weekly_rates(
    created: pd.Series,
    adoption: dt.date | None,
    span: tuple[pd.Timestamp, pd.Timestamp] | None,
) -> tuple[float | None, float | None]:
    if adoption is None or span is None:
        return None, None
    cut = pd.Timestamp(adoption)
    first, last = span
    rates: list[float | None] = []
    for part, start, end in (
        (created[created < cut], first, cut),
        (created[created >= cut], cut, last),
    ):
        weeks = (end - start).total_seconds() / (7 * 86400)
        rates.append(len(part) / weeks if weeks >= 1 else None)
    return rates[0], rates[1]

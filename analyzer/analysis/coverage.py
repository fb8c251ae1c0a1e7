"""What the data covers, what it is enough for, and the caveats that apply everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import xlogy

from analyzer.analysis.frames import UNATTRIBUTED, Frames, changes
from analyzer.analysis.result import Coverage
from analyzer.models import AI_CLASSES

MIN_WEEKS_FOR_TRENDS = 26
#: Incident records are taken to begin late (tracking started after the code did) when
#: the first comes this many mean gaps between incidents after the first change, and at
#: least :data:`LATE_RECORDS_MIN_DAYS` after it.
LATE_RECORDS_GAPS = 5
LATE_RECORDS_MIN_DAYS = 90
#: Incidents before the records' start are strays when fewer than this share of what the
#: records' own density would have given in that time.
STRAY_SHARE = 0.1
MIN_INCIDENTS = 10
MIN_CHANGES = 30
TEAM_GROWTH = 1.25
MERGE_SHARE = 0.05


def data_coverage(frames: Frames, adoption: dt.date | None, weeks: int) -> Coverage:
    """Counts, what each part of the analysis has enough data for, and global caveats."""
    shipped = changes(frames)
    incidents = frames.incidents
    by_class = {str(k): int(v) for k, v in shipped["authorship"].value_counts().items()}
    ai_commits = sum(by_class.get(c, 0) for c in AI_CLASSES)
    code_caused = int(incidents["code_caused"].sum())
    enough = {
        "growth": len(shipped) >= 2,
        "adoption": ai_commits > 0,
        "change_failure_rate": len(shipped) >= MIN_CHANGES and code_caused > 0,
        "decomposition": len(shipped) >= MIN_CHANGES and len(incidents) >= MIN_INCIDENTS,
        "time_series": weeks >= MIN_WEEKS_FOR_TRENDS,
        "churn": not frames.churn.empty,
    }
    return Coverage(
        commits=len(frames.commits),
        changes=len(shipped),
        authors=int(shipped["author"].nunique()),
        weeks=weeks,
        incidents=len(incidents),
        incidents_with_code_cause=code_caused,
        incidents_with_fix=int(incidents["has_fix"].sum()),
        commits_by_class=by_class,
        unattributed_commits=by_class.get(UNATTRIBUTED, 0),
        metrics_coverage=_metrics_coverage(frames.touches),
        churn_available=not frames.churn.empty,
        enough_for=enough,
        caveats=tuple(_caveats(frames, shipped, adoption, weeks, ai_commits)),
    )


def incident_records_start(shipped: pd.DataFrame, incidents: pd.DataFrame) -> pd.Timestamp | None:
    """The day incident records seem to begin, when that is well after the first change:
    before it, "no incident" means "not recorded", and a change from then can neither
    fail nor count as not failing. ``None`` when the records cover the changes.

    The start is where incidents become regular, read from their density rather than from
    the first one, so a stray early incident (one old ticket imported by hand) cannot hide
    it: the most likely change point of a Poisson process whose rate steps up once, at an
    incident. Records begin late there when the time since the first change is more than
    :data:`LATE_RECORDS_GAPS` mean gaps between the incidents from it on (and at least
    :data:`LATE_RECORDS_MIN_DAYS` days), and the incidents before it are fewer than
    :data:`STRAY_SHARE` of what that density would have given. With no incident before
    it, the start is the first incident, a conservative start (tracking may have begun a
    little earlier, with nothing to record).
    """
    if len(incidents) < 2 or shipped.empty:
        return None
    created = incidents["created_at"].sort_values().reset_index(drop=True)
    # each incident but the last is a candidate start: seconds since the first change,
    # incidents before it, seconds from it to the last incident
    lead = (created - shipped["committed_at"].min()).dt.total_seconds().to_numpy()[:-1]
    until_last = (created.iloc[-1] - created).dt.total_seconds().to_numpy()[:-1]
    strays = np.arange(len(lead), dtype=float)
    after = len(created) - strays
    positive = (lead > 0) & (until_last > 0)
    if not positive.any():
        return None
    # profile log-likelihood of a rate step at each candidate (constant terms dropped)
    with np.errstate(divide="ignore", invalid="ignore"):
        likelihood = xlogy(strays, strays / lead) + xlogy(after, after / until_last)
    best = int(np.argmax(np.where(positive, likelihood, -np.inf)))
    mean_gap = until_last[best] / (after[best] - 1)
    threshold = max(LATE_RECORDS_GAPS * mean_gap, LATE_RECORDS_MIN_DAYS * 86400.0)
    sparse = strays[best] <= STRAY_SHARE * lead[best] / mean_gap
    if lead[best] > threshold and sparse:
        return pd.Timestamp(created.iloc[best]).normalize()
    return None


def late_records_caveat(
    start: pd.Timestamp, shipped: pd.DataFrame, kept: int, *, configured: bool, strays: int = 0
) -> str:
    """What the start of the incident records changed, in words; ``strays``: incidents
    before the start, too few to mean the records began earlier."""
    where = (
        "where incidents become regular, after "
        + ("a stray earlier incident" if strays == 1 else f"{strays} stray earlier incidents")
        if strays
        else "the first incident"
    )
    how = (
        "(analysis.incident_records_start)"
        if configured
        else f"({where}; set analysis.incident_records_start if they began earlier)"
    )
    return (
        f"Incident records begin on {start.date()} {how}, after the first change "
        f"({shipped['committed_at'].min().date()}): change failure rates, incident rates, "
        "the count model, the decomposition and the time-series tests use only the "
        f"{kept:,} of {len(shipped):,} changes made since then."
    )


def _caveats(
    frames: Frames, shipped: pd.DataFrame, adoption: dt.date | None, weeks: int, ai: int
) -> list[str]:
    return [
        *_history_caveats(shipped, weeks),
        *_incident_caveats(frames.incidents),
        *_unlinked_repository_caveats(frames, shipped),
        *_attribution_caveats(shipped, ai),
        *_team_caveats(shipped, adoption),
    ]


def _history_caveats(shipped: pd.DataFrame, weeks: int) -> list[str]:
    if shipped.empty:
        return ["No commits in range: run `jevons mine REPO` or widen --from/--to."]
    if weeks < MIN_WEEKS_FOR_TRENDS:
        return [
            f"Only {weeks} week(s) of history: too short for trends or time-series tests "
            f"(they need {MIN_WEEKS_FOR_TRENDS})."
        ]
    return []


def _incident_caveats(incidents: pd.DataFrame) -> list[str]:
    if incidents.empty:
        return [
            "No incidents in range: no change failure rate, decomposition or incident "
            "findings; the revert rate is the failure signal. Import incidents with "
            "`jevons incidents import`."
        ]
    if len(incidents) < MIN_INCIDENTS:
        return [f"Only {len(incidents)} incident(s): intervals are wide."]
    if not incidents["code_caused"].any():
        return [
            "No incident is linked to an inducing commit (run `jevons link`, or the "
            "incidents have no code cause)."
        ]
    return []


def _unlinked_repository_caveats(frames: Frames, shipped: pd.DataFrame) -> list[str]:
    """Several repositories, and incidents linked to some but none to others: the others'
    changes all count as never failing, which is true only if their incidents are in the
    records."""
    linked = set(frames.links["repo_id"])
    if not linked or frames.incidents.empty:
        return []
    silent = sorted(set(shipped["repo_id"]) - linked)
    if not silent:
        return []
    changes = int(shipped["repo_id"].isin(silent).sum())
    return [
        f"No incident is linked to any commit of {some_names(silent, 5)}: their {changes:,} "
        "changes count as never failing. If their incidents are not among the records, "
        "analyse the other repositories alone (--repo)."
    ]


def some_names(names: Sequence[str], shown: int = 12) -> str:
    """Up to ``shown`` names, and how many more."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def _attribution_caveats(shipped: pd.DataFrame, ai: int) -> list[str]:
    if shipped.empty:
        return []
    notes = []
    if ai == 0:
        notes.append(
            "No AI-attributed commits: there is no AI class to compare (run `jevons "
            "attribute`, or check the attribution rules)."
        )
    notes.append(
        "AI use that leaves no marker in the commit is counted as human, so the human "
        "share is an upper bound and human rates may include some AI-written changes."
    )
    merges = shipped[
        shipped["is_merge"] & (shipped["history_mode"] != "full") & ~shipped["change_labelled"]
    ]
    if len(merges) >= MERGE_SHARE * len(shipped):
        notes.append(
            f"{len(merges)} merge commits ({len(merges) / len(shipped):.0%} of changes) carry "
            "their branches' work but are classed by the merge message alone (their branches "
            "were not read), so AI work merged by a person counts as human; run `jevons "
            "attribute` to class each merge by the commits it brings in."
        )
    unattributed = int((shipped["authorship"] == UNATTRIBUTED).sum())
    if unattributed:
        notes.append(f"{unattributed} commit(s) have no authorship label (attribution not run).")
    return notes


def _team_caveats(shipped: pd.DataFrame, adoption: dt.date | None) -> list[str]:
    growth = team_growth(shipped, adoption)
    if growth is None or growth[1] < TEAM_GROWTH * growth[0]:
        return []
    return [
        f"The team grew from {growth[0]:.1f} to {growth[1]:.1f} active authors a month "
        "around adoption: more people shipping is a confounder of any trend over time."
    ]


def team_growth(shipped: pd.DataFrame, adoption: dt.date | None) -> tuple[float, float] | None:
    """Mean distinct authors per month before and after ``adoption`` (or the halves)."""
    if shipped.empty:
        return None
    month = shipped["committed_at"].dt.to_period("M")
    authors = shipped.groupby(month)["author"].nunique()
    if len(authors) < 4:
        return None
    if adoption is not None:
        cut = pd.Period(adoption, freq="M")
        before, after = authors[authors.index < cut], authors[authors.index >= cut]
    else:
        half = len(authors) // 2
        before, after = authors.iloc[:half], authors.iloc[half:]
    if before.empty or after.empty:
        return None
    return float(before.mean()), float(after.mean())


def _metrics_coverage(touches: pd.DataFrame) -> float | None:
    alive = touches[touches["change_type"] != "D"]
    if alive.empty:
        return None
    return float(alive["ccn_total"].notna().mean())

"""Synthetic stores with known rates, for tests and benchmarks of the analysis.

A :class:`SyntheticSpec` says how many changes ship each week before and after an
adoption week, how the AI share ramps up, each class's incidents per change before and
after, and how many incidents with no code cause arrive each week. :func:`build_store`
writes a complete store from it (commits with revert messages, file changes, blob and
function metrics, churn, incidents and their links) in a few bulk inserts, so a store of
100,000 commits takes seconds. The truth is known, so a test can check the analysis finds
it; nothing here is used by the analysis itself.

The spec can also tell the stories built to mislead a verdict (the calibration benchmark,
``benchmarks/bench_calibration.py``): a team that grows at adoption with newcomers who use
AI more and fail more (``authors_after``, ``newcomer_ai_share``, ``newcomer_rate_factor``);
incidents that arrive long after their change (``lag_mean_days``); incidents linked to
their cause less often before adoption than after (``linked_share_before``/``_after``);
incident records that begin late, with a few stray incidents before (``records_start_week``,
``stray_incidents``); and a yearly season in volume and failure rates
(``seasonal_amplitude``). Each is off by default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from analyzer.models import AI_CLASSES, Authorship
from analyzer.store import Store, open_store

#: The classes a synthetic change can have (every class attribution gives).
CLASSES = tuple(c for c in Authorship if c.precedence is not None)


@dataclasses.dataclass(frozen=True)
class SyntheticSpec:
    """The known truth of a synthetic store (rates are incidents per change)."""

    weeks: int = 104
    adoption_week: int = 52
    commits_per_week_before: float = 20.0
    commits_per_week_after: float = 20.0
    ai_share_after: float = 0.5
    ai_share_before: float = 0.0
    ramp_weeks: int = 8
    automation_share: float = 0.05
    rate_before: Mapping[str, float] = dataclasses.field(
        default_factory=lambda: {c: 0.05 for c in CLASSES}
    )
    rate_after: Mapping[str, float] = dataclasses.field(
        default_factory=lambda: {c: 0.05 for c in CLASSES}
    )
    unlinked_per_week_before: float = 0.5
    unlinked_per_week_after: float = 0.5
    revert_share: float = 0.02
    authors: int = 8
    files: int = 300
    functions_per_blob: int = 4
    start: dt.date = dt.date(2023, 1, 2)
    seed: int = 7
    #: The team grows to this many authors at adoption (``None``: ``authors`` throughout).
    authors_after: int | None = None
    #: The AI share of the newcomers' changes once ramped up (default ``ai_share_after``).
    newcomer_ai_share: float | None = None
    #: Newcomers' changes fail this many times as often as the class rate, AI or not.
    newcomer_rate_factor: float = 1.0
    #: Mean days from an inducing change to its incident (exponential, plus an hour).
    lag_mean_days: float = 5.0
    #: The share of code-caused incidents linked to their change, by incident date.
    linked_share_before: float = 1.0
    linked_share_after: float = 1.0
    #: Incidents before this week were never recorded, except ``stray_incidents`` of them.
    records_start_week: int = 0
    stray_incidents: int = 0
    #: Volume, failure rates and incidents with no code cause swing by this fraction over a
    #: 52-week season, rising through the adoption week.
    seasonal_amplitude: float = 0.0


def build_store(path: Path, spec: SyntheticSpec) -> Store:
    """Write a new store at ``path`` holding the data ``spec`` describes."""
    rng = np.random.default_rng(spec.seed)
    commits = _commits(spec, rng)
    changes, blobs, functions = _file_changes(spec, commits, rng)
    incidents, links = _incidents(spec, commits, rng)
    churn = _churn(commits, rng)
    store = open_store(path, read_only=False, missing="create")
    with store.transaction() as conn:
        tables = {
            "repos": pd.DataFrame(
                {
                    "repo_id": ["synthetic"],
                    "name": ["synthetic"],
                    "path": ["/synthetic"],
                    "history_mode": ["first-parent"],
                    "commit_count": [len(commits)],
                }
            ),
            "commits": commits.drop(columns=["week", "newcomer"]),
            "file_changes": changes,
            "blob_metrics": blobs,
            "function_metrics": functions,
            "incidents": incidents,
            "incident_links": links,
            "commit_churn": churn,
        }
        for name, frame in tables.items():
            conn.register("incoming", frame)
            columns = ", ".join(frame.columns)
            conn.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM incoming")
            conn.unregister("incoming")
    return store


def _hex(rng: np.random.Generator, n: int) -> list[str]:
    return [
        f"{a:016x}{b:016x}{c:08x}"
        for a, b, c in zip(
            rng.integers(0, 2**63, n),
            rng.integers(0, 2**63, n),
            rng.integers(0, 2**31, n),
            strict=True,
        )
    ]


def ai_share(spec: SyntheticSpec, week: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """The AI share of non-automation changes in each week: a linear ramp after adoption."""
    ramp = np.clip((week - spec.adoption_week + 1) / max(spec.ramp_weeks, 1), 0.0, 1.0)
    after = spec.ai_share_before + (spec.ai_share_after - spec.ai_share_before) * ramp
    return np.where(week >= spec.adoption_week, after, spec.ai_share_before)


def season(spec: SyntheticSpec, week: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """The seasonal factor of each week: 1 without a season."""
    phase = 2 * np.pi * (week - spec.adoption_week) / 52.0
    return np.asarray(1.0 + spec.seasonal_amplitude * np.sin(phase), dtype=float)


def _commits(spec: SyntheticSpec, rng: np.random.Generator) -> pd.DataFrame:
    weeks = np.arange(spec.weeks)
    per_week = np.where(
        weeks < spec.adoption_week, spec.commits_per_week_before, spec.commits_per_week_after
    ) * season(spec, weeks)
    counts = rng.poisson(per_week)
    week = np.repeat(weeks, counts)
    n = len(week)
    start = pd.Timestamp(spec.start)
    seconds = rng.uniform(0, 7 * 86400, n)
    committed = start + pd.to_timedelta(week * 7 * 86400 + seconds, unit="s")
    order = np.argsort(committed.to_numpy())
    week, committed = week[order], committed[order]
    share = ai_share(spec, week)
    draw = rng.uniform(size=n)
    authorship = np.where(
        draw < spec.automation_share,
        Authorship.AUTOMATION.value,
        np.where(
            rng.uniform(size=n) < share,
            np.where(
                rng.uniform(size=n) < 0.5,
                Authorship.AI_ASSISTED.value,
                Authorship.AI_AUTHORED.value,
            ),
            Authorship.HUMAN.value,
        ),
    )
    lines_added = rng.lognormal(3.5, 1.0, n).astype(int) + 1
    lines_deleted = (lines_added * rng.uniform(0, 0.6, n)).astype(int)
    shas = _hex(rng, n)
    subjects = [f"change {i}" for i in range(n)]
    messages = _revert_messages(spec, shas, subjects, rng)
    author = rng.integers(0, spec.authors, n)
    newcomer = np.zeros(n, dtype=bool)
    if spec.authors_after is not None:
        authorship, author, newcomer = _growing_team(spec, week, authorship, rng)
    return pd.DataFrame(
        {
            "repo_id": "synthetic",
            "sha": shas,
            "parents": [[] for _ in range(n)],
            "is_merge": False,
            "author_name": [f"dev{a}" for a in author],
            "author_email": [f"dev{a}@example.com" for a in author],
            "authored_at": committed,
            "committer_name": "ci",
            "committer_email": "ci@example.com",
            "committed_at": committed,
            "message": messages,
            "lines_added": lines_added,
            "lines_deleted": lines_deleted,
            "files_changed": rng.integers(1, 4, n),
            "authorship": authorship,
            "change_authorship": authorship,
            "history_seq": np.arange(n),
            "week": week,
            "newcomer": newcomer,
        }
    )


def _growing_team(
    spec: SyntheticSpec,
    week: npt.NDArray[np.int64],
    authorship: npt.NDArray[np.str_],
    rng: np.random.Generator,
) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Authors for a team that grows at adoption: each change after it is by any of
    ``authors_after`` people, the newcomers using AI at ``newcomer_ai_share``."""
    after = week >= spec.adoption_week
    total = np.where(after, spec.authors_after or spec.authors, spec.authors)
    author = np.floor(rng.uniform(size=len(week)) * total).astype(np.int64)
    newcomer = author >= spec.authors
    target = spec.ai_share_after if spec.newcomer_ai_share is None else spec.newcomer_ai_share
    newcomer_spec = dataclasses.replace(spec, ai_share_after=target)
    share = np.where(newcomer, ai_share(newcomer_spec, week), ai_share(spec, week))
    automation = authorship == "automation"
    ai = rng.uniform(size=len(week)) < share
    kind = np.where(rng.uniform(size=len(week)) < 0.5, "ai_assisted", "ai_authored")
    labels = np.where(automation, "automation", np.where(ai, kind, "human"))
    return labels, author, newcomer


def _revert_messages(
    spec: SyntheticSpec, shas: list[str], subjects: list[str], rng: np.random.Generator
) -> list[str]:
    """Each commit's message; a share of commits revert an earlier one, git's way."""
    messages = list(subjects)
    for index in np.flatnonzero(rng.uniform(size=len(shas)) < spec.revert_share):
        i = int(index)
        if i < 5:
            continue
        target = int(rng.integers(max(0, i - 20), i))
        messages[i] = f'Revert "{subjects[target]}"\n\nThis reverts commit {shas[target]}.\n'
    return messages


def _file_changes(
    spec: SyntheticSpec, commits: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    touched = commits["files_changed"].to_numpy()
    commit_index = np.repeat(np.arange(len(commits)), touched)
    n = len(commit_index)
    paths = np.minimum(rng.zipf(1.3, n), spec.files) - 1
    frame = pd.DataFrame({"row": commit_index, "file": paths}).drop_duplicates(["row", "file"])
    frame = frame.sort_values(["row"]).reset_index(drop=True)
    m = len(frame)
    new_blob = np.array(_hex(rng, m), dtype=object)
    frame["new_blob"] = new_blob
    frame["old_blob"] = frame.groupby("file")["new_blob"].shift(1)
    first = frame["old_blob"].isna()
    share = commits["lines_added"].to_numpy()[frame["row"]] / touched[frame["row"]]
    nloc_step = rng.normal(share * 0.6, 5.0)
    frame["nloc"] = np.maximum(frame.assign(s=nloc_step).groupby("file")["s"].cumsum(), 5)
    frame["nloc"] = frame["nloc"].astype(int) + 20
    frame["ccn_total"] = (frame["nloc"] / rng.uniform(6, 12, m)).astype(int) + 1
    changes = pd.DataFrame(
        {
            "repo_id": "synthetic",
            "sha": commits["sha"].to_numpy()[frame["row"]],
            "path": [f"src/module_{f}.py" for f in frame["file"]],
            "change_type": np.where(first, "A", "M"),
            "lines_added": np.maximum(share.astype(int), 1),
            "lines_deleted": (share * 0.3).astype(int),
            "is_binary": False,
            "old_blob": frame["old_blob"],
            "new_blob": frame["new_blob"],
            "language": "Python",
            "excluded": False,
        }
    )
    blobs = pd.DataFrame(
        {
            "blob_sha": frame["new_blob"],
            "language": "Python",
            "loc": frame["nloc"] + 10,
            "nloc": frame["nloc"],
            "function_count": spec.functions_per_blob,
            "ccn_total": frame["ccn_total"],
            "ccn_max": frame["ccn_total"],
        }
    )
    k = spec.functions_per_blob
    weights = rng.dirichlet(np.ones(k), m)
    ccn = np.maximum((weights * frame["ccn_total"].to_numpy()[:, None]).round(), 1).astype(int)
    functions = pd.DataFrame(
        {
            "blob_sha": np.repeat(frame["new_blob"].to_numpy(), k),
            "name": np.tile([f"f{i}" for i in range(k)], m),
            "start_line": np.tile(np.arange(k) * 10 + 1, m),
            "nloc": 10,
            "ccn": ccn.ravel(),
        }
    )
    return changes, blobs, functions


def _incidents(
    spec: SyntheticSpec, commits: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    after = commits["week"].to_numpy() >= spec.adoption_week
    rates = np.where(
        after,
        commits["authorship"].map(spec.rate_after).to_numpy(float),
        commits["authorship"].map(spec.rate_before).to_numpy(float),
    )
    week = commits["week"].to_numpy()
    rates = rates * season(spec, week) * np.where(commits["newcomer"], spec.newcomer_rate_factor, 1)
    induced = rng.poisson(rates)
    cause = np.repeat(np.arange(len(commits)), induced)
    lag = pd.to_timedelta(rng.exponential(spec.lag_mean_days * 86400, len(cause)) + 3600, unit="s")
    created_code = commits["committed_at"].to_numpy()[cause] + lag.to_numpy()
    weeks = np.arange(spec.weeks)
    unlinked_rate = np.where(
        weeks < spec.adoption_week, spec.unlinked_per_week_before, spec.unlinked_per_week_after
    ) * season(spec, weeks)
    unlinked_week = np.repeat(weeks, rng.poisson(unlinked_rate))
    created_unlinked = pd.Timestamp(spec.start) + pd.to_timedelta(
        unlinked_week * 7 * 86400 + rng.uniform(0, 7 * 86400, len(unlinked_week)), unit="s"
    )
    created = np.concatenate([created_code, created_unlinked.to_numpy()])
    n = len(created)
    ids = [f"INC-{i + 1}" for i in range(n)]
    rank = rng.integers(1, 5, n)
    duration = rng.exponential(3 * 3600, n) + 600
    incidents = pd.DataFrame(
        {
            "incident_id": ids,
            "source": "synthetic",
            "title": [f"incident {i}" for i in ids],
            "severity": [f"SEV{r}" for r in rank],
            "severity_rank": rank,
            "service": "api",
            "created_at": created,
            "resolved_at": created + pd.to_timedelta(duration, unit="s").to_numpy(),
            "effort_minutes": duration / 60 * 1.5,
            "off_hours_minutes": duration / 60 * rng.uniform(0, 1, n),
        }
    )
    links = pd.DataFrame(
        {
            "incident_id": ids[: len(cause)],
            "repo_id": "synthetic",
            "sha": commits["sha"].to_numpy()[cause],
            "role": "inducing",
            "method": "szz",
            "confidence": 0.8,
            "evidence": "synthetic",
        }
    )
    links = _missed_links(spec, links, pd.Series(created_code), rng)
    return _records_begin(spec, incidents, links, rng)


def _missed_links(
    spec: SyntheticSpec, links: pd.DataFrame, created: pd.Series, rng: np.random.Generator
) -> pd.DataFrame:
    """Drop the links the linking would miss: each code-caused incident is linked with
    the probability its date's period gives (before or after adoption)."""
    if spec.linked_share_before == 1.0 and spec.linked_share_after == 1.0:
        return links
    adoption = pd.Timestamp(spec.start) + pd.Timedelta(weeks=spec.adoption_week)
    share = np.where(
        created.to_numpy() < adoption.to_datetime64(),
        spec.linked_share_before,
        spec.linked_share_after,
    )
    return links[rng.uniform(size=len(links)) < share].reset_index(drop=True)


def _records_begin(
    spec: SyntheticSpec, incidents: pd.DataFrame, links: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forget the incidents from before the records begin, but ``stray_incidents`` of them
    from the first half of that time (one incident recorded early does not make the
    records complete)."""
    if spec.records_start_week <= 0:
        return incidents, links
    start = pd.Timestamp(spec.start)
    created = incidents["created_at"].to_numpy()
    begin = start + pd.Timedelta(weeks=spec.records_start_week)
    early = np.flatnonzero(created < begin.to_datetime64())
    first_half = start + pd.Timedelta(weeks=spec.records_start_week / 2)
    pool = np.flatnonzero(created < first_half.to_datetime64())
    strays = rng.choice(pool, size=min(spec.stray_incidents, len(pool)), replace=False)
    dropped = incidents["incident_id"].to_numpy()[np.setdiff1d(early, strays)]
    kept = incidents[~incidents["incident_id"].isin(dropped)].reset_index(drop=True)
    return kept, links[~links["incident_id"].isin(dropped)].reset_index(drop=True)


def _churn(commits: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    ai = commits["authorship"].isin(AI_CLASSES).to_numpy()
    added = commits["lines_added"].to_numpy()
    r14 = rng.binomial(added, np.where(ai, 0.15, 0.10))
    return pd.DataFrame(
        {
            "repo_id": "synthetic",
            "sha": commits["sha"],
            "lines_added": added,
            "rewritten_14d": r14,
            "rewritten_28d": r14 + rng.binomial(added - r14, 0.05),
            "surviving_at_head": (added * 0.7).astype(int),
        }
    )

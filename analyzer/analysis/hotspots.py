"""Hotspots: files changed often that are also complex (Tornhill's change frequency x
complexity), with the AI share of their changes and the incidents linked to those changes.

A file's complexity is the total CCN of its latest version in the range; files deleted by
their last change are left out. Incidents are counted through the commits that touched the
file: an incident whose inducing (or fix) commit changed the file counts for it. A renamed
file starts a new history under its new path.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analyzer.analysis.result import Hotspot
from analyzer.models import AI_CLASSES

TOP = 25


def rank_hotspots(
    touches: pd.DataFrame, changes: pd.DataFrame, links: pd.DataFrame, *, top: int = TOP
) -> tuple[Hotspot, ...]:
    """The ``top`` files by changes x CCN (ties: more lines changed first)."""
    keys = ["repo_id", "sha"]
    frame = touches.merge(changes[[*keys, "authorship", "author", "committed_at"]], on=keys)
    if frame.empty:
        return ()
    frame["ai"] = frame["authorship"].isin(AI_CLASSES)
    latest = frame.sort_values("committed_at").groupby(["repo_id", "path"]).tail(1)
    alive = latest[latest["change_type"] != "D"].set_index(["repo_id", "path"])
    grouped = frame.groupby(["repo_id", "path"])
    table = pd.DataFrame(
        {
            "changes": grouped["sha"].nunique(),
            "lines_changed": grouped["lines_changed"].sum(),
            "authors": grouped["author"].nunique(),
            "ai_share": grouped["ai"].mean(),
        }
    ).join(alive[["ccn_total", "nloc"]], how="inner")
    table["score"] = table["changes"] * table["ccn_total"].fillna(0)
    table = table[table["score"] > 0]
    table = table.sort_values(["score", "lines_changed"], ascending=False).head(top)
    incidents = _incidents_per_file(frame, links, table.index)
    return tuple(
        Hotspot(
            repo_id=str(row["repo_id"]),
            path=str(row["path"]),
            changes=int(row["changes"]),
            lines_changed=int(row["lines_changed"]),
            ccn_total=_int(row["ccn_total"]),
            nloc=_int(row["nloc"]),
            score=float(row["score"]),
            ai_share=float(row["ai_share"]),
            authors=int(row["authors"]),
            inducing_incidents=incidents.get((row["repo_id"], row["path"], "inducing"), 0),
            fix_incidents=incidents.get((row["repo_id"], row["path"], "fix"), 0),
        )
        for row in table.reset_index().to_dict(orient="records")
    )


def _incidents_per_file(
    frame: pd.DataFrame, links: pd.DataFrame, files: pd.Index
) -> dict[tuple[str, str, str], int]:
    chosen = frame.set_index(["repo_id", "path"]).loc[files].reset_index()
    joined = chosen[["repo_id", "path", "sha"]].merge(
        links[["incident_id", "repo_id", "sha", "role"]], on=["repo_id", "sha"]
    )
    counts = joined.groupby(["repo_id", "path", "role"])["incident_id"].nunique().reset_index()
    return {
        (str(row["repo_id"]), str(row["path"]), str(row["role"])): int(row["incident_id"])
        for row in counts.to_dict(orient="records")
    }


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)

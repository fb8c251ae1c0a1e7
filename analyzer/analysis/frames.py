"""Load the frames the analysis works on from the store, in a few SQL queries.

Everything after this module is a pure function of these frames. Commits are dated by
``committed_at`` (when the change landed on the branch mined); incidents by
``created_at``. Complexity alive at any time comes from the blobs each path held, so the
per-commit complexity deltas are computed here, in SQL, over the whole history of the
repositories in scope (levels before ``date_from`` still count).
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd

from analyzer.models import Authorship
from analyzer.scope import Scope
from analyzer.store import Store

#: Commits without an authorship label (attribution not run, or no rule matched).
UNATTRIBUTED = Authorship.UNATTRIBUTED
#: Classes in the order tables and charts show them; the reference class comes first.
CLASS_ORDER: tuple[str, ...] = tuple(Authorship)
REFERENCE_CLASS = Authorship.HUMAN
#: How far back a touched file's churn counts as "prior churn" for the count model.
PRIOR_CHURN_DAYS = 90


@dataclasses.dataclass(frozen=True, eq=False)
class Frames:
    """The store's contents in scope, one DataFrame each.

    ``commits``: one row per commit in scope, with ``authorship`` (never null: the class of
    the change, i.e. of the work the commit brings in; for a merge mined with first-parent
    history that is the class of its branch commits, see
    :mod:`analyzer.attribution.changes`), ``commit_authorship`` (who made the commit itself),
    ``change_labelled`` (false for a first-parent merge whose branch was not read yet),
    ``is_change``
    (counts as a change: merges do not when their branch commits were mined too),
    ``lines_changed``, the complexity deltas recomputed from blobs (``nloc_d``, ``ccn_d``,
    ``f10_d``, ``f20_d``), the touched files' ``prior_churn`` and ``prior_ccn``, and
    ``incidents_induced`` (distinct incidents it is an inducing commit of).
    ``history``: the same deltas for every commit of the repositories in scope, before the
    range too, for complexity levels. ``incidents``: incidents in scope with ``code_caused``
    and ``has_fix``. ``inducing``: inducing links of those incidents with the inducing
    commit's class and ``weight`` (1 / the incident's inducing commits). ``inducing_all``:
    every inducing link to a commit in scope, whatever the incident's date. ``touches``:
    the files each commit in scope changed (not excluded ones), with the new blob's CCN and
    NLOC. ``links``: every link (any role) to a commit in scope.
    """

    scope: Scope
    repos: tuple[str, ...]
    commits: pd.DataFrame
    history: pd.DataFrame
    incidents: pd.DataFrame
    inducing: pd.DataFrame
    inducing_all: pd.DataFrame
    churn: pd.DataFrame
    touches: pd.DataFrame
    links: pd.DataFrame


# Every query binds the scope by name ($repo, $start, $end, $prefix, $service); a limit
# left as NULL keeps everything. The same rule is one fragment wherever it appears.
_REPO_FILTER = "(CAST($repo AS VARCHAR) IS NULL OR c.repo_id = $repo)"
_RANGE_FILTER = """(CAST($start AS TIMESTAMP) IS NULL OR c.committed_at >= $start)
  AND (CAST($end AS TIMESTAMP) IS NULL OR c.committed_at < $end)"""


def _under_prefix(path: str) -> str:
    """``path`` is under the prefix; ``starts_with`` matches it literally (no wildcards)."""
    return f"(CAST($prefix AS VARCHAR) IS NULL OR starts_with({path}, $prefix))"


def _changed_under_prefix(change: str) -> str:
    """A file change touches the prefix by its path or, for a rename, its old path."""
    return f"(starts_with({change}.path, $prefix) OR starts_with({change}.old_path, $prefix))"


# A commit is in scope when it is in the repository and changed a file under the prefix.
_COMMIT_SCOPE = f"""{_REPO_FILTER} AND (CAST($prefix AS VARCHAR) IS NULL OR EXISTS (
    SELECT 1 FROM file_changes pc WHERE pc.repo_id = c.repo_id AND pc.sha = c.sha
      AND {_changed_under_prefix("pc")}))"""


def _of_service(incident_id: str) -> str:
    """The incident ``incident_id`` names is of the service chosen."""
    return f"""(CAST($service AS VARCHAR) IS NULL OR {incident_id} IN (
        SELECT incident_id FROM incidents WHERE service = $service))"""


# The class of a change is the class of the work it brings in (change_authorship); a
# store whose first-parent merges are not labelled yet falls back to the commit's own.
_CHANGE_CLASS = f"coalesce(c.change_authorship, c.authorship, '{UNATTRIBUTED}')"
_CHANGE_TOOL = "CASE WHEN c.change_authorship IS NULL THEN c.ai_tool ELSE c.change_ai_tool END"

_COMPLEXITY_SQL = f"""
WITH fn AS (
    SELECT blob_sha,
           count(*) FILTER (WHERE ccn > 10) AS f10,
           count(*) FILTER (WHERE ccn > 20) AS f20
    FROM function_metrics GROUP BY blob_sha
),
events AS (
    SELECT fc.repo_id, fc.sha, fc.path, c.committed_at, c.history_seq,
           CASE WHEN fc.change_type = 'D' THEN NULL ELSE fc.new_blob END AS blob
    FROM file_changes fc JOIN commits c USING (repo_id, sha)
    WHERE NOT coalesce(fc.excluded, false) AND {_REPO_FILTER} AND {_under_prefix("fc.path")}
    UNION ALL
    -- a rename also empties the old path
    SELECT fc.repo_id, fc.sha, fc.old_path, c.committed_at, c.history_seq, NULL
    FROM file_changes fc JOIN commits c USING (repo_id, sha)
    WHERE fc.change_type = 'R' AND fc.old_path IS NOT NULL AND fc.old_path <> fc.path
      AND NOT coalesce(fc.excluded, false) AND {_REPO_FILTER}
      AND {_under_prefix("fc.old_path")}
),
measured AS (
    SELECT e.*, coalesce(bm.nloc, 0) AS nloc, coalesce(bm.ccn_total, 0) AS ccn,
           coalesce(fn.f10, 0) AS f10, coalesce(fn.f20, 0) AS f20
    FROM events e
    LEFT JOIN blob_metrics bm ON bm.blob_sha = e.blob
    LEFT JOIN fn ON fn.blob_sha = e.blob
),
deltas AS (
    SELECT repo_id, sha,
           nloc - coalesce(lag(nloc) OVER w, 0) AS nloc_d,
           ccn - coalesce(lag(ccn) OVER w, 0) AS ccn_d,
           f10 - coalesce(lag(f10) OVER w, 0) AS f10_d,
           f20 - coalesce(lag(f20) OVER w, 0) AS f20_d
    FROM measured
    WINDOW w AS (PARTITION BY repo_id, path ORDER BY committed_at, history_seq, sha)
)
SELECT c.repo_id, c.sha, c.committed_at,
       coalesce(sum(d.nloc_d), 0)::BIGINT AS nloc_d, coalesce(sum(d.ccn_d), 0)::BIGINT AS ccn_d,
       coalesce(sum(d.f10_d), 0)::BIGINT AS f10_d, coalesce(sum(d.f20_d), 0)::BIGINT AS f20_d
FROM commits c LEFT JOIN deltas d USING (repo_id, sha)
WHERE {_COMMIT_SCOPE}
GROUP BY ALL
ORDER BY c.committed_at
"""

# Under a path prefix a commit's lines and files are those of its changes under it (none
# without a prefix: starts_with(x, NULL) is NULL), so the commit's own totals stand.
_COMMITS_SQL = f"""
WITH prior AS (
    SELECT fc.repo_id, fc.sha,
           coalesce(sum(fc.lines_added + fc.lines_deleted) OVER (
               PARTITION BY fc.repo_id, fc.path ORDER BY epoch(c.committed_at)
               RANGE BETWEEN {PRIOR_CHURN_DAYS * 86400} PRECEDING AND 1 PRECEDING), 0)
               AS prior_churn,
           coalesce(bm.ccn_total, 0) AS prior_ccn
    FROM file_changes fc JOIN commits c USING (repo_id, sha)
    LEFT JOIN blob_metrics bm ON bm.blob_sha = fc.old_blob
    WHERE NOT coalesce(fc.excluded, false) AND {_REPO_FILTER} AND {_under_prefix("fc.path")}
),
prior_by_commit AS (
    SELECT repo_id, sha, sum(prior_churn) AS prior_churn, sum(prior_ccn) AS prior_ccn
    FROM prior GROUP BY ALL
),
under_prefix AS (
    SELECT fc.repo_id, fc.sha, coalesce(sum(fc.lines_added), 0)::BIGINT AS lines_added,
           coalesce(sum(fc.lines_deleted), 0)::BIGINT AS lines_deleted,
           count(*) AS files_changed
    FROM file_changes fc WHERE {_changed_under_prefix("fc")}
    GROUP BY ALL
),
induced AS (
    SELECT l.repo_id, l.sha, count(DISTINCT l.incident_id) AS incidents_induced
    FROM incident_links l WHERE l.role = 'inducing' AND {_of_service("l.incident_id")}
    GROUP BY ALL
)
SELECT c.repo_id, c.sha, c.committed_at, c.authored_at,
       lower(coalesce(c.author_email, c.author_name, '')) AS author,
       {_CHANGE_CLASS} AS authorship, {_CHANGE_TOOL} AS ai_tool,
       coalesce(c.authorship, '{UNATTRIBUTED}') AS commit_authorship,
       c.change_authorship IS NOT NULL AS change_labelled,
       coalesce(c.is_merge, false) AS is_merge,
       coalesce(u.lines_added, c.lines_added, 0) AS lines_added,
       coalesce(u.lines_deleted, c.lines_deleted, 0) AS lines_deleted,
       coalesce(u.files_changed, c.files_changed, 0) AS files_changed,
       c.reverted_by, coalesce(r.history_mode, 'first-parent') AS history_mode,
       coalesce(p.prior_churn, 0)::DOUBLE AS prior_churn,
       coalesce(p.prior_ccn, 0)::DOUBLE AS prior_ccn,
       coalesce(i.incidents_induced, 0)::BIGINT AS incidents_induced
FROM commits c
LEFT JOIN repos r USING (repo_id)
LEFT JOIN prior_by_commit p USING (repo_id, sha)
LEFT JOIN under_prefix u USING (repo_id, sha)
LEFT JOIN induced i USING (repo_id, sha)
WHERE {_COMMIT_SCOPE} AND {_RANGE_FILTER}
ORDER BY c.committed_at
"""

#: The incidents in scope (bind with :func:`scope_parameters`), the one rule
#: the analysis and the dashboard's incident list share: an incident belongs to the scope
#: when linked to a commit in scope (the repository's, under the prefix); an incident linked
#: to no commit at all belongs to every view; with a service chosen, only its incidents.
INCIDENTS_SQL = f"""
WITH links AS (
    SELECT l.incident_id, l.role, {_COMMIT_SCOPE} AS in_scope FROM incident_links l
    JOIN commits c ON c.repo_id = l.repo_id AND c.sha = l.sha
)
SELECT i.incident_id, i.created_at, i.resolved_at, i.severity, i.severity_rank, i.service,
       i.effort_minutes, i.off_hours_minutes,
       EXISTS (SELECT 1 FROM links l WHERE l.incident_id = i.incident_id
               AND l.role = 'inducing' AND l.in_scope) AS code_caused,
       EXISTS (SELECT 1 FROM links l WHERE l.incident_id = i.incident_id AND l.role = 'fix'
               AND l.in_scope) AS has_fix
FROM incidents i
WHERE (CAST($start AS TIMESTAMP) IS NULL OR i.created_at >= $start)
  AND (CAST($end AS TIMESTAMP) IS NULL OR i.created_at < $end)
  AND {_of_service("i.incident_id")}
  AND (EXISTS (SELECT 1 FROM links l WHERE l.incident_id = i.incident_id AND l.in_scope)
       OR NOT EXISTS (SELECT 1 FROM links l WHERE l.incident_id = i.incident_id))
ORDER BY i.created_at
"""

_INDUCING_SQL = f"""
SELECT l.incident_id, l.repo_id, l.sha, l.method, l.confidence,
       {_CHANGE_CLASS} AS authorship, c.committed_at
FROM incident_links l JOIN commits c ON c.repo_id = l.repo_id AND c.sha = l.sha
WHERE l.role = 'inducing' AND {_COMMIT_SCOPE} AND {_of_service("l.incident_id")}
"""

# commit_churn is per commit: under a path prefix it is the whole commit's churn, for the
# commits in scope.
_CHURN_SQL = f"""
SELECT ch.repo_id, ch.sha, coalesce(ch.lines_added, 0) AS lines_added,
       ch.rewritten_14d, ch.rewritten_28d
FROM commit_churn ch JOIN commits c USING (repo_id, sha)
WHERE {_COMMIT_SCOPE} AND {_RANGE_FILTER}
"""


_TOUCHES_SQL = f"""
SELECT fc.repo_id, fc.sha, fc.path, fc.change_type,
       coalesce(fc.lines_added, 0) + coalesce(fc.lines_deleted, 0) AS lines_changed,
       bm.ccn_total, bm.nloc
FROM file_changes fc JOIN commits c USING (repo_id, sha)
LEFT JOIN blob_metrics bm ON bm.blob_sha = fc.new_blob
WHERE NOT coalesce(fc.excluded, false) AND {_REPO_FILTER} AND {_under_prefix("fc.path")}
  AND {_RANGE_FILTER}
"""

_LINKS_SQL = f"""
SELECT l.incident_id, l.repo_id, l.sha, l.role, l.method, l.confidence
FROM incident_links l JOIN commits c ON c.repo_id = l.repo_id AND c.sha = l.sha
WHERE {_COMMIT_SCOPE} AND {_of_service("l.incident_id")}
"""

_REPOS_SQL = f"SELECT repo_id FROM repos c WHERE {_REPO_FILTER} ORDER BY repo_id"

#: The services incidents in the store name, in order.
SERVICES_SQL = "SELECT DISTINCT service FROM incidents WHERE service IS NOT NULL ORDER BY 1"


def read_frames(store: Store, scope: Scope) -> Frames:
    """Read everything in ``scope`` from ``store`` (one connection, read only)."""
    with store.connect() as conn:

        def read(sql: str) -> pd.DataFrame:
            return conn.execute(sql, scope_parameters(sql, scope)).df()

        repos = tuple(str(r) for r in read(_REPOS_SQL)["repo_id"])
        history = read(_COMPLEXITY_SQL)
        commits = read(_COMMITS_SQL)
        incidents = read(INCIDENTS_SQL)
        inducing = read(_INDUCING_SQL)
        churn = read(_CHURN_SQL)
        touches = read(_TOUCHES_SQL)
        links = read(_LINKS_SQL)
    return assemble_frames(
        scope, repos, commits, history, incidents, inducing, churn, touches, links
    )


def scope_parameters(sql: str, scope: Scope) -> dict[str, object]:
    """The scope's values for the ``$name`` parameters ``sql`` uses (DuckDB refuses
    parameters a statement does not name)."""
    values: dict[str, object] = {
        "repo": scope.repo,
        "start": scope.start,
        "end": scope.end,
        "prefix": scope.path_prefix,
        "service": scope.service,
    }
    used = set(re.findall(r"\$(\w+)", sql))
    return {name: value for name, value in values.items() if name in used}


def assemble_frames(
    scope: Scope,
    repos: tuple[str, ...],
    commits: pd.DataFrame,
    history: pd.DataFrame,
    incidents: pd.DataFrame,
    inducing: pd.DataFrame,
    churn: pd.DataFrame,
    touches: pd.DataFrame,
    links: pd.DataFrame,
) -> Frames:
    """Derive the columns every later step relies on from the raw query results."""
    commits = commits.merge(
        history[["repo_id", "sha", "nloc_d", "ccn_d", "f10_d", "f20_d"]],
        on=["repo_id", "sha"],
        how="left",
    )
    for column in ("nloc_d", "ccn_d", "f10_d", "f20_d"):
        commits[column] = commits[column].fillna(0).astype("int64")
    commits["lines_changed"] = commits["lines_added"] + commits["lines_deleted"]
    # In full history the branch commits are mined too, so a merge's diff repeats them.
    commits["is_change"] = ~(commits["is_merge"] & (commits["history_mode"] == "full"))
    incidents = incidents.copy()
    incidents["code_caused"] = incidents["code_caused"].astype(bool)
    incidents["has_fix"] = incidents["has_fix"].astype(bool)
    in_scope = commits[["repo_id", "sha"]]
    inducing_all = inducing.merge(in_scope, on=["repo_id", "sha"], how="inner")
    inducing = inducing[inducing["incident_id"].isin(incidents["incident_id"])].copy()
    per_incident = inducing.groupby("incident_id")["sha"].transform("count")
    inducing["weight"] = 1.0 / per_incident.astype(float)
    return Frames(
        scope=scope,
        repos=repos,
        commits=commits.reset_index(drop=True),
        history=history,
        incidents=incidents.reset_index(drop=True),
        inducing=inducing.reset_index(drop=True),
        inducing_all=inducing_all.reset_index(drop=True),
        churn=churn,
        touches=touches,
        links=links,
    )


def changes(frames: Frames) -> pd.DataFrame:
    """The commits that count as changes (see ``Frames``)."""
    return frames.commits[frames.commits["is_change"]]

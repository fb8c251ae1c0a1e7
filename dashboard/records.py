"""The store's rows that pages list as they are: incidents with the commits they were
linked to and why, and one file's history of changes with its complexity after each.

Plain reads, no figures: the figures come from :func:`analyzer.analysis.analyze`. Each
function takes a :class:`~analyzer.store.Store` (read-only) and opens one connection for
its batch of queries.
"""

from __future__ import annotations

import pandas as pd

from analyzer.analysis.frames import INCIDENTS_SQL, scope_parameters
from analyzer.scope import Scope
from analyzer.store import Store

#: The most incidents one listing shows (newest first); the rest are counted, not listed.
MAX_LISTED_INCIDENTS = 2000

# The analysis' own scope rule picks the incidents, so the list holds the incidents the
# figures count.
_INCIDENTS_SQL = f"""
WITH scoped AS ({INCIDENTS_SQL}),
links AS (
    SELECT l.incident_id, l.role FROM incident_links l
    JOIN commits c ON c.repo_id = l.repo_id AND c.sha = l.sha
)
SELECT i.incident_id, coalesce(i.reference, i.incident_id) AS reference, i.title,
       i.severity, i.service, i.created_at, i.resolved_at, i.effort_minutes,
       (SELECT count(*) FROM links l WHERE l.incident_id = i.incident_id
            AND l.role = 'fix') AS fix_links,
       (SELECT count(*) FROM links l WHERE l.incident_id = i.incident_id
            AND l.role = 'inducing') AS inducing_links
FROM incidents i SEMI JOIN scoped USING (incident_id)
ORDER BY i.created_at DESC, i.incident_id
LIMIT $limit
"""

_LINKS_SQL = """
SELECT l.role, l.method, l.confidence, l.evidence, l.repo_id, l.sha,
       c.committed_at, c.author_name,
       coalesce(c.change_authorship, c.authorship) AS authorship,  -- the change's class
       split_part(coalesce(c.message, ''), chr(10), 1) AS subject,
       c.lines_added, c.lines_deleted
FROM incident_links l
LEFT JOIN commits c ON c.repo_id = l.repo_id AND c.sha = l.sha
WHERE l.incident_id = ?
ORDER BY CASE l.role WHEN 'fix' THEN 0 WHEN 'inducing' THEN 1 ELSE 2 END,
         l.confidence DESC NULLS LAST, c.committed_at
"""

_NOTES_SQL = """
SELECT kind, repo_id, sha, detail FROM link_notes WHERE incident_id = ? ORDER BY kind, sha
"""

#: The most points a file's trend draws; a busier file shows the last change of each day,
#: then of each week, so a file with 20,000 changes still draws in a moment.
MAX_TREND_POINTS = 1000

_FILE_HISTORY_SQL = """
WITH changes AS (
    SELECT c.committed_at, c.history_seq, fc.sha, fc.change_type, fc.path, fc.old_path,
           fc.lines_added, fc.lines_deleted, c.author_name,
           coalesce(c.change_authorship, c.authorship) AS authorship,  -- the change's class
           bm.ccn_total, bm.nloc, bm.ccn_max, bm.function_count
    FROM file_changes fc
    JOIN commits c USING (repo_id, sha)
    LEFT JOIN blob_metrics bm ON bm.blob_sha = fc.new_blob
    WHERE fc.repo_id = ? AND (fc.path = ? OR fc.old_path = ?)
      AND (CAST(? AS TIMESTAMP) IS NULL OR c.committed_at < ?)
)
SELECT * EXCLUDE (history_seq) FROM changes
QUALIFY CAST(? AS VARCHAR) IS NULL
     OR row_number() OVER (PARTITION BY date_trunc(?, committed_at)
                           ORDER BY committed_at DESC, history_seq DESC) = 1
ORDER BY committed_at, history_seq
"""

_FILE_CHANGES_SQL = """
SELECT count(*), count(DISTINCT date_trunc('day', c.committed_at))
FROM file_changes fc JOIN commits c USING (repo_id, sha)
WHERE fc.repo_id = ? AND (fc.path = ? OR fc.old_path = ?)
  AND (CAST(? AS TIMESTAMP) IS NULL OR c.committed_at < ?)
"""


def incident_table(store: Store, scope: Scope) -> pd.DataFrame:
    """The incidents in scope, newest first, with how many fix and inducing commits each
    was linked to (at most :data:`MAX_LISTED_INCIDENTS`)."""
    params = scope_parameters(_INCIDENTS_SQL, scope) | {"limit": MAX_LISTED_INCIDENTS}
    with store.connect() as conn:
        return conn.execute(_INCIDENTS_SQL, params).df()


def incident_links(store: Store, incident_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The commits an incident was linked to (role, method, confidence, the evidence) and
    the notes on links that could not be made (why SZZ found nothing to blame, say)."""
    with store.connect() as conn:
        links = conn.execute(_LINKS_SQL, [incident_id]).df()
        notes = conn.execute(_NOTES_SQL, [incident_id]).df()
    return links, notes


def file_history(
    store: Store, repo_id: str, path: str, scope: Scope
) -> tuple[pd.DataFrame, str | None]:
    """One file's changes up to the end of the range, with its complexity after each (a
    deletion has none), and the bucket (``day``, ``week``) it was thinned to, if any: a
    file with more than :data:`MAX_TREND_POINTS` changes keeps the last change of each."""
    where = [repo_id, path, path, scope.end, scope.end]
    with store.connect() as conn:
        row = conn.execute(_FILE_CHANGES_SQL, where).fetchone()
        changes, days = (int(row[0]), int(row[1])) if row else (0, 0)
        bucket = None
        if changes > MAX_TREND_POINTS:
            bucket = "day" if days <= MAX_TREND_POINTS else "week"
        history = conn.execute(_FILE_HISTORY_SQL, [*where, bucket, bucket or "day"]).df()
    return history, bucket

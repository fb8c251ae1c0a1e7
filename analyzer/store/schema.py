"""The store's schema: a public SQL contract.

Analysts query these tables with plain SQL and the project's own checks do too, so table
and column names only ever grow. Timestamps are UTC (``TIMESTAMP`` without a zone);
``*_tz_minutes`` keep the original offset east of UTC where local time matters (off-hours
work). ``SCHEMA_VERSION`` is recorded in ``meta``; ``MIGRATIONS`` bring older files forward.
"""

from __future__ import annotations

SCHEMA_VERSION = 3

TABLES: dict[str, str] = {
    "meta": """
        CREATE TABLE IF NOT EXISTS meta (
            key   VARCHAR PRIMARY KEY,
            value VARCHAR
        )""",
    "repos": """
        CREATE TABLE IF NOT EXISTS repos (
            repo_id        VARCHAR PRIMARY KEY,
            name           VARCHAR NOT NULL,
            path           VARCHAR NOT NULL,
            origin_url     VARCHAR,
            default_branch VARCHAR,
            head_sha       VARCHAR,
            history_mode   VARCHAR,
            is_shallow     BOOLEAN DEFAULT false,
            is_bare        BOOLEAN DEFAULT false,
            commit_count   INTEGER,
            mined_at       TIMESTAMP,
            mine_seconds   DOUBLE
        )""",
    "commits": """
        CREATE TABLE IF NOT EXISTS commits (
            repo_id              VARCHAR NOT NULL,
            sha                  VARCHAR NOT NULL,
            parents              VARCHAR[],
            is_merge             BOOLEAN,
            author_name          VARCHAR,
            author_email         VARCHAR,
            authored_at          TIMESTAMP,
            author_tz_minutes    SMALLINT,
            committer_name       VARCHAR,
            committer_email      VARCHAR,
            committed_at         TIMESTAMP,
            committer_tz_minutes SMALLINT,
            message              VARCHAR,
            lines_added          INTEGER,
            lines_deleted        INTEGER,
            files_changed        INTEGER,
            binary_files         INTEGER,
            ccn_delta            BIGINT,
            nloc_delta           BIGINT,
            authorship           VARCHAR,
            ai_tool              VARCHAR,
            attribution_evidence VARCHAR,
            attribution_strength VARCHAR,
            weak_evidence        VARCHAR,
            reverted_by          VARCHAR,
            history_seq          INTEGER,
            change_authorship    VARCHAR,
            change_ai_tool       VARCHAR,
            merged_commits       INTEGER,
            merged_ai_commits    INTEGER,
            PRIMARY KEY (repo_id, sha)
        )""",
    "file_changes": """
        CREATE TABLE IF NOT EXISTS file_changes (
            repo_id       VARCHAR NOT NULL,
            sha           VARCHAR NOT NULL,
            path          VARCHAR NOT NULL,
            old_path      VARCHAR,
            change_type   VARCHAR,
            lines_added   INTEGER,
            lines_deleted INTEGER,
            is_binary     BOOLEAN,
            old_blob      VARCHAR,
            new_blob      VARCHAR,
            language      VARCHAR,
            excluded      BOOLEAN,
            PRIMARY KEY (repo_id, sha, path)
        )""",
    "blob_metrics": """
        CREATE TABLE IF NOT EXISTS blob_metrics (
            blob_sha              VARCHAR PRIMARY KEY,
            language              VARCHAR,
            size_bytes            BIGINT,
            loc                   INTEGER,
            nloc                  INTEGER,
            comment_lines         INTEGER,
            function_count        INTEGER,
            ccn_total             INTEGER,
            ccn_max               INTEGER,
            token_count           INTEGER,
            maintainability_index DOUBLE,
            halstead_volume       DOUBLE,
            error                 VARCHAR,
            metric_set            VARCHAR
        )""",
    "function_metrics": """
        CREATE TABLE IF NOT EXISTS function_metrics (
            blob_sha        VARCHAR NOT NULL,
            name            VARCHAR NOT NULL,
            start_line      INTEGER NOT NULL,
            long_name       VARCHAR,
            end_line        INTEGER,
            nloc            INTEGER,
            ccn             INTEGER,
            parameter_count INTEGER,
            token_count     INTEGER
        )""",
    "incidents": """
        CREATE TABLE IF NOT EXISTS incidents (
            incident_id       VARCHAR PRIMARY KEY,
            source            VARCHAR NOT NULL,
            title             VARCHAR,
            description       VARCHAR,
            severity          VARCHAR,
            severity_rank     INTEGER,
            status            VARCHAR,
            service           VARCHAR,
            created_at        TIMESTAMP NOT NULL,
            acknowledged_at   TIMESTAMP,
            resolved_at       TIMESTAMP,
            url               VARCHAR,
            effort_minutes    DOUBLE,
            off_hours_minutes DOUBLE,
            fix_commits       VARCHAR[],
            cause_commits     VARCHAR[],
            source_file       VARCHAR,
            raw               JSON,
            reference         VARCHAR,
            interruptions     INTEGER,
            off_hours_interruptions INTEGER
        )""",
    "incident_links": """
        CREATE TABLE IF NOT EXISTS incident_links (
            incident_id VARCHAR NOT NULL,
            repo_id     VARCHAR NOT NULL,
            sha         VARCHAR NOT NULL,
            role        VARCHAR NOT NULL,
            method      VARCHAR NOT NULL,
            confidence  DOUBLE,
            evidence    VARCHAR,
            PRIMARY KEY (incident_id, repo_id, sha, role)
        )""",
    "commit_churn": """
        CREATE TABLE IF NOT EXISTS commit_churn (
            repo_id          VARCHAR NOT NULL,
            sha              VARCHAR NOT NULL,
            lines_added      INTEGER,
            rewritten_14d    INTEGER,
            rewritten_28d    INTEGER,
            surviving_at_head INTEGER,
            PRIMARY KEY (repo_id, sha)
        )""",
    # Why `jevons link` linked an incident less than it could: a fix SZZ had nothing to
    # blame for (it only adds lines), a commit reference that is ambiguous or unknown, an
    # incident with no fix at all. Replaced with incident_links on every run.
    "link_notes": """
        CREATE TABLE IF NOT EXISTS link_notes (
            incident_id VARCHAR NOT NULL,
            repo_id     VARCHAR,
            sha         VARCHAR,
            kind        VARCHAR NOT NULL,
            detail      VARCHAR
        )""",
    # AI usage telemetry (`jevons usage import`): one row per source, tool, day and person
    # or team (both NULL: the whole organisation). A count the source lacks is NULL, not 0.
    "ai_usage": """
        CREATE TABLE IF NOT EXISTS ai_usage (
            source         VARCHAR NOT NULL,
            tool           VARCHAR NOT NULL,
            day            DATE NOT NULL,
            person         VARCHAR,
            team           VARCHAR,
            lines_accepted BIGINT,
            lines_suggested BIGINT,
            suggestions    BIGINT,
            acceptances    BIGINT,
            sessions       BIGINT,
            active_users   BIGINT,
            source_file    VARCHAR
        )""",
}

INDEXES: tuple[str, ...] = (
    "CREATE INDEX IF NOT EXISTS function_metrics_blob ON function_metrics (blob_sha)",
)

#: ``MIGRATIONS[n]`` holds the statements that bring a version-``n`` store to ``n + 1``.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    # 1 -> 2: incidents keep the reference people cite (INC-123, OPS-42, #1234) and
    # PagerDuty's interruption counts (on-call load where no minutes are recorded).
    1: (
        "ALTER TABLE incidents ADD COLUMN IF NOT EXISTS reference VARCHAR",
        "ALTER TABLE incidents ADD COLUMN IF NOT EXISTS interruptions INTEGER",
        "ALTER TABLE incidents ADD COLUMN IF NOT EXISTS off_hours_interruptions INTEGER",
    ),
    # 2 -> 3: the class of the work a commit brings in (a first-parent merge carries its
    # branch's work, see analyzer/attribution/changes.py). Known at once for non-merges
    # and for merges in full history; first-parent merges get theirs from the next
    # `jevons mine` or `jevons attribute` (merged_commits stays NULL until then).
    2: (
        "ALTER TABLE commits ADD COLUMN IF NOT EXISTS change_authorship VARCHAR",
        "ALTER TABLE commits ADD COLUMN IF NOT EXISTS change_ai_tool VARCHAR",
        "ALTER TABLE commits ADD COLUMN IF NOT EXISTS merged_commits INTEGER",
        "ALTER TABLE commits ADD COLUMN IF NOT EXISTS merged_ai_commits INTEGER",
        "UPDATE commits SET change_authorship = authorship, change_ai_tool = ai_tool "
        "WHERE change_authorship IS NULL AND (NOT coalesce(is_merge, false) OR repo_id IN "
        "(SELECT repo_id FROM repos WHERE history_mode = 'full'))",
    ),
}

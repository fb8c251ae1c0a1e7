"""The miner's rows as Arrow tables, typed exactly like the store's columns.

DuckDB inserts a registered Arrow table in one statement (``INSERT ... BY NAME SELECT``),
which is what makes batch writes cheap; building the tables column by column here keeps
row-by-row work out of the database entirely.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import pyarrow as pa

from analyzer.models import Attribution, BlobMetrics, Commit

COMMITS_SCHEMA = pa.schema(
    [
        ("repo_id", pa.string()),
        ("sha", pa.string()),
        ("parents", pa.list_(pa.string())),
        ("is_merge", pa.bool_()),
        ("author_name", pa.string()),
        ("author_email", pa.string()),
        ("authored_at", pa.timestamp("us")),
        ("author_tz_minutes", pa.int16()),
        ("committer_name", pa.string()),
        ("committer_email", pa.string()),
        ("committed_at", pa.timestamp("us")),
        ("committer_tz_minutes", pa.int16()),
        ("message", pa.string()),
        ("lines_added", pa.int32()),
        ("lines_deleted", pa.int32()),
        ("files_changed", pa.int32()),
        ("binary_files", pa.int32()),
        ("ccn_delta", pa.int64()),
        ("nloc_delta", pa.int64()),
        ("authorship", pa.string()),
        ("ai_tool", pa.string()),
        ("attribution_evidence", pa.string()),
        ("attribution_strength", pa.string()),
        ("weak_evidence", pa.string()),
        ("history_seq", pa.int32()),
        ("change_authorship", pa.string()),
        ("change_ai_tool", pa.string()),
    ]
)

FILE_CHANGES_SCHEMA = pa.schema(
    [
        ("repo_id", pa.string()),
        ("sha", pa.string()),
        ("path", pa.string()),
        ("old_path", pa.string()),
        ("change_type", pa.string()),
        ("lines_added", pa.int32()),
        ("lines_deleted", pa.int32()),
        ("is_binary", pa.bool_()),
        ("old_blob", pa.string()),
        ("new_blob", pa.string()),
        ("language", pa.string()),
        ("excluded", pa.bool_()),
    ]
)

BLOB_METRICS_SCHEMA = pa.schema(
    [
        ("blob_sha", pa.string()),
        ("language", pa.string()),
        ("size_bytes", pa.int64()),
        ("loc", pa.int32()),
        ("nloc", pa.int32()),
        ("comment_lines", pa.int32()),
        ("function_count", pa.int32()),
        ("ccn_total", pa.int32()),
        ("ccn_max", pa.int32()),
        ("token_count", pa.int32()),
        ("maintainability_index", pa.float64()),
        ("halstead_volume", pa.float64()),
        ("error", pa.string()),
        ("metric_set", pa.string()),
    ]
)

FUNCTION_METRICS_SCHEMA = pa.schema(
    [
        ("blob_sha", pa.string()),
        ("name", pa.string()),
        ("start_line", pa.int32()),
        ("long_name", pa.string()),
        ("end_line", pa.int32()),
        ("nloc", pa.int32()),
        ("ccn", pa.int32()),
        ("parameter_count", pa.int32()),
        ("token_count", pa.int32()),
    ]
)


@dataclasses.dataclass(frozen=True)
class MinedCommit:
    """A commit with what mining adds to it: its place in history, its complexity deltas
    and its attribution (``None`` until attribution runs)."""

    commit: Commit
    history_seq: int
    ccn_delta: int
    nloc_delta: int
    attribution: Attribution | None


def commits_table(repo_id: str, mined: Sequence[MinedCommit]) -> pa.Table:
    """One ``commits`` row per mined commit."""
    columns: dict[str, list[object]] = {name: [] for name in COMMITS_SCHEMA.names}
    for item in mined:
        for name, value in _commit_row(repo_id, item).items():
            columns[name].append(value)
    return pa.Table.from_pydict(columns, schema=COMMITS_SCHEMA)


def _commit_row(repo_id: str, item: MinedCommit) -> dict[str, object]:
    commit, label = item.commit, item.attribution
    return {
        "repo_id": repo_id,
        "sha": commit.sha,
        "parents": list(commit.parents),
        "is_merge": commit.is_merge,
        "author_name": commit.author_name,
        "author_email": commit.author_email,
        "authored_at": _naive_utc(commit.authored_at),
        "author_tz_minutes": commit.author_tz_minutes,
        "committer_name": commit.committer_name,
        "committer_email": commit.committer_email,
        "committed_at": _naive_utc(commit.committed_at),
        "committer_tz_minutes": commit.committer_tz_minutes,
        "message": commit.message,
        "lines_added": commit.lines_added,
        "lines_deleted": commit.lines_deleted,
        "files_changed": len(commit.changes),
        "binary_files": sum(1 for c in commit.changes if c.is_binary),
        "ccn_delta": item.ccn_delta,
        "nloc_delta": item.nloc_delta,
        "authorship": label.authorship if label else None,
        "ai_tool": label.ai_tool if label else None,
        "attribution_evidence": label.evidence if label else None,
        "attribution_strength": label.strength if label else None,
        "weak_evidence": label.weak_evidence if label else None,
        "history_seq": item.history_seq,
        # a merge's change class is set once the run has read the graph (NULL until
        # then: a first-parent merge's is its branch's, analyzer/attribution/merge_labels.py)
        "change_authorship": label.authorship if label and not commit.is_merge else None,
        "change_ai_tool": label.ai_tool if label and not commit.is_merge else None,
    }


def file_changes_table(repo_id: str, mined: Sequence[MinedCommit]) -> pa.Table:
    """One ``file_changes`` row per path changed by each mined commit."""
    columns: dict[str, list[object]] = {name: [] for name in FILE_CHANGES_SCHEMA.names}
    for item in mined:
        for change in item.commit.changes:
            columns["repo_id"].append(repo_id)
            columns["sha"].append(item.commit.sha)
            columns["path"].append(change.path)
            columns["old_path"].append(change.old_path)
            columns["change_type"].append(change.change_type)
            columns["lines_added"].append(change.lines_added)
            columns["lines_deleted"].append(change.lines_deleted)
            columns["is_binary"].append(change.is_binary)
            columns["old_blob"].append(change.old_blob)
            columns["new_blob"].append(change.new_blob)
            columns["language"].append(change.language)
            columns["excluded"].append(change.excluded)
    return pa.Table.from_pydict(columns, schema=FILE_CHANGES_SCHEMA)


def blob_metrics_table(blobs: Sequence[BlobMetrics]) -> pa.Table:
    """One ``blob_metrics`` row per measured blob."""
    columns = {name: [getattr(blob, name) for blob in blobs] for name in BLOB_METRICS_SCHEMA.names}
    return pa.Table.from_pydict(columns, schema=BLOB_METRICS_SCHEMA)


def function_metrics_table(blobs: Sequence[BlobMetrics]) -> pa.Table:
    """One ``function_metrics`` row per function lizard found in the blobs."""
    columns: dict[str, list[object]] = {name: [] for name in FUNCTION_METRICS_SCHEMA.names}
    fields = FUNCTION_METRICS_SCHEMA.names[1:]
    for blob in blobs:
        for function in blob.functions:
            columns["blob_sha"].append(blob.blob_sha)
            for name in fields:
                columns[name].append(getattr(function, name))
    return pa.Table.from_pydict(columns, schema=FUNCTION_METRICS_SCHEMA)


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    """The store's timestamps are UTC without a zone."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)

"""Errors a user can act on.

Every message says what was wrong, where (file, row or record, field, commit) and, where it
helps, what to do. The command line turns these into a one-line error and a non-zero exit;
library code never prints or exits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analyzer.mining.summary import RepositoryFailure, RepositorySummary


class JevonsError(Exception):
    """Base of every error Jevons raises on purpose."""

    exit_code = 2


class ConfigError(JevonsError):
    """A configuration file or option is invalid."""


class RuleError(ConfigError):
    """An attribution rule (built in or user supplied) is invalid."""


class RepositoryError(JevonsError):
    """A repository cannot be read."""


class NotARepositoryError(RepositoryError):
    """The path given is not a git repository."""


class EmptyRepositoryError(RepositoryError):
    """The repository has no commits."""


class GitCommandError(RepositoryError):
    """A git command failed."""


class MiningError(JevonsError):
    """A mining run cannot go on (a metric worker died, the repository changed under it)."""


class RepositoriesFailedError(MiningError):
    """Some repositories of a run could not be mined; the others were.

    ``summaries`` are the repositories mined, ``failures`` the others, each with its reason.
    """

    exit_code = 1

    def __init__(
        self, summaries: Sequence[RepositorySummary], failures: Sequence[RepositoryFailure]
    ) -> None:
        self.summaries = tuple(summaries)
        self.failures = tuple(failures)
        total = len(self.summaries) + len(self.failures)
        lines = [f"{len(self.failures)} of {total} repositories could not be mined:"]
        lines += [f"  {failure.line()}" for failure in self.failures]
        super().__init__("\n".join(lines))


class StoreError(JevonsError):
    """The store cannot be opened, read or written."""


class StoreVersionError(StoreError):
    """The store was written by a newer Jevons, or its schema is unknown."""


class StoreLockedError(StoreError):
    """Another Jevons process is writing to the store."""


class RecordImportError(JevonsError):
    """A file of records cannot be imported.

    ``path``, ``record`` (row number or JSON index) and ``field`` say where, when known;
    ``reason`` is the problem alone.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        record: str | int | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = message
        self.path = path
        self.record = record
        self.field = field
        where = ", ".join(
            part
            for part in (
                path,
                f"record {record}" if record is not None else None,
                f"field '{field}'" if field is not None else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class IncidentImportError(RecordImportError):
    """An incident file cannot be imported."""


class UsageImportError(RecordImportError):
    """An AI usage telemetry file cannot be imported."""


class LinkingError(JevonsError):
    """Incidents cannot be linked to commits (bad pattern, bad ownership file)."""


class AnalysisError(JevonsError):
    """The analysis cannot run on the data given (bad date range, unknown repository)."""


class ReportError(JevonsError):
    """A report cannot be written."""


class NotBuiltYetError(JevonsError):
    """A part of Jevons that does not exist yet was asked for."""


#: What compiling a user's regular expression raises when it is bad: ``re.error``, and
#: ``OverflowError`` for a repeat count the engine cannot hold (``a{4300000000}``).
BAD_REGEX_ERRORS: tuple[type[Exception], ...] = (re.error, OverflowError)

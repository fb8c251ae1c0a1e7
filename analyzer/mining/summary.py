"""What a run did for one repository: returned by the library, printed by the CLI."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class RepositorySummary:
    """One repository's run.

    ``commits`` is the size of the mined history; ``commits_mined`` how many this run read
    (0 when the store was up to date); ``commits_removed`` rows dropped because history
    was rewritten; ``blobs_measured`` blobs analysed by this run (never one already in
    the store), ``blob_errors`` how many of them carry an error.
    """

    repo_id: str
    path: str
    history: str
    head_sha: str
    commits: int
    commits_mined: int
    commits_removed: int
    blobs_measured: int
    blob_errors: int
    seconds: float
    is_shallow: bool = False
    is_bare: bool = False
    warnings: tuple[str, ...] = ()

    def line(self) -> str:
        """A one-line account for the terminal."""
        parts = [
            f"{self.repo_id}: {self.commits:,} commits ({self.history})",
            f"{self.commits_mined:,} mined",
        ]
        if self.commits_removed:
            parts.append(f"{self.commits_removed:,} dropped (history rewritten)")
        blobs = f"{self.blobs_measured:,} blobs measured"
        if self.blob_errors:
            blobs += f" ({self.blob_errors:,} with errors)"
        parts.append(blobs)
        if self.is_shallow:
            parts.append("shallow clone")
        return ", ".join(parts) + f" in {self.seconds:.1f}s, HEAD {self.head_sha[:12]}"


@dataclasses.dataclass(frozen=True)
class RepositoryFailure:
    """A repository a run could not mine: as the user named it, and why."""

    source: str
    reason: str

    def line(self) -> str:
        """``source: reason``, the source once if the reason already starts with it."""
        if self.reason.startswith(f"{self.source}: "):
            return self.reason
        return f"{self.source}: {self.reason}"

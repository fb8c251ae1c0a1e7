"""What an import did, file by file: the format chosen, what was written, skipped, left out."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

#: Skipped records kept in full (all are counted): a file of nothing but bad records must not
#: hold them all in memory.
MAX_SKIPPED_DETAILS = 1000


@dataclasses.dataclass(frozen=True)
class SkippedRecord:
    """A record left out by ``skip_invalid``: where it is and what was wrong."""

    path: str
    record: str | int
    field: str | None
    reason: str

    def __str__(self) -> str:
        field = f", field '{self.field}'" if self.field else ""
        return f"{self.path}, record {self.record}{field}: {self.reason}"


@dataclasses.dataclass(frozen=True)
class FileImport:
    """One file's import. ``new + changed + unchanged`` records were valid incidents (an id
    repeated within the file counts each time); ``filtered`` counts, by reason, records that
    are deliberately not incidents (a GitHub issue without the incident label)."""

    path: str
    format: str | None
    shape: str | None
    detected: bool
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped_count: int = 0
    skipped: tuple[SkippedRecord, ...] = ()
    filtered: Mapping[str, int] = dataclasses.field(default_factory=dict)
    unmapped_severities: tuple[str, ...] = ()

    @property
    def imported(self) -> int:
        return self.new + self.changed + self.unchanged

    @property
    def line(self) -> str:
        """One line for people: what was read as what, and what changed."""
        if self.format is None:
            return f"{self.path}: no incident records"
        how = "detected" if self.detected else "as asked"
        parts = [
            f"{self.imported} incident{'' if self.imported == 1 else 's'}",
            f"{self.new} new",
            f"{self.changed} changed",
            f"{self.unchanged} unchanged",
        ]
        if self.skipped_count:
            parts.append(f"{self.skipped_count} invalid skipped")
        for reason, count in sorted(self.filtered.items()):
            parts.append(f"{count} left out ({reason})")
        return f"{self.path}: read as {self.shape} ({how}): {', '.join(parts)}"


@dataclasses.dataclass(frozen=True)
class ImportSummary:
    """Every file's import, in the order given."""

    files: tuple[FileImport, ...]

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def changed(self) -> int:
        return sum(f.changed for f in self.files)

    @property
    def unchanged(self) -> int:
        return sum(f.unchanged for f in self.files)

    @property
    def skipped_count(self) -> int:
        return sum(f.skipped_count for f in self.files)

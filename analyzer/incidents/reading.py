"""An incident file opened for streaming: JSON or CSV, told apart by its first character.

A :class:`RecordFile` offers the names to recognise the format by (the first JSON record's
keys, or the CSV header) and then every record, in order, each with its location. A CSV
record's location is the line it starts on, counting the header as line 1; a row whose cells
outnumber the header's columns carries a problem instead of silently losing cells.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analyzer.errors import IncidentImportError
from analyzer.incidents.json_stream import (
    JsonShape,
    RawRecord,
    read_json_shape,
    stream_json_records,
)
from analyzer.incidents.record import Columns

_SNIFF_BYTES = 1 << 16
_BOM = b"\xef\xbb\xbf"


@dataclasses.dataclass(frozen=True)
class RecordFile:
    """One file's kind (``json`` or ``csv``), the names to detect its format by, and, for
    CSV, its columns by loose title (shared by every row's view)."""

    path: Path
    kind: str
    names: tuple[str, ...]
    has_records: bool
    columns: Columns | None = None
    json_shape: JsonShape | None = None
    header: tuple[str, ...] = ()

    @property
    def described(self) -> str:
        return "the CSV header's columns" if self.kind == "csv" else "the first record's keys"

    def records(self) -> Iterator[RawRecord]:
        if self.json_shape is not None:
            return stream_json_records(self.path, self.json_shape)
        return _csv_rows(self.path, self.header)


def open_record_file(path: Path) -> RecordFile:
    """Open ``path`` for reading records; an absent, empty or unreadable file is refused."""
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "not found"
        raise IncidentImportError(f"file {what}", path=str(path))
    if _first_character(path) in (b"[", b"{"):
        shape = read_json_shape(path)
        first = shape.first
        names = tuple(first) if isinstance(first, dict) else ()
        return RecordFile(path, "json", names, first is not None, json_shape=shape)
    header = _csv_header(path)
    return RecordFile(path, "csv", header, True, columns=Columns(header), header=header)


def _first_character(path: Path) -> bytes:
    with path.open("rb") as handle:
        start = handle.read(len(_BOM))
        if start != _BOM:
            handle.seek(0)
        while chunk := handle.read(_SNIFF_BYTES):
            stripped = chunk.lstrip()
            if stripped:
                return stripped[:1]
    raise IncidentImportError("the file is empty", path=str(path))


def _csv_header(path: Path) -> tuple[str, ...]:
    with _open_text(path) as handle:
        try:
            row = next(csv.reader(handle), [])
        except (csv.Error, UnicodeDecodeError) as exc:
            raise IncidentImportError(
                f"cannot read the CSV header: {exc}", path=str(path), record=1
            ) from exc
    header = tuple(title.strip() for title in row)
    if not any(header):
        raise IncidentImportError("the CSV header row is empty", path=str(path), record=1)
    return header


def _csv_rows(path: Path, header: tuple[str, ...]) -> Iterator[RawRecord]:
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        line = 1
        try:
            next(reader)
            line = reader.line_num + 1
            for row in reader:
                start, line = line, reader.line_num + 1
                if any(cell.strip() for cell in row):
                    yield _row_record(start, header, row)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise IncidentImportError(
                f"cannot read the CSV: {exc}", path=str(path), record=line
            ) from exc


def _row_record(line: int, header: tuple[str, ...], row: list[str]) -> RawRecord:
    """A row as ``{title: cell}``; a title the export repeats (Jira writes one column per
    label or component) keeps every non-empty cell, as a list."""
    data: dict[str, Any] = {}
    for title, cell in zip(header, row, strict=False):
        if not title:
            continue
        if title in data:
            earlier = data[title]
            values = earlier if isinstance(earlier, list) else [earlier]
            data[title] = [v for v in (*values, cell) if v]
        else:
            data[title] = cell
    extra = [cell for cell in row[len(header) :] if cell.strip()]
    problem = (
        f"the row has {len(row)} cells but the header has {len(header)} columns" if extra else None
    )
    return RawRecord(line, data, problem)


def _open_text(path: Path) -> Any:
    return path.open(encoding="utf-8-sig", newline="")

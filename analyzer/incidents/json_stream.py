"""Incident records streamed out of a JSON export, whatever its shape, in bounded memory.

Exports come as a list of records; an object holding the list under a known key
(``{"incidents": [...]}``, ``{"issues": [...]}``, ``{"data": [...]}``); a list of such page
objects; pages written one after another (concatenated documents, or JSON Lines); or one
record. A first, short pass over the start of the file learns the shape and the first record
(for format detection); the second pass streams records with ijson's C parser, naming each
by its index path (``incidents[3]``, ``[2].issues[0]``) so an error can point at it.

JSON allows integers of any size, and the C parser stops at one over 64 bits: a file that
holds one is read again, whole, with ijson's pure-Python parser, which keeps it exact
(slower, and only for such files).
"""

from __future__ import annotations

import codecs
import dataclasses
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO

import ijson
from ijson.common import ObjectBuilder

from analyzer.errors import IncidentImportError
from analyzer.incidents.validate import shortened

#: Keys under which exports keep their list of records.
CONTAINERS = ("incidents", "issues", "data", "items", "alerts")
#: How far the first pass reads to see whether the first document ends (then more may
#: follow: pages written one after another, each small enough to read whole).
_PEEK_EVENTS = 200_000
_BOM = b"\xef\xbb\xbf"
_OPEN = ("start_map", "start_array")
_CLOSE = ("end_map", "end_array")
#: ijson's parser for files the C parser cannot read: integers beyond 64 bits
_EXACT: ModuleType = ijson.get_backend("python")


@dataclasses.dataclass(frozen=True)
class RawRecord:
    """One record as read (not yet trusted) and where it is: a CSV row number counting the
    header as 1, or a JSON index path."""

    location: str | int
    data: Any
    problem: str | None = None


@dataclasses.dataclass(frozen=True)
class JsonShape:
    """What the first pass learnt: how to stream, and the first record."""

    mode: str  # "records" | "container" | "pages" | "documents" | "single" | "empty"
    container: str | None
    first: Any
    complete: bool = True  # the first pass read the whole first document
    exact_integers: bool = False  # read with the pure-Python parser (huge integers)


class _Reader:
    """A binary file that remembers the last chunk handed to the parser, so a parse error
    can be placed at a line and column."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.chunk = b""
        self.start = 0
        self.end = 0
        if raw.read(len(_BOM)) == _BOM:
            self.end = len(_BOM)
        else:
            raw.seek(0)

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.start, self.chunk = self.end, data
        self.end += len(data)
        return data


def read_json_shape(path: Path) -> JsonShape:
    """Learn the file's shape from its start; malformed JSON is an error with its position."""
    try:
        return _read_shape(path, ijson)
    except _HugeIntegerError:
        return dataclasses.replace(_read_shape(path, _EXACT), exact_integers=True)


def _read_shape(path: Path, parser: ModuleType) -> JsonShape:
    with path.open("rb") as raw:
        reader = _Reader(raw)
        try:
            return _peek(iter(parser.parse(reader, multiple_values=True, use_float=True)))
        except ijson.JSONError as exc:
            if _needs_exact_parser(parser, exc):
                raise _HugeIntegerError from exc
            raise IncidentImportError(_describe(exc, reader, path), path=str(path)) from exc
        except _ShapeError as exc:
            raise IncidentImportError(str(exc), path=str(path)) from exc


def stream_json_records(path: Path, shape: JsonShape) -> Iterator[RawRecord]:
    """Every record of the file, in order, each named by its index path. A huge integer
    met past the first pass: the file is read again exactly, from the record after the
    last one given (records before it read the same with either parser)."""
    parser = _EXACT if shape.exact_integers else ijson
    given = 0
    while True:
        with path.open("rb") as raw:
            reader = _Reader(raw)
            try:
                for number, record in enumerate(_STREAMS[shape.mode](reader, shape, parser)):
                    if number >= given:
                        given += 1
                        yield record
                return
            except ijson.JSONError as exc:
                if _needs_exact_parser(parser, exc):
                    parser = _EXACT
                    continue
                raise IncidentImportError(_describe(exc, reader, path), path=str(path)) from exc


class _HugeIntegerError(Exception):
    """The C parser met an integer over 64 bits."""


def _needs_exact_parser(parser: ModuleType, exc: Exception) -> bool:
    """Whether the C parser stopped at an integer over 64 bits (the exact one never does)."""
    return parser is ijson and "integer overflow" in str(exc)


def _stream_list(reader: _Reader, shape: JsonShape, parser: ModuleType) -> Iterator[RawRecord]:
    name = shape.container or ""
    prefix = f"{name}.item" if name else "item"
    for index, item in enumerate(parser.items(reader, prefix, use_float=True)):
        yield RawRecord(f"{name}[{index}]", item)


def _stream_pages(reader: _Reader, shape: JsonShape, parser: ModuleType) -> Iterator[RawRecord]:
    for index, page in enumerate(parser.items(reader, "item", use_float=True)):
        yield from records_in(page, f"[{index}]")


def _stream_documents(reader: _Reader, shape: JsonShape, parser: ModuleType) -> Iterator[RawRecord]:
    documents = parser.items(reader, "", multiple_values=True, use_float=True)
    for number, document in enumerate(documents, start=1):
        for record in records_in(document, ""):
            where = f"{record.location} of document {number}" if record.location else None
            yield RawRecord(where or f"document {number}", record.data)


def _stream_single(reader: _Reader, shape: JsonShape, parser: ModuleType) -> Iterator[RawRecord]:
    for document in parser.items(reader, "", use_float=True):
        for record in records_in(document, ""):
            yield RawRecord(record.location or "(top level)", record.data)


def _stream_nothing(reader: _Reader, shape: JsonShape, parser: ModuleType) -> Iterator[RawRecord]:
    return iter(())


_STREAMS: dict[str, Callable[[_Reader, JsonShape, ModuleType], Iterator[RawRecord]]] = {
    "records": _stream_list,
    "container": _stream_list,
    "pages": _stream_pages,
    "documents": _stream_documents,
    "single": _stream_single,
    "empty": _stream_nothing,
}


def records_in(value: Any, where: str) -> Iterator[RawRecord]:
    """The records inside one page, document or list; ``where`` prefixes their paths."""
    if isinstance(value, dict):
        container = _container_of(value)
        if container is None:
            yield RawRecord(where, value)
        elif isinstance(value[container], dict):
            yield RawRecord(_join(where, container), value[container])
        else:
            for index, item in enumerate(value[container]):
                yield RawRecord(f"{_join(where, container)}[{index}]", item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict) and _container_of(item) is not None:
                yield from records_in(item, f"{where}[{index}]")
            else:
                yield RawRecord(f"{where}[{index}]", item)
    else:
        yield RawRecord(where, value)


def _container_of(page: dict[str, Any]) -> str | None:
    """The key holding a page's records: a list under a known key, or Opsgenie's single
    ``{"data": {...}}``."""
    for key in CONTAINERS:
        value = page.get(key)
        if isinstance(value, list) or (key == "data" and isinstance(value, dict)):
            return key
    return None


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


# -- the first pass ---------------------------------------------------------------------

_Events = Iterator[tuple[str, str, Any]]


class _ShapeError(Exception):
    """The JSON is well formed but holds no records."""


def _peek(events: _Events) -> JsonShape:
    start = next(events, None)
    if start is None:
        raise _ShapeError("the file is empty")
    _, event, value = start
    if event == "start_array":
        shape = _peek_array(events)
    elif event == "start_map":
        shape = _peek_object(events)
    else:
        raise _ShapeError(f"the file holds a single JSON {event} ({value!r}), not records")
    if shape.complete and next(events, None) is not None:
        return dataclasses.replace(shape, mode="documents")
    return shape


def _peek_array(events: _Events) -> JsonShape:
    _, event, value = next(events)
    if event == "end_array":
        return JsonShape("empty", None, None, complete=True)
    item = _build(events, event, value)
    container = _container_of(item) if isinstance(item, dict) else None
    if container is None:
        return JsonShape("records", None, item, complete=_skip_to_end(events, 1))
    first = _first_record(item)
    while first is None:  # empty pages: read on for a record to recognise the format by
        _, event, value = next(events)
        if event == "end_array":
            return JsonShape("pages", container, None, complete=True)
        first = _first_record(_build(events, event, value))
    return JsonShape("pages", container, first, complete=_skip_to_end(events, 1))


def _peek_object(events: _Events) -> JsonShape:
    """Walk the top-level keys: a known key holding a list is a container of records;
    without one, the object is a record (or Opsgenie's ``{"data": {...}}`` holds one)."""
    seen: dict[str, Any] = {}
    for _, event, key in events:
        if event == "end_map":
            return JsonShape("single", None, _first_record(seen), complete=True)
        _, event, value = next(events)
        if key in CONTAINERS and event == "start_array":
            _, event, value = next(events)
            if event == "end_array":
                return JsonShape("container", key, None, complete=_skip_to_end(events, 1))
            first = _build(events, event, value)
            return JsonShape("container", key, first, complete=_skip_to_end(events, 2))
        seen[key] = _build(events, event, value)
    raise _ShapeError("the JSON ends inside its first object")


def _first_record(value: Any) -> Any:
    return next((record.data for record in records_in(value, "")), None)


def _build(events: _Events, event: str, value: Any) -> Any:
    """The value that starts with ``event``, read to its end."""
    builder = ObjectBuilder()
    builder.event(event, value)
    depth = 1 if event in _OPEN else 0
    while depth:
        _, event, value = next(events)
        builder.event(event, value)
        depth += (event in _OPEN) - (event in _CLOSE)
    return builder.value


def _skip_to_end(events: _Events, depth: int) -> bool:
    """Read on to the end of the first document, at most ``_PEEK_EVENTS`` events; ``True``
    if the end was reached. (A long first document followed by another is reported by
    the second pass, which reads one document.)"""
    for count, (_, event, _value) in enumerate(events):
        depth += (event in _OPEN) - (event in _CLOSE)
        if depth == 0:
            return True
        if count >= _PEEK_EVENTS:
            return False
    return True


# -- placing a parse error ---------------------------------------------------------------


#: The pure-Python parser's error for a lexeme it cannot read, with its character offset.
_UNREADABLE = re.compile(r"Unexpected symbol '(?P<symbol>.*)' at (?P<at>\d+)", re.DOTALL)
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _describe(exc: Exception, reader: _Reader, path: Path) -> str:
    lines = str(exc).split("\n")
    reason = shortened(lines[0].strip(), 200) or "not valid JSON"
    unreadable = _UNREADABLE.fullmatch(lines[0].strip())
    if "trailing garbage" in reason:
        reason += " (a second JSON document after a long first one: join the pages into one list)"
    if "premature EOF" in reason or "Incomplete JSON" in reason:
        offset: int | None = reader.end
    elif unreadable:
        offset = _byte_offset(path, int(unreadable["at"]))
        if _NUMBER.fullmatch(symbol := unreadable["symbol"]):
            digits = sum(character.isdigit() for character in symbol)
            reason = (
                f"a number of {digits:,} digits, more than the "
                f"{sys.get_int_max_str_digits():,} Python reads"
            )
    else:
        inside = _offset_in_chunk(reader.chunk, lines[1] if len(lines) > 1 else "")
        offset = None if inside is None else reader.start + inside
    if offset is None:
        return f"malformed JSON between bytes {reader.start} and {reader.end}: {reason}"
    line, column = _line_and_column(path, offset)
    return f"malformed JSON at line {line}, column {column}: {reason}"


def _byte_offset(path: Path, characters: int) -> int:
    """The byte offset of the character the pure-Python parser counts as ``characters``
    (it counts decoded characters, after any byte-order mark)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    with path.open("rb") as handle:
        done = len(_BOM) if handle.read(len(_BOM)) == _BOM else 0
        handle.seek(done)
        while chunk := handle.read(1 << 20):
            text = decoder.decode(chunk)
            if characters <= len(text):
                return done + len(text[:characters].encode("utf-8", "surrogateescape"))
            characters -= len(text)
            done += len(text.encode("utf-8", "surrogateescape"))
    return done


def _offset_in_chunk(chunk: bytes, snippet: str) -> int | None:
    """Where in ``chunk`` yajl's error snippet points.

    yajl (ijson's C backend) prints the 30 bytes either side of the error, newlines shown as
    spaces, padded on the left so that the error falls at column 40 of the snippet line.
    """
    try:
        shown = snippet.encode("utf-8")
    except UnicodeEncodeError:
        return None
    flat = chunk.replace(b"\n", b" ").replace(b"\r", b" ")
    for offset in range(min(30, len(flat) + 1)):
        if shown == b" " * (40 - offset) + flat[: offset + 30]:
            return offset
    found = flat.find(shown[10:]) if len(shown) > 10 else -1
    return found + 30 if found >= 0 else None


def _line_and_column(path: Path, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of byte ``offset``, read in chunks."""
    line, line_start, position = 1, 0, 0
    with path.open("rb") as handle:
        while position < offset:
            chunk = handle.read(min(1 << 20, offset - position))
            if not chunk:
                break
            newlines = chunk.count(b"\n")
            if newlines:
                line += newlines
                line_start = position + chunk.rindex(b"\n") + 1
            position += len(chunk)
    return line, offset - line_start + 1

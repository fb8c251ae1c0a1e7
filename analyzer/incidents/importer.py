"""``import_incidents``: files in, normalised incidents in the store, a summary out.

Each file lands whole or not at all: its records are all read and checked (and staged on
disk, see :mod:`.upsert`) before one transaction writes them. A new store is created only
then, so an import that fails on its first file leaves no store behind. With
``skip_invalid`` an invalid record is left out and reported instead, but a file that
cannot be read (malformed JSON, an unknown format) still lands not at all. Files are read
as streams and written in bulk, so a 100,000-incident export needs no more memory than a
small one.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import tempfile
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from analyzer.config import Config
from analyzer.errors import IncidentImportError
from analyzer.incidents.detect import Choice, check_format_name, choose_format
from analyzer.incidents.json_stream import RawRecord
from analyzer.incidents.normalise import Filtered, ImportContext, normalise_record
from analyzer.incidents.reading import RecordFile, open_record_file
from analyzer.incidents.record import RecordView
from analyzer.incidents.severity import SeverityScale, load_scale
from analyzer.incidents.summary import MAX_SKIPPED_DETAILS, FileImport, ImportSummary, SkippedRecord
from analyzer.incidents.upsert import IncidentStager
from analyzer.incidents.validate import RecordError, load_zone
from analyzer.models import Incident
from analyzer.store import StoreOnFirstUse


def import_incidents(
    files: Sequence[Path | str],
    *,
    db: Path | str | None = None,
    format: str = "auto",  # the command line's --format, by the same name
    timezone: str | None = None,
    skip_invalid: bool = False,
    config: Config | None = None,
    github_label: str | None = None,
) -> ImportSummary:
    """Import incident exports into the store at ``db``; see ``jevons incidents import``.

    ``format`` is ``auto`` or one of :data:`~analyzer.incidents.detect.FORMAT_NAMES`;
    ``timezone`` (else ``incidents.timezone``) is the zone of timestamps written without an
    offset, which are refused otherwise; ``github_label`` overrides
    ``incidents.github_label``. Raises :class:`IncidentImportError` naming the file, record
    and field of the first problem; files before it in ``files`` stay imported.
    """
    settings = (config or Config()).incidents
    check_format_name(format)
    paths = [Path(f) for f in files]
    for path in paths:
        if not path.is_file():
            raise IncidentImportError("file not found", path=str(path))
    plan = _Plan(
        format_name=format,
        zone=load_zone(timezone or settings.timezone),
        scale=load_scale(settings.severity_map),
        config=config or Config(),
        github_label=settings.github_label if github_label is None else github_label,
        skip_invalid=skip_invalid,
    )
    done: list[FileImport] = []
    store = StoreOnFirstUse(db, lock_wait=30.0)
    with contextlib.closing(store):
        for path in paths:
            try:
                done.append(_import_file(store, path, plan))
            except IncidentImportError as exc:
                raise _with_progress(exc, done) from exc
    return ImportSummary(tuple(done))


@dataclasses.dataclass(frozen=True)
class _Plan:
    """The run's settings, the same for every file."""

    format_name: str
    zone: ZoneInfo | None
    scale: SeverityScale
    config: Config
    github_label: str
    skip_invalid: bool


def _import_file(store: StoreOnFirstUse, path: Path, plan: _Plan) -> FileImport:
    source = open_record_file(path)
    if not source.has_records and plan.format_name == "auto":
        return FileImport(str(path), None, None, detected=False)
    choice = choose_format(
        plan.format_name, source.names, path=str(path), described=source.described
    )
    ctx = ImportContext(
        zone=plan.zone,
        scale=plan.scale,
        settings=plan.config.incidents,
        github_label=plan.github_label,
        fields=choice.fmt.field_paths(plan.config.incidents),
        source_file=str(path),
    )
    tally = _Tally()
    with tempfile.TemporaryDirectory(prefix="jevons-import-") as scratch:
        stager = IncidentStager(Path(scratch) / "incidents.parquet")
        for raw in source.records():
            outcome = _normalise(raw, source, choice, ctx, tally, plan.skip_invalid)
            if isinstance(outcome, Incident):
                stager.add(outcome)
        with store.writable().transaction() as conn:
            applied = stager.apply(conn)
    return FileImport(
        path=str(path),
        format=choice.fmt.source,
        shape=choice.shape,
        detected=choice.detected,
        new=applied.new,
        changed=applied.changed,
        unchanged=applied.unchanged,
        skipped_count=tally.skipped_count,
        skipped=tuple(tally.skipped),
        filtered=dict(tally.filtered),
        unmapped_severities=tuple(sorted(ctx.unmapped)),
    )


class _Tally:
    """Records skipped as invalid and left out as not incidents, for the summary."""

    def __init__(self) -> None:
        self.skipped: list[SkippedRecord] = []
        self.skipped_count = 0
        self.filtered: collections.Counter[str] = collections.Counter()


def _normalise(
    raw: RawRecord,
    source: RecordFile,
    choice: Choice,
    ctx: ImportContext,
    tally: _Tally,
    skip_invalid: bool,
) -> Incident | None:
    try:
        if raw.problem is not None:
            raise RecordError(raw.problem)
        if not isinstance(raw.data, dict):
            kind = type(raw.data).__name__
            raise RecordError(f"a JSON {kind}, not an incident record (an object)")
        outcome = normalise_record(choice.fmt, RecordView(raw.data, source.columns), ctx)
    except RecordError as exc:
        if not skip_invalid:
            raise IncidentImportError(
                exc.reason, path=str(source.path), record=raw.location, field=exc.field
            ) from exc
        tally.skipped_count += 1
        if len(tally.skipped) < MAX_SKIPPED_DETAILS:
            tally.skipped.append(
                SkippedRecord(str(source.path), raw.location, exc.field, exc.reason)
            )
        return None
    if isinstance(outcome, Filtered):
        tally.filtered[outcome.reason] += 1
        return None
    return outcome


def _with_progress(exc: IncidentImportError, done: list[FileImport]) -> IncidentImportError:
    """The error, saying which earlier files of the run were imported (and stay so)."""
    if not done:
        return exc
    kept = ", ".join(f"{f.path} ({f.imported} incidents)" for f in done)
    told = IncidentImportError(
        f"{exc}; nothing from this file was imported, but these earlier files were: {kept}"
    )
    told.path, told.record, told.field = exc.path, exc.record, exc.field
    return told

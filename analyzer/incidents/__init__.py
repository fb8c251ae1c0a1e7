"""Incident records from PagerDuty, Opsgenie, incident.io, Jira, GitHub issues and Jevons'
own CSV/JSON, normalised into the store's ``incidents`` table.

One module per source says where that tool keeps each field; :mod:`.normalise` and
:mod:`.validate` turn any record into an :class:`~analyzer.models.Incident` the same way;
:mod:`.detect` recognises a file's format; :mod:`.upsert` writes in bulk.
"""

from __future__ import annotations

from analyzer.incidents.detect import FORMAT_NAMES
from analyzer.incidents.importer import import_incidents
from analyzer.incidents.summary import FileImport, ImportSummary, SkippedRecord

__all__ = ["FORMAT_NAMES", "FileImport", "ImportSummary", "SkippedRecord", "import_incidents"]

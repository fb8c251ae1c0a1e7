"""Jevons' own incident format, for tools without an importer: CSV with a header, or JSON
(a list of objects, or ``{"incidents": [...]}``).

Required: ``id``, ``title``, ``created_at`` (ISO 8601 with an offset). Optional:
``acknowledged_at``, ``resolved_at``, ``severity`` (any label the severity scale knows:
``SEV2``, ``P1``, ``critical``), ``service``, ``status``, ``url``, ``description``,
``reference`` (what commit messages cite, default the id), ``effort_minutes``,
``off_hours_minutes``, ``fix_commits`` and ``cause_commits`` (commit SHAs, full or
abbreviated: a JSON list, or in CSV separated by spaces or ``;``), and ``source`` (the tool
the records came from, used as the id prefix; default ``generic``).
"""

from __future__ import annotations

from analyzer.incidents.normalise import Signature, SourceFormat

_NAMES = (
    "id source reference title description status service url created_at acknowledged_at "
    "resolved_at severity effort_minutes off_hours_minutes fix_commits cause_commits"
)

GENERIC = SourceFormat(
    source="generic",
    label="Jevons CSV/JSON",
    fields={name: (name,) for name in _NAMES.split()},
    signatures=(Signature.of("Jevons generic incidents", "id title created_at"),),
)

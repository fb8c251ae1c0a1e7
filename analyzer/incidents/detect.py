"""Which tool wrote a file: told by the user (``--format``) or recognised from its structure.

Recognition looks at the first record's keys (JSON) or the header's columns (CSV) and asks
each source's signatures in turn. A file matching no tool, or two, is refused with the keys
it has, rather than guessed at: importing PagerDuty records as something else would
silently mislabel every field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from analyzer.errors import IncidentImportError
from analyzer.incidents.generic import GENERIC
from analyzer.incidents.github import GITHUB
from analyzer.incidents.incidentio import INCIDENTIO
from analyzer.incidents.jira import JIRA
from analyzer.incidents.normalise import SourceFormat
from analyzer.incidents.opsgenie import OPSGENIE
from analyzer.incidents.pagerduty import PAGERDUTY
from analyzer.incidents.record import loose_key

#: ``--format`` names; ``csv`` and ``json`` are both Jevons' own generic format.
FORMATS: dict[str, SourceFormat] = {
    "csv": GENERIC,
    "json": GENERIC,
    "pagerduty": PAGERDUTY,
    "opsgenie": OPSGENIE,
    "incidentio": INCIDENTIO,
    "jira": JIRA,
    "github": GITHUB,
}
FORMAT_NAMES: tuple[str, ...] = ("auto", *FORMATS)
#: Tried before the generic format, whose few required keys the tools' records share.
_TOOLS = (PAGERDUTY, OPSGENIE, INCIDENTIO, JIRA, GITHUB)
_SHOWN_KEYS = 12


@dataclasses.dataclass(frozen=True)
class Choice:
    """The format a file is read as, the record shape recognised, and whether detected."""

    fmt: SourceFormat
    shape: str
    detected: bool


def check_format_name(name: str) -> None:
    if name not in FORMAT_NAMES:
        raise IncidentImportError(
            f"unknown format '{name}'; choose one of {', '.join(FORMAT_NAMES)}"
        )


def choose_format(name: str, names: Sequence[str], *, path: str, described: str) -> Choice:
    """The format ``name`` names, or (``auto``) the one whose signature the key or column
    ``names`` match; ``described`` says where they came from ("the first record's keys")."""
    keys = frozenset(loose_key(n) for n in names)
    if name != "auto":
        fmt = FORMATS[name]
        return Choice(fmt, _shape(fmt, keys) or fmt.label, detected=False)
    matches = [(fmt, shape) for fmt in _TOOLS if (shape := _shape(fmt, keys)) is not None]
    if not matches and (shape := _shape(GENERIC, keys)) is not None:
        matches = [(GENERIC, shape)]
    if len(matches) == 1:
        return Choice(matches[0][0], matches[0][1], detected=True)
    shown = ", ".join(list(names)[:_SHOWN_KEYS]) + (", ..." if len(names) > _SHOWN_KEYS else "")
    choices = ", ".join(n for n in FORMAT_NAMES if n != "auto")
    if matches:
        both = " and ".join(shape for _, shape in matches)
        raise IncidentImportError(
            f"cannot tell the format: {described} ({shown}) fit both {both}; "
            f"pass --format (one of {choices})",
            path=path,
        )
    raise IncidentImportError(
        f"cannot tell the format: {described} ({shown}) match no known export; "
        f"pass --format (one of {choices})",
        path=path,
    )


def _shape(fmt: SourceFormat, keys: frozenset[str]) -> str | None:
    return next((s.label for s in fmt.signatures if s.matches(keys)), None)

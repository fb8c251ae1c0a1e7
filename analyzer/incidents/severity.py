"""Every tool's urgency, priority and severity labels on one scale: SEV1 (worst) to SEV5.

The mapping is data (``severity.toml`` beside this module), extended or overridden per run by
``incidents.severity_map`` in the configuration: ``{"urgent" = 1, "incidentio:minor" = 4}``.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from importlib import resources

from analyzer.errors import ConfigError
from analyzer.incidents.record import loose_key

SCALE_SIZE = 5
_DEFAULT = "default"
#: A label's head before a separator: "P1 - Critical" -> "P1", "Sev 2 (major)" -> "Sev 2".
_HEAD = re.compile(r"\s+[-–|]\s+|\s*[(:]")
_QUALIFIERS = ("severity", "priority")


def severity_name(rank: int) -> str:
    """The label stored in ``incidents.severity`` for ``rank``: ``2`` -> ``SEV2``."""
    return f"SEV{rank}"


@dataclasses.dataclass(frozen=True)
class SeverityScale:
    """Label -> rank tables: ``tables["default"]`` and one per source, keys loose."""

    tables: Mapping[str, Mapping[str, int]]

    def rank(self, source: str, label: str) -> int | None:
        """The rank (1..5) of ``label`` as ``source`` uses it, or ``None`` if unmapped."""
        own = self.tables.get(source, {})
        default = self.tables.get(_DEFAULT, {})
        for key in _candidates(label):
            rank = own.get(key, default.get(key))
            if rank is not None:
                return rank
        return None


def _candidates(label: str) -> list[str]:
    whole = loose_key(label)
    keys = [whole]
    for qualifier in _QUALIFIERS:
        if whole.startswith(qualifier) and len(whole) > len(qualifier):
            keys.append(whole[len(qualifier) :])
    head = _HEAD.split(label.strip(), maxsplit=1)[0]
    if head:
        keys.append(loose_key(head))
    return keys


def load_scale(overrides: Mapping[str, object] | None = None) -> SeverityScale:
    """The built-in tables with ``overrides`` (``label`` or ``source:label`` -> rank) applied."""
    text = resources.files("analyzer.incidents").joinpath("severity.toml").read_text("utf-8")
    tables: dict[str, dict[str, int]] = {
        source: {loose_key(str(label)): int(rank) for label, rank in table.items()}
        for source, table in tomllib.loads(text).items()
    }
    for key, rank in (overrides or {}).items():
        source, _, label = key.rpartition(":")
        if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= SCALE_SIZE:
            raise ConfigError(
                f"incidents.severity_map: '{key}' must map to a rank from 1 (worst) to "
                f"{SCALE_SIZE}, not {rank!r}"
            )
        tables.setdefault(source or _DEFAULT, {})[loose_key(label)] = rank
    return SeverityScale(tables)

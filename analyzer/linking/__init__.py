"""Linking incidents to commits: explicit references, fix references, SZZ, ownership; and
churn, from the same blame machinery.

``link_incidents(db, ...)`` is what ``jevons link`` runs; ``compute_churn(db, ...)`` fills
``commit_churn``. Nothing here runs on import.
"""

from __future__ import annotations

from analyzer.linking.churn import ChurnSummary, compute_churn
from analyzer.linking.link import link_incidents
from analyzer.linking.summary import LinkNote, LinkSummary
from analyzer.linking.szz import DEFAULT_SZZ_VARIANT, SZZ_VARIANTS

__all__ = [
    "DEFAULT_SZZ_VARIANT",
    "SZZ_VARIANTS",
    "ChurnSummary",
    "LinkNote",
    "LinkSummary",
    "compute_churn",
    "link_incidents",
]

"""The analysis: pure functions from the store's frames to findings with evidence levels.

``analyze(db, date_from=..., date_to=..., repo=...)`` runs it all and returns an
:class:`AnalysisResult`; ``detect_reverts(db)`` marks reverted commits in the store (the
pipeline runs it after mining).
"""

from analyzer.analysis.result import (
    EVIDENCE_LADDER,
    EVIDENCE_WORDS,
    AnalysisResult,
    Decomposition,
    Estimate,
    Finding,
    SeriesFrames,
    Verdict,
)
from analyzer.analysis.run import analyze

__all__ = [
    "EVIDENCE_LADDER",
    "EVIDENCE_WORDS",
    "AnalysisResult",
    "Decomposition",
    "Estimate",
    "Finding",
    "SeriesFrames",
    "Verdict",
    "analyze",
]

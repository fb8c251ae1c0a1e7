"""The analysis: pure functions from the store's frames to findings with evidence levels.

``analyze(db, Scope(date_from=..., repo=...))`` runs it all and returns an
:class:`AnalysisResult` (``to_dict()``/``to_json()`` give the JSON document of
``jevons analyze --json``). ``load_frames`` and ``analyze_frames`` split the same work into
reading the store and computing, for callers that cache the frames. ``detect_reverts(db)``
marks reverted commits in the store (the pipeline runs it after mining).
"""

from analyzer.analysis.decomposition import (
    decompose_incident_change,
    decomposition_input,
    default_periods,
)
from analyzer.analysis.frames import CLASS_ORDER, Frames
from analyzer.analysis.result import (
    EVIDENCE_LADDER,
    EVIDENCE_WORDS,
    Adoption,
    AnalysisResult,
    ClassProportion,
    Comparison,
    CountModel,
    Coverage,
    Decomposition,
    Estimate,
    EvidenceLevel,
    Finding,
    Growth,
    Hotspot,
    IncidentLoad,
    IncidentRates,
    Period,
    Reverts,
    SeriesFrames,
    TestResult,
    TimeSeriesEvidence,
    Verdict,
    evidence_rank,
)
from analyzer.analysis.reverts import detect_reverts, find_reverts
from analyzer.analysis.run import analyze, analyze_frames, load_frames
from analyzer.analysis.series import build_series
from analyzer.analysis.summary import render_summary
from analyzer.models import AI_CLASSES
from analyzer.scope import Scope

__all__ = [
    "AI_CLASSES",
    "CLASS_ORDER",
    "EVIDENCE_LADDER",
    "EVIDENCE_WORDS",
    "Adoption",
    "AnalysisResult",
    "ClassProportion",
    "Comparison",
    "CountModel",
    "Coverage",
    "Decomposition",
    "Estimate",
    "EvidenceLevel",
    "Finding",
    "Frames",
    "Growth",
    "Hotspot",
    "IncidentLoad",
    "IncidentRates",
    "Period",
    "Reverts",
    "Scope",
    "SeriesFrames",
    "TestResult",
    "TimeSeriesEvidence",
    "Verdict",
    "analyze",
    "analyze_frames",
    "build_series",
    "decompose_incident_change",
    "decomposition_input",
    "default_periods",
    "detect_reverts",
    "evidence_rank",
    "find_reverts",
    "load_frames",
    "render_summary",
]

"""The floor: lizard and radon alone, on blobs already in memory, in one process.

This is the least any tool can spend to produce Jevons' metrics for these blobs: no git,
no store, no pool, no bookkeeping, just decoding and the two analysers' own calls
(lizard's ``analyze_source_code``; radon's one-parse path: ``ast.parse``, ``h_visit_ast``,
``ComplexityVisitor.from_ast``, raw line counts, ``mi_compute``). The raw line counts use
the same linear-time reading of ``radon.raw.analyze`` as Jevons
(:mod:`analyzer.metrics.raw_lines`): radon's own is quadratic on long statements, and a
floor that spent minutes on each vendored data table would flatter Jevons, not measure
it. Divided by the worker count it is the best a perfectly parallel miner could do. It is
timed on the CPU clock, so a busy machine does not make the floor look slower than it is.
"""

from __future__ import annotations

import ast
import dataclasses
import time
import warnings
from collections.abc import Sequence

import lizard
from radon.metrics import h_visit_ast, mi_compute
from radon.visitors import ComplexityVisitor

from analyzer.metrics.raw_lines import analyze_raw


@dataclasses.dataclass(frozen=True)
class FloorTiming:
    lizard_seconds: float
    radon_seconds: float
    blobs: int
    python_blobs: int
    radon_failures: int

    @property
    def full_seconds(self) -> float:
        return self.lizard_seconds + self.radon_seconds


def _radon_one_parse(text: str) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(text)
    raw = analyze_raw(text)
    volume = h_visit_ast(tree).total.volume
    complexity = ComplexityVisitor.from_ast(tree).total_complexity
    comments = (raw.comments + raw.multi) / raw.sloc * 100 if raw.sloc else 0
    return float(mi_compute(volume, complexity, raw.lloc, comments))


def time_floor(paths: Sequence[str], contents: Sequence[bytes], max_bytes: int) -> FloorTiming:
    """Time lizard over every blob and radon over the Python ones (blobs over ``max_bytes``
    are skipped, as Jevons skips them)."""
    texts = [
        (path, content.decode("utf-8", "replace"))
        for path, content in zip(paths, contents, strict=True)
        if len(content) <= max_bytes and b"\0" not in content[:8000]
    ]
    started = time.process_time()
    for path, text in texts:
        lizard.analyze_file.analyze_source_code(path, text)
    lizard_seconds = time.process_time() - started
    python = [text for path, text in texts if path.endswith(".py")]
    failures = 0
    started = time.process_time()
    for text in python:
        try:
            _radon_one_parse(text)
        except (SyntaxError, ValueError, RecursionError):
            failures += 1
    radon_seconds = time.process_time() - started
    return FloorTiming(lizard_seconds, radon_seconds, len(texts), len(python), failures)

"""Radon: the Python-only extras, from one parse.

Radon's own ``mi_visit`` and ``h_visit`` each parse the source again; here the AST is
parsed once and handed to ``h_visit_ast`` and ``ComplexityVisitor.from_ast``, and the
maintainability index is computed as ``mi_visit(code, multi=True)`` computes it (radon's
command-line default): ``mi_compute(halstead volume, total complexity, LLOC, percent of
comment lines)``, comment lines being radon's ``comments + multi``.

``comment_lines`` is radon's ``single_comments + multi``: lines holding only a comment, a
one-line docstring, or part of a multi-line string statement. That is the Python reading
of what the estimate for other languages counts (lines neither code nor blank).
"""

from __future__ import annotations

import ast
import dataclasses
import warnings

from radon.metrics import h_visit_ast, mi_compute
from radon.raw import analyze as raw_analyze
from radon.visitors import ComplexityVisitor

from analyzer.metrics.failures import TimeLimitExceeded
from analyzer.metrics.time_limit import Deadline


@dataclasses.dataclass(frozen=True)
class RadonMeasurement:
    """Radon's figures for one Python file; ``error`` says what could not be measured."""

    comment_lines: int | None = None
    maintainability_index: float | None = None
    halstead_volume: float | None = None
    error: str | None = None


def measure_with_radon(text: str, deadline: Deadline) -> RadonMeasurement:
    """Measure Python source; never raises for bad source (a syntax error, Python 2, a
    nesting too deep for the parser), only :class:`TimeLimitExceeded`."""
    try:
        raw = raw_analyze(text)
    except TimeLimitExceeded:
        raise
    except Exception as exc:  # radon's tokenizer raises several unrelated types
        return RadonMeasurement(error=f"radon: {describe_failure(exc)}")
    deadline.check()
    comment_lines = raw.single_comments + raw.multi
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning (invalid escapes) is not ours to print
            tree = ast.parse(text)
        deadline.check()
        volume = float(h_visit_ast(tree).total.volume)
        deadline.check()
        complexity = ComplexityVisitor.from_ast(tree).total_complexity
    except TimeLimitExceeded:
        raise
    except Exception as exc:  # SyntaxError, ValueError (NUL), RecursionError, visitor bugs
        return RadonMeasurement(comment_lines, error=f"radon: {describe_failure(exc)}")
    percent_comments = (raw.comments + raw.multi) / raw.sloc * 100 if raw.sloc else 0.0
    index = float(mi_compute(volume, complexity, raw.lloc, percent_comments))
    return RadonMeasurement(comment_lines, index, volume)


def describe_failure(exc: BaseException) -> str:
    """One line naming the exception, its message and, for syntax errors, the line."""
    if isinstance(exc, SyntaxError) and exc.lineno is not None:
        return f"{type(exc).__name__}: {exc.msg} (line {exc.lineno})"
    message = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__

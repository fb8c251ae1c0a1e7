"""Radon: the Python-only extras, from one parse.

Radon's own ``mi_visit`` and ``h_visit`` each parse the source again; here the AST is
parsed once and handed to ``h_visit_ast`` and ``ComplexityVisitor.from_ast``, and the
maintainability index is computed as ``mi_visit(code, multi=True)`` computes it (radon's
command-line default): ``mi_compute(halstead volume, total complexity, LLOC, percent of
comment lines)``, comment lines being radon's ``comments + multi``. radon's raw line
counts come from :mod:`.raw_lines`, which gives ``radon.raw.analyze``'s figures without its
quadratic cost on long statements (data tables).

``comment_lines`` is radon's ``single_comments + multi``: lines holding only a comment, a
one-line docstring, or part of a multi-line string statement. That is the Python reading
of what the estimate for other languages counts (lines neither code nor blank).
"""

from __future__ import annotations

import ast
import dataclasses
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from radon.metrics import h_visit_ast, mi_compute
from radon.visitors import ComplexityVisitor

from analyzer.metrics.failures import TimeLimitExceeded
from analyzer.metrics.raw_lines import analyze_raw
from analyzer.metrics.time_limit import Deadline

_T = TypeVar("_T")


@dataclasses.dataclass(frozen=True)
class RadonMeasurement:
    """Radon's figures for one Python file; ``error`` says what could not be measured."""

    comment_lines: int | None = None
    maintainability_index: float | None = None
    halstead_volume: float | None = None
    error: str | None = None


def measure_with_radon(text: str, deadline: Deadline) -> RadonMeasurement:
    """Measure Python source; never raises for bad source (a syntax error, Python 2, a
    nesting too deep for the parser), only :class:`TimeLimitExceeded`.

    The parser's complaint is the one recorded (it names the line precisely); radon's
    line counts are still taken when only the parse fails, since they read Python 2 too.
    """
    tree = _parse(text)
    deadline.check()
    raw = _guarded(analyze_raw, text)
    deadline.check()
    if isinstance(tree, str) or isinstance(raw, str):
        comment_lines = None if isinstance(raw, str) else raw.single_comments + raw.multi
        return RadonMeasurement(comment_lines, error=tree if isinstance(tree, str) else raw)
    volume = _guarded(lambda: float(h_visit_ast(tree).total.volume))
    deadline.check()
    complexity = _guarded(lambda: ComplexityVisitor.from_ast(tree).total_complexity)
    if isinstance(volume, str) or isinstance(complexity, str):
        error = volume if isinstance(volume, str) else complexity
        return RadonMeasurement(raw.single_comments + raw.multi, error=str(error))
    percent_comments = (raw.comments + raw.multi) / raw.sloc * 100 if raw.sloc else 0.0
    index = float(mi_compute(volume, complexity, raw.lloc, percent_comments))
    return RadonMeasurement(raw.single_comments + raw.multi, index, volume)


def _parse(text: str) -> ast.Module | str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning (invalid escapes) is not ours to print
        return _guarded(ast.parse, text)


def _guarded(function: Callable[..., _T], *args: Any) -> _T | str:
    """``function(*args)``, or the failure as radon's error text (time limits pass through)."""
    try:
        return function(*args)
    except TimeLimitExceeded:
        raise
    except Exception as exc:  # SyntaxError, ValueError (NUL), RecursionError, tokenizer errors
        return f"radon: {describe_failure(exc)}"


def describe_failure(exc: BaseException) -> str:
    """One line naming the exception, its message and, for syntax errors, the line."""
    if isinstance(exc, SyntaxError) and exc.lineno is not None:
        return f"{type(exc).__name__}: {exc.msg} (line {exc.lineno})"
    message = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__

"""The metric catalog: what each metric means, its unit, which way is better, how it adds up.

Declarative, after wily's: the dashboard and the reports take labels, units and
directions from here instead of spelling them out again, and aggregate a metric over
files (a tree, a commit, a month) the way its entry says.

``scope`` says where the metric lives in the store: ``blob`` (``blob_metrics``),
``function`` (``function_metrics``) or ``commit`` (``commits``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import Literal

from analyzer.errors import ConfigError

Aggregation = Literal["sum", "max", "mean", "nloc_weighted_mean"]
Scope = Literal["blob", "function", "commit"]


@dataclasses.dataclass(frozen=True)
class Metric:
    """One metric.

    ``lower_is_better`` is ``True`` for a cost (complexity), ``False`` for a quality
    (maintainability) and ``None`` for a plain size that is neither good nor bad.
    ``languages`` is ``None`` when every language lizard reads has it.
    """

    name: str
    label: str
    unit: str
    lower_is_better: bool | None
    aggregation: Aggregation
    scope: Scope
    source: str
    description: str
    languages: tuple[str, ...] | None = None


CATALOG: tuple[Metric, ...] = (
    Metric("loc", "Lines", "lines", None, "sum", "blob", "Jevons",
           "Physical lines, as git counts them (a final line without a newline counts)."),
    Metric("nloc", "Code lines (NLOC)", "lines", None, "sum", "blob", "lizard",
           "Lines holding code: not blank, not only a comment (lizard's NLOC)."),
    Metric("comment_lines", "Comment lines", "lines", None, "sum", "blob", "radon / estimate",
           "Lines holding only a comment or docstring. Python: radon's single-line comments "
           "plus multi-line string lines; other languages: lines - NLOC - blank lines."),
    Metric("function_count", "Functions", "functions", None, "sum", "blob", "lizard",
           "Functions and methods lizard finds."),
    Metric("ccn_total", "Cyclomatic complexity", "decision paths", True, "sum", "blob", "lizard",
           "Sum of the functions' cyclomatic complexity (McCabe), as lizard's per-file CCN; "
           "code outside functions adds nothing."),
    Metric("ccn_max", "Worst function complexity", "decision paths", True, "max", "blob",
           "lizard", "Cyclomatic complexity of the file's most complex function (0 if none)."),
    Metric("token_count", "Tokens", "tokens", None, "sum", "blob", "lizard",
           "Tokens lizard reads, comments excluded: a size measure less sensitive to "
           "formatting than lines."),
    Metric("maintainability_index", "Maintainability index", "index 0-100", False,
           "nloc_weighted_mean", "blob", "radon",
           "radon's maintainability index (from Halstead volume, complexity, logical lines "
           "and comments); higher is easier to maintain. Averaged over files by NLOC.",
           ("python",)),
    Metric("halstead_volume", "Halstead volume", "bits", True, "sum", "blob", "radon",
           "Program length times log2 of vocabulary (Halstead); grows with how much a "
           "reader has to take in.", ("python",)),
    Metric("ccn", "Function complexity", "decision paths", True, "max", "function", "lizard",
           "Cyclomatic complexity of one function (1 + its decision points)."),
    Metric("parameter_count", "Parameters", "parameters", True, "max", "function", "lizard",
           "Parameters one function takes."),
    Metric("ccn_delta", "Complexity added", "decision paths", True, "sum", "commit", "Jevons",
           "Sum over a commit's changed, non-excluded files of new minus old ccn_total."),
    Metric("nloc_delta", "Code lines added (net)", "lines", None, "sum", "commit", "Jevons",
           "Sum over a commit's changed, non-excluded files of new minus old NLOC."),
)  # fmt: skip


def metric(name: str) -> Metric:
    """The catalog entry named ``name``; :class:`ConfigError` lists the known ones."""
    for entry in CATALOG:
        if entry.name == name:
            return entry
    known = ", ".join(entry.name for entry in CATALOG)
    raise ConfigError(f"unknown metric {name!r} (known: {known})")


def metrics_in_scope(scope: Scope) -> tuple[Metric, ...]:
    return tuple(entry for entry in CATALOG if entry.scope == scope)


def aggregate(
    name: str, values: Iterable[float | None], nloc: Iterable[float | None] | None = None
) -> float | None:
    """Combine one metric over many files the way its catalog entry says.

    Missing values (``None``, NaN: an error, a language without the metric) are left out;
    ``None`` when nothing is left. ``nloc`` gives the weights of an NLOC-weighted mean, in
    the order of ``values``; without it (or with no weight at all) the mean is plain.
    """
    how = metric(name).aggregation
    value_list = list(values)
    weights = list(nloc) if nloc is not None else [1.0] * len(value_list)
    if len(weights) != len(value_list):
        raise ValueError(f"{len(value_list)} values but {len(weights)} weights")
    pairs = [
        (float(v), float(w or 0.0))
        for v, w in zip(value_list, weights, strict=True)
        if v is not None and not math.isnan(v)
    ]
    if not pairs:
        return None
    kept = [v for v, _ in pairs]
    if how == "sum":
        return math.fsum(kept)
    if how == "max":
        return max(kept)
    total_weight = math.fsum(w for _, w in pairs)
    if how == "mean" or total_weight <= 0:
        return math.fsum(kept) / len(kept)
    return math.fsum(v * w for v, w in pairs) / total_weight

"""Lizard: size, complexity and functions for every language lizard reads.

The file is run through lizard's default token chain (preprocessing, comments, lines,
tokens, conditions), exactly as ``lizard`` does on a checkout, with one extra step at the
end that checks the blob's deadline every few hundred tokens when no alarm signal is there
to interrupt the work (off the main thread). Unlike lizard's own file
analyzer, a failure (a ``RecursionError`` on deeply nested code, an ``IndexError`` from a
reader) is raised rather than printed and swallowed, so it can be recorded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any

import lizard

from analyzer.metrics.time_limit import Deadline
from analyzer.models import FunctionMetrics

#: How many tokens pass between two deadline checks.
TOKENS_PER_DEADLINE_CHECK = 512


@dataclasses.dataclass(frozen=True)
class LizardMeasurement:
    """What lizard measured for one file.

    ``ccn_total`` is the sum of the functions' cyclomatic complexities, which is what
    lizard's ``FileInformation.CCN`` reports for a file; code outside any function adds
    nothing. ``ccn_max`` is 0 for a file without functions.
    """

    nloc: int
    token_count: int
    functions: tuple[FunctionMetrics, ...]

    @property
    def function_count(self) -> int:
        return len(self.functions)

    @property
    def ccn_total(self) -> int:
        return sum(f.ccn for f in self.functions)

    @property
    def ccn_max(self) -> int:
        return max((f.ccn for f in self.functions), default=0)


def measure_with_lizard(
    path: str, text: str, reader_class: Any, deadline: Deadline
) -> LizardMeasurement:
    """Run lizard's reader for ``path`` over ``text``; raises whatever the reader raises
    and :class:`TimeLimitExceeded` past the deadline."""
    context = lizard.FileInfoBuilder(path)
    reader = reader_class(context)
    tokens: Iterable[str] = reader.generate_tokens(text)
    for processor in lizard.get_extensions([]):
        tokens = processor(tokens, reader)
    if deadline.needs_polling:
        tokens = _checked(tokens, deadline)
    for _ in reader(tokens, reader):
        pass
    info = context.fileinfo
    return LizardMeasurement(
        nloc=int(info.nloc),
        token_count=int(info.token_count),
        functions=_unique_keys([_function_metrics(f) for f in info.function_list]),
    )


def _unique_keys(functions: list[FunctionMetrics]) -> tuple[FunctionMetrics, ...]:
    """Keep ``(name, start_line)`` unique within a file, as the store's key needs: a second
    function of the same name on the same line (two anonymous callbacks) becomes
    ``"(anonymous) #2"``; ``long_name`` stays lizard's."""
    seen: dict[tuple[str, int], int] = {}
    unique = []
    for function in functions:
        key = (function.name, function.start_line)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            function = dataclasses.replace(function, name=f"{function.name} #{seen[key]}")
        unique.append(function)
    return tuple(unique)


def _checked(tokens: Iterable[str], deadline: Deadline) -> Iterator[str]:
    for count, token in enumerate(tokens):
        if count % TOKENS_PER_DEADLINE_CHECK == 0:
            deadline.check()
        yield token


def _function_metrics(function: Any) -> FunctionMetrics:
    return FunctionMetrics(
        name=str(function.name),
        long_name=str(function.long_name),
        start_line=int(function.start_line),
        end_line=int(function.end_line),
        nloc=int(function.nloc),
        ccn=int(function.cyclomatic_complexity),
        parameter_count=int(function.parameter_count),
        token_count=int(function.token_count),
    )

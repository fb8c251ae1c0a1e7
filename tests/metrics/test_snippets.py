"""Metrics of small snippets in six languages: a table of code and the numbers it must give.

The expected numbers were worked out by hand from lizard's and radon's definitions
(CCN = 1 + decision points; NLOC = lines with code; comment lines = lines with only a
comment or docstring), then every snippet is also run through lizard and radon the way
their users run them (``lizard.analyze_file`` on a file on disk, ``radon.metrics.mi_visit``,
``h_visit``) to show that one-parse Jevons reports what the tools report.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import lizard
import pytest
from radon.metrics import h_visit, mi_visit
from radon.raw import analyze as raw_analyze

from analyzer.metrics import analyze_blob


@dataclasses.dataclass(frozen=True)
class Expected:
    language: str
    loc: int
    nloc: int
    comment_lines: int
    ccn_total: int
    ccn_max: int
    #: (name, start_line, end_line, ccn, parameter_count) per function, in file order
    functions: tuple[tuple[str, int, int, int, int], ...]


PYTHON_BRANCHES = """\
def grade(score):
    if score >= 90:
        return "A"
    elif score >= 80:
        return "B"
    for _ in range(3):
        pass
    return "C" if score > 50 else "D"
"""

PYTHON_CLASS_WITH_COMMENTS = '''\
"""Module docstring."""
# a comment


class Account:
    def deposit(self, amount):
        # guard
        if amount <= 0 or amount > 1000:
            raise ValueError(amount)
        self.balance += amount
'''

JAVASCRIPT = """\
function classify(n) {
  // sign of n
  if (n > 0 && n < 10) {
    return "small";
  } else if (n >= 10) {
    return "big";
  }
  return n === 0 ? "zero" : "negative";
}
"""

TYPESCRIPT = """\
export function total(items: number[], limit: number): number {
  let sum = 0;
  for (const item of items) {
    if (item > limit) {
      continue;
    }
    sum += item;
  }
  return sum;
}
"""

GO = """\
package main

// Max returns the larger.
func Max(a, b int) int {
\tif a > b {
\t\treturn a
\t}
\treturn b
}

func Sign(x int) int {
\tswitch {
\tcase x > 0:
\t\treturn 1
\tcase x < 0:
\t\treturn -1
\t}
\treturn 0
}
"""

JAVA = """\
public class Gate {
    /* Opens when both keys are present. */
    public boolean open(boolean a, boolean b) {
        while (!a) {
            a = true;
        }
        return a && b;
    }
}
"""

C = """\
#include <stdio.h>

/* count the vowels
   in s */
int vowels(const char *s) {
    int n = 0;
    for (; *s; s++) {
        switch (*s) {
        case 'a': case 'e': case 'i': case 'o': case 'u':
            n++;
        }
    }
    return n;
}
"""

NO_FUNCTIONS = """\
// configuration only
const LIMIT = 10;

export default LIMIT;
"""

SNIPPETS: dict[str, tuple[str, str, Expected]] = {
    # if, elif, for and the conditional expression's if: 1 + 4
    "python_branches": (
        "grade.py",
        PYTHON_BRANCHES,
        Expected("python", 8, 8, 0, 5, 5, (("grade", 1, 8, 5, 1),)),
    ),
    # docstring and two comment-only lines are comments; if + or: 1 + 2
    "python_class": (
        "account.py",
        PYTHON_CLASS_WITH_COMMENTS,
        Expected("python", 10, 5, 3, 3, 3, (("deposit", 6, 10, 3, 2),)),
    ),
    # if, &&, else-if, ?: 1 + 4
    "javascript": (
        "classify.js",
        JAVASCRIPT,
        Expected("javascript", 9, 8, 1, 5, 5, (("classify", 1, 9, 5, 1),)),
    ),
    # for, if: 1 + 2
    "typescript": (
        "total.ts",
        TYPESCRIPT,
        Expected("typescript", 10, 10, 0, 3, 3, (("total", 1, 10, 3, 2),)),
    ),
    # Max: if; Sign: two cases
    "go": (
        "sign.go",
        GO,
        Expected("go", 19, 16, 1, 5, 3, (("Max", 4, 9, 2, 2), ("Sign", 11, 19, 3, 1))),
    ),
    # while, &&: 1 + 2; lizard names Java methods Class::method
    "java": (
        "Gate.java",
        JAVA,
        Expected("java", 9, 8, 1, 3, 3, (("Gate::open", 3, 8, 3, 2),)),
    ),
    # for and five cases: 1 + 6; a two-line block comment
    "c": (
        "vowels.c",
        C,
        Expected("c", 14, 11, 2, 7, 7, (("vowels", 5, 14, 7, 1),)),
    ),
    # code outside functions adds nothing to the complexity
    "no_functions": (
        "limit.mjs",
        NO_FUNCTIONS,
        Expected("javascript", 4, 2, 1, 0, 0, ()),
    ),
}


@pytest.mark.parametrize("case", sorted(SNIPPETS))
def test_snippet_metrics_match_hand_computed_values(case: str) -> None:
    path, source, expected = SNIPPETS[case]
    metrics = analyze_blob("0" * 40, path, source.encode())
    assert metrics.error is None
    assert metrics.language == expected.language
    assert (metrics.loc, metrics.nloc, metrics.comment_lines) == (
        expected.loc,
        expected.nloc,
        expected.comment_lines,
    )
    assert (metrics.ccn_total, metrics.ccn_max) == (expected.ccn_total, expected.ccn_max)
    assert metrics.function_count == len(expected.functions)
    assert [
        (f.name, f.start_line, f.end_line, f.ccn, f.parameter_count) for f in metrics.functions
    ] == list(expected.functions)


@pytest.mark.parametrize("case", sorted(SNIPPETS))
def test_snippet_metrics_equal_lizard_run_on_a_file(case: str, tmp_path: Path) -> None:
    path, source, _ = SNIPPETS[case]
    on_disk = tmp_path / path
    on_disk.write_text(source, encoding="utf-8")
    reference = lizard.analyze_file(str(on_disk))
    metrics = analyze_blob("0" * 40, path, source.encode())
    assert metrics.nloc == reference.nloc
    assert metrics.token_count == reference.token_count
    assert metrics.ccn_total == reference.CCN
    assert [
        (f.long_name, f.start_line, f.end_line, f.nloc, f.ccn, f.parameter_count, f.token_count)
        for f in metrics.functions
    ] == [
        (
            f.long_name,
            f.start_line,
            f.end_line,
            f.nloc,
            f.cyclomatic_complexity,
            f.parameter_count,
            f.token_count,
        )
        for f in reference.function_list
    ]


PYTHON_CASES = [case for case, (_, _, e) in SNIPPETS.items() if e.language == "python"]


@pytest.mark.parametrize("case", PYTHON_CASES)
def test_python_extras_equal_radon_computed_its_own_way(case: str) -> None:
    _, source, _ = SNIPPETS[case]
    metrics = analyze_blob("0" * 40, "x.py", source.encode())
    raw = raw_analyze(source)
    assert metrics.maintainability_index == pytest.approx(mi_visit(source, True), abs=1e-9)
    assert metrics.halstead_volume == pytest.approx(h_visit(source).total.volume, abs=1e-9)
    assert metrics.comment_lines == raw.single_comments + raw.multi


def test_halstead_volume_of_grade_is_length_times_log2_vocabulary() -> None:
    # operators >=, >=, > (2 distinct); operands score x3, 90, 80, 50 (4 distinct)
    metrics = analyze_blob("0" * 40, "grade.py", PYTHON_BRANCHES.encode())
    assert metrics.halstead_volume == pytest.approx(9 * math.log2(6))


def test_maintainability_index_is_lower_for_the_more_complex_file() -> None:
    simple = analyze_blob("0" * 40, "a.py", b"def f():\n    return 1\n")
    branchy = analyze_blob("0" * 40, "b.py", PYTHON_BRANCHES.encode())
    assert simple.maintainability_index is not None and branchy.maintainability_index is not None
    assert simple.maintainability_index == 100.0
    assert 0 < branchy.maintainability_index < simple.maintainability_index


def test_function_token_and_line_counts_are_recorded() -> None:
    metrics = analyze_blob("0" * 40, "account.py", PYTHON_CLASS_WITH_COMMENTS.encode())
    (deposit,) = metrics.functions
    # lines 6, 8, 9 and 10: the comment-only line 7 is not code
    assert (deposit.long_name, deposit.nloc) == ("deposit( self , amount )", 4)
    assert deposit.token_count > 0
    assert metrics.token_count is not None
    assert metrics.token_count >= sum(f.token_count for f in metrics.functions)


def test_lizard_metric_set_skips_radon_and_estimates_python_comments() -> None:
    full = analyze_blob("0" * 40, "account.py", PYTHON_CLASS_WITH_COMMENTS.encode())
    lizard_only = analyze_blob(
        "0" * 40, "account.py", PYTHON_CLASS_WITH_COMMENTS.encode(), metric_set="lizard"
    )
    assert lizard_only.metric_set == "lizard"
    assert lizard_only.maintainability_index is None and lizard_only.halstead_volume is None
    assert (lizard_only.nloc, lizard_only.ccn_total) == (full.nloc, full.ccn_total)
    # 10 lines - 5 code - 2 blank: the docstring and the two comment-only lines
    assert lizard_only.comment_lines == 3


def test_empty_file_has_zero_everything() -> None:
    metrics = analyze_blob("0" * 40, "empty.py", b"")
    assert metrics.error is None
    assert (metrics.loc, metrics.nloc, metrics.function_count, metrics.ccn_total) == (0, 0, 0, 0)
    assert metrics.ccn_max == 0
    assert metrics.maintainability_index == 100.0


def test_last_line_without_newline_counts_as_a_line() -> None:
    with_newline = analyze_blob("0" * 40, "a.go", b"package a\n\nvar x = 1\n")
    without = analyze_blob("0" * 40, "a.go", b"package a\n\nvar x = 1")
    assert with_newline.loc == without.loc == 3


def test_crlf_line_endings_give_the_same_metrics_as_lf() -> None:
    unix = analyze_blob("0" * 40, "classify.js", JAVASCRIPT.encode())
    windows = analyze_blob("0" * 40, "classify.js", JAVASCRIPT.replace("\n", "\r\n").encode())
    assert (windows.loc, windows.nloc, windows.comment_lines, windows.ccn_total) == (
        unix.loc,
        unix.nloc,
        unix.comment_lines,
        unix.ccn_total,
    )


def test_file_without_a_source_language_gets_lines_only() -> None:
    metrics = analyze_blob("0" * 40, "docs/README.md", b"# Title\n\nSome text.\n")
    assert metrics.language is None
    assert metrics.loc == 3
    assert metrics.nloc is None and metrics.ccn_total is None
    assert metrics.error is None


def test_size_in_bytes_and_blob_sha_are_kept() -> None:
    metrics = analyze_blob("ab" * 20, "grade.py", PYTHON_BRANCHES.encode())
    assert metrics.blob_sha == "ab" * 20
    assert metrics.size_bytes == len(PYTHON_BRANCHES.encode())


def test_functions_sharing_a_name_and_line_get_distinct_keys() -> None:
    source = b"var a = xs.map(function(x){return x}).filter(function(y){return y ? 1 : 0});\n"
    metrics = analyze_blob("0" * 40, "callbacks.js", source)
    assert [(f.name, f.start_line, f.ccn) for f in metrics.functions] == [
        ("(anonymous)", 1, 1),
        ("(anonymous) #2", 1, 2),
    ]
    assert [f.long_name for f in metrics.functions] == ["(anonymous) ( x )", "(anonymous) ( y )"]

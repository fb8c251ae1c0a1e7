"""Jevons' linear-time reading of radon's raw line counts gives exactly radon's figures."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import radon
from hypothesis import given, settings
from hypothesis import strategies as st
from radon.raw import analyze

from analyzer.metrics import analyze_blob
from analyzer.metrics.raw_lines import analyze_raw

SNIPPETS = {
    "plain": "x = 1\ny = 2\n",
    "docstrings": '"""Module."""\n\n\ndef f():\n    """One\n\n    two.\n    """\n    return 1\n',
    "comments": "# top\nx = 1  # inline\n\n    # indented\n",
    "brackets_with_comments": "VALUES = [\n    1,  # one\n\n    2,\n]\nz = 3\n",
    "backslash": "total = 1 + \\\n    2 + \\\n    3\n",
    "string_statement": "'''\nnot a docstring\n'''\nx = '''a\nb'''\n",
    "semicolons_and_colons": "if x: y = 1; z = 2\nfor i in r: pass\ntry: 1/0\nexcept E: pass\n",
    "fstring": 'name = "x"\nmsg = f"{name!r} is {1 + 2:>4}"\n',
    "unterminated_quote": "x = 'abc\ny = 2\n",
    "stray_dollar": "a = $b\nc = 1\n",
    "python2": "print 'hello'\nexec 'x = 1'\n",
    "open_bracket_at_eof": "x = (1,\n2,\n",
    "open_string_at_eof": 'x = """never closed\n\n',
    "empty": "",
    "crlf": "x = (\r\n  1,\r\n)\r\n",
    "form_feed": "x = 1\n\x0c\ny = 2\n",
    "nested_data": "D = {\n  'a': [1, 2,\n        3],\n  'b': {'c': (4,\n              5)},\n}\n",
}


def _outcome(function: object, source: str) -> object:
    try:
        return function(source)  # type: ignore[operator]
    except Exception as exc:  # both sides raise radon's SyntaxError the same way
        return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_counts_equal_radons(name: str) -> None:
    source = SNIPPETS[name]
    assert _outcome(analyze_raw, source) == _outcome(analyze, source)


def test_every_python_file_of_radon_and_jevons_itself_counts_as_radon_counts() -> None:
    roots = [Path(radon.__file__).parent, Path(__file__).parents[2] / "analyzer"]
    files = [path for root in roots for path in sorted(root.rglob("*.py"))]
    assert len(files) > 50
    for path in files:
        source = path.read_text(encoding="utf-8")
        assert _outcome(analyze_raw, source) == _outcome(analyze, source), path


def test_long_data_table_is_counted_in_linear_time() -> None:
    def table(rows: int) -> str:
        body = "".join(f"    {i}, {i + 1},  # row {i}\n" for i in range(rows))
        return f"TABLE = (\n{body})\n"

    assert analyze_raw(table(300)) == analyze(table(300))
    started = time.process_time()
    counts = analyze_raw(table(20_000))
    assert time.process_time() - started < 5  # radon itself needs hours for this
    assert (counts.loc, counts.sloc, counts.comments, counts.lloc) == (20_002, 20_002, 20_000, 1)


def test_data_table_blob_gets_full_python_metrics() -> None:
    body = "".join(f"    ({i}, {i * 7 % 13}),\n" for i in range(5_000))
    metrics = analyze_blob("0" * 40, "freq.py", f"FREQ = (\n{body})\n".encode(), timeout_seconds=20)
    assert metrics.error is None
    assert metrics.maintainability_index is not None and metrics.comment_lines == 0


CODE_CHARACTERS = st.sampled_from([*list("()[]{}:;,.\"'#\\\n\t xyif=+-123"), '"""', "'''"])


@settings(max_examples=300, deadline=None)
@given(st.lists(CODE_CHARACTERS, max_size=60).map("".join))
def test_arbitrary_code_like_text_counts_as_radon_counts(source: str) -> None:
    assert _outcome(analyze_raw, source) == _outcome(analyze, source)

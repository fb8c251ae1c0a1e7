"""radon's raw line counts (``radon.raw.analyze``), without its quadratic case.

radon groups a file's stripped lines into the shortest runs that tokenize on their own:
it tries one line, and while tokenizing fails it appends the next line and tokenizes the
whole run again. A statement spanning k lines costs k tokenizations of a growing buffer,
so a data table (a 2,000-line tuple in a vendored module) takes minutes. Here the end of a
run is found by one streaming pass of the tokenizer (the first ``NEWLINE``, or ``NL``
outside brackets, ends the shortest run that can tokenize), and radon's own tokenization
of that run is then checked exactly as radon checks it; whenever that check fails, radon's
own line-by-line search takes over from there. The counts are radon's, equal by test on
every Python file version of real histories.
"""

from __future__ import annotations

import tokenize
from typing import Any

from radon.raw import (
    COMMENT,
    Module,
    _generate,
    _get_all_tokens,
    _logical,
    is_single_token,
)

_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")

Tokens = list[Any]


def analyze_raw(source: str) -> Module:
    """``radon.raw.analyze(source)``, in time linear in the length of long statements."""
    lloc = comments = single_comments = multi = blank = sloc = 0
    lines = [line.strip() for line in source.splitlines()]
    start = 0
    while start < len(lines):
        try:
            tokens, run_length = _shortest_run(lines, start)
        except StopIteration:
            raise SyntaxError(f"SyntaxError at line: {start + 1}") from None
        parsed_lines = lines[start : start + run_length]
        start += run_length
        comments += sum(1 for t in tokens if t[0] == COMMENT)
        if is_single_token(COMMENT, tokens):
            single_comments += 1
        elif is_single_token(tokenize.STRING, tokens):
            _, _, (start_row, _), (end_row, _), _ = tokens[0]
            if end_row == start_row:
                single_comments += 1
            else:
                multi += sum(1 for parsed in parsed_lines if parsed)
                blank += sum(1 for parsed in parsed_lines if not parsed)
        else:
            for parsed in parsed_lines:
                if parsed:
                    sloc += 1
                else:
                    blank += 1
        lloc += _logical(tokens)
    loc = sloc + blank + multi + single_comments
    return Module(loc, lloc, sloc, comments, multi, blank, single_comments)


def _tokenizes(buffer: str) -> Tokens | None:
    """radon's test of a run: its tokens, or ``None`` if radon would add another line."""
    try:
        tokens: Tokens = _generate(buffer)
    except tokenize.TokenError:
        return None
    if any(t[0] == tokenize.ERRORTOKEN for t in tokens):
        return None
    return tokens


def _shortest_run(lines: list[str], start: int) -> tuple[Tokens, int]:
    """The tokens and the number of lines of the run radon's ``_get_all_tokens`` would
    make from ``lines[start]``; ``StopIteration`` where radon runs out of lines."""
    tokens = _tokenizes(lines[start])
    if tokens is not None:
        return tokens, 1
    length = _streamed_run_length(lines, start)
    tokens = _tokenizes("\n".join(lines[start : start + length]))
    if tokens is not None:
        return tokens, length
    # radon would go on adding lines one at a time from here: let it
    rest = iter(lines[start + length :])
    more_tokens, more_lines = _get_all_tokens("\n".join(lines[start : start + length]), rest)
    return more_tokens, length + len(more_lines) - 1


def _streamed_run_length(lines: list[str], start: int) -> int:
    """Lines from ``start`` to where a streaming tokenizer ends its first logical line
    after the first line (every shorter run ends inside brackets, a string or a
    continuation, so fails to tokenize alone); to the end of the file if it never does."""
    position = start

    def readline() -> str:
        nonlocal position
        if position >= len(lines):
            return ""
        position += 1
        return lines[position - 1] + "\n"

    depth = 0
    try:
        for token in tokenize.generate_tokens(readline):
            kind, text, row = token[0], token[1], token[2][0]
            if kind == tokenize.OP and text in _OPENING:
                depth += 1
            elif kind == tokenize.OP and text in _CLOSING:
                depth = max(depth - 1, 0)
            elif kind == tokenize.NEWLINE or (kind == tokenize.NL and depth == 0):
                if row >= 2:  # the first line alone was already tried
                    return row
            elif kind == tokenize.ENDMARKER:
                break
    except (tokenize.TokenError, SyntaxError):
        pass
    return len(lines) - start

"""Which changes are cosmetic: whitespace, blank lines and comments, per language.

AG-SZZ blames only lines whose code changed. This module reduces source text to its code:
comments removed (by each language's own comment syntax, outside string literals) and the
whitespace outside string literals removed, line by line; where indentation is syntax
(Python), each statement keeps its nesting level. Two versions of a line (or a file) whose
code is equal differ only cosmetically. The scanner is deliberately small: it knows line and block
comments, string and character literals with backslash escapes, and Python docstrings;
it is not a parser, and a construct it does not know is treated as code (never hidden).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import PurePosixPath


@dataclasses.dataclass(frozen=True)
class CommentSyntax:
    """How one family of languages writes comments and strings.

    ``strings`` are literal delimiters with backslash escapes; those of more than one
    character and template literals (a backtick) may span lines, the others end at the
    line's end at the latest; ``raw_strings`` have no escapes and may span lines.
    ``docstrings``: a triple-quoted string that starts a line is documentation (Python).
    ``indented_blocks``: indentation is syntax (Python): a line's nesting level is code,
    so re-indenting a line into or out of a block is a change, while re-spacing a whole
    block (two spaces to four) and re-indenting a continuation line are not.
    """

    name: str
    line: tuple[str, ...] = ()
    block: tuple[tuple[str, str], ...] = ()
    strings: tuple[str, ...] = ('"', "'")
    raw_strings: tuple[str, ...] = ()
    docstrings: bool = False
    indented_blocks: bool = False


_C_LIKE = CommentSyntax("c-like", line=("//",), block=(("/*", "*/"),))
_JS_LIKE = CommentSyntax("js-like", line=("//",), block=(("/*", "*/"),), strings=('"', "'", "`"))
_GO = CommentSyntax(
    "go", line=("//",), block=(("/*", "*/"),), strings=('"', "'"), raw_strings=("`",)
)
_PYTHON = CommentSyntax(
    "python",
    line=("#",),
    strings=('"""', "'''", '"', "'"),
    docstrings=True,
    indented_blocks=True,
)
_HASH = CommentSyntax("hash", line=("#",))
_PHP = CommentSyntax("php", line=("//", "#"), block=(("/*", "*/"),))
_SQL = CommentSyntax("sql", line=("--",), block=(("/*", "*/"),))
_LUA = CommentSyntax("lua", line=("--",), block=(("--[[", "]]"),))
_HASKELL = CommentSyntax("haskell", line=("--",), block=(("{-", "-}"),), strings=('"',))
_MARKUP = CommentSyntax("markup", block=(("<!--", "-->"),), strings=())
_CSS = CommentSyntax("css", block=(("/*", "*/"),))

#: File extension -> comment syntax. A file not listed has no comments: only its blank
#: lines and whitespace are cosmetic.
SYNTAX_BY_EXTENSION: dict[str, CommentSyntax] = {
    **dict.fromkeys((".py", ".pyi", ".pyw"), _PYTHON),
    **dict.fromkeys((".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"), _JS_LIKE),
    ".go": _GO,
    **dict.fromkeys(
        (".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".m", ".mm"), _C_LIKE
    ),
    **dict.fromkeys(
        (".java", ".kt", ".kts", ".scala", ".groovy", ".cs", ".swift", ".rs", ".dart"), _C_LIKE
    ),
    ".php": _PHP,
    **dict.fromkeys(
        (".sh", ".bash", ".zsh", ".rb", ".pl", ".pm", ".r", ".yml", ".yaml", ".toml"), _HASH
    ),
    **dict.fromkeys((".cfg", ".ini", ".conf", ".tf", ".dockerfile", ".mk"), _HASH),
    ".sql": _SQL,
    ".lua": _LUA,
    ".hs": _HASKELL,
    **dict.fromkeys((".html", ".htm", ".xml", ".vue", ".svg"), _MARKUP),
    **dict.fromkeys((".css", ".scss", ".less"), _CSS),
}
_SYNTAX_BY_NAME: dict[str, CommentSyntax] = {
    "Makefile": _HASH,
    "Dockerfile": _HASH,
    "CMakeLists.txt": _HASH,
}
_PLAIN = CommentSyntax("plain", strings=())


def syntax_for(path: str) -> CommentSyntax:
    """The comment syntax of ``path``'s language (none known: whitespace only)."""
    name = PurePosixPath(path).name
    if name in _SYNTAX_BY_NAME:
        return _SYNTAX_BY_NAME[name]
    return SYNTAX_BY_EXTENSION.get(PurePosixPath(name).suffix.lower(), _PLAIN)


def code_lines(text: str, syntax: CommentSyntax) -> list[str]:
    """Each line's code, comments and whitespace removed: ``""`` for a cosmetic-only line.

    Where indentation is syntax, a line that starts a statement is prefixed with one tab
    per nesting level (a tab is whitespace, so no code can hold one).
    """
    scanner = _CodeScanner(text, syntax)
    code = scanner.lines()
    if syntax.indented_blocks:
        return _with_levels(text.split("\n"), code, scanner.starts)
    return code


def _with_levels(raw: list[str], code: list[str], starts: list[bool]) -> list[str]:
    """Prefix each statement's code with its nesting level, read as Python's tokenizer
    does: a stack of indentation widths (tabs to the next multiple of 8)."""
    widths = [0]
    leveled = []
    for text, line, start in zip(raw, code, starts, strict=True):
        if line and start:
            width = len(text.expandtabs(8)) - len(text.expandtabs(8).lstrip())
            while width < widths[-1]:
                widths.pop()
            if width > widths[-1]:
                widths.append(width)
            line = "\t" * (len(widths) - 1) + line
        leveled.append(line)
    return leveled


def code_signature(text: str, syntax: CommentSyntax) -> str:
    """The file's code as one string, blind to whitespace, line breaks and comments."""
    return "".join(code_lines(text, syntax))


def is_cosmetic_change(old_text: str, new_text: str, path: str) -> bool:
    """Whether two versions of ``path`` differ only in whitespace, blank lines or comments."""
    syntax = syntax_for(path)
    return code_signature(old_text, syntax) == code_signature(new_text, syntax)


class _CodeScanner:
    """Walks a text once, keeping code characters and dropping comments, line by line."""

    def __init__(self, text: str, syntax: CommentSyntax) -> None:
        self.text = text
        self.syntax = syntax
        self.pos = 0
        self.out: list[list[str]] = [[]]
        #: per line, whether it starts a statement: not inside brackets, a literal, or a
        #: line continued by a backslash
        self.starts: list[bool] = [True]
        self.depth = 0
        self.in_literal = False
        self.openers = sorted(
            [(d, "string") for d in syntax.strings]
            + [(d, "raw") for d in syntax.raw_strings]
            + [(d, "line") for d in syntax.line]
            + [(start, "block") for start, _ in syntax.block],
            key=lambda pair: -len(pair[0]),
        )
        self.kinds = dict(self.openers)
        self.next_opener = (
            re.compile("|".join(re.escape(opener) for opener, _ in self.openers))
            if self.openers
            else None
        )

    def lines(self) -> list[str]:
        while self.pos < len(self.text):
            self._step()
        return ["".join(chars) for chars in self.out]

    def _emit(self, chars: str, *, keep: bool, code: bool = False) -> None:
        for char in chars:
            if char == "\n":
                continued = "".join(self.out[-1]).rstrip().endswith("\\")
                self.starts.append(self.depth == 0 and not self.in_literal and not continued)
                self.out.append([])
            elif keep and not (char == "\r" or (code and char.isspace())):
                self.out[-1].append(char)  # a literal keeps its spaces: "a b" is not "ab"
            if code and char in "([{":
                self.depth += 1
            elif code and char in ")]}":
                self.depth = max(0, self.depth - 1)

    def _step(self) -> None:
        found = self.next_opener.search(self.text, self.pos) if self.next_opener else None
        stop = found.start() if found else len(self.text)
        self._emit(self.text[self.pos : stop], keep=True, code=True)
        self.pos = stop
        if found:
            self._consume(found.group(), self.kinds[found.group()])

    def _consume(self, opener: str, kind: str) -> None:
        if kind == "line":
            end = self.text.find("\n", self.pos)
            self.pos = len(self.text) if end < 0 else end
            return
        if kind == "block":
            closer = dict(self.syntax.block)[opener]
            self._skip_to(closer, start=self.pos + len(opener), keep=False)
            return
        is_doc = self.syntax.docstrings and len(opener) == 3 and not "".join(self.out[-1]).strip()
        self._emit(opener, keep=not is_doc)
        self.pos += len(opener)
        self.in_literal = True
        self._read_literal(opener, escapes=kind == "string", keep=not is_doc)
        self.in_literal = False

    def _skip_to(self, closer: str, *, start: int, keep: bool) -> None:
        end = self.text.find(closer, start)
        stop = len(self.text) if end < 0 else end + len(closer)
        self._emit(self.text[self.pos : stop], keep=keep)
        self.pos = stop

    def _read_literal(self, delimiter: str, *, escapes: bool, keep: bool) -> None:
        multiline = len(delimiter) > 1 or delimiter == "`" or not escapes
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if escapes and char == "\\":
                self._emit(self.text[self.pos : self.pos + 2], keep=keep)
                self.pos += 2
            elif self.text.startswith(delimiter, self.pos):
                self._emit(delimiter, keep=keep)
                self.pos += len(delimiter)
                return
            elif char == "\n" and not multiline:
                return  # an unterminated one-line literal ('a lifetime, a stray quote)
            else:
                self._emit(char, keep=keep)
                self.pos += 1

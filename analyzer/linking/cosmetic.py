"""Which changes are cosmetic: whitespace, blank lines and comments, per language.

AG-SZZ blames only lines whose code changed. This module reduces source text to its code:
comments removed (by each language's own comment syntax, outside string literals) and all
whitespace removed, line by line. Two versions of a line (or a file) whose code is equal
differ only cosmetically. The scanner is deliberately small: it knows line and block
comments, string and character literals with backslash escapes, and Python docstrings;
it is not a parser, and a construct it does not know is treated as code (never hidden).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import PurePosixPath

_WHITESPACE = re.compile(r"\s+")


@dataclasses.dataclass(frozen=True)
class CommentSyntax:
    """How one family of languages writes comments and strings.

    ``strings`` are literal delimiters with backslash escapes; those of more than one
    character and template literals (a backtick) may span lines, the others end at the
    line's end at the latest; ``raw_strings`` have no escapes and may span lines.
    ``docstrings``: a triple-quoted string that starts a line is documentation (Python).
    """

    name: str
    line: tuple[str, ...] = ()
    block: tuple[tuple[str, str], ...] = ()
    strings: tuple[str, ...] = ('"', "'")
    raw_strings: tuple[str, ...] = ()
    docstrings: bool = False


_C_LIKE = CommentSyntax("c-like", line=("//",), block=(("/*", "*/"),))
_JS_LIKE = CommentSyntax("js-like", line=("//",), block=(("/*", "*/"),), strings=('"', "'", "`"))
_GO = CommentSyntax(
    "go", line=("//",), block=(("/*", "*/"),), strings=('"', "'"), raw_strings=("`",)
)
_PYTHON = CommentSyntax("python", line=("#",), strings=('"""', "'''", '"', "'"), docstrings=True)
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
    """Each line's code, comments and whitespace removed: ``""`` for a cosmetic-only line."""
    return [_WHITESPACE.sub("", line) for line in _CodeScanner(text, syntax).lines()]


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

    def _emit(self, chars: str, *, keep: bool) -> None:
        for char in chars:
            if char == "\n":
                self.out.append([])
            elif keep:
                self.out[-1].append(char)

    def _step(self) -> None:
        found = self.next_opener.search(self.text, self.pos) if self.next_opener else None
        stop = found.start() if found else len(self.text)
        self._emit(self.text[self.pos : stop], keep=True)
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
        self._read_literal(opener, escapes=kind == "string", keep=not is_doc)

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

"""A deterministic repository for the default ``make bench``: built with ``git fast-import``.

The same seed gives the same commits, blobs and SHAs on any machine. The history looks
like a small service growing: Python modules (most of the code), some JavaScript and Go,
functions added, edited (a branch added, a constant changed) and removed, a vendored
directory and a lock file (excluded from complexity), and topic branches merged with
``--no-ff`` so first-parent history carries work in merge commits.
"""

from __future__ import annotations

import dataclasses
import random
import subprocess
from pathlib import Path

START_EPOCH = 1_704_099_600  # 2024-01-01 09:00 UTC
AUTHORS = (
    ("Ada Example", "ada@example.com"),
    ("Grace Example", "grace@example.com"),
    ("Linus Example", "linus@example.com"),
)
PYTHON_MODULES = 40
JAVASCRIPT_MODULES = 8
GO_MODULES = 6


@dataclasses.dataclass
class _Tree:
    """The files of the tip being built: path -> function bodies (or raw text)."""

    functions: dict[str, list[str]]
    serial: int = 0

    def render(self, path: str) -> bytes:
        header = {
            ".py": '"""Module {name}."""\n\nimport math\n\n',
            ".js": "// module {name}\n'use strict';\n\n",
            ".go": "package svc\n\n// {name}\n\n",
        }[Path(path).suffix].format(name=Path(path).stem)
        return (header + "\n\n".join(self.functions[path]) + "\n").encode()


def _python_function(rng: random.Random, serial: int) -> str:
    lines = [f"def handle_{serial}(request, limit={rng.randint(1, 99)}):"]
    lines.append(f'    """Handle case {serial}."""')
    lines.append("    total = 0")
    for branch in range(rng.randint(1, 5)):
        op = rng.choice(["<", ">", "==", ">="])
        lines.append(f"    if request.size {op} {rng.randint(0, 500)} and limit:")
        lines.append(f"        total += math.floor(request.size / {branch + 2})")
        if rng.random() < 0.4:
            lines.append(f"        for item in request.items[:{rng.randint(2, 9)}]:")
            lines.append("            total += len(item) if item else 1")
    lines.append("    # clamp to the limit")
    lines.append("    return min(total, limit)")
    return "\n".join(lines)


def _javascript_function(rng: random.Random, serial: int) -> str:
    checks = " && ".join(f"x.k{i} > {rng.randint(0, 50)}" for i in range(rng.randint(1, 3)))
    return (
        f"function handle{serial}(x, y) {{\n"
        f"  // case {serial}\n"
        f"  if ({checks}) {{\n    return y ? x.k0 : {rng.randint(1, 9)};\n  }}\n"
        f"  for (let i = 0; i < {rng.randint(2, 20)}; i++) {{\n    y += i;\n  }}\n"
        "  return y;\n}"
    )


def _go_function(rng: random.Random, serial: int) -> str:
    return (
        f"func Handle{serial}(a int, b int) int {{\n"
        f"\tif a > {rng.randint(0, 99)} {{\n\t\treturn a - b\n\t}}\n"
        f"\tswitch b {{\n\tcase {rng.randint(0, 5)}:\n\t\treturn a\n"
        f"\tcase {rng.randint(6, 9)}:\n\t\treturn b\n\t}}\n"
        "\treturn a + b\n}"
    )


_MAKERS = {".py": _python_function, ".js": _javascript_function, ".go": _go_function}


def _initial_paths() -> list[str]:
    paths = [f"service/mod_{i:02d}.py" for i in range(PYTHON_MODULES)]
    paths += [f"web/widget_{i}.js" for i in range(JAVASCRIPT_MODULES)]
    paths += [f"cmd/part_{i}.go" for i in range(GO_MODULES)]
    return [*paths, "vendor/leftpad/leftpad.py"]


def _edit(tree: _Tree, rng: random.Random, path: str) -> None:
    """Add, change or remove a function of ``path``."""
    functions = tree.functions[path]
    make = _MAKERS[Path(path).suffix]
    roll = rng.random()
    if not functions or roll < 0.45:
        tree.serial += 1
        functions.append(make(rng, tree.serial))
    elif roll < 0.9 or len(functions) < 3:
        index = rng.randrange(len(functions))
        tree.serial += 1
        functions[index] = make(rng, tree.serial)
    else:
        functions.pop(rng.randrange(len(functions)))


class _Stream:
    """Writes a fast-import stream: commits with inline file contents."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.mark = 0
        self.clock = START_EPOCH

    def commit(
        self,
        ref: str,
        message: str,
        files: dict[str, bytes],
        author: tuple[str, str],
        parents: tuple[int, ...] = (),
    ) -> int:
        self.mark += 1
        self.clock += 3600
        who = f"{author[0]} <{author[1]}> {self.clock} +0000"
        out = [f"commit {ref}\nmark :{self.mark}\nauthor {who}\ncommitter {who}\n".encode()]
        out.append(b"data %d\n%s\n" % (len(message.encode()), message.encode()))
        if parents:
            out.append(f"from :{parents[0]}\n".encode())
            out.extend(f"merge :{p}\n".encode() for p in parents[1:])
        for path, content in sorted(files.items()):
            out.append(f"M 100644 inline {path}\ndata {len(content)}\n".encode())
            out.append(content + b"\n")
        self.parts.append(b"".join(out))
        return self.mark


def generate_repository(path: Path, commits: int = 1200, seed: int = 7) -> Path:
    """Create a repository of about ``commits`` first-parent commits at ``path``."""
    rng = random.Random(seed)
    tree = _Tree({p: [] for p in _initial_paths()})
    stream = _Stream()
    for p in tree.functions:
        for _ in range(3):
            _edit(tree, rng, p)
    files = {p: tree.render(p) for p in tree.functions}
    files["poetry.lock"] = b"# lock file\n" * 50
    tip = stream.commit("refs/heads/main", "Initial service", files, AUTHORS[0])
    python_and_more = [p for p in tree.functions if not p.startswith("vendor/")]
    made = 1
    while made < commits:
        if rng.random() < 0.12:
            tip = _topic_branch(stream, tree, rng, python_and_more, tip, made)
        else:
            changed = rng.sample(python_and_more, rng.randint(1, 3))
            for p in changed:
                _edit(tree, rng, p)
            author = AUTHORS[made % len(AUTHORS)]
            message = f"Change {', '.join(Path(p).stem for p in changed)} (#{made})"
            content = {p: tree.render(p) for p in changed}
            tip = stream.commit("refs/heads/main", message, content, author, (tip,))
        made += 1
    _fast_import(path, b"".join(stream.parts))
    return path


def _topic_branch(
    stream: _Stream, tree: _Tree, rng: random.Random, paths: list[str], tip: int, number: int
) -> int:
    """Two or three commits on a topic branch, then a ``--no-ff`` merge into main."""
    ref = f"refs/heads/topic-{number}"
    touched: set[str] = set()
    topic_tip = tip
    for step in range(rng.randint(2, 3)):
        changed = rng.sample(paths, rng.randint(1, 2))
        for p in changed:
            _edit(tree, rng, p)
        touched.update(changed)
        content = {p: tree.render(p) for p in changed}
        topic_tip = stream.commit(
            ref, f"Topic {number} step {step}", content, AUTHORS[2], (topic_tip,)
        )
    merged = {p: tree.render(p) for p in touched}
    return stream.commit(
        "refs/heads/main", f"Merge topic-{number}", merged, AUTHORS[1], (tip, topic_tip)
    )


def _fast_import(path: Path, stream: bytes) -> None:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input=stream, check=True)
    subprocess.run(["git", "-C", str(path), "checkout", "-q", "-f", "main"], check=True)

"""Histories for the miner's tests, and independent readings of git and of the store.

``build_polyglot_history`` makes a repository with everything the miner must get right:
merges that bring work in, renames (one with edits, one out of ``vendor/``), a binary
file, a path with a newline and a non-UTF-8 byte, a mode change, a symbolic link, a
deletion, excluded files, and Python, JavaScript, Go and C with real branching. The
helpers below read git's own output and the store's tables without the miner's code.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb

from tests.support.repo_builder import RepoBuilder

WEIRD_PATH = "docs/we\nird\udcff.py"  # a newline and the byte 0xff (surrogate-escaped)

PY_V1 = """\
def grade(score):
    if score > 90:
        return "A"
    elif score > 80:
        return "B"
    return "C"
"""

PY_V2 = (
    PY_V1
    + """

def total(values):
    result = 0
    for value in values:
        if value is not None and value > 0:
            result += value
    return result
"""
)

PY_V3 = PY_V2.replace("def grade(score):", "def grade(score, curve=0):").replace(
    "score > 90", "score + curve > 90"
)

JS_V1 = """\
function pick(items, wanted) {
  for (const item of items) {
    if (item === wanted) {
      return item;
    }
  }
  return null;
}
"""

JS_V2 = (
    JS_V1
    + """
function label(n) {
  return n > 1 ? "many" : n === 1 ? "one" : "none";
}
"""
)

GO_V1 = """\
package main

func classify(n int) string {
\tswitch {
\tcase n < 0:
\t\treturn "negative"
\tcase n == 0:
\t\treturn "zero"
\t}
\treturn "positive"
}
"""

GO_V2 = (
    GO_V1
    + """
func sum(xs []int) int {
\ttotal := 0
\tfor _, x := range xs {
\t\tif x > 0 && x < 100 {
\t\t\ttotal += x
\t\t}
\t}
\treturn total
}
"""
)

C_V1 = """\
int count_until(const int *xs, int n, int stop) {
    int i = 0;
    while (i < n && xs[i] != stop) {
        i++;
    }
    return i;
}
"""

C_V2 = C_V1.replace("return i;", "if (i == n) {\n        return -1;\n    }\n    return i;")

VENDORED = """\
def vendored(a, b):
    if a and b:
        return a
    return b or a
"""

WEIRD = """\
def odd(x):
    return x % 2 == 1 or x < 0
"""

BINARY = bytes(range(256)) * 4


def build_polyglot_history(repo: RepoBuilder) -> None:
    """Main with two merged branches and every kind of change the miner meets."""
    repo.commit(
        "Start: Python and JavaScript",
        {"src/app.py": PY_V1, "web/app.js": JS_V1, "README.md": "# demo\n", "logo.png": BINARY},
    )
    repo.commit("Add totals and the Go command", {"src/app.py": PY_V2, "cmd/main.go": GO_V1})
    repo.checkout("feature", create=True)
    repo.commit("Add the C helper", {"lib/util.c": C_V1})
    repo.commit("Label counts", {"web/app.js": JS_V2})
    repo.checkout("main")
    repo.commit("Vendor a dependency", {"vendor/dep.py": VENDORED})
    repo.merge("feature")
    repo.git("mv", "src/app.py", "src/core.py")
    repo.commit("Rename app to core, with a curve", {"src/core.py": PY_V3})
    repo.commit("An odd file name and a new logo", {WEIRD_PATH: WEIRD, "logo.png": BINARY[::-1]})
    repo.git("mv", "vendor/dep.py", "src/dep.py")
    repo.commit("Adopt the vendored code", {"README.md": None})
    repo.git("update-index", "--chmod=+x", "src/core.py")
    os.symlink("src/core.py", repo.path / "link.py")
    repo.git("add", "link.py")
    repo.commit("Executable core and a link to it")
    repo.checkout("feature2", create=True)
    repo.commit("Handle a missing stop", {"lib/util.c": C_V2})
    repo.checkout("main")
    repo.commit("Sum positives", {"cmd/main.go": GO_V2})
    repo.merge("feature2")
    repo.commit("Drop the web client", {"web/app.js": None})
    repo.commit(
        "Generated and lock files",
        {
            "web/bundle.min.js": JS_V2 + "// bundled\n",
            "package-lock.json": "{}\n",
            "gen/vendor/x.go": GO_V2,
        },
    )


def build_long_history(repo: RepoBuilder, commits: int) -> None:
    """``commits`` commits growing and editing a handful of Python and C files."""
    for n in range(commits):
        name = f"pkg/mod{n % 7}.py"
        body = "".join(
            f"def f{n}_{i}(x):\n    if x > {i}:\n        return x - {i}\n    return {i}\n\n"
            for i in range(n % 5 + 1)
        )
        files: dict[str, str | bytes | None] = {name: body, f"c/unit{n % 3}.c": C_V1 + f"// {n}\n"}
        repo.commit(f"Change {n}", files)


ROOT = Path(__file__).resolve().parents[2]


def run_jevons(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command line in ``cwd`` (no configuration file unless the test wrote one)."""
    env = {k: v for k, v in os.environ.items() if k != "JEVONS_DB"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "analyzer.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def git_bytes(repo_dir: Path, *args: str) -> bytes:
    """Run git in ``repo_dir`` with no user or system configuration; stdout as bytes."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo_dir)}
    return subprocess.run(
        ["git", *args], cwd=repo_dir, env=env, capture_output=True, check=True
    ).stdout


def numstat_by_commit(repo_dir: Path, *log_args: str) -> dict[str, tuple[int, int, int]]:
    """``{sha: (lines_added, lines_deleted, files)}`` read from ``git log --numstat``
    output (quoted paths and all), with nothing of the miner's parser."""
    out = git_bytes(repo_dir, "log", "--numstat", "--format=COMMIT %H", *log_args).decode()
    totals: dict[str, list[int]] = {}
    current = ""
    for line in out.splitlines():
        if line.startswith("COMMIT "):
            current = line.split()[1]
            totals[current] = [0, 0, 0]
            continue
        match = re.match(r"^(\d+|-)\t(\d+|-)\t", line)
        if match:
            added, deleted = match.groups()
            totals[current][0] += 0 if added == "-" else int(added)
            totals[current][1] += 0 if deleted == "-" else int(deleted)
            totals[current][2] += 1
    return {sha: (a, d, f) for sha, (a, d, f) in totals.items()}


def head_tree(repo_dir: Path) -> list[tuple[int, str, bytes]]:
    """``(mode, blob_sha, raw_path)`` of every entry of HEAD's tree."""
    entries = []
    for record in git_bytes(repo_dir, "ls-tree", "-r", "-z", "HEAD").split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, _, sha = meta.decode().split()
        entries.append((int(mode, 8), sha, path))
    return entries


#: Columns that record when and how long, not what: left out when comparing stores.
VOLATILE_COLUMNS = {"repos": ("mined_at", "mine_seconds")}
CONTENT_TABLES = ("repos", "commits", "file_changes", "blob_metrics", "function_metrics", "meta")


def store_contents(db_path: Path, tables: tuple[str, ...] = CONTENT_TABLES) -> dict[str, Any]:
    """Every row of ``tables``, sorted, without the volatile columns: two stores holding
    the same facts compare equal."""
    contents: dict[str, Any] = {}
    with duckdb.connect(str(db_path), read_only=True) as conn:
        for table in tables:
            columns = [
                row[0]
                for row in conn.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                    "ORDER BY column_index",
                    [table],
                ).fetchall()
                if row[0] not in VOLATILE_COLUMNS.get(table, ())
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(f"SELECT {listed} FROM {table} ORDER BY ALL").fetchall()
            contents[table] = rows
    return contents


def counts_by_table(db_path: Path) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    with duckdb.connect(str(db_path), read_only=True) as conn:
        for table in CONTENT_TABLES:
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts[table] = int(row[0]) if row else 0
    return dict(counts)

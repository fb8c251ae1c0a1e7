"""Torture: size. A commit touching 20,000 files and a 200 MiB binary blob, both built
with ``git fast-import`` (the blob streamed in chunks, never whole in this process): they
mine with git's figures, and the big blob is recorded as binary and over the size limit
without the miner holding it in memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.torture_repos import (
    data,
    fast_import,
    git_numstat,
    git_raw,
    mine,
    query,
    stored_numstat,
)

ROOT = Path(__file__).resolve().parents[2]
WIDE = 20_000
TEMPLATES = [
    f"def f{i}(x):\n    if x > {i}:\n        return x\n    return {i}\n" for i in range(10)
]
BLOCK = bytes(range(256)) * 16  # 4 KiB, NULs included: binary to git and to the miner
BIG_BLOCKS = 51_200  # 200 MiB


def _wide_stream() -> Iterator[bytes]:
    """Two commits: one adding 20,000 files (every fifth one Python), one editing all."""
    for n, (message, suffix) in enumerate([("add 20000 files", ""), ("touch all", "# edit\n")]):
        yield (
            b"commit refs/heads/main\n"
            + f"committer Ada <ada@example.com> {1_700_000_000 + n * 3600} +0000\n".encode()
            + data(message.encode())
        )
        for i in range(WIDE):
            name = f"pkg{i % 100:02d}/mod{i:05d}.{'py' if i % 5 == 0 else 'txt'}"
            yield (
                b"M 644 inline "
                + name.encode()
                + b"\n"
                + data((TEMPLATES[i % 10] + suffix).encode())
            )


@pytest.mark.slow
def test_a_commit_touching_20000_files_mines_with_git_numstat(tmp_path: Path) -> None:
    path = tmp_path / "wide"
    path.mkdir()
    git_raw(path, "init", "-q", "-b", "main")
    fast_import(path, _wide_stream())
    db = tmp_path / "s.duckdb"

    summary = mine(path, db)

    assert stored_numstat(db, summary.repo_id) == git_numstat(path, "first-parent")
    assert sorted(f for (f,) in query(db, "SELECT files_changed FROM commits")) == [WIDE, WIDE]
    assert query(db, "SELECT count(*) FROM file_changes") == [(2 * WIDE,)]
    # the two Python contents (every fifth file is Python), before and after the edit
    measured = "SELECT count(*), max(ccn_total), count(error) FROM blob_metrics"
    assert query(db, measured) == [(4, 2, 0)]
    deltas = dict(query(db, "SELECT message, ccn_delta FROM commits"))
    assert deltas == {"add 20000 files": 2 * WIDE // 5, "touch all": 0}


def _big_stream() -> Iterator[bytes]:
    """One commit holding a 200 MiB binary blob at a binary path and at a C path."""
    size = len(BLOCK) * BIG_BLOCKS
    yield b"blob\nmark :1\ndata %d\n" % size
    for _ in range(BIG_BLOCKS):
        yield BLOCK
    yield (
        b"\ncommit refs/heads/main\ncommitter Ada <ada@example.com> 1700000000 +0000\n"
        + data(b"firmware")
        + b"M 644 :1 assets/firmware.bin\nM 644 :1 src/firmware_table.c\n"
        + b"M 644 inline src/ok.c\n"
        + data(b"int ok(int x) { if (x) return 1; return 0; }\n")
    )


MINE_AND_REPORT_MEMORY = """
import json, resource, sys
from analyzer.config import Config
from analyzer.mining import mine_repositories
mine_repositories([sys.argv[1]], db=sys.argv[2], workers=1, config=Config())
print(json.dumps({"max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _mine_in_own_process(repo: Path, db: Path) -> int:
    """Mine in a fresh interpreter; its peak resident memory in KiB (git's own not counted)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", MINE_AND_REPORT_MEMORY, str(repo), str(db)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    return int(json.loads(out.splitlines()[-1])["max_rss_kib"])


@pytest.mark.slow
def test_a_200_mib_binary_blob_is_recorded_over_the_size_limit_without_being_held(
    tmp_path: Path,
) -> None:
    big, small = tmp_path / "big", tmp_path / "small"
    for path in (big, small):
        path.mkdir()
        git_raw(path, "init", "-q", "-b", "main")
    git_raw(big, "config", "core.bigFileThreshold", "1m")  # fast-import streams it to a pack
    fast_import(big, _big_stream())
    fast_import(small, b"".join(_big_stream_small()))

    baseline = _mine_in_own_process(small, tmp_path / "small.duckdb")
    peak = _mine_in_own_process(big, tmp_path / "big.duckdb")

    db = tmp_path / "big.duckdb"
    assert stored_numstat(db, "big") == git_numstat(big, "first-parent")
    rows = query(db, "SELECT path, is_binary, lines_added FROM file_changes ORDER BY path")
    assert rows == [
        ("assets/firmware.bin", True, 0),
        ("src/firmware_table.c", True, 0),
        ("src/ok.c", False, 1),
    ]
    blob = git_raw(big, "rev-parse", "HEAD:src/firmware_table.c").decode().strip()
    ((size, loc, error),) = query(
        db, "SELECT size_bytes, loc, error FROM blob_metrics WHERE blob_sha = ?", [blob]
    )
    assert size == len(BLOCK) * BIG_BLOCKS
    assert loc == BIG_BLOCKS * BLOCK.count(b"\n") + 1  # the last line has no newline
    assert error.startswith("size limit: 209,715,200 bytes (200.0 MiB) is over max_blob_bytes")
    assert (peak - baseline) < 64 * 1024, f"peak {peak} KiB against {baseline} KiB"


def _big_stream_small() -> Iterator[bytes]:
    """The same commit with a 4 KiB blob: the memory baseline."""
    yield b"blob\nmark :1\n" + data(BLOCK)
    yield (
        b"commit refs/heads/main\ncommitter Ada <ada@example.com> 1700000000 +0000\n"
        + data(b"firmware")
        + b"M 644 :1 assets/firmware.bin\nM 644 :1 src/firmware_table.c\n"
        + b"M 644 inline src/ok.c\n"
        + data(b"int ok(int x) { if (x) return 1; return 0; }\n")
    )

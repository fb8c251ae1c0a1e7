"""The tools Jevons is compared with, in their own virtual environment.

PyDriller and wily are not Jevons dependencies, and wily pins ``radon<5.2`` while Jevons
needs radon 6, so they live in ``.venv-bench`` (git-ignored), created on first use with
``python -m venv`` and pip, and run as subprocesses there. Versions are pinned so the
figures of two runs compare.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV = PROJECT_ROOT / ".venv-bench"
REQUIREMENTS = ("pydriller==2.12", "wily==1.25.0")
_STAMP = BENCH_VENV / ".installed"


def bench_python() -> Path:
    """The ``.venv-bench`` interpreter, creating the environment if it is missing."""
    python = BENCH_VENV / "bin" / "python"
    wanted = "\n".join(REQUIREMENTS)
    if python.exists() and _STAMP.exists() and _STAMP.read_text() == wanted:
        return python
    print(f"setting up {BENCH_VENV.name} with {', '.join(REQUIREMENTS)} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         *REQUIREMENTS],
        check=True,
    )  # fmt: skip
    _STAMP.write_text(wanted)
    return python


def bench_tool(name: str) -> Path:
    """A console script of ``.venv-bench`` (``wily``)."""
    return bench_python().parent / name

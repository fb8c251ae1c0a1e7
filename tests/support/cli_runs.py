"""Running ``jevons`` the way a user does, for the hardening tests.

:func:`run_main` calls the real entry point (:func:`analyzer.cli.main`, the error
boundary) in this process, with its own argv, and returns the exit code and what it
printed; :func:`jevons_process` starts it as a separate process, for tests that signal it
or run two at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from analyzer.cli import main

ROOT = Path(__file__).resolve().parents[2]


class CliRun(NamedTuple):
    code: int
    out: str
    err: str


def run_main(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> CliRun:
    """``jevons ARGS`` through :func:`analyzer.cli.main`, in this process."""
    monkeypatch.setattr(sys, "argv", ["jevons", *args])
    monkeypatch.delenv("JEVONS_DB", raising=False)
    capsys.readouterr()
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return CliRun(code, captured.out, captured.err)


def jevons_env(**extra: str) -> dict[str, str]:
    """The environment for a ``jevons`` child: this checkout first on the path, no store
    chosen by the caller's own environment."""
    env = {k: v for k, v in os.environ.items() if k != "JEVONS_DB"}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def ctrl_c_reaches_child() -> None:
    """``preexec_fn`` of a child a test sends Ctrl-C to: SIGINT at its default action, as
    in a terminal, even when the tests run with it ignored (started as a shell's background
    job, or by a CI runner that does so); Python then turns it into ``KeyboardInterrupt``."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def jevons_process(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """``jevons ARGS`` started as its own process (output piped, text)."""
    return subprocess.Popen(
        [sys.executable, "-m", "analyzer.entry", *args],
        cwd=cwd,
        env=env or jevons_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_reaches_child,
    )

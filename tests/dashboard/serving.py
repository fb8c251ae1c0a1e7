"""Start ``jevons dashboard`` on a free loopback port and stop it: for the browser test,
the benchmark and the load script."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

HOST = "127.0.0.1"
START_TIMEOUT = 60.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def jevons_executable() -> list[str]:
    """The installed ``jevons`` command beside this interpreter, else ``python -m``."""
    beside = Path(sys.executable).with_name("jevons")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("jevons")
    return [found] if found else [sys.executable, "-m", "analyzer.cli"]


@contextlib.contextmanager
def running_dashboard(db: Path, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The real ``jevons dashboard --db DB --port N`` serving, as (base URL, process)."""
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*jevons_executable(), "dashboard", "--db", str(db), "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        base = f"http://{HOST}:{port}"
        try:
            wait_until_healthy(base, process, log)
            yield base, process
        finally:
            stop(process)


def wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll Streamlit's health endpoint until it answers ``ok``."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the dashboard exited with {process.returncode}:\n"
                + log.read_text(errors="replace")
            )
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response,
        ):
            if response.read().strip() == b"ok":
                return
        time.sleep(0.25)
    raise RuntimeError(
        f"the dashboard did not answer within {START_TIMEOUT:.0f}s:\n"
        + log.read_text(errors="replace")
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server we started (its own process group, by its id)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

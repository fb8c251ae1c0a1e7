"""``jevons dashboard``: a real server on a free port, bound to loopback only, headless,
with usage statistics off; and the store left untouched (read-only)."""

from __future__ import annotations

import hashlib
import urllib.request
from pathlib import Path

import psutil
import pytest

from analyzer.dashboard_launch import dashboard_command
from tests.dashboard.serving import running_dashboard

pytestmark = pytest.mark.slow


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_dashboard_listens_on_loopback_only_and_leaves_the_store_unchanged(
    empty_store: Path, tmp_path: Path
) -> None:
    before = _digest(empty_store)
    with running_dashboard(empty_store, tmp_path / "server.log") as (base, process):
        listening = [
            c.laddr
            for c in psutil.Process(process.pid).net_connections("inet")
            if c.status == psutil.CONN_LISTEN
        ]
        assert listening, "the server listens on no socket"
        assert {address.ip for address in listening} == {"127.0.0.1"}
        with urllib.request.urlopen(f"{base}/overview", timeout=10) as response:
            assert response.status == 200
    assert _digest(empty_store) == before


def test_command_is_headless_without_telemetry_and_passes_the_store(tmp_path: Path) -> None:
    command = dashboard_command(tmp_path / "x.duckdb", port=9999)
    settings = dict(zip(command[5:-3:2], command[6:-3:2], strict=True))
    assert settings["--server.address"] == "127.0.0.1"
    assert settings["--server.port"] == "9999"
    assert settings["--server.headless"] == "true"
    assert settings["--browser.gatherUsageStats"] == "false"
    assert command[-3:] == ["--", "--db", str((tmp_path / "x.duckdb").resolve())]
    chosen = dashboard_command(tmp_path / "x.duckdb", host="0.0.0.0")
    assert chosen[chosen.index("--server.address") + 1] == "0.0.0.0"

"""Start the Streamlit dashboard on a store: what ``jevons dashboard`` runs.

The server binds to 127.0.0.1 unless a host is given, runs headless (it opens no browser
and asks for no e-mail), and sends no usage statistics. The dashboard opens the store
read-only, so it can run while ``jevons mine`` writes to the same file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dashboard

APP = Path(dashboard.__file__).parent / "app.py"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8501


def dashboard_command(
    db: Path,
    *,
    port: int = DEFAULT_PORT,
    host: str = DEFAULT_HOST,
    config: Path | None = None,
) -> list[str]:
    """The ``streamlit run`` command line that serves the dashboard on ``db``."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--",
        "--db",
        str(db.resolve()),
    ]
    if config is not None:
        command += ["--config", str(config.resolve())]
    return command


def launch_dashboard(
    db: Path,
    *,
    port: int = DEFAULT_PORT,
    host: str = DEFAULT_HOST,
    config: Path | None = None,
) -> None:
    """Replace this process with the dashboard server (so stopping it stops the server)."""
    command = dashboard_command(db, port=port, host=host, config=config)
    print(f"Jevons dashboard on http://{host}:{port} (store: {db}, read-only)", flush=True)
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    os.execve(command[0], command, env)

"""Untrusted text never drives the terminal: escape sequences (SGR colours, OSC 8
hyperlinks, window titles, screen clears), carriage returns, backspaces, bells and bidi
overrides in commit messages, author names, paths, incident titles and severity labels
reach the terminal as plain text through every command that prints them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.table import Table
from rich.text import Text

from analyzer.terminal import SafeConsole, neutralise
from tests.support.cli_runs import run_main
from tests.support.repo_builder import RepoBuilder

HOSTILE = (
    "\x1b[2J\x1b[31mred\x1b[0m"  # clear the screen, colour
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"  # a hyperlink
    "\x1b]0;pwned\x07"  # the window title
    "fake\rover\x08\x08written"  # overwrite the line
    "\x9b31m\u202eevil\u202c"  # 8-bit CSI, a right-to-left override
)
#: Any character a terminal acts on: C0 but tab and newline, DEL, C1, bidi controls.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_neutralise_keeps_the_visible_text_and_drops_what_a_terminal_acts_on() -> None:
    shown = neutralise(HOSTILE + "\n\tnext line")
    assert not UNSAFE.search(shown)
    assert shown.startswith("[2J[31mred[0m]8;;https://evil.example/")
    assert shown.endswith("\n\tnext line")


def test_a_safe_console_keeps_tables_aligned_and_its_own_styles(tmp_path: Path) -> None:
    table = Table("who", "what")
    table.add_row(Text("\x1b[31mmallory\x1b[0m"), "x")
    table.add_row("alice", "\x1b]0;t\x07y")
    out = tmp_path / "out.txt"
    with out.open("w") as handle:
        console = SafeConsole(file=handle, force_terminal=True, color_system="standard", width=60)
        console.print(table)
        console.print("[bold]styled[/]")
    text = out.read_text()
    visible = re.sub(r"\x1b\[[0-9;]*m", "", text)  # Rich's own colour codes, and only those
    assert not UNSAFE.search(visible)
    widths = {len(line) for line in visible.splitlines() if line.strip()[:1] in "┃│┏┡└"}
    assert len(widths) == 1  # every row as wide as the header: alignment survived
    assert "\x1b[1m" in text  # the console's own styling still reaches the terminal


@pytest.fixture
def hostile_repo(tmp_path: Path) -> RepoBuilder:
    repo = RepoBuilder(tmp_path / f"repo\x1b[31m{chr(0x202E)}x")
    author = (f"Mallory {HOSTILE}", "mallory@example.com")
    repo.commit(
        f"feat: {HOSTILE}\n\nCo-authored-by: {HOSTILE} <a@b.c>", {"a.py": "x = 1\n"}, author=author
    )
    repo.commit(f"Fix INC-1 {HOSTILE}", {"a.py": "x = 2\n"}, author=author)
    return repo


def test_every_command_prints_hostile_text_as_plain_text(
    hostile_repo: RepoBuilder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = str(tmp_path / "s.duckdb")
    incidents = tmp_path / "incidents.csv"
    title = HOSTILE.replace('"', "").replace(",", " ")
    incidents.write_text(
        "id,title,created_at,resolved_at,severity\n"
        f'INC-1,"{title}",2024-01-01T12:00:00+00:00,,"{title}"\n'
        f'INC-2,"{title}",not a date {title},,\n',
        encoding="utf-8",
    )
    sha = hostile_repo.head()
    runs = {
        "mine": ["mine", str(hostile_repo.path), "--db", db],
        "import": ["incidents", "import", str(incidents), "--skip-invalid", "--db", db],
        "link": ["link", "--db", db],
        "explain": ["attribution", "explain", sha, "--db", db],
        "analyze": ["analyze", "--db", db],
        "error": ["attribution", "explain", f"zz{HOSTILE}", "--db", db],
    }
    printed = {}
    for name, args in runs.items():
        result = run_main(args, monkeypatch, capsys)
        assert result.code == (0 if name != "error" else 2), (name, result.err)
        printed[name] = result.out + result.err
        assert not UNSAFE.search(printed[name]), (name, printed[name])

    assert "Mallory" in printed["explain"]
    assert "[2J[31mred[0m]8;;https://evil.example/" in printed["explain"]
    assert "severity left empty" in printed["import"] and "[31mred" in printed["import"]
    assert "skipped" in printed["import"]
    assert "error:" in printed["error"]

"""Nothing from a repository is ever executed: a repository whose configuration and
attributes name a program at every hook git offers (text conversion and external diff
drivers, clean/smudge filters, fsmonitor, hooks, pagers, gpg, credential helpers) goes
through the whole pipeline (mine, import, link, explain, analyze, export, the PR report and
the review), and the program never runs."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from tests.support.cli_runs import run_main
from tests.support.repo_builder import RepoBuilder

HOOKS = (
    "pre-commit",
    "post-checkout",
    "post-merge",
    "post-rewrite",
    "reference-transaction",
    "pre-auto-gc",
    "fsmonitor-watchman",
)


def _evil_program(where: Path, marker: Path) -> Path:
    program = where / "evil.sh"
    program.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\ncat "$1" 2>/dev/null\n')
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program


def _arm(repo: RepoBuilder, program: Path) -> None:
    """Point every configurable program of the repository at ``program``."""
    hooks = repo.path / ".git" / "evil-hooks"
    hooks.mkdir()
    for hook in HOOKS:
        (hooks / hook).symlink_to(program)
    settings = {
        "diff.evil.textconv": str(program),
        "diff.evil.command": str(program),
        "diff.external": str(program),
        "filter.evil.clean": str(program),
        "filter.evil.smudge": str(program),
        "filter.evil.process": str(program),
        "merge.evil.driver": str(program),
        "core.fsmonitor": str(program),
        "core.hooksPath": str(hooks),
        "core.pager": str(program),
        "pager.log": str(program),
        "pager.blame": str(program),
        "gpg.program": str(program),
        "credential.helper": str(program),
        "core.sshCommand": str(program),
        "core.alternateRefsCommand": str(program),
        "uploadpack.packObjectsHook": str(program),
        "log.showSignature": "true",
    }
    for key, value in settings.items():
        repo.git("config", key, value)
    (repo.path / ".git" / "info" / "attributes").write_text("* diff=evil filter=evil merge=evil\n")


def test_no_program_named_by_a_repository_runs_anywhere_in_the_pipeline(
    repo: RepoBuilder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = "def pay(amount):\n    if amount > 0:\n        return amount\n    return 0\n"
    repo.commit("add pay", {"pay.py": code, ".gitattributes": "*.py diff=evil filter=evil\n"})
    repo.commit("more", {"other.py": "def other():\n    return 1\n"})
    fix = repo.commit("Fix INC-1: refunds", {"pay.py": code.replace("> 0", ">= 0")})
    marker = tmp_path / "executed.log"
    _arm(repo, _evil_program(tmp_path, marker))
    subprocess.run(["git", "log", "-p", "-1", fix], cwd=repo.path, capture_output=True)
    assert marker.exists()  # the trap works: git itself runs what the repository names
    marker.unlink()
    incidents = tmp_path / "incidents.csv"
    incidents.write_text(
        "id,title,created_at,resolved_at,fix_commits\n"
        f"INC-1,Refunds fail,2024-01-01T10:30:00+00:00,2024-01-01T12:00:00+00:00,{fix}\n"
    )

    steps = [
        ("mine", str(repo.path), "--history", "full", "--workers", "1"),
        ("incidents", "import", str(incidents)),
        ("link", "--szz-variant", "b"),
        ("attribution", "explain", fix),
        ("analyze", "--json"),
        ("export", "--parquet", str(tmp_path / "parquet")),
        ("report", "pr", "--base", "HEAD~2", "--head", "HEAD", "--repo", str(repo.path)),
        ("report", "review", "--from", "2024-01-01", "--to", "2024-01-31", "--out", "r.html"),
    ]
    monkeypatch.chdir(tmp_path)
    for step in steps:
        result = run_main([*step, "--db", str(tmp_path / "s.duckdb")], monkeypatch, capsys)
        assert result.code == 0, (step, result.err)

    assert not marker.exists(), marker.read_text()

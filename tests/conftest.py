"""Shared fixtures: real git repositories with fixed dates, real DuckDB files."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.store import Store, open_store
from tests.support.repo_builder import RepoBuilder


@pytest.fixture
def repo(tmp_path: Path) -> RepoBuilder:
    """An empty repository on branch ``main`` with a fixed clock."""
    return RepoBuilder(tmp_path / "repo")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A new, empty store file."""
    return open_store(tmp_path / "jevons.duckdb")

"""The dashboard's data layer: the only module that caches, and the only one pages call.

Every function is keyed by the store's path and fingerprint (file and write-ahead-log
modification times) plus the scope the filters chose, so a finished ``jevons mine`` shows
up on the next rerun and nothing stale is served. Reads go through read-only connections
that are closed after each batch (see :mod:`dashboard.store_state`). While a writer holds
the store, a read gives up after a moment and the page keeps the last data this session
loaded, with a note saying so.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st

from analyzer.analysis import AnalysisResult, analyze
from analyzer.config import AnalysisConfig, load_config
from analyzer.errors import StoreLockedError
from analyzer.scope import Scope
from analyzer.store import default_db_path
from dashboard import records
from dashboard.store_state import StoreState, fingerprint, read_store_state, reader

T = TypeVar("T")
Fingerprint = tuple[str, int, int]
#: Two ``(start, end)`` date ranges for the decomposition, end exclusive.
Periods = tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]
#: Session-state key the app and the tests use to choose the store.
DB_KEY = "db_path"
BUSY_KEY = "_jevons_store_busy"
_LAST_GOOD = "_jevons_last_good:"
BUSY_MESSAGE = (
    "Another process (a `jevons mine`, import or link) is writing to the store "
    "and nothing was loaded from it yet: reload this page in a moment."
)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Where the store is and how to analyse it, from the command line after ``--``."""

    db: Path
    config: Path | None


def settings() -> Settings:
    """The store (session state ``db_path``, else ``--db`` after ``--``, else ``$JEVONS_DB``,
    else ``./jevons.duckdb``) and the optional ``--config`` file."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--config", type=Path, default=None)
    args, _ = parser.parse_known_args(sys.argv[1:])
    chosen = st.session_state.get(DB_KEY) or args.db
    return Settings(db=Path(chosen) if chosen else default_db_path(), config=args.config)


def store_state(db: Path) -> StoreState:
    """What the store holds now (cached per fingerprint). While a writer holds a store
    this session has never read, the state says so as its ``problem``."""
    try:
        return _keep_last_good("state", str(db), lambda: _state(str(db), fingerprint(db)))
    except StoreLockedError:
        return StoreState(path=db, problem=BUSY_MESSAGE)


def analysis(
    db: Path, scope: Scope, config_file: Path | None = None, periods: Periods | None = None
) -> AnalysisResult:
    """The analysis of the store in ``scope`` (cached); ``periods`` chooses the
    decomposition's two periods (default: around adoption)."""
    config = analysis_config(config_file)
    key = f"{db}|{scope!r}|{periods}|{config!r}"
    return _keep_last_good(
        "analysis",
        key,
        lambda: _analysis(str(db), fingerprint(db), scope, periods, repr(config), config),
    )


def incident_table(db: Path, scope: Scope) -> pd.DataFrame:
    """The incidents in scope, newest first (cached)."""
    return _keep_last_good(
        "incidents", f"{db}|{scope!r}", lambda: _incident_table(str(db), fingerprint(db), scope)
    )


def incident_links(db: Path, incident_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One incident's linked commits and link notes (cached)."""
    return _keep_last_good(
        "links",
        f"{db}|{incident_id}",
        lambda: _incident_links(str(db), fingerprint(db), incident_id),
    )


def file_history(
    db: Path, repo_id: str, path: str, scope: Scope
) -> tuple[pd.DataFrame, str | None]:
    """One file's changes up to the end of ``scope``, and complexity after each, thinned if
    busy (cached)."""
    return _keep_last_good(
        "file",
        f"{db}|{repo_id}|{path}|{scope.date_to}",
        lambda: _file_history(str(db), fingerprint(db), repo_id, path, scope.date_to),
    )


def analysis_config(config_file: Path | None) -> AnalysisConfig:
    """The analysis settings from ``--config``, else jevons.toml/pyproject.toml here."""
    return load_config(file=config_file).analysis


def store_busy() -> bool:
    """True when this rerun served some data from before a writer took the store."""
    return bool(st.session_state.get(BUSY_KEY, False))


def begin_rerun() -> None:
    """Forget the previous rerun's busy note (the app calls this first on every run)."""
    st.session_state[BUSY_KEY] = False


def _keep_last_good(kind: str, key: str, load: Callable[[], T]) -> T:
    slot = f"{_LAST_GOOD}{kind}:{key}"
    try:
        value = load()
    except StoreLockedError:
        if slot not in st.session_state:
            raise
        st.session_state[BUSY_KEY] = True
        saved: T = st.session_state[slot]
        return saved
    st.session_state[slot] = value
    return value


@st.cache_data(show_spinner=False, max_entries=64)
def _state(db: str, fp: Fingerprint) -> StoreState:
    return read_store_state(Path(db))


@st.cache_data(show_spinner="Analysing the store…", max_entries=32)
def _analysis(
    db: str,
    fp: Fingerprint,
    scope: Scope,
    periods: Periods | None,
    config_key: str,
    _config: AnalysisConfig,
) -> AnalysisResult:
    period_a, period_b = periods if periods is not None else (None, None)
    return analyze(
        reader(Path(db)),
        scope,
        config=_config,
        period_a=period_a,
        period_b=period_b,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _incident_table(db: str, fp: Fingerprint, scope: Scope) -> pd.DataFrame:
    return records.incident_table(reader(Path(db)), scope)


@st.cache_data(show_spinner=False, max_entries=256)
def _incident_links(
    db: str, fp: Fingerprint, incident_id: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return records.incident_links(reader(Path(db)), incident_id)


@st.cache_data(show_spinner=False, max_entries=128)
def _file_history(
    db: str, fp: Fingerprint, repo_id: str, path: str, date_to: dt.date | None
) -> tuple[pd.DataFrame, str | None]:
    return records.file_history(reader(Path(db)), repo_id, path, Scope(date_to=date_to))

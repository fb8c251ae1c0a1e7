"""The store: one DuckDB file holding everything Jevons knows (see ``schema.py``).

A :class:`Store` opens a connection only for as long as a unit of work needs it, so a
reader (the dashboard) and a writer (``jevons mine``) can take turns on the same file:
DuckDB lets one process write or several read, never both at once. Writers also hold an
advisory lock file for their whole run, so two writers never interleave their batches.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, overload

import duckdb
import pandas as pd

from analyzer.errors import StoreError, StoreLockedError, StoreVersionError
from analyzer.store.schema import INDEXES, MIGRATIONS, SCHEMA_VERSION, TABLES

DEFAULT_DB = "jevons.duckdb"
_DUCKDB_MAGIC = b"DUCK"
_LOCK_MESSAGES = ("Could not set lock", "Conflicting lock")
#: What :func:`open_store` does when no file is at the path: create a new store, raise a
#: :class:`StoreError` saying what to run first, or return ``None`` (a caller that can do
#: without a store, like the pull-request report).
Missing = Literal["create", "error", "none"]


def default_db_path() -> Path:
    """``$JEVONS_DB`` if set, else ``./jevons.duckdb``."""
    return Path(os.environ.get("JEVONS_DB") or DEFAULT_DB)


class Store:
    """A Jevons store at ``path``; use :func:`open_store` to get a checked one."""

    def __init__(self, path: Path, *, read_only: bool = False, lock_wait: float = 30.0) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.lock_wait = lock_wait

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one unit of work, closed afterwards."""
        conn = self._open_connection()
        try:
            yield conn
        finally:
            try:
                conn.close()  # a checkpoint: it writes
            except duckdb.IOException as exc:
                raise _write_failure(self.path, exc) from exc

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside one transaction: all of the block's writes land, or none.

        A write the file system refuses (a full disk, a file-size limit) is a
        :class:`StoreError`; what earlier transactions committed stays in the store.
        """
        if self.read_only:
            raise StoreError(f"{self.path}: the store was opened read-only")
        with self.connect() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except duckdb.Error as exc:  # the write-ahead log could not be written
                raise _write_failure(self.path, exc) from exc

    def query_df(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run one query and return its rows as a DataFrame."""
        with self.connect() as conn:
            return conn.execute(sql, params or []).df()

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one query and return its rows as tuples."""
        with self.connect() as conn:
            return conn.execute(sql, params or []).fetchall()

    def _open_connection(self) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_wait
        delay = 0.05
        while True:
            try:
                # No progress bar: DuckDB draws one on the terminal during long queries,
                # which would interleave with Jevons' own output.
                conn = duckdb.connect(str(self.path), read_only=self.read_only)
                conn.execute("SET enable_progress_bar = false")
                return conn
            except duckdb.IOException as exc:
                if not any(m in str(exc) for m in _LOCK_MESSAGES):
                    raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise StoreLockedError(
                        f"{self.path}: another process has the store open "
                        f"(waited {self.lock_wait:.0f}s); try again when it has finished"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
            except duckdb.Error as exc:
                raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc


@overload
def open_store(
    db: Path | str | Store | None = None,
    *,
    read_only: bool = False,
    missing: Literal["create", "error"] | None = None,
    lock_wait: float = 30.0,
) -> Store: ...


@overload
def open_store(
    db: Path | str | Store | None = None,
    *,
    read_only: bool = False,
    missing: Literal["none"],
    lock_wait: float = 30.0,
) -> Store | None: ...


def open_store(
    db: Path | str | Store | None = None,
    *,
    read_only: bool = False,
    missing: Missing | None = None,
    lock_wait: float = 30.0,
) -> Store | None:
    """The store ``db`` names, checked: a path (``None``: :func:`default_db_path`), or a
    :class:`Store` already open, returned as it is. The one way Jevons opens a store.

    A writer (``read_only`` false) migrates an older store forward. ``missing`` says what
    happens when there is no file at the path (see :data:`Missing`; unsaid, a writer creates
    the store and a reader raises); a reader cannot create one. A file that is not a DuckDB
    database, a DuckDB file that is not a Jevons store, or a store written by a newer Jevons
    is refused with a :class:`StoreError` and never touched. ``lock_wait`` is how long each
    connection waits for a writer to let go.
    """
    if isinstance(db, Store):
        return db
    if missing is None:
        missing = "error" if read_only else "create"
    if read_only and missing == "create":
        raise ValueError("a store opened read-only cannot be created: missing='error' or 'none'")
    path = Path(db) if db is not None else default_db_path()
    if missing == "none" and not path.exists():
        return None
    store = Store(path, read_only=read_only, lock_wait=lock_wait)
    _check_location(store.path, create=missing == "create")
    try:
        if read_only:
            with store.connect() as conn:
                _check_version(conn, store.path, read_only=True)
            return store
        with store.transaction() as conn:
            _check_version(conn, store.path, read_only=False)
    except duckdb.Error as exc:  # a damaged file fails on its first read, not on connect
        raise StoreError(
            f"{store.path}: cannot read the store, the file may be damaged ({_reason(exc)}); "
            "restore it from a copy, or point --db at a new file"
        ) from exc
    return store


def store_problem(db: Path | str | None = None, *, lock_wait: float = 30.0) -> str | None:
    """What keeps the store at ``db`` from being read, in the words :func:`open_store`
    raises (the path, what is wrong, what to run), or ``None`` when it can be read. A
    writer holding the file is no problem with the file: that raises
    :class:`StoreLockedError`."""
    try:
        open_store(db, read_only=True, missing="error", lock_wait=lock_wait)
    except StoreLockedError:
        raise
    except StoreError as exc:
        return str(exc)
    return None


class StoreOnFirstUse:
    """The store at ``db`` for a writer that may fail on its input before it has anything
    to write (an import, a mining run): checked at once, as :func:`open_store` checks it
    (a bad ``--db`` is refused before any work), but created, and its writer lock taken,
    only when first asked for, so a run that fails first leaves no store behind where
    there was none. :meth:`close` releases the lock."""

    def __init__(self, db: Path | str | None, *, lock_wait: float = 0.0) -> None:
        self.path = Path(db) if db is not None else default_db_path()
        self.lock_wait = lock_wait
        _check_location(self.path, create=True)
        # an existing store is opened (and so checked) now, and only once
        self._store = open_store(self.path, read_only=False, missing="none")
        self._lock: contextlib.ExitStack | None = None

    def writable(self) -> Store:
        if self._store is None:
            self._store = open_store(self.path, read_only=False, missing="create")
        if self._lock is None:
            lock = contextlib.ExitStack()
            lock.enter_context(writer_lock(self.path, wait=self.lock_wait))
            self._lock = lock  # held: set only once taken
        return self._store

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()


def _write_failure(path: Path, exc: duckdb.Error) -> StoreError:
    return StoreError(
        f"{path}: cannot write to the store ({_reason(exc)}); everything committed before "
        "is kept: make room (or choose another --db) and run the command again"
    )


def _reason(exc: BaseException) -> str:
    """The first line of an error's message, for a one-line error of our own."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _check_location(path: Path, *, create: bool) -> None:
    if not path.parent.is_dir():
        raise StoreError(
            f"{path}: the directory {path.parent} does not exist; create it or choose another --db"
        )
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a store file; give a file path to --db")
    if not path.exists():
        if not create:
            raise StoreError(
                f"{path}: no store here yet; run `jevons mine REPO --db {path}` first "
                "(or `jevons demo` for a sample store)"
            )
        return
    with path.open("rb") as handle:
        header = handle.read(16)
    if header[8:12] != _DUCKDB_MAGIC:
        raise StoreError(f"{path}: not a DuckDB file; refusing to open or overwrite it")


def _check_version(conn: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool) -> None:
    tables = {row[0] for row in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "meta" not in tables:
        if tables:
            raise StoreError(
                f"{path}: a DuckDB database, but not a Jevons store (no 'meta' table); "
                "refusing to change it"
            )
        if read_only:
            raise StoreError(f"{path}: the store is empty; run `jevons mine REPO` first")
        _create_schema(conn)
        return
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        version = int(row[0]) if row else 0
    except ValueError as exc:
        raise StoreVersionError(f"{path}: unreadable schema version {row!r}") from exc
    if version > SCHEMA_VERSION:
        raise StoreVersionError(
            f"{path}: written by a newer Jevons (schema {version}, this one knows up to "
            f"{SCHEMA_VERSION}); upgrade Jevons to read it"
        )
    if version < SCHEMA_VERSION:
        if read_only:
            raise StoreVersionError(
                f"{path}: schema {version} is older than {SCHEMA_VERSION}; "
                "run any writing command (e.g. `jevons attribute`) once to migrate it"
            )
        _migrate(conn, version)
    elif not read_only:
        _create_schema(conn)  # tables added within a version (idempotent)


def _create_schema(conn: duckdb.DuckDBPyConnection) -> None:
    for ddl in TABLES.values():
        conn.execute(ddl)
    for ddl in INDEXES:
        conn.execute(ddl)
    _set_version(conn, SCHEMA_VERSION)


def _migrate(conn: duckdb.DuckDBPyConnection, version: int) -> None:
    for step in range(version, SCHEMA_VERSION):
        for statement in MIGRATIONS.get(step, ()):
            conn.execute(statement)
    _create_schema(conn)


def _set_version(conn: duckdb.DuckDBPyConnection, version: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", [str(version)]
    )


@contextlib.contextmanager
def writer_lock(path: Path, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the store's writer lock (``<db>.lock``) for a whole run.

    A second writer waits up to ``wait`` seconds, then fails with a :class:`StoreLockedError`
    naming the process that holds the lock. The lock is released when the process ends, even
    if it is killed, because it is an ``flock`` on an open file.
    """
    lock_path = Path(f"{path}.lock")
    handle = lock_path.open("a+")
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise StoreLockedError(
                        f"{path}: {holder} is writing to this store; wait for it to finish "
                        "(or point --db at another file)"
                    ) from exc
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"jevons pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()

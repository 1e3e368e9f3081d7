"""Opening SQLite connections in the two roles the store uses: writer and reader.

Every check that can fail before the first query runs here, so a missing path, a directory, a
garbage file or a database of another program gets one clear ``SessionError``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final, TypeVar
from urllib.parse import quote

from .errors import SessionError, SqliteError, StoreIOError, from_sqlite

__all__ = [
    "BUSY_TIMEOUT_MS",
    "connect_memory",
    "connect_reader",
    "connect_writer",
    "file_identity",
    "in_write_transaction",
    "remove_new_side_files",
    "side_files",
    "use_wal",
]

BUSY_TIMEOUT_MS: Final = 5_000
READER_CACHE_KIB: Final = 512
"""SQLite's page cache of each read-only connection (its default is 2,000 KiB). The reads
here walk a session's pages once in order (a page of events, a strip's bins, a search), so
pages kept in the process are seldom read again, while the operating system's cache keeps
the file either way; at the default, the connections of one open session held 5.6 MiB more
(the app's peak RSS on the benchmark's 200k session: 54.5 -> 48.9 MiB). Not written to the
file: a connection's own setting."""
SQLITE_HEADER: Final = b"SQLite format 3\x00"
T = TypeVar("T")


def _decode_text(raw: bytes) -> str:
    # One row with invalid UTF-8 must not blank a whole query.
    return raw.decode("utf-8", errors="replace")


def _prepare(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.text_factory = _decode_text
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


# The files (st_dev, st_ino) this process has opened SQLite connections to. POSIX locks
# belong to the process: opening such a file with ``open()`` and closing it would release
# every lock those connections hold, and another process's writer would then take itself for
# the last connection (checkpoint, delete ``-wal``, or worse). So the header is read with
# ``open()`` only for a file no connection of this process has seen; after that, SQLite's own
# checks (SQLITE_NOTADB and the schema check) speak for the file.
_seen_files: set[tuple[int, int]] = set()
_seen_lock = threading.RLock()


def file_identity(path: Path) -> tuple[int, int] | None:
    """(st_dev, st_ino) of the file at ``path`` now, or None when there is none. A ``stat``
    takes no lock: safe whatever connections are open."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _check_file(path: Path) -> None:
    """Fail clearly on what is not an SQLite file, before SQLite gets to guess."""
    if not path.exists():
        raise StoreIOError(f"no database at {path}")
    if path.is_dir():
        raise StoreIOError(f"{path} is a directory, not a database file")
    identity = file_identity(path)
    if identity in _seen_files:
        return  # a connection of ours has it open: never open() it (see above)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise StoreIOError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size == 0:
        raise SessionError(f"{path} is an empty file, not a ZERO session database")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except PermissionError:
        raise StoreIOError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise StoreIOError(f"cannot read {path}: {exc.strerror or exc}") from None
    if header != SQLITE_HEADER:
        if len(header) < len(SQLITE_HEADER) and SQLITE_HEADER.startswith(header):
            raise SessionError(f"{path} is truncated: not a complete SQLite database")
        raise SessionError(f"{path} is not an SQLite database")


def _remember(path: Path) -> None:
    identity = file_identity(path)
    if identity is not None:
        _seen_files.add(identity)


def connect_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection that never creates or modifies the file.

    Works while another process writes (WAL). Raises ``SessionError`` on any problem.
    """
    with _seen_lock:
        _check_file(path)
        conn = _connect(path, "ro")
        try:
            conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            conn.close()
            error = from_sqlite(exc, path, "cannot read")
            code = error.code
            if code.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")) and not os.access(
                path.parent, os.W_OK
            ):
                raise SqliteError(
                    f"cannot read {path}: its directory is read-only and SQLite needs to create "
                    f"{path.name}-shm there for a WAL database; copy the database somewhere "
                    "writable",
                    code,
                ) from None
            raise error from None
        _remember(path)
    return conn


def connect_writer(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """A read-write connection. With ``create`` (the client's own open), the file and its
    parent directories are made when missing; without it (an action on a database the user
    is browsing), a missing file is an error and nothing is created at its path."""
    with _seen_lock:
        if not create:
            if not path.exists():
                raise StoreIOError(
                    f"no database at {path} any more (removed or moved): nothing was written"
                )
            _check_file(path)
            conn = _connect(path, "rw")
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreIOError(
                    f"cannot create directory {path.parent}: {exc.strerror or exc}"
                ) from None
            if path.exists() and (path.is_dir() or path.stat().st_size > 0):
                _check_file(path)  # a 0-byte file is a valid empty database
            conn = _connect(path, "rwc")
        _remember(path)
    return conn


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode={mode}"
    try:
        conn = sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=5.0
        )
    except sqlite3.Error as exc:
        raise from_sqlite(exc, path, "cannot open") from None
    try:
        _prepare(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise from_sqlite(exc, path, "cannot open") from None
    return conn


def use_wal(conn: sqlite3.Connection) -> None:
    """The Rust client's journal settings. A write in itself (the header changes when a
    rollback-journal database turns WAL): call only once the database may be written."""
    conn.execute("PRAGMA journal_mode = WAL").fetchone()
    conn.execute("PRAGMA synchronous = NORMAL")


def side_files(path: Path) -> set[Path]:
    """The ``-wal`` and ``-shm`` files beside ``path`` that exist now."""
    return {p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()}


def remove_new_side_files(path: Path, before: set[Path]) -> None:
    """After a failed read-only open: remove the ``-wal``/``-shm`` files SQLite created for
    a file that turned out unreadable, so a refused database is left as it was found."""
    for side in side_files(path) - before:
        with contextlib.suppress(OSError):
            side.unlink()


def connect_memory() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    return _prepare(conn)


def in_write_transaction(
    conn: sqlite3.Connection,
    body: Callable[[sqlite3.Connection], T],
    *,
    path: Path | None,
    doing: str,
    deadline_s: float | None = None,
) -> T:
    """Run ``body`` inside ``BEGIN IMMEDIATE`` ... ``COMMIT``, retrying the whole transaction
    with backoff on BUSY until ``deadline_s`` has passed. Any other error rolls back and raises.
    """
    if deadline_s is None:  # read at call time, so a changed BUSY_TIMEOUT_MS applies
        deadline_s = BUSY_TIMEOUT_MS / 1000 * 2
    give_up = time.monotonic() + deadline_s
    pause = 0.002
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = body(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result
        except sqlite3.OperationalError as exc:
            name = getattr(exc, "sqlite_errorname", "")
            if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) and time.monotonic() < give_up:
                time.sleep(pause)
                pause = min(pause * 2, 0.1)
                continue
            raise from_sqlite(exc, path, doing) from None
        except sqlite3.Error as exc:
            raise from_sqlite(exc, path, doing) from None

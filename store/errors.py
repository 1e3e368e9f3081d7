"""One error type for every store failure, with the four cases of the Rust crate.

Messages are one line a user can read; they never quote database text unescaped.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = [
    "MigrationError",
    "SerializationError",
    "SessionError",
    "SqliteError",
    "StoreIOError",
    "from_sqlite",
]


class SessionError(Exception):
    """Base class: every failure of the store is one of these."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SqliteError(SessionError):
    """SQLite refused or failed an operation.

    ``code`` is SQLite's error name (``SQLITE_BUSY``, ``SQLITE_NOTADB`` ...) or ``""``.
    """

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code

    @property
    def is_busy(self) -> bool:
        return self.code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


class MigrationError(SessionError):
    """The schema is missing, incomplete or newer than this code knows."""


class SerializationError(SessionError):
    """A value could not be encoded or decoded (a wrap report, an unsafe ulid ...)."""


class StoreIOError(SessionError):
    """A filesystem failure: a directory that cannot be created, a file that cannot be written."""


_HINTS: dict[str, str] = {
    "SQLITE_BUSY": "the database is locked by another process; try again in a moment",
    "SQLITE_BUSY_SNAPSHOT": "the database changed under a transaction; try again",
    "SQLITE_BUSY_RECOVERY": "the database is being recovered by another process; try again",
    "SQLITE_LOCKED": "the database is locked; try again in a moment",
    "SQLITE_NOTADB": "the file is not an SQLite database",
    "SQLITE_CORRUPT": "the database file is corrupt; restore it from a backup",
    "SQLITE_FULL": "the disk is full; nothing was written",
    "SQLITE_CANTOPEN": "the file cannot be opened (check that it exists and its permissions)",
    "SQLITE_READONLY": "the database or its directory is read-only",
    "SQLITE_READONLY_DIRECTORY": "the database directory is read-only",
    "SQLITE_IOERR": "a disk I/O error occurred",
    "SQLITE_PERM": "permission denied",
    "SQLITE_CONSTRAINT_UNIQUE": "a row with that key already exists",
    "SQLITE_CONSTRAINT_CHECK": "a value was rejected by the schema",
    "SQLITE_CONSTRAINT_FOREIGNKEY": "the row refers to a session that does not exist",
}


def _hint(code: str) -> str | None:
    if code in _HINTS:
        return _HINTS[code]
    for prefix, hint in _HINTS.items():
        if code.startswith(prefix + "_"):
            return hint
    return None


def from_sqlite(exc: sqlite3.Error, path: str | Path | None, doing: str) -> SqliteError:
    """Turn an ``sqlite3`` exception into a one-line ``SqliteError``.

    ``doing`` says what was attempted ("reading sessions", "appending an event").
    """
    code = getattr(exc, "sqlite_errorname", "") or ""
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    hint = _hint(code)
    where = f" {path}" if path is not None and str(path) != ":memory:" else ""
    text = f"{doing}{where}: {hint} ({detail})" if hint else f"{doing}{where}: {detail}"
    return SqliteError(text, code)

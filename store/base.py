"""The connection a ``Store`` owns, and the plumbing every query and write goes through.

One lock serialises use of the connection, so a store may be shared by threads. Reads fetch
what they return and close their cursor (no WAL snapshot stays pinned); writes run in
``BEGIN IMMEDIATE`` transactions retried on BUSY.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from . import connection
from .errors import MigrationError, SessionError, SqliteError, from_sqlite
from .timestamps import format_rfc3339

__all__ = ["Clock", "StoreBase", "utc_now"]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoreBase:
    """Session-store handle. Thread-safe: one lock serialises use of the connection."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path | None,
        *,
        read_only: bool,
        write_refusal: str | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self.path = path
        self.read_only = read_only
        self.write_refusal = write_refusal
        self._clock = clock

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"Store({str(self.path or ':memory:')!r}, {mode})"

    @property
    def writable(self) -> bool:
        return not self.read_only and self.write_refusal is None

    # ---- plumbing ------------------------------------------------------------------------

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise SessionError(f"the store for {self.path or ':memory:'} is closed")
        return self._conn

    def _rows(self, sql: str, params: Sequence[Any] = (), doing: str = "reading") -> list[Any]:
        with self._lock:
            conn = self._live()
            try:
                cursor = conn.execute(sql, params)
                try:
                    return cursor.fetchall()
                finally:
                    cursor.close()
            except sqlite3.Error as exc:
                raise from_sqlite(exc, self.path, doing) from None

    def _row(self, sql: str, params: Sequence[Any] = (), doing: str = "reading") -> Any:
        rows = self._rows(sql, params, doing)
        return rows[0] if rows else None

    def _write(self, doing: str, body: Callable[[sqlite3.Connection], Any]) -> Any:
        if self.write_refusal is not None:
            error = MigrationError if not self.read_only else SqliteError
            raise error(f"cannot {doing}: {self.write_refusal}")
        with self._lock:
            return connection.in_write_transaction(
                self._live(), body, path=self.path, doing=f"cannot {doing} in"
            )

    def _now(self) -> str:
        return format_rfc3339(self._clock())

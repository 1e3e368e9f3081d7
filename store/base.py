"""The connection a ``Store`` owns, and the plumbing every query and write goes through.

One lock serialises use of the connection, so a store may be shared by threads. Reads fetch
what they return and close their cursor (no WAL snapshot stays pinned); writes run in
``BEGIN IMMEDIATE`` transactions retried on BUSY.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from . import connection
from .errors import MigrationError, SessionError, SqliteError, from_sqlite
from .timestamps import format_rfc3339

__all__ = ["Clock", "ReadSnapshot", "StoreBase", "utc_now"]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ReadSnapshot:
    """What ``StoreBase.read_snapshot`` holds: ``held`` is True when every read inside sees
    one snapshot of the database (one read transaction), False in rollback-journal mode,
    where each read sees the database as it is then and the caller must verify what it read.
    """

    held: bool
    journal_mode: str


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

    def _write(
        self,
        doing: str,
        body: Callable[[sqlite3.Connection], Any],
        *,
        deadline_s: float | None = None,
    ) -> Any:
        """Run ``body`` in one ``BEGIN IMMEDIATE`` transaction, retried on BUSY until
        ``deadline_s`` (``connection.in_write_transaction``'s default when None)."""
        if self.write_refusal is not None:
            error = MigrationError if not self.read_only else SqliteError
            raise error(f"cannot {doing}: {self.write_refusal}")
        with self._lock:
            if self._in_snapshot:
                raise SessionError(
                    f"cannot {doing}: a read snapshot is open on this store (writes are "
                    "refused until it ends)"
                )
            return connection.in_write_transaction(
                self._live(),
                body,
                path=self.path,
                doing=f"cannot {doing} in",
                deadline_s=deadline_s,
            )

    # ---- one consistent read -------------------------------------------------------------

    _in_snapshot = False  # set on the instance while read_snapshot runs (under self._lock)

    @contextmanager
    def read_snapshot(self) -> Iterator[ReadSnapshot]:
        """Every read inside the ``with`` block sees ONE state of the database, whatever
        other connections commit meanwhile: for an export whose header count must match
        its body.

        - WAL (and in-memory) databases: ``BEGIN`` and a first read pin a snapshot; writers
          in other processes go on (the WAL grows until it ends; keep it to one export).
          ``COMMIT`` at the end, ``ROLLBACK`` when the block raises.
        - Rollback-journal databases (``PRAGMA journal_mode`` is ``delete``, ``truncate``,
          ``persist`` or ``off``, as plain sqlite3 makes them): a read transaction would
          hold a SHARED lock that blocks every commit of the ZERO client for the whole
          block, so none is held. Each read is its own short statement, and the snapshot
          says ``held=False``: the caller must verify at the end that what it read is
          still so (``export`` checks the session's count and last seq).

        The store's lock is held for the whole block, so other threads using this store
        wait until it ends: give a long read a store of its own. Each statement still closes
        its cursor. Nested use, and any write through this store inside the block, raise
        ``SessionError``."""
        with self._lock:
            if self._in_snapshot:
                raise SessionError(
                    "a read snapshot is already open on this store; nested snapshots are "
                    "not supported"
                )
            conn = self._live()
            mode = str(self._row("PRAGMA journal_mode")[0]).lower()
            held = mode in ("wal", "memory") or self.path is None
            self._in_snapshot = True
            try:
                if not held:
                    yield ReadSnapshot(held=False, journal_mode=mode)
                    return
                try:
                    conn.execute("BEGIN").close()
                    # The first read pins the snapshot now, not at the caller's first query.
                    conn.execute("SELECT COUNT(*) FROM sqlite_master").close()
                except sqlite3.Error as exc:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK").close()
                    raise from_sqlite(exc, self.path, "cannot start a read of") from None
                try:
                    yield ReadSnapshot(held=True, journal_mode=mode)
                except BaseException:
                    if self._conn is not None and self._conn.in_transaction:
                        with suppress(sqlite3.Error):  # the block's error is the one to tell
                            self._conn.execute("ROLLBACK").close()
                    raise
                if self._conn is None:
                    return  # closed inside the block: closing ended the transaction
                try:
                    if conn.in_transaction:
                        conn.execute("COMMIT").close()
                except sqlite3.Error as exc:
                    raise from_sqlite(exc, self.path, "cannot end a read of") from None
            finally:
                self._in_snapshot = False

    def _now(self) -> str:
        return format_rfc3339(self._clock())

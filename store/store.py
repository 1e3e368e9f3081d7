"""The ``Store`` handle: opening a database, and the seed's operations.

Opening checks everything that can fail before the first query (``connection.py``); the
paged reads a browser needs are in ``browse.py``, the plumbing in ``base.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Self

from . import connection, schema
from .base import Clock, utc_now
from .browse import BrowseReads
from .errors import SerializationError, SessionError, from_sqlite
from .kinds import EventKind
from .rows import SessionRow, StoredEvent
from .sql import (
    EVENT_COLUMNS,
    MAX_IDS,
    SESSION_COLUMNS,
    check_limit,
    like_literal,
    session_row,
    stored_event,
)

__all__ = ["Clock", "Store"]


class Store(BrowseReads):
    """Session-store handle. Thread-safe: one lock serialises use of the connection."""

    # ---- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, clock: Clock = utc_now) -> Self:
        """Open or create a database at ``path`` (creating parent directories) and apply the
        schema idempotently. A database recording a newer refinery migration than this code
        knows opens for reading only: its writes raise ``MigrationError``."""
        db_path = Path(path).expanduser()
        conn = connection.connect_writer(db_path)
        try:
            version = schema.recorded_migration_version(conn)
            if version is not None and version > schema.KNOWN_MIGRATION_VERSION:
                schema.check_schema(conn)
                refusal = (
                    f"{db_path} records schema version {version}, newer than version "
                    f"{schema.KNOWN_MIGRATION_VERSION} that this code knows: "
                    "it can be read but not written; upgrade zero-session-tui"
                )
                return cls(conn, db_path, read_only=False, write_refusal=refusal, clock=clock)
            connection.use_wal(conn)
            schema.apply_schema(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise from_sqlite(exc, db_path, "cannot prepare the schema of") from None
        except SessionError as exc:
            conn.close()
            raise type(exc)(f"{db_path}: {exc}") from None
        return cls(conn, db_path, read_only=False, clock=clock)

    @classmethod
    def open_existing(cls, path: str | Path, *, clock: Clock = utc_now) -> Self:
        """Open an existing database for the writes a user asks for (delete, a wrap's
        milestone), changing nothing else: no file is created (a database that is gone is
        an error, never a new empty one at the client's path), no journal-mode switch, no
        schema or index change. Refuses a database that lacks the tables the store writes,
        and one recording a newer refinery migration (its writes raise ``MigrationError``)."""
        db_path = Path(path).expanduser()
        conn = connection.connect_writer(db_path, create=False)
        refusal: str | None = None
        try:
            schema.check_schema(conn)
            version = schema.recorded_migration_version(conn)
            if version is not None and version > schema.KNOWN_MIGRATION_VERSION:
                refusal = (
                    f"{db_path} records schema version {version}, newer than version "
                    f"{schema.KNOWN_MIGRATION_VERSION} that this code knows: "
                    "it can be read but not written; upgrade zero-session-tui"
                )
        except sqlite3.Error as exc:
            conn.close()
            raise from_sqlite(exc, db_path, "cannot read") from None
        except SessionError as exc:
            conn.close()
            raise type(exc)(f"{db_path}: {exc}") from None
        return cls(conn, db_path, read_only=False, write_refusal=refusal, clock=clock)

    @classmethod
    def open_in_memory(cls, *, clock: Clock = utc_now) -> Self:
        conn = connection.connect_memory()
        connection.use_wal(conn)
        schema.apply_schema(conn)
        return cls(conn, None, read_only=False, clock=clock)

    @classmethod
    def open_readonly(cls, path: str | Path) -> Self:
        """Open for reading only: never writes, never creates a file or a directory, and reads
        while another process writes. A missing file, a directory, a non-database or a database
        of another program raises ``SessionError``."""
        db_path = Path(path).expanduser()
        before = connection.side_files(db_path)
        try:
            conn = connection.connect_reader(db_path)
        except SessionError:
            connection.remove_new_side_files(db_path, before)
            raise
        try:
            schema.check_schema(conn)
            version = schema.recorded_migration_version(conn)
        except sqlite3.Error as exc:
            conn.close()
            connection.remove_new_side_files(db_path, before)
            raise from_sqlite(exc, db_path, "cannot read") from None
        except SessionError as exc:
            conn.close()
            connection.remove_new_side_files(db_path, before)
            raise type(exc)(f"{db_path}: {exc}") from None
        refusal = f"{db_path} is open read-only"
        if version is not None and version > schema.KNOWN_MIGRATION_VERSION:
            refusal = (
                f"{db_path} records schema version {version}, newer than version "
                f"{schema.KNOWN_MIGRATION_VERSION} that this code knows: read-only"
            )
        return cls(conn, db_path, read_only=True, write_refusal=refusal)

    # ---- the seed's operations -----------------------------------------------------------

    def start_session(
        self,
        ulid: str,
        engine_base_url: str | None,
        cli_version: str,
        parent_ulid: str | None,
    ) -> int:
        """Insert a session started now; returns its row id."""
        started = self._now()

        def insert(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO sessions (ulid, started_at, engine_base_url, cli_version,"
                " parent_ulid) VALUES (?, ?, ?, ?, ?)",
                (ulid, started, engine_base_url, cli_version, parent_ulid),
            )
            return int(cursor.lastrowid or 0)

        return int(self._write("start a session", insert))

    def end_session(self, session_id: int) -> None:
        """Mark a session ended now. Idempotent: ending it again keeps the first time."""
        ended = self._now()
        self._write(
            "end a session",
            lambda conn: conn.execute(
                "UPDATE sessions SET ended_at = COALESCE(ended_at, ?) WHERE id = ?",
                (ended, session_id),
            ),
        )

    def append(self, session_id: int, kind: EventKind | str, text: str) -> int:
        """Append an event; returns its seq. Allocation and insert are one ``BEGIN IMMEDIATE``
        transaction, so writers in other processes never get the same seq."""
        return self.append_many(session_id, [(kind, text)])[-1]

    def append_many(
        self, session_id: int, events: Iterable[tuple[EventKind | str, str]]
    ) -> list[int]:
        """Append several events in one transaction; returns their seqs, contiguous.
        Each event is stamped by its own call of the store's clock, in order."""
        rows: list[tuple[str, str]] = []
        for kind, text in events:
            try:
                rows.append((EventKind(kind).value, text))
            except ValueError:
                raise SerializationError(f"unknown event kind {str(kind)!r}") from None
        if not rows:
            return []
        stamps = [self._now() for _ in rows]

        def insert(conn: sqlite3.Connection) -> list[int]:
            (first,) = conn.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE session_id = ?",
                (session_id,),
            ).fetchone()
            seqs = list(range(first, first + len(rows)))
            conn.executemany(
                "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, ?, ?)",
                [
                    (session_id, seq, at, kind, text)
                    for seq, at, (kind, text) in zip(seqs, stamps, rows, strict=True)
                ],
            )
            return seqs

        result: list[int] = self._write("append an event", insert)
        return result

    def list_events(self, session_id: int, limit: int) -> list[StoredEvent]:
        """The last ``limit`` events of a session, oldest first."""
        rows = self._rows(
            f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.session_id = ?"
            " ORDER BY e.seq DESC LIMIT ?",
            (session_id, check_limit(limit)),
        )
        return [stored_event(row) for row in reversed(rows)]

    def list_sessions(self, limit: int) -> list[SessionRow]:
        """The ``limit`` most recent sessions, newest first; 0 returns [] without a query."""
        if check_limit(limit) == 0:
            return []
        rows = self._rows(
            f"SELECT {SESSION_COLUMNS} FROM sessions s ORDER BY s.started_at DESC, s.id DESC"
            " LIMIT ?",
            (limit,),
        )
        return [session_row(row) for row in rows]

    def get_session_by_ulid(self, ulid: str) -> SessionRow | None:
        row = self._row(f"SELECT {SESSION_COLUMNS} FROM sessions s WHERE s.ulid = ?", (ulid,))
        return session_row(row) if row is not None else None

    def sessions_matching_ulid(self, head: str, tail: str, limit: int = 2) -> list[SessionRow]:
        """Sessions whose ULID starts with ``head`` and ends with ``tail`` (either may be
        empty), compared case-insensitively, at most ``limit`` of them: how a short or
        lower-case ULID typed by a user is resolved. Scans the sessions table, never events."""
        pattern = like_literal(head.upper()) + "%" + like_literal(tail.upper())
        rows = self._rows(
            f"SELECT {SESSION_COLUMNS} FROM sessions s WHERE upper(s.ulid) LIKE ? ESCAPE '\\'"
            " ORDER BY s.id LIMIT ?",
            (pattern, limit),
        )
        return [session_row(row) for row in rows]

    def get_session(self, session_id: int) -> SessionRow | None:
        row = self._row(f"SELECT {SESSION_COLUMNS} FROM sessions s WHERE s.id = ?", (session_id,))
        return session_row(row) if row is not None else None

    def count_events(self, session_id: int) -> int:
        row = self._row("SELECT COUNT(*) FROM events WHERE session_id = ?", (session_id,))
        return int(row[0])

    def count_events_through(self, session_id: int, seq: int) -> int:
        """Events of the session up to and including ``seq``: what a view read up to ``seq``
        must hold, whatever a writer appends meanwhile (the (session_id, seq) index)."""
        row = self._row(
            "SELECT COUNT(*) FROM events WHERE session_id = ? AND seq <= ?", (session_id, seq)
        )
        return int(row[0])

    def last_session(self) -> SessionRow | None:
        rows = self.list_sessions(1)
        return rows[0] if rows else None

    def set_milestone(self, key: str, value: str) -> None:
        """Set (upsert) a milestone."""
        now = self._now()
        self._write(
            "set a milestone",
            lambda conn: conn.execute(
                "INSERT INTO milestones (key, value, at) VALUES (?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value, at = excluded.at",
                (key, value, now),
            ),
        )

    def get_milestone(self, key: str) -> str | None:
        row = self._row("SELECT value FROM milestones WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def delete_session(self, session_id: int) -> bool:
        """Delete a session and its events; True when a session was deleted."""

        def delete(conn: sqlite3.Connection) -> bool:
            # Explicit, so events go even where a database lacks the cascade.
            conn.execute("DELETE FROM events WHERE session_id = ?", (session_id,))
            return conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0

        return bool(self._write("delete a session", delete))

    # ---- writes by identity: what the user saw, checked inside the write -----------------

    def delete_session_by_ulid(self, ulid: str) -> bool:
        """Delete the session ``ulid`` and its events; False when no session has that ULID
        (deleted meanwhile, or the file was replaced). The row id is looked up inside the
        write transaction, so a reused row id or a restored file never deletes another
        session."""

        def delete(conn: sqlite3.Connection) -> bool:
            row = conn.execute("SELECT id FROM sessions WHERE ulid = ?", (ulid,)).fetchone()
            if row is None:
                return False
            # Explicit, so events go even where a database lacks the cascade.
            conn.execute("DELETE FROM events WHERE session_id = ?", (row[0],))
            conn.execute("DELETE FROM sessions WHERE id = ? AND ulid = ?", (row[0], ulid))
            return True

        return bool(self._write("delete a session", delete))

    def set_milestone_for_session(self, ulid: str, key: str, value: str) -> bool:
        """Set a milestone on behalf of the session ``ulid`` (a wrap's ``last_daily_wrap_at``)
        only while that session exists, checked in the same transaction; False when it is
        gone and nothing was written."""
        now = self._now()

        def upsert(conn: sqlite3.Connection) -> bool:
            if conn.execute("SELECT 1 FROM sessions WHERE ulid = ?", (ulid,)).fetchone() is None:
                return False
            conn.execute(
                "INSERT INTO milestones (key, value, at) VALUES (?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value, at = excluded.at",
                (key, value, now),
            )
            return True

        return bool(self._write("set a milestone", upsert))

    # ---- small reads for following a database -------------------------------------------

    def session_ulids(self, session_ids: Iterable[int]) -> dict[int, str]:
        """The ULID of each of these row ids that still exists: a list checks that what it
        shows is still there, and still the same session (a row id may be reused)."""
        wanted = sorted({int(i) for i in session_ids})
        found: dict[int, str] = {}
        for start in range(0, len(wanted), MAX_IDS):
            chunk = wanted[start : start + MAX_IDS]
            marks = ", ".join("?" for _ in chunk)
            rows = self._rows(f"SELECT id, ulid FROM sessions WHERE id IN ({marks})", chunk)
            found.update({int(row[0]): str(row[1]) for row in rows})
        return found

    def kind_counts_through(self, session_id: int, seq: int) -> dict[str, int]:
        """How many events of each stored kind string a session has up to ``seq``: counts
        with a known end, so a follower adds only what comes after it."""
        rows = self._rows(
            "SELECT kind, COUNT(*) FROM events WHERE session_id = ? AND seq <= ? GROUP BY kind",
            (session_id, seq),
        )
        return {str(kind): int(count) for kind, count in rows}

"""The ``Store`` handle: the seed's operations, plus the paged reads a browser needs.

Every query is parameterised; every read fetches what it returns and closes its cursor, so no
WAL snapshot stays pinned. Writes run in ``BEGIN IMMEDIATE`` transactions, retried on BUSY.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from . import connection, listing, schema
from .errors import MigrationError, SerializationError, SessionError, SqliteError, from_sqlite
from .kinds import EventKind
from .listing import SessionFilter
from .rows import SearchHit, SessionRow, SessionSummary, StoredEvent
from .timestamps import format_rfc3339, parse_rfc3339

__all__ = ["Clock", "Store"]

Clock = Callable[[], datetime]

_SESSION_COLUMNS = (
    "s.id, s.ulid, s.started_at, s.ended_at, s.engine_base_url, s.cli_version, s.parent_ulid"
)
_EVENT_COLUMNS = "e.id, e.session_id, e.seq, e.at, e.kind, e.text"
_SUMMARY_SQL = f"""
SELECT {_SESSION_COLUMNS},
    (SELECT COUNT(*) FROM events e WHERE e.session_id = s.id),
    (SELECT e.at FROM events e WHERE e.session_id = s.id ORDER BY e.seq DESC LIMIT 1),
    (SELECT COUNT(*) FROM events e WHERE e.session_id = s.id AND e.kind = 'warn'),
    (SELECT COUNT(*) FROM events e WHERE e.session_id = s.id AND e.kind = 'alert')
FROM sessions s"""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _session(row: Sequence[Any]) -> SessionRow:
    return SessionRow(
        id=row[0],
        ulid=row[1],
        started_at=parse_rfc3339(row[2]),
        ended_at=parse_rfc3339(row[3]) if row[3] is not None else None,
        engine_base_url=row[4],
        cli_version=row[5] if row[5] is not None else "",
        parent_ulid=row[6],
    )


def _event(row: Sequence[Any]) -> StoredEvent:
    raw_kind = row[4] if isinstance(row[4], str) else str(row[4])
    kind = EventKind.parse(raw_kind)
    return StoredEvent(
        id=row[0],
        session_id=row[1],
        seq=row[2],
        at=parse_rfc3339(row[3]),
        kind=kind if kind is not None else EventKind.SYSTEM,
        text=row[5] if isinstance(row[5], str) else ("" if row[5] is None else str(row[5])),
        raw_kind="" if kind is not None else raw_kind,
    )


def _summary(row: Sequence[Any]) -> SessionSummary:
    return SessionSummary(
        session=_session(row),
        event_count=row[7],
        last_event_at=parse_rfc3339(row[8]),
        warn_count=row[9],
        alert_count=row[10],
    )


def _like_pattern(needle: str) -> str:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_KNOWN_KINDS = tuple(kind.value for kind in EventKind)
_MAX_IDS = 500  # ids per hits_by_id query (SQLite's default bound-parameter limit is 32766)


def _kind_filter(kinds: Collection[str] | None) -> tuple[str, tuple[str, ...]]:
    """An ``AND ...`` clause keeping events of ``kinds`` (unknown strings count as system)."""
    if kinds is None:
        return "", ()
    wanted = tuple(sorted({str(kind) for kind in kinds}))
    if not wanted:
        return " AND 0", ()
    marks = ", ".join("?" for _ in wanted)
    clause = f" AND (e.kind IN ({marks})"
    params: tuple[str, ...] = wanted
    if "system" in wanted:
        known = ", ".join("?" for _ in _KNOWN_KINDS)
        clause += f" OR e.kind NOT IN ({known})"
        params += _KNOWN_KINDS
    return clause + ")", params


def _limit(value: int) -> int:
    if value < 0:
        raise ValueError("limit must be >= 0")
    return value


class Store:
    """Session-store handle. Thread-safe: one lock serialises use of the connection."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path | None,
        *,
        read_only: bool,
        write_refusal: str | None = None,
        clock: Clock = _utc_now,
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self.path = path
        self.read_only = read_only
        self.write_refusal = write_refusal
        self._clock = clock

    # ---- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, clock: Clock = _utc_now) -> Self:
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
    def open_in_memory(cls, *, clock: Clock = _utc_now) -> Self:
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
            f"SELECT {_EVENT_COLUMNS} FROM events e WHERE e.session_id = ?"
            " ORDER BY e.seq DESC LIMIT ?",
            (session_id, _limit(limit)),
        )
        return [_event(row) for row in reversed(rows)]

    def list_sessions(self, limit: int) -> list[SessionRow]:
        """The ``limit`` most recent sessions, newest first; 0 returns [] without a query."""
        if _limit(limit) == 0:
            return []
        rows = self._rows(
            f"SELECT {_SESSION_COLUMNS} FROM sessions s ORDER BY s.started_at DESC, s.id DESC"
            " LIMIT ?",
            (limit,),
        )
        return [_session(row) for row in rows]

    def get_session_by_ulid(self, ulid: str) -> SessionRow | None:
        row = self._row(f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE s.ulid = ?", (ulid,))
        return _session(row) if row is not None else None

    def get_session(self, session_id: int) -> SessionRow | None:
        row = self._row(f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE s.id = ?", (session_id,))
        return _session(row) if row is not None else None

    def count_events(self, session_id: int) -> int:
        row = self._row("SELECT COUNT(*) FROM events WHERE session_id = ?", (session_id,))
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

    # ---- what a browser needs ------------------------------------------------------------

    def count_sessions(self, where: SessionFilter | None = None) -> int:
        """How many sessions there are (that pass ``where``)."""
        clause, params = listing.where_clause(where or SessionFilter())
        return int(self._row(f"SELECT COUNT(*) FROM sessions s{clause}", params)[0])

    def query_summaries(
        self,
        limit: int,
        offset: int = 0,
        *,
        where: SessionFilter | None = None,
        sort: str = "started",
        descending: bool = True,
    ) -> list[SessionSummary]:
        """A page of session summaries filtered by ``where`` and sorted by any column of the
        list (``listing.SORT_KEYS``). Offset paging: for the default newest-first list use
        the keyset ``list_summaries`` instead."""
        clause, params = listing.where_clause(where or SessionFilter())
        rows = self._rows(
            f"{_SUMMARY_SQL}{clause}{listing.order_clause(sort, descending)} LIMIT ? OFFSET ?",
            (*params, _limit(limit), max(0, offset)),
        )
        return [_summary(row) for row in rows]

    def list_summaries(
        self, limit: int, *, before: SessionRow | None = None
    ) -> list[SessionSummary]:
        """A page of session summaries (event count, last event time, warn and alert counts),
        newest first, in one query. Pass the last row of a page as ``before`` for the next."""
        if _limit(limit) == 0:
            return []
        if before is None:
            rows = self._rows(
                f"{_SUMMARY_SQL} ORDER BY s.started_at DESC, s.id DESC LIMIT ?", (limit,)
            )
        else:
            row = self._row("SELECT started_at FROM sessions WHERE id = ?", (before.id,))
            if row is not None:
                started = row[0]
            elif before.started_at is not None:  # deleted meanwhile: page on from its time
                started = format_rfc3339(before.started_at)
            else:
                started = ""
            rows = self._rows(
                f"{_SUMMARY_SQL} WHERE (s.started_at, s.id) < (?, ?)"
                " ORDER BY s.started_at DESC, s.id DESC LIMIT ?",
                (started, before.id, limit),
            )
        return [_summary(row) for row in rows]

    def session_summary(self, session_id: int) -> SessionSummary | None:
        row = self._row(f"{_SUMMARY_SQL} WHERE s.id = ?", (session_id,))
        return _summary(row) if row is not None else None

    def seq_bounds(self, session_id: int) -> tuple[int, int] | None:
        """(first seq, last seq) of a session, or None when it has no events."""
        # Two statements: SQLite answers a lone MIN or MAX with one index seek, but scans the
        # session's whole index range for both in one SELECT (41 ms on 200,000 events).
        first = self._row("SELECT MIN(seq) FROM events WHERE session_id = ?", (session_id,))
        last = self._row("SELECT MAX(seq) FROM events WHERE session_id = ?", (session_id,))
        if first is None or first[0] is None or last is None or last[0] is None:
            return None
        return int(first[0]), int(last[0])

    def events_after(
        self, session_id: int, seq: int, limit: int, *, kinds: Collection[str] | None = None
    ) -> list[StoredEvent]:
        """Up to ``limit`` events with a seq greater than ``seq``, in order; only those of
        ``kinds`` when given (see ``list_seqs``)."""
        where, params = _kind_filter(kinds)
        rows = self._rows(
            f"SELECT {_EVENT_COLUMNS} FROM events e WHERE e.session_id = ? AND e.seq > ?{where}"
            " ORDER BY e.seq LIMIT ?",
            (session_id, seq, *params, _limit(limit)),
        )
        return [_event(row) for row in rows]

    def events_before(self, session_id: int, seq: int, limit: int) -> list[StoredEvent]:
        """Up to ``limit`` events with a seq less than ``seq``, in order (oldest first)."""
        rows = self._rows(
            f"SELECT {_EVENT_COLUMNS} FROM events e WHERE e.session_id = ? AND e.seq < ?"
            " ORDER BY e.seq DESC LIMIT ?",
            (session_id, seq, _limit(limit)),
        )
        return [_event(row) for row in reversed(rows)]

    def event_at(self, session_id: int, seq: int) -> StoredEvent | None:
        row = self._row(
            f"SELECT {_EVENT_COLUMNS} FROM events e WHERE e.session_id = ? AND e.seq = ?",
            (session_id, seq),
        )
        return _event(row) if row is not None else None

    def iter_events(self, session_id: int, page: int = 2_000) -> Iterator[StoredEvent]:
        """Every event of a session in order, read in keyset pages (no cursor held open)."""
        if page < 1:
            raise ValueError("page must be >= 1")  # a page of 0 would never advance
        after = 0
        while True:
            batch = self.events_after(session_id, after, page)
            yield from batch
            if len(batch) < page:
                return
            after = batch[-1].seq

    def kind_counts(self, session_id: int) -> dict[str, int]:
        """How many events of each stored kind string a session has."""
        rows = self._rows(
            "SELECT kind, COUNT(*) FROM events WHERE session_id = ? GROUP BY kind",
            (session_id,),
        )
        return {str(kind): int(count) for kind, count in rows}

    def search_events(
        self,
        needle: str,
        *,
        session_id: int | None = None,
        limit: int = 100,
        before_id: int | None = None,
        after_id: int | None = None,
    ) -> list[SearchHit]:
        """Events whose text contains ``needle`` (ASCII case-insensitive), newest first.
        Pass the last hit's ``event.id`` as ``before_id`` for the next page; ``after_id``
        keeps only events newer than that id (what a search index has not seen yet)."""
        clauses = ["e.text LIKE ? ESCAPE '\\'"]
        params: list[Any] = [_like_pattern(needle)]
        if after_id is not None:
            clauses.append("e.id > ?")
            params.append(after_id)
        if session_id is not None:
            clauses.append("e.session_id = ?")
            params.append(session_id)
        if before_id is not None:
            clauses.append("e.id < ?")
            params.append(before_id)
        params.append(_limit(limit))
        rows = self._rows(
            f"SELECT {_EVENT_COLUMNS}, s.ulid FROM events e JOIN sessions s ON s.id = e.session_id"
            f" WHERE {' AND '.join(clauses)} ORDER BY e.id DESC LIMIT ?",
            params,
            doing="searching",
        )
        return [SearchHit(session_ulid=row[6], event=_event(row)) for row in rows]

    def hits_by_id(self, ids: Collection[int]) -> list[SearchHit]:
        """The events with these ids (those that still exist), newest first."""
        wanted = sorted({int(i) for i in ids}, reverse=True)[:_MAX_IDS]
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        rows = self._rows(
            f"SELECT {_EVENT_COLUMNS}, s.ulid FROM events e JOIN sessions s ON s.id = e.session_id"
            f" WHERE e.id IN ({marks}) ORDER BY e.id DESC",
            wanted,
        )
        return [SearchHit(session_ulid=row[6], event=_event(row)) for row in rows]

    def texts_after(self, event_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, text) of events after ``event_id`` in id order: what a search index reads."""
        rows = self._rows(
            "SELECT id, text FROM events WHERE id > ? ORDER BY id LIMIT ?",
            (event_id, _limit(limit)),
        )
        return [(int(row[0]), str(row[1])) for row in rows]

    def max_event_id(self) -> int:
        return int(self._row("SELECT COALESCE(MAX(id), 0) FROM events")[0])

    def find_event(
        self,
        session_id: int,
        needle: str,
        from_seq: int,
        *,
        forward: bool = True,
        kinds: Collection[str] | None = None,
    ) -> StoredEvent | None:
        """The next (or previous) event after (before) ``from_seq`` whose text contains
        ``needle``, among events of ``kinds`` when given (see ``list_seqs``); for
        find-in-session with n / N."""
        op, order = (">", "ASC") if forward else ("<", "DESC")
        where, params = _kind_filter(kinds)
        row = self._row(
            f"SELECT {_EVENT_COLUMNS} FROM events e WHERE e.session_id = ? AND e.seq {op} ?"
            f" AND e.text LIKE ? ESCAPE '\\'{where} ORDER BY e.seq {order} LIMIT 1",
            (session_id, from_seq, _like_pattern(needle), *params),
            doing="searching",
        )
        return _event(row) if row is not None else None

    def children(self, ulid: str) -> list[SessionRow]:
        """Sessions forked from the session ``ulid``, oldest first."""
        rows = self._rows(
            f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE s.parent_ulid = ?"
            " ORDER BY s.started_at, s.id",
            (ulid,),
        )
        return [_session(row) for row in rows]

    def delete_session(self, session_id: int) -> bool:
        """Delete a session and its events; True when a session was deleted."""

        def delete(conn: sqlite3.Connection) -> bool:
            # Explicit, so events go even where a database lacks the cascade.
            conn.execute("DELETE FROM events WHERE session_id = ?", (session_id,))
            return conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0

        return bool(self._write("delete a session", delete))

    def list_seqs(self, session_id: int, kinds: Collection[str] | None = None) -> list[int]:
        """Every seq of a session, in order; only events of ``kinds`` when given. Kinds are
        stored strings; ``"system"`` also takes kinds this code does not know, as the Rust
        client reads them as system."""
        where, params = _kind_filter(kinds)
        rows = self._rows(
            f"SELECT e.seq FROM events e WHERE e.session_id = ?{where} ORDER BY e.seq",
            (session_id, *params),
        )
        return [int(row[0]) for row in rows]

    def search_sessions(self, needle: str, limit: int) -> list[SessionSummary]:
        """Sessions whose ulid, CLI version or engine URL contains ``needle``, newest first."""
        pattern = _like_pattern(needle)
        rows = self._rows(
            f"{_SUMMARY_SQL} WHERE s.ulid LIKE ? ESCAPE '\\' OR s.cli_version LIKE ? ESCAPE '\\'"
            " OR s.engine_base_url LIKE ? ESCAPE '\\'"
            " ORDER BY s.started_at DESC, s.id DESC LIMIT ?",
            (pattern, pattern, pattern, _limit(limit)),
            doing="searching",
        )
        return [_summary(row) for row in rows]

    def seq_at_or_before(self, session_id: int, moment: datetime) -> int | None:
        """The last seq of a session stamped at or before ``moment`` (where a fork left it).
        Compares instants, so stamps written with any offset or precision work."""
        target = moment.astimezone(UTC)
        found: int | None = None
        for event in self.iter_events(session_id):
            if event.at is not None and event.at > target:
                break
            found = event.seq
        return found

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap poll for live tail."""
        return int(self._row("PRAGMA data_version")[0])

    def quick_check(self) -> str:
        """``PRAGMA quick_check``: "ok" or the first problem. Slow on big files: run it off
        the UI thread."""
        rows = self._rows("PRAGMA quick_check", doing="checking")
        return "; ".join(str(row[0]) for row in rows[:5])

    def set_trace(self, callback: Callable[[str], object] | None) -> None:
        """Call ``callback`` with each SQL statement run (parameters expanded); None stops."""
        with self._lock:
            self._live().set_trace_callback(callback)

    def query_plan(self, sql: str, params: Sequence[Any] = ()) -> list[str]:
        """``EXPLAIN QUERY PLAN`` details of a statement (for tests and diagnostics)."""
        return [str(row[3]) for row in self._rows(f"EXPLAIN QUERY PLAN {sql}", params)]

"""Session summaries (event, warn and alert counts, kind counts, last event time) kept in the
browser's own cache file, so a list of sessions costs what was appended since it last looked,
never a count of a big session's events, and never an index in the client's database.

One SQLite file (by default ``$XDG_CACHE_HOME/zero-session-tui/summaries.db``) serves every
session database. An entry is keyed by the database's identity (``st_dev``, ``st_ino`` from
``os.stat``: the client's file is never opened with ``open()``, see RELIABILITY.md) and the
session's ULID, and records the session's row id, its highest seq, the id of that event and
the counts of every kind through it. Reading an entry costs one seek in the client's
``UNIQUE (session_id, seq)`` index (``Store.kind_delta``):

- same highest seq, same event id: the counts stand;
- a higher seq, and the row at the recorded seq still has the recorded id: only the events
  after it are counted (``seq > cached``), and added;
- anything else (fewer events, a replaced row, another row id under that ULID, a file
  replaced by another one): the session is counted again from nothing.

What it cannot see: an event deleted or rewritten in the middle of a session by plain SQL
(the client never does either; the browser deletes whole sessions). Delete the file to
start over; it holds about 100 bytes per session. A cache that cannot be read or written
is passed over: the counts are then read from the database, never wrong, only slower.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

from .connection import use_wal
from .errors import SessionError, StoreIOError, from_sqlite
from .listing import COUNT_SORT_KEYS, SessionFilter
from .rows import SessionRow, SessionSummary
from .store import Store
from .timestamps import parse_rfc3339

__all__ = ["SHAPE", "SummaryCache", "default_path"]

SHAPE: Final = "1"
"""The layout of the cache file; a file of another shape is emptied and refilled."""

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS summaries (
    db_dev     INTEGER NOT NULL,
    db_ino     INTEGER NOT NULL,
    ulid       TEXT NOT NULL,
    session_id INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL,
    last_id    INTEGER NOT NULL,
    last_at,
    kinds      TEXT NOT NULL,
    PRIMARY KEY (db_dev, db_ino, ulid)
) WITHOUT ROWID;
"""


def default_path() -> Path:
    """``$XDG_CACHE_HOME/zero-session-tui/summaries.db`` (``~/.cache`` without it)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "zero-session-tui" / "summaries.db"


@dataclass(frozen=True, slots=True)
class _Entry:
    session_id: int
    last_seq: int
    last_id: int
    last_at: object
    kinds: dict[str, int]


@dataclass(frozen=True, slots=True)
class _Counted:
    session: SessionRow
    kinds: dict[str, int]
    last_at: object  # as stored: what ``ORDER BY`` the last event's time compares

    def sort_key(self, sort: str) -> tuple[int, Any]:
        if sort == "last_event":
            return _sql_rank(self.last_at)
        if sort == "events":
            return (1, sum(self.kinds.values()))
        return (1, self.kinds.get(sort, 0))  # "warn", "alert"

    def summary(self) -> SessionSummary:
        return SessionSummary(
            session=self.session,
            event_count=sum(self.kinds.values()),
            last_event_at=parse_rfc3339(self.last_at),
            warn_count=self.kinds.get("warn", 0),
            alert_count=self.kinds.get("alert", 0),
        )


def _identity(store: Store) -> tuple[int, int] | None:
    """(st_dev, st_ino) of the store's file; None for an in-memory store (or a file gone)."""
    if store.path is None:
        return None
    try:
        info = os.stat(store.path)  # a stat takes no lock: safe whatever connections exist
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _sql_rank(value: object) -> tuple[int, Any]:
    """A sort key that orders values as SQLite's ``ORDER BY`` does (NULL, numbers, text,
    blobs; text by code point, which is UTF-8 byte order)."""
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, bytes(value) if isinstance(value, bytes | bytearray | memoryview) else b"")


class SummaryCache:
    """The cache file. Thread-safe (one lock serialises its connection); pass the ``Store``
    each call reads from, in the thread that uses that store."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self.last_error: SessionError | None = None
        """The last failure to read or write the cache (then passed over), for diagnostics."""

    @classmethod
    def open(cls, path: str | Path | None = None) -> SummaryCache:
        """Open (or create) the cache file at ``path`` (``default_path()`` when None).
        Raises ``SessionError`` when it cannot: the caller then lists from the store."""
        cache_path = Path(path).expanduser() if path is not None else default_path()
        try:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                str(cache_path), isolation_level=None, check_same_thread=False, timeout=1.0
            )
        except OSError as exc:
            raise StoreIOError(f"cannot create {cache_path}: {exc.strerror or exc}") from None
        except sqlite3.Error as exc:
            raise from_sqlite(exc, cache_path, "cannot open the summary cache") from None
        try:
            use_wal(conn)
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key = 'shape'").fetchone()
            if row is None or row[0] != SHAPE:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("DELETE FROM summaries")
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('shape', ?)", (SHAPE,)
                )
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.close()
            raise from_sqlite(exc, cache_path, "cannot open the summary cache") from None
        return cls(conn, cache_path)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ---- what a browser asks ---------------------------------------------------------------

    def summaries(self, store: Store, sessions: Sequence[SessionRow]) -> list[SessionSummary]:
        """The summaries of these sessions, in their order: ``Store.session_summary`` of
        each, from the cache where it is still valid."""
        return [counted.summary() for counted in self._count(store, sessions)]

    def list_summaries(
        self, store: Store, limit: int, *, before: SessionRow | None = None
    ) -> list[SessionSummary]:
        """What ``store.list_summaries(limit, before=before)`` returns: same rows, same
        order, same counts."""
        return self.summaries(store, store.session_page(limit, before=before))

    def query_summaries(
        self,
        store: Store,
        limit: int,
        offset: int = 0,
        *,
        where: SessionFilter | None = None,
        sort: str = "started",
        descending: bool = True,
    ) -> list[SessionSummary]:
        """What ``store.query_summaries(...)`` returns. Sorting by a count (``events``,
        ``warn``, ``alert``, ``last_event``) needs every matching session's summary: each
        is one seek when cached, and the sort is done here, as SQLite would."""
        if sort not in COUNT_SORT_KEYS:
            rows = store.query_sessions(
                limit, offset, where=where, sort=sort, descending=descending
            )
            return self.summaries(store, rows)
        if limit < 0:
            raise ValueError("limit must be >= 0")
        # every match, newest first: the order SQL breaks ties by; the stable sort keeps it
        counted = self._count(store, store.query_sessions(None, where=where))
        counted.sort(key=lambda c: c.sort_key(sort), reverse=descending)
        start = max(0, offset)
        return [c.summary() for c in counted[start : start + limit]]

    def session_summary(self, store: Store, session_id: int) -> SessionSummary | None:
        """What ``store.session_summary(session_id)`` returns."""
        row = store.get_session(session_id)
        return self.summaries(store, [row])[0] if row is not None else None

    def kind_counts(self, store: Store, session_id: int) -> dict[str, int]:
        """What ``store.kind_counts(session_id)`` returns."""
        row = store.get_session(session_id)
        if row is None:
            return {}
        return dict(self._count(store, [row])[0].kinds)

    # ---- the cache -------------------------------------------------------------------------

    def _count(self, store: Store, sessions: Sequence[SessionRow]) -> list[_Counted]:
        identity = _identity(store)
        cached = self._load(identity, [row.ulid for row in sessions])
        # One query for every session's last event: most entries are valid as they are.
        lasts = store.last_events([row.id for row in sessions])
        counted: list[_Counted] = []
        changed: list[tuple[str, _Entry]] = []
        for row in sessions:
            last = lasts.get(row.id)
            if last is None:  # no events (the one query said so): nothing to count or keep
                counted.append(_Counted(row, {}, None))
                continue
            entry = cached.get(row.ulid)
            if entry is not None and entry.session_id != row.id:
                entry = None  # another row under that ULID: nothing of it holds
            if entry is not None and (last[0], last[1]) == (entry.last_seq, entry.last_id):
                counted.append(_Counted(row, dict(entry.kinds), last[2]))
                continue
            since = (entry.last_seq, entry.last_id) if entry is not None else None
            delta = store.kind_delta(row.id, since)
            kinds = dict(delta.kinds)
            if delta.incremental and entry is not None:
                for kind, count in entry.kinds.items():
                    kinds[kind] = kinds.get(kind, 0) + count
            counted.append(_Counted(row, kinds, delta.last_at))
            if delta.last_seq is None or delta.last_id is None:
                continue
            fresh = _Entry(row.id, delta.last_seq, delta.last_id, delta.last_at, kinds)
            if fresh != entry:
                changed.append((row.ulid, fresh))
        self._save(identity, changed)
        return counted

    def _load(self, identity: tuple[int, int] | None, ulids: Sequence[str]) -> dict[str, _Entry]:
        if identity is None or not ulids:
            return {}
        found: dict[str, _Entry] = {}
        try:
            with self._lock:
                cursor = self._conn.execute(
                    "SELECT ulid, session_id, last_seq, last_id, last_at, kinds FROM summaries"
                    " WHERE db_dev = ? AND db_ino = ?"
                    " AND ulid IN (SELECT value FROM json_each(?))",
                    (*identity, json.dumps(sorted(set(ulids)))),
                )
                try:
                    rows = cursor.fetchall()
                finally:
                    cursor.close()
            for ulid, session_id, last_seq, last_id, last_at, kinds in rows:
                decoded = _kinds(kinds)
                if decoded is not None:
                    found[str(ulid)] = _Entry(
                        int(session_id), int(last_seq), int(last_id), last_at, decoded
                    )
        except sqlite3.Error as exc:
            self.last_error = from_sqlite(exc, self.path, "cannot read the summary cache")
            return {}
        return found

    def _save(self, identity: tuple[int, int] | None, changed: list[tuple[str, _Entry]]) -> None:
        if identity is None or not changed:
            return
        rows = [
            (*identity, ulid, e.session_id, e.last_seq, e.last_id, e.last_at, json.dumps(e.kinds))
            for ulid, e in changed
        ]
        try:
            with self._lock:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.executemany(
                        "INSERT OR REPLACE INTO summaries (db_dev, db_ino, ulid, session_id,"
                        " last_seq, last_id, last_at, kinds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        rows,
                    )
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            # A cache that cannot be written only makes the next list slower.
            self.last_error = from_sqlite(exc, self.path, "cannot write the summary cache")


def _kinds(raw: object) -> dict[str, int] | None:
    """The stored kind counts, or None when the entry is unreadable (then recounted)."""
    try:
        value = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    if not all(isinstance(k, str) and type(v) is int for k, v in value.items()):
        return None
    return dict(value)

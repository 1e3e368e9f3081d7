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

It also keeps each session's first prompt (``Store.first_prompt``: a read of the session's
first events, bounded whatever its size), once that answer is final: found, or the first
events are all there and none is a prompt. A session still too short is asked again.

What it cannot see: an event deleted or rewritten in the middle of a session by plain SQL
(the client never does either; the browser deletes whole sessions). Delete the file to
start over; it holds about 100 bytes per session. A cache that cannot be read or written
is passed over: the counts are then read from the database, never wrong, only slower.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from .base import StoreBase
from .connection import use_wal
from .errors import SessionError, StoreIOError, from_sqlite
from .listing import COUNT_SORT_KEYS, SessionFilter
from .rows import SessionRow, SessionSummary
from .store import Store
from .timestamps import parse_rfc3339

__all__ = ["SHAPE", "SummaryCache", "default_path"]

SHAPE: Final = "2"
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
CREATE TABLE IF NOT EXISTS prompts (
    db_dev     INTEGER NOT NULL,
    db_ino     INTEGER NOT NULL,
    ulid       TEXT NOT NULL,
    session_id INTEGER NOT NULL,
    prompt,
    PRIMARY KEY (db_dev, db_ino, ulid)
) WITHOUT ROWID;
"""
PROMPT_WINDOW: Final = 64
"""How many of a session's first events are looked at for its first prompt."""
PROMPT_CHARS: Final = 200
"""How much of the first prompt is kept (a list shows one line of it)."""
_WRITE_DEADLINE_S: Final = 0.5
"""A cache locked by another browser is passed over this soon: the list does not wait."""


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


class SummaryCache(StoreBase):
    """The cache file. Thread-safe (the store's lock serialises its connection); pass the
    ``Store`` each call reads from, in the thread that uses that store."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        super().__init__(conn, path, read_only=False)
        self.path: Path = path
        self.last_error: SessionError | None = None
        """The last failure to read or write the cache (then passed over), for diagnostics."""

    def __repr__(self) -> str:
        return f"SummaryCache({str(self.path)!r})"

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
        cache = cls(conn, cache_path)
        try:
            use_wal(conn)
            conn.executescript(_SCHEMA)
            row = cache._row("SELECT value FROM meta WHERE key = 'shape'")
            if row is None or row[0] != SHAPE:
                cache._write("empty the summary cache", _empty)
        except (sqlite3.Error, SessionError) as exc:
            cache.close()
            if isinstance(exc, SessionError):
                raise
            raise from_sqlite(exc, cache_path, "cannot open the summary cache") from None
        return cache

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

    def first_prompts(self, store: Store, sessions: Sequence[SessionRow]) -> dict[int, object]:
        """Each session's first prompt (by row id; None when it has none in its first
        ``PROMPT_WINDOW`` events), as ``store.first_prompt`` gives it: from the cache once
        final, else read (a bounded read) and kept when final."""
        identity = _identity(store)
        kept = self._load_prompts(identity, [row.ulid for row in sessions])
        found: dict[int, object] = {}
        final: list[tuple[str, int, object]] = []
        for row in sessions:
            entry = kept.get(row.ulid)
            if entry is not None and entry[0] == row.id:
                found[row.id] = entry[1]
                continue
            text, done = store.first_prompt(row.id, window=PROMPT_WINDOW, chars=PROMPT_CHARS)
            found[row.id] = text
            if done:
                final.append((row.ulid, row.id, text))
        if identity is not None and final:
            rows = [(*identity, ulid, sid, text) for ulid, sid, text in final]
            self._save_rows(
                "INSERT OR REPLACE INTO prompts (db_dev, db_ino, ulid, session_id, prompt)"
                " VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        return found

    def _select(self, sql: str, identity: tuple[int, int], ulids: Sequence[str]) -> list[Any]:
        """The rows of ``sql`` (its WHERE names the identity and a JSON list of ULIDs), or
        none when the cache cannot be read."""
        try:
            return self._rows(
                sql, (*identity, json.dumps(sorted(set(ulids)))), "reading the summary cache"
            )
        except SessionError as exc:
            self.last_error = exc
            return []

    def _load_prompts(
        self, identity: tuple[int, int] | None, ulids: Sequence[str]
    ) -> dict[str, tuple[int, object]]:
        if identity is None or not ulids:
            return {}
        rows = self._select(
            "SELECT ulid, session_id, prompt FROM prompts WHERE db_dev = ? AND db_ino = ?"
            " AND ulid IN (SELECT value FROM json_each(?))",
            identity,
            ulids,
        )
        return {str(ulid): (int(sid), prompt) for ulid, sid, prompt in rows}

    def _load(self, identity: tuple[int, int] | None, ulids: Sequence[str]) -> dict[str, _Entry]:
        if identity is None or not ulids:
            return {}
        rows = self._select(
            "SELECT ulid, session_id, last_seq, last_id, last_at, kinds FROM summaries"
            " WHERE db_dev = ? AND db_ino = ? AND ulid IN (SELECT value FROM json_each(?))",
            identity,
            ulids,
        )
        found: dict[str, _Entry] = {}
        for ulid, session_id, last_seq, last_id, last_at, kinds in rows:
            decoded = _kinds(kinds)
            if decoded is not None:
                found[str(ulid)] = _Entry(
                    int(session_id), int(last_seq), int(last_id), last_at, decoded
                )
        return found

    def _save(self, identity: tuple[int, int] | None, changed: list[tuple[str, _Entry]]) -> None:
        if identity is None or not changed:
            return
        rows = [
            (*identity, ulid, e.session_id, e.last_seq, e.last_id, e.last_at, json.dumps(e.kinds))
            for ulid, e in changed
        ]
        self._save_rows(
            "INSERT OR REPLACE INTO summaries (db_dev, db_ino, ulid, session_id,"
            " last_seq, last_id, last_at, kinds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _save_rows(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        try:
            self._write(
                "write the summary cache",
                lambda conn: conn.executemany(sql, rows).close(),
                deadline_s=_WRITE_DEADLINE_S,
            )
        except SessionError as exc:
            # A cache that cannot be written only makes the next list slower.
            self.last_error = exc


def _empty(conn: sqlite3.Connection) -> None:
    """A cache of another shape: emptied, then marked with this one."""
    conn.execute("DELETE FROM summaries").close()
    conn.execute("DELETE FROM prompts").close()
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('shape', ?)", (SHAPE,)).close()


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

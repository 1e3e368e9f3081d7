"""A full-text index of event text, in a cache file of its own (never in the client's database).

SQLite's FTS5 with the trigram tokenizer answers "text contains this" (three characters or
more, case-insensitive) from an index instead of a scan of every event. The index is filled
incrementally by event id; every hit is read back from the session database and re-checked,
so an index that lags behind or holds deleted events never shows a wrong result. What it must
never do is MISS an event: a search answers from the index for ids up to ``last_id`` (the
highest id indexed) and scans the database above it, so the index must still describe every
event with an id up to ``last_id``.

What the index records of what it indexed, and why
--------------------------------------------------
``events.id`` is an ``INTEGER PRIMARY KEY`` without AUTOINCREMENT: a new row gets the highest
id + 1, so deleting the newest rows hands their ids to the next rows, with other text. And a
file can be replaced under its path (a restored backup) or rewritten in place (``sqlite3
.restore``, the backup API). So the index keeps, in its ``meta`` table:

- ``last_row``: a sha256 of (id, session ulid, seq, text) of the event ``last_id`` as indexed;
- ``count``: how many events had an id in 1..``last_id`` (lowered when events are deleted);
- ``identity``: (st_dev, st_ino) of the database file, by ``os.stat`` only. The database is
  never ``open()``-ed here: closing such a descriptor would release every POSIX lock this
  process's SQLite connections hold (RELIABILITY.md);
- ``generation``: bumped on every start-over, so a search or an update that began before one
  notices and does not trust (or extend) rows of another generation.

The check, at the start of ``update()`` and of ``search()``, re-reads the event ``last_id`` and
the count in ONE statement (one snapshot) and compares:

==========================================  =============================================
scenario                                     caught by
==========================================  =============================================
newest events deleted (ids gone)             ``last_row``: the event ``last_id`` is missing
newest events deleted, ids reused with       ``last_row``: the event ``last_id`` has another
other text (same file)                       session, seq or text (or is missing)
file replaced by another database            ``last_row`` (other ulid/text at that id, or no
(overlapping ids, other text)                such id)
replaced by a backup holding events that     ``count``: more events with id <= ``last_id``
were deleted before they were indexed        than were indexed
file replaced (new inode) or its identity    ``identity`` changed: also compare a sample of
changed while the tail is the same           32 indexed rows (spread over 1..``last_id``)
                                             with the database's text for those ids
VACUUM (in place, or VACUUM INTO + replace)  nothing to catch: ids of an INTEGER PRIMARY KEY
                                             survive a VACUUM, so every check passes and the
                                             index is kept (a replace re-checks the sample
                                             once, then records the new identity)
same-content copy put in place               the same: kept, not rebuilt
events deleted in the middle                 ``count`` went down: recorded, index kept (the
                                             stale rows are dropped by the re-check)
==========================================  =============================================

On a mismatch the index forgets what it had (``last_id`` back to 0, a new generation); a
search meanwhile scans the whole database, as it always scans what is not indexed, so it
stays complete; the next ``update()`` empties the full-text table and indexes from the start.

Not caught: text changed by an UPDATE of an event row below ``last_id`` (the client only
appends and deletes), or rows deleted AND others inserted with explicit ids below ``last_id``
between two checks in equal numbers, with the event ``last_id`` unchanged, in the same file.

What the check costs, measured on 1,000,000 events (a 100-byte text each, warm cache, 2 shared
cores; ``ZST_SEARCH_COST_EVENTS=1000000 .venv/bin/pytest -q -p no:xdist -s
tests/reliability/test_search_identity.py -k cost``): 2.2 ms when the index is up to date
(``COUNT(*)`` over the smallest index of events, two rowid lookups, one ``stat``); the sample of
32 rows, after a change of identity only, 0.13 ms more. While the index lags far behind (its
first build), the count walks the shorter side of ``last_id``: 21 ms half-way, less than the
scan of the un-indexed events that the search runs anyway. On a schema with no index on events
at all (a Rust schema without ``UNIQUE (session_id, seq)``), ``COUNT(*)`` walks the table: 55 ms.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from .connection import use_wal
from .errors import StoreIOError, from_sqlite
from .rows import SearchHit, event_text
from .store import Store

__all__ = ["MIN_NEEDLE", "SearchIndex", "index_path_for"]

MIN_NEEDLE: Final = 3
"""Shorter needles have no trigram: they are searched by a scan."""

SCHEMA_VERSION: Final = "2"
"""The index file's own layout; an index of another version is emptied and rebuilt."""

_BATCH: Final = 2_000  # short transactions: a search never waits long for the lock
_SAMPLES: Final = 32  # rows compared when the file's identity changed
_RESTARTS: Final = 3  # times one update() starts over when the source changes under it

_CREATE_META: Final = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_CREATE_TEXT: Final = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS event_text USING fts5(text, tokenize = 'trigram')"
)
_FINGERPRINT_KEYS: Final = ("last_id", "last_row", "count", "identity")

# ---- reads on the source database (parameterised; constant SQL) ---------------------------

# One statement, so one snapshot: the events 1..last_id counted (whichever side of last_id is
# shorter is walked; COUNT(*) alone uses the smallest index) and the event last_id itself. Ids
# below 1 (never written by the client) are not indexed: a search scans them (a rowid range).
_PROBE_BELOW: Final = (
    "SELECT (SELECT COUNT(*) FROM events WHERE id BETWEEN 1 AND ?1), e.id, s.ulid, e.seq, e.text"
    " FROM (SELECT 1) AS one LEFT JOIN events e ON e.id = ?1"
    " LEFT JOIN sessions s ON s.id = e.session_id"
)
_PROBE_ABOVE: Final = (
    "SELECT (SELECT COUNT(*) FROM events) - (SELECT COUNT(*) FROM events WHERE id > ?1)"
    " - (SELECT COUNT(*) FROM events WHERE id < 1), e.id, s.ulid, e.seq, e.text"
    " FROM (SELECT 1) AS one LEFT JOIN events e ON e.id = ?1"
    " LEFT JOIN sessions s ON s.id = e.session_id"
)
# The event ``from`` (the last one indexed) and the next ones, in one snapshot: a batch is only
# added to the index if what it extends is still what was indexed. LEFT JOIN: an event whose
# session row is missing is indexed too (the count check counts it).
_ROWS_FROM: Final = (
    "SELECT e.id, s.ulid, e.seq, e.text FROM events e LEFT JOIN sessions s"
    " ON s.id = e.session_id WHERE e.id >= ? ORDER BY e.id LIMIT ?"
)
_TEXTS_IN: Final = (
    "SELECT id, text FROM events WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"
)


def _phrase(needle: str) -> str:
    return '"' + needle.replace('"', '""') + '"'


def _text(value: object) -> str:
    """The text as the app shows it (a BLOB as its bytes, never Python's ``b'...'``)."""
    return event_text(value)


def _row_digest(row: Sequence[Any]) -> str:
    """sha256 of an event's (id, session ulid, seq, text)."""
    event_id, ulid, seq, text = row
    ulid = None if ulid is None else str(ulid)
    key = json.dumps([int(event_id), ulid, None if seq is None else int(seq), _text(text)])
    return hashlib.sha256(key.encode()).hexdigest()


def _identity(path: Path) -> str:
    """``st_dev:st_ino`` of ``path`` by ``os.stat`` (never open(): see the module doc), or
    an empty string when there is no file."""
    try:
        info = os.stat(path)
    except OSError:
        return ""
    return f"{info.st_dev}:{info.st_ino}"


def _probe(source: Store, last_id: int) -> tuple[int, str]:
    """(events with an id in 1..last_id, digest of the event last_id or "" if none)."""
    newest = int(source._row("SELECT COALESCE(MAX(id), 0) FROM events")[0])
    sql = _PROBE_BELOW if 2 * last_id <= newest else _PROBE_ABOVE
    row = source._row(sql, (last_id,))
    count = int(row[0])
    return count, "" if row[1] is None else _row_digest(row[1:])


def _rows_from(source: Store, event_id: int, limit: int) -> list[tuple[int, str, str]]:
    """(id, digest, text) of the events from ``event_id`` on, in id order, one snapshot."""
    rows = source._rows(_ROWS_FROM, (event_id, limit))
    return [(int(row[0]), _row_digest(row), _text(row[3])) for row in rows]


def _texts(source: Store, ids: Sequence[int]) -> dict[int, str]:
    rows = source._rows(_TEXTS_IN, (json.dumps(list(ids)),))
    return {int(row[0]): _text(row[1]) for row in rows}


@dataclass(frozen=True)
class _Indexed:
    """What the index says it holds (its ``meta`` table)."""

    generation: int
    last_id: int = 0
    last_row: str = ""
    count: int = 0
    identity: str = ""

    @classmethod
    def of(cls, meta: dict[str, str]) -> _Indexed:
        return cls(
            generation=int(meta.get("generation", "0")),
            last_id=int(meta.get("last_id", "0")),
            last_row=meta.get("last_row", ""),
            count=int(meta.get("count", "0")),
            identity=meta.get("identity", ""),
        )


class _Moved(Exception):
    """The index changed under a transaction that expected another state."""


class SearchIndex:
    """The index of one session database. Thread-safe; ``update`` may run in a worker while
    ``search`` answers from what is indexed so far."""

    def __init__(self, conn: sqlite3.Connection, path: Path, source: Path) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self.source = source
        self.starts_over = 0
        """Mismatches seen by this handle (each made the index start over)."""

    @classmethod
    def open(cls, path: str | Path, source: str | Path) -> SearchIndex:
        """Open (or create) the index at ``path`` for the database at ``source``. The source
        is only named here (its path resolved), never opened, created or touched."""
        index_path = Path(path).expanduser()
        source_path = Path(source).expanduser().resolve()
        conn: sqlite3.Connection | None = None
        try:
            index_path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(index_path), isolation_level=None, check_same_thread=False)
            use_wal(conn)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(_CREATE_META)
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("source", str(source_path)) != str(source_path):
                conn.execute("ROLLBACK")
                raise StoreIOError(f"{index_path} indexes {meta['source']}, not {source_path}")
            if meta.get("schema") != SCHEMA_VERSION:
                # An index of another layout (or none yet): start from nothing.
                conn.execute("DROP TABLE IF EXISTS event_text")
                conn.execute("DELETE FROM meta")
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("schema", SCHEMA_VERSION), ("source", str(source_path))],
                )
            conn.execute(_CREATE_TEXT)
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', '0')")
            conn.execute("COMMIT")
        except OSError as exc:
            if conn is not None:
                conn.close()
            raise StoreIOError(f"cannot create {index_path}: {exc.strerror or exc}") from None
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise from_sqlite(exc, index_path, "cannot open the search index") from None
        except StoreIOError:
            if conn is not None:
                conn.close()
            raise
        return cls(conn, index_path, source_path)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @property
    def indexed_up_to(self) -> int:
        """The highest event id indexed (0 once the index found it no longer describes the
        database, until ``update`` indexed again)."""
        return self._state().last_id

    # ---- the index's own state -----------------------------------------------------------

    def _state(self) -> _Indexed:
        try:
            with self._lock:
                meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as exc:
            raise from_sqlite(exc, self.path, "cannot read the search index") from None
        return _Indexed.of(meta)

    def _change(
        self, expected: _Indexed, body: Callable[[sqlite3.Connection], None], doing: str
    ) -> None:
        """Run ``body`` in a write transaction if the index is still at ``expected`` (its
        generation and last_id); raise ``_Moved`` otherwise (another update got there)."""
        try:
            with self._lock:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    now = _Indexed.of(
                        dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
                    )
                    if (now.generation, now.last_id) != (expected.generation, expected.last_id):
                        raise _Moved
                    body(self._conn)
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise from_sqlite(exc, self.path, doing) from None

    def _set(self, conn: sqlite3.Connection, values: dict[str, object]) -> None:
        conn.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [(key, str(value)) for key, value in values.items()],
        )

    def _forget(self, state: _Indexed) -> _Indexed:
        """The index no longer describes the database: nothing counts as indexed (a search
        scans everything) until ``update`` empties it and indexes again. Raises ``_Moved``
        when the index is no longer at ``state``."""

        def body(conn: sqlite3.Connection) -> None:
            conn.executemany("DELETE FROM meta WHERE key = ?", [(k,) for k in _FINGERPRINT_KEYS])
            self._set(conn, {"generation": state.generation + 1})

        self._change(state, body, "cannot update the search index")
        self.starts_over += 1
        return _Indexed(generation=state.generation + 1)

    # ---- the check -----------------------------------------------------------------------

    def _checked(self, source: Store) -> _Indexed:
        """The index's state once checked against ``source`` (see the module doc): as it was
        (its count lowered after deletions, a new identity recorded) or forgotten."""
        for _attempt in range(_RESTARTS):
            try:
                return self._check_once(source, self._state())
            except _Moved:
                continue  # an update moved the index meanwhile: check what it holds now
        return _Indexed(generation=-1)  # a moving target: trust nothing this time (a scan)

    def _check_once(self, source: Store, state: _Indexed) -> _Indexed:
        if state.last_id == 0:
            return state
        identity = _identity(self.source)
        count, digest = _probe(source, state.last_id)
        if (
            digest != state.last_row
            or count > state.count
            or (identity != state.identity and not self._samples_match(source, state))
        ):
            return self._forget(state)
        changes: dict[str, object] = {}
        if count < state.count:
            changes["count"] = count  # deletions: stale rows are harmless, keep the index
        if identity and identity != state.identity:
            changes["identity"] = identity  # same content under another inode (a copy)
        if changes:
            self._change(state, lambda conn: self._set(conn, changes), "cannot update the index")
            state = replace(state, count=count)
        return state

    def _samples_match(self, source: Store, state: _Indexed) -> bool:
        """Up to ``_SAMPLES`` indexed rows spread over 1..last_id have the text the database
        has under their ids (ids the database no longer has are deletions: harmless)."""
        step = max(1, state.last_id // _SAMPLES)
        indexed: dict[int, str] = {}
        try:
            with self._lock:
                for start in range(1, state.last_id + 1, step):
                    row = self._conn.execute(
                        "SELECT rowid, text FROM event_text WHERE rowid >= ? AND rowid <= ?"
                        " ORDER BY rowid LIMIT 1",
                        (start, state.last_id),
                    ).fetchone()
                    if row is not None:
                        indexed[int(row[0])] = _text(row[1])
        except sqlite3.Error as exc:
            raise from_sqlite(exc, self.path, "cannot read the search index") from None
        if not indexed:
            return True
        found = _texts(source, sorted(indexed))
        return all(indexed[event_id] == text for event_id, text in found.items())

    # ---- filling it ----------------------------------------------------------------------

    def update(self, source: Store, progress: Callable[[int, int], object] | None = None) -> int:
        """Index the events added since the last update; returns how many. Starts over when
        the index no longer describes the database (see the module doc)."""
        added = 0
        for _attempt in range(_RESTARTS):
            state = self._checked(source)
            try:
                if state.last_id == 0:
                    state = self._empty(state)
                newest = source.max_event_id()
                while state.last_id < newest:
                    rows = _rows_from(source, state.last_id or 1, _BATCH + 1)
                    if state.last_id:
                        # The event the index ends with, re-read in the batch's snapshot.
                        first = rows[0] if rows else None
                        if first is None or first[:2] != (state.last_id, state.last_row):
                            self._forget(state)
                            raise _Moved
                        rows = rows[1:]
                    if not rows:
                        break
                    state = self._append(state, rows)
                    added += len(rows)
                    if progress is not None:
                        progress(state.last_id, newest)
            except _Moved:
                continue  # the source or the index changed under this update: check again
            return added
        return added

    def _empty(self, state: _Indexed) -> _Indexed:
        """Start from nothing: an empty full-text table, this file's identity, a new
        generation (dropping the table is much faster than deleting its rows)."""
        identity = _identity(self.source)

        def body(conn: sqlite3.Connection) -> None:
            conn.execute("DROP TABLE IF EXISTS event_text")
            conn.execute(_CREATE_TEXT)
            self._set(conn, {"generation": state.generation + 1, "identity": identity})

        self._change(state, body, "cannot empty the search index")
        return _Indexed(generation=state.generation + 1, identity=identity)

    def _append(self, state: _Indexed, rows: list[tuple[int, str, str]]) -> _Indexed:
        last_id, last_row, _ = rows[-1]
        after = replace(state, last_id=last_id, last_row=last_row, count=state.count + len(rows))

        def body(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT OR REPLACE INTO event_text (rowid, text) VALUES (?, ?)",
                [(event_id, text) for event_id, _digest, text in rows],
            )
            self._set(conn, {"last_id": last_id, "last_row": last_row, "count": after.count})

        self._change(state, body, "cannot update the search index")
        return after

    # ---- searching -----------------------------------------------------------------------

    def search(self, source: Store, needle: str, limit: int = 100) -> list[SearchHit]:
        """Events whose text contains ``needle`` (case-insensitive), newest first: from the
        index for what it covers, by a scan of the source for events added since (or for all
        of them, when the index no longer describes the database)."""
        if len(needle) < MIN_NEEDLE:
            return source.search_events(needle, limit=limit)
        state = self._checked(source)
        done = state.last_id
        # Events newer than the index: a scan of just those (ids above what is indexed).
        hits = source.search_events(needle, limit=limit, after_id=done)
        if done == 0:
            return hits
        wanted = needle.casefold()
        before = done + 1  # what the scan above did not cover, even if indexed since
        while len(hits) < limit:
            try:
                with self._lock:
                    rows = self._conn.execute(
                        "SELECT rowid FROM event_text WHERE event_text MATCH ? AND rowid < ?"
                        " ORDER BY rowid DESC LIMIT ?",
                        (_phrase(needle), before, limit),
                    ).fetchall()
            except sqlite3.Error as exc:
                raise from_sqlite(exc, self.path, "cannot search the index") from None
            ids = [int(row[0]) for row in rows]
            if not ids:
                break
            before = ids[-1]
            # Re-check against the database: the index may hold deleted or changed events.
            hits.extend(
                hit for hit in source.hits_by_id(ids) if wanted in hit.event.text.casefold()
            )
        if len(hits) < limit:  # ids below 1, never indexed: a scan of that rowid range
            hits.extend(source.search_events(needle, limit=limit - len(hits), before_id=1))
        if self._state().generation != state.generation:
            # The index started over while this search read it: what it read may be partial.
            return source.search_events(needle, limit=limit)
        return hits[:limit]


def index_path_for(cache_dir: Path, source: Path) -> Path:
    """Where the index of ``source`` lives under ``cache_dir``."""
    digest = hashlib.sha256(str(source.expanduser().resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"search-{digest}.db"

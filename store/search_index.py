"""A full-text index of event text, in a cache file of its own (never in the client's database).

SQLite's FTS5 with the trigram tokenizer answers "text contains this" (three characters or
more, case-insensitive) from an index instead of a scan of every event. The index is filled
incrementally by event id; every hit is read back from the session database and re-checked,
so an index that lags behind or holds deleted events never shows a wrong result.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final

from .connection import use_wal
from .errors import StoreIOError, from_sqlite
from .rows import SearchHit
from .store import Store

__all__ = ["MIN_NEEDLE", "SearchIndex", "index_path_for"]

MIN_NEEDLE: Final = 3
"""Shorter needles have no trigram: they are searched by a scan."""

_BATCH: Final = 2_000  # short transactions: a search never waits long for the lock
_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS event_text USING fts5(text, tokenize = 'trigram');
"""


def _phrase(needle: str) -> str:
    return '"' + needle.replace('"', '""') + '"'


class SearchIndex:
    """The index of one session database. Thread-safe; ``update`` may run in a worker while
    ``search`` answers from what is indexed so far."""

    def __init__(self, conn: sqlite3.Connection, path: Path, source: Path) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self.source = source

    @classmethod
    def open(cls, path: str | Path, source: str | Path) -> SearchIndex:
        """Open (or create) the index at ``path`` for the database at ``source``."""
        index_path = Path(path).expanduser()
        source_path = Path(source).expanduser().resolve()
        try:
            index_path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(index_path), isolation_level=None, check_same_thread=False)
            use_wal(conn)
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
            if row is not None and row[0] != str(source_path):
                raise StoreIOError(f"{index_path} indexes {row[0]}, not {source_path}")
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('source', ?)", (str(source_path),)
            )
        except OSError as exc:
            raise StoreIOError(f"cannot create {index_path}: {exc.strerror or exc}") from None
        except sqlite3.Error as exc:
            raise from_sqlite(exc, index_path, "cannot open the search index") from None
        return cls(conn, index_path, source_path)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @property
    def indexed_up_to(self) -> int:
        """The highest event id indexed."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'last_id'").fetchone()
        return int(row[0]) if row else 0

    def update(self, source: Store, progress: Callable[[int, int], object] | None = None) -> int:
        """Index the events added since the last update; returns how many. Starts over when
        the source's newest event is older than what the index has (events were deleted)."""
        newest = source.max_event_id()
        done = self.indexed_up_to
        if newest < done:
            self._reset()
            done = 0
        added = 0
        while done < newest:
            batch = source.texts_after(done, _BATCH)
            if not batch:
                break
            try:
                with self._lock:
                    self._conn.execute("BEGIN IMMEDIATE")
                    self._conn.executemany(
                        "INSERT OR REPLACE INTO event_text (rowid, text) VALUES (?, ?)", batch
                    )
                    self._conn.execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_id', ?)",
                        (str(batch[-1][0]),),
                    )
                    self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                with self._lock:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                raise from_sqlite(exc, self.path, "cannot update the search index") from None
            done = batch[-1][0]
            added += len(batch)
            if progress is not None:
                progress(done, newest)
        return added

    def _reset(self) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM event_text")
            self._conn.execute("DELETE FROM meta WHERE key = 'last_id'")

    def search(self, source: Store, needle: str, limit: int = 100) -> list[SearchHit]:
        """Events whose text contains ``needle`` (case-insensitive), newest first: from the
        index for what it covers, by a scan of the source for events added since."""
        if len(needle) < MIN_NEEDLE:
            return source.search_events(needle, limit=limit)
        done = self.indexed_up_to
        # Events newer than the index: a scan of just those (ids above what is indexed).
        hits = source.search_events(needle, limit=limit, after_id=done)
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
        return hits[:limit]


def index_path_for(cache_dir: Path, source: Path) -> Path:
    """Where the index of ``source`` lives under ``cache_dir``."""
    digest = hashlib.sha256(str(source.expanduser().resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"search-{digest}.db"

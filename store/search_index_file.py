"""The search index's own file: its layout, the state it records in its ``meta`` table, and
the guarded write transactions that change it (a cache file of the browser's, never the
client's database).

Layout (``SCHEMA_VERSION`` 3)
-----------------------------
Events are indexed in *groups* of up to ``GROUP`` consecutive events (by id): one row of the
FTS5 table ``event_text`` per group, its ``rowid`` the group's first event id, its text the
group's event texts joined by newlines. The table is contentless (``content=''``: the text is
not stored again, the database has it) with ``detail=none`` (no positions) and the trigram
tokenizer, so the index only says "this group holds every trigram of the needle": a search
reads those groups' events back from the database and keeps those whose text contains the
needle (``search_index.py``). ``event_group`` gives each group's id range (``start`` ..
``stop``) and ``head``, a digest of its first event's text (the samples compared when the
database file's identity changed).

Why: the previous layout (one row per event, stored text, positions) built at 36,000 events/s
and took 2.3x the database's size on the benchmark's 1M events; this one, at 8 events a group
written in transactions of ``search_index.BATCH`` events, builds several times faster in a
file far smaller than the database (``bench/search_bench.py`` measures both).

The ``meta`` table holds ``key -> value`` text: ``schema``, ``source`` (the resolved path of
the database it indexes), ``generation``, and the fingerprint of what it indexed
(``last_id``, ``last_row``, ``count``, ``identity``; what each means and how it is checked
against the source: ``search_index.py``).

Every change goes through ``SearchIndexFile._change``: a write transaction that first re-reads
the ``meta`` table and gives up (``IndexMoved``) when another handle (a worker, another
process) changed the generation or ``last_id`` meanwhile, so two updates never interleave
rows of different generations. Reads (a search, the state) use a second connection, so a
search never waits for an update's transaction (WAL: it reads the last committed state).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final, Self

from .connection import file_identity, use_wal
from .errors import StoreIOError, from_sqlite

__all__ = [
    "GROUP",
    "SCHEMA_VERSION",
    "Group",
    "IndexMoved",
    "IndexedState",
    "SearchIndexFile",
    "identity_text",
    "index_path_for",
    "text_digest",
]

SCHEMA_VERSION: Final = "3"
"""The index file's own layout; an index of another version is emptied and rebuilt."""

_CREATE_META: Final = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_CREATE_TEXT: Final = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS event_text USING fts5(text, tokenize = 'trigram',"
    " content = '', detail = none, columnsize = 0)"
)
_CREATE_GROUPS: Final = (
    "CREATE TABLE IF NOT EXISTS event_group"
    " (start INTEGER PRIMARY KEY, stop INTEGER NOT NULL, head BLOB NOT NULL)"
)
# FTS5 flushes its in-memory terms to a new segment at each commit or when they pass this
# size; one flush per batch (not several) leaves fewer segments to merge.
_HASH_SIZE: Final = 32 * 1024 * 1024
_SET_HASH_SIZE: Final = "INSERT INTO event_text (event_text, rank) VALUES ('hashsize', ?)"
# FTS5 merges segments once AUTOMERGE of them pile up on a level (default 4): merging late and
# in larger steps does less work, at a few more segments for a search to look up (a build
# from scratch in batches of 100,000 leaves 10 segments: no merge at all).
_AUTOMERGE: Final = 16
_SET_AUTOMERGE: Final = "INSERT INTO event_text (event_text, rank) VALUES ('automerge', ?)"
_FINGERPRINT_KEYS: Final = ("last_id", "last_row", "count", "identity")

GROUP: Final = 8
"""Events per row of the full-text table (fewer rows and terms: a faster, smaller index)."""


def text_digest(raw: bytes | str | None) -> bytes:
    """A short digest of an event's text as its bytes (``event_group.head``)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw or b""
    return hashlib.blake2b(data, digest_size=8).digest()


@dataclass(frozen=True, slots=True)
class Group:
    """Consecutive indexed events: ids ``start`` .. ``stop``, their texts joined, and the
    digest of the first one's text."""

    start: int
    stop: int
    text: bytes | str
    head: bytes


def _create(conn: sqlite3.Connection) -> None:
    conn.execute(_CREATE_TEXT)
    conn.execute(_CREATE_GROUPS)
    conn.execute(_SET_HASH_SIZE, (_HASH_SIZE,))
    conn.execute(_SET_AUTOMERGE, (_AUTOMERGE,))


def identity_text(path: Path) -> str:
    """``st_dev:st_ino`` of ``path`` (a ``stat`` only, never open(): closing such a descriptor
    would release every POSIX lock this process's SQLite connections hold, RELIABILITY.md),
    or an empty string when there is no file."""
    identity = file_identity(path)
    return "" if identity is None else f"{identity[0]}:{identity[1]}"


def index_path_for(cache_dir: Path, source: Path) -> Path:
    """Where the index of ``source`` lives under ``cache_dir``."""
    digest = hashlib.sha256(str(source.expanduser().resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"search-{digest}.db"


@dataclass(frozen=True)
class IndexedState:
    """What the index says it holds (its ``meta`` table)."""

    generation: int
    last_id: int = 0
    last_row: str = ""
    count: int = 0
    identity: str = ""

    @classmethod
    def of(cls, meta: dict[str, str]) -> IndexedState:
        return cls(
            generation=int(meta.get("generation", "0")),
            last_id=int(meta.get("last_id", "0")),
            last_row=meta.get("last_row", ""),
            count=int(meta.get("count", "0")),
            identity=meta.get("identity", ""),
        )


class IndexMoved(Exception):
    """The index changed under a transaction that expected another state."""


class SearchIndexFile:
    """One open index file. Thread-safe: every use of the connection holds ``_lock``."""

    def __init__(
        self, conn: sqlite3.Connection, reader: sqlite3.Connection, path: Path, source: Path
    ) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self._reader = reader
        self._read_lock = threading.Lock()
        self.path = path
        self.source = source
        self.starts_over = 0
        """Mismatches seen by this handle (each made the index start over)."""

    @classmethod
    def open(cls, path: str | Path, source: str | Path) -> Self:
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
                conn.execute("DROP TABLE IF EXISTS event_group")
                conn.execute("DELETE FROM meta")
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("schema", SCHEMA_VERSION), ("source", str(source_path))],
                )
                _create(conn)
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', '0')")
            conn.execute("COMMIT")
            reader = sqlite3.connect(str(index_path), isolation_level=None, check_same_thread=False)
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
        return cls(conn, reader, index_path, source_path)

    def close(self) -> None:
        with self._read_lock:
            self._reader.close()
        with self._lock:
            self._conn.close()

    @property
    def indexed_up_to(self) -> int:
        """The highest event id indexed (0 once the index found it no longer describes the
        database, until ``update`` indexed again)."""
        return self._state().last_id

    # ---- the recorded state --------------------------------------------------------------

    def _state(self) -> IndexedState:
        try:
            with self._read_lock:
                meta = dict(self._reader.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as exc:
            raise from_sqlite(exc, self.path, "cannot read the search index") from None
        return IndexedState.of(meta)

    def _change(
        self, expected: IndexedState, body: Callable[[sqlite3.Connection], None], doing: str
    ) -> None:
        """Run ``body`` in a write transaction if the index is still at ``expected`` (its
        generation and last_id); raise ``IndexMoved`` otherwise (another update got there)."""
        try:
            with self._lock:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    now = IndexedState.of(
                        dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
                    )
                    if (now.generation, now.last_id) != (expected.generation, expected.last_id):
                        raise IndexMoved
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

    def _record(self, state: IndexedState, changes: dict[str, object]) -> None:
        """Record ``changes`` to the fingerprint (a lower count, a new identity) of an index
        still at ``state``."""
        self._change(state, lambda conn: self._set(conn, changes), "cannot update the index")

    def _forget(self, state: IndexedState) -> IndexedState:
        """The index no longer describes the database: nothing counts as indexed (a search
        scans everything) until ``update`` empties it and indexes again. Raises
        ``IndexMoved`` when the index is no longer at ``state``."""

        def body(conn: sqlite3.Connection) -> None:
            conn.executemany("DELETE FROM meta WHERE key = ?", [(k,) for k in _FINGERPRINT_KEYS])
            self._set(conn, {"generation": state.generation + 1})

        self._change(state, body, "cannot update the search index")
        self.starts_over += 1
        return IndexedState(generation=state.generation + 1)

    # ---- the full-text rows --------------------------------------------------------------

    def _empty(self, state: IndexedState) -> IndexedState:
        """Start from nothing: an empty full-text table, this file's identity, a new
        generation (dropping the table is much faster than deleting its rows)."""
        identity = identity_text(self.source)

        def body(conn: sqlite3.Connection) -> None:
            conn.execute("DROP TABLE IF EXISTS event_text")
            conn.execute("DROP TABLE IF EXISTS event_group")
            _create(conn)
            self._set(conn, {"generation": state.generation + 1, "identity": identity})

        self._change(state, body, "cannot empty the search index")
        return IndexedState(generation=state.generation + 1, identity=identity)

    def _append(
        self, state: IndexedState, groups: list[Group], last_row: str, added: int
    ) -> IndexedState:
        """Add ``groups`` (in id order, after ``state.last_id``; ``added`` events in all) and
        record their last event (digest ``last_row``) as the event the index ends with."""
        last_id = groups[-1].stop
        after = replace(state, last_id=last_id, last_row=last_row, count=state.count + added)

        def body(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO event_text (rowid, text) VALUES (?, ?)",
                [(group.start, group.text) for group in groups],
            )
            conn.executemany(
                "INSERT INTO event_group (start, stop, head) VALUES (?, ?, ?)",
                [(group.start, group.stop, group.head) for group in groups],
            )
            self._set(conn, {"last_id": last_id, "last_row": last_row, "count": after.count})

        self._change(state, body, "cannot update the search index")
        return after

    def _settle(self) -> None:
        """After a large update: copy the WAL back into the file and truncate it (otherwise
        it stays as large as the largest batch). Best effort: a reader may hold it."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def _spread(self, last_id: int, step: int) -> dict[int, bytes]:
        """The first indexed group starting at or after each of 1, 1 + step, ... (up to
        ``last_id``): its first event id -> the digest of that event's text."""
        indexed: dict[int, bytes] = {}
        try:
            with self._read_lock:
                for start in range(1, last_id + 1, step):
                    row = self._reader.execute(
                        "SELECT start, head FROM event_group WHERE start >= ? AND start <= ?"
                        " ORDER BY start LIMIT 1",
                        (start, last_id),
                    ).fetchone()
                    if row is not None:
                        indexed[int(row[0])] = bytes(row[1])
        except sqlite3.Error as exc:
            raise from_sqlite(exc, self.path, "cannot read the search index") from None
        return indexed

    def _matches(self, needle: str, before: int, limit: int) -> list[tuple[int, int]]:
        """Id ranges (start, stop) of up to ``limit`` indexed groups starting below
        ``before`` that hold every trigram of ``needle`` (at least three characters),
        highest first: candidates, each to be re-checked against the database."""
        try:
            with self._read_lock:
                rows = self._reader.execute(
                    "SELECT g.start, g.stop FROM event_group g WHERE g.start IN"
                    " (SELECT rowid FROM event_text WHERE event_text MATCH ? AND rowid < ?"
                    " ORDER BY rowid DESC LIMIT ?) ORDER BY g.start DESC",
                    (trigram_query(needle), before, limit),
                ).fetchall()
        except sqlite3.Error as exc:
            raise from_sqlite(exc, self.path, "cannot search the index") from None
        return [(int(row[0]), int(row[1])) for row in rows]


def trigram_query(needle: str) -> str:
    """An FTS5 query for rows holding every trigram of ``needle`` (``detail=none`` has no
    phrases): the trigrams at 0, 3, 6, ... and the last one, which together cover it."""
    starts = sorted({*range(0, len(needle) - 2, 3), len(needle) - 3})
    terms = dict.fromkeys(needle[at : at + 3] for at in starts)
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)

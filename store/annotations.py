"""Bookmarks and notes on events, and session names and tags (``session_labels``), in the
browser's own SQLite file (never the client's).

One file (``locations.annotations_file()``) serves every session database. A bookmark is
keyed by the database's key (the client database's resolved path, as a string: a file
replaced at that path keeps its bookmarks), the session's ULID and the event's seq; never
by a row id. It has an optional multi-line note and the time it was made. Each write is one
short ``BEGIN IMMEDIATE`` transaction (``StoreBase._write``), so several browsers may share
the file. A bookmark whose session is gone is kept: the list shows it as orphaned.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .base import Clock, utc_now
from .connection import use_wal
from .errors import SessionError
from .session_labels import LABEL_SCHEMA, SessionLabels

__all__ = ["Annotations", "AnnotationsError", "Bookmark"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS bookmarks (
    db         TEXT NOT NULL,
    ulid       TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    note       TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (db, ulid, seq)
) WITHOUT ROWID;
"""


class AnnotationsError(SessionError):
    """The annotations file cannot be used; the message is one line, for the user."""


@dataclass(frozen=True, slots=True)
class Bookmark:
    db: str
    ulid: str
    seq: int
    note: str | None
    created_at: str


def _error(path: Path, doing: str, exc: sqlite3.Error | OSError) -> AnnotationsError:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in detail:
        detail = "not an SQLite file (corrupt?); move it away to start over"
    return AnnotationsError(f"cannot {doing} the annotations file {path}: {detail}")


def _create_tables(conn: sqlite3.Connection) -> None:
    for statement in (_SCHEMA, *LABEL_SCHEMA):  # IF NOT EXISTS: older files upgrade in place
        conn.execute(statement).close()


class Annotations(SessionLabels):
    """The annotations file. Thread-safe: the base's lock serialises its connection. Its
    session names and tags are ``SessionLabels``'s methods."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock = utc_now) -> None:
        super().__init__(conn, path, read_only=False, clock=clock)
        self.path: Path = path

    def __repr__(self) -> str:
        return f"Annotations({str(self.path)!r})"

    @classmethod
    def open(cls, path: str | Path, *, clock: Clock = utc_now) -> Annotations:
        """Open (or create) the file; ``AnnotationsError`` (one line) when it cannot."""
        where = Path(path).expanduser()
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                str(where), isolation_level=None, check_same_thread=False, timeout=5.0
            )
        except (OSError, sqlite3.Error) as exc:
            raise _error(where, "open", exc) from None
        annotations = cls(conn, where, clock)
        try:
            use_wal(conn)
            annotations._write("create the tables of", _create_tables)
        except (sqlite3.Error, SessionError) as exc:
            annotations.close()
            if isinstance(exc, sqlite3.Error):
                raise _error(where, "open", exc) from None
            raise AnnotationsError(f"cannot open the annotations file {where}: {exc}") from None
        return annotations

    def _do(self, doing: str, sql: str, params: tuple[object, ...]) -> None:
        self._write(doing, lambda conn: conn.execute(sql, params).close())

    # ---- writes ----------------------------------------------------------------------------

    def toggle(self, db: str, ulid: str, seq: int) -> bool:
        """Bookmark the event, or remove its bookmark (and note); True when now bookmarked."""

        def body(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "DELETE FROM bookmarks WHERE db = ? AND ulid = ? AND seq = ?", (db, ulid, seq)
            )
            removed = cursor.rowcount > 0
            cursor.close()
            if not removed:
                conn.execute(
                    "INSERT INTO bookmarks (db, ulid, seq, note, created_at)"
                    " VALUES (?, ?, ?, NULL, ?)",
                    (db, ulid, seq, self._now()),
                ).close()
            return not removed

        return bool(self._write("write a bookmark to", body))

    def set_note(self, db: str, ulid: str, seq: int, note: str | None) -> None:
        """Attach ``note`` (None or blank: none) to the event, bookmarking it if need be."""
        text = note if note and note.strip() else None
        self._do(
            "write a note to",
            "INSERT INTO bookmarks (db, ulid, seq, note, created_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (db, ulid, seq) DO UPDATE SET note = excluded.note",
            (db, ulid, seq, text, self._now()),
        )

    # ---- reads -----------------------------------------------------------------------------

    def session_bookmarks(self, db: str, ulid: str) -> dict[int, str | None]:
        """The session's bookmarks: seq -> note, in seq order."""
        rows = self._rows(
            "SELECT seq, note FROM bookmarks WHERE db = ? AND ulid = ? ORDER BY seq",
            (db, ulid),
            "reading bookmarks",
        )
        return {int(seq): note for seq, note in rows}

    def all_bookmarks(self) -> list[Bookmark]:
        """Every bookmark of every database, newest session first, then by seq."""
        rows = self._rows(
            "SELECT db, ulid, seq, note, created_at FROM bookmarks ORDER BY ulid DESC, db, seq",
            (),
            "reading bookmarks",
        )
        return [Bookmark(str(d), str(u), int(s), n, str(c)) for d, u, s, n, c in rows]

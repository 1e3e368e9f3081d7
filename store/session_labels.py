"""Session names and tags, in the browser's annotations file (``store.annotations``).

A session's name and its tags are keyed like a bookmark: the database's key (its resolved
path) and the session's ULID, never a row id, so a client file replaced at the same path
keeps them and a label on a session that is gone is kept (the search shows it as orphaned).
``Annotations`` inherits these methods; its ``open`` creates the tables with ``IF NOT
EXISTS``, so an annotations file made before names and tags existed upgrades in place.

A name is one line of printable text (``clean_name``); a tag is a word without spaces,
commas or a leading ``#``, kept in lower case (``parse_tags``), so ``#Slow``, ``slow`` and
``SLOW`` are one tag. Labels are made by hand, so reading every label of one database is
bounded by what a person typed: the list's sort by name and the search read them whole.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Final

from .base import StoreBase

__all__ = [
    "LABEL_SCHEMA",
    "MAX_NAME",
    "MAX_TAG",
    "LabelledSession",
    "SessionLabel",
    "SessionLabels",
    "clean_name",
    "parse_tags",
]

LABEL_SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS session_names (
        db       TEXT NOT NULL,
        ulid     TEXT NOT NULL,
        name     TEXT NOT NULL,
        named_at TEXT NOT NULL,
        PRIMARY KEY (db, ulid)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS session_tags (
        db        TEXT NOT NULL,
        ulid      TEXT NOT NULL,
        tag       TEXT NOT NULL,
        tagged_at TEXT NOT NULL,
        PRIMARY KEY (db, ulid, tag)
    ) WITHOUT ROWID""",
)
"""One statement each (``execute`` runs one; ``executescript`` would commit mid-transaction)."""

MAX_NAME: Final = 120
MAX_TAG: Final = 40
_SEPARATORS: Final = re.compile(r"[\s,]+")
_ZWJ: Final = "\u200d"


@dataclass(frozen=True, slots=True)
class SessionLabel:
    """A session's name ("" when unnamed) and its tags (sorted)."""

    name: str = ""
    tags: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.name and not self.tags


@dataclass(frozen=True, slots=True)
class LabelledSession:
    """One labelled session of some database, for a search over every label."""

    db: str
    ulid: str
    label: SessionLabel


def _printable(text: str) -> str:
    """``text`` without control and format characters (escapes, bidi overrides, zero-width
    spaces), the emoji joiner kept: what the user typed never carries them."""
    return "".join(
        char
        for char in text
        if char == _ZWJ or unicodedata.category(char) not in ("Cc", "Cf") or char in "\t\n"
    )


def clean_name(text: str | None) -> str:
    """A name as stored: one line of printable text, spaces collapsed, at most ``MAX_NAME``
    characters; "" (no name) for None or blank text."""
    if not text:
        return ""
    return " ".join(_printable(text).split())[:MAX_NAME]


def parse_tags(text: str | Iterable[str]) -> tuple[str, ...]:
    """Tags from what the user typed (comma or space separated, ``#`` optional), lower case,
    each at most ``MAX_TAG`` characters, without repeats, sorted."""
    words = _SEPARATORS.split(text) if isinstance(text, str) else list(text)
    tags = {_printable(word).strip().lstrip("#").lower()[:MAX_TAG] for word in words}
    return tuple(sorted(tag for tag in tags if tag))


class SessionLabels(StoreBase):
    """The label methods of the annotations file (each write one ``BEGIN IMMEDIATE``)."""

    # ---- writes ----------------------------------------------------------------------------

    def set_name(self, db: str, ulid: str, name: str | None) -> str:
        """Name the session (None or blank: remove its name); returns the name stored."""
        cleaned = clean_name(name)

        def body(conn: sqlite3.Connection) -> None:
            if not cleaned:
                conn.execute(
                    "DELETE FROM session_names WHERE db = ? AND ulid = ?", (db, ulid)
                ).close()
                return
            conn.execute(
                "INSERT INTO session_names (db, ulid, name, named_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (db, ulid) DO UPDATE SET name = excluded.name,"
                " named_at = excluded.named_at",
                (db, ulid, cleaned, self._now()),
            ).close()

        self._write("write a session name to", body)
        return cleaned

    def set_tags(self, db: str, ulid: str, tags: str | Iterable[str]) -> tuple[str, ...]:
        """Make the session's tags exactly ``tags`` (``parse_tags``); returns them. A tag
        kept keeps the time it was first given."""
        wanted = parse_tags(tags)

        def body(conn: sqlite3.Connection) -> None:
            cursor = conn.execute(
                "SELECT tag FROM session_tags WHERE db = ? AND ulid = ?", (db, ulid)
            )
            present = {str(tag) for (tag,) in cursor.fetchall()}
            cursor.close()
            for tag in present - set(wanted):
                conn.execute(
                    "DELETE FROM session_tags WHERE db = ? AND ulid = ? AND tag = ?",
                    (db, ulid, tag),
                ).close()
            self._insert_tags(conn, db, ulid, [tag for tag in wanted if tag not in present])

        self._write("write session tags to", body)
        return wanted

    def add_tags(self, db: str, ulid: str, tags: str | Iterable[str]) -> None:
        """Give the session these tags too (those it has already stay as they are)."""
        added = parse_tags(tags)
        self._write("write session tags to", lambda c: self._insert_tags(c, db, ulid, added))

    def remove_tags(self, db: str, ulid: str, tags: str | Iterable[str]) -> None:
        removed = parse_tags(tags)

        def body(conn: sqlite3.Connection) -> None:
            for tag in removed:
                conn.execute(
                    "DELETE FROM session_tags WHERE db = ? AND ulid = ? AND tag = ?",
                    (db, ulid, tag),
                ).close()

        self._write("write session tags to", body)

    def _insert_tags(
        self, conn: sqlite3.Connection, db: str, ulid: str, tags: Iterable[str]
    ) -> None:
        now = self._now()
        for tag in tags:
            conn.execute(
                "INSERT INTO session_tags (db, ulid, tag, tagged_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (db, ulid, tag) DO NOTHING",
                (db, ulid, tag, now),
            ).close()

    # ---- reads -----------------------------------------------------------------------------

    def labels_of(self, db: str, ulids: Collection[str]) -> dict[str, SessionLabel]:
        """The labels of those of ``ulids`` that have any (one page of the list: two reads,
        each with one parameter for the ULIDs, a JSON array)."""
        if not ulids:
            return {}
        wanted = json.dumps(sorted(ulids))
        names = self._rows(
            "SELECT db, ulid, name FROM session_names WHERE db = ?"
            " AND ulid IN (SELECT value FROM json_each(?))",
            (db, wanted),
            "reading session names",
        )
        tags = self._rows(
            "SELECT db, ulid, tag FROM session_tags WHERE db = ?"
            " AND ulid IN (SELECT value FROM json_each(?)) ORDER BY tag",
            (db, wanted),
            "reading session tags",
        )
        return {ulid: label for (_, ulid), label in _grouped(names, tags).items()}

    def names(self, db: str) -> dict[str, str]:
        """Every named session of the database: ULID -> name."""
        rows = self._rows(
            "SELECT ulid, name FROM session_names WHERE db = ?", (db,), "reading session names"
        )
        return {str(ulid): str(name) for ulid, name in rows}

    def matching(self, db: str, *, name: str = "", tag: str = "") -> set[str]:
        """ULIDs of the database's sessions whose name contains ``name`` (case-insensitive,
        Unicode) and that have the tag ``tag`` (as ``parse_tags`` makes it); an empty
        ``name`` or ``tag`` does not narrow."""
        found: set[str] | None = None
        if name.strip():
            needle = clean_name(name).casefold()
            found = {u for u, n in self.names(db).items() if needle in n.casefold()}
        wanted = parse_tags(tag)
        if wanted:
            rows = self._rows(
                "SELECT ulid FROM session_tags WHERE db = ? AND tag = ?",
                (db, wanted[0]),
                "reading session tags",
            )
            tagged = {str(ulid) for (ulid,) in rows}
            found = tagged if found is None else found & tagged
        return found or set()

    def all_labels(self) -> list[LabelledSession]:
        """Every label of every database, newest session first (for the search)."""
        names = self._rows("SELECT db, ulid, name FROM session_names", (), "reading session names")
        tags = self._rows(
            "SELECT db, ulid, tag FROM session_tags ORDER BY tag", (), "reading session tags"
        )
        found = [
            LabelledSession(db, ulid, label) for (db, ulid), label in _grouped(names, tags).items()
        ]
        return sorted(found, key=lambda item: (item.ulid, item.db), reverse=True)


def _grouped(
    names: Iterable[tuple[object, object, object]], tags: Iterable[tuple[object, object, object]]
) -> dict[tuple[str, str], SessionLabel]:
    """Rows ``(db, ulid, name)`` and ``(db, ulid, tag)`` (tags in order) as labels."""
    named = {(str(d), str(u)): str(n) for d, u, n in names}
    tagged: dict[tuple[str, str], list[str]] = {}
    for d, u, t in tags:
        tagged.setdefault((str(d), str(u)), []).append(str(t))
    return {
        key: SessionLabel(named.get(key, ""), tuple(tagged.get(key, ())))
        for key in named.keys() | tagged.keys()
    }

"""The schema the Rust client creates, applied idempotently, and checked before use.

The Rust side migrates with refinery; its SQL is not published, so this module creates the
same tables with ``IF NOT EXISTS`` and never touches ``refinery_schema_history``.

The client's database stays the client's: nothing here creates, changes or drops an index.
The tables' own constraints give the indexes the reads use (``sessions.ulid UNIQUE`` and
``events UNIQUE (session_id, seq)``, SQLite's autoindexes); what they cannot answer cheaply
is answered from the browser's own files (``summary_cache.py``, ``search_index.py``). An
index a database already has (``zst_`` ones an earlier version of this package created
included) is left as it is: SQLite may use it, nothing relies on it, nothing drops it.
"""

from __future__ import annotations

import sqlite3
from typing import Final

from .errors import MigrationError
from .kinds import EventKind

__all__ = [
    "KNOWN_MIGRATION_VERSION",
    "REQUIRED_COLUMNS",
    "TABLES_SQL",
    "apply_schema",
    "check_schema",
    "recorded_migration_version",
]

KIND_VALUES: Final = ", ".join(f"'{kind.value}'" for kind in EventKind)

TABLES_SQL: Final = f"""
CREATE TABLE IF NOT EXISTS sessions (
    id              INTEGER PRIMARY KEY,
    ulid            TEXT UNIQUE NOT NULL,
    started_at      TEXT NOT NULL,
    ended_at        TEXT NULL,
    engine_base_url TEXT NULL,
    cli_version     TEXT NOT NULL,
    parent_ulid     TEXT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ({KIND_VALUES})),
    text       TEXT NOT NULL,
    UNIQUE (session_id, seq)
);
CREATE TABLE IF NOT EXISTS milestones (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    at    TEXT NOT NULL
);
"""

# The highest refinery migration version of zero-session 0.1.2 that this code understands.
# The crate's migrations are not published; 0.1.2 is documented with one schema (CONTRACT.md),
# taken here as version 1. A database recording a higher version opens read-only.
KNOWN_MIGRATION_VERSION: Final = 1

REQUIRED_COLUMNS: Final[dict[str, frozenset[str]]] = {
    "sessions": frozenset(
        {"id", "ulid", "started_at", "ended_at", "engine_base_url", "cli_version", "parent_ulid"}
    ),
    "events": frozenset({"id", "session_id", "seq", "at", "kind", "text"}),
    "milestones": frozenset({"key", "value", "at"}),
}


def recorded_migration_version(conn: sqlite3.Connection) -> int | None:
    """The highest version in ``refinery_schema_history``, or None when there is no history."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'refinery_schema_history'"
    ).fetchone()
    if row is None:
        return None
    (version,) = conn.execute("SELECT MAX(version) FROM refinery_schema_history").fetchone()
    if version is None:
        return None
    try:
        return int(version)
    except (TypeError, ValueError):
        # refinery declares ``version INT4``, which can hold text; never let that crash an open
        raise MigrationError(
            f"refinery_schema_history records an unreadable version {str(version)[:40]!r}"
        ) from None


def check_schema(conn: sqlite3.Connection) -> None:
    """Raise ``MigrationError`` unless every table and column the store reads is present."""
    for table, columns in REQUIRED_COLUMNS.items():
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if not present:
            raise MigrationError(f"not a ZERO session database: it has no {table!r} table")
        missing = sorted(columns - present)
        if missing:
            raise MigrationError(
                f"not a ZERO session database: table {table!r} lacks {', '.join(missing)}"
            )


def apply_schema(conn: sqlite3.Connection) -> None:
    """Create the tables that are missing (``IF NOT EXISTS``, as the client's schema has
    them), in one transaction; running it again changes nothing. Never an index: a table
    that exists is left exactly as it is, its indexes included.

    When the result still lacks what the store reads (a table of another shape), raise
    ``MigrationError`` and roll back, so a database that is not ours is left untouched.

    When every table is there already, nothing is written and no write lock is taken (a
    client appending at that moment never waits for it): the tables are only checked."""
    existing = {
        str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if set(REQUIRED_COLUMNS) <= existing:
        check_schema(conn)
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in TABLES_SQL.split(";"):
            if statement.strip():
                conn.execute(statement)
        check_schema(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise

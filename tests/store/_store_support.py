"""Shared helpers for the store tests: a fake clock and databases made with plain SQL.

The Rust-shaped databases are built with ``sqlite3`` directly, never through ``Store``, so the
tests read what the Rust client would have written rather than what this package writes.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store.clocks import SettableClock

KINDS = ("prompt", "system", "command", "warn", "alert", "mode_change")
_KIND_CHECK = "CHECK (kind IN ('prompt', 'system', 'command', 'warn', 'alert', 'mode_change'))"


def fake_clock(
    start: datetime = datetime(2026, 11, 24, 19, 0, 0, tzinfo=UTC),
    step: timedelta = timedelta(seconds=1),
) -> SettableClock:
    """A clock for ``Store.open(path, clock=...)``: each call returns the next instant."""
    return SettableClock(start, step)


def rust_schema_sql(*, kind_check: bool = True, unique_seq: bool = True) -> str:
    """The tables as CONTRACT.md describes them, plus refinery's history table."""
    check = f" {_KIND_CHECK}" if kind_check else ""
    unique = ",\n        UNIQUE (session_id, seq)" if unique_seq else ""
    return f"""
    CREATE TABLE refinery_schema_history (
        version INTEGER PRIMARY KEY, name TEXT, applied_on TEXT, checksum TEXT);
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        ulid TEXT UNIQUE NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT NULL,
        engine_base_url TEXT NULL,
        cli_version TEXT NOT NULL,
        parent_ulid TEXT NULL);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL{check},
        text TEXT NOT NULL{unique});
    CREATE TABLE milestones (key TEXT PRIMARY KEY, value TEXT NOT NULL, at TEXT NOT NULL);
    """


def make_rust_db(
    path: Path,
    *,
    version: int = 1,
    kind_check: bool = True,
    unique_seq: bool = True,
    wal: bool = True,
) -> None:
    """An empty Rust-shaped database recording refinery migration ``version``."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(rust_schema_sql(kind_check=kind_check, unique_seq=unique_seq))
        conn.execute(
            "INSERT INTO refinery_schema_history VALUES (?, ?, ?, ?)",
            (
                version,
                f"V{version}__initial",
                "2026-11-01T09:00:00.000000001+00:00",
                "11823412351279185386",
            ),
        )
    finally:
        conn.close()


def insert_session(
    conn: sqlite3.Connection,
    ulid: str,
    started_at: str,
    *,
    ended_at: str | None = None,
    parent_ulid: str | None = None,
    engine_base_url: str | None = "https://engine.example",
    cli_version: str = "0.3.0",
) -> int:
    cursor = conn.execute(
        "INSERT INTO sessions (ulid, started_at, ended_at, engine_base_url, cli_version,"
        " parent_ulid) VALUES (?, ?, ?, ?, ?, ?)",
        (ulid, started_at, ended_at, engine_base_url, cli_version, parent_ulid),
    )
    return int(cursor.lastrowid or 0)


def insert_events(
    conn: sqlite3.Connection, session_id: int, rows: Iterable[tuple[str, str, str]]
) -> None:
    """Insert ``(at, kind, text)`` rows with seq 1, 2, 3 ... after the session's last seq."""
    (last,) = conn.execute(
        "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = ?", (session_id,)
    ).fetchone()
    conn.executemany(
        "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, ?, ?)",
        [(session_id, last + i, at, kind, text) for i, (at, kind, text) in enumerate(rows, 1)],
    )


def table_rows(path: Path, table: str) -> list[tuple[object, ...]]:
    """Every row of ``table`` (values with their SQLite types), in a stable order."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(conn.execute(f"SELECT * FROM {table}"), key=repr)
    finally:
        conn.close()


def index_names(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
    finally:
        conn.close()


def tracer() -> tuple[list[str], Callable[[str], None]]:
    """A list and a callback for ``Store.set_trace`` that appends each statement to it."""
    statements: list[str] = []

    def record(sql: str) -> None:
        statements.append(" ".join(sql.split()))

    return statements, record


FULL_SCAN = re.compile(r"^SCAN (\w+)$")

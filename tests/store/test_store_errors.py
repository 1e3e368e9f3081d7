"""Bad files and bad moments: each gives a one-line ``SessionError`` naming the path, never a
raw ``sqlite3`` exception, never a crash, and never a changed file."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from _store_support import insert_events, insert_session, make_rust_db, table_rows

from store import (
    EventKind,
    MigrationError,
    SessionError,
    SqliteError,
    Store,
    StoreIOError,
    connection,
)

OPENERS: dict[str, Callable[[Path], Store]] = {
    "open": Store.open,
    "open_readonly": Store.open_readonly,
}


def _one_line_naming(error: BaseException, path: Path) -> str:
    message = str(error)
    assert "\n" not in message
    assert str(path) in message
    return message


def _real_db(path: Path, sessions: int = 30, events: int = 40) -> None:
    with Store.open(path) as db:
        for i in range(sessions):
            sid = db.start_session(f"01HREAL{i:03d}", None, "0.3.0", None)
            db.append_many(sid, [(EventKind.SYSTEM, f"{i} " + "x" * 200)] * events)
    assert not Path(f"{path}-wal").exists()


def _read_everything(db: Store) -> None:
    for summary in db.list_summaries(1000):
        db.list_events(summary.session.id, 1000)
        db.kind_counts(summary.session.id)
    db.search_events("x", limit=100_000)


@pytest.mark.parametrize("opener", list(OPENERS))
@pytest.mark.parametrize(
    ("blob", "expected"),
    [
        (b"this is not a database, just some text\n" * 100, "is not an SQLite database"),
        (b"\x00\xff" * 3, "is not an SQLite database"),
        (bytes(range(256)) * 20, "is not an SQLite database"),
    ],
    ids=["text", "short", "binary"],
)
def test_garbage_file(tmp_path: Path, opener: str, blob: bytes, expected: str) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(blob)
    with pytest.raises(SessionError, match=expected) as info:
        OPENERS[opener](path)
    _one_line_naming(info.value, path)
    assert path.read_bytes() == blob


@pytest.mark.parametrize("opener", list(OPENERS))
def test_first_ten_bytes_of_a_database(tmp_path: Path, opener: str) -> None:
    real = tmp_path / "real.db"
    _real_db(real, sessions=1)
    path = tmp_path / "ten.db"
    path.write_bytes(real.read_bytes()[:10])
    with pytest.raises(SessionError, match="truncated") as info:
        OPENERS[opener](path)
    _one_line_naming(info.value, path)
    assert path.stat().st_size == 10


@pytest.mark.parametrize("opener", list(OPENERS))
@pytest.mark.parametrize("keep", [16, 4096, 0.25, 0.5, 0.9])
def test_database_cut_short(tmp_path: Path, opener: str, keep: float) -> None:
    real = tmp_path / "real.db"
    _real_db(real)
    data = real.read_bytes()
    blob = data[: int(keep if keep >= 1 else len(data) * keep)]
    path = tmp_path / "cut.db"
    path.write_bytes(blob)
    # on open, or at the latest on the first read
    with pytest.raises(SqliteError) as info, OPENERS[opener](path) as db:
        _read_everything(db)
    message = _one_line_naming(info.value, path)
    assert info.value.code in ("SQLITE_CORRUPT", "SQLITE_NOTADB")
    assert "corrupt" in message or "not an SQLite database" in message
    assert path.read_bytes() == blob  # a failed open writes nothing into the file


@pytest.mark.parametrize("opener", list(OPENERS))
def test_pages_overwritten_fail_on_read_not_crash(tmp_path: Path, opener: str) -> None:
    path = tmp_path / "smashed.db"
    _real_db(path)
    data = bytearray(path.read_bytes())
    page = 4096
    pages = len(data) // page
    for number in range(pages // 3, 2 * pages // 3):
        data[number * page : (number + 1) * page] = b"\xa5" * page
    path.write_bytes(bytes(data))

    with pytest.raises(SqliteError) as info, OPENERS[opener](path) as db:
        _read_everything(db)
    assert info.value.code.startswith("SQLITE_CORRUPT")
    _one_line_naming(info.value, path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(SessionError, match="not a ZERO session database") as info:
        Store.open_readonly(path)
    _one_line_naming(info.value, path)
    assert path.stat().st_size == 0

    with Store.open(path) as db:  # a 0-byte file is an empty database: it becomes a store
        sid = db.start_session("01HEMPTY", None, "0.3.0", None)
        db.append(sid, EventKind.PROMPT, "> hi")
    with Store.open_readonly(path) as db:
        assert db.count_events(sid) == 1


def test_missing_file_in_an_existing_directory(tmp_path: Path) -> None:
    path = tmp_path / "typo.db"
    with pytest.raises(StoreIOError) as info:
        Store.open_readonly(path)
    assert str(info.value) == f"no database at {path}"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("opener", list(OPENERS))
def test_a_directory(tmp_path: Path, opener: str) -> None:
    path = tmp_path / "sessions.db"
    path.mkdir()
    with pytest.raises(StoreIOError, match="is a directory") as info:
        OPENERS[opener](path)
    _one_line_naming(info.value, path)
    assert list(path.iterdir()) == []


def test_database_of_another_program(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(MigrationError, match="no 'sessions' table") as info:
        Store.open_readonly(path)
    assert "not a ZERO session database" in _one_line_naming(info.value, path)


@pytest.mark.parametrize(
    "columns",
    [
        "id INTEGER PRIMARY KEY, token TEXT",  # no started_at: creating an index fails
        "id INTEGER PRIMARY KEY, ulid TEXT, started_at TEXT, parent_ulid TEXT",  # indexes work
    ],
    ids=["no-started-at", "no-cli-version"],
)
def test_sessions_table_of_another_shape(tmp_path: Path, columns: str) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE TABLE sessions ({columns})")
    conn.commit()
    conn.close()
    schema = table_rows(path, "sqlite_master")

    with pytest.raises(MigrationError, match="lacks") as info:
        Store.open_readonly(path)
    _one_line_naming(info.value, path)
    with pytest.raises(SessionError) as info:
        Store.open(path)
    _one_line_naming(info.value, path)
    # the failed schema step rolled back: no events or milestones table, no index was added
    assert table_rows(path, "sqlite_master") == schema


def test_unreadable_refinery_version(tmp_path: Path) -> None:
    path = tmp_path / "odd-history.db"
    with Store.open(path):
        pass
    conn = sqlite3.connect(path)
    # refinery's own declaration: INT4 is not a rowid alias, so text can be stored in it
    conn.execute(
        "CREATE TABLE refinery_schema_history"
        " (version INT4 PRIMARY KEY, name VARCHAR(255), applied_on VARCHAR(255),"
        " checksum VARCHAR(255))"
    )
    conn.execute("INSERT INTO refinery_schema_history VALUES ('v2', 'x', 'y', 'z')")
    conn.commit()
    conn.close()
    for opener in OPENERS.values():
        with pytest.raises(MigrationError, match="unreadable version 'v2'") as info:
            opener(path)
        _one_line_naming(info.value, path)


def test_invalid_utf8_is_replaced_and_other_rows_survive(tmp_path: Path) -> None:
    path = tmp_path / "bad-utf8.db"
    make_rust_db(path)
    conn = sqlite3.connect(path, isolation_level=None)
    sid = insert_session(conn, "01HUTF8", "2026-11-24T19:07:20+00:00")
    insert_events(conn, sid, [("2026-11-24T19:07:21+00:00", "prompt", "> fine before")])
    conn.execute(
        "INSERT INTO events (session_id, seq, at, kind, text)"
        " VALUES (?, 2, '2026-11-24T19:07:22+00:00', 'system', CAST(X'6f6bff20c3' AS TEXT))",
        (sid,),
    )
    conn.execute("UPDATE sessions SET cli_version = CAST(X'302e33fe' AS TEXT) WHERE id = ?", (sid,))
    insert_events(conn, sid, [("2026-11-24T19:07:23+00:00", "system", "fine after")])
    conn.close()

    for opener in OPENERS.values():
        with opener(path) as db:
            texts = [e.text for e in db.list_events(sid, 10)]
            assert texts == ["> fine before", "ok\ufffd \ufffd", "fine after"]
            session = db.get_session_by_ulid("01HUTF8")
            assert session is not None
            assert session.cli_version == "0.3\ufffd"
            assert [h.event.seq for h in db.search_events("ok")] == [2]


@pytest.fixture
def short_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make SQLite's busy wait and the write retry deadline short, so a lock fails fast."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(
        connection,
        "in_write_transaction",
        functools.partial(connection.in_write_transaction, deadline_s=0.3),
    )


@pytest.mark.usefixtures("short_busy")
def test_write_while_another_connection_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    with Store.open(path) as db, Store.open_readonly(path) as reader:
        sid = db.start_session("01HLOCK", None, "0.3.0", None)
        db.append(sid, EventKind.PROMPT, "> before")
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            with pytest.raises(SqliteError) as info:
                db.append(sid, EventKind.SYSTEM, "while locked")
            assert info.value.is_busy
            assert "locked" in _one_line_naming(info.value, path)
            assert reader.count_events(sid) == 1  # WAL: reads go on under a writer's lock
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert db.append(sid, EventKind.SYSTEM, "after") == 2  # nothing half-written


@pytest.mark.usefixtures("short_busy")
def test_non_wal_database_under_exclusive_lock(tmp_path: Path) -> None:
    path = tmp_path / "rollback-journal.db"
    make_rust_db(path, wal=False)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        for opener in OPENERS.values():
            with pytest.raises(SqliteError) as info, opener(path) as db:
                db.list_sessions(1)
            assert info.value.is_busy
            _one_line_naming(info.value, path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # left as it was
    finally:
        raw.close()
    with Store.open(path) as db:  # once the lock is gone, it opens (and becomes WAL)
        assert db.writable


def test_is_busy_reads_the_code() -> None:
    assert SqliteError("x", "SQLITE_BUSY").is_busy
    assert SqliteError("x", "SQLITE_BUSY_SNAPSHOT").is_busy
    assert SqliteError("x", "SQLITE_LOCKED").is_busy
    assert not SqliteError("x", "SQLITE_CORRUPT").is_busy
    assert not SqliteError("x").is_busy
    assert isinstance(SqliteError("x"), SessionError)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.db"
    _real_db(path, sessions=1)
    path.chmod(0)
    try:
        with pytest.raises(StoreIOError, match="permission denied") as info:
            Store.open_readonly(path)
        _one_line_naming(info.value, path)
    finally:
        path.chmod(0o600)

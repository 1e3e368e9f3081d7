"""The store on disk: round trips through close and reopen, the pragmas CONTRACT.md names,
read-only opening that never creates or writes anything, and closing."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from store import EventKind, SessionError, SqliteError, Store, StoreIOError, connection
from store.clocks import SettableClock


def _fingerprint(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_mtime_ns, stat.st_size


def _fill(db: Store) -> tuple[int, int]:
    parent = db.start_session("01HDISKA", "https://engine.example", "0.3.0", None)
    for kind, text in [
        (EventKind.PROMPT, "> /status"),
        (EventKind.COMMAND, "status: ok"),
        (EventKind.WARN, "latency high"),
        (EventKind.MODE_CHANGE, "live"),
    ]:
        db.append(parent, kind, text)
    db.end_session(parent)
    child = db.start_session("01HDISKB", None, "0.3.1", "01HDISKA")
    db.append(child, EventKind.ALERT, "unicode ✓ and \x1b[31m escapes kept as data")
    db.set_milestone("welcome_shown", "true")
    return parent, child


def test_round_trip_through_close_and_reopen(db_path: Path, clock: SettableClock) -> None:
    with Store.open(db_path, clock=clock) as db:
        parent, child = _fill(db)
        sessions = db.list_sessions(10)
        events = {sid: db.list_events(sid, 100) for sid in (parent, child)}

    for reopen in (Store.open, Store.open_readonly):
        with reopen(db_path) as again:
            assert again.list_sessions(10) == sessions
            assert {sid: again.list_events(sid, 100) for sid in (parent, child)} == events
            assert again.get_milestone("welcome_shown") == "true"
    assert [s.ulid for s in sessions] == ["01HDISKB", "01HDISKA"]
    assert sessions[1].ended_at is not None
    assert events[child][0].text == "unicode ✓ and \x1b[31m escapes kept as data"


def test_parent_directories_are_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c" / "sessions.db"
    with Store.open(path) as db:
        db.start_session("01HDIR", None, "0.3.0", None)
    assert path.is_file()


def test_tilde_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with Store.open("~/.zero/state/sessions.db") as db:
        assert db.path == tmp_path / ".zero" / "state" / "sessions.db"
    assert (tmp_path / ".zero" / "state" / "sessions.db").is_file()


def test_journal_mode_is_wal_on_disk(db: Store, db_path: Path) -> None:
    db.start_session("01HWAL", None, "0.3.0", None)
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_writer_connection_pragmas(db_path: Path) -> None:
    conn = connection.connect_writer(db_path)
    try:
        # WAL is set apart (use_wal), once the schema version says writing is allowed.
        connection.use_wal(conn)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == connection.BUSY_TIMEOUT_MS
        assert conn.isolation_level is None  # explicit transactions only
    finally:
        conn.close()


def test_reader_connection_is_read_only_with_foreign_keys(db: Store, db_path: Path) -> None:
    conn = connection.connect_reader(db_path)
    try:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM sessions")
    finally:
        conn.close()


def test_a_reader_keeps_a_small_page_cache_of_its_own(db: Store, db_path: Path) -> None:
    conn = connection.connect_reader(db_path)
    try:
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -connection.READER_CACHE_KIB
    finally:
        conn.close()
    plain = sqlite3.connect(db_path)
    try:  # a connection's own setting: nothing of it is in the file
        assert plain.execute("PRAGMA cache_size").fetchone()[0] == -2000
    finally:
        plain.close()


def test_foreign_keys_are_enforced(db: Store) -> None:
    with pytest.raises(SqliteError) as info:
        db.append(4242, EventKind.SYSTEM, "orphan")
    assert info.value.code == "SQLITE_CONSTRAINT_FOREIGNKEY"
    assert db.count_events(4242) == 0


def test_open_readonly_on_a_missing_path_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "sessions.db"
    with pytest.raises(StoreIOError, match=f"no database at {path}"):
        Store.open_readonly(path)
    assert not path.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_open_readonly_never_writes(db_path: Path, clock: SettableClock) -> None:
    with Store.open(db_path, clock=clock) as db:
        parent, _ = _fill(db)
    assert not Path(f"{db_path}-wal").exists()  # the last writer checkpointed on close
    before = _fingerprint(db_path)

    with Store.open_readonly(db_path) as reader:
        assert not reader.writable
        assert reader.count_events(parent) == 4
        assert reader.list_summaries(10)[0].session.ulid == "01HDISKB"
        assert reader.search_events("status")
        for attempt in (
            lambda: reader.start_session("01HNO", None, "0.3.0", None),
            lambda: reader.append(parent, EventKind.SYSTEM, "no"),
            lambda: reader.end_session(parent),
            lambda: reader.set_milestone("welcome_shown", "no"),
            lambda: reader.delete_session(parent),
        ):
            with pytest.raises(SqliteError, match="read-only"):
                attempt()

    assert _fingerprint(db_path) == before
    # SQLite's WAL mode needs its -shm index even to read; if it left a -wal, it is empty.
    wal = Path(f"{db_path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    with Store.open_readonly(db_path) as reader:
        assert reader.get_milestone("welcome_shown") == "true"


def test_reader_sees_commits_made_after_it_opened(db: Store, db_path: Path) -> None:
    sid = db.start_session("01HLIVE", None, "0.3.0", None)
    with Store.open_readonly(db_path) as reader:
        assert reader.count_events(sid) == 0
        db.append_many(sid, [(EventKind.SYSTEM, f"line {i}") for i in range(3)])
        assert [e.seq for e in reader.events_after(sid, 0, 10)] == [1, 2, 3]


def test_context_manager_closes_and_later_ops_raise(db_path: Path) -> None:
    with Store.open(db_path) as db:
        sid = db.start_session("01HCLOSE", None, "0.3.0", None)
    for attempt in (
        lambda: db.list_sessions(1),
        lambda: db.count_events(sid),
        lambda: db.append(sid, EventKind.SYSTEM, "late"),
        lambda: db.set_trace(None),
    ):
        with pytest.raises(SessionError, match="closed"):
            attempt()
    db.close()  # closing again is harmless


def test_close_is_explicit_and_idempotent(db_path: Path) -> None:
    reader_src = Store.open(db_path)
    reader_src.start_session("01HX", None, "0.3.0", None)
    reader_src.close()
    reader = Store.open_readonly(db_path)
    assert [s.ulid for s in reader.list_sessions(5)] == ["01HX"]
    reader.close()
    reader.close()
    with pytest.raises(SessionError, match=str(db_path)):
        reader.get_milestone("welcome_shown")
    assert "read-only" in repr(reader)
    assert os.fspath(db_path) in repr(reader)

"""Databases shaped like the Rust client's, made with plain SQL (never through ``Store``):
chrono's nanosecond stamps, refinery's history table, rows the Python side would never write."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _store_support import (
    fake_clock,
    index_names,
    insert_events,
    insert_session,
    make_rust_db,
    table_rows,
)

from store import EventKind, MigrationError, SqliteError, Store

NANO = "2026-11-24T19:07:20.123456789+00:00"
NANO_AT = datetime(2026, 11, 24, 19, 7, 20, 123456, tzinfo=UTC)


def _populate(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        ids = {
            "old": insert_session(
                conn, "01HRUSTOLD", "2026-11-23T08:00:00+00:00", ended_at=NANO, cli_version="0.2.9"
            ),
            "nano": insert_session(conn, "01HRUSTNANO", NANO, engine_base_url=None),
            "bad": insert_session(conn, "01HRUSTBAD", "yesterday at noon", ended_at="soon"),
        }
        insert_events(
            conn,
            ids["nano"],
            [
                (NANO, "prompt", "> /status"),
                ("2026-11-24T19:07:21.000000001+00:00", "command", "status: ok"),
                ("2026-11-24T19:07:22.5+00:00", "warn", "latency 900ms"),
                ("garbage-stamp", "system", "a row whose time is unreadable"),
            ],
        )
        insert_events(conn, ids["old"], [("2026-11-23T08:00:01Z", "mode_change", "paper")])
    finally:
        conn.close()
    return ids


@pytest.fixture
def rust_db(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "rust.db"
    make_rust_db(path)
    return path, _populate(path)


def test_chrono_stamps_are_read_exactly(rust_db: tuple[Path, dict[str, int]]) -> None:
    path, ids = rust_db
    for opener in (Store.open_readonly, Store.open):
        with opener(path) as db:
            session = db.get_session_by_ulid("01HRUSTNANO")
            assert session is not None
            assert session.started_at == NANO_AT  # nanoseconds truncated to microseconds
            assert session.engine_base_url is None
            events = db.list_events(ids["nano"], 10)
            assert [e.at for e in events[:3]] == [
                NANO_AT,
                datetime(2026, 11, 24, 19, 7, 21, tzinfo=UTC),
                datetime(2026, 11, 24, 19, 7, 22, 500000, tzinfo=UTC),
            ]
            old = db.get_session_by_ulid("01HRUSTOLD")
            assert old is not None
            assert old.ended_at == NANO_AT


def test_unparseable_stamps_are_unknown_never_now(rust_db: tuple[Path, dict[str, int]]) -> None:
    path, ids = rust_db
    with Store.open_readonly(path) as db:
        bad = db.get_session_by_ulid("01HRUSTBAD")
        assert bad is not None
        assert bad.started_at is None
        assert bad.ended_at is None
        last = db.list_events(ids["nano"], 1)[0]
        assert last.text == "a row whose time is unreadable"
        assert last.at is None
        summary = db.session_summary(ids["nano"])
        assert summary is not None
        assert summary.last_event_at is None  # the last event's stamp is unreadable


def test_unknown_kind_maps_to_system_and_keeps_the_raw_string(tmp_path: Path) -> None:
    path = tmp_path / "nocheck.db"
    make_rust_db(path, kind_check=False)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        sid = insert_session(conn, "01HKIND", NANO)
        insert_events(conn, sid, [(NANO, "telemetry", "from a newer client"), (NANO, "warn", "w")])
    finally:
        conn.close()

    with Store.open_readonly(path) as db:
        odd, warn = db.list_events(sid, 10)
        assert odd.kind is EventKind.SYSTEM
        assert odd.raw_kind == "telemetry"
        assert odd.kind_label == "telemetry"
        assert not odd.kind_is_known
        assert warn.kind is EventKind.WARN
        assert warn.kind_is_known
        assert warn.kind_label == "warn"
        assert db.kind_counts(sid) == {"telemetry": 1, "warn": 1}
        summary = db.session_summary(sid)
        assert summary is not None
        assert (summary.event_count, summary.warn_count, summary.alert_count) == (2, 1, 0)


def test_appending_leaves_refinery_history_untouched(
    rust_db: tuple[Path, dict[str, int]],
) -> None:
    path, ids = rust_db
    history = table_rows(path, "refinery_schema_history")
    master = table_rows(path, "sqlite_master")
    assert len(history) == 1
    clock = fake_clock(start=datetime(2026, 11, 24, 19, 7, 20, 123457, tzinfo=UTC))

    with Store.open(path, clock=clock) as db:
        assert db.writable
        assert db.append(ids["nano"], EventKind.PROMPT, "> /wrap") == 5  # after Rust's 4
        new = db.start_session("01HPYTHON", None, "0.1.0", "01HRUSTNANO")
        db.append(new, EventKind.SYSTEM, "hello from python")
        db.end_session(ids["nano"])
        db.set_milestone("last_daily_wrap_at", NANO)
        # .123457 (Python, 6 digits) sorts after .123456789 (chrono, 9 digits) as text too
        ulids = [s.ulid for s in db.list_sessions(10)]
        assert ulids.index("01HPYTHON") < ulids.index("01HRUSTNANO")
        assert [s.ulid for s in db.children("01HRUSTNANO")] == ["01HPYTHON"]

    assert table_rows(path, "refinery_schema_history") == history
    events = table_rows(path, "events")
    assert any(row[4] == "prompt" and row[5] == "> /wrap" for row in events)
    # Opening, reading and writing changed no table, index or trigger of the client's.
    assert table_rows(path, "sqlite_master") == master
    assert not {n for n in index_names(path) if n.startswith("zst_")}
    with Store.open_readonly(path) as reader:
        assert reader.count_events(ids["nano"]) == 5
        nano = reader.get_session_by_ulid("01HRUSTNANO")
        assert nano is not None
        assert nano.ended_at is not None


def test_rust_cascade_still_works_after_python_opened_it(
    rust_db: tuple[Path, dict[str, int]],
) -> None:
    path, ids = rust_db
    with Store.open(path):
        pass
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM sessions WHERE id = ?", (ids["nano"],))
        left = conn.execute(
            "SELECT COUNT(*) FROM events WHERE session_id = ?", (ids["nano"],)
        ).fetchone()
    finally:
        conn.close()
    assert left == (0,)


def _read_everything(db: Store, sid: int) -> None:
    """Every kind of read a browser makes (none of them may change the schema)."""
    db.list_summaries(10)
    db.query_summaries(10, sort="warn")
    db.session_page(10)
    db.count_sessions()
    db.children("01HRUSTNANO")
    db.search_sessions("RUST", 10)
    db.kind_counts(sid)
    db.kind_delta(sid)
    db.last_events([sid])
    list(db.iter_events(sid))
    db.search_events("status")
    db.find_event(sid, "status", 0)


@pytest.mark.parametrize("unique_seq", [True, False])
def test_opening_a_rust_database_adds_nothing_to_sqlite_master(
    tmp_path: Path, unique_seq: bool
) -> None:
    path = tmp_path / "rust.db"
    make_rust_db(path, unique_seq=unique_seq)
    ids = _populate(path)
    master = table_rows(path, "sqlite_master")
    with Store.open(path) as db:
        assert table_rows(path, "sqlite_master") == master  # opening: no table, no index
        _read_everything(db, ids["nano"])
        db.append(ids["nano"], EventKind.SYSTEM, "written by the browser")
        db.end_session(ids["nano"])
        db.delete_session(ids["bad"])
    with Store.open_readonly(path) as reader:
        _read_everything(reader, ids["nano"])
    assert table_rows(path, "sqlite_master") == master


def test_indexes_an_earlier_version_created_are_left_alone(
    rust_db: tuple[Path, dict[str, int]],
) -> None:
    path, ids = rust_db
    conn = sqlite3.connect(path, isolation_level=None)
    try:  # what version 0.x of this package added to the client's database
        conn.execute("CREATE INDEX zst_events_session_kind ON events(session_id, kind)")
        conn.execute("CREATE INDEX zst_sessions_started ON sessions(started_at)")
        conn.execute("CREATE INDEX zst_sessions_parent ON sessions(parent_ulid)")
    finally:
        conn.close()
    master = table_rows(path, "sqlite_master")
    with Store.open(path) as db:
        _read_everything(db, ids["nano"])
        db.append(ids["nano"], EventKind.WARN, "late")
        summary = db.session_summary(ids["nano"])
        assert summary is not None
        assert (summary.event_count, summary.warn_count) == (5, 2)
    assert table_rows(path, "sqlite_master") == master  # never dropped, nothing added


@pytest.fixture
def future_db(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "future.db"
    make_rust_db(path, version=99)
    return path, _populate(path)


def test_newer_schema_version_reads_but_refuses_every_write(
    future_db: tuple[Path, dict[str, int]],
) -> None:
    path, ids = future_db
    master = table_rows(path, "sqlite_master")
    events = table_rows(path, "events")

    with Store.open(path) as db:
        assert not db.writable
        assert db.write_refusal is not None
        assert db.count_events(ids["nano"]) == 4
        assert len(db.list_summaries(10)) == 3
        attempts = {
            "start a session": lambda: db.start_session("01HNEW", None, "0.1.0", None),
            "append an event": lambda: db.append(ids["nano"], EventKind.SYSTEM, "x"),
            "end a session": lambda: db.end_session(ids["nano"]),
            "set a milestone": lambda: db.set_milestone("welcome_shown", "true"),
            "delete a session": lambda: db.delete_session(ids["nano"]),
        }
        for doing, attempt in attempts.items():
            with pytest.raises(MigrationError) as info:
                attempt()
            message = str(info.value)
            assert message.startswith(f"cannot {doing}: ")
            assert "version 99" in message
            assert "version 1 " in message
            assert str(path) in message
            assert "\n" not in message

    assert table_rows(path, "sqlite_master") == master  # nothing was added
    assert table_rows(path, "events") == events

    with Store.open_readonly(path) as reader:
        assert reader.count_events(ids["nano"]) == 4
        with pytest.raises(SqliteError, match="version 99"):
            reader.append(ids["nano"], EventKind.SYSTEM, "x")

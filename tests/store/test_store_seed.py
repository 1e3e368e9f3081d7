"""Every test of the Rust seed's ``mod tests`` (zero-session 0.1.2 store.rs), in pytest.

Where the seed sleeps so that two ``started_at`` stamps differ, these tests inject a clock.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from _store_support import fake_clock, table_rows, tracer

from store import EventKind, SerializationError, SqliteError, Store, milestones
from store.clocks import SettableClock


def test_migrations_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store.open(path) as first:
        sid = first.start_session("01HKEEP", None, "0.3.0", None)
        first.append(sid, EventKind.PROMPT, "> hello")
    schema_before = table_rows(path, "sqlite_master")
    # A second (and third) open replays the schema against the migrated file without error,
    # without changing it and without losing rows.
    for _ in range(2):
        with Store.open(path) as again:
            assert again.count_events(sid) == 1
    assert table_rows(path, "sqlite_master") == schema_before


def test_migrations_are_idempotent_in_memory() -> None:
    with Store.open_in_memory() as first:
        assert first.list_sessions(10) == []
    with Store.open_in_memory() as second:
        assert second.list_sessions(10) == []


def test_append_and_list_round_trip(db: Store) -> None:
    sid = db.start_session("01HTEST", "http://x", "0.3.0", None)
    seqs = (
        db.append(sid, EventKind.PROMPT, "> hello"),
        db.append(sid, EventKind.SYSTEM, "welcome"),
        db.append(sid, EventKind.COMMAND, "status ok"),
    )
    assert seqs == (1, 2, 3)

    events = db.list_events(sid, 100)
    assert len(events) == 3
    assert events[0].kind is EventKind.PROMPT
    assert events[2].text == "status ok"
    assert [e.seq for e in events] == [1, 2, 3]
    assert all(e.session_id == sid and e.kind_is_known for e in events)


def test_list_events_returns_tail_in_order(db: Store) -> None:
    sid = db.start_session("01HTAIL", None, "0.3.0", None)
    for i in range(10):
        db.append(sid, EventKind.SYSTEM, f"line {i}")
    tail = db.list_events(sid, 3)
    assert [e.text for e in tail] == ["line 7", "line 8", "line 9"]
    assert db.list_events(sid, 0) == []


def test_last_session_is_most_recent(db: Store, clock: SettableClock) -> None:
    assert db.last_session() is None
    db.start_session("01HA", None, "0.3.0", None)
    db.start_session("01HB", None, "0.3.0", None)
    last = db.last_session()
    assert last is not None
    assert last.ulid == "01HB"


def test_last_session_ties_on_started_at_go_to_the_later_row(db_path: Path) -> None:
    # Same-millisecond stamps (the seed's worry): the newer row id wins.
    frozen = fake_clock(step=timedelta(0))
    with Store.open(db_path, clock=frozen) as db:
        db.start_session("01HA", None, "0.3.0", None)
        db.start_session("01HB", None, "0.3.0", None)
        last = db.last_session()
    assert last is not None
    assert last.ulid == "01HB"


def test_end_session_is_idempotent(db: Store, clock: SettableClock) -> None:
    sid = db.start_session("01HEND", None, "0.3.0", None)
    db.end_session(sid)
    first = db.last_session()
    assert first is not None
    assert first.ended_at is not None
    db.end_session(sid)  # the clock has moved on: a second end must not rewrite the time
    second = db.last_session()
    assert second is not None
    assert second.ended_at == first.ended_at


def test_milestones_upsert_and_read(db: Store) -> None:
    key = milestones.WELCOME_SHOWN
    assert key == "welcome_shown"
    assert db.get_milestone(key) is None
    db.set_milestone(key, "true")
    assert db.get_milestone(key) == "true"
    db.set_milestone(key, "skipped")
    assert db.get_milestone(key) == "skipped"
    assert db.get_milestone(milestones.FIRST_LIVE_TRADE_AT) is None


def test_unknown_event_kind_is_rejected_by_schema(db: Store, db_path: Path) -> None:
    sid = db.start_session("01HBAD", None, "0.3.0", None)
    raw = sqlite3.connect(db_path, isolation_level=None)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            raw.execute(
                "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, 1, ?, ?, ?)",
                (sid, "2026-11-24T19:07:20+00:00", "bogus", "x"),
            )
    finally:
        raw.close()
    assert db.count_events(sid) == 0


def test_list_sessions_honors_limit_and_is_newest_first(db: Store) -> None:
    for ulid in ("01HA", "01HB", "01HC"):
        db.start_session(ulid, None, "0.3.0", None)

    assert [r.ulid for r in db.list_sessions(10)] == ["01HC", "01HB", "01HA"]
    top = db.list_sessions(1)
    assert [r.ulid for r in top] == ["01HC"]

    statements, record = tracer()
    db.set_trace(record)
    try:
        assert db.list_sessions(0) == []
        assert statements == []  # limit 0 never reaches the database
        db.list_sessions(1)
        assert len(statements) == 1  # ...while the tracer does see a real read
    finally:
        db.set_trace(None)


def test_list_sessions_rejects_a_negative_limit(db: Store) -> None:
    with pytest.raises(ValueError, match="limit"):
        db.list_sessions(-1)


def test_get_session_by_ulid_round_trips_and_misses_cleanly(db: Store) -> None:
    sid = db.start_session("01HFOUND", "http://e", "0.3.0", None)
    hit = db.get_session_by_ulid("01HFOUND")
    assert hit is not None
    assert (hit.id, hit.ulid, hit.engine_base_url, hit.cli_version) == (
        sid,
        "01HFOUND",
        "http://e",
        "0.3.0",
    )
    assert hit.ended_at is None
    assert db.get_session_by_ulid("01HMISSING") is None


def test_count_events_matches_append_count(db: Store) -> None:
    sid = db.start_session("01HCNT", None, "0.3.0", None)
    other = db.start_session("01HOTHER", None, "0.3.0", None)
    assert db.count_events(sid) == 0
    for i in range(5):
        db.append(sid, EventKind.SYSTEM, f"line {i}")
    db.append(other, EventKind.SYSTEM, "not counted")
    assert db.count_events(sid) == 5


def test_parent_ulid_records_fork_link(db: Store) -> None:
    db.start_session("01HP", None, "0.3.0", None)
    db.start_session("01HC", None, "0.3.0", "01HP")
    last = db.last_session()
    assert last is not None
    assert last.parent_ulid == "01HP"
    assert last.is_fork
    parent = db.get_session_by_ulid("01HP")
    assert parent is not None
    assert not parent.is_fork


def test_started_at_comes_from_the_injected_clock(db: Store, clock: SettableClock) -> None:
    expected = clock.now
    sid = db.start_session("01HCLK", None, "0.3.0", None)
    db.append(sid, EventKind.PROMPT, "> /status")
    row = db.get_session_by_ulid("01HCLK")
    assert row is not None
    assert row.started_at == expected
    (event,) = db.list_events(sid, 1)
    assert event.at == expected + clock.step


def test_append_rejects_an_unknown_kind_before_writing(db: Store) -> None:
    sid = db.start_session("01HKIND", None, "0.3.0", None)
    with pytest.raises(SerializationError, match="bogus"):
        db.append(sid, "bogus", "x")
    assert db.append(sid, "warn", "a known kind as a string") == 1


def test_duplicate_ulid_is_an_sqlite_error(db: Store) -> None:
    db.start_session("01HDUP", None, "0.3.0", None)
    with pytest.raises(SqliteError) as info:
        db.start_session("01HDUP", None, "0.3.0", None)
    assert info.value.code == "SQLITE_CONSTRAINT_UNIQUE"
    assert "\n" not in str(info.value)

"""The search index answers like a scan of the database: the same hits in the same order,
events newer than the index found once, never a hit the database no longer holds (deleted
events, a start-over racing a search), ids the client never writes found by a scan."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from _search_index_support import complete, fill, hit_ids, hit_texts
from _store_support import insert_events, insert_session, make_rust_db

from store import EventKind, Store
from store.search_index import MIN_NEEDLE, SearchIndex


@pytest.fixture
def index(tmp_path: Path, db: Store, db_path: Path) -> SearchIndex:
    found = SearchIndex.open(tmp_path / "cache" / "index.db", db_path)
    yield found
    found.close()


@pytest.mark.parametrize(
    "needle", ["risk limit", "HEARTBEAT", '"phrase"', "100%", "under_score", "/status", "ETH-USD"]
)
def test_index_answers_like_a_scan(db: Store, index: SearchIndex, needle: str) -> None:
    fill(db)
    assert index.update(db) == 120
    scanned = db.search_events(needle, limit=25)
    assert scanned, needle
    assert hit_ids(index.search(db, needle, 25)) == hit_ids(scanned)


def test_short_needles_are_scanned(db: Store, index: SearchIndex) -> None:
    fill(db)
    index.update(db)
    needle = "#1"
    assert len(needle) < MIN_NEEDLE
    assert hit_ids(index.search(db, needle, 30)) == hit_ids(db.search_events(needle, limit=30))


def test_events_newer_than_the_index_are_found_once(db: Store, index: SearchIndex) -> None:
    sessions = fill(db)
    index.update(db)
    db.append(sessions[0], EventKind.ALERT, "risk limit reached again, after the index")
    hits = index.search(db, "risk limit", 100)
    assert hit_ids(hits) == hit_ids(db.search_events("risk limit", limit=100))
    assert len(set(hit_ids(hits))) == len(hits)
    assert hits[0].event.text.startswith("risk limit reached again")
    assert index.update(db) == 1
    assert hit_ids(index.search(db, "risk limit", 100)) == hit_ids(hits)


def test_deleted_events_are_never_returned(db: Store, index: SearchIndex) -> None:
    sessions = fill(db)
    index.update(db)
    db.delete_session(sessions[1])
    hits = index.search(db, "risk limit", 100)
    assert hits
    assert all(hit.session_ulid != "01HIDX0001" for hit in hits)
    assert hit_ids(hits) == hit_ids(db.search_events("risk limit", limit=100))


def test_a_source_that_shrank_is_indexed_again(db: Store, index: SearchIndex) -> None:
    sessions = fill(db)
    index.update(db)
    for sid in sessions:
        db.delete_session(sid)
    fresh = db.start_session("01HIDXNEW", None, "0.3.0", None)
    db.append(fresh, EventKind.PROMPT, "> /positions after a reset")
    assert index.update(db) == 1
    assert index.indexed_up_to == db.max_event_id()
    assert [hit.event.text for hit in index.search(db, "positions", 10)] == [
        "> /positions after a reset"
    ]


def test_a_search_during_a_start_over_is_complete(
    db: Store, db_path: Path, index: SearchIndex
) -> None:
    """Another handle (a worker, another process) empties the index for a start-over while a
    search reads it: the search notices (the generation changed) and answers by a scan."""
    sessions = fill(db)
    index.update(db)
    db.delete_session(sessions[-1])
    fresh = db.start_session("01HIDXRACE", None, "0.3.0", None)
    db.append_many(fresh, [(EventKind.WARN, f"risk limit raced {i}") for i in range(40)])
    other = SearchIndex.open(index.path, db_path)

    def checked_just_before_a_start_over(source: Store):
        state = index._state()  # what this search read: the old generation, last_id 120
        other._empty(other._checked(source))
        return state

    index._checked = checked_just_before_a_start_over  # type: ignore[method-assign]
    try:
        found = hit_texts(index.search(db, "risk limit", 500))
    finally:
        other.close()
    assert found == hit_texts(db.search_events("risk limit", limit=500))
    assert sum("raced" in text for text in found) == 40


def test_ids_below_one_are_found_and_do_not_make_the_index_start_over(tmp_path: Path) -> None:
    """The client never writes them, another program may: they are scanned, not indexed."""
    path = tmp_path / "rust.db"
    make_rust_db(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        sid = insert_session(conn, "01HRUSTNEGATIVE00000000000", "2026-11-01T09:00:00Z")
        conn.executemany(
            "INSERT INTO events (id, session_id, seq, at, kind, text) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (-5, sid, 1, "2026-11-01T09:00:01Z", "system", "below one risk"),
                (0, sid, 2, "2026-11-01T09:00:02Z", "system", "zero risk"),
            ],
        )
        insert_events(conn, sid, [("2026-11-01T09:00:03Z", "warn", f"risk {i}") for i in range(9)])
    finally:
        conn.close()
    index = SearchIndex.open(tmp_path / "cache" / "rust.idx", path)
    try:
        with Store.open_readonly(path) as store:
            assert index.update(store) == 9
            assert index.update(store) == 0
            assert len(complete(index, store, "risk")) == 11
            assert index.starts_over == 0
    finally:
        index.close()

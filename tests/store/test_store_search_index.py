"""The full-text search index: same answers as a scan of the database, incrementally kept up,
never a hit that the database no longer holds, and in a file of its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import EventKind, Store, StoreIOError
from store.search_index import MIN_NEEDLE, SearchIndex, index_path_for

TEXTS = [
    "> /status",
    "risk limit reached on ETH-USD: new orders blocked",
    'quoted "phrase" inside',
    "Heartbeat OK; latency 12 ms",
    "slippage 1.2% on NVDA",
    "under_score and 100% literal",
]


def _fill(db: Store, sessions: int = 3, rounds: int = 40) -> list[int]:
    ids = []
    for n in range(sessions):
        sid = db.start_session(f"01HIDX{n:04d}", None, "0.3.0", None)
        ids.append(sid)
        db.append_many(
            sid,
            [(EventKind.SYSTEM, f"{TEXTS[i % len(TEXTS)]} #{n}-{i}") for i in range(rounds)],
        )
    return ids


@pytest.fixture
def index(tmp_path: Path, db: Store, db_path: Path) -> SearchIndex:
    found = SearchIndex.open(tmp_path / "cache" / "index.db", db_path)
    yield found
    found.close()


def _ids(hits) -> list[int]:
    return [hit.event.id for hit in hits]


@pytest.mark.parametrize(
    "needle", ["risk limit", "HEARTBEAT", '"phrase"', "100%", "under_score", "/status", "ETH-USD"]
)
def test_index_answers_like_a_scan(db: Store, index: SearchIndex, needle: str) -> None:
    _fill(db)
    assert index.update(db) == 120
    scanned = db.search_events(needle, limit=25)
    assert scanned, needle
    assert _ids(index.search(db, needle, 25)) == _ids(scanned)


def test_short_needles_are_scanned(db: Store, index: SearchIndex) -> None:
    _fill(db)
    index.update(db)
    needle = "#1"
    assert len(needle) < MIN_NEEDLE
    assert _ids(index.search(db, needle, 30)) == _ids(db.search_events(needle, limit=30))


def test_events_newer_than_the_index_are_found_once(db: Store, index: SearchIndex) -> None:
    sessions = _fill(db)
    index.update(db)
    db.append(sessions[0], EventKind.ALERT, "risk limit reached again, after the index")
    hits = index.search(db, "risk limit", 100)
    assert _ids(hits) == _ids(db.search_events("risk limit", limit=100))
    assert len(set(_ids(hits))) == len(hits)
    assert hits[0].event.text.startswith("risk limit reached again")
    assert index.update(db) == 1
    assert _ids(index.search(db, "risk limit", 100)) == _ids(hits)


def test_deleted_events_are_never_returned(db: Store, index: SearchIndex) -> None:
    sessions = _fill(db)
    index.update(db)
    db.delete_session(sessions[1])
    hits = index.search(db, "risk limit", 100)
    assert hits
    assert all(hit.session_ulid != "01HIDX0001" for hit in hits)
    assert _ids(hits) == _ids(db.search_events("risk limit", limit=100))


def test_a_source_that_shrank_is_indexed_again(db: Store, index: SearchIndex) -> None:
    sessions = _fill(db)
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


def test_an_index_belongs_to_one_database(tmp_path: Path, db: Store, db_path: Path) -> None:
    path = tmp_path / "cache" / "index.db"
    SearchIndex.open(path, db_path).close()
    with pytest.raises(StoreIOError, match="indexes"):
        SearchIndex.open(path, tmp_path / "other.db")


def test_the_index_lives_apart_from_the_database(db: Store, index: SearchIndex) -> None:
    _fill(db)
    index.update(db)
    assert index.path.resolve() != Path(db.path or "").resolve()
    tables = {row[0] for row in db._rows("SELECT name FROM sqlite_master")}
    assert not any("event_text" in name for name in tables)


def test_matching_uses_the_full_text_index(db: Store, index: SearchIndex) -> None:
    _fill(db)
    index.update(db)
    conn = sqlite3.connect(index.path)
    try:
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM event_text WHERE event_text MATCH ?"
            " AND rowid < ? ORDER BY rowid DESC LIMIT 5",
            ('"risk"', 10**9),
        ).fetchall()
    finally:
        conn.close()
    assert any("VIRTUAL TABLE INDEX" in str(row[3]) for row in plan), plan


def test_index_paths_differ_per_database(tmp_path: Path) -> None:
    first = index_path_for(tmp_path, tmp_path / "a.db")
    assert first == index_path_for(tmp_path, tmp_path / "a.db")
    assert first != index_path_for(tmp_path, tmp_path / "b.db")
    assert first.parent == tmp_path

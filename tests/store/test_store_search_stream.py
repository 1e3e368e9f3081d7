"""Search streams its hits newest first, batch by batch: a database the index does not cover
yet is scanned in steps of ``SCAN_IDS`` ids from the newest (so the first hits come before
the whole scan), a half-built index scans only what it lacks and answers the rest; candidates
of the grouped, contentless index that hold the needle's trigrams but not the needle are
dropped, and the index file holds no event text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from _search_index_support import complete, fill, hit_ids
from _store_support import insert_events, insert_session, rust_schema_sql

import store.search_index as search_index
from store import EventKind, Store
from store.search_index import SearchIndex, scan_stream
from store.search_index_file import GROUP, trigram_query


@pytest.fixture
def index(tmp_path: Path, db: Store, db_path: Path) -> SearchIndex:
    found = SearchIndex.open(tmp_path / "cache" / "index.db", db_path)
    yield found
    found.close()


def test_a_scan_streams_newest_first_in_steps(db: Store, monkeypatch) -> None:
    fill(db, sessions=3, rounds=40)  # 120 events, ids 1..120
    monkeypatch.setattr(search_index, "SCAN_IDS", 25)
    batches = list(scan_stream(db, "risk limit", 100))
    assert len(batches) == 5  # ids 96..120, 71..95, ..., 1..20
    flat = [hit.event.id for batch in batches for hit in batch]
    assert flat == sorted(flat, reverse=True)
    assert flat == hit_ids(db.search_events("risk limit", limit=100))
    assert all(71 <= hit.event.id <= 95 for hit in batches[1])


def test_a_scan_stops_at_its_limit(db: Store, monkeypatch) -> None:
    fill(db, sessions=3, rounds=40)
    monkeypatch.setattr(search_index, "SCAN_IDS", 10)
    batches = list(scan_stream(db, "risk limit", 3))
    assert sum(len(batch) for batch in batches) == 3
    assert len(batches) < 12  # it did not walk the rest of the ids


def test_a_half_built_index_scans_only_what_it_lacks(
    db: Store, index: SearchIndex, monkeypatch
) -> None:
    sessions = fill(db, sessions=3, rounds=40)
    index.update(db)
    db.append_many(sessions[0], [(EventKind.ALERT, f"risk limit late {i}") for i in range(30)])
    monkeypatch.setattr(search_index, "SCAN_IDS", 10)
    batches = [batch for batch in index.stream(db, "risk limit", 500) if batch]
    flat = [hit.event.id for batch in batches for hit in batch]
    assert flat == hit_ids(db.search_events("risk limit", limit=500))
    assert batches[0][0].event.text == "risk limit late 29"
    assert all(hit.event.id > 120 for hit in batches[0])  # the scanned ones come first


def test_candidates_holding_the_trigrams_but_not_the_needle_are_dropped(
    db: Store, index: SearchIndex
) -> None:
    """Two events of one group hold "abc" and "bcd": the group holds every trigram of "abcd",
    no event does."""
    sid = db.start_session("01HIDXGROUPS", None, "0.3.0", None)
    db.append_many(sid, [(EventKind.SYSTEM, "xx abc yy"), (EventKind.SYSTEM, "zz bcd ww")])
    db.append_many(sid, [(EventKind.SYSTEM, f"filler {i}") for i in range(GROUP)])
    index.update(db)
    assert index._matches("abcd", 10**9, 10)  # a candidate...
    assert complete(index, db, "abcd") == []  # ...that is no hit
    assert complete(index, db, "bcd w") == ["zz bcd ww"]


def test_the_index_file_does_not_store_the_text(db: Store, index: SearchIndex) -> None:
    sid = db.start_session("01HIDXCONTENT", None, "0.3.0", None)
    db.append_many(sid, [(EventKind.SYSTEM, f"unmistakable-marker-{i:04d}") for i in range(200)])
    index.update(db)
    index.close()  # its WAL checkpointed into the file
    data = b"".join(path.read_bytes() for path in index.path.parent.iterdir())
    assert b"unmistakable-marker" not in data
    assert b"unmistakable-marker" in Path(db.path or "").read_bytes() + b"".join(
        Path(f"{db.path}{side}").read_bytes()
        for side in ("-wal",)
        if Path(f"{db.path}{side}").exists()
    )


@pytest.mark.parametrize(
    ("needle", "terms"),
    [
        ("abc", ['"abc"']),
        ("abcd", ['"abc"', '"bcd"']),
        ("zqxrareneedle", ['"zqx"', '"rar"', '"ene"', '"edl"', '"dle"']),
        ('a"bc', ['"a""b"', '"""bc"']),
        ("aaaaaa", ['"aaa"']),
    ],
)
def test_the_query_covers_the_needle_with_trigrams(needle: str, terms: list[str]) -> None:
    assert trigram_query(needle).split(" AND ") == terms


def test_a_utf16_database_is_indexed_and_checked_by_its_decoded_text(tmp_path: Path) -> None:
    """FTS5 reads a BLOB as UTF-8: a UTF-16 database's texts are indexed decoded, and the
    sample check after a change of identity reads them the same way (no start-over)."""
    path = tmp_path / "utf16.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA encoding = 'UTF-16le'")
    conn.executescript(rust_schema_sql())
    try:
        sid = insert_session(conn, "01HUTF16000000000000000000", "2026-11-01T09:00:00Z")
        rows = [("2026-11-01T09:00:01Z", "warn", f"r\u00e9sum\u00e9 risk {i}") for i in range(40)]
        insert_events(conn, sid, rows)
    finally:
        conn.close()
    index = SearchIndex.open(tmp_path / "cache" / "utf16.idx", path)
    try:
        with Store.open_readonly(path) as store:
            assert index.update(store) == 40
            assert len(complete(index, store, "sum\u00e9 risk 3")) == 11
            state = index._state()
            assert index._samples_match(store, state)
            assert index.starts_over == 0
    finally:
        index.close()

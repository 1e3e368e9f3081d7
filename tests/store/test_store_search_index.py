"""The full-text search index: same answers as a scan of the database, incrementally kept up,
never a hit that the database no longer holds, and in a file of its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from _store_support import insert_events, insert_session, make_rust_db

from store import EventKind, Store, StoreIOError
from store.search_index import MIN_NEEDLE, SearchIndex
from store.search_index_file import SCHEMA_VERSION, index_path_for

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


# ---- the index describes the file's identity and content, not its path ----------------------
#
# Each test below would fail on an index keyed on the path and last_id alone (except the ones
# that check an index is NOT rebuilt needlessly): the needle is under an id the index thinks it
# has indexed with other text, so the index alone would miss it.


def _indexed_rows(index: SearchIndex) -> int:
    conn = sqlite3.connect(f"file:{index.path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM event_text").fetchone()[0])
    finally:
        conn.close()


def _meta(index: SearchIndex) -> dict[str, str]:
    conn = sqlite3.connect(f"file:{index.path}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


def _texts(hits) -> list[str]:
    return [hit.event.text for hit in hits]


def _complete(index: SearchIndex, store: Store, needle: str, limit: int = 500) -> list[str]:
    """The index's answer, asserted equal to a scan's (so: no miss, no stale hit)."""
    found = index.search(store, needle, limit)
    assert _ids(found) == _ids(store.search_events(needle, limit=limit)), needle
    return _texts(found)


def _other_database(path: Path, events: int, text: str) -> None:
    """A database of other sessions whose events' ids overlap the filled one's (1, 2, ...)."""
    with Store.open(path) as other:
        sid = other.start_session("01HOTHERDATABASE0000000000", None, "0.4.0", None)
        other.append_many(sid, [(EventKind.COMMAND, f"{text} {i}") for i in range(events)])


def _put_in_place(copy: Path, db_path: Path) -> None:
    """What restoring a backup does: another file (with no -wal: its store was closed) renamed
    over the database while no connection to it is open."""
    assert not Path(f"{copy}-wal").exists()
    copy.replace(db_path)


def _backup(db_path: Path, dest: Path) -> None:
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def test_a_file_replaced_by_another_database_is_indexed_again(
    tmp_path: Path, db: Store, db_path: Path, index: SearchIndex
) -> None:
    _fill(db)
    assert index.update(db) == 120
    db.close()
    _other_database(tmp_path / "restored.db", 150, "restored backup line")
    _put_in_place(tmp_path / "restored.db", db_path)
    with Store.open_readonly(db_path) as restored:
        # Right after the replacement, before any update: complete (a scan of everything).
        assert len(_complete(index, restored, "restored backup", 500)) == 150
        assert index.indexed_up_to == 0
        assert _complete(index, restored, "risk limit") == []
        assert index.update(restored) == 150
        assert index.indexed_up_to == 150
        assert _indexed_rows(index) == 150  # the old text is gone from the index
        assert len(_complete(index, restored, "restored backup", 500)) == 150
        assert _complete(index, restored, "backup line 7 ") == []
        assert _complete(index, restored, "backup line 77") == ["restored backup line 77"]


def test_deleted_newest_events_whose_ids_are_reused_are_indexed_again(
    db: Store, index: SearchIndex
) -> None:
    sessions = _fill(db)
    index.update(db)
    db.delete_session(sessions[-1])  # events 81..120
    fresh = db.start_session("01HIDXREUSED", None, "0.3.0", None)
    db.append_many(fresh, [(EventKind.WARN, f"reused id text {i}") for i in range(60)])
    assert db.max_event_id() == 140  # ids 81..140: 81..120 are reused
    assert len(_complete(index, db, "reused id")) == 60  # before the update: complete
    assert index.update(db) == 80 + 60  # started over
    assert len(_complete(index, db, "reused id")) == 60
    assert all("#2-" not in text for text in _complete(index, db, "risk limit"))


def test_reused_ids_in_a_rust_shaped_database(tmp_path: Path) -> None:
    path = tmp_path / "rust.db"
    make_rust_db(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        sid = insert_session(conn, "01HRUSTREUSE00000000000000", "2026-11-01T09:00:00Z")
        insert_events(
            conn, sid, [("2026-11-01T09:00:01Z", "system", f"old {i}") for i in range(50)]
        )
    finally:
        conn.close()
    index = SearchIndex.open(tmp_path / "cache" / "rust.idx", path)
    try:
        with Store.open_readonly(path) as store:
            assert index.update(store) == 50
        conn = sqlite3.connect(path, isolation_level=None)
        try:  # another process (the Rust client) deletes the tail and appends
            conn.execute("DELETE FROM events WHERE id > 40")
            insert_events(
                conn, sid, [("2026-11-01T09:00:02Z", "alert", f"new {i}") for i in range(15)]
            )
        finally:
            conn.close()
        with Store.open_readonly(path) as store:
            assert len(_complete(index, store, "new ")) == 15
            index.update(store)
            assert len(_complete(index, store, "new ")) == 15
            assert len(_complete(index, store, "old ")) == 40
    finally:
        index.close()


def test_vacuum_keeps_the_index(db: Store, db_path: Path, index: SearchIndex) -> None:
    _fill(db)
    index.update(db)
    generation = _meta(index)["generation"]
    db._rows("VACUUM")
    assert _complete(index, db, "risk limit")
    assert index.update(db) == 0
    assert (_indexed_rows(index), index.starts_over) == (120, 0)
    assert _meta(index)["generation"] == generation


def test_vacuum_after_reused_ids_is_indexed_again(db: Store, index: SearchIndex) -> None:
    sessions = _fill(db)
    index.update(db)
    db.delete_session(sessions[-1])
    db._rows("VACUUM")
    fresh = db.start_session("01HIDXVACUUM", None, "0.3.0", None)
    db.append_many(fresh, [(EventKind.SYSTEM, f"after vacuum {i}") for i in range(45)])
    assert len(_complete(index, db, "after vacuum")) == 45
    index.update(db)
    assert len(_complete(index, db, "after vacuum")) == 45


def test_a_same_content_copy_keeps_the_index(
    tmp_path: Path, db: Store, db_path: Path, index: SearchIndex
) -> None:
    _fill(db)
    index.update(db)
    db.close()
    before = _meta(index)
    _backup(db_path, tmp_path / "copy.db")
    _put_in_place(tmp_path / "copy.db", db_path)
    with Store.open_readonly(db_path) as copy:
        assert _complete(index, copy, "risk limit")
        assert index.update(copy) == 0
    after = _meta(index)
    assert (_indexed_rows(index), index.starts_over) == (120, 0)
    assert after["generation"] == before["generation"]
    assert after["identity"] != before["identity"]  # the new inode, recorded
    stat = db_path.stat()
    assert after["identity"] == f"{stat.st_dev}:{stat.st_ino}"


def test_vacuum_into_a_copy_put_in_place_keeps_the_index(
    tmp_path: Path, db: Store, db_path: Path, index: SearchIndex
) -> None:
    sessions = _fill(db)
    db.delete_session(sessions[1])  # gaps in the ids: VACUUM keeps INTEGER PRIMARY KEYs
    index.update(db)
    db._rows("VACUUM INTO ?", (str(tmp_path / "vacuumed.db"),))
    db.close()
    _put_in_place(tmp_path / "vacuumed.db", db_path)
    with Store.open_readonly(db_path) as vacuumed:
        assert len(_complete(index, vacuumed, "#2-")) == 40
        assert index.update(vacuumed) == 0
    assert (_indexed_rows(index), index.starts_over) == (80, 0)


def test_a_backup_with_events_deleted_before_indexing_is_indexed_again(
    tmp_path: Path, db: Store, db_path: Path, index: SearchIndex
) -> None:
    """Same newest event, so only the count tells: the backup has events the index never had."""
    sessions = _fill(db)
    _backup(db_path, tmp_path / "backup.db")
    db.delete_session(sessions[1])
    index.update(db)
    db.close()
    _put_in_place(tmp_path / "backup.db", db_path)
    with Store.open_readonly(db_path) as restored:
        assert len(_complete(index, restored, "#1-")) == 40
        assert index.update(restored) == 120
        assert len(_complete(index, restored, "#1-")) == 40


def test_a_copy_with_other_text_below_the_same_newest_event_is_indexed_again(
    tmp_path: Path, db: Store, db_path: Path, index: SearchIndex
) -> None:
    """Same newest event and count, another inode: the sample of indexed rows tells."""
    sessions = _fill(db)
    index.update(db)
    db.close()
    _backup(db_path, tmp_path / "edited.db")
    conn = sqlite3.connect(tmp_path / "edited.db", isolation_level=None)
    try:
        conn.execute(
            "UPDATE events SET text = 'edited elsewhere ' || id WHERE session_id = ?",
            (sessions[1],),
        )
    finally:
        conn.close()
    _put_in_place(tmp_path / "edited.db", db_path)
    with Store.open_readonly(db_path) as edited:
        assert len(_complete(index, edited, "edited elsewhere")) == 40
        assert index.update(edited) == 120
        assert len(_complete(index, edited, "edited elsewhere")) == 40


def test_deleting_older_events_keeps_the_index(db: Store, index: SearchIndex) -> None:
    sessions = _fill(db)
    index.update(db)
    db.delete_session(sessions[0])
    assert _complete(index, db, "risk limit")
    assert _meta(index)["count"] == "80"
    db.append(sessions[2], EventKind.SYSTEM, "one more risk limit")
    assert index.update(db) == 1
    assert (_indexed_rows(index), index.starts_over) == (121, 0)


def test_an_index_of_the_old_layout_is_rebuilt(tmp_path: Path, db: Store, db_path: Path) -> None:
    _fill(db)
    path = tmp_path / "cache" / "old.db"
    path.parent.mkdir()
    conn = sqlite3.connect(path, isolation_level=None)
    try:  # version 1: keyed on the path and last_id only
        conn.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE VIRTUAL TABLE event_text USING fts5(text, tokenize = 'trigram');"
        )
        conn.execute("INSERT INTO meta VALUES ('source', ?), ('last_id', '120')", (str(db_path),))
        conn.execute("INSERT INTO event_text (rowid, text) VALUES (7, 'stale text')")
    finally:
        conn.close()
    index = SearchIndex.open(path, db_path)
    try:
        assert index.indexed_up_to == 0
        assert _indexed_rows(index) == 0
        assert _meta(index)["schema"] == SCHEMA_VERSION
        assert index.update(db) == 120
    finally:
        index.close()


def test_opening_an_index_never_touches_the_source(
    tmp_path: Path, db: Store, db_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "missing.db"
    SearchIndex.open(tmp_path / "cache" / "missing.idx", missing).close()
    assert not missing.exists()
    assert not missing.parent.exists()
    _fill(db)
    db.close()
    side = [Path(f"{db_path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    before = [(p.exists(), p.read_bytes() if p.exists() else b"") for p in side]
    stat = db_path.stat()
    SearchIndex.open(tmp_path / "cache" / "index.db", db_path).close()
    assert [(p.exists(), p.read_bytes() if p.exists() else b"") for p in side] == before
    assert db_path.stat().st_mtime_ns == stat.st_mtime_ns


def test_a_search_during_a_start_over_is_complete(
    db: Store, db_path: Path, index: SearchIndex
) -> None:
    """Another handle (a worker, another process) empties the index for a start-over while a
    search reads it: the search notices (the generation changed) and answers by a scan."""
    sessions = _fill(db)
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
        found = _texts(index.search(db, "risk limit", 500))
    finally:
        other.close()
    assert found == _texts(db.search_events("risk limit", limit=500))
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
            assert len(_complete(index, store, "risk")) == 11
            assert index.starts_over == 0
    finally:
        index.close()

"""The search index describes the database file's identity and content, not its path: a file
replaced by another database, ids reused after the newest events were deleted, a backup or an
edited copy put in place are indexed again; VACUUM, a same-content copy and deletions of older
events keep the index.

Each test that expects a rebuild would fail on an index keyed on the path and last_id alone:
the needle is under an id the index thinks it has indexed with other text, so the index alone
would miss it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from _search_index_support import complete, fill, index_meta, indexed_rows
from _store_support import insert_events, insert_session, make_rust_db

from store import EventKind, Store
from store.search_index import SearchIndex


@pytest.fixture
def index(tmp_path: Path, db: Store, db_path: Path) -> SearchIndex:
    found = SearchIndex.open(tmp_path / "cache" / "index.db", db_path)
    yield found
    found.close()


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
    fill(db)
    assert index.update(db) == 120
    db.close()
    _other_database(tmp_path / "restored.db", 150, "restored backup line")
    _put_in_place(tmp_path / "restored.db", db_path)
    with Store.open_readonly(db_path) as restored:
        # Right after the replacement, before any update: complete (a scan of everything).
        assert len(complete(index, restored, "restored backup", 500)) == 150
        assert index.indexed_up_to == 0
        assert complete(index, restored, "risk limit") == []
        assert index.update(restored) == 150
        assert index.indexed_up_to == 150
        assert indexed_rows(index) == 150  # the old text is gone from the index
        assert len(complete(index, restored, "restored backup", 500)) == 150
        assert complete(index, restored, "backup line 7 ") == []
        assert complete(index, restored, "backup line 77") == ["restored backup line 77"]


def test_deleted_newest_events_whose_ids_are_reused_are_indexed_again(
    db: Store, index: SearchIndex
) -> None:
    sessions = fill(db)
    index.update(db)
    db.delete_session(sessions[-1])  # events 81..120
    fresh = db.start_session("01HIDXREUSED", None, "0.3.0", None)
    db.append_many(fresh, [(EventKind.WARN, f"reused id text {i}") for i in range(60)])
    assert db.max_event_id() == 140  # ids 81..140: 81..120 are reused
    assert len(complete(index, db, "reused id")) == 60  # before the update: complete
    assert index.update(db) == 80 + 60  # started over
    assert len(complete(index, db, "reused id")) == 60
    assert all("#2-" not in text for text in complete(index, db, "risk limit"))


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
            assert len(complete(index, store, "new ")) == 15
            index.update(store)
            assert len(complete(index, store, "new ")) == 15
            assert len(complete(index, store, "old ")) == 40
    finally:
        index.close()


def test_vacuum_keeps_the_index(db: Store, db_path: Path, index: SearchIndex) -> None:
    fill(db)
    index.update(db)
    generation = index_meta(index)["generation"]
    db._rows("VACUUM")
    assert complete(index, db, "risk limit")
    assert index.update(db) == 0
    assert (indexed_rows(index), index.starts_over) == (120, 0)
    assert index_meta(index)["generation"] == generation


def test_vacuum_after_reused_ids_is_indexed_again(db: Store, index: SearchIndex) -> None:
    sessions = fill(db)
    index.update(db)
    db.delete_session(sessions[-1])
    db._rows("VACUUM")
    fresh = db.start_session("01HIDXVACUUM", None, "0.3.0", None)
    db.append_many(fresh, [(EventKind.SYSTEM, f"after vacuum {i}") for i in range(45)])
    assert len(complete(index, db, "after vacuum")) == 45
    index.update(db)
    assert len(complete(index, db, "after vacuum")) == 45


def test_a_same_content_copy_keeps_the_index(
    tmp_path: Path, db: Store, db_path: Path, index: SearchIndex
) -> None:
    fill(db)
    index.update(db)
    db.close()
    before = index_meta(index)
    _backup(db_path, tmp_path / "copy.db")
    _put_in_place(tmp_path / "copy.db", db_path)
    with Store.open_readonly(db_path) as copy:
        assert complete(index, copy, "risk limit")
        assert index.update(copy) == 0
    after = index_meta(index)
    assert (indexed_rows(index), index.starts_over) == (120, 0)
    assert after["generation"] == before["generation"]
    assert after["identity"] != before["identity"]  # the new inode, recorded
    stat = db_path.stat()
    assert after["identity"] == f"{stat.st_dev}:{stat.st_ino}"


def test_vacuum_into_a_copy_put_in_place_keeps_the_index(
    tmp_path: Path, db: Store, db_path: Path, index: SearchIndex
) -> None:
    sessions = fill(db)
    db.delete_session(sessions[1])  # gaps in the ids: VACUUM keeps INTEGER PRIMARY KEYs
    index.update(db)
    db._rows("VACUUM INTO ?", (str(tmp_path / "vacuumed.db"),))
    db.close()
    _put_in_place(tmp_path / "vacuumed.db", db_path)
    with Store.open_readonly(db_path) as vacuumed:
        assert len(complete(index, vacuumed, "#2-")) == 40
        assert index.update(vacuumed) == 0
    assert (indexed_rows(index), index.starts_over) == (80, 0)


def test_a_backup_with_events_deleted_before_indexing_is_indexed_again(
    tmp_path: Path, db: Store, db_path: Path, index: SearchIndex
) -> None:
    """Same newest event, so only the count tells: the backup has events the index never had."""
    sessions = fill(db)
    _backup(db_path, tmp_path / "backup.db")
    db.delete_session(sessions[1])
    index.update(db)
    db.close()
    _put_in_place(tmp_path / "backup.db", db_path)
    with Store.open_readonly(db_path) as restored:
        assert len(complete(index, restored, "#1-")) == 40
        assert index.update(restored) == 120
        assert len(complete(index, restored, "#1-")) == 40


def test_a_copy_with_other_text_below_the_same_newest_event_is_indexed_again(
    tmp_path: Path, db: Store, db_path: Path, index: SearchIndex
) -> None:
    """Same newest event and count, another inode: the sample of indexed rows tells."""
    sessions = fill(db)
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
        assert len(complete(index, edited, "edited elsewhere")) == 40
        assert index.update(edited) == 120
        assert len(complete(index, edited, "edited elsewhere")) == 40


def test_deleting_older_events_keeps_the_index(db: Store, index: SearchIndex) -> None:
    sessions = fill(db)
    index.update(db)
    db.delete_session(sessions[0])
    assert complete(index, db, "risk limit")
    assert index_meta(index)["count"] == "80"
    db.append(sessions[2], EventKind.SYSTEM, "one more risk limit")
    assert index.update(db) == 1
    assert (indexed_rows(index), index.starts_over) == (121, 0)

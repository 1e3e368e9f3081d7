"""The search index's own file: one per database, apart from it (the client's database gets
no table), searched through its full-text index, rebuilt when of an older layout, and opened
without ever touching the database it indexes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from _search_index_support import fill, index_meta, indexed_rows

from store import Store, StoreIOError
from store.search_index import SearchIndex
from store.search_index_file import SCHEMA_VERSION, index_path_for, trigram_query


@pytest.fixture
def index(tmp_path: Path, db: Store, db_path: Path) -> SearchIndex:
    found = SearchIndex.open(tmp_path / "cache" / "index.db", db_path)
    yield found
    found.close()


def test_an_index_belongs_to_one_database(tmp_path: Path, db: Store, db_path: Path) -> None:
    path = tmp_path / "cache" / "index.db"
    SearchIndex.open(path, db_path).close()
    with pytest.raises(StoreIOError, match="indexes"):
        SearchIndex.open(path, tmp_path / "other.db")


def test_the_index_lives_apart_from_the_database(db: Store, index: SearchIndex) -> None:
    fill(db)
    index.update(db)
    assert index.path.resolve() != Path(db.path or "").resolve()
    tables = {row[0] for row in db._rows("SELECT name FROM sqlite_master")}
    assert not any("event_text" in name for name in tables)


def test_matching_uses_the_full_text_index(db: Store, index: SearchIndex) -> None:
    fill(db)
    index.update(db)
    conn = sqlite3.connect(index.path)
    try:
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM event_text WHERE event_text MATCH ?"
            " AND rowid < ? ORDER BY rowid DESC LIMIT 5",
            (trigram_query("risk"), 10**9),
        ).fetchall()
    finally:
        conn.close()
    assert any("VIRTUAL TABLE INDEX" in str(row[3]) for row in plan), plan


def test_index_paths_differ_per_database(tmp_path: Path) -> None:
    first = index_path_for(tmp_path, tmp_path / "a.db")
    assert first == index_path_for(tmp_path, tmp_path / "a.db")
    assert first != index_path_for(tmp_path, tmp_path / "b.db")
    assert first.parent == tmp_path


def test_an_index_of_the_old_layout_is_rebuilt(tmp_path: Path, db: Store, db_path: Path) -> None:
    fill(db)
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
        assert indexed_rows(index) == 0
        assert index_meta(index)["schema"] == SCHEMA_VERSION
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
    fill(db)
    db.close()
    side = [Path(f"{db_path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    before = [(p.exists(), p.read_bytes() if p.exists() else b"") for p in side]
    stat = db_path.stat()
    SearchIndex.open(tmp_path / "cache" / "index.db", db_path).close()
    assert [(p.exists(), p.read_bytes() if p.exists() else b"") for p in side] == before
    assert db_path.stat().st_mtime_ns == stat.st_mtime_ns

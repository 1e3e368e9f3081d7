"""The index's batches: read one ahead in a thread, in id order, each starting where the
previous one ended; a database that changed between two batches is said (``MOVED``), an error
in the reading thread reaches the update, and an update that stops early stops the thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from _search_index_support import complete, fill

from store import Store
from store.search_batches import MOVED, Batch, batches, read_ahead
from store.search_index import _ROWS_FROM, SearchIndex, _edge_digest


def _ids(batch: Batch) -> list[int]:
    return [group.start for group in batch.groups]


def test_batches_cover_every_event_once_in_id_order(db: Store) -> None:
    fill(db, sessions=3, rounds=40)  # 120 events
    found = list(read_ahead(batches(db, _ROWS_FROM, (0, ""), 120, 50, _edge_digest)))
    assert [batch.events for batch in found if batch] == [50, 50, 20]
    starts = [start for batch in found if batch for start in _ids(batch)]
    assert starts == sorted(starts)
    assert found[1]
    assert found[1].groups[0].start == 51  # after the first batch's last event


def test_a_database_changed_between_batches_is_moved(db: Store) -> None:
    sessions = fill(db, sessions=3, rounds=40)
    reading = batches(db, _ROWS_FROM, (0, ""), 120, 50, _edge_digest)
    assert next(reading) is not MOVED
    db.delete_session(sessions[1])  # events 41..80: the first batch's last (50) with them
    assert list(reading) == [MOVED]


def test_an_error_in_the_reading_thread_reaches_the_update() -> None:
    def failing() -> Iterator[Batch | None]:
        yield Batch([], "", 0)
        raise RuntimeError("disk gone")

    reading = read_ahead(failing())
    next(reading)
    with pytest.raises(RuntimeError, match="disk gone"):
        next(reading)


def test_stopping_early_stops_the_reading_thread() -> None:
    produced: list[int] = []

    def endless() -> Iterator[Batch | None]:
        n = 0
        while True:
            n += 1
            produced.append(n)
            yield Batch([], "", n)

    before = threading.active_count()
    reading = read_ahead(endless())
    assert next(reading) is not None
    reading.close()
    assert threading.active_count() == before
    assert len(produced) <= 3  # one consumed, at most one waiting, one being made


def test_an_update_in_several_batches_answers_like_a_scan(
    tmp_path: Path, db: Store, db_path: Path, monkeypatch
) -> None:
    import store.search_index as search_index

    monkeypatch.setattr(search_index, "BATCH", 7)
    fill(db, sessions=3, rounds=40)
    index = SearchIndex.open(tmp_path / "cache" / "index.db", db_path)
    try:
        assert index.update(db) == 120
        assert len(complete(index, db, "risk limit")) == 21  # 7 a session
        assert index.update(db) == 0
    finally:
        index.close()

"""Shared helpers for the search index tests (``test_store_search_*.py``): a filled
database, and what an index answers and holds, read from its file apart from the handle."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from store import EventKind, SearchHit, Store
from store.search_index import SearchIndex

TEXTS = [
    "> /status",
    "risk limit reached on ETH-USD: new orders blocked",
    'quoted "phrase" inside',
    "Heartbeat OK; latency 12 ms",
    "slippage 1.2% on NVDA",
    "under_score and 100% literal",
]


def fill(db: Store, sessions: int = 3, rounds: int = 40) -> list[int]:
    ids = []
    for n in range(sessions):
        sid = db.start_session(f"01HIDX{n:04d}", None, "0.3.0", None)
        ids.append(sid)
        db.append_many(
            sid,
            [(EventKind.SYSTEM, f"{TEXTS[i % len(TEXTS)]} #{n}-{i}") for i in range(rounds)],
        )
    return ids


def hit_ids(hits: Iterable[SearchHit]) -> list[int]:
    return [hit.event.id for hit in hits]


def hit_texts(hits: Iterable[SearchHit]) -> list[str]:
    return [hit.event.text for hit in hits]


def indexed_rows(index: SearchIndex) -> int:
    conn = sqlite3.connect(f"file:{index.path}?mode=ro", uri=True)
    try:
        # Ids the index's groups cover: the events indexed, as the tests' ids have no gaps.
        sql = "SELECT COALESCE(SUM(stop - start + 1), 0) FROM event_group"
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def index_meta(index: SearchIndex) -> dict[str, str]:
    conn = sqlite3.connect(f"file:{index.path}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


def complete(index: SearchIndex, store: Store, needle: str, limit: int = 500) -> list[str]:
    """The index's answer, asserted equal to a scan's (so: no miss, no stale hit)."""
    found = index.search(store, needle, limit)
    assert hit_ids(found) == hit_ids(store.search_events(needle, limit=limit)), needle
    return hit_texts(found)

"""The reads beyond the seed that a browser needs: summaries, keyset pages, seq windows (every
seq, zero and negative ones included), search and find, forks, deletion, the data_version
poll, and the browser's own summary cache (same answers as the store's)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from _store_support import tracer

from store import EventKind, SearchHit, SessionError, SessionSummary, Store
from store.clocks import SettableClock
from store.listing import SORT_KEYS
from store.summary_cache import SummaryCache

K = EventKind


def _session_with(db: Store, ulid: str, kinds: list[EventKind], parent: str | None = None) -> int:
    sid = db.start_session(ulid, None, "0.3.0", parent)
    if kinds:
        db.append_many(sid, [(kind, f"{kind.value} {i}") for i, kind in enumerate(kinds)])
    return sid


def test_summaries_count_and_time_in_one_query(db: Store, clock: SettableClock) -> None:
    busy = _session_with(db, "01HBUSY", [K.PROMPT, K.WARN, K.WARN, K.ALERT, K.SYSTEM])
    last_at = clock.now - clock.step
    empty = _session_with(db, "01HEMPTY", [])

    statements, record = tracer()
    db.set_trace(record)
    summaries = db.list_summaries(10)
    db.set_trace(None)

    assert len(statements) == 1
    assert [s.session.id for s in summaries] == [empty, busy]
    none, full = summaries
    assert (none.event_count, none.last_event_at, none.warn_count, none.alert_count) == (
        0,
        None,
        0,
        0,
    )
    assert (full.event_count, full.warn_count, full.alert_count) == (5, 2, 1)
    assert full.last_event_at == last_at
    assert db.session_summary(busy) == full
    assert db.session_summary(9999) is None
    assert db.list_summaries(0) == []


def _many_sessions(db: Store, clock: SettableClock, count: int) -> list[int]:
    ids = []
    for i in range(count):
        if i % 4 == 0:
            clock.step = timedelta(0)  # runs of identical started_at: ties broken by id
        else:
            clock.step = timedelta(seconds=1)
        ids.append(_session_with(db, f"01HPAGE{i:03d}", [K.PROMPT] * (i % 3)))
    return ids


@pytest.mark.parametrize("page", [1, 4, 7, 50])
def test_keyset_pages_give_every_session_once_newest_first(
    db: Store, clock: SettableClock, page: int
) -> None:
    _many_sessions(db, clock, 23)
    rows = db.list_sessions(100)
    expected = [s.id for s in rows]
    assert len(expected) == 23
    assert len({s.started_at for s in rows}) < 23  # the ties really are there

    seen: list[SessionSummary] = []
    before = None
    statements, record = tracer()
    db.set_trace(record)
    while True:
        statements.clear()
        batch = db.list_summaries(page, before=before)
        # no N+1: one query for the page (plus one to locate the cursor row), whatever its size
        assert 1 <= len(statements) <= 2
        if not batch:
            break
        seen.extend(batch)
        before = batch[-1].session
    db.set_trace(None)
    assert [s.session.id for s in seen] == expected
    assert [s.event_count for s in seen] == [db.count_events(i) for i in expected]


def test_seq_windows(db: Store) -> None:
    sid = _session_with(db, "01HWIN", [K.SYSTEM] * 10)
    empty = _session_with(db, "01HNONE", [])
    assert db.seq_bounds(sid) == (1, 10)
    assert db.seq_bounds(empty) is None

    assert [e.seq for e in db.events_after(sid, 0, 3)] == [1, 2, 3]
    assert [e.seq for e in db.events_after(sid, 8, 5)] == [9, 10]
    assert db.events_after(sid, 10, 5) == []
    assert [e.seq for e in db.events_before(sid, 11, 3)] == [8, 9, 10]
    assert [e.seq for e in db.events_before(sid, 3, 5)] == [1, 2]
    assert db.events_before(sid, 1, 5) == []
    at = db.event_at(sid, 4)
    assert at is not None
    assert (at.seq, at.text) == (4, "system 3")
    assert db.event_at(sid, 11) is None
    assert db.event_at(empty, 1) is None
    with pytest.raises(ValueError, match="limit"):
        db.events_after(sid, 0, -1)


def test_iter_events_reads_in_pages(db: Store) -> None:
    sid = _session_with(db, "01HITER", [K.SYSTEM] * 10)
    statements, record = tracer()
    db.set_trace(record)
    events = list(db.iter_events(sid, page=3))
    db.set_trace(None)
    assert events == db.list_events(sid, 100)
    assert len(statements) == 4  # 3 + 3 + 3 + 1: no cursor held across pages
    assert list(db.iter_events(_session_with(db, "01HNOITER", []))) == []
    with pytest.raises(ValueError, match="page"):
        next(db.iter_events(sid, page=0))  # would otherwise never advance


def test_kind_counts(db: Store) -> None:
    sid = _session_with(db, "01HKC", [K.PROMPT, K.PROMPT, K.MODE_CHANGE, K.ALERT])
    assert db.kind_counts(sid) == {"prompt": 2, "mode_change": 1, "alert": 1}
    assert db.kind_counts(9999) == {}


@pytest.fixture
def searchable(db: Store) -> tuple[Store, int, int]:
    one = db.start_session("01HSRCHA", None, "0.3.0", None)
    two = db.start_session("01HSRCHB", None, "0.3.0", None)
    db.append_many(
        one,
        [
            (K.PROMPT, "> /status"),
            (K.COMMAND, "100% sure"),
            (K.COMMAND, "100 percent"),
            (K.SYSTEM, "a_b"),
            (K.SYSTEM, "axb"),
            (K.SYSTEM, "back\\slash"),
            (K.SYSTEM, "backslash"),
        ],
    )
    db.append_many(two, [(K.PROMPT, "> /STATUS"), (K.WARN, "Status degraded")])
    return db, one, two


def test_search_all_sessions_newest_first(searchable: tuple[Store, int, int]) -> None:
    db, one, two = searchable
    hits = db.search_events("status")  # ASCII case-insensitive
    assert [(h.session_ulid, h.event.text) for h in hits] == [
        ("01HSRCHB", "Status degraded"),
        ("01HSRCHB", "> /STATUS"),
        ("01HSRCHA", "> /status"),
    ]
    assert all(isinstance(h, SearchHit) for h in hits)
    assert hits[-1].link == "01HSRCHA#1"
    only = db.search_events("status", session_id=one)
    assert [h.event.text for h in only] == ["> /status"]
    assert db.search_events("status", session_id=two, limit=1)[0].event.text == "Status degraded"
    assert db.search_events("no such text") == []


@pytest.mark.parametrize(
    ("needle", "texts"),
    [
        ("%", ["100% sure"]),
        ("0%", ["100% sure"]),
        ("_", ["a_b"]),
        ("a_b", ["a_b"]),
        ("\\", ["back\\slash"]),
        ("k\\s", ["back\\slash"]),
    ],
)
def test_search_treats_like_metacharacters_literally(
    searchable: tuple[Store, int, int], needle: str, texts: list[str]
) -> None:
    db, one, _ = searchable
    assert [h.event.text for h in db.search_events(needle)] == texts
    found = db.find_event(one, needle, 0)
    assert found is not None
    assert found.text == texts[0]


def test_search_pages_with_before_id(db: Store) -> None:
    a = db.start_session("01HPGA", None, "0.3.0", None)
    b = db.start_session("01HPGB", None, "0.3.0", None)
    for i in range(7):
        db.append(a if i % 2 else b, K.SYSTEM, f"needle {i}")
        db.append(a, K.SYSTEM, f"hay {i}")
    expected = [h.event.id for h in db.search_events("needle", limit=100)]
    assert len(expected) == 7
    assert expected == sorted(expected, reverse=True)

    seen: list[int] = []
    before_id = None
    while page := db.search_events("needle", limit=3, before_id=before_id):
        assert len(page) <= 3
        seen.extend(h.event.id for h in page)
        before_id = page[-1].event.id
    assert seen == expected


def test_find_event_forward_and_back(db: Store) -> None:
    sid = db.start_session("01HFIND", None, "0.3.0", None)
    db.append_many(sid, [(K.SYSTEM, t) for t in ["x", "match 1", "y", "MATCH 2", "z"]])
    forward = db.find_event(sid, "match", 0)
    assert forward is not None
    assert forward.seq == 2
    nxt = db.find_event(sid, "match", forward.seq)
    assert nxt is not None
    assert nxt.seq == 4
    assert db.find_event(sid, "match", 4) is None
    back = db.find_event(sid, "match", 5, forward=False)
    assert back is not None
    assert back.seq == 4
    prev = db.find_event(sid, "match", 4, forward=False)
    assert prev is not None
    assert prev.seq == 2
    assert db.find_event(sid, "match", 2, forward=False) is None


def test_children_oldest_first(db: Store) -> None:
    db.start_session("01HROOT", None, "0.3.0", None)
    db.start_session("01HKID1", None, "0.3.0", "01HROOT")
    db.start_session("01HOTHER", None, "0.3.0", None)
    db.start_session("01HKID2", None, "0.3.0", "01HROOT")
    db.start_session("01HGRAND", None, "0.3.0", "01HKID1")
    assert [s.ulid for s in db.children("01HROOT")] == ["01HKID1", "01HKID2"]
    assert [s.ulid for s in db.children("01HKID1")] == ["01HGRAND"]
    assert db.children("01HOTHER") == []


def test_delete_session_removes_its_events(db: Store) -> None:
    gone = _session_with(db, "01HGONE", [K.PROMPT, K.WARN])
    kept = _session_with(db, "01HKEPT", [K.PROMPT])
    assert db.delete_session(gone) is True
    assert db.get_session(gone) is None
    assert db.count_events(gone) == 0
    assert db.events_after(gone, 0, 10) == []
    assert [h.session_ulid for h in db.search_events("prompt")] == ["01HKEPT"]
    assert db.delete_session(gone) is False
    assert db.count_events(kept) == 1
    assert db.count_sessions() == 1


def test_data_version_changes_when_another_connection_commits(db: Store, db_path: Path) -> None:
    sid = db.start_session("01HDV", None, "0.3.0", None)
    with Store.open_readonly(db_path) as reader:
        first = reader.data_version()
        assert reader.data_version() == first  # reading alone changes nothing
        db.append(sid, K.SYSTEM, "new")
        second = reader.data_version()
        assert second != first
        assert reader.data_version() == second
    own = db.data_version()
    db.append(sid, K.SYSTEM, "own commit")
    assert db.data_version() == own  # only other connections' commits count


def _raw_events(path: Path, sid: int, rows: list[tuple[int, str]]) -> None:
    """Events with chosen seqs, as plain SQL can write them (seq 0, negative, the int64 ends)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executemany(
            "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, ?, ?)",
            [(sid, seq, "2026-11-24T19:07:20+00:00", kind, f"{kind} {seq}") for seq, kind in rows],
        )
    finally:
        conn.close()


def test_every_seq_is_read_zero_negative_and_the_int64_ends(db: Store, db_path: Path) -> None:
    sid = _session_with(db, "01HNEG", [])
    seqs = [-(2**63), -5, -1, 0, 1, 2, 2**63 - 1]
    _raw_events(db_path, sid, [(q, "warn" if q < 1 else "prompt") for q in reversed(seqs)])
    assert [e.seq for e in db.iter_events(sid)] == seqs
    assert [e.seq for e in db.iter_events(sid, page=2)] == seqs  # pages cross 0 and -1
    assert db.seq_bounds(sid) == (-(2**63), 2**63 - 1)
    assert db.kind_counts(sid) == {"warn": 4, "prompt": 3}
    assert db.list_seqs(sid, ["warn"]) == seqs[:4]
    assert [e.seq for e in db.events_after(sid, -(2**64), 3)] == seqs[:3]
    assert [e.seq for e in db.events_after(sid, -(2**63), 2)] == [-5, -1]
    assert db.events_after(sid, 2**63 - 1, 5) == db.events_after(sid, 2**70, 5) == []
    assert [e.seq for e in db.events_before(sid, 2**70, 2)] == seqs[-2:]
    assert [e.seq for e in db.events_before(sid, 0, 10)] == seqs[:3]
    assert db.events_before(sid, -(2**63), 5) == []
    assert db.event_at(sid, 2**64) is None
    assert getattr(db.event_at(sid, -(2**63)), "text", None) == f"warn {-(2**63)}"
    assert getattr(db.find_event(sid, "warn", -(2**65)), "seq", None) == -(2**63)
    assert getattr(db.find_event(sid, "prompt", 2**65, forward=False), "seq", None) == 2**63 - 1
    summary = db.session_summary(sid)
    assert summary is not None
    assert (summary.event_count, summary.warn_count) == (7, 4)


def test_session_pages_are_the_summaries_rows(db: Store, clock: SettableClock) -> None:
    _many_sessions(db, clock, 9)
    first = db.session_page(4)
    assert first == [s.session for s in db.list_summaries(4)]
    after = db.session_page(4, before=first[-1])
    assert after == [s.session for s in db.list_summaries(4, before=first[-1])]
    rows = db.query_sessions(3, 2, sort="session", descending=False)
    assert rows == [s.session for s in db.query_summaries(3, 2, sort="session", descending=False)]
    assert len(db.query_sessions(None)) == 9
    with pytest.raises(ValueError, match="without their events"):
        db.query_sessions(3, sort="warn")


def test_kind_delta_counts_only_what_was_appended(db: Store, db_path: Path) -> None:
    sid = _session_with(db, "01HDELTA", [K.WARN, K.PROMPT, K.WARN])
    full = db.kind_delta(sid)
    assert (full.last_seq, full.incremental, full.kinds) == (3, False, {"warn": 2, "prompt": 1})
    assert full.last_id is not None
    since = (3, full.last_id)
    same = db.kind_delta(sid, since)
    assert (same.last_seq, same.incremental, same.kinds) == (3, True, {})
    db.append_many(sid, [(K.ALERT, "a"), (K.WARN, "w")])
    grown = db.kind_delta(sid, since)
    assert (grown.last_seq, grown.incremental, grown.kinds) == (5, True, {"alert": 1, "warn": 1})
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DELETE FROM events WHERE session_id = ? AND seq = 3", (sid,))
    conn.close()  # the row at seq 3 rewritten under another id: nothing counted before holds
    _raw_events(db_path, sid, [(3, "alert")])
    redone = db.kind_delta(sid, since)
    assert redone.incremental is False
    assert redone.kinds == {"warn": 2, "prompt": 1, "alert": 2}
    assert db.kind_delta(_session_with(db, "01HNODELTA", [])).last_seq is None


def _cache_agrees(cache: SummaryCache, db: Store) -> None:
    assert cache.list_summaries(db, 100) == db.list_summaries(100)
    before = db.list_summaries(2)[-1].session
    assert cache.list_summaries(db, 3, before=before) == db.list_summaries(3, before=before)
    for sort in SORT_KEYS:
        for descending in (True, False):
            expected = db.query_summaries(3, 1, sort=sort, descending=descending)
            got = cache.query_summaries(db, 3, 1, sort=sort, descending=descending)
            assert got == expected, (sort, descending)
    for summary in db.list_summaries(100):
        sid = summary.session.id
        assert cache.session_summary(db, sid) == summary
        assert cache.kind_counts(db, sid) == db.kind_counts(sid)
    assert cache.session_summary(db, 9999) is None
    assert cache.kind_counts(db, 9999) == {}


def test_summary_cache_gives_what_the_store_gives(
    db: Store, clock: SettableClock, tmp_path: Path
) -> None:
    big = _session_with(db, "01HBIG", [K.WARN, K.ALERT, K.PROMPT] * 20)
    _many_sessions(db, clock, 6)
    with SummaryCache.open(tmp_path / "cache" / "summaries.db") as cache:
        _cache_agrees(cache, db)  # filled
        _cache_agrees(cache, db)  # warm
        statements, record = tracer()
        db.set_trace(record)
        warm = cache.kind_counts(db, big)
        assert not any("GROUP BY" in sql for sql in statements)  # warm: nothing counted
        assert warm == db.kind_counts(big)
        db.append_many(big, [(K.WARN, "late"), (K.MODE_CHANGE, "live")])
        statements.clear()
        summary = cache.session_summary(db, big)
        db.set_trace(None)
        counted = [sql for sql in statements if "GROUP BY" in sql]
        assert len(counted) == 1
        assert "seq > 60 AND seq <= 62" in counted[0]  # only what was appended
        assert summary == db.session_summary(big)
        db.delete_session(big)
        _session_with(db, "01HBIG", [K.PROMPT])  # the ULID again, another row
        _cache_agrees(cache, db)
        assert cache.last_error is None
    with Store.open_in_memory() as memory, SummaryCache.open(tmp_path / "m.db") as cache:
        _session_with(memory, "01HMEM", [K.WARN])
        _cache_agrees(cache, memory)  # nothing to key it by: counted each time


def test_summary_cache_that_cannot_be_used(db: Store, tmp_path: Path) -> None:
    _session_with(db, "01HRO", [K.WARN, K.ALERT])
    (tmp_path / "garbage.db").write_bytes(b"not a database at all, not even close" * 100)
    with pytest.raises(SessionError):
        SummaryCache.open(tmp_path / "garbage.db")
    path = tmp_path / "summaries.db"
    cache = SummaryCache.open(path)
    blocker = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        blocker.execute("BEGIN EXCLUSIVE")  # another process holds the cache's write lock
        cache._conn.execute("PRAGMA busy_timeout = 0")
        assert cache.list_summaries(db, 10) == db.list_summaries(10)  # counted, not cached
        assert cache.last_error is not None
    finally:
        blocker.close()
        cache.close()

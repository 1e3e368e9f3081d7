"""Search index vs. a database changed by another process: the file replaced (a restored
backup, another database, a same-content copy), the newest events deleted and their ids reused
with new text. After each change, every new needle must be found: right away (before the index
is updated: the search scans what it can no longer trust) and after ``update``.

The index is built by this process; the changes are made by child processes (``sys.executable
-c`` with the project on ``PYTHONPATH``), with no connection of this process open on a file
that is replaced (a file renamed over a database with live connections would meet their -wal).

``test_the_check_costs_little`` measures what the check at the start of each search costs;
``ZST_SEARCH_COST_EVENTS=1000000`` runs it on a million events (default 20,000).
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _reliability import REPO, child_env, fields, scaled

from store import EventKind, Store
from store.search_index import SearchIndex

AREA = "search-identity"
PER_SESSION = scaled(300, 3_000)
NEEDLES = scaled(400, 4_000)

# The child: one change to the database, made through ``store`` as the client would, or with
# the SQL a restore tool runs. Prints one ``key=value`` line; exits 1 with FAIL on any error.
CHILD = r"""
import os, sys, traceback
from store import EventKind, Store

def fill(db, tag, sessions, per):
    with Store.open(db) as store:
        for s in range(int(sessions)):
            sid = store.start_session(f"01JFILL{tag}{s:04d}".ljust(26, "0"), None, "0.3.0", None)
            store.append_many(
                sid, [(EventKind.SYSTEM, f"fill-{tag}-s{s}-{i:05d}- text") for i in range(int(per))]
            )
        return store.max_event_id()

def needles(db, tag, count):
    with Store.open(db) as store:
        sid = store.start_session(f"01JNEEDLE{tag}".ljust(26, "0"), None, "0.3.0", None)
        store.append_many(
            sid, [(EventKind.ALERT, f"needle-{tag}-{i:05d}- risk") for i in range(int(count))]
        )
        return store.max_event_id()

def drop_newest(db):
    with Store.open(db) as store:
        newest = store.last_session()
        store.delete_session(newest.id)
        return store.max_event_id()

def copy(db, dest):
    with Store.open(db) as store:
        store._rows("VACUUM INTO ?", (dest,))
        return store.max_event_id()

def put_in_place(src, db):
    os.replace(src, db)
    return 0

MODES = {"fill": fill, "needles": needles, "drop_newest": drop_newest, "copy": copy,
         "put_in_place": put_in_place}
try:
    print(f"ok=1 max_id={MODES[sys.argv[1]](*sys.argv[2:])}", flush=True)
except BaseException as error:
    print(f"FAIL {type(error).__name__}: {error}", flush=True)
    traceback.print_exc()
    sys.exit(1)
"""


def child(*args: object) -> int:
    """Run one change in another process; the highest event id it left."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(),
        cwd=REPO,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines or not lines[-1].startswith("ok=1"):
        pytest.fail(f"child {args[0]} failed ({done.returncode}): {done.stdout} {done.stderr}")
    return int(fields(lines[-1])["max_id"])


class Tally:
    def __init__(self, figures) -> None:
        self.figures = figures

    def all_found(self, index: SearchIndex, store: Store, tag: str, count: int) -> None:
        """Each needle ``needle-TAG-NNNNN-`` found, exactly once, with the scan's answer."""
        missed = []
        for i in range(count):
            needle = f"needle-{tag}-{i:05d}-"
            hits = index.search(store, needle, 5)
            if [hit.event.text for hit in hits] != [f"{needle} risk"]:
                missed.append(needle)
        self.figures.add(AREA, needles_found=count - len(missed), missed=len(missed))
        assert not missed, f"{len(missed)} needles missed, first {missed[:3]}"
        everything = index.search(store, f"needle-{tag}-", count + 10)
        scanned = store.search_events(f"needle-{tag}-", limit=count + 10)
        assert [hit.event.id for hit in everything] == [hit.event.id for hit in scanned]
        assert len(everything) == count


@pytest.fixture
def tally(figures) -> Tally:
    return Tally(figures)


def _index(tmp_path: Path, db: Path) -> SearchIndex:
    return SearchIndex.open(tmp_path / "cache" / "index.db", db)


def _rows_in(index: SearchIndex) -> int:
    conn = sqlite3.connect(f"file:{index.path}?mode=ro", uri=True)
    try:
        # Ids the index's groups cover: the events indexed, as the tests' ids have no gaps.
        sql = "SELECT COALESCE(SUM(stop - start + 1), 0) FROM event_group"
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def test_a_file_replaced_by_another_database(tmp_path: Path, tally: Tally, figures) -> None:
    db, other = tmp_path / "sessions.db", tmp_path / "restored.db"
    built = child("fill", db, "A", 3, PER_SESSION)
    index = _index(tmp_path, db)
    try:
        with Store.open_readonly(db) as store:
            assert index.update(store) == built
        # Another database, ids overlapping 1..built with other text, renamed over this one.
        child("needles", other, "R", NEEDLES)
        child("fill", other, "B", 1, PER_SESSION)
        child("put_in_place", other, db)
        with Store.open_readonly(db) as store:
            tally.all_found(index, store, "R", NEEDLES)  # before the update: a scan
            index.update(store)
            tally.all_found(index, store, "R", NEEDLES)
            assert index.indexed_up_to == store.max_event_id()
            assert index.search(store, "fill-A-", 5) == []
        assert index.starts_over == 1
    finally:
        index.close()
    figures.add(AREA, scenarios=1)


def test_the_newest_events_deleted_and_their_ids_reused(
    tmp_path: Path, tally: Tally, figures
) -> None:
    db = tmp_path / "sessions.db"
    child("fill", db, "A", 3, PER_SESSION)
    index = _index(tmp_path, db)
    reader = Store.open_readonly(db)  # stays open: the same file throughout
    try:
        index.update(reader)
        before = index.indexed_up_to
        child("drop_newest", db)
        after = child("needles", db, "U", NEEDLES)
        assert before < after  # so an index keyed on last_id alone would not start over
        tally.all_found(index, reader, "U", NEEDLES)
        index.update(reader)
        tally.all_found(index, reader, "U", NEEDLES)
        # Twice: a second round of reuse over an index rebuilt once already.
        child("drop_newest", db)
        child("needles", db, "V", NEEDLES // 2)
        tally.all_found(index, reader, "V", NEEDLES // 2)
        index.update(reader)
        tally.all_found(index, reader, "V", NEEDLES // 2)
        assert index.search(reader, "needle-U-", 5) == []
        assert index.starts_over == 2
    finally:
        reader.close()
        index.close()
    figures.add(AREA, scenarios=2)


def test_a_backup_put_back_with_events_deleted_before_indexing(
    tmp_path: Path, tally: Tally, figures
) -> None:
    """The backup's newest event is the one indexed last: only the count tells."""
    db, backup = tmp_path / "sessions.db", tmp_path / "backup.db"
    child("fill", db, "A", 1, PER_SESSION)
    child("needles", db, "K", NEEDLES)
    child("fill", db, "B", 1, PER_SESSION)
    child("copy", db, backup)
    index = _index(tmp_path, db)
    try:
        with Store.open(db) as store:  # the needles' session deleted, then indexed
            session = store.get_session_by_ulid("01JNEEDLEK".ljust(26, "0"))
            assert session is not None
            store.delete_session(session.id)
            index.update(store)
        child("put_in_place", backup, db)
        with Store.open_readonly(db) as store:
            tally.all_found(index, store, "K", NEEDLES)
            index.update(store)
            tally.all_found(index, store, "K", NEEDLES)
    finally:
        index.close()
    figures.add(AREA, scenarios=1)


def test_a_same_content_copy_then_new_events(tmp_path: Path, tally: Tally, figures) -> None:
    """VACUUM INTO a copy renamed over the database: kept (not rebuilt), and what is appended
    afterwards is found."""
    db, copy = tmp_path / "sessions.db", tmp_path / "copy.db"
    built = child("fill", db, "A", 3, PER_SESSION)
    index = _index(tmp_path, db)
    try:
        with Store.open_readonly(db) as store:
            index.update(store)
        child("copy", db, copy)
        child("put_in_place", copy, db)
        child("needles", db, "C", NEEDLES)
        with Store.open_readonly(db) as store:
            tally.all_found(index, store, "C", NEEDLES)
            assert index.update(store) == NEEDLES
            tally.all_found(index, store, "C", NEEDLES)
        assert index.starts_over == 0
        assert _rows_in(index) == built + NEEDLES
    finally:
        index.close()
    figures.add(AREA, scenarios=1)


# ---- what the check costs ------------------------------------------------------------------

COST_EVENTS = int(os.environ.get("ZST_SEARCH_COST_EVENTS", "20000"))


def _big_database(path: Path, events: int) -> None:
    with Store.open(path) as store:
        sids = [
            store.start_session(f"01JCOST{n:06d}".ljust(26, "0"), None, "0.3.0", None)
            for n in range(100)
        ]
        store.append(sids[0], EventKind.SYSTEM, "first")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        per = -(-events // len(sids))
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, 'system', ?)",
            (
                (sids[i // per], i % per + 2, "2026-11-24T20:00:00Z", f"cost {i} " + "x" * 90)
                for i in range(events - 1)
            ),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


class _Halfway(Exception):
    pass


def _median_ms(action, runs: int = 30) -> float:
    action()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def test_the_check_costs_little(tmp_path: Path, figures) -> None:
    db = tmp_path / "big.db"
    _big_database(db, COST_EVENTS)
    index = _index(tmp_path, db)
    lagging = SearchIndex.open(tmp_path / "cache" / "lagging.db", db)
    try:
        with Store.open_readonly(db) as store:
            assert index.update(store) == COST_EVENTS

            def stop_halfway(done: int, newest: int) -> None:
                if done * 2 >= newest:
                    raise _Halfway

            with pytest.raises(_Halfway):
                lagging.update(store, stop_halfway)
            state = index._state()
            check = _median_ms(lambda: index._checked(store))
            sample = _median_ms(lambda: index._samples_match(store, state))
            half = _median_ms(lambda: lagging._checked(store), runs=5)
            assert index.starts_over == lagging.starts_over == 0
    finally:
        index.close()
        lagging.close()
    print(f"\ncheck {check:.2f} ms, sample {sample:.2f} ms, half-built {half:.2f} ms")
    figures.add(AREA, missed=0)  # so the line has its figures when this test runs alone
    figures.note(
        AREA,
        f"the check before each search {check:.2f} ms on {COST_EVENTS:,} events "
        f"(+{sample:.2f} ms for the sample after an identity change; {half:.1f} ms half-built)",
    )
    # Generous bounds (2 shared cores): the check must stay far below a scan of the events.
    assert check < max(50.0, COST_EVENTS / 10_000), check
    assert sample < 50.0, sample

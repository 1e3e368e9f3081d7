"""Side by side without the app: how two sessions line up (fork point, offset, clock), the
time lookup over keyset pages, the first difference, and which two ``V`` opens."""

from __future__ import annotations

import sqlite3
from array import array
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store import SessionError, Store
from store.clocks import SettableClock
from tests.app.harness import APP_NOW, add_session, build_big_session, ulid_at
from tests.features._side_by_side_data import (
    BASE,
    BASE_START,
    BRANCH,
    BRANCH_SAME,
    CHANGED_SEQ,
    FORK_SEQ,
    RERUN,
    build_side_by_side_db,
    step,
)
from zero_session_tui.alignment import (
    SQL_CHUNK,
    Difference,
    Mode,
    counted_shape,
    first_difference,
    first_difference_in_sql,
    first_row_after,
    fork_shift,
    moment_beside,
    next_mode,
    row_at_or_before,
    start_rows,
)
from zero_session_tui.catalog import Catalog, SessionKey
from zero_session_tui.pairing import read_pair
from zero_session_tui.timeline import (
    PAGE_SIZE,
    Timeline,
    TimelineShape,
    open_timeline,
    verify_shape,
)


@pytest.fixture
def catalog(tmp_path: Path):
    catalog = Catalog.open([build_side_by_side_db(tmp_path / "sbs.db")])
    yield catalog
    catalog.close()


def _timeline(catalog: Catalog, ulid: str) -> Timeline:
    found = catalog.find_ulid(ulid)
    assert found is not None
    key, session = found
    return open_timeline(catalog, key, session, None, None, APP_NOW).timeline


def _walk(catalog: Catalog, left: Timeline, right: Timeline, starts, **kw) -> Difference:
    """Python's walk; checked against SQLite's (the app's way for one database) every time."""
    store = catalog.store(0)
    found = first_difference((store, left, starts[0]), (store, right, starts[1]), **kw)
    if "cancelled" not in kw:
        shapes = [verify_shape(catalog, t.key, t.shape) for t in (left, right)]
        for chunk in (SQL_CHUNK, 3, 1):
            in_sql = first_difference_in_sql(
                store,
                (shapes[0], left.key.session_id, starts[0]),
                (shapes[1], right.key.session_id, starts[1]),
                chunk=chunk,
            )
            assert in_sql == found, (chunk, in_sql, found)
    return found


def test_the_alignment_key_steps_through_fork_offset_clock_and_skips_fork_without_one():
    assert [next_mode(m, True) for m in Mode] == [Mode.OFFSET, Mode.CLOCK, Mode.FORK]
    assert next_mode(Mode.OFFSET, False) is Mode.CLOCK
    assert next_mode(Mode.CLOCK, False) is Mode.OFFSET
    assert next_mode(Mode.FORK, False) is Mode.OFFSET


def test_the_moment_beside_is_the_same_instant_or_the_same_offset_from_start():
    ours, theirs = datetime(2026, 1, 1, 9, tzinfo=UTC), datetime(2026, 1, 2, 18, tzinfo=UTC)
    moment = ours + timedelta(seconds=95)
    assert moment_beside(Mode.CLOCK, moment, ours, theirs) == moment
    assert moment_beside(Mode.OFFSET, moment, ours, theirs) == theirs + timedelta(seconds=95)
    assert moment_beside(Mode.OFFSET, moment, None, theirs) is None
    assert moment_beside(Mode.CLOCK, None, ours, theirs) is None
    assert moment_beside(Mode.FORK, moment, ours, theirs) is None


def test_the_fork_shift_puts_the_forks_first_row_beside_the_parents_first_after_the_point(
    catalog,
):
    parent = _timeline(catalog, BASE)  # 40 events, seqs 1..40 on rows 0..39
    assert fork_shift(parent, FORK_SEQ, parent_on_left=True) == FORK_SEQ  # seq 13 is row 12
    assert fork_shift(parent, FORK_SEQ, parent_on_left=False) == -FORK_SEQ
    assert fork_shift(parent, 40, parent_on_left=True) == 40  # nothing after: past the end
    assert fork_shift(parent, None, parent_on_left=True) == 0  # forked before its first event


def test_a_time_lookup_finds_the_last_row_at_or_before_a_moment_across_pages(tmp_path):
    """4,000 events one second apart: 32 pages; the lookup reads about log2(32) + 1 of them."""
    big = build_big_session(tmp_path / "big.db", 4_000)
    with _closing(Catalog.open([big])) as catalog:
        timeline = _timeline(catalog, catalog.store(0).list_sessions(1)[0].ulid)
        origin = timeline.session.started_at
        assert origin is not None
        fresh = Timeline(timeline.key, timeline.session, timeline.shape)  # an empty LRU
        assert row_at_or_before(catalog, fresh, origin + timedelta(seconds=2_500)) == 2_499
        read = sum(fresh.has_page(p) for p in range(-(-4_000 // PAGE_SIZE)))
        assert read <= 7
        assert row_at_or_before(catalog, fresh, origin + timedelta(seconds=2_500.5)) == 2_499
        assert row_at_or_before(catalog, fresh, origin) == -1  # before the first event
        assert row_at_or_before(catalog, fresh, origin + timedelta(days=1)) == 3_999
        moment = origin + timedelta(seconds=129)  # the first row of the second page
        assert first_row_after(catalog, fresh, moment, inclusive=True) == 128
        assert first_row_after(catalog, fresh, moment) == 129


class _closing:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def __enter__(self) -> Catalog:
        return self.catalog

    def __exit__(self, *_: object) -> None:
        self.catalog.close()


def test_the_first_difference_is_the_first_pair_that_differs_in_kind_or_text(catalog):
    base, rerun = _timeline(catalog, BASE), _timeline(catalog, RERUN)
    for chunk in (1_000, 7, 1):  # pages of any size cross the same events
        found = _walk(catalog, base, rerun, (0, 0), chunk=chunk)
        assert (found.left_seq, found.right_seq, found.compared) == (
            CHANGED_SEQ,
            CHANGED_SEQ,
            CHANGED_SEQ - 1,
        )
        assert found.found
    assert "left #25 / right #25 (24 equal before it)" in found.describe()


def test_identical_sessions_have_no_difference_and_a_shorter_one_ends_first(catalog):
    base = _timeline(catalog, BASE)
    same = _walk(catalog, base, base, (0, 0), chunk=16)
    assert (same.left_seq, same.right_seq, same.compared, same.found) == (None, None, 40, False)
    assert "no difference: 40 events the same" in same.describe()
    tail = _walk(catalog, base, base, (0, 5))  # the right side 5 events ahead: ends first
    assert (tail.left_seq, tail.right_seq, tail.compared) == (1, 6, 0)  # step 1 vs step 6
    ended = _walk(catalog, base, base, (5, 40))  # the right side past its end
    assert (ended.left_seq, ended.right_seq, ended.compared) == (6, None, 0)
    assert "right has ended" in ended.describe()


def test_a_cancelled_walk_stops_and_says_so(catalog):
    base = _timeline(catalog, BASE)
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    found = _walk(catalog, base, base, (0, 0), chunk=4, cancelled=cancelled)
    assert found.cancelled
    assert not found.found
    assert found.compared == 8  # two chunks compared, stopped before the third


def test_start_rows_for_each_alignment(catalog):
    base, branch = _timeline(catalog, BASE), _timeline(catalog, BRANCH)
    assert start_rows(catalog, Mode.FORK, base, branch, FORK_SEQ) == (FORK_SEQ, 0)
    assert start_rows(catalog, Mode.FORK, branch, base, -FORK_SEQ) == (0, FORK_SEQ)
    assert start_rows(catalog, Mode.OFFSET, base, branch, FORK_SEQ) == (0, 0)
    # By clock: from BRANCH's first event (09:01:07), BASE's first at or after it is seq 14.
    assert start_rows(catalog, Mode.CLOCK, base, branch, None) == (13, 0)


def test_a_fork_beside_its_parent_differs_where_it_went_its_own_way(catalog):
    found = catalog.find_ulid(BRANCH)
    assert found is not None
    pair = read_pair(catalog, found[0], None, APP_NOW)
    assert pair is not None
    assert (pair.left.session.ulid, pair.right.session.ulid) == (BASE, BRANCH)
    assert (pair.mode, pair.shift, pair.fork_seq) == (Mode.FORK, FORK_SEQ, FORK_SEQ)
    diff = _walk(catalog, pair.left, pair.right, (pair.shift, 0))
    after = FORK_SEQ + BRANCH_SAME + 1
    assert (diff.left_seq, diff.right_seq, diff.compared) == (after, BRANCH_SAME + 1, 5)


def test_which_two_v_opens(catalog):
    keys = {u: catalog.find_ulid(u) for u in (BASE, BRANCH, RERUN)}
    key = {u: found[0] for u, found in keys.items() if found is not None}
    assert read_pair(catalog, key[RERUN], None, APP_NOW) is None  # no fork: ask which
    chosen = read_pair(catalog, key[RERUN], key[BASE], APP_NOW)
    assert chosen is not None
    assert (chosen.left.session.ulid, chosen.right.session.ulid, chosen.mode) == (
        RERUN,
        BASE,
        Mode.OFFSET,
    )
    # A fork and its parent in either order: parent left, aligned at the fork point.
    swapped = read_pair(catalog, key[BRANCH], key[BASE], APP_NOW)
    assert swapped is not None
    assert (swapped.left.session.ulid, swapped.shift) == (BASE, FORK_SEQ)


def test_a_fork_whose_parent_is_gone_is_asked_about_like_any_session(tmp_path):
    clock = SettableClock(BASE_START)
    path = tmp_path / "orphan.db"
    orphan = ulid_at(BASE_START, "0RPHAN01")
    with Store.open(path, clock=clock) as store:
        add_session(store, clock, ulid=orphan, start=BASE_START, events=[step(1)], parent=BASE)
    with _closing(Catalog.open([path])) as catalog:
        found = catalog.find_ulid(orphan)
        assert found is not None
        assert read_pair(catalog, found[0], None, APP_NOW) is None
        with pytest.raises(SessionError, match="no longer exists"):
            read_pair(catalog, SessionKey(0, 999), found[0], APP_NOW)


def test_sqlite_compares_only_verified_contiguous_seqs(catalog):
    base = _timeline(catalog, BASE)
    store = catalog.store(0)
    sid = base.key.session_id
    unverified = TimelineShape(1, 40, 40, verified=False)
    assert first_difference_in_sql(store, (unverified, sid, 0), (base.shape, sid, 0)) is None
    gaps = TimelineShape(1, 41, 40, array("q", [*range(1, 20), *range(21, 42)]))
    assert first_difference_in_sql(store, (gaps, sid, 0), (gaps, sid, 0)) is None
    calls: list[int] = []
    shape = verify_shape(catalog, base.key, base.shape)
    stopped = first_difference_in_sql(
        store, (shape, sid, 0), (shape, sid, 0), lambda: bool(calls.append(1)) or len(calls) > 1, 8
    )
    assert stopped == Difference(None, None, 8, cancelled=True)


def test_a_counted_shape_is_verified_only_without_gaps(tmp_path):
    path = build_side_by_side_db(tmp_path / "gaps.db")
    with _closing(Catalog.open([path])) as catalog:
        base = _timeline(catalog, BASE)
        assert not base.shape.verified  # opened on its bounds alone
        with catalog.reader(0) as store:
            counted = counted_shape(store, base)
        assert (counted.verified, counted.count, counted.contiguous) == (True, 40, True)
    conn = sqlite3.connect(path, isolation_level=None)  # plain SQL: a hole in the seqs
    try:
        conn.execute("DELETE FROM events WHERE seq = 20 AND session_id = 1")
    finally:
        conn.close()
    with _closing(Catalog.open([path])) as catalog:
        holed = _timeline(catalog, BASE)
        with catalog.reader(0) as store:
            assert not counted_shape(store, holed).verified
            shape = counted_shape(store, holed)
            assert first_difference_in_sql(store, (shape, 1, 0), (shape, 1, 0)) is None
        # Python's walk pairs by row: a session is still its own equal, 39 events long.
        assert _walk_rows(catalog, holed) == Difference(None, None, 39)


def _walk_rows(catalog: Catalog, timeline: Timeline) -> Difference:
    store = catalog.store(0)
    return first_difference((store, timeline, 0), (store, timeline, 0))

"""The timeline strip's reads (``store.event_buckets``) and the bins built on them
(``zero_session_tui.strip_bins``), each checked against a plain walk of the same events:
bucket aggregates, the stamp search, marker seeks with and without the bins' bounds, bins by
seq and by time, and bins brought up to date after appends equal to bins read afresh."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from store import EventKind, Store
from store.clocks import SettableClock
from store.event_buckets import SEVERITY, BucketStats
from zero_session_tui.strip_bins import MAX_BINS, next_marker, previous_marker, read_bins

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
K = EventKind


def _session(kinds: list[EventKind], gaps: list[float]) -> tuple[Store, int, SettableClock]:
    clock = SettableClock(START)
    store = Store.open_in_memory(clock=clock)
    sid = store.start_session("01JSTRIPTEST0000000000000", None, "0.4.0", None)
    _append(store, sid, clock, kinds, gaps)
    return store, sid, clock


def _append(
    store: Store, sid: int, clock: SettableClock, kinds: list[EventKind], gaps: list[float]
) -> None:
    for gap in gaps:
        clock.now += timedelta(seconds=gap)
        clock.queued.append(clock.now)
    store.append_many(sid, [(kind, f"{kind.value} text") for kind in kinds])
    assert not clock.queued


def _random_session(rng: random.Random, count: int) -> tuple[Store, int, SettableClock]:
    weights = [50, 20, 20, 2, 6, 2]  # system, command, prompt, mode change, warn, alert
    kinds = rng.choices([K(k) for k in SEVERITY], weights=weights, k=count)
    gaps = [rng.choice([0.0, 0.1, 1.0, 30.0, 900.0]) for _ in range(count)]
    return _session(kinds, gaps)


def _walk(store: Store, sid: int) -> list[tuple[int, str, datetime]]:
    return [(e.seq, e.kind.value, e.at) for e in store.iter_events(sid) if e.at is not None]


def _expected(events: list[tuple[int, str, datetime]], lo: int, hi: int) -> BucketStats | None:
    inside = [e for e in events if lo <= e[0] <= hi]
    if not inside:
        return None
    top = max(inside, key=lambda e: SEVERITY.index(e[1]))[1]
    changes = sum(1 for e in inside if e[1] == "mode_change")
    return BucketStats(len(inside), top, changes, inside[0][0], inside[-1][0])


def test_bucket_stats_count_the_range_and_name_its_most_severe_kind() -> None:
    store, sid, _ = _session(
        [K.SYSTEM, K.PROMPT, K.MODE_CHANGE, K.WARN, K.COMMAND, K.ALERT, K.MODE_CHANGE], [1] * 7
    )
    assert store.bucket_stats(sid, 1, 2) == BucketStats(2, "prompt", 0, 1, 2)
    assert store.bucket_stats(sid, 2, 5) == BucketStats(4, "warn", 1, 2, 5)
    assert store.bucket_stats(sid, 1, 7) == BucketStats(7, "alert", 2, 1, 7)
    assert store.bucket_stats(sid, 8, 100) is None
    assert store.bucket_stats(sid, -(2**70), 2**70) == BucketStats(7, "alert", 2, 1, 7)


def test_marker_seeks_find_the_nearest_event_of_the_kinds_within_the_bounds() -> None:
    store, sid, _ = _session([K.SYSTEM, K.WARN, K.SYSTEM, K.ALERT, K.SYSTEM, K.WARN], [1] * 6)
    assert store.next_of_kinds(sid, {"warn", "alert"}, 2) == (4, "alert")
    assert store.next_of_kinds(sid, {"warn"}, 2) == (6, "warn")
    assert store.next_of_kinds(sid, {"warn"}, 2, through=5) is None
    assert store.next_of_kinds(sid, {"warn"}, 6) is None
    assert store.previous_of_kinds(sid, {"warn", "alert"}, 4) == (2, "warn")
    assert store.previous_of_kinds(sid, {"warn"}, 6, since=3) is None
    assert store.previous_of_kinds(sid, {"alert"}, 2**70) == (4, "alert")
    assert store.next_of_kinds(sid, {"alert"}, -(2**70)) == (4, "alert")


def test_the_stamp_search_finds_the_first_seq_at_or_after_a_moment() -> None:
    store, sid, _ = _session([K.SYSTEM] * 6, [0, 10, 0, 20, 5, 60])  # 0 10 10 30 35 95 s
    base = int(START.timestamp() * 1000)
    assert store.first_seq_stamped_from(sid, base, 1, 6) == 1
    assert store.first_seq_stamped_from(sid, base + 1, 1, 6) == 2
    assert store.first_seq_stamped_from(sid, base + 10_000, 1, 6) == 2
    assert store.first_seq_stamped_from(sid, base + 30_001, 1, 6) == 5
    assert store.first_seq_stamped_from(sid, base + 95_001, 1, 6) == 7  # none: hi + 1
    assert store.first_seq_stamped_from(sid, base + 30_001, 1, 4) == 5


@pytest.mark.parametrize("mode", ["seq", "time"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bins_count_every_event_once_each_in_the_bin_of_its_seq_or_time(mode, seed) -> None:
    rng = random.Random(seed)
    store, sid, _ = _random_session(rng, rng.randrange(1, 3000))
    events = _walk(store, sid)
    bins = read_bins(store, (0, sid, "u", mode))
    assert len(bins.stats) <= MAX_BINS
    assert sum(s.count for s in bins.stats if s is not None) == len(events)
    origin = events[0][2]
    for index, stats in enumerate(bins.stats):
        lo, hi = bins.starts[index], bins.starts[index + 1] - 1
        assert stats == _expected(events, lo, hi)
        for seq, _, at in events:
            if not lo <= seq <= hi:
                continue
            offset = (
                (seq - bins.origin) if mode == "seq" else (at - origin) / timedelta(milliseconds=1)
            )
            assert index * bins.size <= offset < (index + 1) * bins.size


@pytest.mark.parametrize("mode", ["seq", "time"])
def test_bins_brought_up_to_date_after_appends_equal_bins_read_afresh(mode) -> None:
    rng = random.Random(7)
    store, sid, clock = _random_session(rng, 40)
    key = (0, sid, "u", mode)
    bins = read_bins(store, key)
    for batch in (1, 5, 300, 2000, 1):  # grows past MAX_BINS of the first size: merged bins
        kinds = rng.choices(list(K), k=batch)
        _append(store, sid, clock, kinds, [rng.choice([0.1, 2.0, 60.0]) for _ in kinds])
        bins = read_bins(store, key, bins)
        fresh = read_bins(store, key)
        assert (bins.size, bins.starts, bins.stats) == (fresh.size, fresh.starts, fresh.stats)


@pytest.mark.parametrize("mode", ["seq", "time"])
def test_an_update_counts_only_the_events_after_the_last_seq_counted(mode, monkeypatch) -> None:
    # A session written long ago and appended to now (as the live tail's): by time, every new
    # event falls in the last bin, which a poll must not count again from its start.
    rng = random.Random(11)
    store, sid, clock = _random_session(rng, 500)
    key = (0, sid, "u", mode)
    bins = read_bins(store, key)
    clock.now += timedelta(days=300)
    asked: list[tuple[int, int]] = []
    original = store.bucket_stats

    def spy(session_id: int, first_seq: int, last_seq: int) -> BucketStats | None:
        asked.append((first_seq, last_seq))
        return original(session_id, first_seq, last_seq)

    monkeypatch.setattr(store, "bucket_stats", spy)
    for _ in range(5):
        counted = bins.through_seq
        assert counted is not None
        asked.clear()
        kinds = rng.choices(list(K), k=40)
        _append(store, sid, clock, kinds, [0.1 for _ in kinds])
        bins = read_bins(store, key, bins)
        assert asked
        assert min(first for first, _ in asked) == counted + 1
        fresh = read_bins(store, key)
        assert (bins.size, bins.starts, bins.stats) == (fresh.size, fresh.starts, fresh.stats)


@pytest.mark.parametrize("seed", [4, 5])
def test_marker_seeks_through_the_bins_agree_with_a_plain_walk(seed) -> None:
    rng = random.Random(seed)
    store, sid, clock = _random_session(rng, 2500)
    bins = read_bins(store, (0, sid, "u", "time"))
    _append(store, sid, clock, [K.ALERT, K.SYSTEM, K.WARN], [1, 1, 1])  # after the bins
    events = _walk(store, sid)
    for kinds in ({"alert"}, {"warn", "alert", "mode_change"}, {"mode_change"}):
        for _ in range(60):
            seq = rng.randrange(-5, len(events) + 5)
            after = [e[:2] for e in events if e[0] > seq and e[1] in kinds]
            before = [e[:2] for e in events if e[0] < seq and e[1] in kinds]
            assert next_marker(store, sid, kinds, seq, bins) == (after[0] if after else None)
            assert previous_marker(store, sid, kinds, seq, bins) == (before[-1] if before else None)
            assert next_marker(store, sid, kinds, seq, None) == (after[0] if after else None)


def test_a_session_without_events_has_no_bins_until_its_first_events() -> None:
    store, sid, clock = _session([], [])
    bins = read_bins(store, (0, sid, "u", "time"))
    assert bins.empty
    assert bins.through_seq is None
    assert bins.bin_of(1) is None
    assert next_marker(store, sid, {"alert"}, 0, bins) is None
    assert previous_marker(store, sid, {"alert"}, 5, bins) is None
    _append(store, sid, clock, [K.SYSTEM, K.ALERT], [1, 1])
    grown = read_bins(store, (0, sid, "u", "time"), bins)
    assert grown.through_seq == 2
    assert grown.stats == read_bins(store, (0, sid, "u", "time")).stats


@pytest.mark.parametrize("mode", ["time", "seq"])
def test_a_long_session_read_in_two_lanes_gives_the_bins_of_one(
    mode: str, tmp_path, monkeypatch
) -> None:
    from contextlib import contextmanager

    from zero_session_tui import strip_bins

    monkeypatch.setattr(strip_bins, "TWO_LANES_FROM", 500)
    rng = random.Random(7)
    path = tmp_path / "sessions.db"
    clock = SettableClock(START)
    with Store.open(path, clock=clock) as writer:
        sid = writer.start_session("01JSTRIPTEST0000000000000", None, "0.4.0", None)
        kinds = rng.choices([K(k) for k in SEVERITY], weights=[50, 20, 20, 2, 6, 2], k=3000)
        _append(writer, sid, clock, kinds, [rng.choice([0.0, 1.0, 30.0]) for _ in kinds])
    opened: list[int] = []

    @contextmanager
    def more():
        opened.append(1)
        with Store.open_readonly(path) as own:
            yield own

    key = (0, sid, "01JSTRIPTEST0000000000000", mode)
    with Store.open_readonly(path) as store:
        one_lane = read_bins(store, key)
        two_lanes = read_bins(store, key, more=more)
        assert opened == [1]
        assert two_lanes == one_lane
        assert sum(s.count for s in two_lanes.stats if s is not None) == 3000
        # Brought up to date: a few short reads, no second lane.
        assert read_bins(store, key, two_lanes, more=more) == one_lane
        assert opened == [1]

        @contextmanager
        def broken():
            raise OSError("the second lane cannot open")
            yield store  # pragma: no cover

        with pytest.raises(OSError, match="second lane"):
            read_bins(store, key, more=broken)

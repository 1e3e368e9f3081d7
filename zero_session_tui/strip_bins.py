"""A session's events in fixed bins, by seq or by time: what the timeline strip is drawn from.

At most ``MAX_BINS`` bins of a power-of-two size (seqs, or milliseconds), each a range of
seqs read by ``store.event_buckets``; the strip's cells are groups of bins, so a resize needs
no read. A session that grew is brought up to date from its last bin on (the only one that
can have changed, appends having higher seqs); when it outgrows ``MAX_BINS``, bins are merged
two by two. Marker seeks use the bins to read only ranges known to hold a marker.

A whole session's bins are read in two lanes when it is long: the second half of the bins
on a connection of its own in a second thread (SQLite steps without Python's lock), so a
2M-event session's bins take about half the time on two cores.

Call the reading functions from a worker thread; no Textual here.
"""

from __future__ import annotations

import bisect
import functools
import os
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Final

from store import Store
from store.event_buckets import BucketStats, severity_rank

__all__ = [
    "MAX_BINS",
    "MODES",
    "BinKey",
    "Bins",
    "next_marker",
    "previous_marker",
    "read_bins",
]

MAX_BINS: Final = 512
MODES: Final = ("time", "seq")
TWO_LANES_FROM: Final = 100_000
"""Seqs to count from which a second lane is worth its connection (opened in ~1 ms)."""

OpenStore = Callable[[], AbstractContextManager[Store]]
"""Opens a read-only store of its own (``Catalog.reader``), closed on leaving."""

BinKey = tuple[int, int, str, str]
"""(partition, session id, ULID, mode): what a set of bins is of."""


@dataclass(frozen=True, slots=True)
class Bins:
    key: BinKey
    origin: int
    """The first bin's start: a seq, or Unix milliseconds."""
    size: int
    """Seqs (or milliseconds) per bin: a power of two."""
    starts: tuple[int, ...]
    """The first seq of each bin, then one past the last seq counted (len(stats) + 1)."""
    stats: tuple[BucketStats | None, ...]
    """Each bin's events; None when it has none."""

    @property
    def mode(self) -> str:
        return self.key[3]

    @property
    def through_seq(self) -> int | None:
        """The last seq counted; None when none is (a session without events)."""
        return self.starts[-1] - 1 if self.starts else None

    @property
    def empty(self) -> bool:
        return not self.stats

    def bin_of(self, seq: int) -> int | None:
        """The bin that counts ``seq``; None outside the bins."""
        if not self.starts or not self.starts[0] <= seq < self.starts[-1]:
            return None
        return bisect.bisect_right(self.starts, seq) - 1


def _size_for(span: int, at_least: int) -> int:
    size = max(1, at_least)
    while span > size * MAX_BINS:
        size *= 2
    return size


def _merged(bins: Bins, size: int) -> tuple[list[int], list[BucketStats | None]]:
    """The bins of ``bins`` merged into bins of ``size`` (a multiple of theirs)."""
    factor = size // bins.size
    starts: list[int] = []
    stats: list[BucketStats | None] = []
    for first in range(0, len(bins.stats), factor):
        starts.append(bins.starts[first])
        stats.append(functools.reduce(_joined, bins.stats[first : first + factor], None))
    return starts, stats


def _joined(one: BucketStats | None, other: BucketStats | None) -> BucketStats | None:
    """Two bins' stats as one bin's (either may have no events)."""
    if one is None or other is None:
        return one if other is None else other
    return one.merged(other)


def _stats_of(
    store: Store, session_id: int, ranges: list[tuple[int, int]]
) -> list[BucketStats | None]:
    return [store.bucket_stats(session_id, lo, end - 1) if end > lo else None for lo, end in ranges]


def _read_stats(
    store: Store, session_id: int, ranges: list[tuple[int, int]], more: OpenStore | None
) -> list[BucketStats | None]:
    """Each range's stats; with ``more``, the second half of the ranges (by seqs) read in a
    second thread on a store of its own while this thread reads the first half."""
    if more is None or len(ranges) < 2 or (os.cpu_count() or 1) < 2:
        return _stats_of(store, session_id, ranges)
    middle = (ranges[0][0] + ranges[-1][1]) // 2
    split = max(1, min(len(ranges) - 1, bisect.bisect_left([lo for lo, _ in ranges], middle)))
    second: list[list[BucketStats | None]] = []
    errors: list[BaseException] = []

    def read_second() -> None:
        try:
            with more() as own:
                second.append(_stats_of(own, session_id, ranges[split:]))
        except BaseException as exc:  # raised again in the calling thread
            errors.append(exc)

    lane = threading.Thread(target=read_second, name="strip-bins-lane", daemon=True)
    lane.start()
    try:
        first = _stats_of(store, session_id, ranges[:split])
    finally:
        lane.join()
    if errors:
        raise errors[0]
    return first + second[0]


def read_bins(
    store: Store, key: BinKey, prior: Bins | None = None, more: OpenStore | None = None
) -> Bins:
    """The bins of session ``key``: all read, or only from ``prior``'s last bin on when
    ``prior`` is of the same session and mode. ``more`` opens a second store for reading a
    long session in two lanes (see the module's docstring)."""
    session_id, mode = key[1], key[3]
    if prior is not None and (prior.key != key or prior.empty):
        prior = None
    bounds = store.seq_bounds(session_id)
    if bounds is None:
        return Bins(key, 0, 1, (), ())
    first, last = bounds
    if prior is not None and (last < (prior.through_seq or 0) or first != prior.starts[0]):
        prior = None  # not appended to: rows went away, read it all again
    if mode == "seq":
        origin = prior.origin if prior is not None else first
        end = last
    else:
        first_stamp = store.stamp_from(session_id, first)
        last_stamp = store.stamp_from(session_id, last)
        start_ms = first_stamp[1] if first_stamp is not None else None
        end_ms = last_stamp[1] if last_stamp is not None else None
        if prior is not None:
            origin = prior.origin
        else:  # a first stamp that does not parse: from the last one (else one bin)
            origin = start_ms if start_ms is not None else (end_ms or 0)
        end = max(origin, end_ms if end_ms is not None else origin)
    size = _size_for(end - origin + 1, prior.size if prior is not None else 1)
    count = max(1, -(-(end - origin + 1) // size))
    starts: list[int] = []
    stats: list[BucketStats | None] = []
    next_first = first
    resumed: BucketStats | None = None
    resuming = prior is not None and prior.through_seq is not None
    if prior is not None and prior.through_seq is not None:
        # The last bin may have grown: only its events after the last seq counted are read
        # (never the whole bin again: a live session's last bin by time can hold all that
        # was appended since it was shown), then every bin after it.
        starts, stats = _merged(prior, size)
        next_first = prior.through_seq + 1
        resumed = stats.pop()
    ranges: list[tuple[int, int]] = []  # each new bin's (first seq, one past its last)
    for index in range(len(stats), max(count, len(stats) + 1)):
        if index + 1 < count:
            if mode == "seq":
                bound = origin + (index + 1) * size
            else:
                moment = origin + (index + 1) * size
                bound = store.first_seq_stamped_from(session_id, moment, next_first, last)
        else:
            bound = last + 1
        ranges.append((next_first, max(next_first, bound)))
        next_first = max(next_first, bound)
    if ranges and last - ranges[0][0] < TWO_LANES_FROM:
        more = None
    read = _read_stats(store, session_id, ranges, more)
    if resuming:  # the first range is the rest of the resumed bin (started before)
        ranges, grown = ranges[1:], read.pop(0)
        stats.append(_joined(resumed, grown))
    starts.extend(first_seq for first_seq, _ in ranges)
    stats.extend(read)
    starts.append(last + 1)
    return Bins(key, origin, size, tuple(starts), tuple(stats))


def _ranges(bins: Bins, kinds: Collection[str]) -> Iterator[tuple[int, int]]:
    """Seq ranges (first, last), in order and merged, outside which no event of ``kinds``
    is: the bins whose most severe kind is at least the least severe of ``kinds``."""
    lowest = min(severity_rank(kind) for kind in kinds)
    mode_changes = "mode_change" in kinds
    pending: tuple[int, int] | None = None
    for index, stats in enumerate(bins.stats):
        if stats is None:
            continue
        if stats.rank < lowest and not (mode_changes and stats.mode_changes):
            continue
        lo, hi = bins.starts[index], bins.starts[index + 1] - 1
        if pending is not None and lo <= pending[1] + 1:
            pending = (pending[0], max(pending[1], hi))
            continue
        if pending is not None:
            yield pending
        pending = (lo, hi)
    if pending is not None:
        yield pending


def next_marker(
    store: Store, session_id: int, kinds: Collection[str], after: int, bins: Bins | None
) -> tuple[int, str] | None:
    """(seq, kind) of the first event of ``kinds`` after seq ``after``: read only in the
    bins that hold one, then after the bins (events not counted yet)."""
    if not kinds:
        return None
    if bins is None or bins.through_seq is None:
        return store.next_of_kinds(session_id, kinds, after)
    for lo, hi in _ranges(bins, kinds):
        if hi <= after:
            continue
        found = store.next_of_kinds(session_id, kinds, max(after, lo - 1), through=hi)
        if found is not None:
            return found
    return store.next_of_kinds(session_id, kinds, max(after, bins.through_seq))


def previous_marker(
    store: Store, session_id: int, kinds: Collection[str], before: int, bins: Bins | None
) -> tuple[int, str] | None:
    """(seq, kind) of the last event of ``kinds`` before seq ``before`` (see
    ``next_marker``)."""
    if not kinds:
        return None
    if bins is None or bins.through_seq is None:
        return store.previous_of_kinds(session_id, kinds, before)
    through = bins.through_seq
    if before > through + 1:
        found = store.previous_of_kinds(session_id, kinds, before, since=through + 1)
        if found is not None:
            return found
    for lo, hi in reversed(list(_ranges(bins, kinds))):
        if lo >= before:
            continue
        found = store.previous_of_kinds(session_id, kinds, min(before, hi + 1), since=lo)
        if found is not None:
            return found
    return None

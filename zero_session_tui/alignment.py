"""How two sessions line up side by side, and where they first differ. No Textual here.

Three alignments:

- ``FORK`` (a fork beside its parent): row-locked. The fork's first event sits beside the
  parent's first event after the fork point (the parent's last event stamped at or before the
  fork started, as ``store.forks.fork_points`` finds it): both are what came next.
- ``OFFSET``: time-locked by the offset from each session's start (``+02:10`` beside
  ``+02:10``, the replay's own relative times).
- ``CLOCK``: time-locked by wall-clock time.

Time-locked panes pair the leading pane's cursor event with the other session's last event
stamped at or before the same moment. Finding it is a binary search over the timeline's
keyset pages (about log2(pages) page reads, each kept in the timeline's LRU, where the pane
will look for it), so it costs what is shown, not the session's size. It assumes stamps
rise with seq, as the client writes them; a row whose stamp does not parse goes with the
row before it.

The first difference compares events one by one from the alignment point (kind as stored,
and text), streamed from both sessions in keyset pages and stopped at the first pair that
differs, or where one session ends before the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from store import Store, StoredEvent
from store.comparison import Compared, compared_after, first_unequal

from .catalog import Catalog
from .timeline import PAGE_SIZE, Timeline, TimelineShape

__all__ = [
    "DIFF_CHUNK",
    "Difference",
    "Mode",
    "counted_shape",
    "event_at_row",
    "first_difference",
    "first_difference_in_sql",
    "first_row_after",
    "fork_shift",
    "moment_beside",
    "next_mode",
    "row_at_or_before",
    "same_event",
    "start_rows",
]

DIFF_CHUNK: Final = 1_000
"""Events read per page of each session while looking for the first difference."""


class Mode(StrEnum):
    FORK = "fork"
    OFFSET = "offset"
    CLOCK = "clock"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: Final = {
    Mode.FORK: "at the fork point",
    Mode.OFFSET: "by offset from start",
    Mode.CLOCK: "by clock time",
}


def next_mode(mode: Mode, has_fork: bool) -> Mode:
    """The alignment the toggle key moves to: fork point (when there is one), offset, clock."""
    order = [m for m in Mode if has_fork or m is not Mode.FORK]
    return order[(order.index(mode) + 1) % len(order)] if mode in order else order[0]


# ---- row-locked: the fork point -------------------------------------------------------------


def fork_shift(parent: Timeline, fork_seq: int | None, parent_on_left: bool) -> int:
    """``shift`` such that the right pane's row is the left pane's row minus ``shift``: the
    fork's row 0 beside the parent's first row after ``fork_seq`` (its row count when the
    parent has nothing after it; row 0 when the fork started before the parent's first event,
    ``fork_seq`` None)."""
    if fork_seq is None:
        base = 0
    else:
        after = parent.row_of_seq(fork_seq + 1)
        base = parent.count if after is None else after
    return base if parent_on_left else -base


# ---- time-locked: offset and clock -----------------------------------------------------------


def moment_beside(
    mode: Mode, moment: datetime | None, origin: datetime | None, other_origin: datetime | None
) -> datetime | None:
    """The moment of the other session that lines up with ``moment`` of this one (None when
    either is unknown): the same instant, or the same offset from each session's start."""
    if moment is None or mode is Mode.FORK:
        return None
    if mode is Mode.CLOCK:
        return moment
    if origin is None or other_origin is None:
        return None
    return other_origin + (moment - origin)


def _page(catalog: Catalog, timeline: Timeline, page: int) -> list[StoredEvent]:
    """The events of ``page``, read when the LRU does not have them (call from a worker)."""
    first = page * PAGE_SIZE
    rows = range(first, min(first + PAGE_SIZE, timeline.count))
    for _ in range(2):  # a page evicted between the read and the look (48 others read)
        if not timeline.has_page(page):
            timeline.fetch_page(catalog, page)
        found = [timeline.cached(row) for row in rows]
        events = [event for event in found if event is not None]
        if len(events) == len(found):
            return events
    return events


def first_row_after(
    catalog: Catalog, timeline: Timeline, moment: datetime, *, inclusive: bool = False
) -> int:
    """The first row stamped after ``moment`` (at or after it with ``inclusive``); the row
    count when there is none. Binary search over pages, then one page scanned."""

    def satisfies(event: StoredEvent) -> bool:
        return event.at is not None and (event.at >= moment if inclusive else event.at > moment)

    def last_known(events: list[StoredEvent]) -> StoredEvent | None:
        return next((e for e in reversed(events) if e.at is not None), None)

    pages = -(-timeline.count // PAGE_SIZE)
    low, high = 0, pages  # the answer's page is the first whose last stamp satisfies
    while low < high:
        middle = (low + high) // 2
        last = last_known(_page(catalog, timeline, middle))
        if last is not None and satisfies(last):
            high = middle
        else:
            low = middle + 1
    if low >= pages:
        return timeline.count
    for offset, event in enumerate(_page(catalog, timeline, low)):
        if satisfies(event):
            return low * PAGE_SIZE + offset
    return timeline.count


def row_at_or_before(catalog: Catalog, timeline: Timeline, moment: datetime) -> int:
    """The last row stamped at or before ``moment``; -1 when every row is after it."""
    return first_row_after(catalog, timeline, moment) - 1


# ---- the first difference --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Difference:
    """Where two sessions first differ after their alignment point.

    ``left_seq`` / ``right_seq``: the two events that differ; one is None when that session
    ended first (the other's event is the first one it does not have). Both None: no
    difference, the sessions end together. ``compared`` counts the equal pairs before it."""

    left_seq: int | None
    right_seq: int | None
    compared: int
    cancelled: bool = False

    @property
    def found(self) -> bool:
        return not self.cancelled and (self.left_seq is not None or self.right_seq is not None)

    def describe(self, left: str = "left", right: str = "right") -> str:
        same = f"{self.compared:,} equal before it" if self.compared else "at the first pair"
        if self.cancelled:
            return f"first difference: not found yet ({self.compared:,} equal so far)"
        if self.left_seq is not None and self.right_seq is not None:
            return f"first difference: {left} #{self.left_seq} / {right} #{self.right_seq} ({same})"
        if self.left_seq is not None:
            return f"first difference: {left} #{self.left_seq}, {right} has ended ({same})"
        if self.right_seq is not None:
            return f"first difference: {right} #{self.right_seq}, {left} has ended ({same})"
        return f"no difference: {self.compared:,} events the same, both end together"


def same_event(a: Compared, b: Compared) -> bool:
    """Kind and text as stored: what a reader sees of an event, its seq and time aside."""
    return a.kind == b.kind and a.text == b.text


def _stream(store: Store, session_id: int, after_seq: int, chunk: int) -> Iterator[Compared]:
    while True:
        batch = compared_after(store, session_id, after_seq, chunk)
        yield from batch
        if len(batch) < chunk:
            return
        after_seq = batch[-1].seq


def first_difference(
    left: tuple[Store, Timeline, int],
    right: tuple[Store, Timeline, int],
    cancelled: Callable[[], bool] = lambda: False,
    chunk: int = DIFF_CHUNK,
    breathe: Callable[[], object] = lambda: None,
) -> Difference:
    """The first pair that differs, from each side's ``(store, timeline, first row)``: events
    read ``chunk`` at a time from each session (short reads, no cursor held between them),
    stopped at the first difference or when ``cancelled()`` (checked every chunk, after
    which ``breathe()`` is called: a sleep lets the UI thread run, as Python compares)."""
    streams: list[Iterator[Compared]] = []
    for store, timeline, row in (left, right):
        if row >= timeline.count:
            streams.append(iter(()))
            continue
        after = timeline.seq_of_row(max(0, row)) - 1
        streams.append(_stream(store, timeline.key.session_id, after, chunk))
    ours, theirs = streams
    compared = 0
    while True:
        if compared % chunk == 0:
            if cancelled():
                return Difference(None, None, compared, cancelled=True)
            breathe()  # Python compares these: let the UI thread have the GIL now and then
        a, b = next(ours, None), next(theirs, None)
        if a is None and b is None:
            return Difference(None, None, compared)
        if a is None or b is None or not same_event(a, b):
            return Difference(a.seq if a else None, b.seq if b else None, compared)
        compared += 1


# ---- where the comparison starts ---------------------------------------------------------------


def event_at_row(catalog: Catalog, timeline: Timeline, row: int) -> StoredEvent | None:
    """The event on ``row`` (its page read when the LRU does not have it); None outside."""
    if not 0 <= row < timeline.count:
        return None
    events = _page(catalog, timeline, row // PAGE_SIZE)
    offset = row % PAGE_SIZE
    return events[offset] if offset < len(events) else None


def _first_moment(catalog: Catalog, timeline: Timeline) -> datetime | None:
    first = event_at_row(catalog, timeline, 0)
    return first.at if first is not None and first.at is not None else timeline.origin


def start_rows(
    catalog: Catalog, mode: Mode, left: Timeline, right: Timeline, shift: int | None
) -> tuple[int, int]:
    """The rows of the alignment point, where the comparison starts: the fork's first row
    and the parent's first after the fork point; both first rows by offset; by clock, each
    session's first row at or after the later of their first events."""
    if mode is Mode.FORK and shift is not None:
        return (shift, 0) if shift >= 0 else (0, -shift)
    if mode is Mode.OFFSET:
        return 0, 0
    moments = [m for m in (_first_moment(catalog, left), _first_moment(catalog, right)) if m]
    if len(moments) < 2:
        return 0, 0
    common = max(moments)
    return (
        first_row_after(catalog, left, common, inclusive=True),
        first_row_after(catalog, right, common, inclusive=True),
    )


SQL_CHUNK: Final = 20_000
"""Pairs compared per statement when SQLite compares them (``first_difference_in_sql``)."""


def first_difference_in_sql(
    store: Store,
    left: tuple[TimelineShape, int, int],
    right: tuple[TimelineShape, int, int],
    cancelled: Callable[[], bool] = lambda: False,
    chunk: int = SQL_CHUNK,
) -> Difference | None:
    """``first_difference`` with the comparing done by SQLite, ``chunk`` pairs a statement,
    from each side's ``(verified shape, session id, first row)``; both sessions in ``store``.
    None when a shape has gaps in its seqs or is not verified (pairs are then found by row,
    which only ``first_difference`` does)."""
    (lshape, lid, lrow), (rshape, rid, rrow) = left, right
    if not (lshape.verified and rshape.verified and lshape.contiguous and rshape.contiguous):
        return None
    lrow, rrow = max(0, lrow), max(0, rrow)
    lleft, rleft = max(0, lshape.count - lrow), max(0, rshape.count - rrow)
    pairs = min(lleft, rleft)
    first = lshape.first_seq + lrow
    delta = (rshape.first_seq + rrow) - first
    for done in range(0, pairs, chunk):
        if cancelled():
            return Difference(None, None, done, cancelled=True)
        found = first_unequal(
            store, lid, rid, delta, first + done, first + min(pairs, done + chunk)
        )
        if found is not None:
            return Difference(found[0], found[1], found[0] - first)
    if lleft > pairs:
        return Difference(first + pairs, None, pairs)
    if rleft > pairs:
        return Difference(None, first + pairs + delta, pairs)
    return Difference(None, None, pairs)


def counted_shape(store: Store, timeline: Timeline) -> TimelineShape:
    """The timeline's shape, verified by counting its events in ``store`` (a reader of its
    own: the count costs the session's size, and must not hold the shared store the panes
    read their pages from). Still unverified when the seqs have gaps."""
    shape = timeline.shape
    if shape.verified or shape.count == 0:
        return shape
    count = store.count_events_through(timeline.key.session_id, shape.last_seq)
    if count != shape.count:
        return shape  # gaps: only Python's walk pairs these, by row
    return TimelineShape(shape.first_seq, shape.last_seq, count)

"""A session's event log as rows 0..N-1, fetched in keyset pages as the screen needs them.

The replay pane asks for rows; this maps a row to a seq (directly when seqs are contiguous, as
the Rust client writes them; through a list of seqs otherwise), keeps an LRU of pages, and never
holds the whole session.
"""

from __future__ import annotations

import bisect
import threading
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from store import SessionRow, StoredEvent

from .catalog import Catalog, SessionKey, is_live

__all__ = [
    "PAGE_SIZE",
    "Opened",
    "Timeline",
    "TimelineShape",
    "open_timeline",
    "read_shape",
    "verify_shape",
]

PAGE_SIZE: Final = 128
MAX_PAGES: Final = 48
TAIL_PAGES: Final = 4
"""Pages made of rows a live session appended that are kept (the most recently drawn): the
end of a followed session moves on, and the pages it leaves behind would otherwise fill the
LRU (48 pages: about 4 MB of events) with rows nobody looks at again."""


@dataclass(frozen=True, slots=True)
class TimelineShape:
    """Where a session's events start and end, and how many there are."""

    first_seq: int
    last_seq: int
    count: int
    seqs: array[int] | None = None  # only when seqs have gaps
    verified: bool = True
    """False while the count is assumed from the bounds (see ``read_shape``)."""

    @property
    def contiguous(self) -> bool:
        return self.seqs is None


def read_shape(
    catalog: Catalog,
    key: SessionKey,
    kinds: frozenset[str] | None = None,
    *,
    verify: bool = True,
) -> TimelineShape:
    """The rows of a session: all its events, or only those of ``kinds``.

    With ``verify=False`` and all kinds, the shape costs two index seeks: seqs are taken as
    contiguous (the Rust client writes them so) and ``verified`` is False until
    ``verify_shape`` has counted them, which costs the session's size."""
    store = catalog.store(key.partition)
    if kinds is not None:
        seqs = array("q", store.list_seqs(key.session_id, kinds))
        if not seqs:
            return TimelineShape(0, 0, 0, seqs)
        return TimelineShape(seqs[0], seqs[-1], len(seqs), seqs)
    bounds = store.seq_bounds(key.session_id)
    if bounds is None:
        return TimelineShape(0, 0, 0)
    first, last = bounds
    assumed = TimelineShape(first, last, last - first + 1, verified=False)
    return verify_shape(catalog, key, assumed) if verify else assumed


def verify_shape(catalog: Catalog, key: SessionKey, shape: TimelineShape) -> TimelineShape:
    """``shape`` with its count checked; with the list of seqs when they have gaps."""
    if shape.verified:
        return shape
    store = catalog.store(key.partition)
    if shape.count == 0:  # nothing read yet: whatever arrives is the poll's to add
        return TimelineShape(shape.first_seq, shape.last_seq, 0)
    # Only up to the last seq the view read: events a writer appends meanwhile are the poll's
    # to add, never taken for gaps (that re-showed the view and stopped following).
    count = store.count_events_through(key.session_id, shape.last_seq)
    if count == shape.count:
        return TimelineShape(shape.first_seq, shape.last_seq, count)
    seqs = array("q", (s for s in store.list_seqs(key.session_id) if s <= shape.last_seq))
    if not seqs:
        return TimelineShape(0, 0, 0)
    return TimelineShape(seqs[0], seqs[-1], len(seqs), seqs)


@dataclass(frozen=True, slots=True)
class Opened:
    """A session ready to show: its timeline, the row to put the cursor on (None: the end),
    and whether it looks live."""

    timeline: Timeline
    row: int | None
    live: bool


def open_timeline(
    catalog: Catalog,
    key: SessionKey,
    session: SessionRow,
    seq: int | None,
    kinds: frozenset[str] | None,
    now: datetime,
) -> Opened:
    """Everything the first screen of a session needs, and nothing more: the bounds, and
    the pages around the row it opens at (call from a worker thread)."""
    timeline = Timeline(key, session, read_shape(catalog, key, kinds, verify=False), kinds)
    row = timeline.row_of_seq(seq) if seq is not None else None
    target = row if row is not None else max(0, timeline.count - 1)
    page = target // PAGE_SIZE
    # The pages on screen, and the first page: Home / g is the jump users make most.
    for wanted in sorted({page, max(0, page - 1), 0}):
        timeline.fetch_page(catalog, wanted)
    last = timeline.cached(timeline.count - 1) if timeline.count else None
    return Opened(timeline, row, is_live(session, last.at if last else None, now))


class Timeline:
    """Rows of one session; thread-safe (workers fill pages, the UI reads them)."""

    def __init__(
        self,
        key: SessionKey,
        session: SessionRow,
        shape: TimelineShape,
        kinds: frozenset[str] | None = None,
    ) -> None:
        self.key = key
        self.session = session
        self.shape = shape
        self.kinds = kinds
        self._pages: OrderedDict[int, list[StoredEvent]] = OrderedDict()
        self._lock = threading.Lock()
        self._tail_from: int | None = None
        """The first page holding rows appended since the session was opened (None: none)."""

    @property
    def count(self) -> int:
        return self.shape.count

    @property
    def origin(self) -> datetime | None:
        return self.session.started_at

    def seq_of_row(self, row: int) -> int:
        if self.shape.seqs is not None:
            return int(self.shape.seqs[row])
        return self.shape.first_seq + row

    def row_of_seq(self, seq: int) -> int | None:
        """The row showing ``seq``, or the nearest row after it; None past the end."""
        if self.count == 0:
            return None
        if self.shape.seqs is None:
            row = max(0, seq - self.shape.first_seq)
            return row if row < self.count else None
        row = bisect.bisect_left(self.shape.seqs, seq)
        return row if row < self.count else None

    def cached(self, row: int) -> StoredEvent | None:
        page, offset = divmod(row, PAGE_SIZE)
        with self._lock:
            events = self._pages.get(page)
            if events is None:
                return None
            self._pages.move_to_end(page)
        return events[offset] if offset < len(events) else None

    def has_page(self, page: int) -> bool:
        with self._lock:
            return page in self._pages

    def fetch_page(self, catalog: Catalog, page: int) -> None:
        """Read one page from the store (call from a worker thread)."""
        first_row = page * PAGE_SIZE
        if first_row >= self.count:
            return
        rows = min(PAGE_SIZE, self.count - first_row)
        after = self.seq_of_row(first_row) - 1
        store = catalog.store(self.key.partition)
        events = store.events_after(self.key.session_id, after, rows, kinds=self.kinds)
        with self._lock:
            self._pages[page] = events
            self._pages.move_to_end(page)
            self._trim()

    def checked(self, shape: TimelineShape) -> Timeline:
        """This timeline with its verified shape: the pages read stay valid only when the
        rows did not move (the seqs were contiguous as assumed)."""
        successor = Timeline(self.key, self.session, shape, self.kinds)
        if shape.contiguous and shape.count == self.count and self.shape.contiguous:
            # Same rows: share the pages (and their lock), so a page still being read for
            # this timeline lands in its successor too.
            successor._pages = self._pages
            successor._lock = self._lock
        return successor

    def grown(
        self, session: SessionRow, shape: TimelineShape, appended: Sequence[StoredEvent] = ()
    ) -> Timeline:
        """The same session with more events (appended at the end): keeps the full pages
        already read, since their rows do not move. ``appended``, the events of the new rows
        in order (as the live poll read them), fill the last page and the pages after it,
        so following a live session reads nothing more to draw them."""
        successor = Timeline(self.key, session, shape, self.kinds)
        page, offset = divmod(self.count, PAGE_SIZE)
        successor._tail_from = page if self._tail_from is None else self._tail_from
        with self._lock:
            for number, events in self._pages.items():
                if len(events) == PAGE_SIZE:
                    successor._pages[number] = events
            tail = self._pages.get(page) if offset else None
        if appended and len(appended) == shape.count - self.count:
            successor._append(page, offset, tail, appended)
        else:
            with successor._lock:
                successor._trim()
        return successor

    def _append(
        self,
        page: int,
        offset: int,
        tail: list[StoredEvent] | None,
        appended: Sequence[StoredEvent],
    ) -> None:
        """Pages for the rows from ``page * PAGE_SIZE + offset`` on, from ``appended``:
        ``tail`` (the rows of ``page`` before them) completed, when it holds all of them;
        otherwise that page is left to be read when drawn."""
        rest = list(appended)
        with self._lock:
            if offset:
                room = PAGE_SIZE - offset
                if tail is not None and len(tail) == offset:
                    self._pages[page] = [*tail, *rest[:room]]
                rest = rest[room:]
                page += 1
            for start in range(0, len(rest), PAGE_SIZE):
                self._pages[page] = rest[start : start + PAGE_SIZE]
                page += 1
            self._trim()

    def _trim(self) -> None:
        """Drop least recently drawn pages: beyond ``MAX_PAGES``, and of the appended rows'
        pages beyond ``TAIL_PAGES`` (call with the lock held)."""
        if self._tail_from is not None:
            tail = [number for number in self._pages if number >= self._tail_from]
            for number in tail[: max(0, len(tail) - TAIL_PAGES)]:
                del self._pages[number]
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)

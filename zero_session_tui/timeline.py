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
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from store import SessionRow, StoredEvent

from .catalog import Catalog, SessionKey

__all__ = ["PAGE_SIZE", "Timeline", "TimelineShape"]

PAGE_SIZE: Final = 128
MAX_PAGES: Final = 48


@dataclass(frozen=True, slots=True)
class TimelineShape:
    """Where a session's events start and end, and how many there are."""

    first_seq: int
    last_seq: int
    count: int
    seqs: array[int] | None = None  # only when seqs have gaps

    @property
    def contiguous(self) -> bool:
        return self.seqs is None


def read_shape(
    catalog: Catalog, key: SessionKey, kinds: frozenset[str] | None = None
) -> TimelineShape:
    """The rows of a session: all its events, or only those of ``kinds``."""
    store = catalog.store(key.partition)
    if kinds is not None:
        seqs = array("q", store.list_seqs(key.session_id, kinds))
        if not seqs:
            return TimelineShape(0, 0, 0, seqs)
        return TimelineShape(seqs[0], seqs[-1], len(seqs), seqs)
    bounds = store.seq_bounds(key.session_id)
    if bounds is None:
        return TimelineShape(0, 0, 0)
    count = store.count_events(key.session_id)
    first, last = bounds
    if last - first + 1 == count:
        return TimelineShape(first, last, count)
    seqs = array("q")
    after = first - 1
    while True:
        page = store.events_after(key.session_id, after, 4096)
        seqs.extend(event.seq for event in page)
        if len(page) < 4096:
            break
        after = page[-1].seq
    return TimelineShape(first, last, len(seqs), seqs)


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
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)

    def grown(self, session: SessionRow, shape: TimelineShape) -> Timeline:
        """The same session with more events (appended at the end): keeps the full pages
        already read, since their rows do not move."""
        successor = Timeline(self.key, session, shape, self.kinds)
        with self._lock:
            for page, events in self._pages.items():
                if len(events) == PAGE_SIZE:
                    successor._pages[page] = events
        return successor

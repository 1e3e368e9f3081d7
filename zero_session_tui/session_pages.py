"""Pages of the session list, merged across partitions in the list's order.

Every page's counts come through the catalog, which asks the summary cache (what was appended
since it last looked, never a count of a big session) and falls back to the store's own query.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from store import SessionFilter, SessionRow
from store.listing import SORT_KEYS, merge_key

from .session_items import SessionItem, SessionKey

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = ["ASCENDING_FIRST", "NAME_SORT", "SORT_ORDER", "ListOrder", "SessionPager"]

NAME_SORT = "name"
"""Sort by the sessions' names (the browser's own labels, not a column of the database):
named sessions first, then the rest newest first (``named_pages``)."""
SORT_ORDER: tuple[str, ...] = (*SORT_KEYS, NAME_SORT)
"""The keys the list sorts by (``store.listing.SORTS``, then the name), in the order ``s``
steps through."""
ASCENDING_FIRST = frozenset({NAME_SORT})
"""Keys whose first sort is ascending (names A to Z); the others start descending."""


@dataclass(frozen=True, slots=True)
class ListOrder:
    """How the session list is sorted and filtered (the default: newest first, everything)."""

    sort: str = "started"  # a key of SORT_ORDER
    descending: bool = True
    where: SessionFilter = field(default_factory=SessionFilter)

    @property
    def is_default(self) -> bool:
        return self.sort == "started" and self.descending and self.where.is_empty


class SessionPager:
    """Pages of the session list, merged across partitions in the list's order.

    The default order (newest first, no filter) reads each partition with keyset pages; any
    other order uses offset pages. Nothing is read twice and nothing is skipped. Use from one
    thread at a time."""

    def __init__(self, catalog: Catalog, page_size: int, order: ListOrder | None = None) -> None:
        self.catalog = catalog
        self.page_size = page_size
        self.order = order or ListOrder()
        self._buffers: list[deque[SessionItem]] = [deque() for _ in catalog.partitions]
        self._last: list[SessionRow | None] = [None for _ in catalog.partitions]
        self._offsets = [0 for _ in catalog.partitions]
        self._done = [False for _ in catalog.partitions]
        summary_key = merge_key(self.order.sort)
        self._key: Callable[[SessionItem], tuple[Any, ...]] = lambda item: summary_key(item.summary)
        self._lock = threading.Lock()
        self.skip: frozenset[SessionKey] = frozenset()
        """Sessions left out of the pages (listed already: ``named_pages``)."""

    @property
    def exhausted(self) -> bool:
        return all(self._done) and not any(self._buffers)

    def total(self) -> int:
        where, labels = self.order.where, self.catalog.labels
        return sum(
            self.catalog.store(p.index).count_sessions(labels.resolve(where, p.index))
            for p in self.catalog.partitions
        )

    def _fetch(self, index: int) -> list[SessionItem]:
        order = self.order
        if order.is_default:
            return self.catalog.list_page(index, self.page_size, before=self._last[index])
        items = self.catalog.query_page(index, self.page_size, self._offsets[index], order)
        self._offsets[index] += len(items)
        return items

    def _refill(self, index: int) -> None:
        # A loop: a page may be all skipped sessions (at most ``len(skip)`` of them).
        while not self._done[index] and not self._buffers[index]:
            items = self._fetch(index)
            if len(items) < self.page_size:
                self._done[index] = True
            if items:
                self._last[index] = items[-1].session
            self._buffers[index].extend(item for item in items if item.key not in self.skip)

    def next_page(self) -> list[SessionItem]:
        """The next ``page_size`` sessions of the list (fewer at its end)."""
        with self._lock:  # a superseded worker may still be paging: one page at a time
            return self._next_page()

    def rest(self) -> list[SessionItem]:
        """Every session not paged yet, to the end of the list (for ``End``)."""
        with self._lock:
            found: list[SessionItem] = []
            while not self.exhausted:
                found.extend(self._next_page())
            return found

    def _next_page(self) -> list[SessionItem]:
        page: list[SessionItem] = []
        pick = max if self.order.descending else min
        while len(page) < self.page_size:
            for index in range(len(self._buffers)):
                self._refill(index)
            heads = [(i, buf[0]) for i, buf in enumerate(self._buffers) if buf]
            if not heads:
                break
            index, _ = pick(heads, key=lambda head: (*self._key(head[1]), -head[0]))
            page.append(self._buffers[index].popleft())
        return page

"""The session list sorted by name: named sessions first, by name, then the rest newest first.

Names live in the browser's annotations file, not in the client's database, so SQLite cannot
sort by them. They are made by hand, so a database has few: the pager reads every name of
each partition (one read of the annotations file), then those sessions' rows (one query per
partition, the ULIDs as one JSON parameter, the list's filter applied), sorts them by name
(case-insensitive; ties newest first) and lists them first, in one block across partitions.
The rest follow in the default order (newest first, keyset pages... offset pages when
filtered), the named ones skipped. Cost: one query per partition for the names, then pages
as usual; a name on a session that is gone is simply not listed (it stays in the file).
``S`` reverses the names (Z to A); the rest stay newest first.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import TYPE_CHECKING

from .session_items import SessionItem
from .session_pages import ListOrder, SessionPager

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = ["NamedFirstPager"]


class NamedFirstPager(SessionPager):
    """``SessionPager``'s interface; its own order (``order``) is the rest's, newest first."""

    def __init__(self, catalog: Catalog, page_size: int, order: ListOrder) -> None:
        super().__init__(catalog, page_size, replace(order, sort="started", descending=True))
        self.asked = order
        self._named: deque[SessionItem] | None = None

    def _load_named(self) -> deque[SessionItem]:
        catalog, labels = self.catalog, self.catalog.labels
        found: list[SessionItem] = []
        for partition in catalog.partitions:
            names = labels.names(partition.index)
            if not names:
                continue
            where = labels.resolve(self.asked.where, partition.index)
            keep = names.keys() & (where.ulids if where.ulids is not None else names.keys())
            if not keep:
                continue
            only = ListOrder(where=replace(where, ulids=frozenset(keep)))
            found.extend(catalog.query_page(partition.index, len(keep), 0, only))
        # Newest first already (per partition); the sort is stable, reversed or not.
        found.sort(key=lambda item: item.label.name.casefold(), reverse=self.asked.descending)
        self.skip = frozenset(item.key for item in found)
        return deque(found)

    @property
    def exhausted(self) -> bool:
        return self._named is not None and not self._named and super().exhausted

    def next_page(self) -> list[SessionItem]:
        with self._lock:
            if self._named is None:
                self._named = self._load_named()
            page = [self._named.popleft() for _ in range(min(self.page_size, len(self._named)))]
            if len(page) < self.page_size:
                page.extend(self._next_page())
            return page

    def rest(self) -> list[SessionItem]:
        found: list[SessionItem] = []
        while not self.exhausted:
            found.extend(self.next_page())
        return found

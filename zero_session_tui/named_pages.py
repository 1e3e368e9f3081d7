"""The session list sorted by name: named sessions first, by name, then the rest newest first.

Names live in the browser's annotations file, not in the client's database, so SQLite cannot
sort by them. They are made by hand, so a database has few; the pager reads, once per
partition, every name (one read of the annotations file) and which of those sessions exist
and pass the list's filter (one query of the sessions table alone, the ULIDs as one JSON
parameter: no counts). It sorts them by name (case-insensitive; ties newest first) across
partitions, then makes each page's items as any page is made (counts, first prompts,
labels), for that page's sessions only. The rest follow in the default order (newest first),
the named ones skipped. A name on a session that is gone is not listed (it stays in the
file). ``S`` reverses the names (Z to A); the rest stay newest first. Measured with
``python -m bench.labels``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .session_items import SessionItem, SessionKey
from .session_pages import ListOrder, SessionPager

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = ["NamedFirstPager"]

_OLDEST = datetime.min.replace(tzinfo=UTC)


class NamedFirstPager(SessionPager):
    """``SessionPager``'s interface; its own order (``order``) is the rest's, newest first."""

    def __init__(self, catalog: Catalog, page_size: int, order: ListOrder) -> None:
        super().__init__(catalog, page_size, replace(order, sort="started", descending=True))
        self.asked = order
        self._named: deque[tuple[SessionKey, str]] | None = None
        """The named sessions not paged yet, in the list's order: (key, ULID)."""

    def _load_named(self) -> deque[tuple[SessionKey, str]]:
        catalog, labels = self.catalog, self.catalog.labels
        found: list[tuple[str, datetime, SessionKey, str]] = []
        for partition in catalog.partitions:
            names = labels.names(partition.index)
            if not names:
                continue
            where = labels.resolve(self.asked.where, partition.index)
            keep = names.keys() & (where.ulids if where.ulids is not None else names.keys())
            if not keep:
                continue
            rows = catalog.store(partition.index).query_sessions(
                None, where=replace(where, ulids=frozenset(keep))
            )
            found.extend(
                (
                    names[row.ulid],
                    row.started_at or _OLDEST,
                    SessionKey(partition.index, row.id),
                    row.ulid,
                )
                for row in rows
            )
        found.sort(key=lambda one: one[1], reverse=True)  # ties newest first, either way
        found.sort(key=lambda one: one[0].casefold(), reverse=self.asked.descending)
        self.skip = frozenset(key for _, _, key, _ in found)
        return deque((key, ulid) for _, _, key, ulid in found)

    def _named_page(self, named: deque[tuple[SessionKey, str]]) -> list[SessionItem]:
        """The next page of named sessions, made as a page of the list is."""
        wanted = [named.popleft() for _ in range(min(self.page_size, len(named)))]
        by_partition: dict[int, set[str]] = {}
        for key, ulid in wanted:
            by_partition.setdefault(key.partition, set()).add(ulid)
        made: dict[SessionKey, SessionItem] = {}
        for partition, ulids in by_partition.items():
            only = ListOrder(where=replace(self.asked.where, ulids=frozenset(ulids)))
            for item in self.catalog.query_page(partition, len(ulids), 0, only):
                made[item.key] = item
        # Gone since the rows were read (deleted meanwhile): left out.
        return [made[key] for key, _ in wanted if key in made]

    @property
    def exhausted(self) -> bool:
        return self._named is not None and not self._named and super().exhausted

    def next_page(self) -> list[SessionItem]:
        with self._lock:
            if self._named is None:
                self._named = self._load_named()
            page = self._named_page(self._named) if self._named else []
            if len(page) < self.page_size and not self._named:
                page.extend(self._next_page())
            return page

    def rest(self) -> list[SessionItem]:
        found: list[SessionItem] = []
        while not self.exhausted:
            found.extend(self.next_page())
        return found

"""App-level access to one or more session databases ("partitions"), through ``store`` only.

Each thread gets its own read-only ``Store`` per partition (SQLite connections belong to the
thread that made them), so a long search never queues a page fetch behind it. Writes are
explicit: ``writer()`` opens a short-lived read-write store for one action.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from store import (
    SearchHit,
    SessionError,
    SessionFilter,
    SessionRow,
    SessionSummary,
    Store,
)
from store.search_index import SearchIndex, index_path_for

from . import locations

__all__ = [
    "Catalog",
    "ListOrder",
    "Partition",
    "SessionItem",
    "SessionKey",
    "SessionPager",
]

_OLDEST = datetime.min.replace(tzinfo=UTC)

LIVE_WINDOW = timedelta(minutes=5)
"""A session with no end whose last event is this recent is "live"."""


@dataclass(frozen=True, slots=True)
class Partition:
    index: int
    path: Path
    label: str


@dataclass(frozen=True, slots=True)
class SessionKey:
    partition: int
    session_id: int


@dataclass(frozen=True, slots=True)
class SessionItem:
    """One line of the session list."""

    key: SessionKey
    partition: Partition
    summary: SessionSummary

    @property
    def session(self) -> SessionRow:
        return self.summary.session


def _labels(paths: list[Path]) -> list[str]:
    """Short distinct names for the partitions: the file stem, or parent/stem on a clash."""
    stems = [path.stem for path in paths]
    return [
        stem if stems.count(stem) == 1 else f"{path.parent.name}/{stem}"
        for stem, path in zip(stems, paths, strict=True)
    ]


class Catalog:
    """The databases the app browses, and the queries the app runs on them."""

    def __init__(self, paths: list[Path]) -> None:
        labels = _labels(paths)
        self.partitions = [
            Partition(index, path, label)
            for index, (path, label) in enumerate(zip(paths, labels, strict=True))
        ]
        self._local = threading.local()
        self._opened: list[Store] = []
        self._indexes: dict[int, SearchIndex | None] = {}
        self._opened_lock = threading.Lock()

    @classmethod
    def open(cls, paths: list[Path]) -> Catalog:
        """Check every database opens read-only (raising ``SessionError`` naming the path)."""
        catalog = cls(paths)
        try:
            for partition in catalog.partitions:
                catalog.store(partition.index)
        except BaseException:
            catalog.close()  # the databases that did open
            raise
        return catalog

    def store(self, partition: int) -> Store:
        """This thread's read-only store for ``partition``."""
        stores: dict[int, Store] | None = getattr(self._local, "stores", None)
        if stores is None:
            stores = self._local.stores = {}
        found = stores.get(partition)
        if found is None:
            found = Store.open_readonly(self.partitions[partition].path)
            stores[partition] = found
            with self._opened_lock:
                self._opened.append(found)
        return found

    @contextmanager
    def writer(self, partition: int) -> Iterator[Store]:
        """A read-write store for one explicit action, closed afterwards."""
        store = Store.open(self.partitions[partition].path)
        try:
            yield store
        finally:
            store.close()

    def search_index(self, partition: int) -> SearchIndex | None:
        """The full-text index of ``partition`` in the cache directory, or None when it
        cannot be opened there (searches then scan the database)."""
        with self._opened_lock:
            if partition not in self._indexes:
                path = self.partitions[partition].path
                try:
                    index: SearchIndex | None = SearchIndex.open(
                        index_path_for(locations.cache_dir(), path), path
                    )
                except SessionError:
                    index = None
                self._indexes[partition] = index
            return self._indexes[partition]

    def update_index(self, partition: int, progress: Callable[[int, int], object]) -> bool:
        """Bring the index of ``partition`` up to date (slow the first time: run it in a
        worker). False when there is no index."""
        index = self.search_index(partition)
        if index is None:
            return False
        index.update(self.store(partition), progress)
        return True

    def search_events(self, partition: int, needle: str, limit: int) -> list[SearchHit]:
        """Events containing ``needle``, newest first: through the index for what it has
        indexed, by a scan for the rest; always complete."""
        store = self.store(partition)
        with self._opened_lock:
            index = self._indexes.get(partition)
        if index is None:
            return store.search_events(needle, limit=limit)
        return index.search(store, needle, limit)

    def close(self) -> None:
        with self._opened_lock:
            indexes, self._indexes = self._indexes, {}
        for index in indexes.values():
            if index is not None:
                index.close()
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for store in opened:
            with suppress(Exception):
                store.close()

    @property
    def multiple(self) -> bool:
        return len(self.partitions) > 1

    def total_sessions(self) -> int:
        return sum(self.store(p.index).count_sessions() for p in self.partitions)

    def item(self, key: SessionKey) -> SessionItem | None:
        summary = self.store(key.partition).session_summary(key.session_id)
        if summary is None:
            return None
        return SessionItem(key, self.partitions[key.partition], summary)

    def find_ulid(self, ulid: str) -> tuple[SessionKey, SessionRow] | None:
        """The session ``ulid`` in the first partition that has it (one index seek each)."""
        for partition in self.partitions:
            row = self.store(partition.index).get_session_by_ulid(ulid)
            if row is not None:
                return SessionKey(partition.index, row.id), row
        return None

    def pager(self, page_size: int = 100, order: ListOrder | None = None) -> SessionPager:
        return SessionPager(self, page_size, order)


@dataclass(frozen=True, slots=True)
class ListOrder:
    """How the session list is sorted and filtered (the default: newest first, everything)."""

    sort: str = "started"
    descending: bool = True
    where: SessionFilter = field(default_factory=SessionFilter)

    @property
    def is_default(self) -> bool:
        return self.sort == "started" and self.descending and self.where.is_empty


def _merge_key(sort: str) -> Callable[[SessionItem], tuple[Any, ...]]:
    """The same order as the SQL, for merging pages of several partitions."""

    def key(item: SessionItem) -> tuple[Any, ...]:
        session, summary = item.session, item.summary
        started = session.started_at or _OLDEST
        value: Any
        if sort == "duration":
            ended = session.ended_at
            value = (ended - started).total_seconds() if ended and session.started_at else -1.0
        elif sort in ("events", "warn", "alert"):
            value = {
                "events": summary.event_count,
                "warn": summary.warn_count,
                "alert": summary.alert_count,
            }[sort]
        elif sort == "last_event":
            value = summary.last_event_at or _OLDEST
        elif sort in ("session", "cli", "engine", "fork"):
            value = {
                "session": session.ulid,
                "cli": session.cli_version,
                "engine": session.engine_base_url or "",
                "fork": session.parent_ulid or "",
            }[sort]
        else:
            value = started
        return (value, started)

    return key


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
        self._key = _merge_key(self.order.sort)

    @property
    def exhausted(self) -> bool:
        return all(self._done) and not any(self._buffers)

    def total(self) -> int:
        where = self.order.where
        return sum(
            self.catalog.store(p.index).count_sessions(where) for p in self.catalog.partitions
        )

    def _fetch(self, index: int) -> list[SessionSummary]:
        store = self.catalog.store(index)
        order = self.order
        if order.is_default:
            return store.list_summaries(self.page_size, before=self._last[index])
        rows = store.query_summaries(
            self.page_size,
            self._offsets[index],
            where=order.where,
            sort=order.sort,
            descending=order.descending,
        )
        self._offsets[index] += len(rows)
        return rows

    def _refill(self, index: int) -> None:
        if self._done[index] or self._buffers[index]:
            return
        partition = self.catalog.partitions[index]
        rows = self._fetch(index)
        if len(rows) < self.page_size:
            self._done[index] = True
        if rows:
            self._last[index] = rows[-1].session
        self._buffers[index].extend(
            SessionItem(SessionKey(index, s.session.id), partition, s) for s in rows
        )

    def next_page(self) -> list[SessionItem]:
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


def is_live(session: SessionRow, last_event_at: datetime | None, now: datetime) -> bool:
    """A session with no end whose last event (or start) is within ``LIVE_WINDOW``."""
    if session.ended_at is not None:
        return False
    last = last_event_at or session.started_at
    return last is not None and now - last <= LIVE_WINDOW


def status_of(item: SessionItem, now: datetime) -> str:
    """Ended, live (no end, recent activity) or open (no end, quiet)."""
    if item.session.ended_at is not None:
        return "ended"
    return "live" if is_live(item.session, item.summary.last_event_at, now) else "open"


def describe(error: Exception) -> str:
    """One line for any failure the app reports."""
    if isinstance(error, SessionError):
        return str(error)
    return f"{type(error).__name__}: {error}".splitlines()[0]

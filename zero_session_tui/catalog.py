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
from store.connection import file_identity
from store.search_index import SearchIndex, index_path_for

from . import locations

__all__ = [
    "Catalog",
    "FileChange",
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
class FileChange:
    """A database file replaced or removed under the app."""

    partition: Partition
    what: str  # "replaced", "removed" or "restored"

    def describe(self) -> str:
        if self.what == "removed":
            return f"{self.partition.path} was removed: its sessions are gone from the list"
        if self.what == "restored":
            return f"{self.partition.path} is back: its sessions are listed again"
        return f"{self.partition.path} was replaced by another file: reopened"


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


def distinct_paths(paths: list[Path]) -> list[Path]:
    """``paths`` without repeats of one file (the same path twice, another spelling of it, a
    symlink to it), in their order: a database named twice is listed once."""
    seen: set[object] = set()
    kept: list[Path] = []
    for path in paths:
        resolved = path.expanduser().resolve()
        identity: object = file_identity(resolved) or resolved
        if identity not in seen:
            seen.add(identity)
            kept.append(path)
    return kept


class Catalog:
    """The databases the app browses, and the queries the app runs on them.

    One read-only ``Store`` per partition, shared by every thread (the store's lock
    serialises its short reads), so connections stay bounded however many workers run:
    200 databases need about 600 file descriptors (the file, ``-wal`` and ``-shm``). Long
    reads (a search, an export) use ``reader()``, a connection of their own for their
    duration. The file's identity is kept: ``check_files`` tells when a database was
    replaced or removed under the app, and reopens it."""

    def __init__(self, paths: list[Path]) -> None:
        paths = distinct_paths(paths)
        labels = _labels(paths)
        self.partitions = [
            Partition(index, path, label)
            for index, (path, label) in enumerate(zip(paths, labels, strict=True))
        ]
        self._stores: dict[int, Store] = {}
        self._identities: dict[int, tuple[int, int] | None] = {}
        self._indexes: dict[int, SearchIndex | None] = {}
        self._opened_lock = threading.RLock()

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
        """The shared read-only store for ``partition`` (opened on first use)."""
        with self._opened_lock:
            found = self._stores.get(partition)
            if found is None:
                path = self.partitions[partition].path
                found = Store.open_readonly(path)
                self._stores[partition] = found
                self._identities[partition] = file_identity(path.expanduser().resolve())
            return found

    @contextmanager
    def reader(self, partition: int) -> Iterator[Store]:
        """A read-only store of its own for one long read (a search, an export), closed
        afterwards: it never queues the list's or the replay's short reads behind it."""
        store = Store.open_readonly(self.partitions[partition].path)
        try:
            yield store
        finally:
            store.close()

    @contextmanager
    def writer(self, partition: int) -> Iterator[Store]:
        """A read-write store for one explicit action, closed afterwards. It never creates
        the database, nor changes its schema or journal mode (``Store.open_existing``)."""
        store = Store.open_existing(self.partitions[partition].path)
        try:
            yield store
        finally:
            store.close()

    def check_files(self) -> list[FileChange]:
        """Partitions whose file was replaced (another inode at its path) or removed since it
        was opened. A replaced one is closed here, to be reopened on next use; a removed one
        stays closed until a file is back at its path (its reads then fail clearly)."""
        changes: list[FileChange] = []
        with self._opened_lock:
            for partition in self.partitions:
                if partition.index not in self._identities:
                    continue  # not opened yet (or already closed for a change)
                now = file_identity(partition.path.expanduser().resolve())
                if now == self._identities[partition.index]:
                    continue
                self._forget(partition.index)
                changes.append(FileChange(partition, "removed" if now is None else "replaced"))
        return changes

    def _forget(self, partition: int) -> None:
        store = self._stores.pop(partition, None)
        self._identities.pop(partition, None)
        index = self._indexes.pop(partition, None)
        for closing in (store, index):
            if closing is not None:
                with suppress(Exception):
                    closing.close()

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
        with self.reader(partition) as store:
            index.update(store, progress)
        return True

    def search_events(self, partition: int, needle: str, limit: int) -> list[SearchHit]:
        """Events containing ``needle``, newest first: through the index for what it has
        indexed, by a scan for the rest; always complete."""
        with self._opened_lock:
            index = self._indexes.get(partition)
        with self.reader(partition) as store:
            if index is None:
                return store.search_events(needle, limit=limit)
            return index.search(store, needle, limit)

    def close(self) -> None:
        with self._opened_lock:
            for partition in list(self._stores) + list(self._indexes):
                self._forget(partition)

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

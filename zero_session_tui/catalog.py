"""App-level access to one or more session databases ("partitions"), through ``store`` only.

Each thread gets its own read-only ``Store`` per partition (SQLite connections belong to the
thread that made them), so a long search never queues a page fetch behind it. Writes are
explicit: ``writer()`` opens a short-lived read-write store for one action.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from store import SessionError, SessionRow, SessionSummary, Store

__all__ = ["Catalog", "Partition", "SessionItem", "SessionKey", "SessionPager"]

_OLDEST = datetime.min.replace(tzinfo=UTC)


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
        self._opened_lock = threading.Lock()

    @classmethod
    def open(cls, paths: list[Path]) -> Catalog:
        """Check every database opens read-only (raising ``SessionError`` naming the path)."""
        catalog = cls(paths)
        for partition in catalog.partitions:
            catalog.store(partition.index)
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

    def close(self) -> None:
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

    def find_ulid(self, ulid: str) -> SessionItem | None:
        for partition in self.partitions:
            row = self.store(partition.index).get_session_by_ulid(ulid)
            if row is not None:
                return self.item(SessionKey(partition.index, row.id))
        return None

    def pager(self, page_size: int = 100) -> SessionPager:
        return SessionPager(self, page_size)


class SessionPager:
    """Pages of the session list, newest first, merged across partitions by start time.

    Each partition is read with keyset pages; nothing is read twice and nothing is skipped.
    Use from one thread at a time."""

    def __init__(self, catalog: Catalog, page_size: int) -> None:
        self.catalog = catalog
        self.page_size = page_size
        self._buffers: list[deque[SessionItem]] = [deque() for _ in catalog.partitions]
        self._last: list[SessionRow | None] = [None for _ in catalog.partitions]
        self._done = [False for _ in catalog.partitions]

    @property
    def exhausted(self) -> bool:
        return all(self._done) and not any(self._buffers)

    def _refill(self, index: int) -> None:
        if self._done[index] or self._buffers[index]:
            return
        partition = self.catalog.partitions[index]
        rows = self.catalog.store(index).list_summaries(self.page_size, before=self._last[index])
        if len(rows) < self.page_size:
            self._done[index] = True
        if rows:
            self._last[index] = rows[-1].session
        self._buffers[index].extend(
            SessionItem(SessionKey(index, s.session.id), partition, s) for s in rows
        )

    def next_page(self) -> list[SessionItem]:
        page: list[SessionItem] = []
        while len(page) < self.page_size:
            for index in range(len(self._buffers)):
                self._refill(index)
            heads = [(i, buf[0]) for i, buf in enumerate(self._buffers) if buf]
            if not heads:
                break
            index, _ = max(
                heads,
                key=lambda head: (head[1].session.started_at or _OLDEST, -head[0]),
            )
            page.append(self._buffers[index].popleft())
        return page


def describe(error: Exception) -> str:
    """One line for any failure the app reports."""
    if isinstance(error, SessionError):
        return str(error)
    return f"{type(error).__name__}: {error}".splitlines()[0]

"""App-level access to one or more session databases ("partitions"), through ``store`` only.

One shared read-only ``Store`` per partition serves the short reads; long reads get one of
their own (``reader()``); writes are explicit (``writer()``, one action each). Session counts
and first prompts come through the browser's own summary cache (``store.summary_cache``),
keyed by each file's identity and the session's ULID: a list page costs what was appended
since it last looked. Without that cache the store's own queries give the same answers.
The pages themselves are made in ``session_pages``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from store import SearchHit, SessionError, SessionRow, SessionSummary, Store
from store.connection import file_identity
from store.summary_cache import PROMPT_CHARS, PROMPT_WINDOW, SummaryCache

from . import locations
from .label_book import LabelBook
from .session_items import FileChange, Partition, SessionItem, SessionKey, prompt_text
from .session_pages import NAME_SORT, ListOrder, SessionPager

if TYPE_CHECKING:
    from store.search_index import SearchIndex

# The search index (and hashlib, which names its files) is imported by the first search: it is
# not on the path to the first screen (~4 ms of every launch).

__all__ = [
    "Catalog",
    "FileChange",
    "ListOrder",
    "Partition",
    "SessionItem",
    "SessionKey",
    "SessionPager",
]

LIVE_WINDOW = timedelta(minutes=5)
"""A session with no end whose last event is this recent is "live"."""


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
        self._summaries: SummaryCache | None = None
        self._summaries_tried = False
        self._opened_lock = threading.RLock()
        self.labels = LabelBook(self.partitions)
        """Session names and tags (the browser's annotations file), joined to every page."""

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
        from store.search_index import SearchIndex
        from store.search_index_file import index_path_for

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

    def stream_events(
        self, partition: int, needle: str, limit: int
    ) -> Generator[list[SearchHit], None, None]:
        """``search_events`` in batches as found, newest first (a scan of what the index does
        not cover yet streams its hits as it goes): close the iterator to stop early."""
        with self._opened_lock:
            index = self._indexes.get(partition)
        with self.reader(partition) as store:
            if index is None:
                from store.search_index import scan_stream

                yield from scan_stream(store, needle, limit)
            else:
                yield from index.stream(store, needle, limit)

    def close(self) -> None:
        with self._opened_lock:
            for partition in list(self._stores) + list(self._indexes):
                self._forget(partition)
            if self._summaries is not None:
                with suppress(Exception):
                    self._summaries.close()
                self._summaries = None
            self.labels.close()

    @property
    def multiple(self) -> bool:
        return len(self.partitions) > 1

    def summary_cache(self) -> SummaryCache | None:
        """The browser's own summary cache (``summaries.db`` in the cache directory), shared
        by every partition (keyed by each file's identity); None when it cannot be opened:
        the lists then count from the database itself, slower but the same."""
        with self._opened_lock:
            if not self._summaries_tried:
                self._summaries_tried = True
                with suppress(SessionError):
                    self._summaries = SummaryCache.open(locations.cache_dir() / "summaries.db")
            return self._summaries

    def list_page(
        self, partition: int, limit: int, *, before: SessionRow | None = None
    ) -> list[SessionItem]:
        """A page of ``partition``'s sessions, newest first (keyset: after ``before``)."""
        store, cache = self.store(partition), self.summary_cache()
        if cache is None:
            return self._items(partition, store.list_summaries(limit, before=before))
        return self._items(partition, cache.list_summaries(store, limit, before=before))

    def query_page(
        self, partition: int, limit: int, offset: int, order: ListOrder
    ) -> list[SessionItem]:
        """A page of ``partition``'s sessions in ``order`` (sorted and filtered)."""
        store, cache = self.store(partition), self.summary_cache()
        sort, descending = order.sort, order.descending
        where = self.labels.resolve(order.where, partition)
        if cache is None:
            found = store.query_summaries(
                limit, offset, where=where, sort=sort, descending=descending
            )
        else:
            found = cache.query_summaries(
                store, limit, offset, where=where, sort=sort, descending=descending
            )
        return self._items(partition, found)

    def item(self, key: SessionKey) -> SessionItem | None:
        """One session's list item, its counts up to date (a live session's included)."""
        store, cache = self.store(key.partition), self.summary_cache()
        if cache is None:
            summary = store.session_summary(key.session_id)
        else:
            summary = cache.session_summary(store, key.session_id)
        if summary is None:
            return None
        return self._items(key.partition, [summary])[0]

    def _items(self, partition: int, summaries: Sequence[SessionSummary]) -> list[SessionItem]:
        store, cache = self.store(partition), self.summary_cache()
        sessions = [summary.session for summary in summaries]
        if cache is not None:
            prompts = cache.first_prompts(store, sessions)
        else:  # each a bounded read of the session's first events
            prompts = {
                row.id: store.first_prompt(row.id, window=PROMPT_WINDOW, chars=PROMPT_CHARS)[0]
                for row in sessions
            }
        where = self.partitions[partition]
        return self.labels.labelled(
            [
                SessionItem(
                    SessionKey(partition, summary.session.id),
                    where,
                    summary,
                    prompt_text(prompts.get(summary.session.id)),
                )
                for summary in summaries
            ]
        )

    def find_ulid(self, ulid: str) -> tuple[SessionKey, SessionRow] | None:
        """The session ``ulid`` in the first partition that has it (one index seek each)."""
        for partition in self.partitions:
            row = self.store(partition.index).get_session_by_ulid(ulid)
            if row is not None:
                return SessionKey(partition.index, row.id), row
        return None

    def pager(self, page_size: int = 100, order: ListOrder | None = None) -> SessionPager:
        if order is not None and order.sort == NAME_SORT:
            from .named_pages import NamedFirstPager

            return NamedFirstPager(self, page_size, order)
        return SessionPager(self, page_size, order)


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

"""Session names and tags for the app: the browser's annotations file, per partition.

The catalog holds one ``LabelBook`` (``catalog.labels``). A partition's key in the file is
its resolved path, as for bookmarks (a client file replaced at that path keeps its labels).
Reads never create the file: with no annotations file there are no labels, at the cost of
one ``stat``. A file that cannot be used turns labels off (``off`` says why, once, in the
app); reads then answer "no labels" and writes raise ``AnnotationsError``, so the list, the
search and the filter go on. Thread-safe (workers read, one write at a time).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from store import SessionError, SessionFilter
from store.annotations import Annotations, AnnotationsError
from store.session_labels import LabelledSession, SessionLabel

from . import locations
from .session_items import Partition, SessionItem

__all__ = ["LabelBook"]

T = TypeVar("T")


def database_key(path: Path) -> str:
    """A database's key in the annotations file (``controllers.bookmarks`` uses the same)."""
    return str(path.expanduser().resolve())


class LabelBook:
    def __init__(
        self, partitions: Sequence[Partition], where: Callable[[], Path] | None = None
    ) -> None:
        self._partitions = partitions
        self._where = where or locations.annotations_file
        self._keys: dict[int, str] = {}
        self._file: Annotations | None = None
        self._lock = threading.Lock()
        self.off: str | None = None
        """Why names and tags are off (the file cannot be used); None while they work."""

    # ---- the file ----------------------------------------------------------------------

    def _open(self, *, create: bool) -> Annotations | None:
        with self._lock:
            if self._file is not None:
                return self._file
            if self.off is not None:
                if create:
                    raise AnnotationsError(self.off)
                return None
            path = self._where()
            if not create and not path.exists():
                return None  # nothing labelled yet: reading creates nothing
            try:
                self._file = Annotations.open(path)
            except AnnotationsError as error:
                self.off = str(error)
                if create:
                    raise
                return None
            return self._file

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def _read(self, read: Callable[[Annotations], T], default: T) -> T:
        """``read`` on the file, or ``default`` when there is none or it fails (said once)."""
        annotations = self._open(create=False)
        if annotations is None:
            return default
        try:
            return read(annotations)
        except SessionError as error:
            self.off = self.off or str(error)
            return default

    def db_key(self, partition: int) -> str:
        found = self._keys.get(partition)
        if found is None:
            found = self._keys[partition] = database_key(self._partitions[partition].path)
        return found

    def partition_of(self, db: str) -> int | None:
        """The open partition whose key is ``db``; None: a database not open."""
        for partition in self._partitions:
            if self.db_key(partition.index) == db:
                return partition.index
        return None

    # ---- reads (workers) ---------------------------------------------------------------

    def labelled(self, items: Sequence[SessionItem]) -> list[SessionItem]:
        """``items`` with their names and tags (one pair of reads per partition on the page)."""
        by_partition: dict[int, list[str]] = {}
        for item in items:
            by_partition.setdefault(item.key.partition, []).append(item.session.ulid)
        found: dict[tuple[int, str], SessionLabel] = {}
        for partition, ulids in by_partition.items():
            labels = self.labels_of(partition, ulids)
            found.update(((partition, ulid), label) for ulid, label in labels.items())
        if not found:
            return list(items)
        return [
            replace(item, label=found.get((item.key.partition, item.session.ulid), item.label))
            for item in items
        ]

    def labels_of(self, partition: int, ulids: Sequence[str]) -> dict[str, SessionLabel]:
        db = self.db_key(partition)
        return self._read(lambda a: a.labels_of(db, ulids), {})

    def names(self, partition: int) -> dict[str, str]:
        """Every named session of the partition: ULID -> name."""
        db = self.db_key(partition)
        return self._read(lambda a: a.names(db), {})

    def resolve(self, where: SessionFilter, partition: int) -> SessionFilter:
        """``where`` for one partition: its name and tag turned into the ULIDs they match."""
        if not where.by_label:
            return where
        db = self.db_key(partition)
        nothing: set[str] = set()
        found = self._read(lambda a: a.matching(db, name=where.name, tag=where.tag), nothing)
        if where.ulids is not None:
            found &= where.ulids
        return replace(where, ulids=frozenset(found))

    def everything(self) -> list[LabelledSession]:
        """Every label of every database (the search's section of names and tags)."""
        return self._read(lambda a: a.all_labels(), [])

    # ---- writes ------------------------------------------------------------------------

    def set_name(self, partition: int, ulid: str, name: str | None) -> str:
        annotations = self._open(create=True)
        assert annotations is not None
        return annotations.set_name(self.db_key(partition), ulid, name)

    def set_tags(self, partition: int, ulid: str, tags: str | Iterable[str]) -> tuple[str, ...]:
        annotations = self._open(create=True)
        assert annotations is not None
        return annotations.set_tags(self.db_key(partition), ulid, tags)

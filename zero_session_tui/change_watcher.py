"""Noticing that another process wrote: one cheap ``PRAGMA data_version`` per database, and a
``stat`` of each file to notice it being replaced or removed under the app.

``data_version`` compares within one connection: the catalog's shared store is that
connection. It changes on any commit by another connection, whichever process, across any
number of writer processes starting and exiting and the ``-wal`` being checkpointed, removed
and recreated (the shared store's connection keeps its lock on the file meanwhile, so a
writer never takes itself for the last one). A file replaced by another (new inode) or
removed is reported once; a replaced one is reopened, a removed one watched until it is back.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Final

from store import SessionError

from .catalog import Catalog, FileChange

__all__ = ["POLL_INTERVAL", "ChangeWatcher", "Changes"]

POLL_INTERVAL: Final = 0.5
"""Seconds between polls: a live session updates well within a second."""


@dataclass(frozen=True, slots=True)
class Changes:
    """What one poll found: partitions written to (or reopened), and files replaced or
    removed (to say so once)."""

    partitions: frozenset[int] = frozenset()
    files: tuple[FileChange, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.partitions or self.files)


class ChangeWatcher:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._versions: dict[int, int] = {}
        self._missing: set[int] = set()
        self._lock = threading.Lock()

    def changed(self) -> Changes:
        """What changed since the last call (the first call counts everything as changed:
        what was committed between opening a session and this first poll is not missed)."""
        found: set[int] = set()
        with self._lock:
            files = self.catalog.check_files()
            for change in files:
                self._versions.pop(change.partition.index, None)
                if change.what == "removed":
                    self._missing.add(change.partition.index)
                found.add(change.partition.index)
            for partition in self.catalog.partitions:
                index = partition.index
                if index in self._missing and not partition.path.exists():
                    continue
                try:
                    version = self.catalog.store(index).data_version()
                except SessionError:
                    self._missing.add(index)  # gone between the stat and the open
                    continue
                if index in self._missing:
                    self._missing.discard(index)
                    files.append(FileChange(partition, "restored"))
                if self._versions.get(index) != version:
                    found.add(index)
                self._versions[index] = version
        return Changes(frozenset(found), tuple(files))

    def close(self) -> None:
        """Nothing of its own to close: the connections are the catalog's."""

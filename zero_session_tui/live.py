"""Noticing that another process wrote: one cheap ``PRAGMA data_version`` per database.

``data_version`` only compares within one connection, so the watcher keeps its own read-only
store per partition (the store's lock makes it safe from any worker thread).
"""

from __future__ import annotations

import threading
from typing import Final

from store import Store

from .catalog import Catalog

__all__ = ["POLL_INTERVAL", "ChangeWatcher"]

POLL_INTERVAL: Final = 0.5
"""Seconds between polls: a live session updates well within a second."""


class ChangeWatcher:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._stores: dict[int, Store] = {}
        self._versions: dict[int, int] = {}
        self._lock = threading.Lock()

    def changed(self) -> set[int]:
        """Partitions committed to by another connection since the last call."""
        found: set[int] = set()
        with self._lock:
            for partition in self.catalog.partitions:
                store = self._stores.get(partition.index)
                if store is None:
                    store = self._stores[partition.index] = Store.open_readonly(partition.path)
                version = store.data_version()
                # No baseline yet counts as a change: what was committed between opening a
                # session and this first poll must not be missed.
                if self._versions.get(partition.index) != version:
                    found.add(partition.index)
                self._versions[partition.index] = version
        return found

    def close(self) -> None:
        with self._lock:
            for store in self._stores.values():
                store.close()
            self._stores.clear()

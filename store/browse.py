"""The reads a browser needs beyond the seed: ``session_reads.py`` (lists, summaries),
``event_reads.py`` (pages of events, counts, find and search), and here polling and checks.

Every read uses the indexes the client's own schema has, and no other (this package never
adds one to the client's database): ``events UNIQUE (session_id, seq)`` for everything within
a session, the rowid for event ids, ``sessions.ulid UNIQUE`` for a ULID. What they cannot
serve is a scan, each for a reason the query-plan tests name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .event_buckets import BucketReads
from .event_reads import EventReads, KindDelta
from .session_reads import SessionReads
from .tail_reads import TailReads

__all__ = ["BrowseReads", "KindDelta"]


class BrowseReads(SessionReads, EventReads, BucketReads, TailReads):
    """Reads for a browser; ``Store`` adds opening and the seed's operations."""

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap poll for live tail."""
        return int(self._row("PRAGMA data_version")[0])

    def quick_check(self) -> str:
        """``PRAGMA quick_check``: "ok" or the first problem. Slow on big files: run it off
        the UI thread."""
        rows = self._rows("PRAGMA quick_check", doing="checking")
        return "; ".join(str(row[0]) for row in rows[:5])

    def set_trace(self, callback: Callable[[str], object] | None) -> None:
        """Call ``callback`` with each SQL statement run (parameters expanded); None stops."""
        with self._lock:
            self._live().set_trace_callback(callback)

    def query_plan(self, sql: str, params: Sequence[Any] = ()) -> list[str]:
        """``EXPLAIN QUERY PLAN`` details of a statement (for tests and diagnostics)."""
        return [str(row[3]) for row in self._rows(f"EXPLAIN QUERY PLAN {sql}", params)]

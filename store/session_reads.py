"""The session reads of a browser: lists (sorted, filtered, paged), summaries, forks' children.

Sessions are listed, sorted and filtered by a scan of the sessions table (one row per client
run: thousands, not millions) or, for the default newest-first list, keyset pages; the counts of
``SUMMARY_SQL`` cost the events of a page's sessions: a browser asks ``summary_cache.py``,
which counts only what was appended since it last looked.
"""

from __future__ import annotations

from typing import Any

from . import listing
from .base import StoreBase
from .listing import SessionFilter
from .rows import SessionRow, SessionSummary
from .sql import (
    SESSION_COLUMNS,
    SUMMARY_SQL,
    check_limit,
    like_pattern,
    session_row,
    summary_row,
)
from .timestamps import format_rfc3339

__all__ = ["SessionReads"]

_NEWEST_FIRST = " ORDER BY s.started_at DESC, s.id DESC"


class SessionReads(StoreBase):
    """Reads of the sessions table (with the summaries' counts)."""

    def count_sessions(self, where: SessionFilter | None = None) -> int:
        """How many sessions there are (that pass ``where``): the smallest index of sessions
        (the client's on ``ulid``) when nothing is filtered, a scan of sessions otherwise."""
        clause, params = listing.where_clause(where or SessionFilter())
        return int(self._row(f"SELECT COUNT(*) FROM sessions s{clause}", params)[0])

    def query_summaries(
        self,
        limit: int,
        offset: int = 0,
        *,
        where: SessionFilter | None = None,
        sort: str = "started",
        descending: bool = True,
    ) -> list[SessionSummary]:
        """A page of session summaries filtered by ``where`` and sorted by any column of the
        list (``listing.SORT_KEYS``). Offset paging: for the default newest-first list use
        the keyset ``list_summaries`` instead."""
        clause, params = listing.where_clause(where or SessionFilter())
        rows = self._rows(
            f"{SUMMARY_SQL}{clause}{listing.order_clause(sort, descending)} LIMIT ? OFFSET ?",
            (*params, check_limit(limit), max(0, offset)),
        )
        return [summary_row(row) for row in rows]

    def query_sessions(
        self,
        limit: int | None,
        offset: int = 0,
        *,
        where: SessionFilter | None = None,
        sort: str = "started",
        descending: bool = True,
    ) -> list[SessionRow]:
        """The sessions of ``query_summaries`` without what is counted from their events
        (``limit`` None: all of them): sorted by a key of ``listing.SESSION_SORT_KEYS``. A
        scan and sort of the sessions table; ``summary_cache`` adds the counts."""
        clause, params = listing.where_clause(where or SessionFilter())
        order = listing.session_order_clause(sort, descending)
        page = " LIMIT ? OFFSET ?" if limit is not None else ""
        extra = (check_limit(limit), max(0, offset)) if limit is not None else ()
        rows = self._rows(
            f"SELECT {SESSION_COLUMNS} FROM sessions s{clause}{order}{page}", (*params, *extra)
        )
        return [session_row(row) for row in rows]

    def _keyset(self, before: SessionRow | None) -> tuple[str, tuple[Any, ...]]:
        """The ``WHERE`` of the page after ``before`` in the newest-first order."""
        if before is None:
            return "", ()
        row = self._row("SELECT started_at FROM sessions WHERE id = ?", (before.id,))
        if row is not None:
            started = row[0]
        elif before.started_at is not None:  # deleted meanwhile: page on from its time
            started = format_rfc3339(before.started_at)
        else:
            started = ""
        return " WHERE (s.started_at, s.id) < (?, ?)", (started, before.id)

    def list_summaries(
        self, limit: int, *, before: SessionRow | None = None
    ) -> list[SessionSummary]:
        """A page of session summaries (event count, last event time, warn and alert counts),
        newest first, in one query. Pass the last row of a page as ``before`` for the next.
        The counts cost the events of the page's sessions (see ``SUMMARY_SQL``): for a big
        session ask ``summary_cache.SummaryCache.list_summaries``, same rows, same order."""
        if check_limit(limit) == 0:
            return []
        clause, params = self._keyset(before)
        rows = self._rows(f"{SUMMARY_SQL}{clause}{_NEWEST_FIRST} LIMIT ?", (*params, limit))
        return [summary_row(row) for row in rows]

    def session_page(self, limit: int, *, before: SessionRow | None = None) -> list[SessionRow]:
        """The sessions of ``list_summaries(limit, before=before)``, without the counts: a
        scan and sort of the sessions table, never a read of events."""
        if check_limit(limit) == 0:
            return []
        clause, params = self._keyset(before)
        rows = self._rows(
            f"SELECT {SESSION_COLUMNS} FROM sessions s{clause}{_NEWEST_FIRST} LIMIT ?",
            (*params, limit),
        )
        return [session_row(row) for row in rows]

    def session_summary(self, session_id: int) -> SessionSummary | None:
        row = self._row(f"{SUMMARY_SQL} WHERE s.id = ?", (session_id,))
        return summary_row(row) if row is not None else None

    def children(self, ulid: str) -> list[SessionRow]:
        """Sessions forked from the session ``ulid``, oldest first. A scan of the sessions
        table (the client has no index on ``parent_ulid``): sessions are few, one per client
        run (10,000 of them: about 1 ms)."""
        rows = self._rows(
            f"SELECT {SESSION_COLUMNS} FROM sessions s WHERE s.parent_ulid = ?"
            " ORDER BY s.started_at, s.id",
            (ulid,),
        )
        return [session_row(row) for row in rows]

    def search_sessions(self, needle: str, limit: int) -> list[SessionSummary]:
        """Sessions whose ulid, CLI version or engine URL contains ``needle``, newest first."""
        pattern = like_pattern(needle)
        rows = self._rows(
            f"{SUMMARY_SQL} WHERE s.ulid LIKE ? ESCAPE '\\' OR s.cli_version LIKE ? ESCAPE '\\'"
            f" OR s.engine_base_url LIKE ? ESCAPE '\\'{_NEWEST_FIRST} LIMIT ?",
            (pattern, pattern, pattern, check_limit(limit)),
            doing="searching",
        )
        return [summary_row(row) for row in rows]

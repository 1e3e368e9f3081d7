"""The reads a browser needs beyond the seed: pages, summaries, search, forks, polling.

Every read uses the indexes the client's own schema has, and no other (this package never
adds one to the client's database): ``events UNIQUE (session_id, seq)`` for everything within
a session, the rowid for event ids, ``sessions.ulid UNIQUE`` for a ULID. What they cannot
serve is a scan, each for a reason the query-plan tests name: sessions are listed, sorted and
filtered by a scan of the sessions table (one row per client run: thousands, not millions),
and a text search over all sessions scans events (``LIKE '%x%'`` has no index; the app asks
``search_index.py`` instead). Counting a big session's events costs its size: a browser asks
``summary_cache.py``, which counts only what was appended since it last looked.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from . import listing
from .base import StoreBase
from .errors import from_sqlite
from .listing import SessionFilter
from .rows import SearchHit, SessionRow, SessionSummary, StoredEvent
from .sql import (
    EVENT_COLUMNS,
    MAX_IDS,
    MAX_SEQ,
    MIN_SEQ,
    SESSION_COLUMNS,
    SUMMARY_SQL,
    check_limit,
    kind_filter,
    like_pattern,
    seq_above,
    seq_below,
    session_row,
    stored_event,
    summary_row,
)
from .timestamps import format_rfc3339

__all__ = ["BrowseReads", "KindDelta"]

T = TypeVar("T")

_NEWEST_FIRST = " ORDER BY s.started_at DESC, s.id DESC"


@dataclass(frozen=True, slots=True)
class KindDelta:
    """What a session's events add to kind counts someone keeps (``summary_cache.py``).

    ``last_seq`` / ``last_id`` / ``last_at`` describe the session's last event (its highest
    seq, the id of that row, its ``at`` as stored), None when it has no events. ``kinds``
    counts the events through ``last_seq``: all of them, or with ``incremental`` only those
    after the ``since`` the caller passed (to be added to what it has). A last seq that is
    not an integer (plain SQL can store one) gives ``last_seq`` None with every event
    counted: nothing to keep counts by."""

    last_seq: int | None
    last_id: int | None
    last_at: object
    kinds: dict[str, int] = field(default_factory=dict)
    incremental: bool = False


class BrowseReads(StoreBase):
    """Reads for a browser; ``Store`` adds opening and the seed's operations."""

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

    def seq_bounds(self, session_id: int) -> tuple[int, int] | None:
        """(first seq, last seq) of a session, or None when it has no events."""
        # Two statements: SQLite answers a lone MIN or MAX with one index seek, but scans the
        # session's whole index range for both in one SELECT (41 ms on 200,000 events).
        first = self._row("SELECT MIN(seq) FROM events WHERE session_id = ?", (session_id,))
        last = self._row("SELECT MAX(seq) FROM events WHERE session_id = ?", (session_id,))
        if first is None or first[0] is None or last is None or last[0] is None:
            return None
        return int(first[0]), int(last[0])

    def events_after(
        self, session_id: int, seq: int, limit: int, *, kinds: Collection[str] | None = None
    ) -> list[StoredEvent]:
        """Up to ``limit`` events with a seq greater than ``seq``, in order; only those of
        ``kinds`` when given (see ``list_seqs``)."""
        bound, bound_params = seq_above(seq)
        where, params = kind_filter(kinds)
        rows = self._rows(
            f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.session_id = ?{bound}{where}"
            " ORDER BY e.seq LIMIT ?",
            (session_id, *bound_params, *params, check_limit(limit)),
        )
        return [stored_event(row) for row in rows]

    def events_before(self, session_id: int, seq: int, limit: int) -> list[StoredEvent]:
        """Up to ``limit`` events with a seq less than ``seq``, in order (oldest first)."""
        bound, bound_params = seq_below(seq)
        rows = self._rows(
            f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.session_id = ?{bound}"
            " ORDER BY e.seq DESC LIMIT ?",
            (session_id, *bound_params, check_limit(limit)),
        )
        return [stored_event(row) for row in reversed(rows)]

    def event_at(self, session_id: int, seq: int) -> StoredEvent | None:
        if not MIN_SEQ <= seq <= MAX_SEQ:
            return None  # no 64-bit seq is there
        row = self._row(
            f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.session_id = ? AND e.seq = ?",
            (session_id, seq),
        )
        return stored_event(row) if row is not None else None

    def iter_events(self, session_id: int, page: int = 2_000) -> Iterator[StoredEvent]:
        """Every event of a session in seq order, read in keyset pages (no cursor held open).
        Every row: seqs of 0 and below (a database written by plain SQL has them) included."""
        if page < 1:
            raise ValueError("page must be >= 1")  # a page of 0 would never advance
        after = MIN_SEQ - 1  # below every 64-bit seq: the first page has no lower bound
        while True:
            batch = self.events_after(session_id, after, page)
            yield from batch
            if len(batch) < page:
                return
            after = batch[-1].seq

    def kind_counts(self, session_id: int) -> dict[str, int]:
        """How many events of each stored kind string a session has (every seq). Walks the
        session's range of the (session_id, seq) index and reads each row's kind: it costs
        the session's size (``summary_cache.SummaryCache.kind_counts`` does not)."""
        rows = self._rows(
            "SELECT kind, COUNT(*) FROM events WHERE session_id = ? GROUP BY kind",
            (session_id,),
        )
        return {str(kind): int(count) for kind, count in rows}

    def kind_delta(self, session_id: int, since: tuple[int, int] | None = None) -> KindDelta:
        """The session's last event, and its kind counts: only of the events after
        ``since`` = (seq, id) when the row at that seq still has that id and the session
        has grown past it (``incremental``); of none when its last event is still ``since``;
        of all of them otherwise (rows replaced, deleted, or no ``since``). One read
        transaction, so the counts and the last event agree."""

        def read(conn: sqlite3.Connection) -> KindDelta:
            last = _fetch(
                conn,
                "SELECT seq, id, at FROM events WHERE session_id = ? ORDER BY seq DESC LIMIT 1",
                (session_id,),
            )
            if not last:
                return KindDelta(None, None, None)
            last_seq, last_id, last_at = last[0]
            if not isinstance(last_seq, int):  # a seq stored as text or real: count all
                rows = _fetch(
                    conn,
                    "SELECT kind, COUNT(*) FROM events WHERE session_id = ? GROUP BY kind",
                    (session_id,),
                )
                return KindDelta(None, None, last_at, {str(k): int(n) for k, n in rows})
            low: int | None = None  # count the seqs above ``low`` (None: all)
            if since is not None and (last_seq, last_id) == since:
                return KindDelta(last_seq, last_id, last_at, {}, incremental=True)
            if since is not None and MIN_SEQ <= since[0] < last_seq:
                kept = _fetch(
                    conn,
                    "SELECT id FROM events WHERE session_id = ? AND seq = ?",
                    (session_id, since[0]),
                )
                if kept and int(kept[0][0]) == since[1]:
                    low = since[0]
            bound, params = (" AND seq > ?", (low,)) if low is not None else ("", ())
            rows = _fetch(
                conn,
                f"SELECT kind, COUNT(*) FROM events WHERE session_id = ?{bound} AND seq <= ?"
                " GROUP BY kind",
                (session_id, *params, last_seq),
            )
            kinds = {str(kind): int(count) for kind, count in rows}
            return KindDelta(last_seq, last_id, last_at, kinds, incremental=low is not None)

        return self._snapshot(read)

    def last_events(self, session_ids: Collection[int]) -> dict[int, tuple[object, int, object]]:
        """(seq, id, at as stored) of the last event of each of these sessions that has one,
        in one query: a seek per session in the (session_id, seq) index, then the row."""
        wanted = sorted({int(i) for i in session_ids})
        if not wanted:
            return {}
        rows = self._rows(
            "SELECT s.id, e.seq, e.id, e.at FROM sessions s JOIN events e ON e.id ="
            " (SELECT x.id FROM events x WHERE x.session_id = s.id ORDER BY x.seq DESC LIMIT 1)"
            " WHERE s.id IN (SELECT value FROM json_each(?))",
            (json.dumps(wanted),),
        )
        return {int(row[0]): (row[1], int(row[2]), row[3]) for row in rows}

    def first_prompt(
        self, session_id: int, *, window: int = 64, chars: int = 200
    ) -> tuple[object, bool]:
        """The first ``chars`` characters of the session's first prompt among its first
        ``window`` events (None when there is none there), and whether that answer is final:
        a prompt was found, or the window is full (later events cannot change it). A bounded
        read whatever the session's size: ``window`` steps of the (session_id, seq) index and
        the prompt's row; a BLOB text comes back as bytes."""
        row = self._row(
            "SELECT w.n, (SELECT substr(e.text, 1, ?) FROM events e WHERE e.session_id = ?"
            " AND e.seq <= w.last AND e.kind = 'prompt' ORDER BY e.seq LIMIT 1)"
            " FROM (SELECT COUNT(*) AS n, MAX(f.seq) AS last FROM (SELECT seq FROM events"
            " WHERE session_id = ? ORDER BY seq LIMIT ?) f) w",
            (max(1, chars), session_id, session_id, check_limit(window)),
        )
        seen, text = (int(row[0]), row[1]) if row is not None else (0, None)
        return text, text is not None or seen >= window

    def _snapshot(self, body: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``body``'s reads in one read transaction (one snapshot of the database), or
        in the caller's when one is open (``read_snapshot``). As short as its statements:
        in rollback-journal mode its SHARED lock delays the client's commits that long."""
        with self._lock:
            conn = self._live()
            try:
                if conn.in_transaction:
                    return body(conn)
                conn.execute("BEGIN").close()
                try:
                    result = body(conn)
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):  # none left open: nothing to end
                        conn.execute("ROLLBACK").close()
                    raise
                conn.execute("COMMIT").close()
                return result
            except sqlite3.Error as exc:
                raise from_sqlite(exc, self.path, "reading") from None

    def search_events(
        self,
        needle: str,
        *,
        session_id: int | None = None,
        limit: int = 100,
        before_id: int | None = None,
        after_id: int | None = None,
    ) -> list[SearchHit]:
        """Events whose text contains ``needle`` (ASCII case-insensitive), newest first.
        Pass the last hit's ``event.id`` as ``before_id`` for the next page; ``after_id``
        keeps only events newer than that id (what a search index has not seen yet)."""
        clauses = ["e.text LIKE ? ESCAPE '\\'"]
        params: list[Any] = [like_pattern(needle)]
        if after_id is not None:
            clauses.append("e.id > ?")
            params.append(after_id)
        if session_id is not None:
            clauses.append("e.session_id = ?")
            params.append(session_id)
        if before_id is not None:
            clauses.append("e.id < ?")
            params.append(before_id)
        params.append(check_limit(limit))
        rows = self._rows(
            f"SELECT {EVENT_COLUMNS}, s.ulid FROM events e JOIN sessions s ON s.id = e.session_id"
            f" WHERE {' AND '.join(clauses)} ORDER BY e.id DESC LIMIT ?",
            params,
            doing="searching",
        )
        return [SearchHit(session_ulid=row[6], event=stored_event(row)) for row in rows]

    def hits_by_id(self, ids: Collection[int]) -> list[SearchHit]:
        """The events with these ids (those that still exist), newest first."""
        wanted = sorted({int(i) for i in ids}, reverse=True)[:MAX_IDS]
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        rows = self._rows(
            f"SELECT {EVENT_COLUMNS}, s.ulid FROM events e JOIN sessions s ON s.id = e.session_id"
            f" WHERE e.id IN ({marks}) ORDER BY e.id DESC",
            wanted,
        )
        return [SearchHit(session_ulid=row[6], event=stored_event(row)) for row in rows]

    def texts_after(self, event_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, text) of events after ``event_id`` in id order: what a search index reads."""
        rows = self._rows(
            "SELECT id, text FROM events WHERE id > ? ORDER BY id LIMIT ?",
            (event_id, check_limit(limit)),
        )
        return [(int(row[0]), str(row[1])) for row in rows]

    def max_event_id(self) -> int:
        return int(self._row("SELECT COALESCE(MAX(id), 0) FROM events")[0])

    def find_event(
        self,
        session_id: int,
        needle: str,
        from_seq: int,
        *,
        forward: bool = True,
        kinds: Collection[str] | None = None,
    ) -> StoredEvent | None:
        """The next (or previous) event after (before) ``from_seq`` whose text contains
        ``needle``, among events of ``kinds`` when given (see ``list_seqs``); for
        find-in-session with n / N."""
        bound, bound_params = seq_above(from_seq) if forward else seq_below(from_seq)
        order = "ASC" if forward else "DESC"
        where, params = kind_filter(kinds)
        row = self._row(
            f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.session_id = ?{bound}"
            f" AND e.text LIKE ? ESCAPE '\\'{where} ORDER BY e.seq {order} LIMIT 1",
            (session_id, *bound_params, like_pattern(needle), *params),
            doing="searching",
        )
        return stored_event(row) if row is not None else None

    def count_matches(
        self,
        session_id: int,
        needle: str,
        through_seq: int,
        *,
        kinds: Collection[str] | None = None,
        limit: int = 10_000,
    ) -> tuple[int, int]:
        """(matches at or before ``through_seq``, all matches) of ``find_event``'s search,
        among the first ``limit`` matches in seq order: one walk of the session's index range
        that stops at the ``limit``-th match, so both counts are at most ``limit`` (a count
        equal to it means "at least")."""
        where, params = kind_filter(kinds)
        row = self._row(
            "SELECT COUNT(*), COALESCE(SUM(m.seq <= ?), 0) FROM (SELECT e.seq FROM events e"
            f" WHERE e.session_id = ? AND e.text LIKE ? ESCAPE '\\'{where}"
            " ORDER BY e.seq LIMIT ?) m",
            (
                min(max(through_seq, MIN_SEQ), MAX_SEQ),
                session_id,
                like_pattern(needle),
                *params,
                check_limit(limit),
            ),
            doing="searching",
        )
        return int(row[1]), int(row[0])

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

    def list_seqs(self, session_id: int, kinds: Collection[str] | None = None) -> list[int]:
        """Every seq of a session, in order; only events of ``kinds`` when given. Kinds are
        stored strings; ``"system"`` also takes kinds this code does not know, as the Rust
        client reads them as system."""
        where, params = kind_filter(kinds)
        rows = self._rows(
            f"SELECT e.seq FROM events e WHERE e.session_id = ?{where} ORDER BY e.seq",
            (session_id, *params),
        )
        return [int(row[0]) for row in rows]

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

    def seq_at_or_before(self, session_id: int, moment: datetime) -> int | None:
        """The last seq of a session stamped at or before ``moment`` (where a fork left it).
        Compares instants, so stamps written with any offset or precision work."""
        target = moment.astimezone(UTC)
        found: int | None = None
        for event in self.iter_events(session_id):
            if event.at is not None and event.at > target:
                break
            found = event.seq
        return found

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


def _fetch(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()

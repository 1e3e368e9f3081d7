"""The event reads of a browser: keyset pages of a session, kind counts, find and search.

Every read uses the client's ``events UNIQUE (session_id, seq)`` index for everything within a
session and the rowid for event ids (this package never adds an index to the client's
database). A text search over all sessions scans events (``LIKE '%x%'`` has no index; the app
asks ``search_index.py`` instead).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from .base import StoreBase
from .errors import from_sqlite
from .rows import SearchHit, StoredEvent
from .sql import (
    EVENT_COLUMNS,
    MAX_IDS,
    MAX_SEQ,
    MIN_SEQ,
    check_limit,
    kind_filter,
    like_pattern,
    seq_above,
    seq_below,
    stored_event,
)

__all__ = ["EventReads", "KindDelta"]

T = TypeVar("T")


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


class EventReads(StoreBase):
    """Reads of one session's events, and searches of event text."""

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


def _fetch(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()

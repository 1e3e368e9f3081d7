"""Fork relations, read in few statements: a session's ancestors in one, the forks of a
whole level of the tree in one, and where many forks left their parents in one.

A session whose ``parent_ulid`` is set was forked from that session (CONTRACT.md). The
client's schema stores no fork seq: where a fork left its parent is the parent's last event
stamped at or before the fork started (``BrowseReads.seq_at_or_before``, computed here for
many forks from one read of their parents' events).

Indexes: the ancestors follow ``sessions.ulid UNIQUE`` (``sqlite_autoindex_sessions_1``);
``parent_ulid`` has no index in the client's schema, so the forks of a set of sessions are
scans of the sessions table (one row per client run), each fork shown then read by its rowid;
the parents' events are ranges of ``events UNIQUE (session_id, seq)``. Nothing here creates
an index in the database (SQLite may build a transient one over a subquery's rows while a
statement runs; it lives in memory and dies with the statement).

Plain data (a database written by plain SQL) is taken as it is: a cycle of parents, or a
session that is its own parent, ends the ancestor walk at the first session seen twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .errors import from_sqlite
from .sql import session_row
from .timestamps import parse_rfc3339

if TYPE_CHECKING:
    from .rows import SessionRow
    from .store import Store

__all__ = ["Forks", "ancestors", "children_of", "fork_points"]

# The session, then its parent, grandparent... by ``sessions.ulid``; ``UNION ALL`` with a depth
# bound, so a cycle of parents ends at the bound (the caller stops at the first repeat).
ANCESTORS_SQL = """
WITH RECURSIVE up(ulid, depth) AS (
    SELECT ?, 0
    UNION ALL
    SELECT s.parent_ulid, up.depth + 1 FROM up JOIN sessions s ON s.ulid = up.ulid
    WHERE s.parent_ulid IS NOT NULL AND up.depth < ?
)
SELECT s.id, s.ulid, s.started_at, s.ended_at, s.engine_base_url, s.cli_version,
    s.parent_ulid
FROM up JOIN sessions s ON s.ulid = up.ulid ORDER BY up.depth"""

# The first ``?2`` forks of each parent, oldest first (as ``children`` orders them), with how
# many forks each parent has in all: two scans of sessions for the whole level, one ranking
# the forks (a window function), one counting them (COUNT(*) as a window costs far more).
CHILDREN_SQL = """
SELECT s.id, s.ulid, s.started_at, s.ended_at, s.engine_base_url, s.cli_version,
    s.parent_ulid, c.total
FROM (
    SELECT x.id AS id, x.parent_ulid AS parent,
        ROW_NUMBER() OVER (PARTITION BY x.parent_ulid ORDER BY x.started_at, x.id) AS rank
    FROM sessions x WHERE x.parent_ulid IN (SELECT value FROM json_each(?1))
) r
JOIN (
    SELECT y.parent_ulid AS parent, COUNT(*) AS total
    FROM sessions y WHERE y.parent_ulid IN (SELECT value FROM json_each(?1))
    GROUP BY y.parent_ulid
) c ON c.parent = r.parent
JOIN sessions s ON s.id = r.id
WHERE r.rank <= ?2 ORDER BY r.parent, r.rank"""

# Every event's (seq, at) of these sessions, in seq order: a range of the (session_id, seq)
# index per session.
STAMPS_SQL = """
SELECT e.session_id, e.seq, e.at FROM events e
WHERE e.session_id IN (SELECT value FROM json_each(?)) ORDER BY e.session_id, e.seq"""


@dataclass(frozen=True, slots=True)
class Forks:
    """The forks of one session: the first ones (oldest first) and how many there are."""

    first: tuple[SessionRow, ...]
    total: int

    @property
    def more(self) -> int:
        """How many forks ``first`` leaves out."""
        return self.total - len(self.first)


def ancestors(store: Store, ulid: str, limit: int) -> list[SessionRow]:
    """The session ``ulid``, its parent, its parent's parent... at most ``limit`` + 1 of them,
    each once: the walk ends at a parent that is missing, or one already seen (a cycle, or a
    session that is its own parent). Empty when the session does not exist. One statement."""
    rows = store._rows(ANCESTORS_SQL, (ulid, max(0, limit)))
    chain: list[SessionRow] = []
    seen: set[str] = set()
    for row in rows:
        session = session_row(row)
        if session.ulid in seen:
            break
        seen.add(session.ulid)
        chain.append(session)
    return chain


def children_of(store: Store, ulids: Collection[str], limit: int) -> dict[str, Forks]:
    """The forks of each session of ``ulids`` that has any: its first ``limit`` forks (0: none,
    only the count), oldest first, and how many it has. One statement, whatever the count."""
    wanted = sorted(set(ulids))
    if not wanted:
        return {}
    rows = store._rows(CHILDREN_SQL, (json.dumps(wanted), max(1, limit)))
    first: dict[str, list[SessionRow]] = {}
    totals: dict[str, int] = {}
    for row in rows:
        parent = str(row[6])
        totals[parent] = int(row[7])
        kept = first.setdefault(parent, [])
        if len(kept) < limit:
            kept.append(session_row(row))
    return {parent: Forks(tuple(first[parent]), totals[parent]) for parent in totals}


def fork_points(
    store: Store, forks: Collection[tuple[int, datetime]]
) -> dict[tuple[int, datetime], int | None]:
    """For each (parent session id, moment): the parent's last seq stamped at or before the
    moment, exactly as ``seq_at_or_before`` finds it (events in seq order up to the first one
    stamped after the moment; an unreadable stamp is passed over), None when there is none.

    One statement reads the parents' (seq, at), streamed: each stamp is parsed at most once,
    and the read stops once every moment is answered (a parent of 100,000 events whose forks
    all left it early costs the events before them, not all of them)."""
    walks: dict[int, _Walk] = {}
    for parent_id, moment in forks:
        walks.setdefault(int(parent_id), _Walk()).add(moment.astimezone(UTC))
    if not walks:
        return {}
    open_walks = len(walks)
    with store._lock:
        conn = store._live()
        try:
            cursor = conn.execute(STAMPS_SQL, (json.dumps(sorted(walks)),))
            try:
                for parent_id, seq, raw in cursor:
                    walk = walks[int(parent_id)]
                    if not walk.done and walk.feed(seq, raw):
                        open_walks -= 1
                        if not open_walks:
                            break
            finally:
                cursor.close()
        except sqlite3.Error as exc:
            raise from_sqlite(exc, store.path, "reading") from None
    for walk in walks.values():
        walk.finish()
    return {
        (parent_id, moment): walks[int(parent_id)].found[moment.astimezone(UTC)]
        for parent_id, moment in forks
    }


class _Walk:
    """One parent's events in seq order, answering its moments as they pass.

    The first event stamped after a moment is the first whose running maximum stamp is after
    it; that maximum never decreases, so one pass answers every moment, earliest first."""

    def __init__(self) -> None:
        self.moments: set[datetime] = set()
        self.found: dict[datetime, int | None] = {}
        self._pending: list[datetime] = []  # unanswered moments, latest first
        self._latest: datetime | None = None  # the running maximum of the stamps read
        self._previous: int | None = None  # the seq of the event before the current one
        self._started = False

    def add(self, moment: datetime) -> None:
        self.found[moment] = None  # no event before it, until one is read
        self.moments.add(moment)

    @property
    def done(self) -> bool:
        return self._started and not self._pending

    def feed(self, seq: int, raw: object) -> bool:
        """Read the next event; True once every moment is answered."""
        if not self._started:
            self._started = True
            self._pending = sorted(self.moments, reverse=True)
        at = parse_rfc3339(raw)
        if at is not None and (self._latest is None or at > self._latest):
            self._latest = at
            while self._pending and at > self._pending[-1]:
                self.found[self._pending.pop()] = self._previous
        self._previous = seq
        return not self._pending

    def finish(self) -> None:
        """The events ran out: every moment left is after all of them."""
        while self._pending:
            self.found[self._pending.pop()] = self._previous

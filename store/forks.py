"""Fork relations, read in few statements: a session's ancestors in one, the forks of a
whole level of the tree in one, and where many forks left their parents in one.

A session whose ``parent_ulid`` is set was forked from that session (CONTRACT.md). The
client's schema stores no fork seq: where a fork left its parent is the parent's last event
stamped at or before the fork started (``BrowseReads.seq_at_or_before``, computed here for
many forks from one read of their parents' events).

Indexes: the ancestors follow ``sessions.ulid UNIQUE`` (``sqlite_autoindex_sessions_1``);
``parent_ulid`` has no index in the client's schema, so the forks of a set of sessions are
one scan of the sessions table (one row per client run); the parents' events are ranges of
``events UNIQUE (session_id, seq)``. Nothing here creates an index.

Plain data (a database written by plain SQL) is taken as it is: a cycle of parents, or a
session that is its own parent, ends the ancestor walk at the first session seen twice.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

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

# The first ``?`` forks of each parent, oldest first (as ``children`` orders them), with how
# many forks each parent has in all: one scan of sessions for the whole level.
CHILDREN_SQL = """
SELECT id, ulid, started_at, ended_at, engine_base_url, cli_version, parent_ulid, total
FROM (
    SELECT s.id, s.ulid, s.started_at, s.ended_at, s.engine_base_url, s.cli_version,
        s.parent_ulid,
        ROW_NUMBER() OVER (PARTITION BY s.parent_ulid ORDER BY s.started_at, s.id) AS rank,
        COUNT(*) OVER (PARTITION BY s.parent_ulid) AS total
    FROM sessions s WHERE s.parent_ulid IN (SELECT value FROM json_each(?))
) WHERE rank <= ? ORDER BY parent_ulid, rank"""

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
    One statement reads the parents' (seq, at); each stamp is parsed at most once."""
    targets: dict[int, set[datetime]] = {}
    for parent_id, moment in forks:
        targets.setdefault(int(parent_id), set()).add(moment.astimezone(UTC))
    if not targets:
        return {}
    rows = store._rows(STAMPS_SQL, (json.dumps(sorted(targets)),))
    by_parent: dict[int, list[Any]] = {}
    for row in rows:
        by_parent.setdefault(int(row[0]), []).append(row)
    found: dict[tuple[int, datetime], int | None] = {}
    for parent_id, moments in targets.items():
        seqs = _last_seqs(by_parent.get(parent_id, []), sorted(moments))
        found.update(((parent_id, moment), seq) for moment, seq in seqs.items())
    return {
        (parent_id, moment): found[int(parent_id), moment.astimezone(UTC)]
        for parent_id, moment in forks
    }


def _last_seqs(rows: Sequence[Any], moments: list[datetime]) -> dict[datetime, int | None]:
    """The last seq before the first event stamped after each moment (``moments`` sorted).

    The first event stamped after a moment is the first whose running maximum stamp is after
    it; that maximum never decreases, so one pass answers every moment in order, and stops
    parsing once the latest moment is passed."""
    result: dict[datetime, int | None] = {}
    latest: datetime | None = None  # the running maximum of the stamps read so far
    previous: int | None = None  # the seq of the event before the current one
    pending = iter(moments)
    moment = next(pending, None)
    for _, seq, raw in rows:
        if moment is None:
            break
        at = parse_rfc3339(raw)
        if at is not None and (latest is None or at > latest):
            latest = at
        while moment is not None and latest is not None and latest > moment:
            result[moment] = previous
            moment = next(pending, None)
        previous = seq
    while moment is not None:
        result[moment] = previous
        moment = next(pending, None)
    return result

"""Two sessions to show side by side, read in one worker: both sessions, whether one is the
other's fork (and where it left the parent), and the first pages of both. No Textual here.

The fork point is the parent's last event stamped at or before the fork started, as the fork
tree (``f``) says, found by a binary search over the parent's keyset pages: it costs about
log2(pages) page reads, not the events before it (``store.forks.fork_points`` reads every
stamp up to it: 0.39 s for a fork half way into 200,000 events). The two agree wherever
stamps rise with seq, as the client writes them.

Two sessions where one is the other's fork are always put parent left, fork right, aligned
at the fork point; any other two are aligned by offset from their start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from store import SessionError, SessionRow

from .alignment import Mode, fork_shift, row_at_or_before
from .catalog import Catalog, SessionKey
from .timeline import Timeline, open_timeline

__all__ = ["Pair", "read_pair"]


@dataclass(frozen=True, slots=True)
class Pair:
    """Two sessions ready to show side by side (read in a worker)."""

    left: Timeline
    right: Timeline
    shift: int | None
    """Row-locked at the fork point: the right row is the left row minus ``shift`` (the left
    is the parent). None when neither session is the other's fork."""
    fork_seq: int | None = None
    """Where the fork left the parent: the parent's last event before the fork started."""

    @property
    def mode(self) -> Mode:
        return Mode.FORK if self.shift is not None else Mode.OFFSET


def _session(catalog: Catalog, key: SessionKey) -> SessionRow:
    session = catalog.store(key.partition).get_session(key.session_id)
    if session is None:
        raise SessionError("the session no longer exists")
    return session


def _parent_of(catalog: Catalog, key: SessionKey, session: SessionRow) -> SessionKey | None:
    """The key of the session's parent: in its own database first, then in any other."""
    if session.parent_ulid is None:
        return None
    found = catalog.store(key.partition).get_session_by_ulid(session.parent_ulid)
    if found is not None and found.id != session.id:
        return SessionKey(key.partition, found.id)
    other = catalog.find_ulid(session.parent_ulid)
    return other[0] if other is not None and other[0] != key else None


def read_pair(
    catalog: Catalog, left: SessionKey, right: SessionKey | None, now: datetime
) -> Pair | None:
    """``left`` beside ``right`` (parent first when one is the other's fork); with ``right``
    None, ``left`` beside its parent, or None when it has none. Call from a worker thread."""
    first = _session(catalog, left)
    if right is None:
        above = _parent_of(catalog, left, first)
        if above is None:
            return None
        left, right = above, left
        first, second = _session(catalog, above), first
    else:
        second = _session(catalog, right)
        if first.parent_ulid == second.ulid and second.parent_ulid != first.ulid:
            left, right, first, second = right, left, second, first
    is_fork = second.parent_ulid == first.ulid and second.started_at is not None
    parent = open_timeline(catalog, left, first, None, None, now).timeline
    other = open_timeline(catalog, right, second, None, None, now).timeline
    if not is_fork or second.started_at is None:
        return Pair(parent, other, None)
    # Where the fork left: the parent's last event stamped at or before the fork started,
    # found over its keyset pages (the fork tree's walk reads every stamp up to it).
    row = row_at_or_before(catalog, parent, second.started_at)
    fork_seq = parent.seq_of_row(row) if row >= 0 else None
    shift = fork_shift(parent, fork_seq, parent_on_left=True)
    return Pair(parent, other, shift, fork_seq)

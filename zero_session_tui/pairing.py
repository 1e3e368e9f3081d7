"""Two sessions to show side by side, read in one worker: both sessions, whether one is the
other's fork (and where it left the parent), and the first pages of both. No Textual here.

Two sessions where one is the other's fork are always put parent left, fork right, aligned
at the fork point; any other two are aligned by offset from their start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from store import SessionError, SessionRow, forks

from .alignment import Mode, fork_shift
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
    fork_seq: int | None = None
    if is_fork and second.started_at is not None:
        moment = second.started_at
        fork_seq = forks.fork_points(catalog.store(left.partition), [(first.id, moment)])[
            (first.id, moment)
        ]
    # The pages shown first: the parent's around the fork point, the other's first rows.
    start = None if fork_seq is None else fork_seq + 1
    parent = open_timeline(catalog, left, first, start, None, now).timeline
    other = open_timeline(catalog, right, second, None, None, now).timeline
    shift = fork_shift(parent, fork_seq, parent_on_left=True) if is_fork else None
    return Pair(parent, other, shift, fork_seq)

"""The timeline strip's reads: one bucket of a session's events at a time, and marker seeks.

A bucket is a range of seqs; its aggregate (how many events, the most severe kind, how many
mode changes, the first and last seq) is one range of the client's ``(session_id, seq)``
index, each row's kind read from the table (the client has no index on kind). Buckets by
time are seq ranges too: their first seqs are found by a binary search of the stamps, which
takes the session's times to ascend with its seqs, as the client stamps them (an event
stamped before its predecessor is counted in its neighbours' bucket). A session is read one
bucket per statement, each cursor closed: no read holds a snapshot, and the scan needs no
sort (one ``GROUP BY`` over 2M events sorted them all and took 1.6 s).

The marker seeks (next or previous event of some kinds after or before a seq) are keyset
reads of that index, optionally bounded to a seq range the caller knows holds one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

from .base import StoreBase
from .sql import MAX_SEQ, MIN_SEQ, kind_filter
from .timestamps import parse_rfc3339

__all__ = ["SEVERITY", "BucketReads", "BucketStats", "severity_rank"]

SEVERITY: Final[tuple[str, ...]] = ("system", "command", "prompt", "mode_change", "warn", "alert")
"""Kinds from the least to the most severe: a bucket is shown as the last of these it holds.
A kind this code does not know counts as system (as the Rust client reads it)."""

_RANK_SQL: Final = (
    "MAX(CASE e.kind "
    + " ".join(f"WHEN '{kind}' THEN {rank}" for rank, kind in enumerate(SEVERITY) if rank)
    + " ELSE 0 END)"
)


def severity_rank(kind: str) -> int:
    """Where ``kind`` is in ``SEVERITY`` (0, system, for a kind this code does not know)."""
    try:
        return SEVERITY.index(kind)
    except ValueError:
        return 0


@dataclass(frozen=True, slots=True)
class BucketStats:
    """What one bucket of events holds."""

    count: int
    top_kind: str
    """The most severe kind among them (see ``SEVERITY``)."""
    mode_changes: int
    first_seq: int
    last_seq: int

    @property
    def rank(self) -> int:
        return severity_rank(self.top_kind)

    def merged(self, other: BucketStats) -> BucketStats:
        top = self.top_kind if self.rank >= other.rank else other.top_kind
        return BucketStats(
            self.count + other.count,
            top,
            self.mode_changes + other.mode_changes,
            min(self.first_seq, other.first_seq),
            max(self.last_seq, other.last_seq),
        )


def _clamp(seq: int) -> int:
    return min(max(seq, MIN_SEQ), MAX_SEQ)


class BucketReads(StoreBase):
    """The strip's reads of one session's events."""

    def bucket_stats(self, session_id: int, first_seq: int, last_seq: int) -> BucketStats | None:
        """The events with ``first_seq <= seq <= last_seq``; None when there are none."""
        row = self._row(
            f"SELECT COUNT(*), {_RANK_SQL}, COALESCE(SUM(e.kind = 'mode_change'), 0),"
            " MIN(e.seq), MAX(e.seq) FROM events e"
            " WHERE e.session_id = ? AND e.seq >= ? AND e.seq <= ?",
            (session_id, _clamp(first_seq), _clamp(last_seq)),
        )
        if row is None or not row[0]:
            return None
        count, rank, mode_changes, first, last = row
        return BucketStats(int(count), SEVERITY[int(rank)], int(mode_changes), first, last)

    def stamp_from(self, session_id: int, seq: int) -> tuple[int, int | None] | None:
        """(seq, its time in Unix milliseconds) of the first event at or after ``seq``; the
        time is None when the stamp does not parse. None past the session's end."""
        if seq > MAX_SEQ:
            return None
        row = self._row(
            "SELECT e.seq, e.at FROM events e WHERE e.session_id = ? AND e.seq >= ?"
            " ORDER BY e.seq LIMIT 1",
            (session_id, _clamp(seq)),
        )
        if row is None:
            return None
        moment = parse_rfc3339(row[1])
        return int(row[0]), (int(moment.timestamp() * 1000) if moment is not None else None)

    def first_seq_stamped_from(self, session_id: int, moment_ms: int, lo: int, hi: int) -> int:
        """The first seq in ``lo..hi`` of an event stamped at or after ``moment_ms`` (Unix
        milliseconds), by binary search on seq (the stamps taken to ascend); ``hi + 1`` when
        none is. A stamp that does not parse counts as earlier than any moment."""
        result = hi + 1
        while lo <= hi:
            mid = (lo + hi) // 2
            found = self.stamp_from(session_id, mid)
            if found is None or found[0] > hi:  # no event in mid..hi
                hi = mid - 1
                continue
            seq, stamp = found
            if stamp is not None and stamp >= moment_ms:
                result, hi = seq, mid - 1
            else:
                lo = seq + 1
        return result

    def next_of_kinds(
        self, session_id: int, kinds: Collection[str], after: int, through: int | None = None
    ) -> tuple[int, str] | None:
        """(seq, kind) of the first event of ``kinds`` with ``after < seq`` (and
        ``seq <= through`` when given)."""
        where, params = kind_filter(kinds)
        if after >= MAX_SEQ:
            return None
        bound = " AND e.seq <= ?" if through is not None else ""
        extra = (_clamp(through),) if through is not None else ()
        row = self._row(
            f"SELECT e.seq, e.kind FROM events e WHERE e.session_id = ? AND e.seq > ?{bound}"
            f"{where} ORDER BY e.seq LIMIT 1",
            (session_id, _clamp(after), *extra, *params),
        )
        return (int(row[0]), str(row[1])) if row is not None else None

    def previous_of_kinds(
        self, session_id: int, kinds: Collection[str], before: int, since: int | None = None
    ) -> tuple[int, str] | None:
        """(seq, kind) of the last event of ``kinds`` with ``seq < before`` (and
        ``since <= seq`` when given)."""
        where, params = kind_filter(kinds)
        if before <= MIN_SEQ:
            return None
        bound = " AND e.seq >= ?" if since is not None else ""
        extra = (_clamp(since),) if since is not None else ()
        row = self._row(
            f"SELECT e.seq, e.kind FROM events e WHERE e.session_id = ? AND e.seq < ?{bound}"
            f"{where} ORDER BY e.seq DESC LIMIT 1",
            (session_id, _clamp(before), *extra, *params),
        )
        return (int(row[0]), str(row[1])) if row is not None else None

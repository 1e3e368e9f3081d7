"""A full-text index of event text, in a cache file of its own (never in the client's database).

SQLite's FTS5 with the trigram tokenizer answers "text contains this" (three characters or
more, case-insensitive) from an index instead of a scan of every event. The index is filled
incrementally by event id; every hit is read back from the session database and re-checked,
so an index that lags behind or holds deleted events never shows a wrong result. What it must
never do is MISS an event: a search answers from the index for ids up to ``last_id`` (the
highest id indexed) and scans the database above it, so the index must still describe every
event with an id up to ``last_id``.

This module keeps the index in step with the database and searches it; the index file itself
(its layout, the ``meta`` table, the guarded write transactions) is ``search_index_file.py``.

What the index records of what it indexed, and why
--------------------------------------------------
``events.id`` is an ``INTEGER PRIMARY KEY`` without AUTOINCREMENT: a new row gets the highest
id + 1, so deleting the newest rows hands their ids to the next rows, with other text. And a
file can be replaced under its path (a restored backup) or rewritten in place (``sqlite3
.restore``, the backup API). So the index keeps, in its ``meta`` table:

- ``last_row``: a sha256 of (id, session ulid, seq, text) of the event ``last_id`` as indexed;
- ``count``: how many events had an id in 1..``last_id`` (lowered when events are deleted);
- ``identity``: (st_dev, st_ino) of the database file, by ``os.stat`` only. The database is
  never ``open()``-ed here: closing such a descriptor would release every POSIX lock this
  process's SQLite connections hold (RELIABILITY.md);
- ``generation``: bumped on every start-over, so a search or an update that began before one
  notices and does not trust (or extend) rows of another generation.

The check, at the start of ``update()`` and of ``search()``, re-reads the event ``last_id`` and
the count in ONE statement (one snapshot) and compares:

==========================================  =============================================
scenario                                     caught by
==========================================  =============================================
newest events deleted (ids gone)             ``last_row``: the event ``last_id`` is missing
newest events deleted, ids reused with       ``last_row``: the event ``last_id`` has another
other text (same file)                       session, seq or text (or is missing)
file replaced by another database            ``last_row`` (other ulid/text at that id, or no
(overlapping ids, other text)                such id)
replaced by a backup holding events that     ``count``: more events with id <= ``last_id``
were deleted before they were indexed        than were indexed
file replaced (new inode) or its identity    ``identity`` changed: also compare a sample of
changed while the tail is the same           32 indexed rows (spread over 1..``last_id``)
                                             with the database's text for those ids
VACUUM (in place, or VACUUM INTO + replace)  nothing to catch: ids of an INTEGER PRIMARY KEY
                                             survive a VACUUM, so every check passes and the
                                             index is kept (a replace re-checks the sample
                                             once, then records the new identity)
same-content copy put in place               the same: kept, not rebuilt
events deleted in the middle                 ``count`` went down: recorded, index kept (the
                                             stale rows are dropped by the re-check)
==========================================  =============================================

On a mismatch the index forgets what it had (``last_id`` back to 0, a new generation); a
search meanwhile scans the whole database, as it always scans what is not indexed, so it
stays complete; the next ``update()`` empties the full-text table and indexes from the start.

Not caught: text changed by an UPDATE of an event row below ``last_id`` (the client only
appends and deletes), or rows deleted AND others inserted with explicit ids below ``last_id``
between two checks in equal numbers, with the event ``last_id`` unchanged, in the same file.

What the check costs, measured on 1,000,000 events (a 100-byte text each, warm cache, 2 shared
cores; ``ZST_SEARCH_COST_EVENTS=1000000 .venv/bin/pytest -q -p no:xdist -s
tests/reliability/test_search_identity.py -k cost``): 2.2 ms when the index is up to date
(``COUNT(*)`` over the smallest index of events, two rowid lookups, one ``stat``); the sample of
32 rows, after a change of identity only, 0.13 ms more. While the index lags far behind (its
first build), the count walks the shorter side of ``last_id``: 21 ms half-way, less than the
scan of the un-indexed events that the search runs anyway. On a schema with no index on events
at all (a Rust schema without ``UNIQUE (session_id, seq)``), ``COUNT(*)`` walks the table: 55 ms.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Final

from .rows import SearchHit, event_text
from .search_index_file import IndexedState, IndexMoved, SearchIndexFile, identity_text
from .store import Store

__all__ = ["MIN_NEEDLE", "SearchIndex"]

MIN_NEEDLE: Final = 3
"""Shorter needles have no trigram: they are searched by a scan."""

_BATCH: Final = 2_000  # short transactions: a search never waits long for the lock
_SAMPLES: Final = 32  # rows compared when the file's identity changed
_RESTARTS: Final = 3  # times one update() starts over when the source changes under it

# ---- reads on the source database (parameterised; constant SQL) ---------------------------

# One statement, so one snapshot: the events 1..last_id counted (whichever side of last_id is
# shorter is walked; COUNT(*) alone uses the smallest index) and the event last_id itself. Ids
# below 1 (never written by the client) are not indexed: a search scans them (a rowid range).
_PROBE_BELOW: Final = (
    "SELECT (SELECT COUNT(*) FROM events WHERE id BETWEEN 1 AND ?1), e.id, s.ulid, e.seq, e.text"
    " FROM (SELECT 1) AS one LEFT JOIN events e ON e.id = ?1"
    " LEFT JOIN sessions s ON s.id = e.session_id"
)
_PROBE_ABOVE: Final = (
    "SELECT (SELECT COUNT(*) FROM events) - (SELECT COUNT(*) FROM events WHERE id > ?1)"
    " - (SELECT COUNT(*) FROM events WHERE id < 1), e.id, s.ulid, e.seq, e.text"
    " FROM (SELECT 1) AS one LEFT JOIN events e ON e.id = ?1"
    " LEFT JOIN sessions s ON s.id = e.session_id"
)
# The event ``from`` (the last one indexed) and the next ones, in one snapshot: a batch is only
# added to the index if what it extends is still what was indexed. LEFT JOIN: an event whose
# session row is missing is indexed too (the count check counts it).
_ROWS_FROM: Final = (
    "SELECT e.id, s.ulid, e.seq, e.text FROM events e LEFT JOIN sessions s"
    " ON s.id = e.session_id WHERE e.id >= ? ORDER BY e.id LIMIT ?"
)
_TEXTS_IN: Final = (
    "SELECT id, text FROM events WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"
)


def _row_digest(row: Sequence[Any]) -> str:
    """sha256 of an event's (id, session ulid, seq, text)."""
    event_id, ulid, seq, text = row
    ulid = None if ulid is None else str(ulid)
    key = json.dumps([int(event_id), ulid, None if seq is None else int(seq), event_text(text)])
    return hashlib.sha256(key.encode()).hexdigest()


def _probe(source: Store, last_id: int) -> tuple[int, str]:
    """(events with an id in 1..last_id, digest of the event last_id or "" if none)."""
    newest = int(source._row("SELECT COALESCE(MAX(id), 0) FROM events")[0])
    sql = _PROBE_BELOW if 2 * last_id <= newest else _PROBE_ABOVE
    row = source._row(sql, (last_id,))
    count = int(row[0])
    return count, "" if row[1] is None else _row_digest(row[1:])


def _rows_from(source: Store, event_id: int, limit: int) -> list[tuple[int, str, str]]:
    """(id, digest, text) of the events from ``event_id`` on, in id order, one snapshot."""
    rows = source._rows(_ROWS_FROM, (event_id, limit))
    return [(int(row[0]), _row_digest(row), event_text(row[3])) for row in rows]


def _texts(source: Store, ids: Sequence[int]) -> dict[int, str]:
    rows = source._rows(_TEXTS_IN, (json.dumps(list(ids)),))
    return {int(row[0]): event_text(row[1]) for row in rows}


class SearchIndex(SearchIndexFile):
    """The index of one session database, kept in step with it and searched. Thread-safe;
    ``update`` may run in a worker while ``search`` answers from what is indexed so far."""

    # ---- the check -----------------------------------------------------------------------

    def _checked(self, source: Store) -> IndexedState:
        """The index's state once checked against ``source`` (see the module doc): as it was
        (its count lowered after deletions, a new identity recorded) or forgotten."""
        for _attempt in range(_RESTARTS):
            try:
                return self._check_once(source, self._state())
            except IndexMoved:
                continue  # an update moved the index meanwhile: check what it holds now
        return IndexedState(generation=-1)  # a moving target: trust nothing this time (a scan)

    def _check_once(self, source: Store, state: IndexedState) -> IndexedState:
        if state.last_id == 0:
            return state
        identity = identity_text(self.source)
        count, digest = _probe(source, state.last_id)
        if (
            digest != state.last_row
            or count > state.count
            or (identity != state.identity and not self._samples_match(source, state))
        ):
            return self._forget(state)
        changes: dict[str, object] = {}
        if count < state.count:
            changes["count"] = count  # deletions: stale rows are harmless, keep the index
        if identity and identity != state.identity:
            changes["identity"] = identity  # same content under another inode (a copy)
        if changes:
            self._record(state, changes)
            state = replace(state, count=count)
        return state

    def _samples_match(self, source: Store, state: IndexedState) -> bool:
        """Up to ``_SAMPLES`` indexed rows spread over 1..last_id have the text the database
        has under their ids (ids the database no longer has are deletions: harmless)."""
        indexed = self._spread(state.last_id, max(1, state.last_id // _SAMPLES))
        if not indexed:
            return True
        found = _texts(source, sorted(indexed))
        return all(indexed[event_id] == text for event_id, text in found.items())

    # ---- filling it ----------------------------------------------------------------------

    def update(self, source: Store, progress: Callable[[int, int], object] | None = None) -> int:
        """Index the events added since the last update; returns how many. Starts over when
        the index no longer describes the database (see the module doc)."""
        added = 0
        for _attempt in range(_RESTARTS):
            state = self._checked(source)
            try:
                if state.last_id == 0:
                    state = self._empty(state)
                newest = source.max_event_id()
                while state.last_id < newest:
                    rows = _rows_from(source, state.last_id or 1, _BATCH + 1)
                    if state.last_id:
                        # The event the index ends with, re-read in the batch's snapshot.
                        first = rows[0] if rows else None
                        if first is None or first[:2] != (state.last_id, state.last_row):
                            self._forget(state)
                            raise IndexMoved
                        rows = rows[1:]
                    if not rows:
                        break
                    state = self._append(state, rows)
                    added += len(rows)
                    if progress is not None:
                        progress(state.last_id, newest)
            except IndexMoved:
                continue  # the source or the index changed under this update: check again
            return added
        return added

    # ---- searching -----------------------------------------------------------------------

    def search(self, source: Store, needle: str, limit: int = 100) -> list[SearchHit]:
        """Events whose text contains ``needle`` (case-insensitive), newest first: from the
        index for what it covers, by a scan of the source for events added since (or for all
        of them, when the index no longer describes the database)."""
        if len(needle) < MIN_NEEDLE:
            return source.search_events(needle, limit=limit)
        state = self._checked(source)
        done = state.last_id
        # Events newer than the index: a scan of just those (ids above what is indexed).
        hits = source.search_events(needle, limit=limit, after_id=done)
        if done == 0:
            return hits
        wanted = needle.casefold()
        before = done + 1  # what the scan above did not cover, even if indexed since
        while len(hits) < limit:
            ids = self._matches(needle, before, limit)
            if not ids:
                break
            before = ids[-1]
            # Re-check against the database: the index may hold deleted or changed events.
            hits.extend(
                hit for hit in source.hits_by_id(ids) if wanted in hit.event.text.casefold()
            )
        if len(hits) < limit:  # ids below 1, never indexed: a scan of that rowid range
            hits.extend(source.search_events(needle, limit=limit - len(hits), before_id=1))
        if self._state().generation != state.generation:
            # The index started over while this search read it: what it read may be partial.
            return source.search_events(needle, limit=limit)
        return hits[:limit]

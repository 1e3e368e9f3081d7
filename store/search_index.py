"""A full-text index of event text, in a cache file of its own (never in the client's database).

SQLite's FTS5 with the trigram tokenizer answers "text contains this" (three characters or
more, case-insensitive) from an index instead of a scan of every event. The index is filled
incrementally by event id; every hit is read back from the session database and re-checked,
so an index that lags behind or holds deleted events never shows a wrong result. What it must
never do is MISS an event: a search answers from the index for ids up to ``last_id`` (the
highest id indexed) and scans the database above it, so the index must still describe every
event with an id up to ``last_id``.

This module keeps the index in step with the database and searches it; the index file itself
(its layout: groups of events per full-text row, the ``meta`` table, the guarded write
transactions) is ``search_index_file.py``.

Searching streams: ``stream`` yields hits newest first, batch by batch, as it finds them (the
events the index has not covered yet are scanned newest first in ranges of ``SCAN_IDS`` ids,
then the index's candidate groups are re-checked), so a caller shows the first hits long
before a scan of a database the index does not cover yet has finished, and stops early by
closing the iterator. ``search`` collects the same stream.

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
changed while the tail is the same           32 indexed groups (spread over 1..``last_id``):
                                             the digest of each one's first event's text with
                                             the database's text for that id
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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any, Final

from .rows import SearchHit, event_text
from .search_batches import MOVED, batches, read_ahead
from .search_index_file import (
    IndexedState,
    IndexMoved,
    SearchIndexFile,
    identity_text,
    text_digest,
)
from .store import Store

__all__ = ["BATCH", "MIN_NEEDLE", "SCAN_IDS", "SearchIndex", "scan_stream"]

MIN_NEEDLE: Final = 3
"""Shorter needles have no trigram: they are searched by a scan."""

BATCH: Final = 100_000
"""Events per write transaction while indexing. FTS5 writes a segment per transaction, so
small ones (2,000 events) left hundreds of segments to merge; searches read through their own
connection and never wait for one (about 0.6 s of work)."""
SCAN_IDS: Final = 65_536
"""Ids per step of a streamed scan (about 7 ms of ``LIKE`` on the benchmark's events)."""
_CANDIDATES: Final = 64  # candidate groups read from the index per step
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
# added to the index if what it extends is still what was indexed. Each event's text as the
# bytes ``LIKE`` reads (a BLOB's own bytes, a number's digits; decoding a million texts in
# Python cost a third of the build), and the (session ulid, seq, text) that the digest of
# ``last_row`` covers only for the first and the last event of the batch. An event whose
# session row is missing is indexed too (the count check counts it).
_ROWS_FROM: Final = (
    "SELECT id, raw, edge, CASE WHEN edge THEN (SELECT ulid FROM sessions WHERE id = session_id)"
    " END, CASE WHEN edge THEN seq END, CASE WHEN edge THEN text END FROM"
    " (SELECT e.id, e.session_id, e.seq, e.text, CAST(e.text AS BLOB) AS raw,"
    " e.id = ?1 OR e.id = (SELECT MAX(id) FROM (SELECT id FROM events WHERE id >= ?1"
    " ORDER BY id LIMIT ?2)) AS edge FROM events e WHERE e.id >= ?1 ORDER BY e.id LIMIT ?2)"
    " ORDER BY id"
)
# The same for a database whose text is not UTF-8 (what FTS5 reads a BLOB as): decoded.
_ROWS_FROM_DECODED: Final = _ROWS_FROM.replace("CAST(e.text AS BLOB)", "e.text")
_TEXTS_IN: Final = (
    "SELECT id, CAST(text AS BLOB) FROM events"
    " WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"
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


def _edge_digest(row: Sequence[Any]) -> str:
    """The digest of a row of ``_ROWS_FROM`` that is the first or last of its batch."""
    return _row_digest((row[0], *row[3:6]))


def _utf8(source: Store) -> bool:
    """Whether the database's text is UTF-8 (then read as bytes, as FTS5 reads a BLOB)."""
    return str(source._row("PRAGMA encoding")[0]).upper() == "UTF-8"


def _heads(source: Store, ids: Sequence[int]) -> dict[int, bytes]:
    """The digests of these events' texts, as the index's groups recorded them."""
    sql = _TEXTS_IN if _utf8(source) else _TEXTS_IN.replace("CAST(text AS BLOB)", "text")
    rows = source._rows(sql, (json.dumps(list(ids)),))
    return {int(row[0]): text_digest(row[1]) for row in rows}


def scan_stream(
    source: Store, needle: str, limit: int, *, above: int = 0, below: int | None = None
) -> Iterator[list[SearchHit]]:
    """Events with an id in ``above`` < id < ``below`` (default: all above ``above``) whose
    text contains ``needle``, newest first, scanned ``SCAN_IDS`` ids at a time: one list of
    hits per step (often empty), at most ``limit`` hits in all."""
    top = source.max_event_id() + 1 if below is None else below
    left = limit
    while top > above + 1 and left > 0:
        low = max(above + 1, top - SCAN_IDS)
        hits = source.search_events(needle, limit=left, after_id=low - 1, before_id=top)
        left -= len(hits)
        yield hits
        top = low


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
        """Up to ``_SAMPLES`` indexed groups spread over 1..last_id began with the text the
        database has under their first ids (by digest; ids the database no longer has are
        deletions: harmless)."""
        indexed = self._spread(state.last_id, max(1, state.last_id // _SAMPLES))
        if not indexed:
            return True
        found = _heads(source, sorted(indexed))
        return all(indexed[event_id] == head for event_id, head in found.items())

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
                sql = _ROWS_FROM if _utf8(source) else _ROWS_FROM_DECODED
                last = (state.last_id, state.last_row)
                for batch in read_ahead(batches(source, sql, last, newest, BATCH, _edge_digest)):
                    if batch is MOVED:
                        self._forget(state)
                        raise IndexMoved
                    state = self._append(state, batch.groups, batch.last_row, batch.events)
                    added += batch.events
                    if progress is not None:
                        progress(state.last_id, newest)
            except IndexMoved:
                continue  # the source or the index changed under this update: check again
            break
        if added >= BATCH:
            self._settle()
        return added

    # ---- searching -----------------------------------------------------------------------

    def search(self, source: Store, needle: str, limit: int = 100) -> list[SearchHit]:
        """Events whose text contains ``needle`` (as ``Store.search_events`` matches),
        newest first: ``stream`` collected."""
        found: dict[int, SearchHit] = {}
        for hits in self.stream(source, needle, limit):
            found.update((hit.event.id, hit) for hit in hits)
        return [found[event_id] for event_id in sorted(found, reverse=True)[:limit]]

    def stream(self, source: Store, needle: str, limit: int = 100) -> Iterator[list[SearchHit]]:
        """Events whose text contains ``needle``, in batches as found, newest first (but see
        below): by a scan of the events newer than the index (all of them while it has none),
        then from the index's candidates, each re-checked against the database, so a stale
        index never shows a wrong hit. At most ``limit`` hits, each once.

        Should the index start over while this reads it (another handle emptied it), what
        it read may lack hits: the rest is then scanned, and a later batch may hold hits
        newer than earlier ones (a caller keeps them sorted by id)."""
        if len(needle) < MIN_NEEDLE:
            yield from scan_stream(source, needle, limit)
            return
        state = self._checked(source)
        done = state.last_id
        left = limit
        # Events newer than the index: a scan of just those (ids above what is indexed).
        for hits in scan_stream(source, needle, left, above=done):
            left -= len(hits)
            yield hits
        if done == 0 or left <= 0:
            return
        before = done + 1  # what the scan above did not cover, even if indexed since
        seen: set[int] = set()
        while left > 0:
            groups = self._matches(needle, before, _CANDIDATES)
            if not groups:
                break
            before = groups[-1][0]
            for start, stop in groups:
                hits = source.search_events(
                    needle, limit=left, after_id=start - 1, before_id=stop + 1
                )
                if hits:
                    seen.update(hit.event.id for hit in hits)
                    left -= len(hits)
                    yield hits
                if left <= 0:
                    break
        if left > 0:  # ids below 1, never indexed: a scan of that rowid range
            hits = source.search_events(needle, limit=left, before_id=1)
            left -= len(hits)
            yield hits
        if self._state().generation != state.generation:
            # The index started over while this search read it: scan what it covered.
            for hits in scan_stream(source, needle, limit, above=0, below=done + 1):
                yield [hit for hit in hits if hit.event.id not in seen]

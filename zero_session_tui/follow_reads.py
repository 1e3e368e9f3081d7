"""What the live follow reads in its worker: what changed in the shown session and the list.

No Textual here. The follow controller snapshots its inputs on the UI thread (``Followed``,
``ListState``: frozen values); these functions read only what changed (events after the last
seq seen, the loaded sessions still open) and answer with frozen values that the controller
applies back on the UI thread.
"""

from __future__ import annotations

import time
from array import array
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from store import SessionRow, Store, StoredEvent
from store.tail_reads import SessionsMark

from .catalog import Catalog, FileChange, ListOrder, SessionItem, SessionKey
from .change_watcher import ChangeWatcher
from .timeline import TimelineShape

__all__ = [
    "Followed",
    "ListState",
    "PollResult",
    "SessionGone",
    "SessionGrew",
    "SessionMoved",
    "SessionsRefreshed",
    "grown_shape",
    "list_changes",
    "poll",
    "read_followed",
]

_BATCH = 2_000
"""New events read per statement while catching up (a flood is read in several)."""
_BEFORE_ANY = -(2**63)
"""Below every seq SQLite can store (``seq > _BEFORE_ANY``: all but that one value)."""


@dataclass(frozen=True, slots=True)
class Followed:
    """What the replay shows, as the poll must know it: the session by identity, the rows
    shown, and the last seq whose kind is counted (all kinds, whatever the filter)."""

    key: SessionKey
    ulid: str
    session: SessionRow
    shape: TimelineShape
    kinds: frozenset[str] | None
    read_seq: int | None
    counted_seq: int | None


@dataclass(frozen=True, slots=True)
class ListState:
    """What the session list holds, as the poll must know it: with ``marks``, each
    partition's sessions mark as of the last refresh applied to this list (in this order),
    and its total then."""

    ready: bool
    loaded: tuple[SessionItem, ...]
    order: ListOrder
    marks: Mapping[int, SessionsMark] = field(default_factory=dict)
    total: int | None = None
    open_rows: bool = True
    """Read the open sessions listed again (their counts grow with every event)..."""
    rows_due: frozenset[int] = frozenset()
    """... also in these partitions, changed since their open sessions were last read."""


@dataclass(frozen=True, slots=True)
class SessionGrew:
    """The shown session has new events (or has ended): its new shape, the last seq read,
    and the kind counts of the events from ``counted_from`` (exclusive) to ``counted_to``."""

    key: SessionKey
    base: TimelineShape
    session: SessionRow
    shape: TimelineShape
    read_to: int | None
    counted_from: int | None
    counted_to: int | None
    new_counts: dict[str, int]
    appended: tuple[StoredEvent, ...] = ()
    """The events of the rows ``shape`` has after ``base``'s, in order (drawn from them)."""


@dataclass(frozen=True, slots=True)
class SessionGone:
    """The shown session no longer exists (deleted by another process, or its file was
    replaced by one without it)."""

    key: SessionKey
    ulid: str


@dataclass(frozen=True, slots=True)
class SessionMoved:
    """The shown session is still there under another row id (its file was replaced)."""

    key: SessionKey
    moved_to: SessionKey


@dataclass(frozen=True, slots=True)
class SessionsRefreshed:
    """Fresh summaries for the list: new sessions (newest first), updated and gone ones."""

    newest: list[SessionItem]
    updated: list[SessionItem]
    gone: list[SessionKey]
    total: int
    marks: Mapping[int, SessionsMark] = field(default_factory=dict)
    """The sessions marks this refresh was read under (kept for the next poll)..."""
    order: ListOrder | None = None
    """... in this order of the list."""
    open_rows: bool = True
    """Whether the open sessions listed were read again (``updated`` has those that changed)
    in ``partitions`` (the partitions this refresh looked at)."""
    partitions: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll found, in the order it is applied: files replaced or removed, then the
    shown session, then the list."""

    files: tuple[FileChange, ...] = field(default_factory=tuple)
    shown: SessionGrew | SessionGone | SessionMoved | None = None
    listed: SessionsRefreshed | None = None
    error: Exception | None = None
    """The reads after the files were checked failed (the files' changes are still said)."""
    seconds: float = 0.0
    """How long the poll's reads took (in its worker)."""


def poll(
    catalog: Catalog,
    watcher: ChangeWatcher,
    followed: Followed | None,
    listed: ListState,
    *,
    recheck: bool,
) -> PollResult:
    """One poll: what changed since the last one (in a worker thread)."""
    started = time.perf_counter()
    changes = watcher.changed()
    shown = None
    try:
        if followed is not None and (recheck or followed.key.partition in changes.partitions):
            shown = read_followed(catalog, followed)
        refreshed: SessionsRefreshed | None = None
        partitions = set(changes.partitions)
        if listed.open_rows:
            partitions |= listed.rows_due  # counts that grew while the rows were not read
        if partitions and not changes.files:
            refreshed = list_changes(catalog, partitions, listed)
    except Exception as error:  # what was read is applied
        return PollResult(changes.files, shown, error=error, seconds=time.perf_counter() - started)
    return PollResult(changes.files, shown, refreshed, seconds=time.perf_counter() - started)


def grown_shape(shape: TimelineShape, seqs: list[int]) -> TimelineShape:
    """``shape`` with rows for ``seqs`` (ascending, all above ``shape.last_seq``) appended."""
    if not seqs:
        return shape
    if shape.count == 0:
        if seqs == list(range(seqs[0], seqs[0] + len(seqs))):
            return TimelineShape(seqs[0], seqs[-1], len(seqs))
        return TimelineShape(seqs[0], seqs[-1], len(seqs), array("q", seqs))
    continues = seqs == list(range(shape.last_seq + 1, shape.last_seq + 1 + len(seqs)))
    if shape.contiguous and continues:
        return TimelineShape(
            shape.first_seq, seqs[-1], shape.count + len(seqs), verified=shape.verified
        )
    old = (
        shape.seqs
        if shape.seqs is not None
        else array("q", range(shape.first_seq, shape.last_seq + 1))
    )
    return TimelineShape(
        shape.first_seq,
        seqs[-1],
        shape.count + len(seqs),
        array("q", [*old, *seqs]),
        verified=shape.verified,
    )


def _events_since(store: Store, session_id: int, seq: int) -> list[StoredEvent]:
    """Every event after ``seq``, in order, in batches: the cost of what is new."""
    found: list[StoredEvent] = []
    while True:
        batch = store.events_after(session_id, seq, _BATCH)
        found.extend(batch)
        if len(batch) < _BATCH:
            return found
        seq = batch[-1].seq


def read_followed(
    catalog: Catalog, followed: Followed
) -> SessionGrew | SessionGone | SessionMoved | None:
    """What became of the shown session (None: nothing new)."""
    key = followed.key
    store = catalog.store(key.partition)
    session = store.get_session(key.session_id)
    if session is None or session.ulid != followed.ulid:
        # By identity: a row id reused by another session is not this session.
        moved = store.get_session_by_ulid(followed.ulid)
        if moved is None:
            return SessionGone(key, followed.ulid)
        return SessionMoved(key, SessionKey(key.partition, moved.id))
    shape = followed.shape
    since = followed.counted_seq
    # Read from the lowest seq one of the two still needs: rows to show after the last
    # seq read, kinds to count after the last seq counted. Each costs what is new.
    starts = [seq for seq in (followed.read_seq, since) if seq is not None]
    fresh = _events_since(store, key.session_id, min(starts) if starts else _BEFORE_ANY)
    floor = followed.read_seq if followed.read_seq is not None else _BEFORE_ANY
    shown = tuple(
        e
        for e in fresh
        if e.seq > floor
        and (shape.count == 0 or e.seq > shape.last_seq)
        and (followed.kinds is None or e.kind.value in followed.kinds)
    )
    counted = [e for e in fresh if since is not None and e.seq > since]
    read_to = fresh[-1].seq if fresh else followed.read_seq
    if read_to is not None and followed.read_seq is not None:
        read_to = max(read_to, followed.read_seq)
    if read_to == followed.read_seq and not counted and session == followed.session:
        return None
    return SessionGrew(
        key,
        shape,
        session,
        grown_shape(shape, [e.seq for e in shown]),
        read_to,
        since,
        counted[-1].seq if counted else since,
        dict(Counter(e.kind_label for e in counted)),
        shown,
    )


def list_changes(
    catalog: Catalog, partitions: set[int], listed: ListState
) -> SessionsRefreshed | None:
    """New, updated and gone sessions of the list (None: its first page is still loading).

    While a partition's sessions mark is the one of the last refresh, no session was added
    to it or deleted from it: its new and gone sessions and the total are not read again
    (paging the list's first page sorts the whole sessions table: 30 ms for 10,000). Only
    the open sessions listed are read (when ``open_rows``), each at the cost of its new
    events."""
    if not listed.ready:
        # The first page is still loading (and will be fresh). Refreshing now would list
        # every session as new, move the cursor to the top and preview that session
        # instead of the one --session asked for.
        return None
    marks = {p: catalog.store(p).sessions_mark() for p in partitions}
    # A "live" or "open" filter's total moves with the events' times: read it every time.
    timed = listed.order.where.status in ("live", "open")
    changed = {p for p in partitions if listed.marks.get(p) != marks[p]}
    newest: list[SessionItem] = []
    gone: list[SessionKey] = []
    total = listed.total
    if changed or timed or total is None:
        newest, gone, total = _sessions_changed(catalog, changed or partitions, listed)
    updated = [
        fresh
        for item in listed.loaded
        if item.key.partition in partitions
        and listed.open_rows
        and item.session.ended_at is None
        and item.key not in gone
        for fresh in [catalog.item(item.key)]
        if fresh is not None and fresh != item
    ]
    return SessionsRefreshed(
        newest,
        updated,
        gone,
        total,
        marks={**listed.marks, **marks},
        order=listed.order,
        open_rows=listed.open_rows,
        partitions=frozenset(partitions),
    )


def _sessions_changed(
    catalog: Catalog, partitions: set[int], listed: ListState
) -> tuple[list[SessionItem], list[SessionKey], int]:
    """The new sessions (above the first listed, in the list's order), the listed ones gone
    from ``partitions``, and the list's total: reads that cost the number of sessions."""
    newest: list[SessionItem] = []
    # The list's own sort and filter: a new session that does not pass the filter is not
    # added, and the total is the filtered one.
    pager = catalog.pager(order=listed.order)
    listed_ulids = {i.key: i.session.ulid for i in listed.loaded}
    for item in pager.next_page():
        if listed_ulids.get(item.key) == item.session.ulid:
            break  # by identity: a new session may have a listed session's reused row id
        newest.append(item)
    gone: list[SessionKey] = []
    for partition in partitions:
        mine = [i for i in listed.loaded if i.key.partition == partition]
        present = catalog.store(partition).session_ulids([i.key.session_id for i in mine])
        gone.extend(i.key for i in mine if present.get(i.key.session_id) != i.session.ulid)
    return newest, gone, pager.total()

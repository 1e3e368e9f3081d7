"""Live tail: poll each database cheaply; grow the shown session and refresh the list.

The poll's state is taken on the UI thread (what is shown, what the list holds) and handed
to a worker as frozen values; the worker reads only what changed (events after the last seq
seen, the loaded sessions still open) and answers with messages. Nothing in the worker
touches a widget.
"""

from __future__ import annotations

import time
from array import array
from collections import Counter
from dataclasses import dataclass

from textual import work
from textual.css.query import NoMatches
from textual.message import Message

from store import SessionRow, Store, StoredEvent

from .app_base import AppBase
from .catalog import FileChange, ListOrder, SessionItem, SessionKey
from .live import POLL_INTERVAL, ChangeWatcher
from .timeline import TimelineShape

__all__ = ["LiveMixin", "grown_shape"]

_BATCH = 2_000
FILE_CHANGE_MEMORY_S = 10.0
"""A shown session found missing this soon after its file changed is said to be missing from
the new file, not deleted by another program."""
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
    """What the session list holds, as the poll must know it."""

    ready: bool
    loaded: tuple[SessionItem, ...]
    order: ListOrder


@dataclass
class SessionGrew(Message):
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


@dataclass
class SessionGone(Message):
    """The shown session no longer exists (deleted by another process, or its file was
    replaced by one without it)."""

    key: SessionKey
    ulid: str


@dataclass
class SessionMoved(Message):
    """The shown session is still there under another row id (its file was replaced)."""

    key: SessionKey
    moved_to: SessionKey


@dataclass
class SessionsRefreshed(Message):
    """Fresh summaries for the list: new sessions (newest first), updated and gone ones."""

    newest: list[SessionItem]
    updated: list[SessionItem]
    gone: list[SessionKey]
    total: int


@dataclass
class FilesChanged(Message):
    """Database files replaced, removed or back under the app."""

    changes: tuple[FileChange, ...]


@dataclass
class FollowFailed(Message):
    """A poll failed: the view is no longer being refreshed."""

    error: Exception


class FollowRecovered(Message):
    """A poll succeeded after failing: the view is refreshed again."""


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


class LiveMixin(AppBase):
    watcher: ChangeWatcher | None = None
    list_order: ListOrder  # set by the app: how the list is sorted and filtered
    read_seq: int | None = None
    """The last seq of the shown session the poll has read (None: none yet)."""
    counted_seq: int | None = None
    """The last seq of the shown session whose kind the bar's counts include."""
    _recheck_shown = False
    _file_changes: dict[int, float]
    """When each partition's file was last replaced or removed (monotonic seconds)."""
    follow_failing = False
    """The last poll failed (said once; the replay's title says "not refreshed")."""

    def start_watching(self) -> None:
        self._file_changes = {}
        self.watcher = ChangeWatcher(self.catalog)
        self.set_interval(POLL_INTERVAL, self._poll)

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None

    # ---- on the UI thread: what the poll must know ------------------------------------------

    def _poll(self) -> None:
        if not self.ui_alive:
            return
        followed: Followed | None = None
        timeline = self.replay.timeline
        if timeline is not None and timeline.key == self.shown_key:
            followed = Followed(
                timeline.key,
                timeline.session.ulid,
                timeline.session,
                timeline.shape,
                timeline.kinds,
                self.read_seq,
                self.counted_seq,
            )
        table = self.table
        listed = ListState(
            table.total is not None,
            tuple(table.items),
            self.list_order,
        )
        recheck, self._recheck_shown = self._recheck_shown, False
        self._poll_worker(followed, listed, recheck)

    # ---- in the worker: read what changed ---------------------------------------------------

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll_worker(self, followed: Followed | None, listed: ListState, recheck: bool) -> None:
        watcher = self.watcher
        if watcher is None:
            return
        try:
            changes = watcher.changed()
            if changes.files:
                self.post_message(FilesChanged(changes.files))
            if followed is not None and (recheck or followed.key.partition in changes.partitions):
                self._follow(followed)
            if changes.partitions and not changes.files:
                self._refresh_list(set(changes.partitions), listed)
        except Exception as error:
            self.post_message(FollowFailed(error))
            return
        if self.follow_failing:
            self.post_message(FollowRecovered())

    def _follow(self, followed: Followed) -> None:
        key = followed.key
        store = self.catalog.store(key.partition)
        session = store.get_session(key.session_id)
        if session is None or session.ulid != followed.ulid:
            # By identity: a row id reused by another session is not this session.
            moved = store.get_session_by_ulid(followed.ulid)
            if moved is None:
                self.post_message(SessionGone(key, followed.ulid))
            else:
                self.post_message(SessionMoved(key, SessionKey(key.partition, moved.id)))
            return
        shape = followed.shape
        since = followed.counted_seq
        # Read from the lowest seq one of the two still needs: rows to show after the last
        # seq read, kinds to count after the last seq counted. Each costs what is new.
        starts = [seq for seq in (followed.read_seq, since) if seq is not None]
        fresh = _events_since(store, key.session_id, min(starts) if starts else _BEFORE_ANY)
        floor = followed.read_seq if followed.read_seq is not None else _BEFORE_ANY
        shown = [
            e.seq
            for e in fresh
            if e.seq > floor
            and (shape.count == 0 or e.seq > shape.last_seq)
            and (followed.kinds is None or e.kind.value in followed.kinds)
        ]
        counted = [e for e in fresh if since is not None and e.seq > since]
        read_to = fresh[-1].seq if fresh else followed.read_seq
        if read_to is not None and followed.read_seq is not None:
            read_to = max(read_to, followed.read_seq)
        if read_to == followed.read_seq and not counted and session == followed.session:
            return
        self.post_message(
            SessionGrew(
                key,
                shape,
                session,
                grown_shape(shape, shown),
                read_to,
                since,
                counted[-1].seq if counted else since,
                dict(Counter(e.kind_label for e in counted)),
            )
        )

    def _refresh_list(self, partitions: set[int], listed: ListState) -> None:
        if not listed.ready:
            # The first page is still loading (and will be fresh). Refreshing now would list
            # every session as new, move the cursor to the top and preview that session
            # instead of the one --session asked for.
            return
        newest: list[SessionItem] = []
        # The list's own sort and filter: a new session that does not pass the filter is not
        # added, and the total is the filtered one.
        pager = self.catalog.pager(order=listed.order)
        listed_ulids = {i.key: i.session.ulid for i in listed.loaded}
        for item in pager.next_page():
            if listed_ulids.get(item.key) == item.session.ulid:
                break  # by identity: a new session may have a listed session's reused row id
            newest.append(item)
        gone: list[SessionKey] = []
        for partition in partitions:
            mine = [i for i in listed.loaded if i.key.partition == partition]
            present = self.catalog.store(partition).session_ulids([i.key.session_id for i in mine])
            gone.extend(i.key for i in mine if present.get(i.key.session_id) != i.session.ulid)
        updated = [
            fresh
            for item in listed.loaded
            if item.key.partition in partitions
            and item.session.ended_at is None
            and item.key not in gone
            for fresh in [self.catalog.item(item.key)]
            if fresh is not None and fresh != item
        ]
        self.post_message(SessionsRefreshed(newest, updated, gone, pager.total()))

    # ---- back on the UI thread ------------------------------------------------------------

    def on_session_grew(self, message: SessionGrew) -> None:
        if not self.ui_alive:
            return
        try:
            timeline = self.replay.timeline
        except NoMatches:  # the app is closing: a poll still in flight finds no widgets
            return
        if timeline is None or timeline.key != message.key or message.key != self.shown_key:
            return
        if timeline.kinds != self.kinds or timeline.shape != message.base:
            self._recheck_shown = True  # grown from a state no longer shown: read again
            return
        self.read_seq = message.read_to
        if message.counted_from == self.counted_seq and message.counted_to is not None:
            counts = Counter(self.bar.counts)
            counts.update(message.new_counts)
            self.counted_seq = message.counted_to
            self.bar.set_counts(dict(counts), self.kinds)
        if message.shape == timeline.shape and message.session == timeline.session:
            return
        live = message.session.ended_at is None
        self.replay.grow(timeline.grown(message.session, message.shape), live)

    def on_session_gone(self, message: SessionGone) -> None:
        if not self.ui_alive or message.key != self.shown_key:
            return
        self.shown_key = self.wanted_key = None
        self.read_seq = self.counted_seq = None
        changed = self._file_changes.get(message.key.partition)
        if changed is not None and time.monotonic() - changed < FILE_CHANGE_MEMORY_S:
            # Its file was just replaced or removed (said already): not "deleted elsewhere".
            self.replay.note = f"Session {message.ulid} is not in the database's new file."
            notice = f"Session {message.ulid} is not in the new file; the replay stopped."
        else:
            self.replay.note = f"Session {message.ulid} no longer exists (deleted elsewhere)."
            notice = f"Session {message.ulid} was deleted by another program; the replay stopped."
        self.replay.show(None)
        self.bar.set_counts({}, self.kinds)  # no counts of a session no longer shown
        self.notify(notice, severity="warning", markup=False)
        # By identity: the row id may already be listed for another session (a new file).
        gone = [i.key for i in self.table.items if i.session.ulid == message.ulid]
        self.table.remove_keys([key for key in gone if key == message.key])

    def on_session_moved(self, message: SessionMoved) -> None:
        if not self.ui_alive or message.key != self.shown_key:
            return
        self.open_session(message.moved_to, self.replay.cursor_event_seq(), quiet=True)

    def on_files_changed(self, message: FilesChanged) -> None:
        if not self.ui_alive:
            return
        for change in message.changes:
            self._file_changes[change.partition.index] = time.monotonic()
            self.notify(change.describe(), severity="warning", markup=False, timeout=8)
        self._recheck_shown = True
        self.reload_sessions()

    def on_follow_failed(self, message: FollowFailed) -> None:
        if not self.ui_alive:
            return
        replay = self.replay
        if replay.live or not replay.stale:
            replay.live = False  # never "LIVE" for a view that is not refreshed
            replay.stale = True
            replay.announce()
        if not self.follow_failing:  # said once, not at every poll while it lasts
            self.follow_failing = True
            self.report("Cannot follow changes (retrying)", message.error)

    def on_follow_recovered(self, message: FollowRecovered) -> None:
        if not self.ui_alive or not self.follow_failing:
            return
        self.follow_failing = False
        self.replay.stale = False
        self.notify("Following changes again.", markup=False)
        if self.shown_key is not None:  # re-read it: it may have changed meanwhile
            self.open_session(self.shown_key, self.replay.cursor_event_seq(), quiet=True)
        else:
            self.replay.announce()

    def on_sessions_refreshed(self, message: SessionsRefreshed) -> None:
        if not self.ui_alive:
            return
        try:
            table = self.table
        except NoMatches:  # the app is closing
            return
        if message.gone:
            table.remove_keys(message.gone)
        for item in message.updated:
            table.update_item(item)
        if message.newest:
            table.prepend_items(message.newest)
        table.set_total(message.total)

"""Live follow: poll each database cheaply; grow the shown session and refresh the list.

The poll's inputs are taken on the UI thread (what is shown, what the list holds) as frozen
values; ``follow_reads.poll`` reads what changed in a worker; the answer is applied here,
back on the UI thread. Nothing in the worker touches a widget.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING

from store.tail_reads import SessionsMark

from .. import follow_reads
from ..catalog import FileChange
from ..change_watcher import POLL_INTERVAL, ChangeWatcher
from ..follow_log import FollowLog
from ..follow_reads import (
    Followed,
    ListState,
    PollResult,
    SessionGone,
    SessionGrew,
    SessionMoved,
    SessionsRefreshed,
)
from ..widgets.replay_messages import ReplayProgress

if TYPE_CHECKING:
    from ..app import ZeroSessionApp

__all__ = ["FILE_CHANGE_MEMORY_S", "LIST_ROWS_EVERY_S", "LiveFollow"]

FILE_CHANGE_MEMORY_S = 10.0
"""A shown session found missing this soon after its file changed is said to be missing from
the new file, not deleted by another program."""


LIST_ROWS_EVERY_S = 3.0
"""After the list's rows of open sessions were updated, they are read again no sooner than
this (the replay and its counts at every poll): each update of a row draws every row of the
table again (Textual's DataTable drops its whole render cache on any cell update), which
at every poll was most of the cost of following a live session. The first change after a
quiet spell shows at the next poll."""


class LiveFollow:
    """Owns the watcher and the poll; applies what each poll found."""

    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app
        self.state = app.state
        self.watcher: ChangeWatcher | None = None
        self.failing = False
        """The last poll failed (said once; the replay's title says "not refreshed")."""
        self._recheck_shown = False
        self._file_changes: dict[int, float] = {}
        """When each partition's file was last replaced or removed (monotonic seconds)."""
        self._marks: dict[int, SessionsMark] = {}
        """Each partition's sessions mark as of the last list refresh applied (in the list's
        order then): while it holds, the poll does not read the list's new sessions again."""
        self._rows_read_at = -LIST_ROWS_EVERY_S
        """When a poll last read the list's open sessions again (monotonic seconds)."""
        self._rows_due: frozenset[int] = frozenset()
        """Partitions changed since their open sessions' rows were last read."""
        self.log = FollowLog.from_env()
        """The benchmark's log of what each poll appended (None: not asked for)."""

    def start(self) -> None:
        self.watcher = ChangeWatcher(self.app.catalog)
        self.app.set_interval(POLL_INTERVAL, self.poll)

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None
        if self.log is not None:
            self.log.close()
            self.log = None

    # ---- on the UI thread: what the poll must know ------------------------------------------

    def poll(self) -> None:
        watcher = self.watcher
        if watcher is None or not self.app.ui_alive:
            return
        followed: Followed | None = None
        timeline = self.app.replay.timeline
        if timeline is not None and timeline.key == self.state.shown_key:
            followed = Followed(
                timeline.key,
                timeline.session.ulid,
                timeline.session,
                timeline.shape,
                timeline.kinds,
                self.state.read_seq,
                self.state.counted_seq,
            )
        table = self.app.table
        ready = table.total is not None
        if not ready:
            self._marks = {}  # the list is being read again: its marks are no longer its own
        open_rows = time.monotonic() - self._rows_read_at >= LIST_ROWS_EVERY_S
        listed = ListState(
            ready,
            tuple(table.items),
            self.state.list_order,
            dict(self._marks),
            table.total,
            open_rows,
            self._rows_due,
        )
        recheck, self._recheck_shown = self._recheck_shown, False
        catalog = self.app.catalog
        self.app.in_thread(
            lambda: follow_reads.poll(catalog, watcher, followed, listed, recheck=recheck),
            self.apply,
            group="poll",
            exclusive=True,
            failed=self.failed,
        )

    # ---- back on the UI thread ------------------------------------------------------------

    def apply(self, result: PollResult) -> None:
        """What a poll found, on the UI thread (dropped once the app is closing: a poll still
        in flight then finds no widgets)."""
        if not self.app.ui_alive:
            return
        # One frame for all a poll changes (the pane, its bar and strip, the list's row), not
        # one for the pane and another when the replay's Changed message has come round.
        with self.app.batch_update():
            self._apply(result)

    def _apply(self, result: PollResult) -> None:
        if self.log is not None:
            self.log.poll(result.seconds)
        if result.files:
            self.files_changed(result.files)
        if isinstance(result.shown, SessionGrew):
            self.grew(result.shown)
        elif isinstance(result.shown, SessionGone):
            self.gone(result.shown)
        elif isinstance(result.shown, SessionMoved):
            self.moved(result.shown)
        if result.listed is not None:
            self.refreshed(result.listed)
        if result.error is not None:
            self.failed(result.error)
        elif self.failing:
            self.recovered()

    def grew(self, grew: SessionGrew) -> None:
        state, replay, bar = self.state, self.app.replay, self.app.bar
        timeline = replay.timeline
        if timeline is None or timeline.key != grew.key or grew.key != state.shown_key:
            return
        if timeline.kinds != state.kinds or timeline.shape != grew.base:
            self._recheck_shown = True  # grown from a state no longer shown: read again
            if self.log is not None:
                self.log.reset("recheck")
            return
        state.read_seq = grew.read_to
        if grew.counted_from == state.counted_seq and grew.counted_to is not None:
            counts = Counter(bar.counts)
            counts.update(grew.new_counts)
            state.counted_seq = grew.counted_to
            bar.set_counts(dict(counts), state.kinds)
        if grew.shape == timeline.shape and grew.session == timeline.session:
            return
        live = grew.session.ended_at is None
        replay.grow(timeline.grown(grew.session, grew.shape, grew.appended), live)
        self.app.replay_changed(ReplayProgress.of(replay))  # in this poll's frame
        if self.log is not None:
            self.log.grew(grew.base, grew.shape)

    def gone(self, gone: SessionGone) -> None:
        if gone.key != self.state.shown_key:
            return
        self.state.forget_shown()
        replay, table = self.app.replay, self.app.table
        changed = self._file_changes.get(gone.key.partition)
        if changed is not None and time.monotonic() - changed < FILE_CHANGE_MEMORY_S:
            # Its file was just replaced or removed (said already): not "deleted elsewhere".
            replay.note = f"Session {gone.ulid} is not in the database's new file."
            notice = f"Session {gone.ulid} is not in the new file; the replay stopped."
        else:
            replay.note = f"Session {gone.ulid} no longer exists (deleted elsewhere)."
            notice = f"Session {gone.ulid} was deleted by another program; the replay stopped."
        replay.show(None)
        self.app.bar.set_counts({}, self.state.kinds)  # no counts of a session not shown
        self.app.notify(notice, severity="warning", markup=False)
        # By identity: the row id may already be listed for another session (a new file).
        listed = [i.key for i in table.items if i.session.ulid == gone.ulid]
        table.remove_keys([key for key in listed if key == gone.key])

    def moved(self, moved: SessionMoved) -> None:
        if moved.key == self.state.shown_key:
            seq = self.app.replay.cursor_event_seq()
            self.app.opener.open(moved.moved_to, seq, quiet=True)

    def files_changed(self, changes: tuple[FileChange, ...]) -> None:
        for change in changes:
            self._file_changes[change.partition.index] = time.monotonic()
            self.app.notify(change.describe(), severity="warning", markup=False, timeout=8)
        self._recheck_shown = True
        self._marks = {}
        self.app.session_list.reload()

    def failed(self, error: Exception) -> None:
        replay = self.app.replay
        if replay.live or not replay.stale:
            replay.live = False  # never "LIVE" for a view that is not refreshed
            replay.stale = True
            replay.announce()
        if not self.failing:  # said once, not at every poll while it lasts
            self.failing = True
            self.app.report("Cannot follow changes (retrying)", error)

    def recovered(self) -> None:
        self.failing = False
        replay = self.app.replay
        replay.stale = False
        self.app.notify("Following changes again.", markup=False)
        if self.state.shown_key is not None:  # re-read it: it may have changed meanwhile
            self.app.opener.reopen_shown()
        else:
            replay.announce()

    def refreshed(self, refreshed: SessionsRefreshed) -> None:
        table = self.app.table
        if refreshed.gone:
            table.remove_keys(refreshed.gone)
        for item in refreshed.updated:
            table.update_item(item)
        if refreshed.newest:
            table.prepend_items(refreshed.newest)
        table.set_total(refreshed.total)
        if refreshed.open_rows:
            if refreshed.updated:  # rows drawn again: the next update waits
                self._rows_read_at = time.monotonic()
            self._rows_due -= refreshed.partitions
        else:
            self._rows_due |= refreshed.partitions
        same_order = refreshed.order == self.state.list_order
        self._marks = dict(refreshed.marks) if same_order else {}

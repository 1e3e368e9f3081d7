"""Opening a session in the replay pane: from the list (preview, Enter), by ``--session``,
again with other kinds shown; then its exact count and kind counts, after the first screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.timer import Timer

from ..catalog import SessionItem, SessionKey
from ..timeline import Opened, Timeline, TimelineShape, open_timeline, verify_shape
from ..warmup import Found, Warmup, find_and_open

if TYPE_CHECKING:
    from ..app import ZeroSessionApp

__all__ = ["PREVIEW_DELAY", "SessionOpener"]

PREVIEW_DELAY = 0.12
"""Seconds the list cursor rests on a session before the replay pane previews it."""


@dataclass(frozen=True, slots=True)
class _Checked:
    timeline: Timeline
    shape: TimelineShape
    counts: dict[str, int]
    through: int | None


class SessionOpener:
    """Opens sessions in workers; shows only the one still wanted (``BrowsingState``)."""

    def __init__(self, app: ZeroSessionApp, warm: Warmup | None, *, live: bool) -> None:
        self.app = app
        self.state = app.state
        self.catalog = app.catalog
        self.warm = warm
        self.live = live
        self._preview_timer: Timer | None = None

    # ---- from the list ---------------------------------------------------------------------

    def stop_preview(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()

    def highlighted(self, item: SessionItem) -> None:
        table = self.app.table
        if self.state.ulid_pending:
            return  # --session ULID is being opened: no preview of the first row meanwhile
        if not table.has_focus:
            # Only the user's own cursor moves preview: not the first row's highlight while
            # the replay shows a --session beyond the loaded pages, nor rows a live refresh
            # or a delete moved under a cursor the user is not looking at.
            return
        current = table.current_item()
        if current is None or current.key != item.key:
            # Stale: the cursor has left that row since (the highlight of the first row,
            # posted while --session ULID was pending, can arrive after the ULID was opened
            # and selected; its preview then replaced the session asked for).
            return
        self.stop_preview()
        if self.state.is_current(item.key):
            return
        key = item.key
        self._preview_timer = self.app.set_timer(PREVIEW_DELAY, lambda: self.open(key))

    def chosen(self, item: SessionItem) -> None:
        self.stop_preview()
        if not self.state.is_current(item.key):
            self.open(item.key)
        self.app.replay.focus()

    # ---- open ------------------------------------------------------------------------------

    def open(self, key: SessionKey, seq: int | None = None, quiet: bool = False) -> None:
        """Open ``key`` in the replay pane (at ``seq`` when given; ``quiet``: no notice when
        that event is not shown)."""
        # A preview still pending (e.g. the list loaded before --session ULID#SEQ was found)
        # would reopen the session at its end, losing the event asked for.
        self.stop_preview()
        self.state.wanted_key = key
        catalog, kinds, now = self.catalog, self.state.kinds, self.app.clock()

        def read() -> Opened | None:
            session = catalog.store(key.partition).get_session(key.session_id)
            if session is None:
                return None
            return open_timeline(catalog, key, session, seq, kinds, now)

        def opened(result: Opened | None) -> None:
            if result is None:
                self.app.notify("That session no longer exists.", markup=False)
            elif self._show(result, None if quiet else seq):
                self.check(result)

        self.app.in_thread(
            read, opened, group="open", exclusive=True, failure="Cannot open session"
        )

    def reopen_shown(self, quiet: bool = True) -> None:
        """Read the shown session again (other kinds, a new file), the cursor on its event."""
        if self.state.shown_key is not None:
            self.open(self.state.shown_key, self.app.replay.cursor_event_seq(), quiet=quiet)

    def toggle_kind(self, kind: str) -> None:
        self.state.toggle_kind(kind)
        if self.state.shown_key is not None:
            # The cursor's event may be one now hidden: the nearest shown one after it (or
            # the end) is taken, without a notice. A timed replay goes on, filtered.
            self.app.replay.keep_replay()
            self.reopen_shown()

    def _show(self, opened: Opened, seq: int | None) -> bool:
        """Show ``opened`` if it is still what the user wants (False: moved on)."""
        timeline = opened.timeline
        if timeline.key != self.state.wanted_key or timeline.kinds != self.state.kinds:
            return False
        self.state.showing(timeline.key, timeline.shape.last_seq if timeline.count else None)
        # LIVE only where the view is refreshed: never with --no-live.
        self.app.replay.show(timeline, opened.row, opened.live and self.live)
        if seq is not None and opened.row is None and timeline.count:
            self.app.notify(f"No event at seq {seq} is shown; showing the end.", markup=False)
        return True

    # ---- after the first screen ------------------------------------------------------------

    def check(self, opened: Opened) -> None:
        """The exact count, and the counts of each kind (both cost the session's size, so
        they never delay what the user sees first: read once the frame showing the session
        is drawn, not beside it, where they took a core from it)."""
        self.app.main.call_after_refresh(self._check, opened)

    def _check(self, opened: Opened) -> None:
        timeline, catalog = opened.timeline, self.catalog

        def read() -> _Checked:
            shape = verify_shape(catalog, timeline.key, timeline.shape)
            store = catalog.store(timeline.key.partition)
            bounds = store.seq_bounds(timeline.key.session_id)
            through = bounds[1] if bounds is not None else None
            counts = (
                store.kind_counts_through(timeline.key.session_id, through)
                if through is not None
                else {}
            )
            return _Checked(timeline, shape, counts, through)

        self.app.in_thread(
            read,
            self._checked,
            group="check",
            exclusive=True,
            failure="Cannot read the session",
            wanted=lambda checked: self.app.replay.timeline is checked.timeline,
        )

    def _checked(self, checked: _Checked) -> None:
        replay, timeline, shape = self.app.replay, checked.timeline, checked.shape
        # The counts include every event up to ``through``; the poll adds what follows it
        # (an empty session: from the start).
        self.state.counted_seq = checked.through if checked.through is not None else -(2**63)
        if shape != timeline.shape:
            fixed = timeline.checked(shape)
            if fixed.count == timeline.count and shape.contiguous:
                replay.timeline = fixed
            else:  # seqs have gaps: rows moved; keep the cursor on its event
                seq = replay.cursor_event_seq()
                row = fixed.row_of_seq(seq) if seq is not None else None
                replay.show(fixed, row, replay.live)
        self.app.bar.set_counts(checked.counts, self.state.kinds)

    # ---- --session ULID[#SEQ] --------------------------------------------------------------

    def open_ulid(self, ulid: str, seq: int | None, done: Callable[[], None]) -> None:
        """Find ``ulid`` in every database and open it; ``done`` once it is shown or not."""
        self.state.ulid_pending = True
        warm = self.warm
        if warm is not None and warm.session is not None and warm.session.done():
            # Read while Textual was importing: show it in this very frame.
            try:
                found = warm.session.result()
            except Exception as error:
                self._found(ulid, None, seq, done, error)
                return
            if self._found(ulid, found, seq, done) and found is not None:
                self.check(found[2])
            return
        catalog, now = self.catalog, self.app.clock()

        def read() -> Found:
            if warm is not None and warm.session is not None:
                return warm.session.result()
            return find_and_open(catalog, ulid, seq, now)

        def show(result: Found) -> None:
            if self._found(ulid, result, seq, done) and result is not None:
                self.check(result[2])

        self.app.in_thread(
            read,
            show,
            group="open-ulid",
            failed=lambda error: self._found(ulid, None, seq, done, error),
        )

    def _found(
        self,
        ulid: str,
        found: Found,
        seq: int | None,
        done: Callable[[], None],
        error: Exception | None = None,
    ) -> bool:
        """Show what ``--session`` found (True: shown, its counts to read)."""
        state, table = self.state, self.app.table
        state.ulid_pending = False
        if error is not None or found is None:
            if error is not None:
                self.app.report("Cannot open the session", error)
            else:
                message = f"No session {ulid} in these databases."
                self.app.notify(message, severity="error", markup=False)
            table.focus()
            # Start as without --session: preview the row under the cursor. Its highlight,
            # if the list loaded meanwhile, was ignored while the ULID was pending.
            current = table.current_item()
            if current is not None and state.wanted_key is None:
                self.open(current.key)
            done()
            return False
        key, _, opened = found
        if state.wanted_key is not None and state.wanted_key != key:
            return True  # the user chose another session meanwhile (its counts still read)
        state.wanted_key = key
        self._show(opened, seq)
        table.select_key(key.partition, key.session_id)
        self.app.replay.focus()
        done()
        return True

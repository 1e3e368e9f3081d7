"""The Textual app: a session list above a replay pane, everything from the keyboard.

Database work runs in thread workers through the ``Catalog``; results reach widgets through
``call_from_thread`` or messages; results for a session no longer wanted are dropped. Features
are mixins: live tail (``app_live``) and the session tools (``app_tools``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.timer import Timer

from store import SessionFilter

from . import browser_state
from .app_commands import CommandsMixin
from .app_live import LiveMixin
from .catalog import LIVE_WINDOW, Catalog, ListOrder, SessionItem, SessionKey, SessionPager
from .messages import (
    FilterRequested,
    MoreSessionsWanted,
    SessionChosen,
    SessionHighlighted,
    SortRequested,
)
from .player import PlayState
from .screens.main import MainScreen
from .timeline import Opened, Timeline, TimelineShape, open_timeline, verify_shape
from .warmup import Found, Warmup, find_and_open
from .widgets.replay import ReplayView
from .widgets.session_table import SessionTable

__all__ = ["ZeroSessionApp"]

PREVIEW_DELAY = 0.12
"""Seconds the list cursor rests on a session before the replay pane previews it."""


class ZeroSessionApp(LiveMixin, CommandsMixin):
    """Browse, replay and follow ZERO sessions."""

    CSS_PATH = "app.tcss"
    TITLE = "zero-session-tui"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Keys"),
        Binding("r", "reload", "Reload list", show=False),
    ]

    def __init__(
        self,
        catalog: Catalog,
        *,
        clock: Callable[[], datetime],
        tz: tzinfo | None = None,
        open_ulid: str | None = None,
        open_seq: int | None = None,
        welcome: bool = True,
        live: bool = True,
        idle_cap: float = 2.0,
        pager: SessionPager | None = None,
        warm: Warmup | None = None,
    ) -> None:
        super().__init__(catalog, clock=clock, tz=tz)
        self.open_ulid = open_ulid
        self.open_seq = open_seq
        self.welcome = welcome
        self.follow_changes = live
        self.idle_cap = idle_cap
        self.list_order = ListOrder()
        self.pager: SessionPager = pager or catalog.pager(order=self.list_order)
        self.warm = warm
        self.ulid_pending = False
        self.list_shown = False
        self.warm_pager = self.pager
        self._preview_timer: Timer | None = None
        self.sub_title = "  ".join(str(p.path) for p in catalog.partitions)

    def on_main_screen_ready(self, message: MainScreen.Ready) -> None:
        self.table.live_marks = self.follow_changes  # --no-live: nothing is marked live
        self.replay.show(None)
        self.replay.play = PlayState(idle_cap=self.idle_cap)
        warm = self.warm
        if self.open_ulid:
            self.ulid_pending = True
            # Not the list (Textual focuses it first): the first row's highlight must not
            # preview while the session asked for is being found.
            self.replay.focus()
            if warm is not None and warm.session is not None and warm.session.done():
                # Read while Textual was importing: show it in this very frame.
                self._take_warm_session(warm, self.open_ulid, self.open_seq)
            else:
                self._find_and_open(self.open_ulid, self.open_seq)
        else:
            self.table.focus()
        if warm is not None and self.pager is self.warm_pager and warm.first_page.done():
            self._take_warm_page(warm)
        else:
            self._load_sessions(first=True)
        if self.welcome:
            self._check_welcome()
        if self.follow_changes:
            self.start_watching()

    def _take_warm_session(self, warm: Warmup, ulid: str, seq: int | None) -> None:
        assert warm.session is not None
        try:
            found = warm.session.result()
        except Exception as error:
            self._found_ulid(ulid, None, seq, error)
            return
        self._found_ulid(ulid, found, seq)
        if found is not None:
            self._check_worker(found[2])

    def _take_warm_page(self, warm: Warmup) -> None:
        try:
            page, complete, total = warm.first_page.result()
        except Exception as error:
            self.report("Cannot list sessions", error)
            self.list_shown = True
            self._start_when_shown()
            return
        self._sessions_loaded(self.pager, page, complete, total)

    # ---- session list ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sessions", exit_on_error=False)
    def _load_sessions(self, first: bool = False, rest: bool = False) -> None:
        pager = self.pager
        try:
            if first and self.warm is not None and pager is self.warm_pager:
                page, complete, total_found = self.warm.first_page.result()
                total: int | None = total_found
            else:
                total = pager.total() if first else None
                page = pager.rest() if rest else pager.next_page()
                complete = pager.exhausted
        except Exception as error:
            self.call_from_thread(self._list_failed, error)
            return
        self.call_from_thread(self._sessions_loaded, pager, page, complete, total, rest)

    def _list_failed(self, error: Exception) -> None:
        self.report("Cannot list sessions", error)
        self.list_shown = True
        self._start_when_shown()

    def _sessions_loaded(
        self,
        pager: SessionPager,
        page: list[SessionItem],
        complete: bool,
        total: int | None,
        to_end: bool = False,
    ) -> None:
        if not self.ui_alive:
            return
        if pager is not self.pager:
            return  # reloaded since
        table = self.table
        if total is not None:
            table.set_total(total)
            empty = total == 0 and self.list_order.where.is_empty
            self.replay.note = (
                "No sessions here yet: the ZERO client records one each time it runs"
                " (--demo shows a sample)."
                if empty
                else ""
            )
            self.replay.refresh()
        table.add_items(page, complete=complete)
        if self.wanted_key is not None and not to_end:  # End: the cursor is on the last row
            table.select_key(self.wanted_key.partition, self.wanted_key.session_id)
        self.list_shown = True
        self._start_when_shown()

    def _start_when_shown(self) -> None:
        """Keys typed during start-up act once what they act on is on screen: the session
        asked for with ``--session`` when it was found, else the list's first page."""
        if self.ulid_pending or (self.wanted_key is None and not self.list_shown):
            return
        self.main.started()

    def on_more_sessions_wanted(self, message: MoreSessionsWanted) -> None:
        if not self.table.complete:
            self._load_sessions()

    def on_session_table_end_wanted(self, message: SessionTable.EndWanted) -> None:
        self._load_sessions(rest=True)  # every page left, then the cursor on the last row

    def on_session_highlighted(self, message: SessionHighlighted) -> None:
        if self.ulid_pending:
            return  # --session ULID is being opened: no preview of the first row meanwhile
        if not self.table.has_focus:
            # Only the user's own cursor moves preview: not the first row's highlight while
            # the replay shows a --session beyond the loaded pages, nor rows a live refresh
            # or a delete moved under a cursor the user is not looking at.
            return
        current = self.table.current_item()
        if current is None or current.key != message.item.key:
            # Stale: the cursor has left that row since (the highlight of the first row,
            # posted while --session ULID was pending, can arrive after the ULID was opened
            # and selected; its preview then replaced the session asked for).
            return
        if self._preview_timer is not None:
            self._preview_timer.stop()
        if message.item.key in (self.wanted_key, self.shown_key):
            return
        key = message.item.key
        self._preview_timer = self.set_timer(PREVIEW_DELAY, lambda: self.open_session(key))

    def on_session_chosen(self, message: SessionChosen) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        if message.item.key not in (self.wanted_key, self.shown_key):
            self.open_session(message.item.key)
        self.replay.focus()

    def on_sort_requested(self, message: SortRequested) -> None:
        self.list_order = replace(self.list_order, sort=message.key, descending=message.descending)
        self.reload_sessions()

    def on_filter_requested(self, message: FilterRequested) -> None:
        from .screens.filter import FilterScreen

        def chosen(spec: SessionFilter | None) -> None:
            if spec is not None:
                self.list_order = replace(self.list_order, where=spec)
                self.reload_sessions()

        self.push_screen(FilterScreen(self.list_order.where, self.tz), chosen)

    def _filter_note(self) -> str:
        spec = self.list_order.where
        parts = []
        if spec.started_from or spec.started_before:
            start = spec.started_from.astimezone(self.tz).date() if spec.started_from else ""
            end = (
                (spec.started_before - timedelta(days=1)).astimezone(self.tz).date()
                if spec.started_before
                else ""
            )
            parts.append(f"{start}..{end}")
        if spec.cli_version:
            parts.append(f"cli~{spec.cli_version}")
        if spec.engine:
            parts.append(f"engine~{spec.engine}")
        if spec.status != "any":
            parts.append(spec.status)
        return ("filtered: " + " ".join(parts)) if parts else ""

    def reload_sessions(self) -> None:
        spec = self.list_order.where
        if spec.status == "live" or spec.status == "open":
            spec = replace(spec, active_since=self.clock() - LIVE_WINDOW)
        self.list_order = replace(self.list_order, where=spec)
        self.pager = self.catalog.pager(order=self.list_order)
        self.table.show_order(self.list_order.sort, self.list_order.descending, self._filter_note())
        self.table.reset()
        self._load_sessions(first=True)

    # ---- replay ----------------------------------------------------------------------------

    def open_session(self, key: SessionKey, seq: int | None = None, quiet: bool = False) -> None:
        # A preview still pending (e.g. the list loaded before --session ULID#SEQ was found)
        # would reopen the session at its end, losing the event asked for.
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self.wanted_key = key
        self._open_worker(key, seq, self.kinds, quiet)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_worker(
        self, key: SessionKey, seq: int | None, kinds: frozenset[str] | None, quiet: bool
    ) -> None:
        try:
            session = self.catalog.store(key.partition).get_session(key.session_id)
            if session is None:
                self.call_from_thread(self.notify, "That session no longer exists.", markup=False)
                return
            opened = open_timeline(self.catalog, key, session, seq, kinds, self.clock())
        except Exception as error:
            self.call_from_thread(self.report, "Cannot open session", error)
            return
        self.call_from_thread(self._session_opened, opened, None if quiet else seq)
        self._check_opened(opened)

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _check_worker(self, opened: Opened) -> None:
        self._check_opened(opened)

    def _check_opened(self, opened: Opened) -> None:
        """After the first screen: the exact count, and the counts of each kind (both cost
        the session's size, so they never delay what the user sees first)."""
        timeline = opened.timeline
        try:
            shape = verify_shape(self.catalog, timeline.key, timeline.shape)
            store = self.catalog.store(timeline.key.partition)
            bounds = store.seq_bounds(timeline.key.session_id)
            through = bounds[1] if bounds is not None else None
            counts = (
                store.kind_counts_through(timeline.key.session_id, through)
                if through is not None
                else {}
            )
        except Exception as error:
            self.call_from_thread(self.report, "Cannot read the session", error)
            return
        self.call_from_thread(self._session_checked, timeline, shape, counts, through)

    def _session_opened(self, opened: Opened, seq: int | None) -> None:
        if not self.ui_alive:
            return
        timeline = opened.timeline
        if timeline.key != self.wanted_key or timeline.kinds != self.kinds:
            return  # the user has moved on
        self.shown_key = timeline.key
        self.read_seq = timeline.shape.last_seq if timeline.count else None
        self.counted_seq = None
        # LIVE only where the view is refreshed: never with --no-live.
        self.replay.show(timeline, opened.row, opened.live and self.follow_changes)
        if seq is not None and opened.row is None and timeline.count:
            self.notify(f"No event at seq {seq} is shown; showing the end.", markup=False)

    def _session_checked(
        self,
        timeline: Timeline,
        shape: TimelineShape,
        counts: dict[str, int],
        through: int | None,
    ) -> None:
        if not self.ui_alive:
            return
        if self.replay.timeline is not timeline:
            return
        # The counts include every event up to ``through``; the poll adds what follows it
        # (an empty session: from the start).
        self.counted_seq = through if through is not None else -(2**63)
        if shape != timeline.shape:
            checked = timeline.checked(shape)
            if checked.count == timeline.count and shape.contiguous:
                self.replay.timeline = checked
            else:  # seqs have gaps: rows moved; keep the cursor on its event
                seq = self.replay.cursor_event_seq()
                row = checked.row_of_seq(seq) if seq is not None else None
                self.replay.show(checked, row, self.replay.live)
        self.bar.set_counts(counts, self.kinds)

    def on_replay_view_changed(self, message: ReplayView.Changed) -> None:
        if not self.ui_alive:
            return
        self.bar.show_view(message.view)

    @work(thread=True, group="open-ulid", exit_on_error=False)
    def _find_and_open(self, ulid: str, seq: int | None) -> None:
        try:
            if self.warm is not None and self.warm.session is not None:
                found = self.warm.session.result()
            else:
                found = find_and_open(self.catalog, ulid, seq, self.clock())
        except Exception as error:
            self.call_from_thread(self._found_ulid, ulid, None, seq, error)
            return
        self.call_from_thread(self._found_ulid, ulid, found, seq)
        if found is not None:
            self._check_opened(found[2])

    def _found_ulid(
        self, ulid: str, found: Found, seq: int | None, error: Exception | None = None
    ) -> None:
        if not self.ui_alive:
            return
        self.ulid_pending = False
        if error is not None or found is None:
            if error is not None:
                self.report("Cannot open the session", error)
            else:
                message = f"No session {ulid} in these databases."
                self.notify(message, severity="error", markup=False)
            self.table.focus()
            # Start as without --session: preview the row under the cursor. Its highlight,
            # if the list loaded meanwhile, was ignored while the ULID was pending.
            current = self.table.current_item()
            if current is not None and self.wanted_key is None:
                self.open_session(current.key)
            self._start_when_shown()
            return
        key, _, opened = found
        if self.wanted_key is not None and self.wanted_key != key:
            return  # the user chose another session meanwhile
        self.wanted_key = key
        self._session_opened(opened, seq)
        self.table.select_key(key.partition, key.session_id)
        self.replay.focus()
        self._start_when_shown()

    def on_replay_view_expand(self, message: ReplayView.Expand) -> None:
        from .screens.event_detail import EventDetailScreen

        timeline = message.timeline
        self.push_screen(
            EventDetailScreen(timeline.session.ulid, message.event, timeline.origin, self.tz)
        )

    def on_replay_view_back(self, message: ReplayView.Back) -> None:
        self.table.focus()

    # ---- welcome ---------------------------------------------------------------------------

    @work(thread=True, group="welcome", exit_on_error=False)
    def _check_welcome(self) -> None:
        from .screens.welcome import WelcomeScreen

        if not browser_state.welcome_seen():
            self.call_from_thread(self.push_screen, WelcomeScreen(), self._welcome_done)

    def _welcome_done(self, _: None = None) -> None:
        self._record_welcome()

    @work(thread=True, group="welcome", exit_on_error=False)
    def _record_welcome(self) -> None:
        try:
            browser_state.mark_welcome_seen()
        except Exception as error:
            self.call_from_thread(self.report, "Cannot record that the welcome was shown", error)

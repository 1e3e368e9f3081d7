"""The Textual app: a session list above a replay pane, everything from the keyboard.

Database work runs in thread workers through the ``Catalog``; results reach widgets through
``call_from_thread``; results for a session no longer wanted are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from store import milestones

from .catalog import Catalog, SessionItem, SessionKey, SessionPager, describe
from .messages import MoreSessionsWanted, SessionChosen, SessionHighlighted
from .screens.event_detail import EventDetailScreen
from .screens.help import HelpScreen
from .screens.main import MainScreen
from .screens.welcome import WelcomeScreen
from .timeline import PAGE_SIZE, Timeline, read_shape
from .widgets.replay import ReplayView
from .widgets.session_table import SessionTable

__all__ = ["ZeroSessionApp"]

PREVIEW_DELAY = 0.12
"""Seconds the list cursor rests on a session before the replay pane previews it."""


class ZeroSessionApp(App[None]):
    """Browse and replay ZERO sessions."""

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
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.clock = clock
        self.tz = tz
        self.open_ulid = open_ulid
        self.open_seq = open_seq
        self.welcome = welcome
        self.pager: SessionPager = catalog.pager()
        self.shown_key: SessionKey | None = None
        self.wanted_key: SessionKey | None = None
        self._preview_timer: Timer | None = None
        self.sub_title = "  ".join(str(p.path) for p in catalog.partitions)

    # ---- layout ----------------------------------------------------------------------------

    def get_default_screen(self) -> MainScreen:
        self.main = MainScreen(self.catalog, self.clock, self.tz)
        return self.main

    @property
    def table(self) -> SessionTable:
        return self.main.table

    @property
    def replay(self) -> ReplayView:
        return self.main.replay

    def on_main_screen_ready(self, message: MainScreen.Ready) -> None:
        self.replay.show(None)
        if self.open_ulid:
            self._open_ulid(self.open_ulid, self.open_seq)
        else:
            self.table.focus()
        self._load_sessions(first=True)
        if self.welcome:
            self._check_welcome()

    # ---- session list ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sessions", exit_on_error=False)
    def _load_sessions(self, first: bool = False) -> None:
        try:
            total = self.catalog.total_sessions() if first else None
            page = self.pager.next_page()
            complete = self.pager.exhausted
        except Exception as error:
            self.call_from_thread(self._report, "Cannot list sessions", error)
            return
        self.call_from_thread(self._sessions_loaded, page, complete, total)

    def _sessions_loaded(self, page: list[SessionItem], complete: bool, total: int | None) -> None:
        table = self.table
        if total is not None:
            table.set_total(total)
        table.add_items(page, complete=complete)
        if self.wanted_key is not None:
            table.select_key(self.wanted_key.partition, self.wanted_key.session_id)

    def on_more_sessions_wanted(self, message: MoreSessionsWanted) -> None:
        if not self.table.complete:
            self._load_sessions()

    def on_session_highlighted(self, message: SessionHighlighted) -> None:
        if message.item.key in (self.wanted_key, self.shown_key):
            return
        if self._preview_timer is not None:
            self._preview_timer.stop()
        item = message.item
        self._preview_timer = self.set_timer(PREVIEW_DELAY, lambda: self._open(item.key))

    def on_session_chosen(self, message: SessionChosen) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        if message.item.key not in (self.wanted_key, self.shown_key):
            self._open(message.item.key)
        self.replay.focus()

    def action_reload(self) -> None:
        self.pager = self.catalog.pager()
        self.table.clear()
        self.table.items.clear()
        self.table.complete = False
        self._load_sessions(first=True)

    # ---- replay ----------------------------------------------------------------------------

    def _open(self, key: SessionKey, seq: int | None = None) -> None:
        self.wanted_key = key
        self._open_session(key, seq)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_session(self, key: SessionKey, seq: int | None) -> None:
        try:
            item = self.catalog.item(key)
            if item is None:
                self.call_from_thread(self.notify, "That session no longer exists.", markup=False)
                return
            timeline = Timeline(key, item.session, read_shape(self.catalog, key))
            row = timeline.row_of_seq(seq) if seq is not None else None
            target = row if row is not None else max(0, timeline.count - 1)
            # Read what the first screen shows before showing it: no "loading" flash.
            page = target // PAGE_SIZE
            for wanted in {page, max(0, page - 1)}:
                timeline.fetch_page(self.catalog, wanted)
        except Exception as error:
            self.call_from_thread(self._report, "Cannot open session", error)
            return
        self.call_from_thread(self._session_opened, timeline, row, seq)

    def _session_opened(self, timeline: Timeline, row: int | None, seq: int | None) -> None:
        if timeline.key != self.wanted_key:
            return  # the user has moved on
        self.shown_key = timeline.key
        self.replay.show(timeline, row)
        if seq is not None and row is None:
            self.notify(f"No event at seq {seq}; showing the end.", markup=False)

    def _open_ulid(self, ulid: str, seq: int | None) -> None:
        self._find_and_open(ulid, seq)

    @work(thread=True, group="open-ulid", exit_on_error=False)
    def _find_and_open(self, ulid: str, seq: int | None) -> None:
        try:
            item = self.catalog.find_ulid(ulid)
        except Exception as error:
            self.call_from_thread(self._report, "Cannot look up session", error)
            return
        self.call_from_thread(self._found, ulid, item, seq)

    def _found(self, ulid: str, item: SessionItem | None, seq: int | None) -> None:
        if item is None:
            self.notify(f"No session {ulid} in these databases.", severity="error", markup=False)
            self.table.focus()
            return
        self._open(item.key, seq)
        self.table.select_key(item.key.partition, item.key.session_id)
        self.replay.focus()

    def on_replay_view_expand(self, message: ReplayView.Expand) -> None:
        timeline = message.timeline
        self.push_screen(
            EventDetailScreen(timeline.session.ulid, message.event, timeline.origin, self.tz)
        )

    def on_replay_view_back(self, message: ReplayView.Back) -> None:
        self.table.focus()

    # ---- welcome ---------------------------------------------------------------------------

    @work(thread=True, group="welcome", exit_on_error=False)
    def _check_welcome(self) -> None:
        try:
            seen = self.catalog.store(0).get_milestone(milestones.WELCOME_SHOWN)
        except Exception as error:
            self.call_from_thread(self._report, "Cannot read milestones", error)
            return
        if seen is None:
            self.call_from_thread(self.push_screen, WelcomeScreen(), self._welcome_done)

    def _welcome_done(self, _: None = None) -> None:
        self._record_welcome()

    @work(thread=True, group="welcome", exit_on_error=False)
    def _record_welcome(self) -> None:
        try:
            with self.catalog.writer(0) as store:
                store.set_milestone(milestones.WELCOME_SHOWN, "true")
        except Exception as error:
            self.call_from_thread(self._report, "Cannot record that the welcome was shown", error)

    # ---- help, palette, errors -----------------------------------------------------------

    def help_groups(self) -> list[tuple[str, list[BindingType]]]:
        return [
            (
                "Everywhere",
                [
                    *self.BINDINGS,
                    *MainScreen.BINDINGS,
                    Binding("ctrl+p", "command_palette", "All actions"),
                ],
            ),
            (
                "Session list",
                [
                    *SessionTable.BINDINGS,
                    Binding("up,down", "", "Move"),
                    Binding("pageup,pagedown", "", "Page"),
                    Binding("home,end", "", "First / last loaded"),
                ],
            ),
            ("Replay", list(ReplayView.BINDINGS)),
            ("Event in full", list(EventDetailScreen.BINDINGS)),
        ]

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_groups()))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        replay = self.replay
        yield SystemCommand("Keys", "Show every key binding", self.action_help)
        yield SystemCommand("Sessions", "Move to the session list", self.table.focus)
        yield SystemCommand("Replay", "Move to the replay pane", replay.focus)
        yield SystemCommand("First event", "Jump to the session's first event", replay.action_first)
        yield SystemCommand("Last event", "Jump to the session's last event", replay.action_last)
        yield SystemCommand(
            "Event in full", "Show the event under the cursor", replay.action_expand
        )
        yield SystemCommand(
            "Toggle time",
            "Offsets from the session start or clock times",
            replay.action_toggle_time,
        )
        yield SystemCommand("Reload sessions", "Read the session list again", self.action_reload)

    def _report(self, title: str, error: Exception) -> None:
        self.notify(describe(error), title=title, severity="error", markup=False, timeout=8)

"""The Textual app: a session list above a replay pane, everything from the keyboard.

The app owns the one ``BrowsingState`` (what is wanted, what is shown, the kinds, the list's
order) and the controllers that change it, one job each (``controllers/``). Textual's message
handlers and actions live here, on the DOM node, and delegate to them in one line. Thread
work goes through ``in_thread`` (``workers.py``): a result is applied on the UI
thread, or dropped when the app is closing or what it was for is no longer wanted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker

from .browsing import BrowsingState
from .catalog import Catalog, SessionKey, SessionPager
from .controllers.bookmarks import Bookmarks
from .controllers.commands import KeysAndCommands
from .controllers.copy import CopyFromReplay
from .controllers.find import FindInSession
from .controllers.follow import LiveFollow
from .controllers.labels import SessionLabelling
from .controllers.opening import SessionOpener
from .controllers.overview import SessionOverview
from .controllers.redacted_export import RedactedExport
from .controllers.session_actions import SessionActions
from .controllers.session_list import SessionListLoader
from .controllers.side_by_side import SideBySide
from .controllers.strip import StripControls
from .controllers.welcome import Welcome
from .replay_timing import PlayState
from .screens.main import MainScreen
from .warmup import Warmup
from .widgets.replay import ReplayView
from .widgets.replay_bar import ReplayBar
from .widgets.replay_messages import ReplayProgress
from .widgets.session_table import SessionTable
from .widgets.timeline_strip import TimelineStrip
from .workers import report, run_in_thread

if TYPE_CHECKING:
    from .screens.search import SearchResult
    from .screens.wrap import WrapScreen

# The other screens are imported where they are pushed: none of them is on the path to the
# first screen, and Textual widgets cost import time (see bench/).

__all__ = ["ZeroSessionApp"]

T = TypeVar("T")


class ZeroSessionApp(App[None]):
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
        super().__init__()
        self.catalog = catalog
        self.clock = clock
        self.tz = tz
        self.open_ulid = open_ulid
        self.open_seq = open_seq
        self.welcome = welcome
        self.follow_changes = live
        self.idle_cap = idle_cap
        self.state = BrowsingState()
        self.main = MainScreen(catalog, clock, tz, start=self.start_up)
        self.session_list = SessionListLoader(
            self, pager or catalog.pager(order=self.state.list_order), warm
        )
        self.opener = SessionOpener(self, warm, live=live)
        self.follow = LiveFollow(self)
        self.session_actions = SessionActions(self)
        self.overview = SessionOverview(self)
        self.redacted_export = RedactedExport(self)
        self.find_in_session = FindInSession(self)
        self.copy_from_replay = CopyFromReplay(self)
        self.bookmarks = Bookmarks(self)
        self.labelling = SessionLabelling(self)
        self.timeline_strip = StripControls(self)
        self.side_by_side = SideBySide(self)
        self.keys = KeysAndCommands(self)
        self.first_run = Welcome(self)
        self.sub_title = "  ".join(str(p.path) for p in catalog.partitions)

    # ---- the widgets, and the one way to leave the UI thread -------------------------------

    def get_default_screen(self) -> MainScreen:
        return self.main

    @property
    def ui_alive(self) -> bool:
        """False once the main screen's widgets are gone (the app is closing): results that
        arrive from workers then have nowhere to go and are dropped."""
        return self.main.bar.is_attached

    @property
    def table(self) -> SessionTable:
        return self.main.table

    @property
    def replay(self) -> ReplayView:
        return self.main.replay

    @property
    def bar(self) -> ReplayBar:
        return self.main.bar

    def in_thread(
        self,
        job: Callable[[], T],
        apply: Callable[[T], object],
        *,
        group: str,
        failure: str | None = None,
        failed: Callable[[Exception], object] | None = None,
        wanted: Callable[[T], bool] | None = None,
        stale: Callable[[], object] | None = None,
        exclusive: bool = False,
    ) -> Worker[None]:
        """``run_in_thread`` for the main screen's work: dropped once its widgets are gone."""
        return run_in_thread(
            self,
            job,
            apply,
            group=group,
            failure=failure,
            failed=failed,
            wanted=wanted,
            stale=stale,
            alive=lambda: self.ui_alive,
            exclusive=exclusive,
        )

    def report(self, title: str, error: Exception) -> None:
        report(self, title, error)

    # ---- start-up --------------------------------------------------------------------------

    def start_up(self) -> None:
        """The main screen is mounted, its first frame not drawn: fill it."""
        self.table.live_marks = self.follow_changes  # --no-live: nothing is marked live
        self.replay.show(None)
        self.replay.play = PlayState(idle_cap=self.idle_cap)
        self.timeline_strip.start()
        if self.open_ulid:
            # Not the list (Textual focuses it first): the first row's highlight must not
            # preview while the session asked for is being found.
            self.replay.focus()
            self.opener.open_ulid(self.open_ulid, self.open_seq, self.start_when_shown)
        else:
            self.table.focus()
        self.session_list.start()
        self.main.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """What the first frame does not show: the welcome (over it), the live follow."""
        if self.replay.timeline is not None:
            # Shown while the screen was being mounted (a ``--session`` the warm start had
            # read): that Changed was made in the screen's context, so Textual took the
            # screen for its sender and stopped it there, and the bar, the strip and the
            # bookmarks never heard of the session. Say it again from the replay itself.
            self.replay.call_later(self.replay.announce)
        if self.welcome:
            self.first_run.check()
        if self.follow_changes:
            self.follow.start()

    def start_when_shown(self) -> None:
        """Keys typed during start-up act once what they act on is on screen: the session
        asked for with ``--session`` when it was found, else the list's first page."""
        state = self.state
        if state.ulid_pending or (state.wanted_key is None and not state.list_shown):
            return
        self.main.started()

    def on_unmount(self) -> None:
        self.follow.stop()
        self.bookmarks.close()

    def open_session(self, key: SessionKey, seq: int | None = None, quiet: bool = False) -> None:
        self.opener.open(key, seq, quiet)

    def reload_sessions(self) -> None:
        self.session_list.reload()

    # ---- the session list's messages -------------------------------------------------------

    def on_session_table_more_wanted(self, message: SessionTable.MoreWanted) -> None:
        self.session_list.more()

    def on_session_table_end_wanted(self, message: SessionTable.EndWanted) -> None:
        self.session_list.to_end()

    def on_session_table_sort_requested(self, message: SessionTable.SortRequested) -> None:
        self.session_list.sort(message.key, message.descending)

    def on_session_table_filter_requested(self, message: SessionTable.FilterRequested) -> None:
        self.session_list.ask_filter()

    def on_session_table_session_highlighted(
        self, message: SessionTable.SessionHighlighted
    ) -> None:
        self.opener.highlighted(message.item)

    def on_session_table_session_chosen(self, message: SessionTable.SessionChosen) -> None:
        self.opener.chosen(message.item)

    # ---- the replay pane's messages --------------------------------------------------------

    def on_replay_view_changed(self, message: ReplayView.Changed) -> None:
        self.replay_changed(message.progress)

    def replay_changed(self, progress: ReplayProgress) -> None:
        """The bar, the bookmarks and the strip follow the replay (each does nothing when
        what it shows is unchanged)."""
        if self.ui_alive:  # posted as the app closes: the bar is gone
            self.bar.show_progress(progress)
            self.bookmarks.follow_shown()
            self.timeline_strip.follow_shown()

    def on_replay_view_expand(self, message: ReplayView.Expand) -> None:
        from .screens.event_detail import EventDetailScreen

        self.push_screen(EventDetailScreen(message.ulid, message.event, message.origin, self.tz))

    def on_replay_view_back(self, message: ReplayView.Back) -> None:
        self.table.focus()

    def on_replay_view_kind_toggled(self, message: ReplayView.KindToggled) -> None:
        self.opener.toggle_kind(message.kind)

    def on_replay_view_jump_asked(self, message: ReplayView.JumpAsked) -> None:
        self.session_actions.ask_jump()

    def on_replay_view_find_asked(self, message: ReplayView.FindAsked) -> None:
        self.find_in_session.ask()

    def on_replay_view_find(self, message: ReplayView.Find) -> None:
        self.find_in_session.find(message.needle, forward=message.forward)

    def on_replay_view_copy_text_asked(self, message: ReplayView.CopyTextAsked) -> None:
        self.copy_from_replay.copy_text()

    def on_replay_view_copy_link_asked(self, message: ReplayView.CopyLinkAsked) -> None:
        self.copy_from_replay.copy_link()

    def on_timeline_strip_seek_requested(self, message: TimelineStrip.SeekRequested) -> None:
        self.timeline_strip.seek(message.seq)

    def on_timeline_strip_resized(self, message: TimelineStrip.Resized) -> None:
        self.timeline_strip.resized(message.width)

    def on_wrap_screen_save(self, message: WrapScreen.Save) -> None:
        self.session_actions.save_wrap(message)

    # ---- actions (the app's and the main screen's bindings) -------------------------------

    def action_reload(self) -> None:
        self.session_list.reload()

    def action_help(self) -> None:
        self.keys.show_help()

    def action_search(self) -> None:
        from .screens.search import SearchScreen

        def chosen(result: SearchResult | None) -> None:
            if result is not None:
                self.opener.open(result.key, result.seq)
                self.table.select_key(result.key.partition, result.key.session_id)
                self.replay.focus()

        self.push_screen(SearchScreen(self.catalog, tz=self.tz), chosen)

    def action_wrap(self) -> None:
        self.session_actions.wrap()

    def action_overview(self) -> None:
        self.overview.show()

    def action_export(self, fmt: str) -> None:
        self.session_actions.export(fmt)

    def action_export_redacted(self) -> None:
        self.redacted_export.ask()

    def action_forks(self) -> None:
        self.session_actions.forks()

    def action_delete(self) -> None:
        self.session_actions.ask_delete()

    def action_bookmark(self, what: str) -> None:
        self.bookmarks.act(what)

    def action_label(self, what: str) -> None:
        self.labelling.act(what)

    def action_strip(self, what: str) -> None:
        self.timeline_strip.act(what)

    def action_side_by_side(self) -> None:
        self.side_by_side.start()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for system in super().get_system_commands(screen):
            if system.title != "Keys":  # ours (?) lists every place's keys: once, not twice
                yield system
        if isinstance(screen, MainScreen):
            yield from self.keys.system_commands()

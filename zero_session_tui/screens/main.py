"""The main screen: the session list above the replay pane."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header

from ..catalog import Catalog
from ..widgets.key_footer import KeyFooter
from ..widgets.replay import ReplayView
from ..widgets.replay_bar import ReplayBar
from ..widgets.session_table import SessionTable
from ..widgets.timeline_strip import TimelineStrip

__all__ = ["MainScreen"]


HELD_KEYS_LIMIT = 64
"""Keys held during start-up beyond this many are dropped (a key held down, not typing)."""

PASS_THROUGH_KEYS = frozenset({"q", "ctrl+c"})


class MainScreen(Screen[None]):
    """Layout only; the app runs the workers and answers the widgets' messages."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # "app.": a screen has no focus_next action; without the prefix Tab did nothing.
        Binding("tab", "app.focus_next", "Switch pane"),
        Binding("shift+tab", "app.focus_previous", "Switch pane", show=False),
        Binding("slash", "app.search", "Search"),
        Binding("w", "app.wrap", "Wrap"),
        Binding("O", "app.overview", "Overview"),
        Binding("f", "app.forks", "Forks", show=False),
        Binding("e", "app.export('md')", "Export Markdown", show=False),
        Binding("E", "app.export('jsonl')", "Export JSON Lines", show=False),
        Binding("H", "app.export('html')", "Export HTML replay", show=False),
        Binding("x", "app.export_redacted", "Export with redaction", show=False),
        Binding("d", "app.delete", "Delete session", show=False),
        Binding("B", "app.bookmark('list')", "All bookmarks", show=False),
    ]

    def __init__(
        self,
        catalog: Catalog,
        clock: Callable[[], datetime],
        tz: tzinfo | None,
        start: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.clock = clock
        self.tz = tz
        self._start = start
        # Made here and kept, not looked up: every key and every poll reaches them several
        # times, and a DOM query costs 0.05-0.2 ms each time.
        self._table = SessionTable(
            show_partition=catalog.multiple, clock=clock, tz=tz, id="sessions"
        )
        self._replay = ReplayView(catalog, tz, id="replay")
        self._strip = TimelineStrip(id="timeline-strip")
        self._bar = ReplayBar(id="replay-bar")

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="\u25c8")
        with Vertical(id="main"):
            yield self._table
            yield self._replay
            yield self._strip
            yield self._bar
        yield KeyFooter()

    starting = True
    """Until the first page of the list (or the ``--session`` asked for) is shown, keys are
    held, then replayed in order: ``j j j Enter`` typed during start-up is never lost."""

    def on_mount(self) -> None:
        # The list and the replay pane are mounted, and the first frame is not drawn yet:
        # ``start`` fills them now (what the warm-up read is shown in that very frame),
        # not in a message handled after it (two frames, ~33 ms, later).
        self._held: list[events.Key] = []
        if self._start is not None:
            self._start()

    def on_key(self, event: events.Key) -> None:
        # Bindings are checked when a key bubbles up to the app, after this screen: stopping
        # it here keeps the empty list's bindings from swallowing it. Priority bindings
        # (ctrl+q) and the quit key still act at once.
        if not self.starting or event.key in PASS_THROUGH_KEYS:
            return
        event.prevent_default()
        event.stop()
        if len(self._held) < HELD_KEYS_LIMIT:
            self._held.append(event)

    def started(self) -> None:
        """The screen shows what the user will act on: replay the keys held meanwhile."""
        if not self.starting:
            return
        self.starting = False
        held, self._held = self._held, []
        for event in held:
            # Sent as from the app, as Textual's own Pilot sends keys: a message made here
            # has this screen as its sender, and bubbling stops at a message's sender, so the
            # key never came back up to the app and its bindings (/, O, w ...) were never
            # checked: a key typed at the first frame was lost whenever the first page had
            # been read before the screen mounted (the warm start).
            key = events.Key(event.key, event.character)
            self.app.post_message(key.set_sender(self.app))

    @property
    def table(self) -> SessionTable:
        return self._table

    @property
    def replay(self) -> ReplayView:
        return self._replay

    @property
    def bar(self) -> ReplayBar:
        return self._bar

    @property
    def strip(self) -> TimelineStrip:
        return self._strip

"""One pane of the side-by-side view: a session's events drawn with the Line API.

Rows come from a ``Timeline`` (keyset pages read by thread workers, an LRU of them), lines
through the replay's own ``render_event_line`` (inert text, read only as far as shown), so a
pane costs what is on screen. Unlike the replay pane, its first row on screen (``top``) and its
cursor may lie outside the session (before its first event, after its last): the screen keeps
the two panes' aligned rows on the same screen line, and a session that starts later or ends
sooner than the other shows blank rows there. The pane has no keys of its own: the screen
moves both panes together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from store import EventKind

from ..catalog import Catalog, describe
from ..sanitize import one_line
from ..timeline import PAGE_SIZE, Timeline
from ..workers import run_in_thread
from .event_line import LineLooks, render_event_line

__all__ = ["DIFF_MARK", "SidePane"]

DIFF_MARK = "\u2260"
"""Drawn before the first event where the two sessions differ (≠)."""


class SidePane(Widget, can_focus=True):
    """A window on one session's rows; where it looks is set by the side-by-side screen."""

    DEFAULT_CSS = """
    SidePane {
        width: 1fr;
        height: 1fr;
        border: round $primary 50%;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
    }
    SidePane:focus { border: round $primary; }
    SidePane > .side-pane--seq { color: $text-muted; }
    SidePane > .side-pane--time { color: $text-muted; }
    SidePane > .side-pane--prompt { color: $accent; text-style: bold; }
    SidePane > .side-pane--command { color: $primary; }
    SidePane > .side-pane--system { color: $text-muted; }
    SidePane > .side-pane--warn { color: $warning; text-style: bold; }
    SidePane > .side-pane--alert { color: $error; text-style: bold reverse; }
    SidePane > .side-pane--mode_change { color: $secondary; text-style: italic; }
    SidePane > .side-pane--unknown { color: $text-warning; text-style: italic; }
    SidePane > .side-pane--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    SidePane > .side-pane--loading { background: $surface; }
    SidePane > .side-pane--note { color: $text-muted; text-style: italic; }
    SidePane > .side-pane--diff { background: $error 30%; text-style: bold; }
    SidePane > .side-pane--match { background: $warning 40%; text-style: bold; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "side-pane--seq",
        "side-pane--time",
        "side-pane--cursor",
        "side-pane--loading",
        "side-pane--unknown",
        "side-pane--note",
        "side-pane--diff",
        "side-pane--match",
        *(f"side-pane--{kind.value}" for kind in EventKind),
    }

    @dataclass
    class Clicked(Message):
        """A row of this pane was clicked (``row`` may lie outside the session)."""

        pane_id: str
        row: int

    @dataclass
    class Scrolled(Message):
        """The mouse wheel turned over this pane: move by ``delta`` rows."""

        pane_id: str
        delta: int

    def __init__(self, catalog: Catalog, tz: tzinfo | None, label: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.catalog = catalog
        self.tz = tz
        self.label = label
        self.timeline: Timeline | None = None
        self.cursor = 0
        self.top = 0
        self.absolute_time = False
        self.diff_seq: int | None = None
        """The seq of this session's first event that differs from the other's (marked)."""
        self.notes: dict[int, str] = {}
        """Rows outside the session that say something (e.g. row -1: where a fork started)."""
        self.pending: set[int] = set()
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        self._looks = LineLooks(self, "side-pane", match="diff")

    # ---- what is shown ---------------------------------------------------------------------

    @property
    def rows(self) -> int:
        return self.timeline.count if self.timeline is not None else 0

    @property
    def lines_shown(self) -> int:
        return max(1, self.content_region.height)

    @property
    def at_event(self) -> bool:
        """The cursor is on one of the session's events (not a row before or after them)."""
        return 0 <= self.cursor < self.rows

    def show(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.pending.clear()
        self._lines.clear()
        self.refresh_title()
        self.refresh()

    def place(self, cursor: int, line: int) -> None:
        """Put the cursor on row ``cursor``, drawn on screen line ``line`` of the pane."""
        self.cursor = cursor
        self.top = cursor - max(0, min(line, self.lines_shown - 1))
        self.refresh_title()
        self.refresh()

    def scroll_into_view(self, cursor: int) -> int:
        """Move the cursor to ``cursor`` scrolling as little as possible; its screen line."""
        line = cursor - self.top
        self.place(cursor, max(0, min(line, self.lines_shown - 1)))
        return self.cursor - self.top

    def cursor_seq(self) -> int | None:
        if self.timeline is None or not self.at_event:
            return None
        return self.timeline.seq_of_row(self.cursor)

    def refresh_title(self) -> None:
        timeline = self.timeline
        if timeline is None:
            self.border_title = Text(self.label)
            return
        # Text, never str: a string title is parsed as markup, and the ulid is database text.
        self.border_title = Text(f"{self.label} \u00b7 {one_line(timeline.session.ulid, 64)[0]}")
        if not self.rows:
            self.border_subtitle = Text("no events")
        elif self.at_event:
            seq = timeline.seq_of_row(self.cursor)
            place = f"seq {seq:,} \u00b7 {self.cursor + 1:,} of {self.rows:,} events"
            self.border_subtitle = Text(place)
        else:
            where = "before its first event" if self.cursor < 0 else "after its last event"
            self.border_subtitle = Text(f"{where} \u00b7 {self.rows:,} events")

    # ---- Line API --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        # The CSS changed (a theme): lines kept from before are in its old colours.
        super().notify_style_update()
        self._looks.clear()
        self._lines.clear()

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        row = self.top + y
        timeline = self.timeline
        if timeline is None or not 0 <= row < self.rows:
            return self._note_line(row, width)
        event = timeline.cached(row)
        if event is None:
            self.want_page(row // PAGE_SIZE)
            loading = self.get_component_rich_style("side-pane--loading")
            return Strip.blank(width, self.rich_style).apply_style(loading)
        cursor_state = (2 if self.has_focus else 1) if row == self.cursor else 0
        # As wide as the widest seq (the last one, or a negative first one), as the replay.
        seq_width = max(
            len(str(timeline.seq_of_row(0))), len(str(timeline.seq_of_row(-1 + self.rows)))
        )
        differs = event.seq == self.diff_seq
        key = (row, width, cursor_state, self.absolute_time, differs, seq_width)
        strip = self._lines.get(key)
        if strip is None:
            strip = render_event_line(
                event,
                width=width,
                seq_width=seq_width,
                origin=timeline.origin,
                absolute=self.absolute_time,
                tz=self.tz,
                styles=self._looks.get(),
                console=self.app.console,
                is_cursor=cursor_state > 0,
                marked=differs,
                mark=DIFF_MARK,
            )
            self._lines[key] = strip
        return strip

    def _note_line(self, row: int, width: int) -> Strip:
        note = self.notes.get(row)
        if note is None and self.timeline is not None and row == self.rows:
            note = "\u2500 end of session \u2500"
        style = self.rich_style
        if row == self.cursor and self.timeline is not None:
            style = style + self.get_component_rich_style("side-pane--cursor", partial=True)
        if note is None:
            return Strip.blank(width, style)
        text = Text(f"  {note}", no_wrap=True, overflow="ellipsis")
        text.stylize(self.get_component_rich_style("side-pane--note", partial=True))
        text.truncate(width, pad=True)
        return Strip(list(text.render(self.app.console)), width).apply_style(style)

    def want_page(self, page: int) -> None:
        timeline = self.timeline
        if timeline is None or page in self.pending or timeline.has_page(page):
            return
        self.pending.add(page)
        catalog = self.catalog
        run_in_thread(
            self,
            lambda: timeline.fetch_page(catalog, page),
            lambda _: self._arrived(timeline, page),
            group="side-pages",
            failed=lambda error: self._failed(timeline, page, describe(error)),
        )

    def _arrived(self, timeline: Timeline, page: int) -> None:
        self.pending.discard(page)
        if timeline is self.timeline:
            self.refresh_title()
            self.refresh()

    def _failed(self, timeline: Timeline, page: int, message: str) -> None:
        self.pending.discard(page)
        if timeline is self.timeline:
            self.notify(message, title="Cannot read events", severity="error", markup=False)

    def mark_difference(self, seq: int | None) -> None:
        self.diff_seq = seq
        self._lines.clear()
        self.refresh()

    def set_absolute(self, absolute: bool) -> None:
        self.absolute_time = absolute
        self.refresh()

    # ---- focus and mouse -------------------------------------------------------------------

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._lines.clear()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self.id is not None:
            self.post_message(self.Clicked(self.id, self.top + offset.y))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if self.id is not None:
            event.stop()
            self.post_message(self.Scrolled(self.id, 3))

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if self.id is not None:
            event.stop()
            self.post_message(self.Scrolled(self.id, -3))

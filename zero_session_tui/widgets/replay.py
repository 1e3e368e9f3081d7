"""The replay pane: a session's events drawn with the Line API, only the rows on screen.

Rows come from a ``Timeline`` (keyset pages read by thread workers), rendered lines from an LRU
cache; memory and time follow the screen, not the session.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import ClassVar

from rich.style import Style
from textual import events, work
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store import EventKind, StoredEvent

from ..catalog import Catalog, describe
from ..timeline import PAGE_SIZE, Timeline
from .event_line import LineStyles, render_event_line

__all__ = ["ReplayView"]


class ReplayView(ScrollView, can_focus=True):
    """Scrolling replay of one session."""

    COMPONENT_CLASSES = {
        "replay--seq",
        "replay--time",
        "replay--cursor",
        "replay--loading",
        "replay--unknown",
        *(f"replay--{kind.value}" for kind in EventKind),
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "first", "Start"),
        Binding("end,G", "last", "End"),
        Binding("enter", "expand", "Full text"),
        Binding("t", "toggle_time", "Time abs/rel"),
        Binding("escape", "back", "Sessions", show=False),
    ]

    cursor: reactive[int] = reactive(0, init=False, always_update=True)
    absolute_time: reactive[bool] = reactive(False, init=False)

    class Expand(Message):
        """Show one event in full."""

        def __init__(self, timeline: Timeline, event: StoredEvent) -> None:
            super().__init__()
            self.timeline = timeline
            self.event = event

    class Back(Message):
        """Return to the session list."""

    def __init__(self, catalog: Catalog, tz: tzinfo | None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.catalog = catalog
        self.tz = tz
        self.timeline: Timeline | None = None
        self._lines: LRUCache[tuple[int, int, bool, int], Strip] = LRUCache(1024)
        self._pending: set[int] = set()

    # ---- showing a session ---------------------------------------------------------------

    def show(self, timeline: Timeline | None, row: int | None = None) -> None:
        """Replace what the pane shows; the cursor goes to ``row`` (default: the last event)."""
        self.timeline = timeline
        self._lines.clear()
        self._pending.clear()
        count = timeline.count if timeline else 0
        self.virtual_size = Size(self.scrollable_content_region.width, count)
        target = (count - 1) if row is None else max(0, min(row, count - 1))
        self.set_reactive(ReplayView.cursor, max(0, target))
        # The new virtual size reaches the scrollbars on the next refresh; scroll after it.
        self.call_after_refresh(self._scroll_cursor_into_view, row is not None)
        self._update_title()
        self.refresh()

    def _update_title(self) -> None:
        timeline = self.timeline
        if timeline is None:
            self.border_title = "Replay"
            self.border_subtitle = ""
            return
        self.border_title = f"Replay \u00b7 {timeline.session.ulid}"
        if timeline.count:
            seq = timeline.seq_of_row(self.cursor)
            self.border_subtitle = (
                f"seq {seq:,} \u00b7 {self.cursor + 1:,} of {timeline.count:,} events"
            )
        else:
            self.border_subtitle = "no events"

    # ---- Line API --------------------------------------------------------------------------

    def _styles(self) -> LineStyles:
        get = self.get_component_rich_style
        return LineStyles(
            base=self.rich_style,
            seq=get("replay--seq", partial=True),
            time=get("replay--time", partial=True),
            kinds={kind.value: get(f"replay--{kind.value}", partial=True) for kind in EventKind},
            unknown=get("replay--unknown", partial=True),
            cursor=get("replay--cursor", partial=True) if self.has_focus else Style(reverse=True),
        )

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        timeline = self.timeline
        row = self.scroll_offset.y + y
        if timeline is None or row >= timeline.count:
            return Strip.blank(width, self.rich_style)
        event = timeline.cached(row)
        if event is None:
            self._want(row // PAGE_SIZE)
            loading = self.get_component_rich_style("replay--loading")
            return Strip.blank(width, self.rich_style).apply_style(loading)
        is_cursor = row == self.cursor
        cursor_state = (2 if self.has_focus else 1) if is_cursor else 0
        key = (row, width, self.absolute_time, cursor_state)
        strip = self._lines.get(key)
        if strip is None:
            strip = render_event_line(
                event,
                width=width,
                seq_width=len(str(timeline.seq_of_row(timeline.count - 1))),
                origin=timeline.origin,
                absolute=self.absolute_time,
                tz=self.tz,
                styles=self._styles(),
                console=self.app.console,
                is_cursor=is_cursor,
            )
            self._lines[key] = strip
        return strip

    def _want(self, page: int) -> None:
        timeline = self.timeline
        if timeline is None or page in self._pending or timeline.has_page(page):
            return
        self._pending.add(page)
        self._fetch(timeline, page)

    @work(thread=True, group="replay-pages", exit_on_error=False)
    def _fetch(self, timeline: Timeline, page: int) -> None:
        try:
            timeline.fetch_page(self.catalog, page)
        except Exception as error:
            self.app.call_from_thread(self._page_failed, timeline, page, describe(error))
            return
        self.app.call_from_thread(self._page_arrived, timeline, page)

    def _page_arrived(self, timeline: Timeline, page: int) -> None:
        self._pending.discard(page)
        if timeline is self.timeline:
            self.refresh()

    def _page_failed(self, timeline: Timeline, page: int, message: str) -> None:
        self._pending.discard(page)
        if timeline is self.timeline:
            self.notify(message, title="Cannot read events", severity="error", markup=False)

    # ---- cursor and keys -------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self._update_title()
        self.refresh()

    def watch_absolute_time(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if center:
            self.scroll_to(y=max(0, self.cursor - height // 2), animate=False, immediate=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif height and self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _set_cursor(self, row: int) -> None:
        if self.timeline is None or self.timeline.count == 0:
            return
        self.cursor = max(0, min(row, self.timeline.count - 1))

    def action_move(self, delta: int) -> None:
        self._set_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self._set_cursor(self.cursor + direction * step)

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        if self.timeline is not None:
            self._set_cursor(self.timeline.count - 1)

    def action_toggle_time(self) -> None:
        self.absolute_time = not self.absolute_time

    def action_expand(self) -> None:
        timeline = self.timeline
        if timeline is None or timeline.count == 0:
            return
        event = timeline.cached(self.cursor)
        if event is not None:
            self.post_message(self.Expand(timeline, event))

    def action_back(self) -> None:
        self.post_message(self.Back())

    def jump_to_seq(self, seq: int) -> bool:
        """Put the cursor on ``seq`` (or the next event after it); False past the end."""
        if self.timeline is None:
            return False
        row = self.timeline.row_of_seq(seq)
        if row is None:
            return False
        self._set_cursor(row)
        self._scroll_cursor_into_view(center=True)
        return True

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self.timeline is not None:
            self._set_cursor(self.scroll_offset.y + offset.y)

    def on_resize(self) -> None:
        if self.timeline is not None:
            self.virtual_size = Size(self.scrollable_content_region.width, self.timeline.count)
        self._lines.clear()

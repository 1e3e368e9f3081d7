"""The replay pane's rows as drawn: one event per row, kept in an LRU cache of rendered lines
keyed by everything that changes a row's look, and the rows Home / g shows drawn ahead.

Home is the jump users make most and its page is read with the session, but its frame drew
every row afresh: so once a session is shown (and again after a focus or theme change drops
the lines), the first screenful is drawn into the cache, and the jump's frame only composes
them (the first Home's frame left the app 6.7-7.9 ms after the key, now 4.9-5.3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.cache import LRUCache
from textual.strip import Strip
from textual.timer import Timer

from store import StoredEvent

from ..timeline import Timeline
from .event_line import LineLooks, render_event_line

if TYPE_CHECKING:
    from .replay import ReplayView

__all__ = ["DRAW_AHEAD_AFTER_S", "ReplayRows"]

DRAW_AHEAD_AFTER_S = 0.1
"""After a session is shown, or its lines were dropped, the rows Home shows are drawn ahead
this much later: once laid out (before that, the width, with the scrollbar perhaps not up yet,
and the scroll are not the ones Home will find)."""


class ReplayRows:
    """The rendered rows of one ``ReplayView`` (which owns the timeline and the cursor)."""

    def __init__(self, view: ReplayView) -> None:
        self.view = view
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._looks = LineLooks(view, "replay", match="match")
        self._draw_ahead: Timer | None = None

    def clear(self, *, looks: bool = False) -> None:
        """Drop the lines drawn (and, ``looks``, the styles they were drawn with: the CSS
        changed); the rows Home shows are drawn again in a moment."""
        if looks:
            self._looks.clear()
        self._lines.clear()
        self.draw_ahead_soon()

    def line(
        self, timeline: Timeline, event: StoredEvent, row: int, cursor_state: int, width: int
    ) -> Strip:
        """The row drawn (``cursor_state`` 0: not the cursor's; 1: the cursor's, unfocused;
        2: focused), from the cache when it has been drawn so before."""
        view = self.view
        # As wide as the widest seq (the last one, or a negative first one): part of the
        # cache key, so rows drawn before a live session reached 10 or 100 events line up.
        last = timeline.seq_of_row(timeline.count - 1)
        seq_width = max(len(str(timeline.seq_of_row(0))), len(str(last)))
        key = (row, width, view.absolute_time, cursor_state, view.highlight, seq_width, view.marked)
        strip = self._lines.get(key)
        if strip is None:
            strip = render_event_line(
                event,
                width=width,
                seq_width=seq_width,
                origin=timeline.origin,
                absolute=view.absolute_time,
                tz=view.tz,
                styles=self._looks.get(),
                console=view.app.console,
                is_cursor=cursor_state > 0,
                highlight=view.highlight,
                marked=event.seq in view.marked,
            )
            self._lines[key] = strip
        return strip

    def draw_ahead_soon(self) -> None:
        """Draw the rows Home / g shows ``DRAW_AHEAD_AFTER_S`` from now (one timer at a time)."""
        if self._draw_ahead is None and self.view.is_mounted:
            self._draw_ahead = self.view.set_timer(DRAW_AHEAD_AFTER_S, self._draw_first_rows)

    def _draw_first_rows(self) -> None:
        """The first screenful into the cache, the first row as the cursor's; a first page
        not read is left to Home to read."""
        self._draw_ahead = None
        view = self.view
        timeline = view.timeline
        if timeline is None or view.scroll_offset.y == 0:
            return  # nothing shown, or the top is on screen already
        region = view.scrollable_content_region
        for row in range(min(region.height, view.rows)):
            event = timeline.cached(row)
            if event is None:
                return
            cursor_state = (2 if view.has_focus else 1) if row == 0 else 0
            self.line(timeline, event, row, cursor_state, region.width)

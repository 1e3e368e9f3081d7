"""The replay pane: a session's events drawn with the Line API, only the rows on screen.

Rows come from a ``Timeline`` (keyset pages read by thread workers), rendered lines from an LRU
cache; memory and time follow the screen, not the session. Timed replay hides the rows after
the play head and reveals them with the session's own gaps (see ``replay_timing.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import tzinfo
from typing import ClassVar, Self, TypeAlias

from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from store import EventKind, StoredEvent

from ..catalog import Catalog, SessionKey
from ..replay_timing import PlayState
from ..sanitize import one_line
from ..timeline import PAGE_SIZE, Timeline
from . import replay_messages as messages
from .event_line import LineLooks, render_event_line
from .replay_keys import REPLAY_BINDINGS
from .replay_pages import Pages
from .replay_playback import Playback, Scheduler

__all__ = ["ReplayView"]

DRAW_AHEAD_AFTER_S = 0.1
"""After a session is shown, the rows Home shows are drawn ahead (``_draw_first_rows_ahead``)."""


class ReplayView(ScrollView, can_focus=True):
    """Scrolling, filterable, playable replay of one session."""

    # Its messages (in replay_messages.py), each carrying frozen values, never the view.
    Changed: TypeAlias = messages.Changed
    Expand: TypeAlias = messages.Expand
    Back: TypeAlias = messages.Back
    KindToggled: TypeAlias = messages.KindToggled
    Find: TypeAlias = messages.Find
    JumpAsked: TypeAlias = messages.JumpAsked
    FindAsked: TypeAlias = messages.FindAsked
    CopyTextAsked: TypeAlias = messages.CopyTextAsked
    CopyLinkAsked: TypeAlias = messages.CopyLinkAsked

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "replay--seq",
        "replay--time",
        "replay--cursor",
        "replay--loading",
        "replay--unknown",
        "replay--match",
        *(f"replay--{kind.value}" for kind in EventKind),
    }

    BINDINGS: ClassVar[list[BindingType]] = REPLAY_BINDINGS  # in replay_keys.py

    # repaint=False: watch_cursor repaints the two rows a move changes, not the whole pane.
    cursor: reactive[int] = reactive(0, init=False, always_update=True, repaint=False)
    absolute_time: reactive[bool] = reactive(False, init=False)
    play: reactive[PlayState] = reactive(PlayState, init=False)

    _only: tuple[Region, ...] | None = None  # see _repainting_only
    _draw_ahead: Timer | None = None  # see _draw_ahead_soon

    def __init__(self, catalog: Catalog, tz: tzinfo | None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.catalog = catalog
        self.tz = tz
        self.timeline: Timeline | None = None
        self.live = False
        self.stale = False  # following changes failed: what is shown may be out of date
        self.play_head: int | None = None
        self.highlight: str | None = None
        self.note = ""  # said in the empty pane when no session is shown (an empty database)
        self.marked: frozenset[int] = frozenset()  # the seqs drawn with a bookmark mark
        self.scheduler: Scheduler = self.set_timer
        self.playback = Playback(self)
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self.pages = Pages(self)
        self._keep_replay_of: SessionKey | None = None
        self._find_note: tuple[int, str] | None = None
        self._looks = LineLooks(self, "replay", match="match")
        self._shown_titles: tuple[Text | None, Text | None] = (None, None)

    # ---- what is shown ---------------------------------------------------------------------

    @property
    def rows(self) -> int:
        """Rows on show: all of the timeline, or up to the play head during a replay."""
        if self.timeline is None:
            return 0
        if self.play_head is not None:
            return min(self.play_head + 1, self.timeline.count)
        return self.timeline.count

    @property
    def following(self) -> bool:
        # An empty session is followed: its first events must bring the cursor with them.
        return self.rows == 0 or self.cursor >= self.rows - 1

    def keep_replay(self) -> None:
        """The next ``show`` of this session (its kinds filtered anew) keeps a timed replay:
        the play head (on the last event shown at or before it), the speed, playing or not."""
        self._keep_replay_of = self.timeline.key if self.timeline is not None else None

    def show(self, timeline: Timeline | None, row: int | None = None, live: bool = False) -> None:
        """Replace what the pane shows; the cursor goes to ``row`` (default: the last event)."""
        carried = self.playback.carried(timeline, self._keep_replay_of)
        self._keep_replay_of = None
        self.playback.stop_timer()
        self.play_head = None
        self.set_reactive(ReplayView.play, PlayState(idle_cap=self.play.idle_cap))
        self.timeline = timeline
        self.live = live
        self._lines.clear()
        self.pages.clear()
        self._find_note = None
        if carried is not None:
            self.play_head, play = carried
            self.set_reactive(ReplayView.play, play)
        self.resize_virtual()
        target = (self.rows - 1) if row is None else max(0, min(row, self.rows - 1))
        self.set_reactive(ReplayView.cursor, max(0, target))
        # Scroll now, so the first frame draws (and reads) the cursor's rows, not the top; and
        # again once the new virtual size has reached the scrollbars.
        self._scroll_cursor_into_view(row is not None)
        self.call_after_refresh(self._scroll_cursor_into_view, row is not None)
        self.announce()
        if carried is not None and self.play.playing:
            self.playback.resume()
        self._draw_ahead_soon()

    def grow(self, timeline: Timeline, live: bool) -> None:
        """The shown session has more events (or ended): keep the place, follow the end."""
        was_following = self.following and self.play_head is None
        self.timeline = timeline
        self.live = live
        self.resize_virtual()
        if was_following:
            self.cursor = self.rows - 1
        self.announce()

    def resize_virtual(self) -> None:
        # Width 0: lines are cut to the pane, never scrolled sideways. The content width read
        # here is stale when the vertical scrollbar is about to appear, and would be 2 columns
        # too wide: a horizontal scrollbar would take the pane's last row.
        size = Size(0, self.rows)
        height = self.scrollable_content_region.height
        if (
            self.show_vertical_scrollbar
            and self.virtual_size.width == 0
            and min(self.rows, self.virtual_size.height) > height > 0
        ):
            # Taller than the pane before and after (a live session's poll): the scrollbar
            # stays, nothing is laid out anew, only its thumb changes. Through the reactive,
            # the whole screen was laid out again, 26 ms of every poll.
            self.set_reactive(ScrollView.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = self.rows
        else:
            self.virtual_size = size
        self.refresh()

    def announce(self) -> None:
        self._update_title()
        self.post_message(self.Changed(messages.ReplayProgress.of(self)))

    def _update_title(self) -> None:
        title, subtitle = self._titles()
        # Set only when they change: each setter repaints the whole pane, every row and the
        # border, which a cursor move (two rows and the subtitle) would then pay each time.
        if title != self._shown_titles[0]:
            self.border_title = title
        if subtitle != self._shown_titles[1]:
            with self._repainting_only(self._bottom_border()):
                self.border_subtitle = subtitle
        self._shown_titles = (title, subtitle)

    def _titles(self) -> tuple[Text, Text]:
        timeline = self.timeline
        if timeline is None:
            return Text("Replay"), Text("")
        marker = ""
        if self.stale:
            marker = " \u00b7 not refreshed"
        elif self.live:
            marker = (
                " \u00b7 \u25cf LIVE" if self.following else " \u00b7 LIVE paused (End follows)"
            )
        # A Text, not a str: a string title is parsed as markup, and the ulid is database text.
        title = Text(f"Replay \u00b7 {one_line(timeline.session.ulid, 64)[0]}{marker}")
        if not self.rows:
            return title, Text("no events" if timeline.kinds is None else "no events shown")
        seq = timeline.seq_of_row(self.cursor)
        note = self._find_note
        found = f" \u00b7 {note[1]}" if note is not None and note[0] == seq else ""
        where = f"seq {seq:,} \u00b7 {self.cursor + 1:,} of {timeline.count:,} events{found}"
        return title, Text(where)

    def _bottom_border(self) -> Region:
        """The border's last row (where the subtitle is), in the content's coordinates."""
        outer = self.outer_size
        offset = self.content_offset
        return Region(-offset.x, outer.height - 1 - offset.y, outer.width, 1)

    @contextmanager
    def _repainting_only(self, region: Region) -> Iterator[None]:
        """Within: a whole-pane ``refresh()`` (the border setters') repaints only ``region``."""
        self._only = (region,)
        try:
            yield
        finally:
            self._only = None

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if self._only is not None and not regions and repaint and not (layout or recompose):
            regions = self._only
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    # ---- Line API --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        # The CSS changed (a theme, a pseudo-class): the looks and the lines drawn with them.
        super().notify_style_update()
        self._looks.clear()
        self._lines.clear()
        self._draw_ahead_soon()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        timeline = self.timeline
        row = self.scroll_offset.y + y
        if timeline is None and self.note and y == 1:
            line = Text(f"  {self.note}", style="italic", no_wrap=True, overflow="ellipsis")
            line.truncate(width, pad=True)
            return Strip(list(line.render(self.app.console)), width).apply_style(self.rich_style)
        if timeline is None or row >= self.rows:
            return Strip.blank(width, self.rich_style)
        event = timeline.cached(row)
        if event is None:
            self.want_page(row // PAGE_SIZE)
            loading = self.get_component_rich_style("replay--loading")
            return Strip.blank(width, self.rich_style).apply_style(loading)
        cursor_state = (2 if self.has_focus else 1) if row == self.cursor else 0
        return self._event_line(timeline, event, row, cursor_state, width)

    def _event_line(
        self, timeline: Timeline, event: StoredEvent, row: int, cursor_state: int, width: int
    ) -> Strip:
        """The row drawn (0: not the cursor's; 1: the cursor's, unfocused; 2: focused)."""
        # As wide as the widest seq (the last one, or a negative first one): part of the
        # cache key, so rows drawn before a live session reached 10 or 100 events line up.
        last = timeline.seq_of_row(timeline.count - 1)
        seq_width = max(len(str(timeline.seq_of_row(0))), len(str(last)))
        key = (row, width, self.absolute_time, cursor_state, self.highlight, seq_width, self.marked)
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
                highlight=self.highlight,
                marked=event.seq in self.marked,
            )
            self._lines[key] = strip
        return strip

    def _draw_ahead_soon(self) -> None:
        """Draw the rows Home / g shows in a moment (one timer at a time): once laid out, as
        before that the width (the scrollbar may not be up yet) and the scroll are not the
        ones Home will find; again after the lines were dropped (a focus or theme change)."""
        if self._draw_ahead is None and self.is_mounted:
            self._draw_ahead = self.set_timer(DRAW_AHEAD_AFTER_S, self._draw_first_rows_ahead)

    def _draw_first_rows_ahead(self) -> None:
        """Draw the rows Home / g shows (the jump made most; their page is read with the
        session) into the line cache, once the frame showing the session is out: the jump's
        frame then composes them instead of drawing them (the first Home's frame left the app
        6.7-7.9 ms after the key, now 5.0-5.2); the first row as the cursor's. A focus change
        drops them with the other lines and draws them again (``notify_style_update``). A first
        page not read is left to Home to read."""
        self._draw_ahead = None
        timeline = self.timeline
        if timeline is None or self.scroll_offset.y == 0:
            return  # nothing shown, or the top is on screen already
        width = self.scrollable_content_region.width
        for row in range(min(self.scrollable_content_region.height, self.rows)):
            event = timeline.cached(row)
            if event is None:
                return
            cursor_state = (2 if self.has_focus else 1) if row == 0 else 0
            self._event_line(timeline, event, row, cursor_state, width)

    def want_page(self, page: int) -> None:
        self.pages.want(page)

    @property
    def _pending(self) -> set[int]:
        """Pages being read (what tests wait on)."""
        return self.pages.pending

    # ---- cursor ----------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_offset.y
        self._scroll_cursor_into_view()
        if self.scroll_offset.y == top:
            # Not scrolled (a scroll repaints the pane itself): only the rows the cursor left
            # and reached change (a j wrote 12,110 characters to the terminal, now 1,236).
            self.refresh_line(old)
            self.refresh_line(new)
        self.announce()

    def watch_absolute_time(self) -> None:
        self.refresh()

    def watch_play(self) -> None:
        self.announce()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y

        def scroll(y: int) -> None:
            # force: just after show() the vertical scrollbar may not be up yet, and without
            # it Textual ignores the scroll (a session opened at #SEQ stayed at the top).
            self.scroll_to(y=y, animate=False, immediate=True, force=True)

        if center:
            scroll(max(0, self.cursor - height // 2))
        elif self.cursor < top:
            scroll(self.cursor)
        elif self.cursor >= top + height:  # height 0 (no layout yet): past the end, which
            scroll(self.cursor - height + 1 if height else self.rows)  # the layout clamps

    def _set_cursor(self, row: int) -> None:
        if self.rows:
            self.cursor = max(0, min(row, self.rows - 1))

    def action_move(self, delta: int) -> None:
        self._set_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self._set_cursor(self.cursor + direction * step)

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(self.rows - 1)

    def action_toggle_time(self) -> None:
        self.absolute_time = not self.absolute_time

    def jump_to_seq(self, seq: int) -> bool:
        """Put the cursor on ``seq`` (or the next event shown after it); False past the end."""
        if self.timeline is None:
            return False
        row = self.timeline.row_of_seq(seq)
        if row is None:
            return False
        if self.play_head is not None and row > self.play_head:
            self.stop_replay()
        self._set_cursor(row)
        self._scroll_cursor_into_view(center=True)
        return True

    def show_find_note(self, seq: int, note: str) -> None:
        """Say ``note`` (e.g. "'x' 3 of 17") under the pane while the cursor is on ``seq``."""
        self._find_note = (seq, one_line(note, 80)[0])
        self._update_title()

    def with_cursor_event(self, callback: Callable[[StoredEvent], None]) -> None:
        """Call ``callback`` with the cursor's event, now or once its page is read."""
        self.pages.with_cursor_event(callback)

    def cursor_event_seq(self) -> int | None:
        if self.timeline is None or not self.rows:
            return None
        return self.timeline.seq_of_row(self.cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self.timeline is not None:
            self._set_cursor(self.scroll_offset.y + offset.y)

    def on_resize(self) -> None:
        self.resize_virtual()
        self._lines.clear()
        self._draw_ahead_soon()

    # ---- timed replay (see replay_playback.py) ----------------------------------------------

    def action_play(self) -> None:
        self.playback.toggle()

    def action_speed(self, direction: int) -> None:
        self.playback.speed(direction)

    def action_auto_pause(self) -> None:
        self.playback.auto_pause()

    def action_step(self, delta: int) -> None:
        self.playback.step(delta)

    def stop_replay(self) -> None:
        self.playback.stop()

    # ---- requests to the app ---------------------------------------------------------------

    def action_expand(self) -> None:
        timeline = self.timeline
        if timeline is None or not self.rows:
            return
        event = timeline.cached(self.cursor)
        if event is not None:
            self.post_message(self.Expand(timeline.session.ulid, event, timeline.origin))

    def action_back(self) -> None:
        if self.play_head is not None:
            self.stop_replay()
        else:
            self.post_message(self.Back())

    def action_request(self, what: str) -> None:
        self.post_message(messages.REQUESTS[what]())

    def action_toggle_kind(self, kind: str) -> None:
        self.post_message(self.KindToggled(kind))

    def action_find_next(self, direction: int) -> None:
        if self.highlight:
            self.post_message(self.Find(self.highlight, forward=direction > 0))

"""The replay pane: a session's events drawn with the Line API, only the rows on screen.

Rows come from a ``Timeline`` (keyset pages read by thread workers), rendered lines from an LRU
cache (``replay_rows.py``); memory and time follow the screen, not the session. Timed replay
hides the rows after the play head and reveals them with the session's own gaps (see
``replay_timing.py``); the border's words are ``replay_titles.py``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import tzinfo
from typing import ClassVar, Self, TypeAlias

from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store import EventKind, StoredEvent

from ..catalog import Catalog, SessionKey
from ..replay_timing import PlayState
from ..sanitize import one_line
from ..timeline import PAGE_SIZE, Timeline
from . import replay_messages as messages
from .replay_keys import REPLAY_BINDINGS
from .replay_pages import Pages
from .replay_playback import Playback, Scheduler
from .replay_rows import ReplayRows
from .replay_titles import replay_titles

__all__ = ["ReplayView"]


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
        self.drawn = ReplayRows(self)
        self.pages = Pages(self)
        self._keep_replay_of: SessionKey | None = None
        self.find_note: tuple[int, str] | None = None
        """(seq, note) said under the pane while the cursor is on that seq."""
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
        self.drawn.clear()
        self.pages.clear()
        self.find_note = None
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
        title, subtitle = replay_titles(self)
        # Set only when they change: each setter repaints the whole pane, every row and the
        # border, which a cursor move (two rows and the subtitle) would then pay each time.
        if title != self._shown_titles[0]:
            self.border_title = title
        if subtitle != self._shown_titles[1]:
            with self._repainting_only(self._bottom_border()):
                self.border_subtitle = subtitle
        self._shown_titles = (title, subtitle)

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
        self.drawn.clear(looks=True)

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
        return self.drawn.line(timeline, event, row, cursor_state, width)

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
        self.find_note = (seq, one_line(note, 80)[0])
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
        self.drawn.clear()

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

"""The timeline strip (issue 13): its bins read in a worker, its cells drawn from them, its
keys (} { next / previous marker, > < next / previous alert, T time or seq) and clicks.

The bins of the shown session are read once it is shown (never on the path to the first
frame: the strip is empty until they arrive), then only from their last bin on when the
session grows (live follow announces it through the replay); a resize, a cursor move or a
bookmark redraws the cells from the bins in memory, with no read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .. import strip_bins
from ..strip_bins import BinKey, Bins
from ..strip_model import StripLayout, build_view, layout, marked

if TYPE_CHECKING:
    from ..app import ZeroSessionApp
    from ..timeline import Timeline
    from ..widgets.timeline_strip import TimelineStrip

__all__ = ["MARKER_KINDS", "StripControls"]

MARKER_KINDS: Final = frozenset({"warn", "alert", "mode_change"})
"""The kinds ``}`` and ``{`` stop at (with the session's bookmarks)."""
ALERT_KINDS: Final = frozenset({"alert"})


@dataclass(frozen=True, slots=True)
class _Jump:
    kinds: frozenset[str]
    forward: bool
    bookmarks: bool
    name: str


JUMPS: Final = {
    "next_marker": _Jump(MARKER_KINDS, True, True, "marker"),
    "previous_marker": _Jump(MARKER_KINDS, False, True, "marker"),
    "next_alert": _Jump(ALERT_KINDS, True, False, "alert"),
    "previous_alert": _Jump(ALERT_KINDS, False, False, "alert"),
}


class StripControls:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app
        self.mode = "time"
        self.bins: Bins | None = None
        self._reading: BinKey | None = None
        self._failed: BinKey | None = None
        self._asked: tuple[BinKey, int] | None = None
        """The session and last seq the latest read was for: read again only once the
        replay has more (never in a loop for rows the database no longer has)."""
        self.width = 0
        self._layout: StripLayout | None = None
        """The cells of ``bins`` at ``width``, kept while both are: a move only marks them."""

    @property
    def strip(self) -> TimelineStrip:
        return self.app.main.strip

    def _key(self, timeline: Timeline) -> BinKey:
        key = timeline.key
        return (key.partition, key.session_id, timeline.session.ulid, self.mode)

    def start(self) -> None:
        """The main screen is up: redraw the window band when the replay scrolls without its
        cursor moving (the mouse wheel, the scrollbar)."""
        self.strip.watch(self.app.replay, "scroll_y", self._scrolled, init=False)

    def _scrolled(self) -> None:
        self.paint()

    # ---- keeping the bins up to date -------------------------------------------------------

    def follow_shown(self) -> None:
        """The replay changed (another session, more events, the cursor): read what is
        missing, and redraw."""
        timeline = self.app.replay.timeline
        if timeline is None:
            self.bins = None
        else:
            key = self._key(timeline)
            bins = self.bins if self.bins is not None and self.bins.key == key else None
            last = timeline.shape.last_seq if timeline.count else None
            asked = (key, last if last is not None else 0)
            if bins is None:
                self.bins = None
                self._read(key, None, asked)
            elif (
                last is not None
                and (bins.through_seq is None or last > bins.through_seq)
                and asked != self._asked
            ):
                self._read(key, bins, asked)
        self.paint()

    def _read(self, key: BinKey, prior: Bins | None, asked: tuple[BinKey, int]) -> None:
        if self._reading is not None or key == self._failed:
            return  # one read at a time: the next Changed after it asks again
        self._reading, self._asked = key, asked
        catalog = self.app.catalog

        def read() -> Bins:
            if prior is not None:  # a few short reads: the shared store
                return strip_bins.read_bins(catalog.store(key[0]), key, prior)
            # A read of the whole session: stores of its own (two lanes when it is long),
            # so the list's and the replay's short reads never queue behind its hundreds of
            # statements.
            with catalog.reader(key[0]) as store:
                return strip_bins.read_bins(store, key, more=lambda: catalog.reader(key[0]))

        def wanted(bins: Bins) -> bool:
            timeline = self.app.replay.timeline
            return timeline is not None and self._key(timeline) == bins.key

        def failed(error: Exception) -> None:
            self._reading, self._failed = None, key

        self.app.in_thread(
            read,
            self._read_done,
            group="strip",
            wanted=wanted,
            stale=self._stale,
            failed=failed,
            failure="Cannot draw the timeline strip",
        )

    def _read_done(self, bins: Bins) -> None:
        self._reading = None
        self.bins = bins
        self.follow_shown()  # grown meanwhile: read the rest

    def _stale(self) -> None:
        self._reading = None
        self.follow_shown()

    # ---- drawing ---------------------------------------------------------------------------

    def resized(self, width: int) -> None:
        self.width = width
        self.paint()

    def paint(self) -> None:
        if not self.app.ui_alive:
            return
        replay = self.app.replay
        timeline = replay.timeline
        head = replay.cursor_event_seq()
        window: tuple[int, int] | None = None
        if timeline is not None and replay.rows:
            top = min(replay.scroll_offset.y, replay.rows - 1)
            bottom = min(top + max(1, replay.scrollable_content_region.height) - 1, replay.rows - 1)
            window = (timeline.seq_of_row(top), timeline.seq_of_row(bottom))
        bins = self.bins if timeline is not None else None
        width = self.width or self.strip.size.width
        bookmarks = list(self.app.bookmarks.marks) if timeline is not None else []
        if bins is None or bins.empty or width <= 0:
            view = build_view(bins, width, mode=self.mode)
        else:
            laid = self._layout
            if laid is None or laid.bins is not bins or laid.width != width:
                laid = self._layout = layout(bins, width)
            view = marked(laid, bookmarks=bookmarks, head=head, window=window, mode=self.mode)
        strip = self.strip
        if view.looks_like(strip.view):  # a move within one cell, a bin counting more
            strip.view = view  # its counts and first seqs, for a click; nothing to draw
        else:
            strip.show(view)

    # ---- the keys and clicks ---------------------------------------------------------------

    def act(self, what: str) -> None:
        if what == "toggle":
            self.toggle_mode()
        else:
            self.jump(JUMPS[what])

    def toggle_mode(self) -> None:
        self.mode = "seq" if self.mode == "time" else "time"
        self.bins = None
        self._failed = None
        self.follow_shown()
        self.app.notify(f"Timeline strip by {self.mode}", markup=False, timeout=3)

    def seek(self, seq: int) -> None:
        replay = self.app.replay
        if replay.jump_to_seq(seq):
            replay.focus()

    def _shown_bookmarks(self, timeline: Timeline) -> list[int]:
        marks = []
        for seq in self.app.bookmarks.marks:
            row = timeline.row_of_seq(seq)
            if row is not None and timeline.seq_of_row(row) == seq:
                marks.append(seq)
        return sorted(marks)

    def jump(self, jump: _Jump) -> None:
        replay = self.app.replay
        timeline, seq = replay.timeline, replay.cursor_event_seq()
        if timeline is None or seq is None:
            self.app.notify("No session shown: open one first.", markup=False)
            return
        shown = timeline.kinds
        kinds = jump.kinds if shown is None else jump.kinds & shown
        marks = self._shown_bookmarks(timeline) if jump.bookmarks else []
        if not kinds and not marks:
            self.app.notify(f"No {jump.name}s shown: their kinds are hidden.", markup=False)
            return
        # Bins of either mode bound the reads (they are seq ranges).
        bins = self.bins if self.bins is not None else None
        if bins is not None and bins.key[:3] != self._key(timeline)[:3]:
            bins = None
        store, session_id = self.app.catalog.store(timeline.key.partition), timeline.key.session_id
        seek = strip_bins.next_marker if jump.forward else strip_bins.previous_marker

        def find() -> tuple[int, str] | None:
            return seek(store, session_id, kinds, seq, bins)

        def found(event: tuple[int, str] | None) -> None:
            self._land(jump, seq, event, marks)

        self.app.in_thread(find, found, group="strip-jump", failure="Cannot find the next marker")

    def _land(
        self, jump: _Jump, origin: int, event: tuple[int, str] | None, marks: list[int]
    ) -> None:
        replay = self.app.replay
        if replay.cursor_event_seq() != origin:
            return  # the cursor moved meanwhile: that move wins
        if jump.forward:
            mark = next((m for m in marks if m > origin), None)
            better = mark is not None and (event is None or mark < event[0])
        else:
            mark = next((m for m in reversed(marks) if m < origin), None)
            better = mark is not None and (event is None or mark > event[0])
        target, what = (mark, "bookmark") if better and mark is not None else (None, "")
        if target is None and event is not None:
            target, what = event[0], event[1].replace("_", " ")
        if target is None:
            where = "after" if jump.forward else "before"
            self.app.notify(f"No {jump.name} {where} seq {origin}", markup=False)
            return
        if replay.jump_to_seq(target):
            replay.show_find_note(target, what)

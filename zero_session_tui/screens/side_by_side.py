"""Two sessions side by side, scrolling together, their first difference marked.

The focused pane leads: j/k, PgUp/PgDn, Home/End move its cursor, and the other pane follows
so that the two aligned rows sit on the same screen line. Aligned at the fork point (a fork
beside its parent) the panes are row-locked; by offset from start or by clock time the other
pane's cursor goes to its last event at or before the same moment, found in a worker
(``alignment.row_at_or_before``). ``a`` steps through the alignments, keeping the leading
pane's place. The first difference after the alignment point is looked for in a worker
(compared by SQLite, ``alignment.first_difference_in_sql``, when both sessions are in one
database with contiguous seqs; else page by page in Python, ``alignment.first_difference``),
stopped at the first pair that differs, or when the screen closes or the alignment changes,
and marked ≠ in both panes; ``d`` puts both cursors on it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import tzinfo
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..alignment import (
    Difference,
    Mode,
    counted_shape,
    event_at_row,
    first_difference,
    first_difference_in_sql,
    fork_shift,
    moment_beside,
    next_mode,
    row_at_or_before,
    start_rows,
)
from ..catalog import Catalog
from ..pairing import Pair
from ..timeline import Timeline, TimelineShape, verify_shape
from ..widgets.side_pane import SidePane
from ..workers import run_in_thread

__all__ = ["SideBySideScreen"]


@dataclass(frozen=True, slots=True)
class _Walked:
    """What the difference's worker found: the rows it started from and the difference; or,
    with ``shapes``, nothing yet: the sessions' seqs have gaps, these are their real rows."""

    starts: tuple[int, int]
    difference: Difference
    shapes: tuple[TimelineShape, TimelineShape] | None = None


BREATHE_S = 0.002
"""A pause after each page Python compares (sessions in two databases, or seqs with gaps):
the UI thread gets the GIL in between, so the panes stay responsive during a long walk."""


class SideBySideScreen(Screen[None]):
    DEFAULT_CSS = """
    #sbs-panes { height: 1fr; }
    #sbs-status { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("tab,shift+tab", "switch", "Other pane"),
        Binding("up,k", "move(-1)", "Up (both)", show=False),
        Binding("down,j", "move(1)", "Down (both)", show=False),
        Binding("pageup", "page(-1)", "Page up (both)", show=False),
        Binding("pagedown", "page(1)", "Page down (both)", show=False),
        Binding("home,g", "first", "Start (both)", show=False),
        Binding("end,G", "last", "End (both)", show=False),
        Binding("a", "align", "Alignment"),
        Binding("d", "difference", "First difference"),
        Binding("t", "toggle_time", "Time abs/rel", show=False),
        Binding("enter", "expand", "Full text", show=False),
    ]

    def __init__(self, catalog: Catalog, tz: tzinfo | None, pair: Pair) -> None:
        super().__init__()
        self.catalog = catalog
        self.tz = tz
        self.pair = pair
        self.mode = pair.mode
        self.names = ("parent", "fork") if pair.shift is not None else ("left", "right")
        self.difference: Difference | None = None
        """The first difference for the current alignment; None while it is looked for."""
        self.starts: tuple[int, int] = (0, 0)
        self.following = False
        """A time-locked follow is being read (what tests wait on)."""
        self._moves = 0  # each move of the leading pane: a follow result for an older is dropped
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        with Horizontal(id="sbs-panes"):
            yield SidePane(self.catalog, self.tz, self.names[0], id="sbs-left")
            yield SidePane(self.catalog, self.tz, self.names[1], id="sbs-right")
        yield Static(id="sbs-status")
        yield Footer()

    @property
    def left(self) -> SidePane:
        return self.query_one("#sbs-left", SidePane)

    @property
    def right(self) -> SidePane:
        return self.query_one("#sbs-right", SidePane)

    def on_mount(self) -> None:
        self.left.show(self.pair.left)
        self.right.show(self.pair.right)
        self._set_notes()
        self.left.focus()
        self.call_after_refresh(self._start)

    def on_unmount(self) -> None:
        self._cancel.set()  # a difference still being looked for stops at its next page

    # ---- placing the panes -------------------------------------------------------------------

    def _leader(self) -> tuple[SidePane, SidePane]:
        left, right = self.left, self.right
        return (right, left) if self.focused is right else (left, right)

    def _start(self) -> None:
        """Both panes at the alignment point, then its first difference looked for."""
        left = self.left
        if self.mode is Mode.FORK and self.pair.shift is not None:
            base = self.pair.shift
            row = base if base < left.rows else max(0, base - 1)
            left.place(row, left.lines_shown // 3)
            self._follow(left)
        elif self.mode is Mode.OFFSET:
            left.place(0, 0)
            self._follow(left)
        self._find_difference(place=self.mode is Mode.CLOCK)

    def _go(self, leader: SidePane, row: int) -> None:
        if not leader.rows:
            return
        leader.scroll_into_view(max(0, min(row, leader.rows - 1)))
        self._follow(leader)

    def _follow(self, leader: SidePane) -> None:
        """The other pane to the row aligned with the leader's cursor, on the same line."""
        follower = self.right if leader is self.left else self.left
        self._moves += 1
        if self.mode is Mode.FORK:
            shift = self.pair.shift or 0
            row = leader.cursor - shift if leader is self.left else leader.cursor + shift
            follower.place(row, leader.cursor - leader.top)
            self._update_status()
            return
        ours, theirs = leader.timeline, follower.timeline
        if ours is None or theirs is None or not leader.at_event:
            return
        catalog, mode, cursor, move = self.catalog, self.mode, leader.cursor, self._moves

        def find() -> int | None:
            event = event_at_row(catalog, ours, cursor)
            moment = moment_beside(mode, event.at if event else None, ours.origin, theirs.origin)
            return None if moment is None else row_at_or_before(catalog, theirs, moment)

        def found(row: int | None) -> None:
            self.following = False
            if row is not None:
                follower.place(row, leader.cursor - leader.top)
            self._update_status()

        self.following = True
        run_in_thread(
            self,
            find,
            found,
            group="side-follow",
            exclusive=True,
            failure="Cannot align the sessions",
            failed=lambda _: setattr(self, "following", False),
            wanted=lambda _: move == self._moves,
            stale=lambda: None,
        )

    def _set_notes(self) -> None:
        left, right = self.left, self.right
        left.notes, right.notes = {}, {}
        if self.mode is Mode.FORK:
            seq = self.pair.fork_seq
            where = f"after the parent's #{seq}" if seq is not None else "before its first event"
            right.notes[-1] = f"\u2442 forked here, {where}"
        else:
            for pane in (left, right):
                pane.notes[-1] = "\u00b7 before this session's first event"

    # ---- the first difference ----------------------------------------------------------------

    def _find_difference(self, *, place: bool = False) -> None:
        self._cancel.set()
        cancel = self._cancel = threading.Event()
        self.difference = None
        for pane in (self.left, self.right):
            pane.mark_difference(None)
        self._update_status()
        catalog, mode, shift = self.catalog, self.mode, self.pair.shift
        left, right = self.pair.left, self.pair.right

        def walk() -> _Walked:
            reader, lp, rp = catalog.reader, left.key.partition, right.key.partition
            with reader(lp) as one, reader(rp) as other:
                shapes = (counted_shape(one, left), counted_shape(other, right))
                if not all(shape.verified for shape in shapes):
                    # Gaps in the seqs: rows were taken for seqs; read them again by seq.
                    checked = tuple(verify_shape(catalog, t.key, t.shape) for t in (left, right))
                    return _Walked((0, 0), Difference(None, None, 0), (checked[0], checked[1]))
                starts = start_rows(catalog, mode, left, right, shift)
                if lp == rp:  # SQLite compares, Python waits
                    fast = first_difference_in_sql(
                        one,
                        (shapes[0], left.key.session_id, starts[0]),
                        (shapes[1], right.key.session_id, starts[1]),
                        cancel.is_set,
                    )
                    if fast is not None:
                        return _Walked(starts, fast)
                slow = first_difference(
                    (one, left, starts[0]),
                    (other, right, starts[1]),
                    cancel.is_set,
                    breathe=lambda: time.sleep(BREATHE_S),
                )
            return _Walked(starts, slow)

        def found(walked: _Walked) -> None:
            if walked.shapes is not None:
                self._reopen(*walked.shapes)
                return
            self.starts, self.difference = walked.starts, walked.difference
            self.left.mark_difference(self.difference.left_seq)
            self.right.mark_difference(self.difference.right_seq)
            if place:  # by clock: the panes open at the alignment point
                self._place_pair(self.starts[0], self.starts[1], 0)
            self._update_status()

        run_in_thread(
            self,
            walk,
            found,
            group="side-difference",
            failure="Cannot compare the sessions",
            wanted=lambda _: cancel is self._cancel and not cancel.is_set(),
        )

    def _reopen(self, left: TimelineShape, right: TimelineShape) -> None:
        """The sessions' seqs have gaps: show them with their rows read by seq (the pages
        read stay when rows did not move), the fork point's row found again, and start over
        at the alignment point."""
        pair = self.pair
        ours, theirs = pair.left.checked(left), pair.right.checked(right)
        shift = None if pair.shift is None else fork_shift(ours, pair.fork_seq, True)
        self.pair = Pair(ours, theirs, shift, pair.fork_seq)
        self.left.show(ours)
        self.right.show(theirs)
        self._start()

    def _place_pair(self, left_row: int, right_row: int, line: int) -> None:
        self.left.place(left_row, line)
        self.right.place(right_row, line)

    def _update_status(self) -> None:
        status = Text(f"Aligned {self.mode.label}")
        if self.mode is Mode.FORK and self.pair.fork_seq is not None:
            status.append(f" (parent #{self.pair.fork_seq})")
        status.append(" \u00b7 ")
        if self.difference is None:
            status.append("looking for the first difference\u2026", style="italic")
        else:
            status.append(self.difference.describe(*self.names))
        self.query_one("#sbs-status", Static).update(status)

    # ---- actions -----------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        leader, _ = self._leader()
        self._go(leader, leader.cursor + delta)

    def action_page(self, direction: int) -> None:
        leader, _ = self._leader()
        self._go(leader, leader.cursor + direction * max(1, leader.lines_shown - 1))

    def action_first(self) -> None:
        self._go(self._leader()[0], 0)

    def action_last(self) -> None:
        leader, _ = self._leader()
        self._go(leader, leader.rows - 1)

    def action_switch(self) -> None:
        _, other = self._leader()
        other.focus()

    def action_align(self) -> None:
        self.mode = next_mode(self.mode, self.pair.shift is not None)
        self._set_notes()
        leader, _ = self._leader()
        if leader.rows:
            leader.place(max(0, min(leader.cursor, leader.rows - 1)), leader.cursor - leader.top)
            self._follow(leader)
        self._find_difference()

    def action_difference(self) -> None:
        found = self.difference
        if found is None:
            self.notify("Still looking for the first difference\u2026", markup=False)
            return
        if not found.found:
            self.notify(found.describe(*self.names), markup=False)
            return
        rows = (self.starts[0] + found.compared, self.starts[1] + found.compared)
        self._place_pair(*rows, self.left.lines_shown // 3)
        self._update_status()

    def action_toggle_time(self) -> None:
        for pane in (self.left, self.right):
            pane.set_absolute(not pane.absolute_time)

    def action_expand(self) -> None:
        from .event_detail import EventDetailScreen

        leader, _ = self._leader()
        timeline: Timeline | None = leader.timeline
        if timeline is None or not leader.at_event:
            return
        event = timeline.cached(leader.cursor)
        if event is not None:
            self.app.push_screen(
                EventDetailScreen(timeline.session.ulid, event, timeline.origin, self.tz)
            )

    def action_close(self) -> None:
        self.dismiss(None)

    # ---- the mouse ---------------------------------------------------------------------------

    def on_side_pane_clicked(self, message: SidePane.Clicked) -> None:
        pane = self.query_one(f"#{message.pane_id}", SidePane)
        pane.focus()
        self._go(pane, message.row)

    def on_side_pane_scrolled(self, message: SidePane.Scrolled) -> None:
        pane = self.query_one(f"#{message.pane_id}", SidePane)
        self._go(pane, pane.cursor + message.delta)

"""Timed replay for the replay pane: reveal events one by one with the session's own gaps.

The timing is ``replay_timing.PlayState``'s (pure); this part moves the play head and schedules the
next step through the pane's ``scheduler`` (Textual's ``set_timer``, or a test's fake).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from store import EventKind

from ..catalog import SessionKey
from ..replay_timing import PlayState
from ..timeline import PAGE_SIZE, Timeline

if TYPE_CHECKING:
    from .replay import ReplayView

__all__ = ["Cancellable", "Playback", "Scheduler"]


class Cancellable(Protocol):
    def stop(self) -> object: ...


Scheduler = Callable[[float, Callable[[], None]], Cancellable]


class Playback:
    """Play, pause, speed, step and auto-pause for one ``ReplayView`` (which owns the
    cursor, the play head and the ``play`` state this changes)."""

    def __init__(self, view: ReplayView) -> None:
        self.view = view
        self._timer: Cancellable | None = None

    def toggle(self) -> None:
        view = self.view
        if not view.timeline or not view.timeline.count:
            return
        if view.play_head is None:
            at_end = view.cursor >= view.timeline.count - 1
            view.play_head = 0 if at_end else view.cursor
            view.resize_virtual()
            view.cursor = view.play_head
        view.play = view.play.toggled()
        if view.play.playing:
            self._schedule_next()
        else:
            self.stop_timer()

    def speed(self, direction: int) -> None:
        view = self.view
        view.play = view.play.faster() if direction > 0 else view.play.slower()

    def auto_pause(self) -> None:
        view = self.view
        view.play = replace(view.play, auto_pause=not view.play.auto_pause)

    def step(self, delta: int) -> None:
        view = self.view
        if view.play_head is None:
            view.action_move(delta)
            return
        self.stop_timer()
        view.play = view.play.paused()
        self._move_head(view.play_head + delta)

    def stop(self) -> None:
        view = self.view
        self.stop_timer()
        view.play_head = None
        view.play = view.play.paused()
        view.resize_virtual()
        # Stopping a paused replay leaves ``play`` equal, so its watcher does not run: say so
        # here, or the bar keeps showing the replay that has ended.
        view.announce()

    def _move_head(self, row: int) -> None:
        view = self.view
        if view.timeline is None:
            return
        view.play_head = max(0, min(row, view.timeline.count - 1))
        view.resize_virtual()
        view.cursor = view.play_head

    def carried(
        self, timeline: Timeline | None, keep_for: SessionKey | None
    ) -> tuple[int, PlayState] | None:
        """(play head row, play state) that a timed replay keeps when ``timeline`` replaces
        the shown one: asked for (``keep_for``, a kind toggle) or the same rows re-counted.
        The head goes to the last event shown at or before the one it was on: nothing after
        the moment reached is revealed. None: the replay ends, as for another session."""
        view, old = self.view, self.view.timeline
        if timeline is None or old is None or view.play_head is None or not timeline.count:
            return None
        if old.key != timeline.key:
            return None
        recount = old.kinds == timeline.kinds and not old.shape.verified
        if keep_for != timeline.key and not recount:
            return None
        seq = old.seq_of_row(view.play_head)
        row = timeline.row_of_seq(seq)
        if row is None:
            row = timeline.count - 1
        elif timeline.seq_of_row(row) > seq:
            row -= 1
        return max(0, row), view.play

    def resume(self) -> None:
        """Go on playing from the play head (after ``carried``)."""
        self._schedule_next()

    def stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _schedule_next(self) -> None:
        view = self.view
        self.stop_timer()
        timeline, head = view.timeline, view.play_head
        if timeline is None or head is None:
            return
        if head >= timeline.count - 1:
            view.play = view.play.paused()
            return
        current, upcoming = timeline.cached(head), timeline.cached(head + 1)
        if current is None or upcoming is None:
            view.want_page((head + 1) // PAGE_SIZE)
            self._timer = view.scheduler(0.05, self._schedule_next)
            return
        delay = view.play.delay(current.at, upcoming.at)
        self._timer = view.scheduler(delay, self._advance)

    def _advance(self) -> None:
        view = self.view
        self._timer = None
        timeline, head = view.timeline, view.play_head
        if not view.play.playing or timeline is None or head is None:
            return
        for _ in range(view.play.batch()):
            if head >= timeline.count - 1:
                break
            event = timeline.cached(head + 1)
            if event is None:
                break
            head += 1
            if view.play.auto_pause and event.kind in (EventKind.WARN, EventKind.ALERT):
                view.play = view.play.paused()
                break
        self._move_head(head)
        if view.play.playing:
            self._schedule_next()

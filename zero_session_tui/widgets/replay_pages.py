"""Pages of the replay pane's timeline read by thread workers, and who waits for them.

The pane draws only rows whose page is cached; a missing page is read here, once, off the UI
thread, and the pane is refreshed when it lands. ``with_cursor_event`` lets the event view
step to a neighbour whose page is not read yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from store import StoredEvent

from ..catalog import describe
from ..timeline import PAGE_SIZE, Timeline
from ..workers import run_in_thread

if TYPE_CHECKING:
    from .replay import ReplayView

__all__ = ["Pages"]


class Pages:
    """Page reads for one ``ReplayView`` (which owns the timeline and the cursor)."""

    def __init__(self, view: ReplayView) -> None:
        self.view = view
        self.pending: set[int] = set()
        self._waiters: list[tuple[int, Callable[[StoredEvent], None]]] = []

    def clear(self) -> None:
        """A new timeline is shown: pages asked for the old one arrive to nobody."""
        self.pending.clear()
        self._waiters.clear()

    def want(self, page: int) -> None:
        timeline = self.view.timeline
        if timeline is None or page in self.pending or timeline.has_page(page):
            return
        self.pending.add(page)
        catalog = self.view.catalog
        run_in_thread(
            self.view,
            lambda: timeline.fetch_page(catalog, page),
            lambda _: self._arrived(timeline, page),
            group="replay-pages",
            failed=lambda error: self._failed(timeline, page, describe(error)),
        )

    def with_cursor_event(self, callback: Callable[[StoredEvent], None]) -> None:
        """Call ``callback`` with the cursor's event: now when its page is read, else when
        the page arrives (and the cursor is still there)."""
        view = self.view
        if view.timeline is None or not view.rows:
            return
        event = view.timeline.cached(view.cursor)
        if event is not None:
            callback(event)
            return
        self._waiters.append((view.cursor, callback))
        self.want(view.cursor // PAGE_SIZE)

    def _arrived(self, timeline: Timeline, page: int) -> None:
        self.pending.discard(page)
        view = self.view
        current = view.timeline
        # Also when the session's timeline was replaced meanwhile (it grew, or its count was
        # checked): the page went to the old one, and a refresh asks the new one for it.
        if current is None or current.key != timeline.key:
            return
        view.refresh()
        waiting, self._waiters = self._waiters, []
        for row, callback in waiting:
            event = current.cached(row)
            if event is None:
                self._waiters.append((row, callback))
            elif row == view.cursor:
                callback(event)

    def _failed(self, timeline: Timeline, page: int, message: str) -> None:
        self.pending.discard(page)
        if timeline is self.view.timeline:
            self.view.notify(message, title="Cannot read events", severity="error", markup=False)

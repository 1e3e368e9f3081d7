"""``V``: two sessions side by side. Which two, and how they line up, is decided here.

The session ``V`` acts on is the one the replay shows when the replay has focus, else the
list's highlighted row. Then:

1. a session marked with ``V`` before (``m`` in the picker) is put beside it (pressing ``V``
   on the marked session itself unmarks it);
2. else a fork is opened beside its parent, aligned at the fork point;
3. else a picker asks which session to put beside it (``m`` there marks it instead, so the
   other one can be found with the list's own filter, sort and search).

What is read for the two (``pairing.read_pair``) is read in one worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import SessionKey
from ..formatting import short_ulid
from ..sanitize import inert

if TYPE_CHECKING:
    from ..app import ZeroSessionApp
    from ..pairing import Pair
    from ..screens.session_picker import Picked

# The screens, and the pairing (with the alignment), are imported where they are used: they are
# not on the path to the first screen.

__all__ = ["SideBySide"]


class SideBySide:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app
        self.catalog = app.catalog
        self.marked: tuple[SessionKey, str] | None = None
        """The session marked to go beside the next one ``V`` is pressed on (key, ULID)."""

    def _target(self) -> tuple[SessionKey, str] | None:
        """(key, ULID) of the session ``V`` acts on (see the module's doc)."""
        app = self.app
        timeline = app.replay.timeline
        if app.focused is app.replay and timeline is not None:
            return timeline.key, timeline.session.ulid
        item = app.table.current_item()
        return (item.key, item.session.ulid) if item is not None else None

    def start(self) -> None:
        target = self._target()
        if target is None:
            return
        key, ulid = target
        marked = self.marked
        if marked is not None:
            self.marked = None
            if marked[0] == key:
                self.app.notify(f"{short_ulid(inert(ulid))} is no longer marked.", markup=False)
                return
            self.open(marked[0], key)
            return
        self.open(key, None)

    def open(self, left: SessionKey, right: SessionKey | None) -> None:
        """Read both sessions in a worker, then show them (or, ``right`` None and ``left``
        no fork, ask which session goes beside ``left``)."""
        from ..pairing import read_pair

        catalog, now = self.catalog, self.app.clock()
        self.app.in_thread(
            lambda: read_pair(catalog, left, right, now),
            lambda pair: self._show(pair, left),
            group="side-by-side",
            exclusive=True,
            failure="Cannot open side by side",
        )

    def _show(self, pair: Pair | None, key: SessionKey) -> None:
        from ..screens.side_by_side import SideBySideScreen

        if isinstance(self.app.screen, SideBySideScreen):
            return  # V pressed twice: the first read's view is up already
        if pair is not None:
            self.app.push_screen(SideBySideScreen(self.catalog, self.app.tz, pair))
            return
        self._pick(key)

    def _pick(self, key: SessionKey) -> None:
        from ..screens.session_picker import SessionPickerScreen

        timeline = self.app.replay.timeline
        item = next((i for i in self.app.table.items if i.key == key), None)
        ulid = item.session.ulid if item is not None else timeline.session.ulid if timeline else ""

        def picked(choice: Picked | None) -> None:
            if choice is None:
                return
            if choice.key is None:
                self.marked = (key, ulid)
                self.app.notify(
                    f"{short_ulid(inert(ulid))} marked: V on another session opens the two "
                    "side by side (V on this one unmarks it).",
                    markup=False,
                )
                return
            self.open(key, choice.key)

        self.app.push_screen(
            SessionPickerScreen(self.catalog.pager(page_size=50), key, ulid, self.app.tz), picked
        )

"""One event in full: its text inert, a chunk of about 64 KiB at a time, ending at a line.

``m`` appends the next chunk (each press costs that chunk, see ``widgets/event_text.py``);
``j`` / ``k`` show the next / previous event of the replay without closing; ``/``, ``n``, ``N``
find in the event's whole text (in a worker: a 50 MB text is searched off the UI thread).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from store import StoredEvent

from ..formatting import clock_offset, local_time
from ..sanitize import DETAIL_CAP, inert
from ..widgets.event_text import EventText
from ..widgets.replay import ReplayView
from ..workers import run_in_thread

__all__ = ["FIND_COUNT_LIMIT", "EventDetailScreen", "chunk_end"]

FIND_COUNT_LIMIT = 10_000
"""Matches counted for "3 of 17" in one event."""


def chunk_end(text: str, start: int, cap: int = DETAIL_CAP) -> int:
    """Where the chunk of ``text`` from ``start`` ends: after the last newline within
    ``cap`` characters, or at ``cap`` when a single line is longer (or at the end)."""
    end = min(len(text), start + cap)
    if end < len(text):
        newline = text.rfind("\n", start, end)
        if newline >= 0:
            end = newline + 1
    return end


def chunk_lines(text: str, start: int, end: int) -> tuple[list[str], bool]:
    """The inert lines of ``text[start:end]``, and whether the last one is cut (goes on)."""
    chunk = text[start:end]
    lines = inert(chunk).split("\n")
    if chunk.endswith("\n"):
        lines.pop()
        return lines, False
    return lines, end < len(text)


class EventDetailScreen(ModalScreen[None]):
    """The full text of one event (shown inert; very long text a chunk at a time)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss", "Close"),
        Binding("m", "more", "Show more"),
        Binding("j", "step(1)", "Next event"),
        Binding("k", "step(-1)", "Previous event"),
        Binding("slash", "find", "Find"),
        Binding("n", "find_next(1)", "Next match"),
        Binding("N", "find_next(-1)", "Previous match", show=False),
        Binding("g,home", "top", "Top", show=False),
        Binding("G,end", "bottom", "Bottom", show=False),
    ]

    def __init__(
        self, ulid: str, event: StoredEvent, origin: datetime | None, tz: tzinfo | None
    ) -> None:
        super().__init__()
        self.ulid = ulid
        self.event = event
        self.origin = origin
        self.tz = tz
        self.shown = 0
        """Characters of the event's text shown so far."""
        self.needle: str | None = None
        self.match: int | None = None
        """Where in the text (a character offset) the current match is."""
        self._finding = False
        self._queued: list[int] = []  # n / N pressed while a find runs: done after it

    def compose(self) -> ComposeResult:
        with Vertical(id="detail"):
            yield Static(id="detail-header")
            yield EventText(id="detail-body")
        yield Footer()

    def on_mount(self) -> None:
        self._show(self.event)
        self.body.focus()

    @property
    def body(self) -> EventText:
        return self.query_one("#detail-body", EventText)

    def _show(self, event: StoredEvent) -> None:
        self.event = event
        self.shown = 0
        self.match = None
        self._queued.clear()
        offset = clock_offset(event.at, self.origin)
        self._header = Text.assemble(
            (f"{inert(self.ulid)}#{event.seq}", "bold"),
            f"  {local_time(event.at, self.tz, seconds=True)}  ({offset})  ",
            (inert(event.kind_label), "bold"),
            f"  {len(event.text):,} characters",
        )
        self.body.clear()
        self.body.set_needle(self.needle)
        self._append_through(chunk_end(event.text, 0))

    def _append_through(self, end: int) -> None:
        """Show the text up to ``end`` (the chunk from what is shown): costs that chunk."""
        text = self.event.text
        if end <= self.shown:
            return
        lines, open_end = chunk_lines(text, self.shown, end)
        self._append(lines, open_end, end)

    def _append(self, lines: list[str], open_end: bool, end: int) -> None:
        self.body.append(lines, open_end=open_end)
        self.shown = end
        rest = len(self.event.text) - end
        more = f"\u2026 {rest:,} more characters (m shows more)" if rest else ""
        self.body.set_note(more)
        # Said in the header too: the note after the text is off screen for a long text.
        header = self._header.copy()
        if rest:
            header.append(f"\n\u2026 {rest:,} more characters (m shows more)", style="dim")
        self.query_one("#detail-header", Static).update(header)

    # ---- keys ------------------------------------------------------------------------------

    def action_more(self) -> None:
        if self.shown < len(self.event.text):
            self._append_through(chunk_end(self.event.text, self.shown))

    def action_top(self) -> None:
        self.body.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.body.scroll_end(animate=False)

    def action_step(self, delta: int) -> None:
        """The next (previous) event of the replay, which moves its cursor there too."""
        replay = getattr(self.app, "replay", None)
        if not isinstance(replay, ReplayView) or replay.timeline is None:
            return
        before = replay.cursor
        replay.action_move(delta)
        if replay.cursor == before:
            edge = "last" if delta > 0 else "first"
            self.notify(f"This is the {edge} event shown.", markup=False)
            return
        self.ulid = replay.timeline.session.ulid
        self.origin = replay.timeline.origin
        replay.with_cursor_event(self._show)

    def action_find(self) -> None:
        from .prompt import PromptScreen

        def find(answer: str | None) -> None:
            if answer is None:
                return
            self.needle = answer or None
            self.match = None
            self.body.set_needle(self.needle)
            self._queued.clear()
            if self.needle:
                self._finding = True
                self._find(self.needle, 0, forward=True, first=True)

        self.app.push_screen(PromptScreen("Find in this event", value=self.needle or ""), find)

    def action_find_next(self, direction: int) -> None:
        if not self.needle:
            self.notify("Nothing to find yet: / asks what.", markup=False)
            return
        if self._finding:  # from where the running find lands, not from the same place
            self._queued.append(direction)
            return
        if self.match is None:
            start = 0 if direction > 0 else len(self.event.text)
        else:
            start = self.match + 1 if direction > 0 else self.match
        self._finding = True
        self._find(self.needle, start, forward=direction > 0, first=False)

    def _find(self, needle: str, start: int, *, forward: bool, first: bool) -> None:
        event, shown = self.event, self.shown  # taken here: the worker reads no widget

        def search() -> _Found:
            text = event.text
            pattern = re.compile(re.escape(needle), re.IGNORECASE)
            found = _search(pattern, text, start, forward)
            wrapped = found is None and not first
            if wrapped:
                found = _search(pattern, text, 0 if forward else len(text), forward)
            if found is None:
                return _Found(event, needle, None, False, 0, 0, None)
            index = total = 0
            for total, hit in enumerate(pattern.finditer(text), start=1):
                if hit.start() <= found:
                    index = total
                if total >= FIND_COUNT_LIMIT:
                    break
            prepared = None
            if found + len(needle) > shown:  # beyond what is shown: read up to it here
                end = shown
                while end < found + len(needle):  # through the chunk m would show it in
                    end = chunk_end(text, end)
                prepared = (*chunk_lines(text, shown, end), shown, end)
            line = text.count("\n", 0, found)
            return _Found(event, needle, found, wrapped, index, total, (line, prepared))

        def stale() -> None:
            self._finding = False
            self._queued.clear()

        run_in_thread(
            self,
            search,
            self._found,
            group="event-find",
            exclusive=True,
            wanted=lambda found: found.event is self.event and found.needle == self.needle,
            stale=stale,
        )

    def _found(self, found: _Found) -> None:
        self._finding = False
        self._say_found(
            found.needle, found.at, found.wrapped, found.index, found.total, found.place
        )
        if self._queued:
            self.action_find_next(self._queued.pop(0))

    def _say_found(
        self,
        needle: str,
        found: int | None,
        wrapped: bool,
        index: int,
        total: int,
        place: tuple[int, tuple[list[str], bool, int, int] | None] | None,
    ) -> None:
        if found is None or place is None:
            self.notify(f"Not found: this event does not contain {needle!r}.", markup=False)
            return
        line, prepared = place
        if prepared is not None:
            if prepared[2] == self.shown:
                self._append(prepared[0], prepared[1], prepared[3])
            else:  # m was pressed meanwhile: read the rest here
                self._append_through(prepared[3])
        more = "+" if total >= FIND_COUNT_LIMIT else ""
        where = f"{index:,} of {total:,}{more}"
        if wrapped and found == self.match:
            self.notify(f"No more matches of {needle!r}: this is the only one.", markup=False)
        elif wrapped:
            self.notify(f"Wrapped around: {needle!r} {where}.", markup=False)
        self.match = found
        self.body.show_line(line)
        self.query_one("#detail").border_subtitle = Text(f"{inert(needle)!r} {where}")


@dataclass(frozen=True, slots=True)
class _Found:
    """Where a find in the event landed (``at``: None when nowhere)."""

    event: StoredEvent
    needle: str
    at: int | None
    wrapped: bool
    index: int
    total: int
    place: tuple[int, tuple[list[str], bool, int, int] | None] | None


def _search(pattern: re.Pattern[str], text: str, start: int, forward: bool) -> int | None:
    if forward:
        hit = pattern.search(text, start)
        return hit.start() if hit else None
    last = None
    for hit in pattern.finditer(text, 0, start):
        last = hit.start()
    return last

"""The text of one event, drawn with the Line API: lines are appended, only visible rows drawn.

``append`` takes the next chunk (inert already); its cost is the chunk's, never what was shown
before it, so ``m`` (show more) on a 50 MB event costs each press the same. Lines longer than
the pane fold onto several rows; a find needle is highlighted where it shows.
"""

from __future__ import annotations

import bisect
import re
from typing import ClassVar

from rich.cells import chop_cells
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

__all__ = ["EventText"]


def _pieces(line: str, width: int) -> list[str]:
    """``line`` folded to ``width`` cells (at least one piece, maybe empty)."""
    if width <= 0:
        return [line]
    if line.isascii():
        return [line[i : i + width] for i in range(0, len(line), width)] or [""]
    return chop_cells(line, width) or [""]


def _rows_of(line: str, width: int) -> int:
    if width <= 0:
        return 1
    if line.isascii():
        return max(1, -(-len(line) // width))
    return len(_pieces(line, width))


class EventText(ScrollView, can_focus=True):
    """Appendable, foldable, read-only lines of text."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "event-text--match",
        "event-text--current",
        "event-text--note",
    }

    DEFAULT_CSS = """
    EventText {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-gutter: stable;
    }
    EventText > .event-text--match { background: $warning 60%; color: $text; }
    EventText > .event-text--current { background: $boost; }
    EventText > .event-text--note { text-style: italic; color: $text-muted; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lines: list[str] = []
        """The logical lines shown (inert): split at newlines only."""
        self._ends: list[int] = []  # rows through each line, at ``_width``
        self._width = 0
        self._open = False  # the last line goes on in the next chunk
        self._note = ""
        self._needle: re.Pattern[str] | None = None
        self.current_line: int | None = None
        """The line of the current find match (drawn marked)."""
        self._folded: LRUCache[int, list[str]] = LRUCache(256)

    # ---- content ---------------------------------------------------------------------------

    @property
    def plain(self) -> str:
        """Everything shown, as one string (the note not included)."""
        return "\n".join(self.lines)

    @property
    def note(self) -> str:
        return self._note

    @property
    def rows(self) -> int:
        return self._ends[-1] if self._ends else 0

    def clear(self) -> None:
        self.lines.clear()
        self._ends.clear()
        self._open = False
        self._note = ""
        self.current_line = None
        self._folded.clear()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._resize()

    def append(self, lines: list[str], *, open_end: bool) -> None:
        """Add ``lines`` (inert, without newlines). The first goes on the last line shown
        when the previous chunk ended inside a line. ``open_end``: the last of these lines
        is not complete yet (the chunk was cut inside it)."""
        if not lines:
            return
        if self._open and self.lines:
            joined = self.lines.pop() + lines[0]
            self._ends.pop()
            self._folded.discard(len(self.lines))
            lines = [joined, *lines[1:]]
        width, total = self._width, self.rows
        for line in lines:
            self.lines.append(line)
            total += _rows_of(line, width)
            self._ends.append(total)
        self._open = open_end
        self._resize()

    def set_note(self, note: str) -> None:
        """One italic row after the text (e.g. how much more there is)."""
        self._note = note
        self._resize()

    def set_needle(self, needle: str | None) -> None:
        self._needle = re.compile(re.escape(needle), re.IGNORECASE) if needle else None
        self._folded.clear()
        self.refresh()

    def row_of_line(self, line: int) -> int:
        """The first row of logical line ``line``."""
        if not self._ends:
            return 0
        line = max(0, min(line, len(self._ends) - 1))
        return self._ends[line - 1] if line else 0

    def show_line(self, line: int) -> None:
        """Mark ``line`` as the current match and scroll it to the middle of the pane."""
        self.current_line = line
        height = self.scrollable_content_region.height
        self.scroll_to(y=max(0, self.row_of_line(line) - height // 3), animate=False, force=True)
        self.refresh()

    def _resize(self) -> None:
        self.virtual_size = Size(0, self.rows + (1 if self._note else 0))
        self.refresh()

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            self._folded.clear()
            total, ends = 0, []
            for line in self.lines:
                total += _rows_of(line, width)
                ends.append(total)
            self._ends = ends
        self._resize()

    # ---- Line API --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        base = self.rich_style
        if row >= self.rows:
            if row == self.rows and self._note:
                text = Text(self._note, no_wrap=True, overflow="ellipsis")
                text.stylize(self.get_component_rich_style("event-text--note"))
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        line = bisect.bisect_right(self._ends, row)
        first = self._ends[line - 1] if line else 0
        pieces = self._folded.get(line)
        if pieces is None:
            pieces = _pieces(self.lines[line], self._width or width)
            self._folded[line] = pieces
        piece = pieces[row - first] if row - first < len(pieces) else ""
        text = Text(piece, no_wrap=True)
        if self._needle is not None:
            match = self.get_component_rich_style("event-text--match")
            for found in self._needle.finditer(piece):
                text.stylize(match, found.start(), found.end())
        if line == self.current_line:
            base = base + self.get_component_rich_style("event-text--current")
        return self._strip(text, width, base)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        text.truncate(width, pad=True)
        return Strip(list(text.render(self.app.console)), width).apply_style(base)

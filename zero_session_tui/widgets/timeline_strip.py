"""The timeline strip under the replay pane: the session over its duration, one cell per
bucket (by time or by seq), each drawn at its count's height in its most severe kind's
colour; under it, the play head, bookmarks, mode changes and the rows on screen.

Shows, never reads: the app gives it a ``StripView`` (``strip_model.py``). A click asks the
app to seek (``SeekRequested``); a resize tells it the new width (``Resized``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Final

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from ..strip_model import LEVELS, Cell, StripView, seek_seq

__all__ = ["HEAD_MARK", "MODE_MARK", "STRIP_BOOKMARK_MARK", "WINDOW_MARK", "TimelineStrip"]

BARS: Final = " \u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"
"""Index 0: no event; 1..8: the cell's count against the busiest cell's."""
HEAD_MARK: Final = "\u25b2"
STRIP_BOOKMARK_MARK: Final = "\u25c6"
MODE_MARK: Final = "\u21c4"
WINDOW_MARK: Final = "\u2500"

KIND_CLASSES: Final = ("system", "command", "prompt", "mode_change", "warn", "alert")


class TimelineStrip(Widget):
    """Two rows: the buckets, then the marks. Opaque theme colours only: a partial
    component style does not blend an alpha colour (``$text-muted`` came out white)."""

    DEFAULT_CSS = """
    TimelineStrip {
        height: 2;
        background: $panel;
    }
    TimelineStrip > .strip--system { color: $panel-lighten-3; }
    TimelineStrip > .strip--command { color: $primary; }
    TimelineStrip > .strip--prompt { color: $success; }
    TimelineStrip > .strip--mode_change { color: $text-secondary; }
    TimelineStrip > .strip--warn { color: $warning; }
    TimelineStrip > .strip--alert { color: $error; }
    TimelineStrip > .strip--window { background: $primary-muted; }
    TimelineStrip > .strip--marks { color: $primary; }
    TimelineStrip > .strip--head { color: $accent; text-style: bold; }
    TimelineStrip > .strip--bookmark { color: $success; text-style: bold; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"strip--{kind}" for kind in KIND_CLASSES),
        "strip--window",
        "strip--marks",
        "strip--head",
        "strip--bookmark",
    }

    class SeekRequested(Message):
        """The user clicked a cell: put the replay on ``seq``."""

        def __init__(self, seq: int) -> None:
            super().__init__()
            self.seq = seq

    class Resized(Message):
        """The strip is now ``width`` cells wide."""

        def __init__(self, width: int) -> None:
            super().__init__()
            self.width = width

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.view = StripView()

    def show(self, view: StripView) -> None:
        self.view = view
        by = "time" if view.mode == "time" else "seq"
        self.tooltip = (
            f"Events by {by} (T: by {'seq' if by == 'time' else 'time'}); click to go there."
            " { } markers, < > alerts"
        )
        self.refresh()

    # ---- drawing ---------------------------------------------------------------------------

    def _styles(self) -> Callable[[str], Style]:
        """Each component style looked up once per line drawn, not once per cell."""
        found: dict[str, Style] = {}

        def style(name: str) -> Style:
            if name not in found:
                found[name] = self.get_component_rich_style(f"strip--{name}", partial=True)
            return found[name]

        return style

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        cells = self.view.cells[:width]
        if y > 1 or not cells:
            return Strip.blank(width, base)
        style = self._styles()
        window = style("window")
        segments = [
            self._bar(cell, base, window, style)
            if y == 0
            else self._mark(cell, base, window, style)
            for cell in cells
        ]
        # Neighbouring cells of one look in one segment: drawn cell by cell, each cell had its
        # own colour codes, and the strip's two rows were half of what a Home or PgDn wrote.
        return Strip(segments).simplify().extend_cell_length(width, base)

    @staticmethod
    def _bar(cell: Cell, base: Style, window: Style, style: Callable[[str], Style]) -> Segment:
        look = base + style(cell.kind) if cell.kind is not None else base
        if cell.window:
            look += window
        return Segment(BARS[min(cell.level, LEVELS)], look)

    @staticmethod
    def _mark(cell: Cell, base: Style, window: Style, style: Callable[[str], Style]) -> Segment:
        # The rows on screen are a band on both rows, under whatever mark is there.
        shown = base + window if cell.window else base
        if cell.head:
            return Segment(HEAD_MARK, shown + style("head"))
        if cell.bookmark:
            return Segment(STRIP_BOOKMARK_MARK, shown + style("bookmark"))
        if cell.mode_change:
            return Segment(MODE_MARK, shown + style("mode_change"))
        if cell.window:
            return Segment(WINDOW_MARK, shown + style("marks"))
        return Segment(" ", base)

    # ---- input -----------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        seq = seek_seq(self.view, offset.x)
        if seq is not None:
            self.post_message(self.SeekRequested(seq))

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized(self.size.width))

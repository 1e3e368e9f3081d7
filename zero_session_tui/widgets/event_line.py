"""One event as one line of the replay pane: seq, time, kind, inert text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from store import EventKind, StoredEvent

from ..formatting import clock_offset, local_time
from ..kinds import KIND_GLYPHS, UNKNOWN_GLYPH
from ..sanitize import inert, one_line

__all__ = [
    "BOOKMARK_MARK",
    "LineLooks",
    "LineStyles",
    "render_event_line",
    "time_column_width",
]


@dataclass(frozen=True, slots=True)
class LineStyles:
    base: Style
    seq: Style
    time: Style
    kinds: dict[str, Style]
    unknown: Style
    cursor: Style
    match: Style


class LineLooks:
    """A pane's line styles from its component classes (``{prefix}--seq``, ``--time``, one per
    kind, ``--unknown``, ``--cursor`` and ``match``), looked up once for each focus state and
    kept until ``clear`` (the pane's ``notify_style_update``): about 0.8 ms to look up, for
    every line drawn afresh."""

    def __init__(self, widget: Widget, prefix: str, match: str) -> None:
        self._widget = widget
        self._prefix = prefix
        self._match = match
        self._kept: dict[bool, LineStyles] = {}

    def clear(self) -> None:
        self._kept.clear()

    def get(self) -> LineStyles:
        widget = self._widget
        focused = widget.has_focus
        looks = self._kept.get(focused)
        if looks is None:
            looks = self._kept[focused] = self._look_up(focused)
        return looks

    def _look_up(self, focused: bool) -> LineStyles:
        widget, prefix = self._widget, self._prefix

        def get(name: str) -> Style:
            return widget.get_component_rich_style(f"{prefix}--{name}", partial=True)

        return LineStyles(
            base=widget.rich_style,
            seq=get("seq"),
            time=get("time"),
            kinds={kind.value: get(kind.value) for kind in EventKind},
            unknown=get("unknown"),
            cursor=get("cursor") if focused else Style(reverse=True),
            match=get(self._match),
        )


BOOKMARK_MARK = "\u25c6"
"""Drawn after the seq of a bookmarked event (in the find-match style)."""


def time_column_width(absolute: bool) -> int:
    return 19 if absolute else 10


def render_event_line(
    event: StoredEvent,
    *,
    width: int,
    seq_width: int,
    origin: datetime | None,
    absolute: bool,
    tz: tzinfo | None,
    styles: LineStyles,
    console: Console,
    is_cursor: bool,
    highlight: str | None = None,
    marked: bool = False,
    mark: str = BOOKMARK_MARK,
) -> Strip:
    when = local_time(event.at, tz, seconds=True) if absolute else clock_offset(event.at, origin)
    known = event.kind_is_known
    label = event.kind.value if known else event.kind_label
    glyph = KIND_GLYPHS[event.kind] if known else UNKNOWN_GLYPH
    kind_style = styles.kinds[event.kind.value] if known else styles.unknown
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    line.append(f"{event.seq:>{seq_width}}", styles.seq)
    line.append(mark if marked else " ", styles.match if marked else styles.seq)
    line.append(f"{when:>{time_column_width(absolute)}} ", styles.time)
    line.append(f"{glyph} {one_line(label, 24)[0]:<11} ", kind_style)
    # Read only what can be shown: a 10 MB event costs a line, not its size.
    body, cut = one_line(event.text, max(64, width * 2))
    line.append(body)
    if cut:
        # What was read fits in the row (combining marks take no cell): say that more follows.
        line.append("\u2026")
    if highlight:
        line.highlight_words([inert(highlight)], styles.match, case_sensitive=False)
    line.truncate(width, overflow="ellipsis", pad=True)
    base = styles.base + styles.cursor if is_cursor else styles.base
    # On the cursor row the cursor's text colour wins over the kind colours, else a kind drawn
    # in the cursor's own background colour (a command, in the default theme) vanished.
    over = Style(color=styles.cursor.color) if is_cursor and styles.cursor.color else None
    segments = Segment.apply_style(line.render(console), base, over)
    # One colour code per run of one look: the seq, the mark and the time are one run of text
    # to the terminal, not three (each costs its codes and a reset: ~70 of a row's ~380 bytes).
    return Strip(segments, width).crop(0, width).simplify()

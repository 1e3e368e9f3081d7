"""One line under the replay pane: play state and progress, and the kind filters with counts."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..formatting import clock_offset
from ..kinds import KINDS, shown_counts
from .replay_messages import ReplayProgress

__all__ = ["ReplayBar"]


class ReplayBar(Static):
    """Shows, never decides: the app feeds it the pane's progress and the kind counts."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self.counts: dict[str, int] = {}
        self.kinds: frozenset[str] | None = None
        self._progress = ReplayProgress()
        self._shown: Text | None = None
        self._shown_width = 0

    def set_counts(self, counts: dict[str, int], kinds: frozenset[str] | None) -> None:
        self.counts = counts
        self.kinds = kinds
        self._render_bar()

    def show_progress(self, progress: ReplayProgress) -> None:
        self._progress = progress
        self._render_bar()

    def on_resize(self) -> None:
        self._render_bar()

    def _render_bar(self) -> None:
        # The kinds' names go first when the line does not fit (80 columns): "1 <glyph> 12".
        width = self.content_size.width
        line = self._line(names=True)
        if width and line.cell_len > width:
            line = self._line(names=False)
        if line == self._shown and width == self._shown_width:
            return  # the same line again (a poll's Changed after its counts): no repaint
        self._shown, self._shown_width = line, width
        # One line high whatever it says (``#replay-bar`` in app.tcss): no layout of the whole
        # screen for it, which every cursor key (j, PgDn) and every live poll paid.
        self.update(line, layout=False)

    def _line(self, *, names: bool) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        progress = self._progress
        if progress.shown:
            play, head = progress.play, progress.head
            if head is not None:
                state = "\u25b6" if play.playing else "\u2759\u2759"
                when = clock_offset(head.at, head.origin)
                line.append(f"{state} {play.speed_label} ", style="bold")
                line.append(f"{head.seq:,} / {head.count:,} \u00b7 {when}")
                if play.auto_pause:
                    line.append(" \u00b7 auto-pause")
                line.append("   ")
            else:
                hint = (
                    f"space plays at {play.speed_label}" if names else f"\u25b6 {play.speed_label}"
                )
                line.append(f"{hint}   ", style="dim")
        counts = shown_counts(self.counts)
        for info in KINDS:
            on = self.kinds is None or info.value in self.kinds
            style = "" if on else "dim strike"
            line.append(info.key, style="bold" if on else "dim")
            label = f" {info.glyph} {info.value} " if names else f" {info.glyph} "
            line.append(f"{label}{counts[info.kind]:,}  ", style=style)
        return line

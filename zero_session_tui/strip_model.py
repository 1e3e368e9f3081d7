"""The timeline strip's cells: a session's bins grouped into the pane's width, with the play
head, the rows on screen, bookmarks and mode changes marked. Pure: no store, no Textual.

Cell ``c`` of ``W`` groups bins ``c*B//W`` up to ``(c+1)*B//W`` of ``B`` (at least one: a
session with fewer bins than cells has each bin drawn over several cells). A seq belongs to
the cells of the bin that counts it.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Final

from store.event_buckets import BucketStats

from .strip_bins import Bins

__all__ = [
    "LEVELS",
    "Cell",
    "StripLayout",
    "StripView",
    "build_view",
    "layout",
    "marked",
    "seek_seq",
]

LEVELS: Final = 8
"""Heights a cell's count is drawn at (1..8, of the busiest cell)."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One column of the strip."""

    count: int = 0
    kind: str | None = None
    """The most severe kind in the cell; None when it has no event."""
    level: int = 0
    """0 (no event), else 1..LEVELS: its events per bin against the busiest cell's."""
    first_seq: int | None = None
    """The first event's seq (where a click goes); None when it has no event."""
    mode_change: bool = False
    bookmark: bool = False
    head: bool = False
    """The replay cursor (the play head during a timed replay) is here."""
    window: bool = False
    """Some of the rows on screen are here."""


@dataclass(frozen=True, slots=True)
class StripView:
    """What the strip draws: its cells, whether buckets are by time or seq, and whether
    they are still being read."""

    cells: tuple[Cell, ...] = ()
    mode: str = "time"
    loading: bool = False

    def looks_like(self, other: StripView) -> bool:
        """Drawn the same (a live session's last bin counted more events at the same
        height): the counts and first seqs may differ, what is on screen does not."""
        return (
            self.mode == other.mode
            and self.loading == other.loading
            and len(self.cells) == len(other.cells)
            and all(
                (a.kind, a.level, a.mode_change, a.bookmark, a.head, a.window)
                == (b.kind, b.level, b.mode_change, b.bookmark, b.head, b.window)
                for a, b in zip(self.cells, other.cells, strict=True)
            )
        )


def _groups(bins: Bins, width: int) -> list[range]:
    count = len(bins.stats)
    groups = []
    for cell in range(width):
        first = cell * count // width
        end = max(first + 1, (cell + 1) * count // width)
        groups.append(range(first, min(end, count)))
    return groups


def _merge(stats: list[BucketStats]) -> BucketStats | None:
    merged: BucketStats | None = None
    for one in stats:
        merged = one if merged is None else merged.merged(one)
    return merged


@dataclass(frozen=True, slots=True, eq=False)
class StripLayout:
    """The part of a strip that depends only on the bins and the width: each cell's count,
    kind and height, and which cells each bin is drawn over. Made when either changes, then
    marked on every cursor move (``marked``), which is the cheap part."""

    bins: Bins
    width: int
    cells: tuple[Cell, ...]
    """Unmarked: no head, window or bookmark."""
    cells_of_bin: dict[int, tuple[int, ...]]


def layout(bins: Bins, width: int) -> StripLayout:
    """The cells of ``bins`` over ``width`` cells (``bins`` not empty, ``width`` > 0)."""
    groups = _groups(bins, width)
    merged = [_merge([s for i in group if (s := bins.stats[i]) is not None]) for group in groups]
    # Heights: a cell groups 3 or 4 bins alike (382 bins over 118 cells); by count alone
    # every fourth cell of an even session stood taller, so a cell with more events than
    # bins is measured per bin (scaled to a cell's mean share). A sparser cell keeps its
    # count: its events are points, and 1 event is 1 event whatever the bins around it.
    share = len(bins.stats) / width
    density = [
        0.0 if m is None else m.count if m.count <= len(g) else m.count * share / len(g)
        for m, g in zip(merged, groups, strict=True)
    ]
    busiest = max(density, default=0.0)
    cells_of_bin: dict[int, list[int]] = {}
    for cell, group in enumerate(groups):
        for index in group:
            cells_of_bin.setdefault(index, []).append(cell)
    cells = []
    for cell, stats in enumerate(merged):
        if stats is None:
            cells.append(Cell())
            continue
        level = max(1, min(LEVELS, math.ceil(density[cell] * LEVELS / busiest - 1e-9)))
        cells.append(
            Cell(stats.count, stats.top_kind, level, stats.first_seq, stats.mode_changes > 0)
        )
    frozen = {index: tuple(found) for index, found in cells_of_bin.items()}
    return StripLayout(bins, width, tuple(cells), frozen)


def marked(
    laid: StripLayout,
    *,
    bookmarks: Collection[int] = (),
    head: int | None = None,
    window: tuple[int, int] | None = None,
    mode: str = "time",
) -> StripView:
    """``laid`` with the play head, the rows on screen and the bookmarks marked."""
    bins = laid.bins

    def cells_of(seq: int) -> tuple[int, ...]:
        index = bins.bin_of(seq)
        return laid.cells_of_bin.get(index, ()) if index is not None else ()

    marks = {c for seq in bookmarks for c in cells_of(seq)}
    heads = set(cells_of(head)) if head is not None else set()
    shown: set[int] = set()
    if window is not None:
        low, high = bins.bin_of(max(window[0], bins.starts[0])), bins.bin_of(window[1])
        high = high if high is not None else len(bins.stats) - 1
        if low is not None:
            for index in range(low, high + 1):
                shown.update(laid.cells_of_bin.get(index, ()))
    cells = list(laid.cells)
    for cell in marks | heads | shown:
        cells[cell] = replace(
            cells[cell], bookmark=cell in marks, head=cell in heads, window=cell in shown
        )
    return StripView(tuple(cells), mode)


def build_view(
    bins: Bins | None,
    width: int,
    *,
    bookmarks: Collection[int] = (),
    head: int | None = None,
    window: tuple[int, int] | None = None,
    mode: str = "time",
) -> StripView:
    """The strip of ``bins`` over ``width`` cells (an empty strip while there are none)."""
    if bins is None or bins.empty or width <= 0:
        return StripView((), mode, loading=bins is None)
    return marked(layout(bins, width), bookmarks=bookmarks, head=head, window=window, mode=mode)


def seek_seq(view: StripView, cell: int) -> int | None:
    """Where a click on ``cell`` goes: its first event, else the nearest cell's after it,
    else before it; None on a strip without events."""
    cells = view.cells
    if not 0 <= cell < len(cells):
        return None
    order: list[int] = [*range(cell, len(cells)), *range(cell - 1, -1, -1)]
    for other in order:
        seq = cells[other].first_seq
        if seq is not None:
            return seq
    return None

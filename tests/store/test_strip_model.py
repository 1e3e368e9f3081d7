"""The timeline strip's cells (``zero_session_tui.strip_model``) from bins made by hand: the
pane's width whatever the number of bins, heights by events per bin (no aliasing when cells
group unequal numbers of bins), the most severe kind, and where the head, the window, the
bookmarks and a click land."""

from __future__ import annotations

from store.event_buckets import BucketStats
from zero_session_tui.strip_bins import Bins
from zero_session_tui.strip_model import LEVELS, build_view, layout, marked, seek_seq


def _bins(per_bin: list[list[str]]) -> Bins:
    """Bins of consecutive seqs (from 1), each holding events of the kinds given."""
    starts, stats, seq = [], [], 1
    for kinds in per_bin:
        starts.append(seq)
        if kinds:
            top = max(
                kinds, key=["system", "command", "prompt", "mode_change", "warn", "alert"].index
            )
            changes = kinds.count("mode_change")
            stats.append(BucketStats(len(kinds), top, changes, seq, seq + len(kinds) - 1))
        else:
            stats.append(None)
        seq += len(kinds)
    starts.append(seq)
    return Bins((0, 1, "u", "seq"), 1, 1, tuple(starts), tuple(stats))


def test_an_even_session_is_drawn_at_one_height_whatever_the_grouping() -> None:
    bins = _bins([["system"] * 4 for _ in range(382)])  # 3 or 4 bins per cell over 118
    view = build_view(bins, 118)
    assert len(view.cells) == 118
    assert {cell.level for cell in view.cells} == {LEVELS}
    assert sum(cell.count for cell in view.cells) == 382 * 4


def test_lone_events_stand_alike_whatever_the_grouping() -> None:
    bins = _bins([["warn"] if i % 10 == 0 else [] for i in range(382)])
    levels = {cell.level for cell in build_view(bins, 118).cells if cell.count}
    assert levels == {LEVELS}


def test_cells_take_the_most_severe_kind_and_mark_mode_changes() -> None:
    bins = _bins([["system", "warn"], ["prompt"], [], ["mode_change", "command"], ["alert"]])
    view = build_view(bins, 5)
    assert [c.kind for c in view.cells] == ["warn", "prompt", None, "mode_change", "alert"]
    assert [c.mode_change for c in view.cells] == [False, False, False, True, False]
    assert [c.level for c in view.cells] == [LEVELS, LEVELS // 2, 0, LEVELS, LEVELS // 2]


def test_fewer_bins_than_cells_are_stretched_and_marks_cover_the_stretch() -> None:
    bins = _bins([["system"], ["alert"], ["system"]])  # seqs 1, 2, 3 over 9 cells
    view = build_view(bins, 9, bookmarks=[3], head=2, window=(2, 3))
    assert [c.kind for c in view.cells] == ["system"] * 3 + ["alert"] * 3 + ["system"] * 3
    assert [c.head for c in view.cells] == [False] * 3 + [True] * 3 + [False] * 3
    assert [c.bookmark for c in view.cells] == [False] * 6 + [True] * 3
    assert [c.window for c in view.cells] == [False] * 3 + [True] * 6


def test_a_click_goes_to_the_cells_first_event_or_the_nearest_one() -> None:
    bins = _bins([["system"], [], [], ["warn", "alert"]])
    view = build_view(bins, 4)
    assert [seek_seq(view, c) for c in range(4)] == [1, 2, 2, 2]
    assert seek_seq(build_view(_bins([["system"], [], []]), 3), 2) == 1
    assert seek_seq(view, 7) is None


def test_no_bins_yet_is_an_empty_strip_that_says_it_is_loading() -> None:
    assert build_view(None, 80).cells == ()
    assert build_view(None, 80).loading
    assert not build_view(_bins([]), 80).loading


def test_a_layout_is_marked_again_for_each_move_and_stays_unmarked() -> None:
    """The cells of bins at a width are made once (``layout``); every cursor move only marks
    them (``marked``), giving what ``build_view`` gives and leaving the layout as it was."""
    bins = _bins([["system"], ["alert"], ["system"], ["warn", "prompt"]])
    laid = layout(bins, 8)
    before = laid.cells
    for head, window, marks in ((1, (1, 2), [3]), (4, (3, 5), []), (None, None, [1, 5])):
        view = marked(laid, bookmarks=marks, head=head, window=window)
        assert view == build_view(bins, 8, bookmarks=marks, head=head, window=window)
    assert laid.cells is before
    assert not any(c.head or c.window or c.bookmark for c in laid.cells)

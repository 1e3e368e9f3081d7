"""A cursor move repaints the rows it changes and the border's subtitle, not the whole pane
(a `j` wrote 12,110 characters to the terminal, now ~1,200), and what those partial repaints
leave on screen is exactly what a repaint of everything draws."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from tests.app.harness import SIZE, open_big, settle


def _count_rows_drawn(replay: Any) -> list[int]:
    drawn: list[int] = []
    render_line = replay.render_line

    def counted(y: int) -> Any:
        drawn.append(y)
        return render_line(y)

    replay.render_line = counted
    return drawn


async def test_a_cursor_move_draws_only_the_two_rows_it_changes(app_factory, big_db):
    app = app_factory(big_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await open_big(pilot)
        await settle(pilot)
        replay = app.replay
        height = replay.scrollable_content_region.height
        drawn = _count_rows_drawn(replay)
        await pilot.press("k")
        await settle(pilot)
        # The row left (the last one) and the row reached, both on screen: nothing scrolled.
        assert sorted(drawn) == [height - 2, height - 1]
        assert "seq 19,999 \u00b7 19,999 of 20,000 events" in str(replay.border_subtitle)
        drawn.clear()
        await pilot.press("g")  # a jump scrolls: then every row is new
        await settle(pilot)
        assert sorted(set(drawn)) == list(range(height))


async def test_partial_repaints_leave_what_a_full_repaint_draws(app_factory, big_db):
    app = app_factory(big_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await open_big(pilot)
        await settle(pilot)
        replay = app.replay
        moves = ["k", "k", "j", "g", "j", "j", "pagedown", "k", "up", "G", "k", "pageup", "end"]
        for key in moves:
            await pilot.press(key)
            await settle(pilot)
            shown = app.export_screenshot()
            replay.refresh()  # everything drawn afresh: rows, border, title and subtitle
            await settle(pilot)
            assert app.export_screenshot() == shown, f"stale rows after {key!r}"
        # The find's note under the pane (a subtitle change alone), then moving off it.
        replay.show_find_note(replay.cursor_event_seq(), "'x' 1 of 2")
        await settle(pilot)
        assert "'x' 1 of 2" in str(replay.border_subtitle)
        for key in ("k", "j"):
            await pilot.press(key)
            await settle(pilot)
            shown = app.export_screenshot()
            replay.refresh()
            await settle(pilot)
            assert app.export_screenshot() == shown, f"stale border after {key!r}"


async def test_a_row_writes_one_colour_code_per_run_of_one_look(app_factory, big_db):
    # Seq, mark and time share a look: one segment (one colour code and reset), not three.
    app = app_factory(big_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await open_big(pilot)
        await settle(pilot)
        replay = app.replay
        for y in range(replay.scrollable_content_region.height):
            segments = list(replay.render_line(y))
            assert all(a.style != b.style for a, b in pairwise(segments)), y
            assert len(segments) <= 4, segments  # seq+time, kind, text (cursor row: one more)


async def test_the_rows_home_shows_are_drawn_before_it_is_pressed(app_factory, big_db, monkeypatch):
    # Home / g is the jump made most: its rows are drawn after the session's first frame, so
    # the jump's frame draws no row afresh.
    from zero_session_tui.widgets import replay_rows

    app = app_factory(big_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await open_big(pilot)
        await settle(pilot)
        drawn: list[int] = []
        draw = replay_rows.render_event_line

        def counted(event, **kwargs):
            drawn.append(event.seq)
            return draw(event, **kwargs)

        await pilot.pause(replay_rows.DRAW_AHEAD_AFTER_S * 2)
        monkeypatch.setattr(replay_rows, "render_event_line", counted)
        await pilot.press("g")
        await settle(pilot)
        replay = app.replay
        assert replay.scroll_offset.y == 0
        assert replay.cursor == 0
        assert drawn == []
        await pilot.press("pagedown")  # rows not drawn ahead are drawn when shown
        await settle(pilot)
        assert drawn

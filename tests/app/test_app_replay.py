"""The replay pane: opens at the latest event, moves with the keys, toggles the time, shows an
event in full (and more of a long one), and Tab / Escape move between the panes."""

from __future__ import annotations

from textual.widgets import Static

from tests.app.harness import (
    ALL_KINDS,
    ALL_KINDS_EVENTS,
    BIG,
    LONG,
    LONG_TEXT,
    LONG_TEXT_SEQ,
    SIZE,
    cursor_line,
    ready,
    replay_lines,
    settle,
    shown_ulid,
    wait_until,
)
from zero_session_tui.screens.event_detail import EventDetailScreen, chunk_end
from zero_session_tui.widgets.replay import ReplayView

BIG_COUNT = 20_000


def _subtitle(app) -> str:
    return str(app.replay.border_subtitle)


async def _open(pilot, ulid: str) -> ReplayView:
    """Wait until ``--session ulid`` has opened in the replay pane (focused) and settled."""
    app = pilot.app
    await wait_until(pilot, lambda: shown_ulid(app) == ulid, f"session {ulid}")
    await ready(pilot)
    assert app.focused is app.replay
    return app.replay


async def test_the_replay_opens_at_the_latest_event(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        replay = await _open(pilot, ALL_KINDS)
        assert replay.cursor == len(ALL_KINDS_EVENTS) - 1
        assert _subtitle(app) == "seq 16 \u00b7 16 of 16 events"
        lines = [line.strip() for line in replay_lines(app) if line.strip()]
        # Every event is on screen, oldest first, one line each: seq, offset, kind, text.
        assert len(lines) == 16
        assert lines[0].split()[:4] == ["1", "+00:07.0", "\u2022", "system"]
        assert lines[0].endswith("welcome back; engine connected")
        assert cursor_line(app).split()[:4] == ["16", "+01:52.0", "\u2022", "system"]
        assert "session closed by the operator" in cursor_line(app)
        glyphs = {line.split()[2] for line in lines}
        assert glyphs == {"\u2022", "\u276f", "\u25c6", "\u25b2", "\u25a0", "\u21c4"}


async def test_up_down_j_k_move_one_event(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        replay = await _open(pilot, ALL_KINDS)
        await pilot.press("k")
        assert replay.cursor == 14
        await pilot.press("up", "up")
        assert replay.cursor == 12
        assert _subtitle(app) == "seq 13 \u00b7 13 of 16 events"
        assert "mode: live -> paper" in cursor_line(app)
        await pilot.press("j")
        assert replay.cursor == 13
        await pilot.press("down", "down", "down", "down")
        assert replay.cursor == 15  # stops at the last event


async def test_home_end_g_and_G_jump_to_the_first_and_last_event(app_factory, big_db):
    app = app_factory(big_db, args=["--session", BIG])
    async with app.run_test(size=SIZE) as pilot:
        replay = await _open(pilot, BIG)
        assert replay.cursor == BIG_COUNT - 1
        for first, last in (("g", "G"), ("home", "end")):
            await pilot.press(first)
            await settle(pilot)
            assert replay.cursor == 0
            assert replay.scroll_offset.y == 0
            assert _subtitle(app) == "seq 1 \u00b7 1 of 20,000 events"
            assert cursor_line(app).rstrip().endswith("event number 1")
            await pilot.press("k")
            assert replay.cursor == 0  # stops at the first event
            await pilot.press(last)
            await settle(pilot)
            assert replay.cursor == BIG_COUNT - 1
            assert _subtitle(app) == "seq 20,000 \u00b7 20,000 of 20,000 events"
            assert cursor_line(app).rstrip().endswith("event number 20000")


async def test_page_up_and_page_down_move_a_screen(app_factory, big_db):
    app = app_factory(big_db, args=["--session", BIG])
    async with app.run_test(size=SIZE) as pilot:
        replay = await _open(pilot, BIG)
        step = replay.scrollable_content_region.height - 1
        assert step > 5
        await pilot.press("pageup")
        await settle(pilot)
        assert replay.cursor == BIG_COUNT - 1 - step
        await pilot.press("pageup", "pageup")
        await settle(pilot)
        assert replay.cursor == BIG_COUNT - 1 - 3 * step
        top = replay.scroll_offset.y
        assert top <= replay.cursor < top + replay.scrollable_content_region.height
        assert cursor_line(app).rstrip().endswith(f"event number {BIG_COUNT - 3 * step}")
        await pilot.press("pagedown")
        await settle(pilot)
        assert replay.cursor == BIG_COUNT - 1 - 2 * step
        await pilot.press("g", "pagedown")
        await settle(pilot)
        assert replay.cursor == step
        assert not any(line.strip() == "" for line in replay_lines(app))  # all rows drawn


async def test_t_toggles_offsets_and_clock_times(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        replay = await _open(pilot, ALL_KINDS)
        assert not replay.absolute_time
        assert " +01:52.0 " in cursor_line(app)
        await pilot.press("t")
        assert replay.absolute_time
        assert " 2026-11-20 09:01:52 " in cursor_line(app)
        assert "+01:52.0" not in cursor_line(app)
        await pilot.press("t")
        assert " +01:52.0 " in cursor_line(app)


async def test_enter_shows_the_event_in_full_and_escape_closes_it(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        replay = await _open(pilot, ALL_KINDS)
        await pilot.press("k", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the modal")
        screen = app.screen
        assert screen.event.seq == 15
        assert screen.body.plain == "pnl today +1.37%, week +3.02%"
        header = screen.query_one("#detail-header", Static).content.plain
        assert header.startswith(f"{ALL_KINDS}#15  2026-11-20 09:01:45  (+01:45.0)  command")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, "the main screen")
        assert app.focused is replay
        assert replay.cursor == 14


async def test_m_shows_more_of_a_long_text(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", f"{LONG}#{LONG_TEXT_SEQ}"])
    async with app.run_test(size=SIZE) as pilot:
        replay = await _open(pilot, LONG)
        assert replay.cursor == LONG_TEXT_SEQ - 1
        # The replay line is one line, cut with a marker: the text is 200 KB with newlines.
        line = cursor_line(app)
        assert len(line) == replay.scrollable_content_region.width
        assert "line 00001: the quick brown fox" in line
        assert "\n" not in line
        assert line.rstrip().endswith("\u2026")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the modal")
        screen = app.screen

        def body() -> str:
            return screen.body.plain

        # Chunks of at most 64 KiB that end at a line: the text shown ends with a whole line.
        end = chunk_end(LONG_TEXT, 0)
        assert 64 * 1024 - 120 < end <= 64 * 1024
        assert LONG_TEXT[end - 1] == "\n"
        while end < len(LONG_TEXT):
            assert body() == LONG_TEXT[: end - 1]
            rest = len(LONG_TEXT) - end
            assert screen.body.note == f"\u2026 {rest:,} more characters (m shows more)"
            await pilot.press("m")
            end = chunk_end(LONG_TEXT, end)
        assert body() == LONG_TEXT  # all of it, no marker
        assert screen.body.note == ""
        await pilot.press("m")
        assert body() == LONG_TEXT  # nothing more to show
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, "the main screen")


async def test_tab_switches_panes_and_escape_returns_to_the_list(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.focused is app.table
        await pilot.press("tab")
        assert app.focused is app.replay
        await pilot.press("tab")
        assert app.focused is app.table
        await pilot.press("shift+tab")
        assert app.focused is app.replay
        await pilot.press("escape")
        assert app.focused is app.table


async def test_clicking_an_event_moves_the_cursor_there(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        replay = await _open(pilot, ALL_KINDS)
        assert replay.scroll_offset.y == 0
        await pilot.click(ReplayView, offset=(20, 1 + 3))  # border row, then the fourth row
        assert replay.cursor == 3
        assert _subtitle(app) == "seq 4 \u00b7 4 of 16 events"


async def test_a_theme_change_redraws_the_kept_lines_in_its_colours(app_factory, fixture_db):
    """The pane keeps its drawn lines and their component styles: a new theme (ctrl+p, or
    ``App.theme``) must not leave the rows on screen in the old theme's colours."""
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        replay = await _open(pilot, ALL_KINDS)

        def styles() -> list[object]:
            return [segment.style for segment in replay.render_line(0)]

        dark = styles()
        app.theme = "textual-light"
        await settle(pilot)
        light = styles()
        assert light != dark
        app.theme = "textual-dark"
        await settle(pilot)
        assert styles() == dark

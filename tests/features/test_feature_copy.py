"""Copy to the clipboard from the replay: c copies the event's whole text (inert, as the
screen shows it), y its link ``ULID#SEQ``."""

from __future__ import annotations

from tests.app.harness import (
    ALL_KINDS,
    HOSTILE,
    HOSTILE_TEXTS,
    LONG,
    LONG_TEXT,
    LONG_TEXT_SEQ,
    SIZE,
)
from tests.features._feature_support import open_and_settle, wait_for_notice
from zero_session_tui.sanitize import inert


async def test_c_copies_the_event_text_and_y_the_link(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("home", "down", "down", "down", "down")  # seq 5
        await pilot.press("c")
        assert app.clipboard == "BTC-USD bid 64,210.50 ask 64,212.00"
        await wait_for_notice(pilot, "Copied the text of seq 5 (35 characters)")
        await pilot.press("y")
        assert app.clipboard == f"{ALL_KINDS}#5"
        await wait_for_notice(pilot, f"Copied {ALL_KINDS}#5")


async def test_c_copies_the_whole_of_a_long_event(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", LONG])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, LONG)
        await pilot.press("up")
        assert app.replay.cursor_event_seq() == LONG_TEXT_SEQ
        await pilot.press("c")
        assert app.clipboard == LONG_TEXT  # all of it, not the lines on screen
        await wait_for_notice(pilot, f"({len(LONG_TEXT):,} characters)")
        await pilot.press("y")
        assert app.clipboard == f"{LONG}#{LONG_TEXT_SEQ}"


async def test_c_copies_hostile_text_inert(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", HOSTILE])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, HOSTILE)
        await pilot.press("home", "down", "down", "down", "down", "down")  # seq 6: CSI
        await pilot.press("c")
        # What a paste would receive: the text as the screen shows it, no escape sequence.
        assert app.clipboard == inert(HOSTILE_TEXTS[4])
        assert "\x1b" not in app.clipboard
        await wait_for_notice(pilot, "control characters as symbols")

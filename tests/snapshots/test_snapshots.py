"""SVG snapshots, one per behaviour: fixed data written through ``store``, the fixed app clock,
UTC, a 120x36 terminal. The SVGs live in ``__snapshots__/test_snapshots/``; after a deliberate
change of the look, regenerate them with

    .venv/bin/pytest tests/snapshots --snapshot-update

and look at every changed picture before committing it.
"""

from __future__ import annotations

from tests.app.harness import (
    ALL_KINDS,
    HOSTILE,
    LONG,
    LONG_TEXT_SEQ,
    SIZE,
    ready,
    settle,
    show_session,
    shown_ulid,
    wait_until,
)
from zero_session_tui.screens.event_detail import EventDetailScreen
from zero_session_tui.screens.help import HelpScreen
from zero_session_tui.screens.welcome import WelcomeScreen


async def _opened(pilot, ulid: str) -> None:
    """Wait until ``--session ulid`` has opened and everything on screen is read."""
    await wait_until(pilot, lambda: shown_ulid(pilot.app) == ulid, f"session {ulid}")
    await ready(pilot)


async def _laid_out(pilot, screen_type: type, scroller: str):
    """Wait for a modal of ``screen_type`` whose ``scroller`` has been laid out (its content
    is taller than it, so it can scroll): a long text takes a moment under load."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, screen_type), screen_type.__name__)
    view = app.screen.query_one(scroller)
    await wait_until(pilot, lambda: view.max_scroll_y > 0, f"{scroller} laid out")
    await settle(pilot)
    return view


def test_list_with_a_session_open(snap_compare, app_factory, fixture_db):
    """The list, newest first (a live session, an open one, a fork), and the session with
    every kind of event open in the replay pane, focused, at its latest event."""

    async def run_before(pilot) -> None:
        await ready(pilot)
        await show_session(pilot, ALL_KINDS)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.focused is pilot.app.replay

    app = app_factory(fixture_db)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, app_factory, fixture_db):
    """? over the main screen: every key, grouped by where it works."""

    async def run_before(pilot) -> None:
        await ready(pilot)
        await pilot.press("question_mark")
        await _laid_out(pilot, HelpScreen, "#help")

    app = app_factory(fixture_db)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_welcome(snap_compare, app_factory, fresh_db):
    """First launch on a database whose welcome_shown milestone is unset."""

    async def run_before(pilot) -> None:
        await ready(pilot)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, WelcomeScreen), "welcome")
        await settle(pilot)

    app = app_factory(fresh_db)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_empty_database(snap_compare, app_factory, empty_db):
    """A database with the schema and no session."""

    async def run_before(pilot) -> None:
        await ready(pilot, preview=False)
        assert pilot.app.table.total == 0

    app = app_factory(empty_db)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_session_with_hostile_text(snap_compare, app_factory, fixture_db):
    """Markup, escape sequences, controls, bidi and zero-width characters, shown inert; the
    list row's CLI version and engine are hostile too."""

    async def run_before(pilot) -> None:
        await _opened(pilot, HOSTILE)

    app = app_factory(fixture_db, args=["--session", HOSTILE])
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_long_text_event_line(snap_compare, app_factory, fixture_db):
    """A 200 KB event with newlines under the cursor: one line, cut with an ellipsis."""

    async def run_before(pilot) -> None:
        await _opened(pilot, LONG)
        assert pilot.app.replay.cursor == LONG_TEXT_SEQ - 1

    app = app_factory(fixture_db, args=["--session", f"{LONG}#{LONG_TEXT_SEQ}"])
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_long_text_event_expanded(snap_compare, app_factory, fixture_db):
    """Enter on the 200 KB event: the full-text view, its first 64 KiB and how much more."""

    async def run_before(pilot) -> None:
        await _opened(pilot, LONG)
        await pilot.press("enter")
        await _laid_out(pilot, EventDetailScreen, "#detail-body")

    app = app_factory(fixture_db, args=["--session", f"{LONG}#{LONG_TEXT_SEQ}"])
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_long_text_event_cut_marker(snap_compare, app_factory, fixture_db):
    """The end of the full-text view of the 200 KB event: where the first 64 KiB stop, the
    explicit marker says how many characters are left and that m shows more."""

    async def run_before(pilot) -> None:
        await _opened(pilot, LONG)
        await pilot.press("enter")
        detail = await _laid_out(pilot, EventDetailScreen, "#detail-body")
        await pilot.press("end")
        await wait_until(pilot, lambda: detail.scroll_y == detail.max_scroll_y, "the end")
        await settle(pilot)

    app = app_factory(fixture_db, args=["--session", f"{LONG}#{LONG_TEXT_SEQ}"])
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

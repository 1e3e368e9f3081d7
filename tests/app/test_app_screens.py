"""Help, quit, the command palette, --session, and the first-launch welcome."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from rich.console import Console
from textual.command import CommandList, CommandPalette
from textual.widgets import Footer, Static

from store import Store, milestones
from tests.app.harness import (
    ALL_KINDS,
    BIG,
    HOSTILE,
    NEWEST_FIRST,
    SIZE,
    WATCHDOG_S,
    drain,
    ready,
    record_notifications,
    screen_text,
    settle,
    shown_ulid,
    wait_until,
)
from zero_session_tui import follow_reads
from zero_session_tui.browser_state import welcome_seen
from zero_session_tui.catalog import SessionPager
from zero_session_tui.controllers.commands import MOVES
from zero_session_tui.follow_reads import PollResult, SessionGrew, SessionsRefreshed
from zero_session_tui.locations import browser_state_file
from zero_session_tui.screens.help import HelpScreen, describe_keys
from zero_session_tui.screens.welcome import WelcomeScreen


def _milestone(path: Path) -> str | None:
    with Store.open_readonly(path) as store:
        return store.get_milestone(milestones.WELCOME_SHOWN)


# ---- help ------------------------------------------------------------------------------------


async def test_question_mark_shows_every_binding_and_escape_closes_it(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        assert "Keys" in screen_text(app)
        console = Console(width=100, file=io.StringIO(), record=True, legacy_windows=False)
        for group in app.screen.query(".help-group").results(Static):
            console.print(group.content)
        text = console.export_text()
        groups = app.keys.help_groups()
        titles = [title for title, _ in groups]
        assert titles[:4] == [
            "Everywhere",
            "Session list",
            "Replay",
            "Event in full (Enter in the replay)",
        ]
        # Every place with keys of its own, the dialogs included.
        for place in ("Search", "Wrap report", "Forks", "Filter", "Delete"):
            assert any(title.startswith(place) for title in titles), place
        for title, bindings in groups:
            assert title in text
            for binding in bindings:
                assert (binding.tooltip or binding.description) in text, binding
                assert describe_keys(binding.key) in text, binding
        # The keys the issue names, as a person reads them.
        for shown in ("q", "?", "Tab", "Enter", "Home  g", "End  G", "PgUp", "\u2191  k", "t"):
            assert shown in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, "the main screen")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help again")
        await pilot.press("question_mark")  # ? closes it too
        await wait_until(pilot, lambda: app.screen is app.main, "the main screen again")


# ---- quit ------------------------------------------------------------------------------------


@pytest.mark.parametrize("focus", ["list", "replay"])
async def test_q_quits(app_factory, fixture_db, focus):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        if focus == "replay":
            await pilot.press("tab")
            assert app.focused is app.replay
        assert app.return_code is None
        await pilot.press("q")
        await wait_until(pilot, lambda: app.return_code is not None, "the app to exit")
    assert app.return_code == 0


async def test_a_live_update_arriving_as_the_app_closes_is_dropped(app_factory, fixture_db):
    """The live poll runs in a worker; its result can reach the app after q has taken the
    screen's widgets down. It must be dropped, not crash the exit with a traceback."""
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        key, timeline = app.state.shown_key, app.replay.timeline
        await pilot.press("q")
        await wait_until(pilot, lambda: app.return_code is not None, "the app to exit")
    assert app.return_code == 0
    shape = timeline.shape
    grew = SessionGrew(key, shape, timeline.session, shape, None, None, None, {})
    app.follow.apply(PollResult(shown=grew, listed=SessionsRefreshed([], [], [], 7)))


async def test_the_keys_screen_shows_its_groups_in_columns_when_the_terminal_is_wide(
    app_factory, fixture_db
):
    for size, columns in (((80, 24), 1), ((120, 36), 2), ((200, 50), 3)):
        app = app_factory(fixture_db)
        async with app.run_test(size=size) as pilot:
            await ready(pilot)
            await pilot.press("question_mark")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the keys")
            await pilot.pause()
            lefts = {group.region.x for group in pilot.app.screen.query(".help-group")}
            assert len(lefts) == columns, size
            help_box = pilot.app.screen.query_one("#help").region
            assert help_box.right <= size[0]


@pytest.mark.parametrize(
    ("keys", "screen_name", "shown"),
    [
        (["w"], "WrapScreen", "Write wrap"),
        (["slash"], "SearchScreen", "Close"),
        (["F"], "FilterScreen", "Cancel"),
        (["d"], "ConfirmScreen", "Yes"),
        (["question_mark"], "HelpScreen", "Close"),
    ],
)
async def test_each_dialog_shows_its_own_keys_in_its_footer(
    app_factory, fixture_db, keys, screen_name, shown
):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.table.focus()
        await pilot.press(*keys)
        await wait_until(pilot, lambda: type(app.screen).__name__ == screen_name, screen_name)
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        assert footer.region.bottom == SIZE[1]
        assert shown in screen_text(app).splitlines()[-1]


# ---- command palette -------------------------------------------------------------------------


async def test_the_command_palette_has_the_apps_actions(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: shown_ulid(app) == ALL_KINDS, "the session")
        await ready(pilot)
        commands = list(app.get_system_commands(app.main))
        titles = [command.title for command in commands]
        assert titles.count("Keys") == 1  # ours (?), not Textual's too
        # Every binding of the main screen's owners is there, with its key.
        for owner in (app, app.main, app.table, app.replay):
            for binding in owner.BINDINGS:
                if binding.description and binding.action not in MOVES:
                    assert (binding.tooltip or binding.description) in titles, binding
        helps = {command.title: command.help for command in commands}
        assert helps["Sort by next column"] == "key s \u00b7 in the list"
        assert helps["Warnings on/off"] == "key 4 \u00b7 in the replay"
        assert helps["Export JSON Lines"] == "key E"
        assert {"Session list", "Replay pane", "Search", "Filter", "Faster", "Step back"} <= set(
            titles
        )
        # Run one through the palette, as a person would.
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"start")

        def offered() -> bool:
            options = app.screen.query_one(CommandList)
            return options.option_count > 0 and options.highlighted is not None

        await wait_until(pilot, offered, "the palette to offer the command")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app.main, "the palette to close")
        await wait_until(pilot, lambda: app.replay.cursor == 0, "the jump to the first event")
        assert str(app.replay.border_subtitle) == "seq 1 \u00b7 1 of 16 events"


# ---- --session -------------------------------------------------------------------------------


async def test_session_option_opens_straight_at_the_session(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", HOSTILE])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: shown_ulid(app) == HOSTILE, "the session")
        await ready(pilot)
        assert app.focused is app.replay
        assert app.replay.cursor == app.replay.timeline.count - 1
        assert app.table.current_item().session.ulid == HOSTILE  # the list follows


async def test_session_option_with_seq_opens_at_the_event(app_factory, big_db):
    app = app_factory(big_db, args=["--session", f"{BIG}#12345"])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: shown_ulid(app) == BIG, "the session")
        await ready(pilot)
        replay = app.replay
        assert replay.cursor == 12344
        assert str(replay.border_subtitle) == "seq 12,345 \u00b7 12,345 of 20,000 events"
        top = replay.scroll_offset.y
        assert top <= replay.cursor < top + replay.scrollable_content_region.height
        line = replay.render_line(replay.cursor - top).text
        assert line.rstrip().endswith("event number 12345")


async def test_session_option_past_the_last_seq_says_so(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", f"{ALL_KINDS}#999"])
    notes = record_notifications(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: shown_ulid(app) == ALL_KINDS, "the session")
        await ready(pilot)
        assert app.replay.cursor == 15
        await wait_until(pilot, lambda: bool(notes), "the note")
        assert notes[0]["message"] == "No event at seq 999 is shown; showing the end."
        assert "No event at seq 999" in screen_text(app)


async def test_the_first_live_poll_leaves_a_list_still_loading_alone(
    app_factory, fixture_db, monkeypatch: pytest.MonkeyPatch
):
    """A slow disk: the list's first page arrives after the first live poll. The poll must
    not fill the list itself (every session would count as new, the cursor would jump to the
    top and preview that session instead of the one --session asked for)."""
    polled = threading.Event()
    released = threading.Event()
    list_changes = follow_reads.list_changes

    def refresh_and_note(catalog, partitions, listed):
        try:
            return list_changes(catalog, partitions, listed)
        finally:
            polled.set()

    total = SessionPager.total
    held = threading.Event()

    def held_total(self):
        if not held.is_set():  # the first page's count waits until the test releases it
            held.set()
            assert released.wait(WATCHDOG_S), "never released"
        return total(self)

    monkeypatch.setattr(follow_reads, "list_changes", refresh_and_note)
    monkeypatch.setattr(SessionPager, "total", held_total)
    app = app_factory(fixture_db, args=["--session", HOSTILE])
    async with app.run_test(size=SIZE) as pilot:
        try:
            await wait_until(pilot, polled.is_set, "the first poll", workers=False)
            opened = lambda: shown_ulid(app) == HOSTILE  # noqa: E731
            await wait_until(pilot, opened, "the session", workers=False)
            for _ in range(3):
                await pilot.pause()  # let whatever the poll posted be handled
            assert app.table.row_count == 0
        finally:
            released.set()
        await ready(pilot)
        keys = [item.key for item in app.table.items]
        assert len(keys) == len(set(keys)) == app.table.row_count == 7
        assert shown_ulid(app) == HOSTILE
        assert app.table.current_item().session.ulid == HOSTILE


@pytest.mark.parametrize("ulid", ["01JNOSUCHSESSION000000000X", "[/b][@click=app.quit]x"])
async def test_an_unknown_session_is_a_notification_not_a_crash(app_factory, fixture_db, ulid):
    app = app_factory(fixture_db, args=["--session", ulid])
    notes = record_notifications(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: bool(notes), "the note")
        await ready(pilot)
        assert notes == [
            {
                "message": f"No session {ulid} in these databases.",
                "severity": "error",
                "markup": False,
            }
        ]
        assert "No session" in screen_text(app)
        assert ulid[:12] in screen_text(app)  # shown as typed, markup and all
        assert app.return_code is None
        assert app.focused is app.table
        # Then it starts as without --session: the newest session is previewed.
        assert shown_ulid(app) == app.table.current_item().session.ulid == NEWEST_FIRST[0]


# ---- welcome ---------------------------------------------------------------------------------


async def test_the_welcome_shows_once_and_is_recorded_in_the_browsers_own_state(
    app_factory, fresh_db
):
    app = app_factory(fresh_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen), "the welcome")
        text = screen_text(app)
        assert "Welcome to zero-session-tui" in text
        assert "Press any key to start." in text
        assert not welcome_seen()  # recorded only once seen
        await pilot.press("x")
        await wait_until(pilot, lambda: app.screen is app.main, "the welcome to go")
        await wait_until(pilot, welcome_seen, "the browser's state")
    # The client's own welcome_shown milestone is the client's: never written.
    assert _milestone(fresh_db) is None
    # A second launch on the same database does not show it.
    again = app_factory(fresh_db)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert not any(isinstance(screen, WelcomeScreen) for screen in again.screen_stack)


@pytest.mark.parametrize("key", ["q", "escape", "question_mark", "enter"])
async def test_any_key_only_dismisses_the_welcome(app_factory, fresh_db, key):
    app = app_factory(fresh_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen), "the welcome")
        await pilot.press(key)
        await wait_until(pilot, lambda: app.screen is app.main, "the welcome to go")
        await wait_until(pilot, welcome_seen, "the browser's state")
        await settle(pilot)
        assert _milestone(fresh_db) is None
        assert app.return_code is None  # q did not quit, ? opened no help, Enter opened nothing
        assert app.screen is app.main
        assert app.focused is app.table


async def test_a_click_dismisses_the_welcome(app_factory, fresh_db):
    app = app_factory(fresh_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen), "the welcome")
        await pilot.click("#welcome")
        await wait_until(pilot, lambda: app.screen is app.main, "the welcome to go")
        await wait_until(pilot, welcome_seen, "the browser's state")


async def test_no_welcome_once_the_browser_has_shown_it(app_factory, fixture_db):
    assert welcome_seen()
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await drain(app)
        assert app.screen is app.main
        assert not any(isinstance(screen, WelcomeScreen) for screen in app.screen_stack)


async def test_no_welcome_option_shows_nothing_and_records_nothing(app_factory, fresh_db):
    app = app_factory(fresh_db, args=["--no-welcome"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.screen is app.main
    assert _milestone(fresh_db) is None
    assert not welcome_seen()


async def test_the_welcome_ignores_the_clients_milestone(app_factory, fixture_db):
    """The client's welcome_shown says the CLIENT showed its welcome; the browser's first
    launch is its own."""
    browser_state_file().unlink()
    assert _milestone(fixture_db) == "true"
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen), "the welcome")

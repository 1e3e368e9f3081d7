"""Overview: O shows, for the sessions the list shows (its filter applied), a row per local day
and the top prompted commands, as ``store.overview`` reads them; Enter on a day filters the
list to that day (its other filters kept); Esc closes and changes nothing."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime

from textual.widgets import DataTable

import store.overview as store_overview  # the controller imports it when O is pressed
from store import SessionFilter, Store
from store.errors import SqliteError
from store.overview import read_overview
from tests.app.harness import (
    FORK,
    HOSTILE,
    LIVE,
    LONG,
    NEWEST_FIRST,
    OPEN,
    PARENT,
    SIZE,
    ready,
    screen_text,
    wait_until,
)
from tests.features._feature_support import listed
from zero_session_tui.screens.main import MainScreen
from zero_session_tui.screens.overview import OverviewScreen

FROM_21ST = SessionFilter(started_from=datetime(2026, 11, 21, tzinfo=UTC))


async def _filtered(pilot, spec: SessionFilter, ulids: list[str]) -> None:
    app = pilot.app
    app.state.list_order = replace(app.state.list_order, where=spec)
    app.session_list.reload()
    await wait_until(pilot, lambda: listed(app) == ulids, f"the list filtered to {ulids}")


async def _dialog(pilot) -> OverviewScreen:
    """O pressed: the dialog up (its numbers maybe still being read)."""
    app = pilot.app
    await pilot.press("O")
    await wait_until(pilot, lambda: isinstance(app.screen, OverviewScreen), "the overview")
    screen = app.screen
    assert isinstance(screen, OverviewScreen)
    return screen


async def _overview(pilot) -> OverviewScreen:
    screen = await _dialog(pilot)
    await wait_until(pilot, lambda: screen.overview is not None, "the overview's numbers")
    await pilot.pause()
    return screen


async def test_o_shows_the_overview_of_the_filtered_list(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _filtered(pilot, FROM_21ST, [LIVE, OPEN, LONG, HOSTILE, FORK, PARENT])
        screen = await _overview(pilot)
        with Store.open_readonly(fixture_db) as store:
            expected = read_overview(store, app.state.list_order.where, UTC)
        assert screen.overview == expected
        assert [(d.day.day, d.sessions) for d in expected.days] == [
            (21, 2),
            (22, 1),
            (23, 2),
            (24, 1),
        ]
        text = screen_text(app)
        assert "6 sessions on 4 days" in text
        assert "2026-11-20" not in text  # ALL_KINDS started before the filter's first day
        assert "filtered: 2026-11-21.." in text
        for command in expected.top():
            assert command.command in text
        assert "Filter list to day" in text  # the dialog's footer names its keys


async def test_enter_on_a_day_filters_the_list_to_it(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _filtered(pilot, replace(FROM_21ST, cli_version="0.4"), [LIVE, OPEN, LONG, FORK])
        await _overview(pilot)
        await pilot.press("up")  # from the latest day (the 24th) to the 23rd
        await pilot.press("enter")
        await wait_until(pilot, lambda: listed(app) == [OPEN, LONG], "the list of the 23rd")
        assert isinstance(app.screen, MainScreen)
        where = app.state.list_order.where
        assert where.started_from == datetime(2026, 11, 23, tzinfo=UTC)
        assert where.started_before == datetime(2026, 11, 24, tzinfo=UTC)
        assert where.cli_version == "0.4"  # the list's other filter is kept
        assert "filtered: 2026-11-23..2026-11-23 cli~0.4" in screen_text(app)


async def test_escape_closes_the_overview_and_keeps_the_list(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _overview(pilot)
        assert len(app.screen.overview.days) == 5  # no filter: every session
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        await pilot.pause()
        assert app.state.list_order.where.is_empty
        assert listed(app) == NEWEST_FIRST


def test_snapshot_overview_of_the_fixture(snap_compare, app_factory, fixture_db):
    """The overview of every fixture session (fixed data and clock, UTC, no live polling):
    five days from the 20th to the 24th, the cursor on the 24th, the top commands below."""
    app = app_factory(fixture_db, args=["--no-live"])

    async def run_before(pilot) -> None:
        await ready(pilot)
        await _overview(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_the_dialog_is_up_at_once_and_filled_when_the_read_arrives(
    app_factory, fixture_db, monkeypatch
):
    """A million events take a second to read: the dialog says it is reading meanwhile
    (Enter does nothing yet), then shows the numbers; Esc during the read closes it and the
    late result is dropped."""
    gate = threading.Event()
    real = store_overview.read_overview

    def slow(*args, **kwargs):
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(store_overview, "read_overview", slow)
    app = app_factory(fixture_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await _dialog(pilot)
        await pilot.pause()
        assert screen.overview is None
        assert "reading\u2026" in screen_text(app)
        table = screen.query_one(DataTable)
        assert table.row_count == 0
        assert app.focused is table
        await pilot.press("enter")  # no day yet: stays up, the list unfiltered
        assert app.screen is screen
        gate.set()
        await wait_until(pilot, lambda: screen.overview is not None, "the numbers")
        await pilot.pause()
        assert "on 5 days" in screen_text(app)
        assert app.focused is table
        await pilot.press("up")
        assert table.cursor_row == len(screen.overview.days) - 2
        await pilot.press("escape")
        gate.clear()
        await _dialog(pilot)
        await pilot.press("escape")  # closed while reading
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the list")
        gate.set()
        await wait_until(pilot, lambda: not any(w.is_running for w in app.workers), "the late read")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.state.list_order.where.is_empty


async def test_a_read_that_fails_is_said_in_the_dialog_and_once_as_a_notice(
    app_factory, fixture_db, monkeypatch
):
    def locked(*args, **kwargs):
        raise SqliteError("database is locked")

    monkeypatch.setattr(store_overview, "read_overview", locked)
    app = app_factory(fixture_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _dialog(pilot)
        await wait_until(pilot, lambda: "cannot be read" in screen_text(app), "the trouble")
        said = [(n.title, n.message) for n in app._notifications if n.severity == "error"]
        assert len(said) == 1
        assert said[0][0] == "Cannot read the overview"
        assert "database is locked" in said[0][1]
        assert "\n" not in said[0][1]
        await pilot.press("enter")  # nothing to choose: the dialog stays, the list unfiltered
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the list")

"""SVG snapshots of issue 4's features: fixed data (written through ``store`` with a fixed
clock), the app's clock fixed, UTC, a fixed terminal size, no live polling (no timer can change
a frame), input cursors that do not blink. One snapshot per behaviour, named for it; the SVGs
are in ``__snapshots__/test_feature_snapshots/``. Update with ``--snapshot-update`` and look
at every changed SVG before committing it."""

from __future__ import annotations

from textual.widgets import Input, Select

from tests.app.harness import (
    ALL_KINDS,
    LIVE,
    OPEN,
    SIZE,
    ready,
    settle,
    shown_ulid,
    wait_until,
)
from tests.features._feature_support import (
    CHILD_A,
    FakeScheduler,
    open_and_settle,
    reopened,
)
from zero_session_tui.screens.filter import FilterScreen
from zero_session_tui.screens.forks import ForksScreen
from zero_session_tui.screens.search import SearchScreen
from zero_session_tui.screens.wrap import WrapScreen

STILL = ["--no-live"]


def _still_cursors(app) -> None:
    for field in app.screen.query(Input):
        field.cursor_blink = False


def test_snapshot_timed_replay_paused_midway(snap_compare, app_factory, fixture_db):
    """ALL_KINDS replayed from its first event, five events shown at 2x, then paused: the
    rows after the play head are hidden and the bar reads "❙❙ 2x 6 / 16 · +00:42.0"."""
    app = app_factory(fixture_db, args=["--session", ALL_KINDS, *STILL])

    async def run_before(pilot) -> None:
        await open_and_settle(pilot, ALL_KINDS)
        scheduler = FakeScheduler()
        pilot.app.replay.scheduler = scheduler
        await pilot.press("home", "plus", "space")
        for _ in range(5):
            scheduler.fire()
        await pilot.press("space")
        await settle(pilot)
        assert pilot.app.replay.play_head == 5

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_kind_filter_applied(snap_compare, app_factory, fixture_db):
    """ALL_KINDS with system (3) and mode_change (6) hidden: 11 of its 16 events, the cursor
    still on seq 8, and those two kinds struck through in the bar, which still counts them."""
    app = app_factory(fixture_db, args=["--session", ALL_KINDS, *STILL])

    async def run_before(pilot) -> None:
        await open_and_settle(pilot, ALL_KINDS)
        pilot.app.replay.jump_to_seq(8)
        for key in ("3", "6"):
            await pilot.press(key)
            await reopened(pilot)
        assert pilot.app.replay.timeline.count == 11
        assert pilot.app.replay.cursor_event_seq() == 8

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_search_results(snap_compare, app_factory, fixture_db):
    """ "/" on the list, "BTC-USD": no session matches, the event hits of four sessions as
    session#seq, kind and text, the needle highlighted, newest first."""
    app = app_factory(fixture_db, args=STILL)

    async def run_before(pilot) -> None:
        app = pilot.app
        await ready(pilot)
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")
        app.screen.query_one(Input).insert_text_at_cursor("BTC-USD")
        await wait_until(
            pilot, lambda: bool(app.screen.results) and not app.screen.searching, "the results"
        )
        await settle(pilot)
        _still_cursors(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_fork_tree(snap_compare, app_factory, forks_db):
    """f on CHILD_A: ROOT with its forks CHILD_A (at #3, with its own fork GRANDCHILD at #2)
    and CHILD_B (at #7); the cursor on "◀ this session"."""
    app = app_factory(forks_db, args=["--session", CHILD_A, *STILL])

    async def run_before(pilot) -> None:
        await open_and_settle(pilot, CHILD_A)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ForksScreen), "the tree")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_wrap_report(snap_compare, app_factory, fixture_db):
    """w on OPEN (never ended): the report up to the app's "now", the counts of each kind,
    the top commands and "qualifies for a wrap"."""
    app = app_factory(fixture_db, args=["--session", OPEN, *STILL])

    async def run_before(pilot) -> None:
        await open_and_settle(pilot, OPEN)
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, WrapScreen), "the wrap")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_filter_dialog(snap_compare, app_factory, fixture_db):
    """F on the list, filled in: from 2026-11-21, CLI version 0.4, status ended."""
    app = app_factory(fixture_db, args=STILL)

    async def run_before(pilot) -> None:
        app = pilot.app
        await ready(pilot)
        await pilot.press("F")
        await wait_until(pilot, lambda: isinstance(app.screen, FilterScreen), "the dialog")
        app.screen.query_one("#from", Input).insert_text_at_cursor("2026-11-21")
        app.screen.query_one("#cli", Input).insert_text_at_cursor("0.4")
        app.screen.query_one("#status", Select).value = "ended"
        await settle(pilot)
        _still_cursors(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_sorted_list(snap_compare, app_factory, fixture_db):
    """s twice on the list: sorted by events, most first ("by events ▼" in the title and on
    the column's header); the
    cursor stays on the session shown in the pane (LIVE), wherever the sort put it."""
    app = app_factory(fixture_db, args=STILL)

    async def run_before(pilot) -> None:
        app = pilot.app
        await ready(pilot)
        await pilot.press("s", "s")
        await wait_until(pilot, lambda: app.state.list_order.sort == "events", "the sort")
        await wait_until(pilot, lambda: app.table.complete, "the sorted list")
        await settle(pilot)
        assert app.table.current_item().session.ulid == shown_ulid(app) == LIVE

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def _list_only(app_factory, fixture_db):
    """The list focused, its cursor on the first row; nothing followed (no live mark)."""
    return app_factory(fixture_db, args=STILL)


def test_snapshot_list_at_120x36_every_column_fits(snap_compare, app_factory, fixture_db):
    """At 120 columns every column shows, the first prompt last: engine and cli cut with "…",
    the last event as a time on the start's day, the fork as the parent's tail, this year's
    starts without the year; "started ▼" says the order."""
    app = _list_only(app_factory, fixture_db)

    async def run_before(pilot) -> None:
        await ready(pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_snapshot_list_at_80x24_drops_columns_in_order(snap_compare, app_factory, fixture_db):
    """At 80 columns engine, fork and last event are dropped (then cli, as its values are
    long here); session, start, duration, counts and the first prompt stay."""
    app = _list_only(app_factory, fixture_db)

    async def run_before(pilot) -> None:
        await ready(pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)

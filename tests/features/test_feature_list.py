"""The session list: delete (d) after a confirmation modal, through ``store``; sort (s cycles the
columns, S reverses, a header click sorts by that column); filter (F: dates, version, engine,
status). Orders and memberships are checked against the store's own queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from textual.widgets import Input, Select, Static

from store import SessionFilter, Store
from tests.app.harness import (
    ALL_KINDS,
    APP_NOW,
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
    settle,
    show_session,
    shown_ulid,
    wait_until,
)
from tests.features._feature_support import listed, notices, open_and_settle, wait_for_notice
from zero_session_tui.catalog import LIVE_WINDOW
from zero_session_tui.controllers.opening import PREVIEW_DELAY
from zero_session_tui.screens.confirm import ConfirmScreen
from zero_session_tui.screens.filter import FilterScreen
from zero_session_tui.session_pages import ASCENDING_FIRST, NAME_SORT
from zero_session_tui.widgets.session_table import SessionTable


def _store_order(db, *, sort="started", descending=True, where=None) -> list[str]:
    spec = where or SessionFilter()
    if spec.status in ("open", "live"):
        spec = replace(spec, active_since=APP_NOW - LIVE_WINDOW)
    with Store.open_readonly(db) as store:
        rows = store.query_summaries(100, where=spec, sort=sort, descending=descending)
    return [row.session.ulid for row in rows]


async def _reloaded(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.table.complete, "the list to reload")
    await settle(pilot)


def _title(app) -> str:
    return str(app.table.border_title)


# ---- delete --------------------------------------------------------------------------------


async def test_d_asks_first_n_keeps_the_session_y_deletes_it(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await show_session(pilot, HOSTILE)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        question = screen_text(app)
        assert f"Delete session {HOSTILE} and its 11" in question  # "events?" wraps
        assert "This cannot be undone." in question
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        await settle(pilot)
        assert HOSTILE in listed(app)
        with Store.open_readonly(fixture_db) as store:
            assert store.get_session_by_ulid(HOSTILE) is not None
        # Escape is a no as well.
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("escape")
        await pilot.pause()
        assert HOSTILE in listed(app)

        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        severity, _ = await wait_for_notice(pilot, f"Session {HOSTILE} deleted.")
        assert severity == "information"
        await _reloaded(pilot)
        assert listed(app) == [u for u in NEWEST_FIRST if u != HOSTILE]
        assert app.table.total == 6
        assert _title(app) == "Sessions \u00b7 6"
        assert shown_ulid(app) != HOSTILE
        with Store.open_readonly(fixture_db) as store:
            assert store.get_session_by_ulid(HOSTILE) is None
            assert not store.search_events("CSI:", limit=5)  # its events went with it
            assert store.count_sessions() == 6


async def test_deleting_the_session_shown_in_the_pane_clears_it(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert shown_ulid(app) == LIVE
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await wait_for_notice(pilot, f"Session {LIVE} deleted.")
        await _reloaded(pilot)
        assert LIVE not in listed(app)
        # The cursor stays on the row that took the deleted one's place: the pane previews it.
        await wait_until(pilot, lambda: shown_ulid(app) == OPEN, "the preview of OPEN")
        assert not [n for n in notices(app) if n[0] == "error"]


async def test_a_stale_highlight_does_not_replace_the_session_asked_for(app_factory, fixture_db):
    """--session ULID: the list's first page arrives while the ULID is being looked up, and
    the highlight of its first row (LIVE) can reach the app after the ULID was opened and
    selected. Its preview replaced the session asked for (seen 1 run in 25 under load)."""
    app = app_factory(fixture_db, args=["--session", ALL_KINDS, "--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        assert app.table.current_item().session.ulid == ALL_KINDS
        first_row = app.table.items[0]
        assert first_row.session.ulid == LIVE
        # Late, for a row the cursor left:
        app.post_message(SessionTable.SessionHighlighted(first_row))
        await pilot.pause(PREVIEW_DELAY * 3)
        await settle(pilot)
        assert shown_ulid(app) == ALL_KINDS
        assert app.state.wanted_key == app.state.shown_key
        # A highlight of the row the cursor is on still previews it.
        app.table.focus()
        await show_session(pilot, LIVE)


# ---- sort ----------------------------------------------------------------------------------


async def test_s_cycles_the_sort_through_every_column(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert listed(app) == _store_order(fixture_db) == NEWEST_FIRST
        app.table.focus()
        for key in [*SessionTable.SORTABLE[1:], "started"]:
            await pilot.press("s")
            await _reloaded(pilot)
            descending = key not in ASCENDING_FIRST  # names start A to Z
            assert (app.state.list_order.sort, app.state.list_order.descending) == (
                key,
                descending,
            )
            # Nothing is named here: sorted by name, the list is newest first.
            stored = "started" if key == NAME_SORT else key
            assert listed(app) == _store_order(fixture_db, sort=stored), key
            arrow = "\u25bc" if descending else "\u25b2"
            if key == "started":
                assert _title(app) == "Sessions \u00b7 7"
            else:
                assert _title(app) == f"Sessions \u00b7 7 \u00b7 by {key.replace('_', ' ')} {arrow}"
            assert sorted(listed(app)) == sorted(NEWEST_FIRST)  # the same sessions
            # The cursor stays on the session the pane shows, wherever the sort put it.
            assert app.table.current_item().session.ulid == shown_ulid(app) == LIVE


async def test_sorted_orders_are_right_on_their_own_terms(app_factory, fixture_db):
    """Not only the store's word: the figures shown are in order."""
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.table.focus()
        await pilot.press("s", "s")  # events
        await _reloaded(pilot)
        counts = [item.summary.event_count for item in app.table.items]
        assert counts == sorted(counts, reverse=True)
        assert listed(app)[0] == ALL_KINDS  # 16 events
        await pilot.press("S")  # reversed
        await _reloaded(pilot)
        assert app.state.list_order.descending is False
        counts = [item.summary.event_count for item in app.table.items]
        assert counts == sorted(counts)
        assert _title(app) == "Sessions \u00b7 7 \u00b7 by events \u25b2"
        assert listed(app) == _store_order(fixture_db, sort="events", descending=False)
        await pilot.press("s", "s", "s", "s")  # warn, alert, last event, session
        await _reloaded(pilot)
        assert app.state.list_order.sort == "session"
        assert listed(app) == sorted(NEWEST_FIRST, reverse=True)


def _header_offset(table: SessionTable, key: str) -> tuple[int, int]:
    """Where to click on the header of column ``key`` (inside the round border)."""
    x = 1
    for column in table.ordered_columns:
        if column.key.value == key:
            return x + 1, 1
        x += column.get_render_width(table)
    raise KeyError(key)


async def test_a_header_click_sorts_by_that_column_and_again_reverses(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        for key in ("events", "duration"):
            await pilot.click(table, offset=_header_offset(table, key))
            await _reloaded(pilot)
            assert (app.state.list_order.sort, app.state.list_order.descending) == (key, True)
            assert listed(app) == _store_order(fixture_db, sort=key)
            await pilot.click(table, offset=_header_offset(table, key))
            await _reloaded(pilot)
            assert (app.state.list_order.sort, app.state.list_order.descending) == (key, False)
            assert listed(app) == _store_order(fixture_db, sort=key, descending=False)
            assert _title(app).endswith(f"by {key} \u25b2")


# ---- filter --------------------------------------------------------------------------------


async def _filter(pilot, *, start="", end="", cli="", engine="", status=None, button="apply"):
    """Open F, fill the dialog (every field: what is not given is emptied), press a button."""
    app = pilot.app
    app.table.focus()
    await pilot.press("F")
    await wait_until(pilot, lambda: isinstance(app.screen, FilterScreen), "the filter dialog")
    screen = app.screen
    for ident, value in (("#from", start), ("#to", end), ("#cli", cli), ("#engine", engine)):
        field = screen.query_one(ident, Input)
        field.value = ""
        field.insert_text_at_cursor(value)
    if status is not None:
        screen.query_one("#status", Select).value = status
    await pilot.click(f"#{button}")
    await pilot.pause()
    if not isinstance(app.screen, FilterScreen):
        await _reloaded(pilot)
    return screen


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)  # the app's time zone is UTC


FILTERS = [
    ({"start": "2026-11-21", "end": "2026-11-23"}, [OPEN, LONG, HOSTILE, FORK, PARENT], "range"),
    ({"cli": "0.3"}, [PARENT], "version"),
    ({"engine": "127.0.0.1"}, [PARENT], "engine"),
    ({"status": "ended"}, [LONG, HOSTILE, FORK, PARENT, ALL_KINDS], "ended"),
    ({"status": "open"}, [OPEN], "open (no end, quiet)"),
    ({"status": "live"}, [LIVE], "live (no end, recent events)"),
    ({"start": "2026-11-21", "cli": "0.4", "status": "ended"}, [LONG, FORK], "combined"),
]


def _spec(fields: dict[str, str]) -> SessionFilter:
    end = fields.get("end")
    return SessionFilter(
        started_from=_day(fields["start"]) if "start" in fields else None,
        started_before=_day(end) + timedelta(days=1) if end else None,
        cli_version=fields.get("cli", ""),
        engine=fields.get("engine", ""),
        status=fields.get("status", "any"),
    )


def _note(fields: dict[str, str]) -> str:
    parts = []
    if "start" in fields or "end" in fields:
        parts.append(f"{fields.get('start', '')}..{fields.get('end', '')}")
    parts += [f"cli~{fields['cli']}"] if "cli" in fields else []
    parts += [f"engine~{fields['engine']}"] if "engine" in fields else []
    parts += [fields["status"]] if "status" in fields else []
    return "filtered: " + " ".join(parts)


async def test_F_filters_by_dates_version_engine_and_status(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for fields, expected, what in FILTERS:
            await _filter(pilot, **{"status": "any", **fields})
            assert listed(app) == expected, what
            assert listed(app) == _store_order(fixture_db, where=_spec(fields)), what
            assert app.table.total == len(expected), what
            assert _title(app) == f"Sessions \u00b7 {len(expected)} \u00b7 {_note(fields)}"


async def test_filter_and_sort_together_and_clear(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _filter(pilot, status="ended")
        await pilot.press("s", "s")  # by events, still only the ended sessions
        await _reloaded(pilot)
        where = SessionFilter(status="ended")
        assert listed(app) == _store_order(fixture_db, sort="events", where=where)
        assert _title(app) == "Sessions \u00b7 5 \u00b7 by events \u25bc \u00b7 filtered: ended"
        # The dialog shows the filter in force; Clear removes it (the sort stays).
        screen = await _filter(pilot, status="ended", button="clear")
        assert screen.current.status == "ended"
        assert listed(app) == _store_order(fixture_db, sort="events")
        assert _title(app) == "Sessions \u00b7 7 \u00b7 by events \u25bc"


async def test_a_bad_date_is_refused_in_the_dialog(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await _filter(pilot, start="21/11/2026")
        assert app.screen is screen  # still open
        error = str(screen.query_one("#filter-error", Static).render())
        assert error == "'21/11/2026' is not a date (YYYY-MM-DD)"
        await pilot.click("#cancel")
        await pilot.pause()
        assert not isinstance(app.screen, FilterScreen)
        assert listed(app) == NEWEST_FIRST
        assert app.state.list_order.where.is_empty

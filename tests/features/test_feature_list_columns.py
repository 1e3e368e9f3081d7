"""The session list's columns and keys: widths that grow with live counts, the layout at 120 and
80 columns, the first prompt (inert, from a bounded read, cached once per session), counts
through the browser's summary cache, fast sort presses, End/G, the sort arrow, an empty
filtered list, --no-live, and the cursor after a delete."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from rich.cells import cell_len

from store import Store
from store.summary_cache import PROMPT_WINDOW
from tests.app.harness import (
    ALL_KINDS,
    APP_NOW,
    LIVE,
    NEWEST_FIRST,
    SIZE,
    ready,
    screen_text,
    settle,
    shown_ulid,
    ulid_at,
    wait_until,
)
from tests.features._feature_support import listed, wait_for_notice
from tests.features.test_feature_list import _filter, _reloaded, _store_order
from zero_session_tui.catalog import Catalog
from zero_session_tui.screens.confirm import ConfirmScreen
from zero_session_tui.widgets.session_table import SessionTable


def _cell(app, ulid: str, column: str) -> str:
    table = app.table
    row = next(n for n, item in enumerate(table.items) if item.session.ulid == ulid)
    keys = [c.key.value for c in table.ordered_columns]
    return table.get_row_at(row)[keys.index(column)].plain


def _width(table: SessionTable, column: str) -> int:
    return next(c.width for c in table.ordered_columns if c.key.value == column)


def _headers(table: SessionTable) -> dict[str, str]:
    return {str(c.key.value): c.label.plain for c in table.ordered_columns}


def _append_plain(db: Path, ulid: str, kinds: list[str]) -> None:
    """Events appended by another connection with plain SQL, in one transaction."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        sid, last = conn.execute(
            "SELECT s.id, COALESCE(MAX(e.seq), 0) FROM sessions s LEFT JOIN events e"
            " ON e.session_id = s.id WHERE s.ulid = ?",
            (ulid,),
        ).fetchone()
        at = (APP_NOW - timedelta(seconds=30)).isoformat()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, ?, ?)",
            [(sid, last + n + 1, at, kind, f"{kind} {n}") for n, kind in enumerate(kinds)],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


# ---- widths that grow ------------------------------------------------------------------------


async def test_a_live_count_that_gains_digits_widens_its_column(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])  # LIVE listed, not replayed
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        assert _width(table, "warn") == 4
        assert _width(table, "events") == 6
        before = int(_cell(app, LIVE, "events"))
        added = 100_000 - before
        _append_plain(fixture_db, LIVE, ["warn"] * 1_015 + ["command"] * (added - 1_015))
        await wait_until(pilot, lambda: _cell(app, LIVE, "events") == "100,000", "the count")
        await settle(pilot)
        assert _cell(app, LIVE, "warn") == "1,015"  # not "1,01"
        assert _width(table, "events") == 7
        assert _width(table, "warn") == 5
        line = next(row for row in screen_text(app).splitlines() if "100,000" in row)
        assert "1,015" in line
        # Every column is still there and the list still fits the screen.
        assert "prompt" in _headers(table)
        assert "engine" in _headers(table)
        assert all(len(row) <= SIZE[0] for row in screen_text(app).splitlines())


# ---- layout ------------------------------------------------------------------------------


async def test_every_column_fits_at_120_columns(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        table = app.table
        headers = _headers(table)
        assert list(headers) == [
            "session",
            "started",
            "duration",
            "events",
            "warn",
            "alert",
            "cli",
            "engine",
            "fork",
            "last_event",
            "prompt",
        ]
        used = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert used <= table.size.width - table.styles.scrollbar_size_vertical
        assert "first prompt" in screen_text(app).splitlines()[2]


async def test_at_80_columns_engine_fork_and_last_event_are_dropped_first(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        table = app.table
        keys = list(_headers(table))
        for dropped in ("engine", "fork", "last_event"):
            assert dropped not in keys
        for kept in ("session", "started", "duration", "events", "warn", "alert", "prompt"):
            assert kept in keys
        used = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert used <= table.size.width - table.styles.scrollbar_size_vertical
        assert _cell(app, LIVE, "started") == "11-24 11:50"  # this year's: no year


async def test_a_wide_terminal_shows_every_column_in_full(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        assert _cell(app, LIVE, "started") == "2026-11-24 11:50"
        assert _headers(app.table)["last_event"] == "last event"
        assert _headers(app.table)["fork"] == "fork of"


# ---- the first prompt --------------------------------------------------------------------


async def test_the_first_prompt_column_shows_it_inert_and_cut_to_fit(app_factory, fixture_db):
    hostile = "> /run \x1b[31mred\x1b[0m \u202eevil " + "very long prompt " * 20
    conn = sqlite3.connect(fixture_db, isolation_level=None)
    try:  # the session's first event becomes that prompt
        conn.execute(
            "UPDATE events SET kind = 'prompt', text = ? WHERE seq = 1"
            " AND session_id = (SELECT id FROM sessions WHERE ulid = ?)",
            (hostile, LIVE),
        )
    finally:
        conn.close()
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        shown = _cell(app, LIVE, "prompt")
        assert shown.startswith("> /run \u241b[31m")
        assert "\x1b" not in shown
        assert "\u202e" not in shown
        assert shown.endswith("\u2026")
        assert cell_len(shown) <= _width(app.table, "prompt")
        assert all(
            ch not in screen_text(app) for ch in ("\x1b", "\u202e")
        )  # nothing reaches the terminal


def _session_of(db: Path, ulid: str, kinds: list[str]) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        at = APP_NOW.isoformat()
        conn.execute(
            "INSERT INTO sessions (ulid, started_at, cli_version) VALUES (?, ?, '0.4.0')",
            (ulid, at),
        )
        sid = conn.execute("SELECT id FROM sessions WHERE ulid = ?", (ulid,)).fetchone()[0]
        conn.executemany(
            "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, ?, ?)",
            [(sid, n + 1, at, kind, f"{kind} number {n + 1}") for n, kind in enumerate(kinds)],
        )
    finally:
        conn.close()


def test_the_first_prompt_is_read_once_per_session_and_only_from_its_first_events(
    fixture_db,
):
    late = ulid_at(APP_NOW, "T4RD1PR0MPT")
    early = ulid_at(APP_NOW - timedelta(seconds=1), "E4RPR0MPT")
    _session_of(fixture_db, late, ["command"] * PROMPT_WINDOW + ["prompt"])
    _session_of(fixture_db, early, ["system", "prompt", "prompt"] + ["command"] * 5_000)
    catalog = Catalog.open([fixture_db])
    try:
        statements: list[str] = []
        catalog.store(0).set_trace(statements.append)
        first = {item.session.ulid: item.first_prompt for item in catalog.list_page(0, 100)}
        assert first[early] == "prompt number 2"
        assert first[late] == ""  # beyond the first events: not looked for
        prompt_reads = [sql for sql in statements if "kind = 'prompt'" in sql]
        assert prompt_reads
        assert all("LIMIT" in sql for sql in prompt_reads)
        statements.clear()
        again = {item.session.ulid: item.first_prompt for item in catalog.list_page(0, 100)}
        assert again == first
        # Final answers are cached: only sessions too short to tell yet are asked again.
        asked = [sql for sql in statements if "kind = 'prompt'" in sql]
        assert len(asked) == _undecided(fixture_db)
    finally:
        catalog.close()


def _undecided(db: Path) -> int:
    """Sessions whose first prompt is not known for good: no prompt among fewer events than
    the window."""
    conn = sqlite3.connect(db)
    try:
        return int(
            conn.execute(
                "SELECT COUNT(*) FROM sessions s WHERE (SELECT COUNT(*) FROM events e"
                " WHERE e.session_id = s.id) < ? AND NOT EXISTS (SELECT 1 FROM events e"
                " WHERE e.session_id = s.id AND e.kind = 'prompt')",
                (PROMPT_WINDOW,),
            ).fetchone()[0]
        )
    finally:
        conn.close()


# ---- counts through the summary cache -----------------------------------------------------


def test_list_counts_come_from_the_cache_and_stay_exact_as_a_session_grows(fixture_db):
    catalog = Catalog.open([fixture_db])
    try:
        assert catalog.summary_cache() is not None
        assert catalog.summary_cache().path.parent.name == "zero-session-tui"
        with Store.open_readonly(fixture_db) as direct:
            expected = direct.list_summaries(100)
        assert [item.summary for item in catalog.list_page(0, 100)] == expected
        _append_plain(fixture_db, LIVE, ["warn", "alert", "command"])
        statements: list[str] = []
        catalog.store(0).set_trace(statements.append)
        key = next(i.key for i in catalog.list_page(0, 100) if i.session.ulid == LIVE)
        counted = [sql for sql in statements if "GROUP BY" in sql]
        assert len(counted) == 1
        assert "seq >" in counted[0]
        with Store.open_readonly(fixture_db) as direct:
            assert catalog.item(key).summary == direct.session_summary(key.session_id)
            assert [i.summary for i in catalog.list_page(0, 100)] == direct.list_summaries(100)
    finally:
        catalog.close()


def test_without_a_usable_cache_the_list_counts_from_the_database(
    fixture_db, tmp_path, monkeypatch
):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    catalog = Catalog.open([fixture_db])
    try:
        assert catalog.summary_cache() is None
        with Store.open_readonly(fixture_db) as direct:
            expected = direct.list_summaries(100)
        items = catalog.list_page(0, 100)
        assert [item.summary for item in items] == expected
        assert all(isinstance(item.first_prompt, str) for item in items)
    finally:
        catalog.close()


# ---- keys --------------------------------------------------------------------------------


async def test_fast_s_and_S_presses_each_count(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        table.focus()
        # Three presses handled before the app has seen the first request.
        for _ in range(3):
            table.action_sort(1)
        await _reloaded(pilot)
        assert (app.state.list_order.sort, app.state.list_order.descending) == ("warn", True)
        assert listed(app) == _store_order(fixture_db, sort="warn")
        table.action_sort(0)
        table.action_sort(0)
        await _reloaded(pilot)
        assert (app.state.list_order.sort, app.state.list_order.descending) == ("warn", True)
        await pilot.press("s", "s", "S")  # as typed
        await _reloaded(pilot)
        assert (app.state.list_order.sort, app.state.list_order.descending) == ("last_event", False)
        assert listed(app) == _store_order(fixture_db, sort="last_event", descending=False)


async def test_the_sorted_column_header_shows_the_direction(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        assert _headers(table)["started"] == "started \u25bc"
        table.focus()
        await pilot.press("S")
        await _reloaded(pilot)
        assert _headers(table)["started"] == "started \u25b2"
        await pilot.press("s")
        await _reloaded(pilot)
        headers = _headers(table)
        assert headers["duration"] == "duration \u25bc"
        assert headers["started"] == "started"
        assert "\u25bc" in screen_text(app).splitlines()[2]


async def test_End_and_G_reach_the_last_session_of_the_whole_list(app_factory, many_db):
    app = app_factory(many_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        assert table.row_count == 100
        assert not table.complete
        await pilot.press("G")
        await wait_until(pilot, lambda: table.complete, "the whole list")
        await settle(pilot)
        assert table.row_count == 250
        assert table.cursor_row == 249
        with Store.open_readonly(many_db) as store:
            oldest = store.query_sessions(1, where=None, descending=False)[0]
        assert table.current_item().session.ulid == oldest.ulid
        await wait_until(pilot, lambda: shown_ulid(app) == oldest.ulid, "its preview")
        numbers = [int(item.session.ulid[-4:]) for item in table.items]
        assert numbers == list(range(249, -1, -1))  # nothing twice, nothing skipped
        await pilot.press("g")
        await pilot.pause()
        assert table.cursor_row == 0
        await pilot.press("r")
        await wait_until(pilot, lambda: table.row_count == 100, "the first page again")
        await pilot.press("end")
        await wait_until(pilot, lambda: table.complete and table.cursor_row == 249, "End")


async def test_a_filter_that_matches_nothing_says_so_in_the_list(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _filter(pilot, cli="no-such-version")
        assert app.table.row_count == 0
        assert SessionTable.EMPTY_FILTERED in screen_text(app)
        await _filter(pilot, button="clear")
        assert listed(app) == NEWEST_FIRST
        assert SessionTable.EMPTY_FILTERED not in screen_text(app)


async def test_no_live_never_shows_a_live_marker(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert _cell(app, LIVE, "duration") == "open"
        assert "\u25cf live" not in screen_text(app)
    app = app_factory(fixture_db)  # followed: the same session is marked
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert _cell(app, LIVE, "duration") == "\u25cf live"


async def test_after_a_delete_the_cursor_stays_on_a_neighbour(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        table.focus()
        for row, neighbour in ((3, NEWEST_FIRST[4]), (5, NEWEST_FIRST[5])):
            table.move_cursor(row=row)
            await pilot.pause()
            doomed = table.current_item().session.ulid
            await pilot.press("d")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
            await pilot.press("y")
            await wait_for_notice(pilot, f"Session {doomed} deleted.")
            await settle(pilot)
            assert doomed not in listed(app)
            # The row below took its place (the last row: the one above).
            assert table.current_item().session.ulid == neighbour
            assert table.cursor_row == min(row, table.row_count - 1)

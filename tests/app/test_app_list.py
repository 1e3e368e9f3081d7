"""The session list: newest first, the header total, paging that never caps silently, preview
on cursor move, Enter opens, several databases in one list."""

from __future__ import annotations

from pathlib import Path

from tests.app.harness import (
    ALL_KINDS,
    FORK,
    HOSTILE,
    LIVE,
    NEWEST_FIRST,
    OPEN,
    PARENT,
    SIZE,
    build_many_sessions,
    ready,
    settle,
    shown_ulid,
    wait_until,
)
from zero_session_tui.formatting import short_ulid


def _row_text(table, row: int) -> dict[str, str]:
    """The cells of one row of the list, by column key."""
    keys = [column.key.value for column in table.ordered_columns]
    return {key: cell.plain for key, cell in zip(keys, table.get_row_at(row), strict=True)}


async def test_list_loads_newest_first_with_the_total_in_the_header(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        assert [item.session.ulid for item in table.items] == NEWEST_FIRST
        assert table.row_count == len(NEWEST_FIRST)
        assert str(table.border_title) == f"Sessions \u00b7 {len(NEWEST_FIRST)}"
        assert table.complete
        # The columns say what the issue asks: short ulid, started, duration/live/open,
        # events, warn/alert counts, cli version, engine, fork marker with the parent.
        rows = {item.session.ulid: _row_text(table, n) for n, item in enumerate(table.items)}
        first = rows[ALL_KINDS]
        assert first["session"] == short_ulid(ALL_KINDS)
        assert first["started"] == "11-20 09:00"  # this year's: no year at 120 columns
        assert first["duration"] == "2m 22s"
        assert (first["events"], first["warn"], first["alert"]) == ("16", "3", "1")
        assert (first["cli"], first["engine"]) == ("0.4.0", "engine.zero\u2026")  # cut at 120
        assert rows[LIVE]["duration"] == "\u25cf live"
        assert rows[OPEN]["duration"] == "open"
        assert rows[OPEN]["engine"] == "\u2014"  # no engine recorded
        assert rows[FORK]["fork"] == f"\u2442 {PARENT[-6:]}"  # the parent's tail at 120
        assert rows[PARENT]["fork"] == ""
        assert (rows[PARENT]["cli"], rows[PARENT]["engine"]) == ("0.3.1", "127.0.0.1:7\u2026")


async def test_an_empty_database_says_why_the_list_is_empty(app_factory, empty_db):
    app = app_factory(empty_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, preview=False)
        assert app.table.total == 0
        assert app.replay.timeline is None
        assert app.replay.note.startswith("No sessions here yet")
        assert "--demo" in app.replay.render_line(1).text


async def test_a_database_with_sessions_has_no_empty_note(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.replay.note == ""


async def test_the_cursor_starts_on_the_newest_session_and_previews_it(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.focused is app.table
        assert app.table.cursor_row == 0
        assert shown_ulid(app) == LIVE


async def test_moving_the_cursor_previews_without_leaving_the_list(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("down", "down", "down")
        assert app.table.current_item().session.ulid == HOSTILE
        await wait_until(pilot, lambda: shown_ulid(app) == HOSTILE, "the preview")
        await settle(pilot)
        assert app.focused is app.table  # a preview does not steal the focus
        assert "Replay \u00b7 " + HOSTILE in str(app.replay.border_title)
        # j and k move the list too.
        await pilot.press("j")
        await wait_until(pilot, lambda: shown_ulid(app) == FORK, "the preview after j")
        await pilot.press("k", "k")
        await wait_until(pilot, lambda: shown_ulid(app) == NEWEST_FIRST[2], "after k k")


async def test_quick_moves_end_on_the_session_where_the_cursor_rests(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(*["down"] * 6, "up", "up", "down")
        await settle(pilot)
        await wait_until(pilot, lambda: shown_ulid(app) == PARENT, "the resting session")
        await settle(pilot)
        assert app.table.current_item().session.ulid == PARENT
        assert shown_ulid(app) == PARENT
        assert app.state.shown_key == app.state.wanted_key == app.table.items[5].key


async def test_enter_opens_the_session_and_focuses_the_replay(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(*["down"] * 6, "enter")
        assert app.focused is app.replay
        await wait_until(pilot, lambda: shown_ulid(app) == ALL_KINDS, "the chosen session")
        await settle(pilot)
        replay = app.replay
        assert replay.timeline.count == 16
        assert replay.cursor == 15  # opens at the latest event
        assert str(replay.border_subtitle) == "seq 16 \u00b7 16 of 16 events"


async def test_paging_loads_more_as_the_cursor_nears_the_end(app_factory, many_db):
    app = app_factory(many_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        assert table.row_count == 100
        assert not table.complete
        assert str(table.border_title) == "Sessions \u00b7 100 of 250 loaded"
        # Moving near the end of what is loaded reads the next page, and only that page.
        table.move_cursor(row=99)  # the last loaded row (G goes to the end of everything)
        await wait_until(pilot, lambda: table.row_count > 100, "the second page")
        await settle(pilot)
        assert table.row_count == 200
        assert str(table.border_title) == "Sessions \u00b7 200 of 250 loaded"
        table.move_cursor(row=199)
        await wait_until(pilot, lambda: table.complete, "the last page")
        await settle(pilot)
        assert table.row_count == 250
        assert str(table.border_title) == "Sessions \u00b7 250"
        # Nothing skipped, nothing twice, still newest first across the pages.
        numbers = [int(item.session.ulid[-4:]) for item in table.items]
        assert numbers == list(range(249, -1, -1))


async def test_several_databases_share_one_list_with_a_partition_column(
    app_factory, fixture_db, workdir: Path
):
    other = build_many_sessions(workdir / "other" / "sessions.db", 3)
    app = app_factory(workdir / fixture_db, other)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        assert table.row_count == len(NEWEST_FIRST) + 3
        assert str(table.border_title) == f"Sessions \u00b7 {len(NEWEST_FIRST) + 3}"
        labels = [item.partition.label for item in table.items]
        assert set(labels) == {f"{workdir.name}/sessions", "other/sessions"}
        for n, label in enumerate(labels):  # the db column shows it, cut to fit when long
            shown = _row_text(table, n)["db"]
            assert shown == label or (shown.endswith("\u2026") and label.startswith(shown[:-1]))
        assert labels.count("other/sessions") == 3
        starts = [item.session.started_at for item in table.items]
        assert starts == sorted(starts, reverse=True)

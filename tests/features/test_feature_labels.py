"""Session names and tags (issue 13): R names the highlighted session (or the one the replay
shows when it has the focus), # edits its tags; the name replaces the first prompt in the
list, tags follow it; F filters by name and tag, s sorts by name (named first), / lists
named and tagged sessions (orphans too); everything lives in the browser's annotations
file, never in the client's database, and survives a restart."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

from textual.widgets import Input, OptionList

from store.annotations import Annotations
from store.session_labels import SessionLabel
from tests.app.harness import (
    ALL_KINDS,
    FORBIDDEN,
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
    shown_ulid,
    wait_until,
)
from tests.features._feature_support import listed, notices, open_and_settle, wait_for_notice
from tests.features._labels_support import ORPHAN, WIDE, key, prompt_cell, saved, seed
from zero_session_tui import locations
from zero_session_tui.screens.filter import FilterScreen
from zero_session_tui.screens.overview import OverviewScreen
from zero_session_tui.screens.prompt import PromptScreen
from zero_session_tui.screens.search import SearchScreen


def _digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


async def _answer(pilot, key: str, text: str | None) -> str:
    """Press ``key``, wait for its prompt, answer ``text`` (None: Esc); the prompt's value."""
    app = pilot.app
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), "the prompt")
    field = app.screen.query_one(Input)
    shown = field.value
    if text is None:
        await pilot.press("escape")
    else:
        field.value = text
        await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(app.screen, PromptScreen), "the answer")
    await settle(pilot)
    return shown


async def _reloaded(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.table.complete, "the list to reload")
    await settle(pilot)


async def test_R_names_the_highlighted_session_in_place_of_its_first_prompt(
    app_factory, fixture_db
):
    before = _digest(fixture_db)
    app = app_factory(fixture_db)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        app.table.focus()
        await pilot.press("down")  # OPEN
        assert app.table.current_item().session.ulid == OPEN
        assert await _answer(pilot, "R", "  nightly  rebalance ") == ""
        await wait_for_notice(pilot, f"Named {OPEN}: nightly rebalance")
        assert prompt_cell(app, OPEN) == "nightly rebalance"
        assert app.table.items[1].label == SessionLabel("nightly rebalance", ())
        assert "nightly rebalance" in screen_text(app)
    assert saved(fixture_db, OPEN) == SessionLabel("nightly rebalance", ())
    assert _digest(fixture_db) == before  # the client's database: not one byte written

    again = app_factory(fixture_db)  # a restart: the name is read with the first page
    async with again.run_test(size=WIDE) as pilot:
        await ready(pilot)
        assert prompt_cell(again, OPEN) == "nightly rebalance"
        again.table.focus()
        await pilot.press("down")
        assert await _answer(pilot, "R", None) == "nightly rebalance"  # Esc: kept
        assert saved(fixture_db, OPEN).name == "nightly rebalance"
        assert await _answer(pilot, "R", "   ") == "nightly rebalance"  # empty: removed
        await wait_for_notice(pilot, "Name removed")
        assert prompt_cell(again, OPEN) != "nightly rebalance"
    assert saved(fixture_db, OPEN) == SessionLabel()


async def test_number_sign_tags_the_session_the_focused_replay_shows(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=WIDE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        app.replay.focus()
        assert app.table.current_item().session.ulid == ALL_KINDS
        await pilot.press("home")
        assert await _answer(pilot, "number_sign", "#BTC, slow  btc") == ""
        await wait_for_notice(pilot, f"Tags of {ALL_KINDS}: #btc #slow")
        assert prompt_cell(app, ALL_KINDS).startswith("#btc #slow  ")  # before the prompt
        assert await _answer(pilot, "R", "all kinds") == ""
        assert prompt_cell(app, ALL_KINDS) == "all kinds  #btc #slow"
        assert app.replay.has_focus  # the replay still has it: R and # acted on its session
        assert await _answer(pilot, "number_sign", "slow") == "btc slow"
        assert prompt_cell(app, ALL_KINDS) == "all kinds  #slow"
    assert saved(fixture_db, ALL_KINDS) == SessionLabel("all kinds", ("slow",))


async def test_F_filters_by_tag_and_name(app_factory, fixture_db):
    seed(fixture_db, {PARENT: ("parent run", "btc"), FORK: ("", "btc eth"), LONG: ("long", "")})
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)

        async def apply(name: str, tag: str) -> None:
            app.table.focus()
            await pilot.press("F")
            await wait_until(pilot, lambda: isinstance(app.screen, FilterScreen), "the filter")
            app.screen.query_one("#name", Input).value = name
            app.screen.query_one("#tag", Input).value = tag
            await pilot.click("#apply")
            await _reloaded(pilot)

        await apply("", "#BTC")
        assert listed(app) == [FORK, PARENT]
        assert "filtered: #btc" in str(app.table.border_title)
        assert app.table.total == 2
        await apply("RUN", "btc")
        assert listed(app) == [PARENT]
        await apply("o", "")  # names containing "o": "long" (not the tags)
        assert listed(app) == [LONG]
        await apply("", "nothing-has-this")
        assert listed(app) == []
        assert app.table.total == 0
        await apply("", "")
        assert listed(app) == NEWEST_FIRST


async def test_O_over_a_tag_filter_counts_the_tagged_sessions(app_factory, fixture_db):
    seed(fixture_db, {PARENT: ("", "btc"), FORK: ("", "btc")})
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.table.focus()
        await pilot.press("F")
        await wait_until(pilot, lambda: isinstance(app.screen, FilterScreen), "the filter")
        app.screen.query_one("#tag", Input).value = "btc"
        await pilot.click("#apply")
        await _reloaded(pilot)
        await pilot.press("O")
        await wait_until(pilot, lambda: isinstance(app.screen, OverviewScreen), "the overview")
        assert sum(day.sessions for day in app.screen.overview.days) == 2


async def test_s_sorts_named_sessions_first_by_name_then_the_rest_newest_first(
    app_factory, fixture_db
):
    seed(fixture_db, {HOSTILE: ("beta", ""), PARENT: ("Alpha", ""), ALL_KINDS: ("gamma", "x")})
    rest = [ulid for ulid in NEWEST_FIRST if ulid not in (HOSTILE, PARENT, ALL_KINDS)]
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.table.focus()
        while app.state.list_order.sort != "name":
            await pilot.press("s")
            await _reloaded(pilot)
        assert app.state.list_order.descending is False  # names start A to Z
        assert listed(app) == [PARENT, HOSTILE, ALL_KINDS, *rest]
        assert "by name \u25b2" in str(app.table.border_title)
        assert app.table.total == len(NEWEST_FIRST)
        await pilot.press("S")
        await _reloaded(pilot)
        assert listed(app) == [ALL_KINDS, HOSTILE, PARENT, *rest]  # Z to A; the rest as before
        await pilot.press("home", "down", "down", "down")  # the first unnamed: LIVE
        assert app.table.current_item().session.ulid == LIVE
        await _answer(pilot, "R", "delta")  # named now: the list is sorted again
        await wait_until(pilot, lambda: listed(app)[:4] == [ALL_KINDS, LIVE, HOSTILE, PARENT], "")


async def test_slash_lists_named_and_tagged_sessions_and_orphans(app_factory, fixture_db):
    seed(fixture_db, {PARENT: ("quote desk", "btc"), FORK: ("", "quotes"), ORPHAN: ("old", "btc")})
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.table.focus()
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")
        screen = app.screen
        before = screen.results
        screen.query_one(Input).insert_text_at_cursor("#btc")
        await wait_until(pilot, lambda: screen.results is not before, "the results")
        await settle(pilot)
        options = screen.query_one(OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        named = [line for line in lines if line.startswith(("named", "tagged"))]
        assert len(named) == 2
        assert named[0].startswith("named    quote desk  #btc")
        assert "orphaned" in named[1]
        assert named[1].startswith("named    old  #btc")
        assert options.get_option_at_index(lines.index(named[1])).disabled
        assert "1 session" in str(screen.query_one("#search-status").render())
        await pilot.press("enter")  # the first hit: the named session
        await wait_until(pilot, lambda: shown_ulid(app) == PARENT, "the named session")


async def test_a_corrupt_annotations_file_is_said_once_and_the_list_still_works(
    app_factory, fixture_db
):
    path = locations.annotations_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not an sqlite file " * 200)
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert listed(app) == NEWEST_FIRST
        _, message = await wait_for_notice(pilot, "Names and tags are off")
        assert "\n" not in message
        assert str(path) in message
        assert "corrupt" in message
        app.table.focus()
        await pilot.press("s", "R")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        said = [text for _, text in notices(app) if "Names and tags are off" in text]
        assert len(said) == 2  # once on its own, once more when R asked for it
        await pilot.press("down")
        assert app.table.current_item() is not None
    assert path.read_bytes() == b"not an sqlite file " * 200  # never rewritten


def test_snapshot_named_and_tagged_list(snap_compare, app_factory, fixture_db):
    """The list with two named sessions (one tagged, bold name then its tags) and one tagged
    but unnamed (tags before its first prompt); the others show their first prompt."""
    seed(
        fixture_db,
        {
            OPEN: ("nightly rebalance", "paper btc"),
            PARENT: ("quote desk", ""),
            FORK: ("", "fork review"),
        },
    )
    app = app_factory(fixture_db, args=["--no-live"])

    async def run_before(pilot) -> None:
        await ready(pilot)
        await settle(pilot)
        named = [item.label for item in app.table.items if item.session.ulid == OPEN]
        assert named == [SessionLabel("nightly rebalance", ("btc", "paper"))]

    # Wide: at 120 the first prompt's column has 14 cells (20 at 160), and names are cut there
    # like prompts (the columns' widths are ``session_columns.fit``'s).
    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


async def test_a_hostile_name_written_by_another_program_is_shown_inert(app_factory, fixture_db):
    path = locations.annotations_file()
    Annotations.open(path).close()  # the tables
    hostile = "[@click=app.quit]x[/]\x1b[31m\u202eevil\x9b"
    with sqlite3.connect(path) as raw:  # not through clean_name: as another program might
        raw.execute(
            "INSERT INTO session_names VALUES (?, ?, ?, 'then')", (key(fixture_db), OPEN, hostile)
        )
        raw.execute(
            "INSERT INTO session_tags VALUES (?, ?, ?, 'then')", (key(fixture_db), OPEN, "\x1bt")
        )
    raw.close()
    app = app_factory(fixture_db)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        assert prompt_cell(app, OPEN).startswith(
            "[@click=app.quit]x[/]\u241b[31m\u27e8U+202E\u27e9"
        )
        text = screen_text(app)
        assert not any(char in text for char in FORBIDDEN)
        app.table.focus()
        await pilot.press("down")
        shown = await _answer(pilot, "R", None)
        assert not any(char in shown for char in FORBIDDEN)
        assert app.is_running  # the markup did not act


async def test_a_click_on_the_first_prompt_header_sorts_by_name(app_factory, fixture_db):
    seed(fixture_db, {HOSTILE: ("beta", ""), PARENT: ("Alpha", "")})
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        table.post_message(
            table.HeaderSelected(
                table, table.columns["prompt"].key, 0, table.columns["prompt"].label
            )
        )
        await wait_until(pilot, lambda: app.state.list_order.sort == "name", "the sort")
        await _reloaded(pilot)
        assert listed(app)[:2] == [PARENT, HOSTILE]
        assert str(table.columns["prompt"].label) == "name \u25b2"


async def test_R_and_number_sign_are_in_the_keys_screen_and_the_palette(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        commands = {command.title: command.help for command in app.keys.system_commands()}
        assert commands["Name the session"] == "key R"
        assert commands["Tag the session"] == "key #"  # one command, in the list and the replay
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app)
        for _page in range(6):  # the keys fill more than a screen: read it page by page
            app.screen.query_one("#help").scroll_page_down(animate=False)
            await settle(pilot)
            text += screen_text(app)
        assert "Name the session" in text
        assert re.search(r"#\s+Tag the session", text)

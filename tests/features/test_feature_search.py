"""Search: "/" on the list searches every session (ULID, version, engine, and event text through
``store``), Enter opens a hit at its seq; "/" in the replay finds in the session with
highlights, n / N step through the matches."""

from __future__ import annotations

import threading

from textual.widgets import Input, OptionList, Static

from store import Store
from tests.app.harness import (
    ALL_KINDS,
    FORK,
    HOSTILE,
    LIVE,
    PARENT,
    SIZE,
    ready,
    replay_lines,
    settle,
    shown_ulid,
    wait_until,
)
from tests.features._feature_support import notices, open_and_settle, reopened, wait_for_notice
from zero_session_tui.screens import search as search_screen
from zero_session_tui.screens.prompt import PromptScreen
from zero_session_tui.screens.search import SearchScreen


async def _search(pilot, needle: str) -> SearchScreen:
    """Search for ``needle`` from the list (in the search already open, if one is) and wait
    for its results."""
    app = pilot.app
    if not isinstance(app.screen, SearchScreen):
        app.table.focus()
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    before = screen.results
    field = screen.query_one(Input)
    field.value = ""
    # Typed in one go (a key press costs ~0.1 s under Pilot); the input sees the same edits.
    field.insert_text_at_cursor(needle)

    def done() -> bool:  # all the results, not those shown while the search streams
        return screen.results is not before and field.value == needle and not screen.searching

    await wait_until(pilot, done, f"results for {needle!r}")
    await pilot.pause()
    return screen


def _sessions(screen: SearchScreen, app) -> set[str]:
    """ULIDs of the session results."""
    found = set()
    for ident, result in screen.results.items():
        if ident.startswith("s"):
            item = app.catalog.item(result.key)
            found.add(item.session.ulid)
    return found


def _events(screen: SearchScreen, app) -> set[tuple[str, int]]:
    found = set()
    for ident, result in screen.results.items():
        if ident.startswith("e"):
            found.add((app.catalog.item(result.key).session.ulid, result.seq))
    return found


def _store_hits(db, needle: str) -> set[tuple[str, int]]:
    with Store.open_readonly(db) as store:
        return {(hit.session_ulid, hit.event.seq) for hit in store.search_events(needle, limit=50)}


async def test_slash_on_the_list_searches_ulid_version_engine_and_event_text(
    app_factory, fixture_db
):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await _search(pilot, "F0RK0001")  # part of a ULID
        assert _sessions(screen, app) == {FORK}
        assert _events(screen, app) == set()
        assert str(screen.query_one("#search-status", Static).render()) == (
            "1 session, 0 events (newest first)"
        )
        screen = await _search(pilot, "0.3.1")  # a CLI version
        assert _sessions(screen, app) == {PARENT}
        screen = await _search(pilot, "127.0.0.1")  # an engine
        assert _sessions(screen, app) == {PARENT}
        screen = await _search(pilot, "engine.zero.example")
        with Store.open_readonly(fixture_db) as store:
            expected = {s.session.ulid for s in store.search_sessions("engine.zero.example", 20)}
        assert _sessions(screen, app) == expected
        assert len(expected) == 4
        assert PARENT not in expected

        # Event text, across every session, as the store finds it.
        screen = await _search(pilot, "slippage")
        assert _events(screen, app) == _store_hits(fixture_db, "slippage")
        assert _events(screen, app) == {(ALL_KINDS, 6), (ALL_KINDS, 9), (PARENT, 6)}
        assert _sessions(screen, app) == set()
        options = screen.query_one(OptionList)
        assert options.option_count == 3
        # Hits read "session#seq date time kind text", newest first.
        first = str(options.get_option_at_index(0).prompt).split()
        assert first[0] == f"{PARENT[:4]}\u2026{PARENT[-6:]}#6"
        with Store.open_readonly(fixture_db) as store:
            parent = store.get_session_by_ulid(PARENT)
            at = next(e.at for e in store.iter_events(parent.id) if e.seq == 6)
        assert " ".join(first[1:3]) == at.strftime("%Y-%m-%d %H:%M")  # UTC in the tests
        assert first[3] == "warn"
        screen = await _search(pilot, "BTC-USD")
        assert _events(screen, app) == _store_hits(fixture_db, "BTC-USD")
        assert {ulid for ulid, _ in _events(screen, app)} == {ALL_KINDS, PARENT, FORK, LIVE}

        # Hostile text stays literal: markup is not parsed, nothing is run.
        screen = await _search(pilot, "[TODO]")
        assert _events(screen, app) == {(HOSTILE, 5)}
        prompt = str(screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert prompt.endswith("[TODO] plan")
        assert notices(app) == []

        # Escape closes the search and leaves the pane as it was.
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)
        assert shown_ulid(app) == LIVE


async def test_enter_on_an_event_hit_opens_that_session_at_that_seq(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await _search(pilot, "slippage")
        options = screen.query_one(OptionList)
        wanted = next(
            index
            for index in range(options.option_count)
            if (ident := options.get_option_at_index(index).id)
            and app.catalog.item(screen.results[ident].key).session.ulid == ALL_KINDS
            and screen.results[ident].seq == 6
        )
        options.focus()
        options.highlighted = wanted
        await pilot.press("enter")
        await wait_until(pilot, lambda: shown_ulid(app) == ALL_KINDS, "the hit's session")
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)
        assert app.replay.cursor_event_seq() == 6
        assert (
            "slippage 0.84% on BTC-USD"
            in replay_lines(app)[app.replay.cursor - app.replay.scroll_offset.y]
        )
        assert app.table.current_item().session.ulid == ALL_KINDS
        assert app.focused is app.replay


async def test_keyboard_only_enter_or_down_then_enter_opens_the_first_hit(app_factory, fixture_db):
    """One Enter in the input opens the first hit; Down then Enter does too (with nothing
    highlighted, Enter used to do nothing)."""
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for keys in (["enter"], ["down", "enter"]):
            app.replay.action_first()
            screen = await _search(pilot, "/pnl")
            assert _events(screen, app) == {(ALL_KINDS, 14)}
            await pilot.press(*keys)
            await wait_until(pilot, lambda: app.replay.cursor_event_seq() == 14, f"{keys}")
            await settle(pilot)
            assert shown_ulid(app) == ALL_KINDS
            assert not isinstance(app.screen, SearchScreen)


async def test_enter_typed_before_the_results_arrive_opens_the_first_hit(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.replay.action_first()
        app.table.focus()
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")
        app.screen.query_one(Input).insert_text_at_cursor("/pnl")
        await pilot.press("enter")  # as the search starts: no result shown yet
        await wait_until(pilot, lambda: app.replay.cursor_event_seq() == 14, "the first hit")
        assert shown_ulid(app) == ALL_KINDS
        assert not isinstance(app.screen, SearchScreen)


async def test_a_search_that_finds_nothing_says_so(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await _search(pilot, "no such text anywhere 7f3a")
        assert str(screen.query_one("#search-status", Static).render()) == "nothing found"
        await pilot.press("enter")  # nothing to open: the search stays
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)


# ---- find in the session -------------------------------------------------------------------


async def _find(pilot, needle: str) -> None:
    app = pilot.app
    await pilot.press("slash")
    await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), "the find prompt")
    field = app.screen.query_one(Input)
    field.value = ""  # the prompt offers the last needle
    field.insert_text_at_cursor(needle)
    await pilot.press("enter")
    await settle(pilot)


def _match_segments(app, seq: int) -> list[str]:
    """Texts drawn with the match style on the row of ``seq``."""
    replay = app.replay
    match = replay.get_component_rich_style("replay--match", partial=True)
    row = replay.timeline.row_of_seq(seq) - replay.scroll_offset.y
    return [
        segment.text
        for segment in replay.render_line(row)
        if segment.style is not None and segment.style.bgcolor == match.bgcolor
    ]


async def test_find_in_session_highlights_and_n_N_step_through_matches(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        replay = app.replay
        await pilot.press("home")
        await _find(pilot, "Slippage")  # case-insensitive
        assert replay.highlight == "Slippage"
        assert replay.cursor_event_seq() == 6
        # Every match on screen is highlighted, the cursor's row or not; nothing else is.
        assert _match_segments(app, 9) == ["slippage"]
        assert _match_segments(app, 6) == ["slippage"]
        assert _match_segments(app, 8) == []
        await pilot.press("n")
        await settle(pilot)
        assert replay.cursor_event_seq() == 9
        await pilot.press("n")
        await settle(pilot)
        assert replay.cursor_event_seq() == 6  # past the last match: round to the first
        await wait_for_notice(pilot, "Wrapped to the start: 'Slippage' 1 of 2")
        await pilot.press("N")
        await settle(pilot)
        assert replay.cursor_event_seq() == 9  # and back round to the last
        await wait_for_notice(pilot, "Wrapped to the end: 'Slippage' 2 of 2")
        await pilot.press("N")
        await settle(pilot)
        assert replay.cursor_event_seq() == 6
        # An empty find clears the highlight.
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), "the find prompt")
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert replay.highlight is None
        assert _match_segments(app, 9) == []


async def test_find_skips_events_of_hidden_kinds(app_factory, fixture_db):
    """With prompts hidden, "/pnl" (only in the prompt "> /pnl", seq 14) finds nothing: the
    cursor must not land on another event that does not contain it."""
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        replay = app.replay
        await pilot.press("1")
        await reopened(pilot)
        await pilot.press("home")
        await _find(pilot, "/pnl")
        await wait_for_notice(pilot, "Not found: no shown event contains '/pnl'")
        assert replay.cursor_event_seq() == 1
        # With "BTC-USD" the hidden prompt seq 4 is skipped: the first shown match is seq 5.
        await _find(pilot, "BTC-USD")
        assert replay.cursor_event_seq() == 5
        await pilot.press("n")
        await settle(pilot)
        assert replay.cursor_event_seq() == 6
        await pilot.press("N")
        await settle(pilot)
        assert replay.cursor_event_seq() == 5
        await pilot.press("N")  # before the first shown match: round to the last one
        await settle(pilot)
        assert replay.cursor_event_seq() == 8
        await wait_for_notice(pilot, "Wrapped to the end: 'BTC-USD' 3 of 3")


async def test_hits_show_while_the_search_streams_then_all_of_them(
    app_factory, fixture_db, monkeypatch
):
    """The first hit is on screen, said to be partial, before the search has finished (a scan
    of what the index does not cover streams its hits newest first); then all of them."""
    app = app_factory(fixture_db)
    release = threading.Event()
    streamed = app.catalog.stream_events

    def held_after_the_first_hit(partition: int, needle: str, limit: int):
        hits = [hit for batch in streamed(partition, needle, limit) for hit in batch]
        yield hits[:1]
        assert release.wait(10), "the test never released the stream"
        yield hits[1:]

    monkeypatch.setattr(app.catalog, "stream_events", held_after_the_first_hit)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.table.focus()
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")
        screen = app.screen
        screen.query_one(Input).insert_text_at_cursor("slippage")
        options = screen.query_one(OptionList)
        await wait_until(pilot, lambda: options.option_count == 1, "the first hit")
        status = screen.query_one("#search-status", Static)
        assert str(status.render()).startswith("0 sessions, 1 event so far (newest first)")
        assert "searching" in str(status.render())
        assert screen.searching
        assert _events(screen, app) == {(PARENT, 6)}  # the newest
        release.set()
        await wait_until(pilot, lambda: not screen.searching, "all the hits")
        await pilot.pause()
        assert _events(screen, app) == {(ALL_KINDS, 6), (ALL_KINDS, 9), (PARENT, 6)}
        assert str(status.render()).startswith("0 sessions, 3 events (newest first)")


async def test_a_key_after_a_pause_searches_at_once_a_burst_once_quiet(
    app_factory, fixture_db, monkeypatch
):
    monkeypatch.setattr(search_screen, "DEBOUNCE", 1.0)  # keys under Pilot: well within it
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.table.focus()
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")
        screen = app.screen
        field = screen.query_one(Input)
        searched: list[str] = []
        run = screen._run
        screen._run = lambda needle: (searched.append(needle), run(needle))[1]
        screen._last_key = 0.0  # long ago: this edit searches at once, no wait
        field.insert_text_at_cursor("sli")
        await pilot.pause()
        assert searched == ["sli"]
        assert screen._debounce is None
        for char in "ppage":  # a burst: each key within DEBOUNCE of the one before
            field.insert_text_at_cursor(char)
            await pilot.pause()
        assert searched == ["sli"]  # nothing yet: waiting for the burst to end
        await wait_until(pilot, lambda: searched == ["sli", "slippage"], "the burst's search")
        await wait_until(pilot, lambda: not screen.searching, "its results")
        assert _events(screen, app) == {(ALL_KINDS, 6), (ALL_KINDS, 9), (PARENT, 6)}


async def test_a_short_needle_after_a_pause_waits_for_more_keys(
    app_factory, fixture_db, monkeypatch
):
    """One or two characters have no trigram (a scan of every event): the first key of a
    needle waits for the next, as a burst's keys do."""
    monkeypatch.setattr(search_screen, "DEBOUNCE", 1.0)
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.table.focus()
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")
        screen = app.screen
        searched: list[str] = []
        run = screen._run
        screen._run = lambda needle: (searched.append(needle), run(needle))[1]
        screen._last_key = 0.0
        screen.query_one(Input).insert_text_at_cursor("sl")
        await pilot.pause()
        assert searched == []
        assert screen._debounce is not None
        await wait_until(pilot, lambda: searched == ["sl"], "the short needle, once quiet")

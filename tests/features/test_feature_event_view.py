"""The event view (Enter): next / previous event, find, g / G, show more a chunk at a time; and
the replay's keys that act on what the user is looking at: find with n / N (wrapping, "3 of
17"), copy (a worker, capped at 1 MiB), delete (the session shown when the replay has focus).
"""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import Input

from store import EventKind, Store, milestones
from store.clocks import SettableClock
from tests.app.harness import (
    ALL_KINDS,
    BIG,
    LIVE,
    LONG,
    LONG_TEXT,
    LONG_TEXT_SEQ,
    SIZE,
    add_session,
    settle,
    ulid_at,
    wait_until,
)
from tests.features._feature_support import TIMING_START, notices, open_and_settle, wait_for_notice
from zero_session_tui.controllers import copy as copy_controller
from zero_session_tui.sanitize import DETAIL_CAP
from zero_session_tui.screens.confirm import ConfirmScreen
from zero_session_tui.screens.event_detail import EventDetailScreen, chunk_end
from zero_session_tui.screens.prompt import PromptScreen
from zero_session_tui.widgets.event_text import EventText

HUGE = ulid_at(TIMING_START, "B16EVENT1")
HUGE_LINE = "0123456789 the quick brown fox jumps over the lazy dog; all checks ok " * 2
HUGE_TEXT = "\n".join(f"{n:07d} {HUGE_LINE}" for n in range(36_000))  # about 5.4 MB


def _huge_db(path: Path) -> Path:
    """One session: a short event, a 5.4 MB event of 36,000 lines, a short event."""
    clock = SettableClock(TIMING_START)
    with Store.open(path, clock=clock) as store:
        events = [(EventKind.PROMPT, "> /dump"), (EventKind.COMMAND, HUGE_TEXT)]
        add_session(store, clock, ulid=HUGE, start=TIMING_START, events=events)
        store.set_milestone(milestones.WELCOME_SHOWN, "true")
    return path


async def _expand(pilot, *keys: str) -> EventDetailScreen:
    app = pilot.app
    await pilot.press(*keys, "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the event view")
    await settle(pilot)
    return app.screen


async def _answer(pilot, needle: str, *, find_key: str = "slash") -> None:
    app = pilot.app
    await pilot.press(find_key)
    await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), "the find prompt")
    field = app.screen.query_one(Input)
    field.value = ""
    field.insert_text_at_cursor(needle)
    await pilot.press("enter")
    await settle(pilot)


def _header(screen: EventDetailScreen) -> str:
    return str(screen.query_one("#detail-header").content)


# ---- the event view ------------------------------------------------------------------------


async def test_j_and_k_show_the_next_and_previous_event_without_closing(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        screen = await _expand(pilot, "k")
        assert screen.event.seq == 15
        await pilot.press("k")
        await settle(pilot)
        assert app.screen is screen
        assert screen.event.seq == 14
        assert screen.body.plain == "> /pnl"
        assert f"{ALL_KINDS}#14 " in _header(screen)
        assert app.replay.cursor_event_seq() == 14  # the replay follows
        await pilot.press("j", "j", "j")
        await settle(pilot)
        assert screen.event.seq == 16
        await wait_for_notice(pilot, "This is the last event shown.")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, "the main screen")
        assert app.replay.cursor_event_seq() == 16


async def test_j_waits_for_a_page_not_read_yet_and_then_shows_its_event(app_factory, big_db):
    app = app_factory(big_db, args=["--session", f"{BIG}#128"])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, BIG)
        screen = await _expand(pilot)
        assert screen.event.seq == 128
        app.replay.timeline._pages.clear()  # as if the LRU had dropped every page
        await pilot.press("j")
        await wait_until(pilot, lambda: screen.event.seq == 129, "the next event's page")
        assert screen.body.plain == "event number 129"


async def test_g_and_G_go_to_the_top_and_the_bottom_of_the_text(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", f"{LONG}#{LONG_TEXT_SEQ}"])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, LONG)
        screen = await _expand(pilot)
        body = screen.body
        assert body.max_scroll_y > 0
        await pilot.press("G")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        await settle(pilot)
        assert body.scroll_y == 0


async def test_find_in_the_event_view_counts_wraps_and_shows_the_match(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", f"{LONG}#{LONG_TEXT_SEQ}"])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, LONG)
        screen = await _expand(pilot)
        first_chunk = screen.shown
        await _answer(pilot, "LINE 01500:")  # past the first chunk, case-insensitive
        await wait_until(pilot, lambda: screen.body.current_line == 1499, "the match's line")
        assert first_chunk < screen.shown < len(LONG_TEXT)  # read up to the match's chunk
        assert LONG_TEXT[screen.shown - 1] == "\n"
        assert str(screen.query_one("#detail").border_subtitle) == "'LINE 01500:' 1 of 1"
        await pilot.press("n")
        await wait_for_notice(pilot, "No more matches of 'LINE 01500:': this is the only one.")
        await _answer(pilot, "brown fox")
        await wait_until(pilot, lambda: screen.body.current_line == 0, "the first match")
        assert str(screen.query_one("#detail").border_subtitle) == "'brown fox' 1 of 2,000"
        screen.action_find_next(1)  # two presses, the second before the first has landed
        screen.action_find_next(1)
        await wait_until(pilot, lambda: screen.body.current_line == 2, "both presses")
        assert str(screen.query_one("#detail").border_subtitle) == "'brown fox' 3 of 2,000"
        screen.action_find_next(-1)
        screen.action_find_next(-1)
        await wait_until(pilot, lambda: screen.body.current_line == 0, "back to the first")
        await pilot.press("N")  # before the first: round to the last, all the text shown
        await wait_for_notice(pilot, "Wrapped around: 'brown fox' 2,000 of 2,000.")
        assert screen.body.current_line == 1999
        assert screen.body.plain == LONG_TEXT
        await _answer(pilot, "zebra")
        await wait_for_notice(pilot, "Not found: this event does not contain 'zebra'.")
        assert app.screen is screen


async def test_each_m_appends_one_chunk_ending_at_a_line(app_factory, workdir, monkeypatch):
    added: list[int] = []
    append = EventText.append

    def counting(self, lines, *, open_end):
        added.append(sum(len(line) + 1 for line in lines))
        append(self, lines, open_end=open_end)

    monkeypatch.setattr(EventText, "append", counting)
    app = app_factory(_huge_db(workdir / "huge.db"), args=["--session", f"{HUGE}#2"])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, HUGE)
        screen = await _expand(pilot)
        await pilot.press(*["m"] * 5)
        assert len(added) == 6  # the first chunk and one per press, never the text again
        assert max(added) <= DETAIL_CAP
        ends = [chunk_end(HUGE_TEXT, 0)]
        for _ in range(5):
            ends.append(chunk_end(HUGE_TEXT, ends[-1]))
        assert screen.shown == ends[-1]
        assert screen.body.plain == HUGE_TEXT[: ends[-1] - 1]  # whole lines only
        assert screen.body.lines[-1].startswith(f"{len(screen.body.lines) - 1:07d} ")


async def test_escape_is_answered_right_after_forty_m_on_a_big_event(app_factory, workdir):
    app = app_factory(_huge_db(workdir / "huge.db"), args=["--session", f"{HUGE}#2"])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, HUGE)
        screen = await _expand(pilot)
        await pilot.press(*["m"] * 40, "escape")
        await wait_until(pilot, lambda: app.screen is app.main, "the main screen")
        assert 40 * (DETAIL_CAP - 200) < screen.shown <= 41 * DETAIL_CAP


# ---- copy ----------------------------------------------------------------------------------


async def test_copy_is_capped_at_1_mib_and_the_notice_says_so(app_factory, workdir):
    app = app_factory(_huge_db(workdir / "huge.db"), args=["--session", f"{HUGE}#2"])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, HUGE)
        await pilot.press("c")
        await wait_for_notice(pilot, "only the first 1 MiB of its 5,")
        assert len(app.clipboard.encode()) == 1024 * 1024
        assert HUGE_TEXT.startswith(app.clipboard)


async def test_keys_are_answered_while_the_copy_worker_runs(app_factory, fixture_db, monkeypatch):
    release, started = threading.Event(), threading.Event()
    original = copy_controller.clipboard_text

    def slow(text: str) -> tuple[str, bool, bool]:
        started.set()
        release.wait(10)
        return original(text)

    monkeypatch.setattr(copy_controller, "clipboard_text", slow)
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("c")
        await wait_until(pilot, started.is_set, "the copy worker")
        await pilot.press("t", "home")  # answered while the copy is still running
        assert app.replay.absolute_time
        assert app.replay.cursor == 0
        assert not release.is_set()
        assert app.clipboard != "session closed by the operator"
        release.set()
        await wait_for_notice(pilot, "Copied the text of seq 16 (30 characters).")
        assert app.clipboard == "session closed by the operator"


# ---- find in the session -------------------------------------------------------------------


async def test_find_says_which_match_of_how_many_and_wraps_with_a_notice(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        replay = app.replay
        await pilot.press("home")
        await _answer(pilot, "threshold")  # seqs 6, 9 and 12
        assert replay.cursor_event_seq() == 6
        assert str(replay.border_subtitle).endswith("\u00b7 'threshold' 1 of 3")
        await pilot.press("n", "n")
        await settle(pilot)
        assert str(replay.border_subtitle).endswith("\u00b7 'threshold' 3 of 3")
        assert not [n for n in notices(app) if "Wrapped" in n[1]]
        await pilot.press("n")
        await settle(pilot)
        assert replay.cursor_event_seq() == 6
        await wait_for_notice(pilot, "Wrapped to the start: 'threshold' 1 of 3.")
        await pilot.press("down")  # the count is said only on the match
        assert "threshold" not in str(replay.border_subtitle)


async def test_n_pressed_while_a_find_runs_counts_from_where_that_one_lands(
    app_factory, fixture_db
):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        replay = app.replay
        await pilot.press("home")
        await _answer(pilot, "threshold")  # seqs 6, 9 and 12
        assert replay.cursor_event_seq() == 6
        replay.action_find_next(1)  # two presses, the second before the first has landed
        replay.action_find_next(1)
        await wait_until(pilot, lambda: replay.cursor_event_seq() == 12, "both presses")
        await settle(pilot)
        assert replay.cursor_event_seq() == 12
        assert str(replay.border_subtitle).endswith("\u00b7 'threshold' 3 of 3")


async def test_not_found_and_no_more_are_different_messages(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("home")
        await _answer(pilot, "risk limit")  # only seq 10
        assert app.replay.cursor_event_seq() == 10
        await pilot.press("n")
        await wait_for_notice(
            pilot, "No more events containing 'risk limit': this is the only one (1 of 1)."
        )
        await _answer(pilot, "no such words")
        await wait_for_notice(pilot, "Not found: no event contains 'no such words'.")
        assert app.replay.cursor_event_seq() == 10


async def test_find_counts_stop_at_the_limit_and_say_so(app_factory, big_db):
    app = app_factory(big_db, args=["--session", BIG])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, BIG)
        await _answer(pilot, "event number")  # 20,000 matches; from the last event
        await wait_for_notice(pilot, "Wrapped to the start: 'event number' 1 of 10,000+.")
        with Store.open_readonly(big_db) as store:
            sid = store.get_session_by_ulid(BIG).id
            assert store.count_matches(sid, "event number", 150, limit=100) == (100, 100)
            assert store.count_matches(sid, "event number", 150, limit=1_000) == (150, 1_000)
            assert store.count_matches(sid, "number 1999", 20_000) == (11, 11)


# ---- delete --------------------------------------------------------------------------------


async def test_d_in_the_replay_deletes_the_session_shown_not_the_list_row(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        assert app.focused is app.replay
        app.table.move_cursor(row=0)  # the list's cursor moves elsewhere, unseen (LIVE)
        await settle(pilot)
        assert app.table.current_item().session.ulid == LIVE
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert ALL_KINDS in str(app.screen.question)
        assert LIVE not in str(app.screen.question)
        await pilot.press("y")
        await wait_for_notice(pilot, f"Session {ALL_KINDS} deleted.")
        with Store.open_readonly(fixture_db) as store:
            assert store.get_session_by_ulid(ALL_KINDS) is None
            assert store.get_session_by_ulid(LIVE) is not None

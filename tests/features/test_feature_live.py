"""Live tail against a real second process appending through ``store``: the shown session grows
on its own within the poll interval and the pane follows the end ("LIVE"); scrolling up stops
following, End resumes; the list gets new sessions and fresh counts. Waits are bounded polls."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from store import SessionFilter, Store
from tests.app.harness import (
    ALL_KINDS,
    APP_NOW,
    LIVE,
    LONG,
    SIZE,
    ready,
    replay_lines,
    settle,
    shown_ulid,
    ulid_at,
    wait_until,
)
from tests.features._feature_support import listed, open_and_settle
from zero_session_tui.follow_reads import PollResult, SessionsRefreshed

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("_live_writer.py")
NEW = ulid_at(APP_NOW + timedelta(seconds=1), "NEW5E55")

LATENCY_S = 2.0
"""A commit must show within this (the app polls every 0.5 s)."""


class Writer:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def send(self, command: str) -> str:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(f"{command}\n".encode())
        await self.process.stdin.drain()
        answer = (await asyncio.wait_for(self.process.stdout.readline(), 20)).decode().strip()
        assert answer, "the writer closed its output"
        assert not answer.startswith("FAIL"), answer
        return answer


@contextlib.asynccontextmanager
async def writer(db: Path) -> AsyncIterator[Writer]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(WRITER),
        str(Path(db).resolve()),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        assert process.stdout is not None
        ready_line = await asyncio.wait_for(process.stdout.readline(), 20)
        assert ready_line.strip() == b"ready", ready_line
        yield Writer(process)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def within(pilot, condition, what: str, limit: float = LATENCY_S) -> float:
    """Poll ``condition`` every 0.1 s of app time; fail after ``limit`` seconds. Returns the
    seconds it took."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not condition():
        if loop.time() - start > limit:
            raise AssertionError(f"{what}: not within {limit} s")
        await pilot.pause(0.1)
    return loop.time() - start


def _title(app) -> str:
    return str(app.replay.border_title)


def _events_cell(app, ulid: str) -> int:
    return next(i.summary.event_count for i in app.table.items if i.session.ulid == ulid)


async def test_the_shown_session_grows_and_the_pane_follows_the_end(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", LIVE])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, LIVE)
        replay = app.replay
        assert replay.live
        assert replay.timeline.count == 5
        assert _title(app).endswith("\u00b7 \u25cf LIVE")
        async with writer(fixture_db) as live:
            assert await live.send(f"append {LIVE} 3") == "appended 8"
            took = await within(pilot, lambda: replay.rows == 8, "the pane grows to 8 events")
            assert took < LATENCY_S
            assert replay.cursor == 7
            assert replay.following
            assert replay.cursor_event_seq() == 8
            assert _title(app).endswith("\u25cf LIVE")
            assert str(replay.border_subtitle) == "seq 8 \u00b7 8 of 8 events"
            await within(pilot, lambda: _events_cell(app, LIVE) == 8, "the list's count")

            # Scrolling up stops following: new events arrive, the cursor stays put.
            await pilot.press("up", "up")
            assert replay.cursor == 5
            assert not replay.following
            assert _title(app).endswith("LIVE paused (End follows)")
            await live.send(f"append {LIVE} 2")
            await within(pilot, lambda: replay.rows == 10, "the pane grows to 10 events")
            assert replay.cursor == 5
            assert replay.cursor_event_seq() == 6
            assert _title(app).endswith("LIVE paused (End follows)")
            # End resumes following.
            await pilot.press("end")
            assert replay.cursor == 9
            assert replay.following
            assert _title(app).endswith("\u25cf LIVE")
            await live.send(f"append {LIVE} 1")
            await within(pilot, lambda: replay.rows == 11, "the pane grows to 11 events")
            assert replay.cursor == 10

            # The writer ends the session: no more LIVE marker.
            await live.send(f"end {LIVE}")
            await within(pilot, lambda: not replay.live, "the session to show as ended")
            assert "LIVE" not in _title(app)
            with Store.open_readonly(fixture_db) as store:
                assert store.count_events(store.get_session_by_ulid(LIVE).id) == 11


async def test_new_sessions_and_counts_reach_the_list(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        assert table.total == 7
        assert listed(app)[0] == LIVE
        assert str(table.border_title) == "Sessions \u00b7 7"
        async with writer(fixture_db) as live:
            await live.send(f"start {NEW}")
            took = await within(pilot, lambda: listed(app)[:1] == [NEW], "the new session")
            assert took < LATENCY_S
            assert table.total == 8
            assert str(table.border_title) == "Sessions \u00b7 8"
            assert listed(app)[1] == LIVE
            assert table.current_item().session.ulid == LIVE  # the cursor stayed on its row
            row = table.get_row_at(0)
            assert row[3].plain == "1"
            assert row[2].plain == "\u25cf live"
            await live.send(f"append {NEW} 4")
            await within(pilot, lambda: _events_cell(app, NEW) == 5, "the new session's count")
            assert table.get_row_at(0)[3].plain == "5"
            assert table.row_count == 8
            assert len(set(listed(app))) == 8


async def test_live_updates_keep_the_list_filter(app_factory, fixture_db):
    """With the list filtered to ended sessions, a new open session must not be added to it,
    and the title's total stays the filtered count."""
    app = app_factory(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.state.list_order = replace(app.state.list_order, where=SessionFilter(status="ended"))
        app.reload_sessions()
        await wait_until(pilot, lambda: app.table.complete, "the filtered list")
        # The cursor is on the first ended session, LONG: the pane previews it.
        await wait_until(pilot, lambda: shown_ulid(app) == LONG, "the preview of LONG")
        await settle(pilot)
        ended = listed(app)
        assert LIVE not in ended
        assert len(ended) == 5
        assert app.table.total == 5
        async with writer(fixture_db) as live:
            await live.send(f"start {NEW}")
            await live.send(f"append {LONG} 2")
            # The pane growing shows a poll ran; the list refresh is posted right after it.
            await within(pilot, lambda: app.replay.rows == 6, "the pane grows")
            await pilot.pause(0.2)
            await settle(pilot)
            assert listed(app) == ended
            assert app.table.total == 5
            assert str(app.table.border_title).startswith("Sessions \u00b7 5 \u00b7 filtered")


async def test_a_refresh_racing_a_reload_keeps_every_row_once(app_factory, fixture_db):
    """The poll reads the list in a worker while a reload (s, F, d) empties it: it may then
    take sessions the reload is about to list for new ones. The list must end with every
    session once (a duplicate row key used to drop the rest of the page, silently)."""
    app = app_factory(fixture_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        before = list(app.table.items)
        app.reload_sessions()
        app.call_later(
            app.follow.apply, PollResult(listed=SessionsRefreshed(before[:3], [], [], len(before)))
        )
        await wait_until(pilot, lambda: app.table.complete, "the reloaded list")
        await settle(pilot)
        assert listed(app) == [item.session.ulid for item in before]
        assert app.table.row_count == len(before) == 7
        assert ALL_KINDS in listed(app)


async def test_rows_drawn_before_a_live_session_reached_ten_events_line_up_after(
    app_factory, fixture_db
):
    """The seq column widens when the session grows past 9 (and 99) events: the rows drawn
    before it widened are drawn again at the new width, never left one column short."""
    app = app_factory(fixture_db, args=["--session", LIVE])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, LIVE)
        replay = app.replay
        before = replay_lines(app)[:5]
        async with writer(fixture_db) as live:
            await live.send(f"append {LIVE} 7")
            await within(pilot, lambda: replay.rows == 12, "the pane grows to 12 events")
            await settle(pilot)
        lines = replay_lines(app)[:12]
        starts = {line.index(line.split()[1]) for line in lines}  # where the offset begins
        assert len(starts) == 1, lines
        assert lines[0].startswith(" 1 "), lines[0]
        assert before[0].startswith("1 "), before[0]


async def test_session_opened_while_events_arrive_keeps_following(app_factory, fixture_db):
    """--session ULID on a session a writer is appending to: the count check after the first
    screen must not take the new events for seq gaps and re-show the view at the cursor (it
    stopped following two seconds in)."""
    async with writer(fixture_db) as live:
        stop = asyncio.Event()

        async def keep_appending() -> None:
            while not stop.is_set():
                await live.send(f"append {LIVE} 1")
                await asyncio.sleep(0.05)

        appending = asyncio.create_task(keep_appending())
        try:
            app = app_factory(fixture_db, args=["--session", LIVE])
            async with app.run_test(size=SIZE) as pilot:
                await wait_until(pilot, lambda: shown_ulid(app) == LIVE, "the session")
                replay = app.replay
                for _ in range(30):  # three seconds of appends, checked every 0.1 s
                    await pilot.pause(0.1)
                    assert replay.following, (replay.cursor, replay.rows)
                grown = replay.rows
                stop.set()
                await appending
                with Store.open_readonly(fixture_db) as store:
                    total = store.count_events(store.get_session_by_ulid(LIVE).id)
                await within(pilot, lambda: replay.rows == total, "every event shown", 5)
                assert replay.cursor == replay.rows - 1
                assert grown > 5
        finally:
            stop.set()
            if not appending.done():
                await appending

"""Side by side (issue 13): V opens a fork beside its parent aligned at the fork point, or asks
which session to put beside any other (m there marks it, to pick the other in the list); the
two panes scroll together (j/k, PgUp/PgDn, Home/End), Tab makes the other pane lead, a steps
through the alignments, d puts both cursors on the first difference (marked ≠), Enter shows
the event in full, Esc closes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from textual import events

from tests.app.harness import FORBIDDEN, SIZE, ready, screen_text, wait_until
from tests.features._feature_support import listed, notices, open_and_settle
from tests.features._labels_support import seed
from tests.features._side_by_side_data import (
    BASE,
    BASE_EVENTS,
    BRANCH,
    BRANCH_SAME,
    CHANGED_SEQ,
    FORK_SEQ,
    HOSTILE_SEQ,
    RERUN,
    build_side_by_side_db,
)
from zero_session_tui.alignment import Mode
from zero_session_tui.screens.event_detail import EventDetailScreen
from zero_session_tui.screens.main import MainScreen
from zero_session_tui.screens.session_picker import SessionPickerScreen
from zero_session_tui.screens.side_by_side import SideBySideScreen
from zero_session_tui.widgets.side_pane import DIFF_MARK

STILL = ["--no-live"]
NEWEST_FIRST = [RERUN, BRANCH, BASE]


@pytest.fixture(scope="module")
def _sbs_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_side_by_side_db(tmp_path_factory.mktemp("sbs") / "sbs.db")


@pytest.fixture
def sbs_db(_sbs_template: Path, workdir: Path) -> Path:
    shutil.copyfile(_sbs_template, workdir / "sbs.db")
    return Path("sbs.db")


def _screen(app) -> SideBySideScreen:
    screen = app.screen
    assert isinstance(screen, SideBySideScreen)
    return screen


def _settled(app) -> bool:
    screen = app.screen
    if not isinstance(screen, SideBySideScreen) or screen.difference is None:
        return False
    if screen.following or any(worker.is_running for worker in app.workers):
        return False
    for pane in (screen.left, screen.right):
        if pane.timeline is None or pane.pending:
            return False
        shown = range(max(0, pane.top), min(pane.rows, pane.top + pane.lines_shown))
        if any(pane.timeline.cached(row) is None for row in shown):
            return False
    return True


async def _quiet(pilot) -> SideBySideScreen:
    await wait_until(pilot, lambda: _settled(pilot.app), "the side-by-side view to settle")
    await pilot.pause()
    return _screen(pilot.app)


async def _open_fork(pilot) -> SideBySideScreen:
    await open_and_settle(pilot, BRANCH)
    await pilot.press("V")
    return await _quiet(pilot)


def _cursors(screen: SideBySideScreen) -> tuple[int, int]:
    return screen.left.cursor, screen.right.cursor


def _lines(screen: SideBySideScreen) -> tuple[int, int]:
    """The screen line of each pane's cursor: aligned rows share one."""
    return screen.left.cursor - screen.left.top, screen.right.cursor - screen.right.top


def _status(screen: SideBySideScreen) -> str:
    return str(screen.query_one("#sbs-status").render())


async def test_v_on_a_fork_opens_it_beside_its_parent_at_the_fork_point(app_factory, sbs_db):
    app = app_factory(sbs_db, args=["--session", BRANCH, *STILL])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_fork(pilot)
        assert screen.mode is Mode.FORK
        assert screen.left.timeline.session.ulid == BASE
        assert screen.right.timeline.session.ulid == BRANCH
        # The parent's first event after the fork point (seq 13, row 12) beside the fork's first.
        assert _cursors(screen) == (FORK_SEQ, 0)
        assert _lines(screen)[0] == _lines(screen)[1]
        assert screen.right.cursor_seq() == 1
        assert screen.left.cursor_seq() == FORK_SEQ + 1
        # The five events the fork repeats are equal; the sixth differs, marked in both panes.
        diff = screen.difference
        assert (diff.left_seq, diff.right_seq) == (FORK_SEQ + BRANCH_SAME + 1, BRANCH_SAME + 1)
        status = _status(screen)
        assert f"Aligned at the fork point (parent #{FORK_SEQ})" in status
        assert "first difference: parent #18 / fork #6 (5 equal before it)" in status
        text = screen_text(app)
        assert f"\u2442 forked here, after the parent's #{FORK_SEQ}" in text
        assert f"18{DIFF_MARK}" in text
        assert f" 6{DIFF_MARK}" in text
        assert "parent \u00b7 " + BASE in text
        assert "fork \u00b7 " + BRANCH in text


async def test_j_k_page_home_end_move_both_panes_row_locked(app_factory, sbs_db):
    app = app_factory(sbs_db, args=["--session", BRANCH, *STILL])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_fork(pilot)
        await pilot.press("j", "j")
        assert _cursors(screen) == (FORK_SEQ + 2, 2)
        await pilot.press("k")
        assert _cursors(screen) == (FORK_SEQ + 1, 1)
        await pilot.press("home")
        # The parent's first event; the fork has not started yet there (12 rows before it).
        assert _cursors(screen) == (0, -FORK_SEQ)
        assert screen.right.cursor_seq() is None
        assert "before its first event" in str(screen.right.border_subtitle)
        await pilot.press("pagedown")
        step = screen.left.lines_shown - 1
        assert _cursors(screen) == (step, step - FORK_SEQ)
        await pilot.press("pageup")
        assert _cursors(screen) == (0, -FORK_SEQ)
        await pilot.press("end")
        assert _cursors(screen) == (BASE_EVENTS - 1, BASE_EVENTS - 1 - FORK_SEQ)
        await _quiet(pilot)
        for _ in range(3):
            assert _lines(screen)[0] == _lines(screen)[1]
            await pilot.press("g")
        await _quiet(pilot)
        assert _lines(screen)[0] == _lines(screen)[1] == 0


async def test_tab_makes_the_other_pane_lead(app_factory, sbs_db):
    app = app_factory(sbs_db, args=["--session", BRANCH, *STILL])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_fork(pilot)
        assert app.focused is screen.left
        await pilot.press("tab")
        assert app.focused is screen.right
        await pilot.press("G")  # the fork's last event; the parent follows, row for row
        assert screen.right.cursor == screen.right.rows - 1
        assert screen.left.cursor == screen.right.cursor + FORK_SEQ
        await pilot.press("tab")
        assert app.focused is screen.left


async def test_a_steps_through_the_alignments_keeping_the_leaders_place(app_factory, sbs_db):
    app = app_factory(sbs_db, args=["--session", BRANCH, *STILL])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_fork(pilot)
        await pilot.press("j", "j", "j", "j", "j", "j", "j")  # the parent's seq 20 (09:01:40)
        assert screen.left.cursor_seq() == 20
        await pilot.press("a")
        screen = await _quiet(pilot)
        assert screen.mode is Mode.OFFSET
        assert screen.left.cursor_seq() == 20  # the leader stays
        # +01:40 from the parent's start; the fork's last event by +01:40 from its start is
        # its seq 19 (started 09:01:02, an event every 5 s): past its 15, so its last.
        assert screen.right.cursor_seq() == 15
        assert "Aligned by offset from start" in _status(screen)
        # By offset, the first pair (each session's first event) already differs.
        assert (screen.difference.left_seq, screen.difference.right_seq) == (1, 1)
        await pilot.press("a")
        screen = await _quiet(pilot)
        assert screen.mode is Mode.CLOCK
        # 09:01:40: the fork's event 7 (09:01:37) is its last at or before it.
        assert screen.right.cursor_seq() == 7
        assert _lines(screen)[0] == _lines(screen)[1]
        # By clock from the fork's first event (09:01:07): the parent's seq 14 onwards.
        assert (screen.difference.left_seq, screen.difference.right_seq) == (14, 1)
        await pilot.press("a")
        screen = await _quiet(pilot)
        assert screen.mode is Mode.FORK
        assert _cursors(screen) == (19, 19 - FORK_SEQ)


async def test_d_puts_both_cursors_on_the_first_difference(app_factory, sbs_db):
    app = app_factory(sbs_db, args=["--session", RERUN, *STILL])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, RERUN)
        await pilot.press("V")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionPickerScreen), "picker")
        picker = app.screen
        await wait_until(pilot, lambda: len(picker.items) == 2, "the other two sessions")
        assert [item.session.ulid for item in picker.items] == [BRANCH, BASE]  # not RERUN
        await pilot.press("down", "enter")
        screen = await _quiet(pilot)
        assert screen.mode is Mode.OFFSET
        assert (screen.left.timeline.session.ulid, screen.right.timeline.session.ulid) == (
            RERUN,
            BASE,
        )
        assert f"left #{CHANGED_SEQ} / right #{CHANGED_SEQ} (24 equal before it)" in _status(screen)
        await pilot.press("d")
        await _quiet(pilot)
        assert (screen.left.cursor_seq(), screen.right.cursor_seq()) == (CHANGED_SEQ,) * 2
        assert _lines(screen)[0] == _lines(screen)[1]
        text = screen_text(app)
        assert "step 25: slippage 2.10%" in text
        assert f"25{DIFF_MARK}" in text
        # The rerun's hostile event is on screen, inert: nothing raw, markup literal.
        assert screen.left.lines_shown > HOSTILE_SEQ - CHANGED_SEQ
        assert not any(char in text for char in FORBIDDEN)
        assert "[bold]x[/]" in text
        assert "\u241b[2J" in text


async def test_m_in_the_picker_marks_and_v_on_another_session_opens_the_two(app_factory, sbs_db):
    app = app_factory(sbs_db, args=STILL)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert listed(app) == NEWEST_FIRST
        await pilot.press("V")  # on RERUN, the list's first row
        await wait_until(pilot, lambda: isinstance(app.screen, SessionPickerScreen), "picker")
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the list")
        assert app.side_by_side.marked is not None
        assert any("marked: V on another session" in n for _, n in notices(app))
        await pilot.press("down", "down")  # BASE: no fork, yet the mark wins over the picker
        await pilot.press("V")
        screen = await _quiet(pilot)
        assert (screen.left.timeline.session.ulid, screen.right.timeline.session.ulid) == (
            RERUN,
            BASE,
        )
        assert app.side_by_side.marked is None
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the list again")


async def test_the_picker_shows_a_sessions_name_and_tags_as_the_list_does(app_factory, sbs_db):
    """A named session is found by its name in the picker too, not by a first prompt the
    user replaced with that name in the list."""
    seed(sbs_db, {BASE: ("nightly baseline", "ci, baseline")})
    app = app_factory(sbs_db, args=STILL)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("V")  # on RERUN: BASE is in the picker
        await wait_until(pilot, lambda: isinstance(app.screen, SessionPickerScreen), "picker")
        picker = app.screen
        await wait_until(pilot, lambda: len(picker.items) == 2, "the picker's sessions")
        await pilot.pause()
        text = screen_text(app)
        assert "nightly baseline  #baseline #ci" in text


async def test_v_on_the_marked_session_unmarks_it(app_factory, sbs_db):
    app = app_factory(sbs_db, args=STILL)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("V")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionPickerScreen), "picker")
        await pilot.press("m")
        await wait_until(pilot, lambda: app.side_by_side.marked is not None, "the mark")
        await pilot.press("V")
        await wait_until(
            pilot, lambda: any("no longer marked" in n for _, n in notices(app)), "unmarked"
        )
        assert app.side_by_side.marked is None
        assert isinstance(app.screen, MainScreen)


async def test_a_mark_and_a_fork_open_parent_left_at_the_fork_point(app_factory, sbs_db):
    app = app_factory(sbs_db, args=STILL)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("down", "down", "V")  # BASE: no fork, so the picker
        await wait_until(pilot, lambda: isinstance(app.screen, SessionPickerScreen), "picker")
        await pilot.press("m")
        await wait_until(pilot, lambda: app.side_by_side.marked is not None, "the mark")
        await pilot.press("up", "V")  # BRANCH, the fork of the marked BASE
        screen = await _quiet(pilot)
        assert screen.mode is Mode.FORK
        assert screen.left.timeline.session.ulid == BASE


async def test_enter_t_and_escape_in_the_view_and_escape_in_the_picker(app_factory, sbs_db):
    app = app_factory(sbs_db, args=["--session", BRANCH, *STILL])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_fork(pilot)
        await pilot.press("enter")  # the leading pane's event in full
        await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen), "detail")
        assert app.screen.event.seq == FORK_SEQ + 1
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back to side by side")
        await pilot.press("t")
        assert screen.left.absolute_time
        assert screen.right.absolute_time
        assert "2026-11-22 09:01:05" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        await pilot.press("tab")  # to the list: V acts on its row, RERUN (no fork)
        await pilot.press("home", "V")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionPickerScreen), "picker")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the list")
        assert app.side_by_side.marked is None


async def test_the_keys_screen_lists_the_side_by_side_keys(app_factory, sbs_db):
    app = app_factory(sbs_db, args=STILL)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        groups = dict(app.keys.help_groups())
        actions = {b.action for b in groups["Side by side (V)"]}
        assert {"align", "difference", "switch", "close", "move(1)"} <= actions
        for place in ("Session list", "Replay"):  # V in both panes
            assert any(b.action == "app.side_by_side" for b in groups[place]), place


async def test_a_parent_with_a_gap_in_its_seqs_is_shown_by_its_real_rows(app_factory, sbs_db):
    """Plain SQL left a hole at the parent's seq 20: the view opens on the bounds (rows taken
    for seqs), the difference's worker counts, finds the gap, and the panes are shown again
    with the rows read by seq; the fork point and the first difference are the same."""
    conn = sqlite3.connect(sbs_db, isolation_level=None)
    try:
        conn.execute(
            "DELETE FROM events WHERE seq = 20"
            " AND session_id = (SELECT id FROM sessions WHERE ulid = ?)",
            (BASE,),
        )
    finally:
        conn.close()
    app = app_factory(sbs_db, args=["--session", BRANCH, *STILL])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_fork(pilot)
        parent = screen.left.timeline
        assert parent.shape.verified
        assert parent.count == BASE_EVENTS - 1
        assert parent.row_of_seq(21) == 19
        assert parent.cached(19).seq == 21
        assert _cursors(screen) == (FORK_SEQ, 0)
        assert (screen.difference.left_seq, screen.difference.right_seq) == (18, 6)
        await pilot.press("G")
        assert screen.left.cursor_seq() == BASE_EVENTS


def test_snapshot_side_by_side_fork_at_its_fork_point(snap_compare, app_factory, sbs_db):
    """BRANCH beside BASE (fixed data and clock, UTC, 120x36): the parent's seq 13 beside the
    fork's first event, the ⑂ line where it forked, ≠ on parent #18 / fork #6, the status
    line naming the alignment and the difference."""
    app = app_factory(sbs_db, args=["--session", BRANCH, *STILL])

    async def run_before(pilot) -> None:
        await _open_fork(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_a_click_leads_from_that_pane_and_the_wheel_moves_both(app_factory, sbs_db):
    app = app_factory(sbs_db, args=["--session", BRANCH, *STILL])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_fork(pilot)
        top = screen.right.top
        assert top < 0  # the fork starts lower down, beside the parent's seq 13
        await pilot.click("#sbs-right", offset=(10, 15))  # the border is row 0: line 14
        assert app.focused is screen.right
        assert screen.right.cursor == top + 14
        assert screen.left.cursor == screen.right.cursor + FORK_SEQ
        # The wheel (Pilot has no scroll): the event the driver would send over the pane.
        wheel = events.MouseScrollDown(screen.right, 10, 15, 0, 1, 0, False, False, False)
        screen.right.post_message(wheel)
        await pilot.pause()
        assert screen.right.cursor == top + 17
        assert screen.left.cursor == screen.right.cursor + FORK_SEQ
        await pilot.click("#sbs-right", offset=(10, 1))  # a blank row before the fork starts
        assert screen.right.cursor == 0  # its first event
        assert screen.left.cursor == screen.right.cursor + FORK_SEQ

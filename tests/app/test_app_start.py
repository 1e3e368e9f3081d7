"""Start-up as a user types it: ``--session`` in any case, as the list's short form or a ULID's
tail, beyond the list's first page; and keys typed before the list is on screen, kept."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.app.harness import SIZE, record_notifications, settle, shown_ulid, wait_until
from zero_session_tui.catalog import SessionPager
from zero_session_tui.formatting import short_ulid
from zero_session_tui.screens.search import SearchScreen


def _ulids(app) -> list[str]:
    return [item.session.ulid for item in app.table.items]


async def _opened(pilot, app) -> str:
    await wait_until(pilot, lambda: shown_ulid(app) is not None, "the session asked for")
    await settle(pilot)
    await pilot.pause(0.6)  # longer than the preview delay: nothing may replace it
    await settle(pilot)
    return str(shown_ulid(app))


def _oldest_ulid(many_db: Path) -> str:
    from store import Store

    with Store.open_readonly(many_db) as store:
        rows = store.list_sessions(1000)
    return min(rows, key=lambda row: row.started_at).ulid


@pytest.mark.parametrize("form", ["lower", "short", "tail", "ellipsis"])
async def test_session_accepts_lowercase_short_and_tail_forms_beyond_the_first_page(
    app_factory, many_db: Path, form: str
):
    ulid = _oldest_ulid(many_db)  # row 250 of 250: not in the first page of 100
    typed = {
        "lower": ulid.lower(),
        "short": short_ulid(ulid),
        "tail": ulid[-8:].lower(),
        "ellipsis": f"{ulid[:4]}...{ulid[-6:]}",
    }[form]
    app = app_factory(many_db, args=["--no-live", "--session", typed])
    async with app.run_test(size=SIZE) as pilot:
        assert await _opened(pilot, app) == ulid
        assert ulid not in _ulids(app)[:100]
        assert app.focused is app.replay


async def test_a_short_ulid_that_several_sessions_share_is_refused_in_one_line(
    app_factory, many_db: Path
):
    app = app_factory(many_db, args=["--no-live", "--session", "01M6"])
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: bool(seen), "the notice")
        await settle(pilot)
        message = str(seen[0]["message"])
        assert "more than one session" in message
        assert "\n" not in message
        # Nothing opened at random: the list's own first row is previewed, as without --session.
        await wait_until(pilot, lambda: shown_ulid(app) == _ulids(app)[0], "the first row")


async def test_keys_typed_before_the_list_is_shown_are_kept_in_order(
    app_factory, many_db: Path, monkeypatch: pytest.MonkeyPatch
):
    release = threading.Event()
    next_page = SessionPager.next_page

    def held_page(self):
        release.wait(10)
        return next_page(self)

    monkeypatch.setattr(SessionPager, "next_page", held_page)
    app = app_factory(many_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "enter")
        assert app.table.row_count == 0  # typed while the list was still loading
        release.set()
        await wait_until(pilot, lambda: app.table.row_count > 0, "the first page")
        third = _ulids(app)[3]
        await wait_until(pilot, lambda: shown_ulid(app) == third, "the session under j j j")
        await settle(pilot)
        assert app.table.cursor_row == 3
        assert app.focused is app.replay  # Enter opened it


async def test_a_held_app_key_acts_when_the_screen_itself_replays_it(app_factory, many_db: Path):
    """On a warm start the first page is shown from the screen's own mount, so the held keys
    are replayed from the screen's context; a key made there had the screen as its sender,
    stopped bubbling below the app, and an app binding like / was lost (seen in tmux: a /
    typed at the first frame opened nothing, 2 launches in 4)."""
    app = app_factory(many_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.table.row_count > 0, "the first page")
        await settle(pilot)
        screen = app.main
        screen.starting = True  # as before the first page: keys are held
        await pilot.press("slash")
        assert app.screen is screen
        screen.call_later(screen.started)  # replayed from the screen's own context
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")


async def test_quit_typed_during_start_up_quits_at_once(
    app_factory, many_db: Path, monkeypatch: pytest.MonkeyPatch
):
    release = threading.Event()
    next_page = SessionPager.next_page

    def held_page(self):
        release.wait(10)
        return next_page(self)

    monkeypatch.setattr(SessionPager, "next_page", held_page)
    app = app_factory(many_db, args=["--no-live"])
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("q")
            await wait_until(pilot, lambda: not app.is_running, "the app to quit")
    finally:
        release.set()

"""Hostile database text is shown inert: never parsed as markup, never an action, and no
control, escape, bidi or zero-width character reaches the screen raw."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from store import EventKind, Store
from store.clocks import SettableClock
from tests.app.harness import (
    FORBIDDEN,
    HOSTILE,
    HOSTILE_TEXTS,
    SIZE,
    add_session,
    ready,
    replay_lines,
    screen_text,
    shown_ulid,
    wait_until,
)
from zero_session_tui.screens.event_detail import EventDetailScreen
from zero_session_tui.widgets.replay import ReplayView

CRAFTED_START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

# What each hostile text looks like once inert (a visible stand-in for each character).
SHOWN = [
    "markup: [bold]x[/] stays literal",
    "action: [@click=app.quit]click me[/] does nothing",
    "[/b] plan",
    "[TODO] plan",
    "CSI: \u241b[2J\u241b[H cleared? \u241b[31mred\u241b[0m done",
    "OSC 8: \u241b]8;;https://evil.example\u241b\\innocent\u241b]8;;\u241b\\ link",
    "OSC title: \u241b]0;pwned title\u2407 after",
    "C0: NUL\u2400 BEL\u2407 BS\u2408 VT\u240b FF\u240c CR\u240d DEL\u2421 end",
    "C1: 8-bit CSI \u27e89B\u27e931m NEL\u27e885\u27e9 end",
    "bidi: user\u27e8U+202E\u27e9gnp.exe\u27e8U+202C\u27e9 zero\u27e8U+200B\u27e9width"
    " \u27e8U+FEFF\u27e9bom \u27e8U+2066\u27e9isolate\u27e8U+2069\u27e9",
]

WIDE = (200, 36)


def _assert_clean(text: str) -> None:
    raw = sorted({f"U+{ord(ch):04X}" for ch in text if ch in FORBIDDEN})
    assert not raw, f"raw characters on screen: {raw}"


async def _open_hostile(pilot) -> ReplayView:
    app = pilot.app
    await wait_until(pilot, lambda: shown_ulid(app) == HOSTILE, "the hostile session")
    await ready(pilot)
    return app.replay


async def test_hostile_event_text_is_shown_literally_and_inert(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", HOSTILE])
    async with app.run_test(size=SIZE) as pilot:
        await _open_hostile(pilot)
        lines = replay_lines(app)
        for line in lines:
            _assert_clean(line)
        bodies = [line.split(" system ", 1)[1].strip() for line in lines if " system " in line]
        assert bodies == SHOWN
        _assert_clean(screen_text(app))
        _assert_clean(app.export_screenshot())  # what a snapshot stores


async def test_hostile_session_columns_are_inert_in_the_list(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=WIDE) as pilot:  # wide: every cell whole (120 cuts them)
        await ready(pilot)
        table = app.table
        row = next(n for n, item in enumerate(table.items) if item.session.ulid == HOSTILE)
        keys = [column.key.value for column in table.ordered_columns]
        cells = dict(zip(keys, table.get_row_at(row), strict=True))
        assert cells["cli"].plain == "[/b]\u27e89B\u27e9\u27e8U+202E\u27e9"
        assert cells["engine"].plain == "[@click=app.quit]\u241b"
        _assert_clean(screen_text(app))


async def test_clicking_markup_like_text_runs_nothing(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", HOSTILE])
    async with app.run_test(size=WIDE) as pilot:  # wide: the engine cell whole
        replay = await _open_hostile(pilot)
        row = next(n for n, line in enumerate(replay_lines(app)) if "[@click=" in line)
        column = replay_lines(app)[row].index("click me")
        await pilot.click(ReplayView, offset=(1 + column, 1 + row))
        await pilot.pause()
        assert app.return_code is None  # "[@click=app.quit]" did not quit
        assert replay.cursor == row
        # The same text in the list's engine column, clicked where it is drawn.
        screen_lines = screen_text(app).splitlines()
        y = next(n for n, line in enumerate(screen_lines) if "[@click=app.quit]\u241b" in line)
        x = screen_lines[y].index("[@click=app.quit]\u241b") + 3
        await pilot.click(offset=(x, y))
        await pilot.pause()
        assert app.return_code is None
        assert app.table.current_item().session.ulid == HOSTILE  # the click chose the row


@pytest.mark.parametrize("index", [1, 5, 8, 9])
async def test_the_full_event_view_is_inert_too(app_factory, fixture_db, index):
    seq = index + 2  # seq 1 is the prompt, the hostile texts follow
    app = app_factory(fixture_db, args=["--session", f"{HOSTILE}#{seq}"])
    async with app.run_test(size=SIZE) as pilot:
        replay = await _open_hostile(pilot)
        assert replay.cursor == seq - 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the modal")
        body = app.screen.body.plain
        assert body == SHOWN[index]
        assert app.screen.event.text == HOSTILE_TEXTS[index]  # the data itself is untouched
        _assert_clean(screen_text(app))
        assert app.return_code is None


async def test_a_hostile_session_id_cannot_break_the_titles(app_factory, workdir: Path):
    """A crafted database: the ulid and parent are markup and escapes, not a ULID."""
    path = workdir / "crafted.db"
    clock = SettableClock(CRAFTED_START)
    ulid = "[/b][@click=app.quit]x\x1b[31m\u202e"
    with Store.open(path, clock=clock) as store:
        add_session(
            store,
            clock,
            ulid=ulid,
            start=CRAFTED_START,
            events=[(EventKind.SYSTEM, "one"), (EventKind.WARN, "two")],
            parent="[TODO]\x1b]0;t\x07",
        )
        store.set_milestone("welcome_shown", "true")
    app = app_factory(Path("crafted.db"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: shown_ulid(app) == ulid, "the crafted session")
        await ready(pilot)
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the modal")
        text = screen_text(app)
        _assert_clean(text)
        assert "[/b][@click=app.quit]x\u241b[31m\u27e8U+202E\u27e9#2" in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, "the main screen")
        text = screen_text(app)
        _assert_clean(text)
        assert "Replay \u00b7 [/b][@click=app.quit]x\u241b[31m" in text
        assert app.return_code is None

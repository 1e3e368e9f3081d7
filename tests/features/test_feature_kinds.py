"""Kind filters: keys 1-6 toggle the six kinds; the pane shows only the kinds on, the bar shows
every kind's count (struck through when off), and the cursor keeps its place."""

from __future__ import annotations

from collections import Counter

from tests.app.harness import (
    ALL_KINDS,
    ALL_KINDS_EVENTS,
    PARENT,
    SIZE,
    replay_lines,
    show_session,
)
from tests.features._feature_support import bar_text, open_and_settle, reopened

KEYS = {"prompt": "1", "command": "2", "system": "3", "warn": "4", "alert": "5", "mode_change": "6"}
SEQ_KIND = {seq: kind.value for seq, (kind, _) in enumerate(ALL_KINDS_EVENTS, start=1)}


def _shown(app) -> list[tuple[int, str]]:
    """(seq, kind) of every row on screen."""
    rows = []
    for line in replay_lines(app):
        parts = line.split()
        if parts:
            rows.append((int(parts[0]), parts[3]))
    return rows


def _struck(app) -> set[str]:
    """Kinds the bar shows struck through (off)."""
    return {
        segment.text.split()[1]
        for segment in app.bar.render_line(0)
        if segment.style is not None and segment.style.strike
    }


async def _toggle(pilot, *kinds: str) -> None:
    for kind in kinds:
        await pilot.press(KEYS[kind])
        await reopened(pilot)


async def test_a_kind_key_hides_that_kind_and_shows_it_again(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        # The bar counts every kind of the session, each with its key.
        counts = Counter(kind.value for kind, _ in ALL_KINDS_EVENTS)
        expected = "  ".join(
            f"{KEYS[kind]} {glyph} {kind} {counts[kind]}"
            for kind, glyph in [
                ("prompt", "\u276f"),
                ("command", "\u25c6"),
                ("system", "\u2022"),
                ("warn", "\u25b2"),
                ("alert", "\u25a0"),
                ("mode_change", "\u21c4"),
            ]
        )
        assert bar_text(app).endswith(expected)
        assert _struck(app) == set()
        everything = _shown(app)
        assert everything == list(SEQ_KIND.items())
        counts_before = bar_text(app).split("   ", 1)[1]
        await _toggle(pilot, "system")
        assert app.state.kinds == frozenset(KEYS) - {"system"}
        shown = _shown(app)
        assert shown == [(seq, kind) for seq, kind in SEQ_KIND.items() if kind != "system"]
        assert app.replay.timeline.count == 13
        assert str(app.replay.border_subtitle).endswith("of 13 events")
        # The counts stay the session's; the hidden kind is struck through.
        assert bar_text(app).split("   ", 1)[1] == counts_before
        assert _struck(app) == {"system"}
        await _toggle(pilot, "system")
        assert app.state.kinds is None
        assert _shown(app) == everything
        assert _struck(app) == set()


async def test_only_the_kinds_left_on_are_shown(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await _toggle(pilot, "prompt", "command", "system", "mode_change")
        assert app.state.kinds == frozenset({"warn", "alert"})
        assert _shown(app) == [(6, "warn"), (9, "warn"), (10, "alert"), (12, "warn")]
        assert _struck(app) == {"prompt", "command", "system", "mode_change"}
        await _toggle(pilot, "warn", "alert")  # nothing left
        assert app.state.kinds == frozenset()
        assert _shown(app) == []
        assert str(app.replay.border_subtitle) == "no events shown"
        await _toggle(pilot, "alert")
        assert _shown(app) == [(10, "alert")]


async def test_toggling_keeps_the_place(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        replay = app.replay
        await pilot.press("home", *["down"] * 7)  # seq 8, a command
        assert replay.cursor_event_seq() == 8
        await _toggle(pilot, "system")
        assert replay.cursor_event_seq() == 8
        await _toggle(pilot, "warn")
        assert replay.cursor_event_seq() == 8
        # On an event of the kind being hidden: the next event shown takes its place.
        await pilot.press("down")  # seq 10 (seq 9 is a hidden warning)
        assert replay.cursor_event_seq() == 10
        await _toggle(pilot, "alert")
        assert replay.cursor_event_seq() == 13
        await _toggle(pilot, "alert", "warn", "system")
        assert app.state.kinds is None
        assert replay.cursor_event_seq() == 13


async def test_the_filter_stays_on_when_browsing_to_another_session(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await _toggle(pilot, "prompt", "command")
        app.table.focus()
        await show_session(pilot, PARENT)
        assert app.replay.timeline.kinds == frozenset({"system", "warn", "alert", "mode_change"})
        # PARENT has ALL_KINDS_EVENTS[:6]: system, prompt, command, prompt, command, warn.
        assert _shown(app) == [(1, "system"), (6, "warn")]
        assert bar_text(app).endswith(
            "1 \u276f prompt 2  2 \u25c6 command 2  3 \u2022 system 1  4 \u25b2 warn 1  "
            "5 \u25a0 alert 0  6 \u21c4 mode_change 0"
        )
        assert _struck(app) == {"prompt", "command"}

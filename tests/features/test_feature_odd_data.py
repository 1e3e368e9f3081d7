"""Odd data written by plain SQL (issue 10), shown and exported right: seqs <= 0 in every
reader, dates at the ends of the calendar east and west of UTC, starts in SQLite's own format,
a BLOB in the text column, emoji, and text made of combining marks.

One parametrised test over one database made with plain ``sqlite3`` (the schema of
``store/schema.py``, rows inserted by raw SQL). Each case runs the app as ``main`` builds it,
in the system time zone (``TZ`` set per case, ``tz=None``), and looks at the screen or the
files the app wrote.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual.widgets import Input

from store.schema import TABLES_SQL
from tests.app.harness import SIZE, app_clock, replay_lines, screen_text, wait_until
from tests.features._feature_support import listed, open_and_settle, wait_for_notice
from zero_session_tui.__main__ import make_app
from zero_session_tui.catalog import Catalog
from zero_session_tui.cli import parse_args
from zero_session_tui.screens.event_detail import EventDetailScreen
from zero_session_tui.screens.filter import FilterScreen
from zero_session_tui.screens.wrap import WrapScreen

NEGATIVE = "01KY00000000000000000NEG01"
MIXED = "01KY00000000000000000MIX01"
Y9999 = "01KY0000000000000000Y99990"
Y0001 = "01KY0000000000000000Y00010"
SQLITE_FORMAT = "01KY0000000000000000SQLFMT"
BLOB = "01KY000000000000000000B10B"
EMOJI = "01KY0000000000000000EM0J10"
MARKS = "01KY0000000000000000MARKS1"

DEAD_BEEF = bytes.fromhex("deadbeef00112233445566ff")
WARNING = "\u26a0\ufe0f"  # ⚠️
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # 👨‍👩‍👧
EMOJI_TEXT = f"{WARNING} careful {FAMILY} kin; a\u200db \ufe0fstart \u202eevil\u202c end"
MARKS_TEXT = "x" + "\u0301" * 600 + " tail"

EAST, WEST = "Australia/Sydney", "America/New_York"


def _stamp(second: int) -> str:
    return f"2026-11-20T08:00:{second:02d}+00:00"


def build_odd_db(path: Path) -> Path:
    """Every odd session, written with plain sqlite3 and raw SQL."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript(TABLES_SQL)
        sessions = [
            (1, NEGATIVE, _stamp(0), _stamp(59)),
            (2, MIXED, _stamp(0), _stamp(59)),
            (3, Y9999, "9999-12-31T23:30:00+00:00", "9999-12-31T23:45:00+00:00"),
            (4, Y0001, "0001-01-01T00:30:00+00:00", "0001-01-01T00:45:00+00:00"),
            (5, SQLITE_FORMAT, "2026-11-25 08:00:00", "2026-11-25 09:00:00.250"),
            (6, BLOB, "2026-11-21T08:00:00+00:00", "2026-11-21T09:00:00+00:00"),
            (7, EMOJI, "2026-11-22T08:00:00+00:00", "2026-11-22T09:00:00+00:00"),
            (8, MARKS, "2026-11-23T08:00:00+00:00", "2026-11-23T09:00:00+00:00"),
        ]
        conn.executemany(
            "INSERT INTO sessions (id, ulid, started_at, ended_at, engine_base_url, cli_version)"
            " VALUES (?, ?, ?, ?, 'https://e.example/v1', '0.4.0')",
            sessions,
        )
        events: list[tuple[int, int, str, str, object]] = [
            (1, -3, _stamp(1), "prompt", "> /status at seq -3"),
            (1, -2, _stamp(2), "system", "seq -2"),
            (1, -1, _stamp(3), "warn", "seq -1"),
            (2, 2, _stamp(6), "system", "seq 2"),
            (2, -2, _stamp(3), "system", "seq -2"),
            (2, 0, _stamp(4), "prompt", "> /pnl at seq 0"),
            (2, 1, _stamp(5), "command", "seq 1"),
            (3, 1, "9999-12-31T23:31:00+00:00", "system", "far future"),
            (4, 1, "0001-01-01T00:31:00+00:00", "system", "year one"),
            (5, 1, "2026-11-25 08:00:05.5", "system", "sqlite stamp with a fraction"),
            (5, 2, "2026-11-25T08:01:00", "system", "T without a zone"),
            (5, 3, "not a time", "system", "really not a time"),
            (6, 1, "2026-11-21T08:00:01+00:00", "command", DEAD_BEEF),
            (7, 1, "2026-11-22T08:00:01+00:00", "warn", EMOJI_TEXT),
            (8, 1, "2026-11-23T08:00:01+00:00", "system", MARKS_TEXT),
        ]
        conn.executemany(
            "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, ?, ?)", events
        )
        conn.execute(
            "INSERT INTO milestones (key, value, at) VALUES ('welcome_shown', 'true', ?)",
            (_stamp(0),),
        )
        conn.commit()
    finally:
        conn.close()
    return path


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``zone("Australia/Sydney")``: the process's time zone for this test."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


# ---- what each case checks ------------------------------------------------------------------


async def _export(pilot: Any, key: str, zero_home: Path, ulid: str, suffix: str) -> str:
    await pilot.press(key)
    await wait_for_notice(pilot, f".{suffix}")
    return (zero_home / "exports" / f"{ulid}.{suffix}").read_text(encoding="utf-8")


async def _wrap_total(pilot: Any) -> int:
    app = pilot.app
    await pilot.press("w")
    await wait_until(pilot, lambda: isinstance(app.screen, WrapScreen), "the wrap report")
    total = app.screen.report.total_events
    await pilot.press("escape")
    return int(total)


async def _every_reader_covers(pilot: Any, zero_home: Path, ulid: str, seqs: list[int]) -> None:
    rows = [line.split()[0] for line in replay_lines(pilot.app) if line.strip()]
    assert rows == [str(seq) for seq in seqs]
    records = [
        json.loads(line)
        for line in (await _export(pilot, "E", zero_home, ulid, "jsonl")).splitlines()
    ]
    assert [record["seq"] for record in records] == seqs
    markdown = await _export(pilot, "e", zero_home, ulid, "md")
    assert f"- events: {len(seqs)}" in markdown
    assert [
        int(line.split()[1]) for line in markdown.splitlines() if line.startswith("### ")
    ] == seqs
    assert await _wrap_total(pilot) == len(seqs)


async def only_negative_seqs(pilot: Any, zero_home: Path) -> None:
    await _every_reader_covers(pilot, zero_home, NEGATIVE, [-3, -2, -1])


async def mixed_seqs(pilot: Any, zero_home: Path) -> None:
    await _every_reader_covers(pilot, zero_home, MIXED, [-2, 0, 1, 2])


async def year_9999_east(pilot: Any, zero_home: Path) -> None:
    text = screen_text(pilot.app)
    assert "10000-01-01 10:30" in text  # 9999-12-31 23:30 UTC is New Year's Day in Sydney
    assert Y9999 in listed(pilot.app)


async def year_1_west_sorted_ascending(pilot: Any, zero_home: Path) -> None:
    app = pilot.app
    assert Y0001 in listed(app)
    app.table.focus()
    await pilot.press("S")
    await wait_until(pilot, lambda: app.table.descending is False, "the ascending sort")
    await wait_until(pilot, lambda: listed(app)[:1] == [Y0001], "year 1 first")
    assert len(listed(app)) == 8
    assert "0000-12-31 19:33" in screen_text(app)  # local mean time of New York then


async def _filter_to(pilot: Any, day: str) -> None:
    app = pilot.app
    app.table.focus()
    await pilot.press("F")
    await wait_until(pilot, lambda: isinstance(app.screen, FilterScreen), "the filter dialog")
    app.screen.query_one("#to", Input).insert_text_at_cursor(day)
    await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(app.screen, FilterScreen), "the filter")


async def filter_up_to_9999_west(pilot: Any, zero_home: Path) -> None:
    await _filter_to(pilot, "9999-12-31")
    # The day after 9999-12-31 starts beyond every stamp: every session is on or before it.
    await wait_until(pilot, lambda: len(listed(pilot.app)) == 8, "every session")


async def filter_up_to_9999_east(pilot: Any, zero_home: Path) -> None:
    app = pilot.app
    await _filter_to(pilot, "9999-12-31")
    # In Sydney the year-9999 session started on 10000-01-01: it is the one left out.
    await wait_until(pilot, lambda: len(listed(app)) == 7, "all but one session")
    assert Y9999 not in listed(app)
    await pilot.press("F")  # the dialog shows the day it was given back
    await wait_until(pilot, lambda: isinstance(app.screen, FilterScreen), "the dialog")
    assert app.screen.query_one("#to", Input).value == "9999-12-31"
    await pilot.press("escape")


async def sqlite_format_start(pilot: Any, zero_home: Path) -> None:
    lines = [line for line in replay_lines(pilot.app) if line.strip()]
    assert lines[0].split()[1] == "+00:05.5"
    assert lines[1].split()[1] == "+01:00.0"
    assert lines[2].split()[1] == "?"  # "not a time" stays unknown
    assert "2026-11-25 08:00" in screen_text(pilot.app)


async def blob_text(pilot: Any, zero_home: Path) -> None:
    shown = "\u27e812 bytes: de ad be ef 00 11 22 33 44 55 66 ff\u27e9"
    assert any(shown in line for line in replay_lines(pilot.app))
    app = pilot.app
    app.replay.focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the event view")
    assert shown in screen_text(app)
    assert "\\xde" not in screen_text(app)
    await pilot.press("escape")
    markdown = await _export(pilot, "e", zero_home, BLOB, "md")
    assert shown in markdown
    assert "b'" not in markdown
    (record,) = [
        json.loads(line)
        for line in (await _export(pilot, "E", zero_home, BLOB, "jsonl")).splitlines()
    ]
    assert record["text"] == shown
    assert bytes.fromhex(record["text_blob"]) == DEAD_BEEF


async def emoji(pilot: Any, zero_home: Path) -> None:
    app = pilot.app
    lines = replay_lines(app)
    (line,) = [line for line in lines if "careful" in line]
    assert f"{WARNING} careful {FAMILY} kin" in line
    assert (
        "a\u27e8U+200D\u27e9b \u27e8U+FE0F\u27e9start \u27e8U+202E\u27e9evil\u27e8U+202C\u27e9"
        in line
    )
    width = app.replay.scrollable_content_region.width
    assert all(cell_len(row) == width for row in lines)  # every row fills the pane exactly


async def combining_marks(pilot: Any, zero_home: Path) -> None:
    (line,) = [line for line in replay_lines(pilot.app) if line.strip()]
    assert line.rstrip().endswith("\u2026")
    assert "tail" not in line


Check = Callable[[Any, Path], Awaitable[None]]

CASES: dict[str, tuple[str, str, Check]] = {
    "a session of only negative seqs: replay, Markdown, JSON Lines, wrap": (
        NEGATIVE,
        "UTC",
        only_negative_seqs,
    ),
    "negative, zero and positive seqs in seq order everywhere": (MIXED, "UTC", mixed_seqs),
    "year 9999 east of UTC starts and shows 10000-01-01": (Y9999, EAST, year_9999_east),
    "year 1 west of UTC stays listed, first when ascending": (
        Y0001,
        WEST,
        year_1_west_sorted_ascending,
    ),
    "filter on or before 9999-12-31 west of UTC": (Y0001, WEST, filter_up_to_9999_west),
    "filter on or before 9999-12-31 east of UTC": (Y9999, EAST, filter_up_to_9999_east),
    "a start in SQLite's own format has offsets": (SQLITE_FORMAT, "UTC", sqlite_format_start),
    "a BLOB text shows as bytes in rows, the event view and exports": (BLOB, "UTC", blob_text),
    "emoji kept, joiners and selectors elsewhere shown as codes": (EMOJI, "UTC", emoji),
    "combining marks cut with an ellipsis": (MARKS, "UTC", combining_marks),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_odd_data_is_shown_and_exported_right(
    case: str, workdir: Path, zero_home: Path, zone: Callable[[str], None]
) -> None:
    ulid, tz_name, check = CASES[case]
    zone(tz_name)
    db = build_odd_db(workdir / "odd.db")
    options = parse_args(["--db", str(db), "--session", ulid, "--no-live"])
    catalog = Catalog.open(options.databases)
    try:
        app = make_app(options, catalog, clock=app_clock, tz=None)  # the system's zone
        async with app.run_test(size=SIZE) as pilot:
            await open_and_settle(pilot, ulid)
            await check(pilot, zero_home)
            assert app.return_code is None, "the app stopped"
    finally:
        catalog.close()

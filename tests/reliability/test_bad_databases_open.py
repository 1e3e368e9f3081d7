"""Area 4, bad databases that must open: each shown inertly, never a crash, and the file's
bytes unchanged after browsing (browsed in-process by Pilot through ``make_app``, as ``main``
builds the app). The files that must fail are in ``test_bad_databases.py``."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from _reliability import (
    add_events,
    add_session,
    fingerprint,
    lines_of,
    notifications,
    replay_loaded,
    run_app,
    screen_text,
    sql_db,
    stamp,
    wait_until,
)

AREA = "bad-databases"
HUGE = 10 * 1024 * 1024  # characters in one event


# ---- files that must open and show inertly -----------------------------------------------


@dataclass
class Seen:
    table: list[str]
    relative: list[str]
    absolute: list[str]
    detail: str
    width: int
    errors: list[str]
    detail_seconds: float


def _detail_text(app) -> str:
    """What the event view holds: the drawn screen and the full content of its texts."""
    from textual.widgets import Static

    contents = [str(static.content) for static in app.screen.query(Static)]
    return "\n".join([screen_text(app), *contents])


def _browse(detail_row: int) -> Callable:
    """Open the session, read the list and the replay (relative and clock times), open the
    event at ``detail_row`` in full and close it again."""

    async def scenario(app, pilot) -> Seen:
        assert await wait_until(pilot, lambda: len(app.table.items) >= 1)
        assert await wait_until(pilot, replay_loaded(app), timeout=20)
        replay = app.replay
        table, relative = lines_of(app.table), lines_of(replay)
        replay.focus()
        await pilot.press("t")
        await pilot.pause()
        absolute = lines_of(replay)
        await pilot.press("home", *["down"] * detail_row)
        started = time.monotonic()
        await pilot.press("enter")
        opened = await wait_until(pilot, lambda: app.screen is not app.main, timeout=10)
        await pilot.pause()
        detail = _detail_text(app) if opened else ""
        await pilot.press("escape")
        closed = await wait_until(pilot, lambda: app.screen is app.main, timeout=10)
        seconds = time.monotonic() - started
        assert opened, "the event view did not open"
        assert closed, "the event view did not close"
        errors = [str(n.message) for n in notifications(app) if n.severity == "error"]
        return Seen(
            table,
            relative,
            absolute,
            detail,
            replay.scrollable_content_region.width,
            errors,
            seconds,
        )

    return scenario


def _newer_schema(tmp: Path) -> Path:
    path = tmp / "newer.db"
    with sql_db(path, version=99) as conn:
        sid = add_session(conn, "01JNEWERSCHEMA", stamp(0), ended_at=stamp(30))
        add_events(conn, sid, [(stamp(1), "prompt", "> /status"), (stamp(2), "command", "ok")])
    return path


def _check_newer(seen: Seen) -> None:
    assert any("> /status" in line for line in seen.relative)


def _unknown_kinds(tmp: Path) -> Path:
    path = tmp / "unknown-kinds.db"
    with sql_db(path, kind_check=False) as conn:
        sid = add_session(conn, "01JUNKNOWNKINDS", stamp(0))
        kinds = ["prompt", "trade_fill", "PROMPT", "\x1b[31mred\x1b[0m", "", "x" * 200]
        add_events(conn, sid, [(stamp(1, n), kind, f"kind {n}") for n, kind in enumerate(kinds)])
    return path


def _check_unknown(seen: Seen) -> None:
    text = "\n".join(seen.relative)
    for name in ("trade_fill", "PROMPT", "\u241b[31mred\u241b[0m"):
        assert f"? {name}" in text, name  # the unknown glyph, then the raw name, inert
    assert "\x1b" not in text
    assert "trade_fill" in seen.detail
    assert "kind 1" in seen.detail


def _null_times(tmp: Path) -> Path:
    path = tmp / "null-times.db"
    with sql_db(path, not_null=False) as conn:
        sid = add_session(conn, "01JNULLTIMES", None, cli_version=None)
        add_events(conn, sid, [(None, "prompt", "> /status"), (None, "system", None)])
    return path


def _malformed_times(tmp: Path) -> Path:
    path = tmp / "malformed-times.db"
    with sql_db(path) as conn:
        sid = add_session(conn, "01JBADTIMES", "yesterday", ended_at="soon")
        stamps = ["2026-13-45T25:61:61Z", "", "not a time", 12345, "2026-11-24", "\x00"]
        add_events(conn, sid, [(at, "system", f"bad time {n}") for n, at in enumerate(stamps)])
    return path


_UNKNOWN_TIME = re.compile(r"\s*\d+\s+\?\s")


def _check_times(seen: Seen) -> None:
    events = [line for line in seen.relative if line.strip()]
    assert events
    assert all(_UNKNOWN_TIME.match(line) for line in events), events
    assert all("unknown" in line for line in seen.absolute if line.strip())
    assert any("unknown" in line for line in seen.table), seen.table
    assert "unknown" in seen.detail


def _huge_text(tmp: Path) -> Path:
    path = tmp / "huge.db"
    with sql_db(path) as conn:
        sid = add_session(conn, "01JHUGETEXT", stamp(0))
        huge = ("0123456789" * (HUGE // 10 + 1))[:HUGE]
        add_events(conn, sid, [(stamp(1), "prompt", "> /dump"), (stamp(2), "command", huge)])
    return path


def _check_huge(seen: Seen) -> None:
    assert all(len(line) <= seen.width for line in seen.relative), "a line is wider than the pane"
    assert any("0123456789" in line for line in seen.relative)
    assert f"{HUGE:,} characters" in seen.detail
    assert "more characters" in seen.detail
    assert seen.detail_seconds < 10, "the 10 MB event made the app unresponsive"


def _invalid_utf8(tmp: Path) -> Path:
    path = tmp / "invalid-utf8.db"
    with sql_db(path) as conn:
        sid = add_session(conn, "01JINVALIDUTF8", stamp(0))
        conn.execute(
            "UPDATE sessions SET cli_version = CAST(X'302E33FF2E30' AS TEXT) WHERE id = ?", (sid,)
        )
        add_events(conn, sid, [(stamp(1), "prompt", "placeholder"), (stamp(2), "system", "ok")])
        # "bad \xff\xfe utf8 \xc3\x28 end": bytes that are not UTF-8, stored as TEXT.
        conn.execute(
            "UPDATE events SET text = CAST(X'626164FFFE2075746638C32820656E64' AS TEXT)"
            " WHERE seq = 1"
        )
    return path


def _check_utf8(seen: Seen) -> None:
    line = next(line for line in seen.relative if "utf8" in line)
    assert "\ufffd" in line
    assert "end" in line
    assert any("0.3\ufffd.0" in line for line in seen.table), seen.table
    assert "\ufffd" in seen.detail


OPENING: dict[str, tuple[Callable[[Path], Path], Callable[[Seen], None], int]] = {
    "schema newer than known": (_newer_schema, _check_newer, 0),
    "unknown kinds (no CHECK)": (_unknown_kinds, _check_unknown, 1),
    "NULL timestamps": (_null_times, _check_times, 0),
    "malformed timestamps": (_malformed_times, _check_times, 0),
    "a 10 MB event text": (_huge_text, _check_huge, 1),
    "invalid UTF-8 in text columns": (_invalid_utf8, _check_utf8, 0),
}


@pytest.mark.parametrize("case", list(OPENING))
def test_a_strange_database_opens_and_shows_inertly(tmp_path: Path, figures, case: str) -> None:
    build, check, detail_row = OPENING[case]
    figures.add(AREA, tried=1)
    path = build(tmp_path)
    before = fingerprint(path)
    # The welcome milestone is set in the file, and the welcome left enabled: browsing must
    # read it and write nothing.
    _, seen = run_app([path], _browse(detail_row), args=[])
    assert not seen.errors, seen.errors
    check(seen)
    changed = fingerprint(path) != before
    figures.add(AREA, bytes_changed=int(changed))
    assert not changed, "browsing changed the file"
    extra = {p.name for p in tmp_path.iterdir()} - {path.name, f"{path.name}-wal"}
    assert extra <= {f"{path.name}-shm"}, extra  # SQLite's shared memory for WAL readers
    figures.add(AREA, handled=1, inert_displays=1)


def test_a_refused_write_to_a_newer_schema_leaves_the_file_alone(tmp_path: Path, figures):
    """Found by this suite at fde24d4: Store.open set journal_mode=WAL before reading the
    schema version, so a refused write on a newer-schema rollback-journal database still
    rewrote its header; fixed in 0bda382. The welcome no longer writes to the client's
    database at all, so the write tried here is one the user asks for: delete (d, y)."""
    path = tmp_path / "newer-rollback.db"
    with sql_db(path, version=99, wal=False, welcome_shown=False) as conn:
        sid = add_session(conn, "01JNEWERROLLBACK", stamp(0))
        add_events(conn, sid, [(stamp(1), "prompt", "> /status")])
    before = fingerprint(path)

    async def scenario(app, pilot):
        assert await wait_until(pilot, lambda: app.table.row_count == 1, timeout=10)
        app.table.focus()
        await pilot.press("d")
        assert await wait_until(pilot, lambda: app.screen is not app.main, timeout=10)
        await pilot.press("y")  # the app tries to delete: the newer schema refuses it
        return await wait_until(
            pilot,
            lambda: any("newer" in str(n.message) for n in notifications(app)),
            timeout=10,
        )

    _, told = run_app([path], scenario)
    assert told, "the refused write was not reported"
    assert fingerprint(path) == before, "the file's bytes changed though the write was refused"


def test_browsing_a_database_copy_changes_nothing(tmp_path: Path, figures) -> None:
    """A plain, healthy Rust-shaped database: a reference for the cases above."""
    path = _newer_schema(tmp_path)
    plain = tmp_path / "plain.db"
    shutil.copyfile(path, plain)
    conn = sqlite3.connect(plain)
    conn.execute("UPDATE refinery_schema_history SET version = 1")
    conn.commit()
    conn.close()
    before = fingerprint(plain)
    _, seen = run_app([plain], _browse(0))
    assert not seen.errors
    assert fingerprint(plain) == before
    assert os.path.getsize(plain) > 0

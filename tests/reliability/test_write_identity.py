"""Writes the user asks for (``d`` delete, ``w`` then ``s`` a wrap) racing another process:
the database file replaced by a restored backup (row id 1 another session, or the session
gone), the session deleted (and its row id reused) while the confirm dialog is open.

Nothing may be written to a session the user did not see: the other session and its events
stay, no ``last_daily_wrap_at`` is set and no wrap file is left for a session that is not
the one shown, and the user is told in one line. Then the write lock: the browser's writes
(a 50,000-event delete, a wrap's milestone) hold it no longer than their statement, measured
by a writer process that appends all along.

Databases are made by plain SQL (another program's file); the replace and the delete are
done by child processes (``_procs.py``), never by a connection of this process, which would
drop the app's POSIX locks on the file when it closes.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _reliability import (
    add_events,
    add_session,
    fields,
    notifications,
    replay_loaded,
    run_app,
    spawn,
    sql_db,
    stamp,
    wait_until,
)

from store import Store
from zero_session_tui import locations
from zero_session_tui.screens.confirm import ConfirmScreen
from zero_session_tui.screens.wrap import WrapScreen

AREA = "write-identity"
LOCK_AREA = "write-lock"
X = "01JWR1TEX00000000000000000"  # the session the user sees
Y = "01JWR1TEY00000000000000000"  # the backup's session at the same row id
W = "01JWR1TEW00000000000000000"  # a bystander in both files
NEW = "01JWR1TENEW000000000000000"  # started by another process after X was deleted
BIG_EVENTS = 50_000
ROWS = [(stamp(m), kind, f"{kind} {m}") for m, kind in enumerate(["prompt", "command"] * 3)]


def _now() -> datetime:
    return datetime.now(UTC)


def _database(path: Path, first: str | None) -> Path:
    """``first`` at row id 1 (6 events) unless None; W at row id 2 (3 events)."""
    with sql_db(path) as conn:
        if first is not None:
            assert add_session(conn, first, stamp(10), ended_at=stamp(50)) == 1
            add_events(conn, 1, ROWS)
        conn.execute(
            "INSERT INTO sessions (id, ulid, started_at, cli_version) VALUES (2, ?, ?, '0.3.0')",
            (W, stamp(1)),
        )
        add_events(conn, 2, ROWS[:3])
    return path


def _run(*args: object) -> dict[str, str]:
    """A child process of ``_procs.py``, to its end."""
    proc = spawn(*args)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    return fields(out.strip().splitlines()[-1])


def _contents(db: Path) -> dict[str, int]:
    """Each session's ULID and event count, after the app has closed."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT s.ulid, COUNT(e.id) FROM sessions s LEFT JOIN events e"
            " ON e.session_id = s.id GROUP BY s.id"
        ).fetchall()
        return {str(ulid): int(count) for ulid, count in rows}
    finally:
        conn.close()


def _milestone(db: Path) -> str | None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM milestones WHERE key = 'last_daily_wrap_at'")
        found = row.fetchone()
        return None if found is None else str(found[0])
    finally:
        conn.close()


def _notices(app, *words: str) -> list[str]:
    texts = [f"{n.title or ''} {n.message}".strip() for n in notifications(app)]
    return [t for t in texts if all(w in t for w in words)]


def _listed(app) -> set[str]:
    return {item.session.ulid for item in app.table.items}


async def _show(app, pilot, session_id: int) -> None:
    assert await wait_until(pilot, lambda: app.table.row_count >= 1, timeout=10)
    app.table.select_key(0, session_id)
    assert await wait_until(pilot, lambda: app.table.current_item().key.session_id == session_id)
    if app.state.shown_key is None or app.state.shown_key.session_id != session_id:
        app.open_session(app.table.current_item().key)
    assert await wait_until(pilot, replay_loaded(app), timeout=10)


# ---- delete ------------------------------------------------------------------------------


@pytest.mark.parametrize("backup", ["other-at-id-1", "gone"])
@pytest.mark.parametrize("confirm", ["before-the-app-noticed", "after-the-app-noticed"])
def test_a_delete_confirmed_after_the_file_was_replaced_deletes_nothing(
    tmp_path: Path, backup: str, confirm: str, figures
) -> None:
    db = _database(tmp_path / "sessions.db", X)
    restored = _database(tmp_path / "backup.db", Y if backup == "other-at-id-1" else None)
    expected = _contents(restored)

    async def scenario(app, pilot):
        await _show(app, pilot, 1)
        await pilot.press("d")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        _run("replace", restored, db)  # another process restores a backup
        if confirm == "after-the-app-noticed":
            assert await wait_until(pilot, lambda: bool(_notices(app, "replaced")), timeout=10)
            assert await wait_until(pilot, lambda: _listed(app) == set(expected), timeout=10)
        await pilot.press("y")
        told = await wait_until(pilot, lambda: bool(_notices(app, X, "nothing")), timeout=10)
        await pilot.pause(1.2)  # two polls: the list settles
        return told, _notices(app, X, "nothing"), _listed(app)

    _, (told, notices, listed) = run_app([db], scenario, args=["--no-welcome"], clock=_now)
    after = _contents(db)
    figures.add(AREA, races=1, delete_races=1, wrong_writes=int(after != expected))
    assert after == expected, "a write reached a session the user never saw"
    assert told, "the user was not told"
    assert len(notices) == 1, notices
    assert "\n" not in notices[0]
    assert listed == set(expected), f"the list lost or kept a row: {listed}"
    figures.add(AREA, notices=1)


def test_a_session_deleted_by_another_process_while_the_dialog_is_open(
    tmp_path: Path, figures
) -> None:
    """X (the newest row id) is deleted elsewhere and its row id given to a new session
    before the user confirms: nothing is deleted, the new session stays listed."""
    db = tmp_path / "sessions.db"
    with sql_db(db) as conn:
        add_events(conn, add_session(conn, W, stamp(1)), ROWS[:3])
        add_events(conn, add_session(conn, X, stamp(10)), ROWS)

    async def scenario(app, pilot):
        await _show(app, pilot, 2)
        await pilot.press("d")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert _run("delete", db, X, NEW)["reused"] == "1"
        assert await wait_until(pilot, lambda: _listed(app) == {W, NEW}, timeout=10)
        await pilot.press("y")
        told = await wait_until(pilot, lambda: bool(_notices(app, X, "nothing")), timeout=10)
        await pilot.pause(1.2)
        return told, _notices(app, X, "nothing"), _listed(app)

    _, (told, notices, listed) = run_app([db], scenario, args=["--no-welcome"], clock=_now)
    after = _contents(db)
    figures.add(AREA, races=1, delete_races=1, wrong_writes=int(after != {W: 3, NEW: 0}))
    assert after == {W: 3, NEW: 0}
    assert told, "the user was not told"
    assert len(notices) == 1, notices
    assert listed == {W, NEW}, "the session that took the row id was dropped from the list"
    figures.add(AREA, notices=1)


# ---- wrap --------------------------------------------------------------------------------


def _wrap_files() -> list[str]:
    folder = locations.wraps_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("backup", ["other-at-id-1", "gone"])
@pytest.mark.parametrize("save", ["before-the-app-noticed", "after-the-app-noticed"])
def test_a_wrap_saved_after_the_file_was_replaced_writes_nothing(
    tmp_path: Path, backup: str, save: str, figures
) -> None:
    db = _database(tmp_path / "sessions.db", X)
    restored = _database(tmp_path / "backup.db", Y if backup == "other-at-id-1" else None)

    async def scenario(app, pilot):
        await _show(app, pilot, 1)
        await pilot.press("w")
        assert await wait_until(pilot, lambda: isinstance(app.screen, WrapScreen), timeout=10)
        assert app.screen.report.session_ulid == X
        _run("replace", restored, db)
        if save == "after-the-app-noticed":
            assert await wait_until(pilot, lambda: bool(_notices(app, "replaced")), timeout=10)
            assert await wait_until(pilot, lambda: app.state.shown_key is None, timeout=10)
        await pilot.press("s")
        told = await wait_until(pilot, lambda: bool(_notices(app, "wrap", X)), timeout=10)
        await pilot.pause(0.3)
        return told, _notices(app, "wrap", X)

    _, (told, notices) = run_app([db], scenario, args=["--no-welcome"], clock=_now)
    milestone, files = _milestone(db), _wrap_files()
    figures.add(AREA, races=1, wrap_races=1)
    figures.add(AREA, wrong_milestones=int(milestone is not None), wrap_files_left=len(files))
    assert milestone is None, "last_daily_wrap_at set for a session that is not the one shown"
    assert files == [], "a wrap file was left for a session that is gone"
    assert told, "the user was not told"
    assert len(notices) == 1, notices
    assert "no longer exists" in notices[0]
    figures.add(AREA, notices=1)


def test_a_wrap_asked_for_as_the_file_is_reopened_is_never_of_another_session(
    tmp_path: Path, figures
) -> None:
    """The poll's first half has run (the catalog noticed the new file and reopened it) and
    its message has not reached the UI yet: ``w`` must not compute the wrap of whatever
    session now has the shown row id."""
    db = _database(tmp_path / "sessions.db", X)
    restored = _database(tmp_path / "backup.db", Y)

    async def scenario(app, pilot):
        await _show(app, pilot, 1)
        app.follow.watcher = None  # hold the poll here, between its two halves
        _run("replace", restored, db)
        assert [c.what for c in app.catalog.check_files()] == ["replaced"]
        await pilot.press("w")
        told = await wait_until(pilot, lambda: bool(_notices(app, X)), timeout=10)
        shown = app.screen.report.session_ulid if isinstance(app.screen, WrapScreen) else None
        return told, shown, _notices(app, X)

    _, (told, shown, notices) = run_app([db], scenario, args=["--no-welcome"], clock=_now)
    figures.add(AREA, races=1, wrap_races=1, wrong_wraps=int(shown is not None))
    assert shown is None, f"a wrap of {shown} was offered for the shown session {X}"
    assert told, "the user was not told"
    assert len(notices) == 1, notices
    assert "no longer exists" in notices[0]
    assert _milestone(db) is None
    assert _wrap_files() == []
    figures.add(AREA, notices=1)


# ---- the write lock ----------------------------------------------------------------------


def _timed(monkeypatch, name: str, took: dict[str, float]) -> None:
    real = getattr(Store, name)

    def timed(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return real(self, *args, **kwargs)
        finally:
            took[name] = (time.perf_counter() - start) * 1000

    monkeypatch.setattr(Store, name, timed)


def test_the_browsers_writes_hold_the_write_lock_no_longer_than_their_statement(
    tmp_path: Path, monkeypatch, figures
) -> None:
    db = tmp_path / "sessions.db"
    with sql_db(db) as conn:
        big = add_session(conn, X, stamp(0), ended_at=stamp(59))
        conn.executemany(
            "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, ?, ?)",
            (
                (big, seq, stamp(seq * 59 // BIG_EVENTS), ("prompt", "command")[seq % 2], "x" * 80)
                for seq in range(1, BIG_EVENTS + 1)
            ),
        )
        live = add_session(conn, W, stamp(1))
    took: dict[str, float] = {}
    _timed(monkeypatch, "delete_session_by_ulid", took)
    _timed(monkeypatch, "set_milestone_for_session", took)
    stop = tmp_path / "stop"
    writer = spawn("live", db, live, 1_000_000, 200, stop)
    assert writer.stdout is not None
    assert writer.stdout.readline().startswith("ready=1")

    async def scenario(app, pilot):
        await _show(app, pilot, big)
        await pilot.press("w")
        assert await wait_until(pilot, lambda: isinstance(app.screen, WrapScreen), timeout=20)
        await pilot.press("s")
        assert await wait_until(pilot, lambda: bool(_notices(app, "Wrap written")), timeout=10)
        await pilot.press("escape")
        app.table.select_key(0, big)
        await pilot.press("d")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: bool(_notices(app, X, "deleted")), timeout=30)
        await pilot.pause(0.5)  # appends after the delete too

    try:
        run_app([db], scenario, args=["--no-welcome"], clock=_now, deadline=90)
    finally:
        stop.touch()
    out, err = writer.communicate(timeout=30)
    assert writer.returncode == 0, out + err
    result = fields(out.strip().splitlines()[-1])
    slowest, delete_ms = float(result["slowest_ms"]), took["delete_session_by_ulid"]
    milestone_ms = took["set_milestone_for_session"]
    assert _contents(db) == {W: int(result["written"])}, "the delete or an append went astray"
    assert _milestone(db) is not None
    assert _wrap_files() == [f"{X}.json"]
    figures.add(LOCK_AREA, appends=int(result["written"]), big_events=BIG_EVENTS)
    figures.peak(LOCK_AREA, delete_ms=delete_ms, milestone_ms=milestone_ms, slowest_ms=slowest)
    # The append waits for the lock no longer than the longest write holds it, plus SQLite's
    # busy-handler sleep (up to 100 ms a step) and a loaded machine's scheduling.
    assert slowest <= max(delete_ms, milestone_ms) + 400, (slowest, delete_ms, milestone_ms)
    assert delete_ms < 5_000, delete_ms
    assert milestone_ms < 500, milestone_ms


def test_the_live_writer_reports_its_appends(tmp_path: Path) -> None:
    """The measuring process itself: it stops on its file and counts what it wrote."""
    db = tmp_path / "sessions.db"
    with sql_db(db) as conn:
        sid = add_session(conn, W, stamp(1))
    stop = tmp_path / "stop"
    writer = spawn("live", db, sid, 1_000_000, 500, stop)
    assert writer.stdout is not None
    assert writer.stdout.readline().startswith("ready=1")
    time.sleep(0.3)
    stop.touch()
    out, _ = writer.communicate(timeout=30)
    result = fields(out.strip().splitlines()[-1])
    assert 0 < int(result["written"]) == _contents(db)[W] == int(result["last_seq"])

"""Follow across the client's life cycle: writer processes that start, append and EXIT one
after another (the last WAL connection's exit checkpoints and deletes ``-wal``/``-shm``), a
file replaced under the app, a session deleted by another process while shown.

One long-lived writer hides these bugs: each writer here is its own process and exits.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from _reliability import notifications, run_app, spawn, wait_until

from store import EventKind, Store

AREA = "follow-lifecycle"
ULID = "01JFOLLOWLIFECYCLE00000000"
WRITERS = 4
PER_WRITER = 30


def _now() -> datetime:
    return datetime.now(UTC)


def _session(db: Path) -> int:
    with Store.open(db) as store:
        sid = store.start_session(ULID, None, "0.3.0", None)
        store.append(sid, EventKind.PROMPT, "> /status")
    return sid


def test_the_app_follows_writer_processes_that_exit_one_after_another(
    tmp_path: Path, figures
) -> None:
    db = tmp_path / "sessions.db"
    sid = _session(db)
    total = 1 + WRITERS * PER_WRITER

    async def scenario(app, pilot):
        replay = app.replay
        assert await wait_until(pilot, lambda: replay.timeline is not None, timeout=10)
        counts, wal_gone = [], 0
        for _ in range(WRITERS):
            proc = spawn("live", db, sid, PER_WRITER, 300)
            while proc.poll() is None:
                await pilot.pause(0.05)
            assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
            await wait_until(pilot, lambda: False, timeout=0.7)  # a poll or two
            counts.append(replay.timeline.count)
            wal_gone += not Path(f"{db}-wal").exists()
        caught_up = await wait_until(pilot, lambda: replay.timeline.count == total, timeout=10)
        timeline = replay.timeline
        rows = [timeline.seq_of_row(row) for row in range(timeline.count)]
        return counts, caught_up, rows, replay.live, wal_gone

    _, (counts, caught_up, rows, live, wal_gone) = run_app(
        [db], scenario, args=["--session", ULID, "--no-welcome"], clock=_now
    )
    assert caught_up, f"the app stopped following: counts after each writer {counts}"
    assert counts == [1 + PER_WRITER * (i + 1) for i in range(WRITERS)], counts
    assert rows == list(range(1, total + 1)), "rows skip or repeat a seq"
    assert live
    figures.add(
        AREA, writer_processes=WRITERS, events_seen=WRITERS * PER_WRITER, wal_removed=wal_gone
    )


def test_a_file_replaced_under_the_app_is_noticed_and_reopened(tmp_path: Path, figures) -> None:
    db = tmp_path / "sessions.db"
    _session(db)
    other = tmp_path / "restored.db"
    with Store.open(other) as store:
        for i in range(3):
            store.start_session(f"01JRESTORED{i:015d}", None, "0.2.0", None)

    async def scenario(app, pilot):
        assert await wait_until(pilot, lambda: app.table.row_count == 1, timeout=10)
        os.replace(other, db)  # a restored backup: same path, another file
        for side in ("-wal", "-shm"):
            Path(f"{db}{side}").unlink(missing_ok=True)
        noticed = await wait_until(
            pilot,
            lambda: any("replaced" in str(n.message) for n in notifications(app)),
            timeout=10,
        )
        relisted = await wait_until(pilot, lambda: app.table.row_count == 3, timeout=10)
        gone = await wait_until(pilot, lambda: app.state.shown_key is None, timeout=10)
        # Its notice is a message the app handles after this (``App.notify`` posts it).
        await wait_until(
            pilot,
            lambda: any("not in the new file" in str(n.message) for n in notifications(app)),
            timeout=10,
        )
        return noticed, relisted, gone, [str(n.message) for n in notifications(app)]

    _, (noticed, relisted, gone, said) = run_app([db], scenario, args=["--no-welcome"], clock=_now)
    assert noticed, "no notice that the file was replaced"
    assert relisted, "the list still shows the old file's sessions"
    assert gone, "the shown session, absent from the new file, is still shown"
    # Said as it happened: the file was replaced, the session is not in the new one; nobody
    # "deleted" it.
    assert not [line for line in said if "deleted" in line], said
    assert len([line for line in said if "not in the new file" in line]) == 1, said
    figures.add(AREA, files_replaced=1, noticed=int(noticed))


def test_a_session_deleted_by_another_process_while_shown(tmp_path: Path, figures) -> None:
    db = tmp_path / "sessions.db"
    _session(db)
    with Store.open(db) as store:
        store.start_session("01JOTHER00000000000000000X", None, "0.3.0", None)

    async def scenario(app, pilot):
        assert await wait_until(pilot, lambda: app.table.row_count == 2, timeout=10)
        # The first row's preview first: its highlight, still queued when the rows are in,
        # would otherwise open that row after ULID (a race of the test, not of the app).
        assert await wait_until(pilot, lambda: app.replay.timeline is not None, timeout=10)
        app.open_session(app.catalog.find_ulid(ULID)[0])
        assert await wait_until(
            pilot,
            lambda: app.replay.timeline is not None and app.replay.timeline.session.ulid == ULID,
            timeout=10,
        )
        conn = sqlite3.connect(db)  # another program: plain SQL, then it exits
        conn.execute("DELETE FROM events WHERE session_id = 1")
        conn.execute("DELETE FROM sessions WHERE ulid = ?", (ULID,))
        conn.commit()
        conn.close()
        started = time.monotonic()
        stopped = await wait_until(pilot, lambda: app.replay.timeline is None, timeout=10)
        took = time.monotonic() - started
        dropped = await wait_until(pilot, lambda: app.table.row_count == 1, timeout=10)
        # ``App.notify`` posts a message: the notice is listed once the app has handled it,
        # which under load came after the row was gone (a race of the test, seen in CI).
        await wait_until(
            pilot,
            lambda: any("deleted" in str(n.message) for n in notifications(app)),
            timeout=10,
        )
        said = [str(n.message) for n in notifications(app)]
        return stopped, dropped, said, took

    _, (stopped, dropped, said, took) = run_app([db], scenario, args=["--no-welcome"], clock=_now)
    assert stopped, "the replay still shows a deleted session"
    assert dropped, "the list still shows a deleted session"
    notices = [line for line in said if "deleted" in line]
    assert len(notices) == 1, said
    figures.add(AREA, deleted_while_shown=1, notices=len(notices))
    figures.peak(AREA, slowest_notice_s=round(took, 2))


def test_a_write_never_creates_a_database_at_a_path_that_is_gone(tmp_path: Path) -> None:
    from zero_session_tui.catalog import Catalog

    db = tmp_path / "sessions.db"
    _session(db)
    catalog = Catalog.open([db])
    try:
        shutil.move(db, tmp_path / "moved.db")
        try:
            with catalog.writer(0) as store:
                store.delete_session_by_ulid(ULID)
        except Exception as error:
            message = str(error)
        else:
            message = ""
        assert "no database" in message
        assert not db.exists(), "a new empty database was created at the client's path"
    finally:
        catalog.close()

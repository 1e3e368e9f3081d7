"""A session deleted by another process while its timed replay plays (Space) or is paused:
one notice, the replay stops (no timer left running, nothing stalled: the next session opens
and plays), the list drops the row. The delete is plain SQL in a child process
(``_procs.py delete``), as another program would do it.
"""

from __future__ import annotations

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

AREA = "replay-gone"
X = "01JREPLAYG0NE0000000000000"
W = "01JREPLAYW0000000000000000"
EVENTS = 600  # two seconds apart: 20 minutes of session, 2 minutes at 10x


def _now() -> datetime:
    return datetime.now(UTC)


def _database(path: Path) -> Path:
    kinds = ("prompt", "command", "system")
    with sql_db(path) as conn:
        w = add_session(conn, W, stamp(0))
        add_events(conn, w, [(stamp(0, s), "system", f"w {s}") for s in range(3)])
        x = add_session(conn, X, stamp(30), ended_at=stamp(59))
        add_events(
            conn,
            x,
            [(stamp(i * 2 // 60, i * 2 % 60), kinds[i % 3], f"x {i}") for i in range(EVENTS)],
        )
    return path


def _delete_elsewhere(db: Path, ulid: str) -> None:
    proc = spawn("delete", db, ulid)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, out + err
    assert fields(out.strip().splitlines()[-1])["deleted"] == "2"


@pytest.mark.parametrize("state", ["playing", "paused"])
def test_a_session_deleted_by_another_process_during_a_timed_replay(
    tmp_path: Path, state: str, figures
) -> None:
    db = _database(tmp_path / "sessions.db")

    async def scenario(app, pilot):
        replay = app.replay
        assert await wait_until(pilot, lambda: app.table.row_count == 2, timeout=10)
        app.table.select_key(0, 2)
        app.open_session(app.table.current_item().key)
        assert await wait_until(pilot, replay_loaded(app, EVENTS), timeout=10)
        replay.focus()
        await pilot.press("space", "plus", "plus", "plus")  # 10x: an event every 0.2 s
        assert await wait_until(pilot, lambda: (replay.play_head or 0) >= 3, timeout=10)
        if state == "paused":
            await pilot.press("space")
            assert await wait_until(pilot, lambda: not replay.play.playing)
        _delete_elsewhere(db, X)
        started = time.monotonic()
        stopped = await wait_until(pilot, lambda: replay.timeline is None, timeout=10)
        took = time.monotonic() - started
        dropped = await wait_until(pilot, lambda: app.table.row_count == 1, timeout=10)
        after = (replay.play.playing, replay.play_head)
        await pilot.pause(1.0)  # a stalled timer or a second notice would show by now
        notices = [str(n.message) for n in notifications(app) if X in str(n.message)]
        # Nothing stalled: the remaining session opens and plays to its end.
        app.table.select_key(0, 1)
        app.open_session(app.table.current_item().key)
        opened = await wait_until(pilot, replay_loaded(app, 3), timeout=10)
        await pilot.press("space", "plus", "plus", "plus", "plus")
        played = await wait_until(
            pilot, lambda: replay.play_head == 2 and not replay.play.playing, timeout=10
        )
        return stopped, took, dropped, after, notices, opened, played

    _, result = run_app([db], scenario, args=["--no-welcome"], clock=_now)
    stopped, took, dropped, after, notices, opened, played = result
    assert stopped, "the replay still shows the deleted session"
    assert after == (False, None), f"the replay did not stop: playing, head = {after}"
    assert dropped, "the list still shows the deleted session"
    assert len(notices) == 1, notices
    assert opened, "the next session did not open"
    assert played, "the next session's replay did not play to its end"
    figures.add(AREA, deleted=1, notices=len(notices), dropped=1, next_played=1)
    figures.add(AREA, **{f"while_{state}": 1})
    figures.peak(AREA, slowest_stop_s=round(took, 2))

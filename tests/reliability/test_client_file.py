"""The client's database stays the client's: a first launch (the welcome shown and dismissed)
and a long run of browsing keys leave its file byte for byte as it was, with no side file,
no journal-mode switch, no index and no milestone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from _reliability import add_events, add_session, fingerprint, run_app, sql_db, stamp, wait_until

from zero_session_tui.browser_state import welcome_seen
from zero_session_tui.locations import browser_state_file

AREA = "client-file"
# Every browsing key of the main screen and its modals, each closed again; repeated to make
# a long session of use (writes, d and s in the wrap, are the only keys left out).
ROUND = [
    "down", "up", "end", "home", "tab", "j", "k", "g", "G", "pageup", "pagedown",
    "1", "2", "3", "1", "2", "3", "enter", "escape", "t", "t",
    "space", "space", "full_stop", "comma", "plus", "minus",
    "w", "escape", "f", "escape", "question_mark", "escape",
    "slash", "s", "t", "a", "escape", "tab", "s", "s", "S", "F", "escape", "r",
]  # fmt: skip
ROUNDS = 3


@pytest.mark.parametrize("wal", [True, False], ids=["wal", "rollback-journal"])
def test_a_first_launch_and_browsing_change_nothing_in_the_clients_file(
    tmp_path: Path, figures, wal: bool
) -> None:
    path = tmp_path / "sessions.db"
    with sql_db(path, wal=wal, welcome_shown=False) as conn:
        for i in range(3):
            sid = add_session(conn, f"01JCLIENTFILE{i:013d}", stamp(i))
            add_events(conn, sid, [(stamp(i, s), "prompt", f"> /status {s}") for s in range(40)])
    before = fingerprint(path)
    browser_state_file().unlink(missing_ok=True)  # a first launch of the browser

    async def scenario(app, pilot):
        assert await wait_until(pilot, lambda: app.screen is not app.main, timeout=10)
        await pilot.press("space")  # dismiss the welcome
        assert await wait_until(pilot, welcome_seen, timeout=10)
        presses = 0
        for _ in range(ROUNDS):
            for key in ROUND:
                await pilot.press(key)
                presses += 1
            await pilot.pause(0.05)
            while app.screen is not app.main:  # whatever a key left open
                await pilot.press("escape")
        return presses

    _, presses = run_app([path], scenario)
    assert fingerprint(path) == before, "the client's file changed"
    assert not Path(f"{path}-wal").exists() or wal
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        milestones = conn.execute("SELECT COUNT(*) FROM milestones").fetchone()[0]
    finally:
        conn.close()
    assert mode == ("wal" if wal else "delete")
    assert not {n for n in names if n.startswith("zst_")}
    assert milestones == 0, "a milestone was written to the client's database"
    figures.add(AREA, launches=1, keys=presses, bytes_changed=0)

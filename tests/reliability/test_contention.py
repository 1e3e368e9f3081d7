"""Area 3, contention: several processes append to one session and to their own sessions at
once; and a database held under an exclusive lock makes the app wait a bounded time, then say
so in one clear line.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from _reliability import REPO, child_env, fields, run_app, scaled, spawn, wait_until

import store.connection
from store import SessionError, Store
from zero_session_tui.catalog import Catalog

AREA = "contention"
PROCESSES = scaled(4, 8)
APPENDS = scaled(250, 2_000)  # per process, to the shared session and again to its own
SHORT_TIMEOUT_MS = 600
WAIT_BOUND = 5.0  # seconds: a locked open must give up well within this


def test_processes_appending_at_once_lose_nothing(tmp_path: Path, figures) -> None:
    db = tmp_path / "contended.db"
    go = tmp_path / "go"
    with Store.open(db) as setup:
        shared = setup.start_session("01JCONTENDSHARED", None, "0.3.0", None)
    # Each child opens the store (schema check and all) at the same time, then waits for "go".
    procs = [spawn("contend", db, shared, APPENDS, f"P{n}", go) for n in range(PROCESSES)]
    try:
        own: dict[str, int] = {}
        for n, proc in enumerate(procs):
            line = proc.stdout.readline()
            assert line.startswith("ready=1"), (line, proc.stderr.read()[-2000:])
            own[f"P{n}"] = int(fields(line)["own"])
        go.touch()
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, f"a writer failed: {out[-500:]} {err[-2000:]}"
            assert f"done={APPENDS}" in out
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    with Store.open_readonly(db) as reader:
        assert reader.quick_check() == "ok"
        events = list(reader.iter_events(shared))
        seqs = [event.seq for event in events]
        assert seqs == list(range(1, PROCESSES * APPENDS + 1)), "shared session seqs"
        texts = [event.text for event in events]
        assert len(set(texts)) == len(texts), "an append landed twice"
        by_writer: defaultdict[str, list[int]] = defaultdict(list)
        for text in texts:
            tag, i = text.split(":")
            by_writer[tag].append(int(i))
        # Every append of every writer, each once, in the order that writer made them.
        assert dict(by_writer) == {tag: list(range(APPENDS)) for tag in own}
        for tag, sid in own.items():
            mine = list(reader.iter_events(sid))
            assert [e.seq for e in mine] == list(range(1, APPENDS + 1)), tag
            assert [e.text for e in mine] == [f"{tag}:{i}" for i in range(APPENDS)], tag
        assert reader.count_sessions() == PROCESSES + 1
    figures.add(
        AREA,
        processes=PROCESSES,
        appended=2 * PROCESSES * APPENDS,
        shared_events=len(events),
        lost=0,
        duplicates=len(seqs) - len(set(seqs)),
    )


# ---- an exclusive lock ---------------------------------------------------------------------


def _locked_db(tmp_path: Path, how: str) -> tuple[Path, sqlite3.Connection]:
    """A database with one session, and a connection holding it exclusively."""
    db = tmp_path / f"locked-{how}.db"
    with Store.open(db) as setup:
        sid = setup.start_session("01JLOCKED", None, "0.3.0", None)
        setup.append(sid, "prompt", "> /status")
    holder = sqlite3.connect(db, isolation_level=None)
    if how == "rollback-journal":
        # Readers of a rollback-journal database are blocked by an EXCLUSIVE transaction.
        assert holder.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
        holder.execute("BEGIN EXCLUSIVE")
    else:
        # WAL with locking_mode=EXCLUSIVE: after a write the connection keeps the file locked.
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO milestones VALUES ('lock', 'held', '2026-11-24T19:00:00Z')")
        holder.execute("COMMIT")
    return db, holder


LOCKS = ["rollback-journal", "wal-locking-mode-exclusive"]


@pytest.mark.parametrize("how", LOCKS)
def test_a_locked_database_fails_the_preflight_after_a_bounded_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, figures, how: str
) -> None:
    monkeypatch.setattr(store.connection, "BUSY_TIMEOUT_MS", SHORT_TIMEOUT_MS)
    db, holder = _locked_db(tmp_path, how)
    try:
        for opener in (Store.open_readonly, lambda path: Catalog.open([path])):
            started = time.monotonic()
            with pytest.raises(SessionError) as caught:
                opener(db)
            waited = time.monotonic() - started
            message = str(caught.value)
            assert str(db) in message, message
            assert "locked" in message, message
            assert "\n" not in message
            # It did wait (the busy timeout), and gave up within the bound.
            assert SHORT_TIMEOUT_MS / 1000 * 0.8 <= waited <= WAIT_BOUND, waited
            figures.add(AREA, locked_refusals=1)
            figures.peak(AREA, longest_wait_s=waited)
    finally:
        holder.close()
    # Once the lock is gone the same database opens.
    with Store.open_readonly(db) as reader:
        assert reader.count_sessions() == 1


def test_the_command_line_says_locked_in_one_line(tmp_path: Path, figures) -> None:
    db, holder = _locked_db(tmp_path, "rollback-journal")
    script = (
        f"import sys, store.connection as c; c.BUSY_TIMEOUT_MS = {SHORT_TIMEOUT_MS}\n"
        "from zero_session_tui.__main__ import main\n"
        "raise SystemExit(main(sys.argv[1:]))"
    )
    try:
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", script, "--db", str(db)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            env=child_env(),
            cwd=REPO,
            check=False,
        )
        waited = time.monotonic() - started
    finally:
        holder.close()
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(db) in lines[0]
    assert "locked" in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
    assert waited <= WAIT_BOUND + 5  # interpreter start-up included
    figures.add(AREA, locked_refusals=1)


def test_a_lock_taken_while_browsing_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, figures
) -> None:
    """The app is open; another program then locks the database: reading the list again
    waits a bounded time and shows an error; the app keeps running and recovers."""
    monkeypatch.setattr(store.connection, "BUSY_TIMEOUT_MS", SHORT_TIMEOUT_MS)
    db = tmp_path / "later.db"
    with Store.open(db) as setup:
        sid = setup.start_session("01JLATERLOCK", None, "0.3.0", None)
        setup.append(sid, "prompt", "> /status")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()

    async def scenario(app, pilot):
        assert await wait_until(pilot, lambda: len(app.table.items) == 1)
        holder = sqlite3.connect(db, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            app.table.focus()
            await pilot.press("r")  # read the list again, into the lock
            reported = await wait_until(
                pilot,
                lambda: any("locked" in str(n.message) for n in app._notifications),
                timeout=WAIT_BOUND,
            )
        finally:
            holder.close()
        running = app.is_running
        await pilot.press("r")
        recovered = await wait_until(pilot, lambda: len(app.table.items) == 1)
        return reported, running, recovered

    _, (reported, running, recovered) = run_app([db], scenario, args=["--no-welcome", "--no-live"])
    assert reported, "no notification said the database is locked"
    assert running
    assert recovered
    figures.add(AREA, locked_refusals=1)

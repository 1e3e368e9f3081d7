"""Area 2, crash: kill -9 a writer in the middle of its batches, several times.

The writer appends batches with ``append_many`` (one transaction each) and prints each batch's
last seq once it is committed. After every kill: ``PRAGMA quick_check`` is ok, every reported
batch is present, seqs are contiguous from 1 with no partial batch, and the app's preflight
(``Catalog.open``) opens the database as it was left (hot WAL and all) before any writer
touches it again. Then a new writer carries on where the dead one stopped.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

from _reliability import replay_loaded, run_app, scaled, shown_seqs, spawn, wait_until

from store import Store
from zero_session_tui.catalog import Catalog

AREA = "crash"
KILLS = scaled(3, 25)
BATCH = 50
PAD = 2_000  # characters per event: a batch is a ~100 KB transaction, so kills land inside
ULID = "01JCRASHWRITER000000000000"


def _read_reports(proc, want: int, timeout: float = 30) -> list[int]:
    """Committed seqs the writer reported, until ``want`` of them have arrived."""
    reports: list[int] = []
    give_up = time.monotonic() + timeout
    while len(reports) < want:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"the writer stopped early: {proc.stderr.read()[-2000:]}")
        if line.startswith("committed="):
            reports.append(int(line.split("=", 1)[1]))
        assert time.monotonic() < give_up, "the writer is too slow to report"
    return reports


def _check_after_kill(db: Path, sid: int, last_reported: int) -> tuple[int, bool]:
    """The database as the kill left it; returns (last committed seq, killed after a commit
    but before its report)."""
    catalog = Catalog.open([db])  # the app's preflight, first to touch the file
    try:
        assert catalog.store(0).count_sessions() == 1
    finally:
        catalog.close()
    with Store.open_readonly(db) as store:
        assert store.quick_check() == "ok"
        seqs = [event.seq for event in store.iter_events(sid, page=5_000)]
        texts_ok = all(
            event.text.startswith(f"crash {event.seq - 1} ") for event in store.iter_events(sid)
        )
    last = seqs[-1] if seqs else 0
    assert seqs == list(range(1, last + 1)), "seqs are not contiguous from 1"
    assert texts_ok, "an event's text does not match its seq"
    assert last >= last_reported, f"committed batch lost: reported {last_reported}, have {last}"
    # A batch is one transaction: all of it or none of it, and at most one batch may have
    # committed after the last report (killed between COMMIT and print).
    assert last % BATCH == 0, f"a partial batch survived: last seq {last}"
    assert last - last_reported in (0, BATCH), (last_reported, last)
    return last, last != last_reported


def test_kill_9_mid_batch_loses_nothing_committed(tmp_path: Path, figures) -> None:
    db = tmp_path / "crash.db"
    with Store.open(db) as store:
        sid = store.start_session(ULID, None, "0.3.0", None)
    rng = random.Random(20261124)
    last = 0
    for _ in range(KILLS):
        proc = spawn("crash", db, sid, BATCH, PAD)
        try:
            assert proc.stdout.readline().strip() == "ready=1", proc.stderr.read()[-2000:]
            reports = _read_reports(proc, want=rng.randint(2, 6))
            time.sleep(rng.uniform(0, 0.01))  # land anywhere in the next batch
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            # Reports already written to the pipe before the kill count as committed.
            rest = proc.stdout.read()
            reports += [int(line[10:]) for line in rest.splitlines() if line[:10] == "committed="]
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
        assert reports == sorted(reports), "reports out of order"
        assert reports[0] > last, "a report repeats an earlier batch"
        last, after_commit = _check_after_kill(db, sid, reports[-1])
        figures.add(AREA, kills=1, quick_check_ok=1, preflight_ok=1)
        figures.add(AREA, killed_after_commit=int(after_commit))
    figures.add(AREA, committed=last, partial_batches=0)

    # The app opens what the last kill left and shows the last committed event.
    async def scenario(app, pilot):
        assert await wait_until(pilot, replay_loaded(app, last), timeout=15)
        return shown_seqs(app.replay)

    _, seqs = run_app([db], scenario, args=["--session", ULID, "--no-welcome", "--no-live"])
    assert seqs[-1] == last

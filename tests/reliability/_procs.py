"""Child processes of the reliability suite: writers that append through ``store`` the way the
ZERO client does, from another process. Run as ``python _procs.py MODE ARGS...`` with the
project on ``PYTHONPATH``. Each prints ``key=value`` lines, flushed, and exits 0 on success,
1 with a ``FAIL`` line on any error.

live DB SID COUNT RATE [STOP] append COUNT events one by one, paced at RATE per second (with
                              STOP: until the file STOP exists, at most COUNT); slowest_ms is
                              the longest append, lock wait included
crash DB SID BATCH PAD        append_many batches of BATCH forever; print each batch's last seq
contend DB SHARED N TAG GO    start an own session, wait for the file GO, then N times append
                              one event to the shared session and one to the own session
replace SRC DST               a restored backup: ``os.replace`` SRC over DST, drop DST's -wal/-shm
delete DB ULID [NEW]          plain sqlite3, as another program: delete the session ULID and its
                              events; with NEW, then start a session NEW (a row id may be reused)
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
import traceback
from pathlib import Path

from store import EventKind, Store

KINDS = list(EventKind)


def live(db: str, sid: str, count: str, rate: str, stop: str = "") -> None:
    total, per_second = int(count), float(rate)
    stop_file = Path(stop) if stop else None
    slowest = 0.0
    written = 0
    with Store.open(db) as store:
        print("ready=1", flush=True)
        start = time.monotonic()
        last = 0
        for i in range(total):
            if stop_file is not None and stop_file.exists():
                break
            due = start + i / per_second
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            before = time.monotonic()
            last = store.append(int(sid), KINDS[i % len(KINDS)], f"live {i}")
            slowest = max(slowest, time.monotonic() - before)
            written += 1
        elapsed = time.monotonic() - start
    print(
        f"written={written} last_seq={last} elapsed={elapsed:.3f} slowest_ms={slowest * 1000:.1f}",
        flush=True,
    )


def crash(db: str, sid: str, batch: str, pad: str) -> None:
    size, filler = int(batch), "x" * int(pad)
    with Store.open(db) as store:
        print("ready=1", flush=True)
        n = store.count_events(int(sid))  # texts carry their seq - 1 across restarts
        while True:
            rows = [(KINDS[(n + i) % len(KINDS)], f"crash {n + i} {filler}") for i in range(size)]
            seqs = store.append_many(int(sid), rows)
            n += size
            print(f"committed={seqs[-1]}", flush=True)


def contend(db: str, shared: str, count: str, tag: str, go: str) -> None:
    with Store.open(db) as store:
        own = store.start_session(f"01JCONTEND{tag}", None, "contend", None)
        print(f"ready=1 own={own}", flush=True)
        go_file = Path(go)
        give_up = time.monotonic() + 60
        while not go_file.exists():
            if time.monotonic() > give_up:
                raise TimeoutError("no go signal")
            time.sleep(0.002)
        for i in range(int(count)):
            store.append(int(shared), EventKind.COMMAND, f"{tag}:{i}")
            store.append(own, EventKind.SYSTEM, f"{tag}:{i}")
    print(f"done={count} own={own}", flush=True)


def replace(src: str, dst: str) -> None:
    os.replace(src, dst)
    for side in ("-wal", "-shm"):
        Path(f"{dst}{side}").unlink(missing_ok=True)
    print("replaced=1", flush=True)


def delete(db: str, ulid: str, new: str = "") -> None:
    conn = sqlite3.connect(db, isolation_level=None, timeout=30)
    try:
        conn.execute("BEGIN IMMEDIATE")
        (sid,) = conn.execute("SELECT id FROM sessions WHERE ulid = ?", (ulid,)).fetchone()
        conn.execute("DELETE FROM events WHERE session_id = ?", (sid,))
        conn.execute("DELETE FROM sessions WHERE id = ?", (sid,))
        reused = 0
        if new:
            cursor = conn.execute(
                "INSERT INTO sessions (ulid, started_at, cli_version) VALUES (?, ?, '0.3.0')",
                (new, "2026-11-24T19:59:00+00:00"),
            )
            reused = int(cursor.lastrowid == sid)
        conn.execute("COMMIT")
    finally:
        conn.close()
    print(f"deleted={sid} reused={reused}", flush=True)


MODES = {
    "live": live,
    "crash": crash,
    "contend": contend,
    "replace": replace,
    "delete": delete,
}

if __name__ == "__main__":
    try:
        MODES[sys.argv[1]](*sys.argv[2:])
    except BaseException as error:
        print(f"FAIL {type(error).__name__}: {error}", flush=True)
        traceback.print_exc()
        sys.exit(1)

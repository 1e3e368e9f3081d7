"""Area: exports while another process changes the session.

A 200,000-event session is exported (Markdown: the header states the event count) while ANOTHER
PROCESS (plain ``sqlite3``, as any client would write) deletes the session or keeps appending
to it. Every export must end as one of two things: a complete, consistent file (header count
== rows in the body == the rows of one state of the session: seqs 1..count, nothing missing,
nothing after) or a clear one-line error with nothing written. An earlier complete export is
never replaced: a new one lands under ``<ulid>-2.md``.

WAL (the ZERO client's mode): the export holds one snapshot; the other process's commits go
through at once. Rollback journal (a database made by plain sqlite3): no transaction is held,
so the other process is never blocked for the export's duration; the export verifies the
session at the end instead and refuses when it changed.
"""

from __future__ import annotations

import errno
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _reliability import child_env, fingerprint, scaled

from store import SessionError, Store
from store.atomic_write import pending_temp_files, write_atomically
from zero_session_tui import export

AREA = "export-consistency"
ULID = "01JEXP0RTBIGSESS10N0000000"
EVENTS = 200_000
STAMP = "2026-11-24T09:00:00Z"
ROUNDS = scaled(2, 8)  # free-running rounds per test

# The other process: plain sqlite3, BEGIN IMMEDIATE around each write (as the ZERO client).
#   delete DB ULID DELAY   wait for "go" on stdin, sleep DELAY s, delete the session
#   append DB ULID STOP    append 10 events every 20 ms until the file STOP exists
CHILD = r"""
import sqlite3, sys, time
from pathlib import Path
mode, db, ulid, arg = sys.argv[1:5]
conn = sqlite3.connect(db, isolation_level=None, timeout=30)
conn.execute("PRAGMA foreign_keys = ON")
print("ready", flush=True)
slowest = 0.0
if mode == "delete":
    sys.stdin.readline()
    time.sleep(float(arg))
    start = time.monotonic()
    conn.execute("BEGIN IMMEDIATE")
    (sid,) = conn.execute("SELECT id FROM sessions WHERE ulid = ?", (ulid,)).fetchone()
    conn.execute("DELETE FROM events WHERE session_id = ?", (sid,))
    conn.execute("DELETE FROM sessions WHERE id = ?", (sid,))
    conn.execute("COMMIT")
    print(f"deleted=1 ms={(time.monotonic() - start) * 1000:.0f}", flush=True)
else:
    stop, appended = Path(arg), 0
    while not stop.exists():
        start = time.monotonic()
        conn.execute("BEGIN IMMEDIATE")
        sid, last = conn.execute(
            "SELECT s.id, COALESCE(MAX(e.seq), 0) FROM sessions s LEFT JOIN events e"
            " ON e.session_id = s.id WHERE s.ulid = ?", (ulid,)
        ).fetchone()
        conn.executemany(
            "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, 'system', ?)",
            [(sid, last + i, "2026-11-24T10:00:00Z", f"appended {last + i}") for i in range(1, 11)],
        )
        conn.execute("COMMIT")
        appended += 10
        slowest = max(slowest, time.monotonic() - start)
        time.sleep(0.02)
    print(f"appended={appended} slowest_ms={slowest * 1000:.0f}", flush=True)
"""


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 200,000-event database, in WAL and in rollback-journal mode."""
    folder = tmp_path_factory.mktemp("export-consistency")
    made: dict[str, Path] = {}
    for journal in ("wal", "delete"):
        path = folder / f"{journal}.db"
        with Store.open(path) as store:
            sid = store.start_session(ULID, None, "0.3.0", None)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT INTO events (session_id, seq, at, kind, text)"
                " VALUES (?, ?, ?, 'system', ?)",
                ((sid, seq, STAMP, f"event {seq}") for seq in range(1, EVENTS + 1)),
            )
            conn.execute("COMMIT")
            assert conn.execute(f"PRAGMA journal_mode = {journal}").fetchone()[0] == journal
        finally:
            conn.close()
        made[journal] = path
    return made


@pytest.fixture
def db(request: pytest.FixtureRequest, templates: dict[str, Path], tmp_path: Path) -> Path:
    target = tmp_path / "sessions.db"
    shutil.copyfile(templates[request.param], target)
    return target


def _child(*args: object) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    return proc


def _finish(proc: subprocess.Popen[str], timeout: float = 60) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return out.strip()


def _parse(path: Path) -> tuple[int, list[int]]:
    """(the header's event count, the seqs of the body) of a Markdown export."""
    text = path.read_text(encoding="utf-8")
    (count,) = re.findall(r"^- events: ([\d,]+)$", text, re.MULTILINE)
    seqs = [int(seq) for seq in re.findall(r"^### (\d+) \u00b7 ", text, re.MULTILINE)]
    return int(count.replace(",", "")), seqs


_TIMED: set[str] = set()


class Exports:
    """Exports into one folder that holds a complete earlier export; checks each outcome."""

    def __init__(self, db: Path, folder: Path, figures) -> None:
        self.db, self.folder, self.figures = db, folder, figures
        with Store.open_readonly(db) as store:
            self.session = store.get_session_by_ulid(ULID)
            assert self.session is not None
            start = time.perf_counter()
            self.previous = export.export_markdown(store, self.session, folder)
            seconds = time.perf_counter() - start
        assert _parse(self.previous) == (EVENTS, list(range(1, EVENTS + 1)))
        self.previous_print = fingerprint(self.previous)
        self.written: list[Path] = []
        mode = "WAL" if _journal(db) == "wal" else "rollback journal"
        if mode not in _TIMED:  # one figure per mode: the first export of the run
            _TIMED.add(mode)
            figures.note(AREA, f"{EVENTS:,}-event Markdown export {seconds:.1f} s ({mode})")

    def run(self, store: Store | None = None) -> str:
        """One export; returns "file" or "error" after checking everything."""
        self.figures.add(AREA, exports=1)
        try:
            if store is None:
                with Store.open_readonly(self.db) as own:
                    path = export.export_markdown(own, self.session, self.folder)
            else:
                path = export.export_markdown(store, self.session, self.folder)
        except SessionError as error:
            message = str(error)
            assert "\n" not in message
            assert "nothing was written" in message, message
            assert f"the session {ULID} no longer exists" in message or (
                "changed while it was exported" in message
            ), message
            self.figures.add(AREA, clear_errors=1)
            outcome = "error"
        else:
            count, seqs = _parse(path)
            consistent = count >= 1 and seqs == list(range(1, count + 1))
            self.figures.add(AREA, consistent=int(consistent), partial=int(not consistent))
            assert consistent, f"{path.name}: header {count:,}, body {len(seqs):,} rows"
            assert path != self.previous
            self.written.append(path)
            outcome = "file"
        expected = sorted(p.name for p in [self.previous, *self.written])
        present = sorted(p.name for p in self.folder.iterdir())
        assert present == expected, "a partial or temp file was left"
        kept = fingerprint(self.previous) == self.previous_print
        self.figures.add(AREA, previous_kept=int(kept))
        assert kept, "the earlier complete export was changed"
        return outcome


def _journal(db: Path) -> str:
    with Store.open_readonly(db) as store, store.read_snapshot() as snapshot:
        return snapshot.journal_mode


def _midway(store: Store, monkeypatch, after_pages: int, action) -> None:
    """Run ``action`` (the other process's write) before the export's page ``after_pages``."""
    real = store.events_after
    calls = 0

    def paged(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == after_pages:
            action()
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "events_after", paged)


@pytest.mark.parametrize("db", ["wal", "delete"], indirect=True)
def test_a_session_deleted_by_another_process_midway(
    db: Path, tmp_path: Path, monkeypatch, figures
):
    """The other process deletes the session after the export's 10th page (of 100). WAL: the
    delete commits at once and the export is the whole session as it was. Rollback journal:
    the delete is not blocked either, and the export refuses: nothing written."""
    journal = _journal(db)
    exports = Exports(db, tmp_path / "exports", figures)
    child = _child("delete", db, ULID, 0)
    deleted: list[str] = []

    def delete_now() -> None:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
        deleted.append(_finish(child, timeout=30))  # a lock held by the export would stall it

    with Store.open_readonly(db) as store:
        _midway(store, monkeypatch, 10, delete_now)
        outcome = exports.run(store)
    assert len(deleted) == 1, "the delete did not run midway"
    assert deleted[0].startswith("deleted=1"), deleted
    if journal == "wal":
        assert outcome == "file"
        assert exports.written == [exports.folder / f"{ULID}-2.md"]
        assert _parse(exports.written[0])[0] == EVENTS
    else:
        assert outcome == "error"
    # And now it is gone: a clear error, nothing written.
    assert exports.run() == "error"


@pytest.mark.parametrize("db", ["wal", "delete"], indirect=True)
def test_exports_racing_a_delete_in_another_process(db: Path, tmp_path: Path, figures):
    """Free-running: the delete lands at a random moment of the export (or before it)."""
    rng = random.Random(20261124)
    outcomes: list[str] = []
    for n in range(ROUNDS):
        shutil.copyfile(db, tmp_path / f"round{n}.db")
        exports = Exports(tmp_path / f"round{n}.db", tmp_path / f"exports{n}", figures)
        child = _child("delete", exports.db, ULID, f"{rng.uniform(0.0, 1.5):.3f}")
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
        outcomes.append(exports.run())
        assert _finish(child).startswith("deleted=1")
        outcomes.append(exports.run())  # after the delete
        assert outcomes[-1] == "error"
    figures.add(AREA, delete_races=ROUNDS)


@pytest.mark.parametrize("db", ["wal", "delete"], indirect=True)
def test_exports_while_another_process_appends(db: Path, tmp_path: Path, figures):
    """The other process appends 10 events every 20 ms during the exports. WAL: every export
    is one state of the session (header == body == seqs 1..count, count >= 200,000).
    Rollback journal: the export refuses (the session changed under it) unless no append
    landed, and the writer is never stalled for the export's duration."""
    journal = _journal(db)
    exports = Exports(db, tmp_path / "exports", figures)
    stop = tmp_path / "stop"
    child = _child("append", db, ULID, stop)
    try:
        time.sleep(0.1)
        outcomes = [exports.run() for _ in range(ROUNDS)]
    finally:
        stop.touch()
    fields = dict(part.split("=") for part in _finish(child).split())
    assert int(fields["appended"]) > 0
    slowest_ms = int(fields["slowest_ms"])
    figures.note(
        AREA,
        f"{journal}: {outcomes.count('file')}/{ROUNDS} exported while appending, "
        f"slowest append {slowest_ms} ms",
    )
    assert slowest_ms < 1_000, "the export blocked the writer"
    if journal == "wal":
        assert outcomes == ["file"] * ROUNDS
        assert all(_parse(path)[0] > EVENTS for path in exports.written)
    else:
        assert set(outcomes) <= {"file", "error"}


# ---- write_atomically(replace=False): the name is claimed atomically -----------------------


def test_concurrent_writers_of_one_name_each_get_their_own_file(tmp_path: Path):
    """Eight threads write the same name at once: eight complete files, none overwritten."""
    target = tmp_path / "out" / f"{ULID}.md"
    results: list[Path] = []
    go = threading.Barrier(8)

    def write(n: int) -> None:
        go.wait()
        results.append(write_atomically(target, [f"writer {n}\n".encode()] * 1000, replace=False))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    names = sorted(p.name for p in target.parent.iterdir())
    assert names == sorted([f"{ULID}.md", *(f"{ULID}-{n}.md" for n in range(2, 9))])
    assert sorted(results) == sorted(target.parent / name for name in names)
    contents = {p.read_text() for p in results}
    assert contents == {f"writer {n}\n" * 1000 for n in range(8)}  # each whole, none lost
    assert pending_temp_files() == []


def test_where_hard_links_are_refused_the_name_is_reserved(tmp_path: Path, monkeypatch):
    def no_link(*args: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", no_link)
    target = tmp_path / "x.jsonl"
    target.write_text("earlier\n")
    assert write_atomically(target, b"new\n", replace=False) == tmp_path / "x-2.jsonl"
    assert target.read_text() == "earlier\n"
    assert (tmp_path / "x-2.jsonl").read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x-2.jsonl", "x.jsonl"]

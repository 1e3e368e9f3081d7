"""Several processes on one database: no lost or duplicate seq, readers see gap-free growth.

Writers are separate Python processes (``python -c``), as the Rust client and this browser are.
The append rate is printed for ``pytest -s``; only correctness is asserted.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from store import EventKind, Store

WRITER = """
import sys
from store import EventKind, Store

path, sid, count, tag, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], \
    int(sys.argv[5])
with Store.open(path) as db:
    print("ready", flush=True)
    sys.stdin.readline()  # wait for "go" so that the writers really overlap
    done = 0
    while done < count:
        size = min(batch, count - done)
        if size == 1:
            db.append(sid, EventKind.SYSTEM, f"{tag} {done}")
        else:
            db.append_many(sid, [(EventKind.SYSTEM, f"{tag} {done + i}") for i in range(size)])
        done += size
"""


def _spawn(path: Path, sid: int, count: int, tag: str, batch: int = 1) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(sid), str(count), tag, str(batch)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=path.parent,  # python -c puts its cwd first on sys.path: keep tests/store off it
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _go(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("go\n")
    proc.stdin.flush()


def _finish(proc: subprocess.Popen[str]) -> None:
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err


def test_two_writer_processes_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with Store.open(path) as db:
        sid = db.start_session("01HTWO", None, "0.3.0", None)
    writers = [_spawn(path, sid, 500, tag) for tag in ("a", "b")]
    started = time.perf_counter()
    for proc in writers:
        _go(proc)
    for proc in writers:
        _finish(proc)
    elapsed = time.perf_counter() - started
    print(
        f"\n[store] two writer processes: 1000 appends (one transaction each) in {elapsed:.3f} s"
        f" = {1000 / elapsed:,.0f} appends/s"
    )

    with Store.open_readonly(path) as db:
        events = list(db.iter_events(sid, page=128))
        assert db.count_events(sid) == 1000
        assert db.seq_bounds(sid) == (1, 1000)
    assert [e.seq for e in events] == list(range(1, 1001))
    for tag in ("a", "b"):
        mine = [e.text for e in events if e.text.startswith(f"{tag} ")]
        # every append of each writer is there once, in the order that writer made them
        assert mine == [f"{tag} {i}" for i in range(500)]


def test_batched_and_single_writers_interleave_contiguously(tmp_path: Path) -> None:
    path = tmp_path / "mixed.db"
    with Store.open(path) as db:
        sid = db.start_session("01HMIX", None, "0.3.0", None)
    writers = [_spawn(path, sid, 300, "single"), _spawn(path, sid, 300, "batch", batch=7)]
    for proc in writers:
        _go(proc)
    for proc in writers:
        _finish(proc)
    with Store.open_readonly(path) as db:
        events = list(db.iter_events(sid))
    assert [e.seq for e in events] == list(range(1, 601))
    batch = [e for e in events if e.text.startswith("batch ")]
    assert [e.text for e in batch] == [f"batch {i}" for i in range(300)]
    # one append_many is one transaction: its seqs are contiguous even under contention
    for start in range(0, 300, 7):
        chunk = batch[start : start + 7]
        assert [e.seq for e in chunk] == list(range(chunk[0].seq, chunk[0].seq + len(chunk)))


def test_reader_polling_during_appends_sees_gap_free_growth(tmp_path: Path) -> None:
    path = tmp_path / "tail.db"
    total = 400
    with Store.open(path) as db:
        sid = db.start_session("01HTAIL", None, "0.3.0", None)
        db.append(sid, EventKind.PROMPT, "> start")

    with Store.open_readonly(path) as reader:
        version_before = reader.data_version()
        writer = _spawn(path, sid, total, "w")
        _go(writer)
        seen = reader.events_after(sid, 0, 50)
        counts: list[int] = []
        while writer.poll() is None:
            counts.append(reader.count_events(sid))
            assert [s.ulid for s in reader.list_sessions(5)] == ["01HTAIL"]
            seen.extend(reader.events_after(sid, seen[-1].seq, 50))
            time.sleep(0.001)
        _finish(writer)
        while batch := reader.events_after(sid, seen[-1].seq, 50):
            seen.extend(batch)
        final_count = reader.count_events(sid)
        version_after = reader.data_version()

    assert [e.seq for e in seen] == list(range(1, total + 2))
    assert [e.text for e in seen[1:]] == [f"w {i}" for i in range(total)]
    assert counts == sorted(counts)  # never shrinks
    assert all(1 <= c <= total + 1 for c in counts)
    assert final_count == total + 1
    assert version_after != version_before  # the cheap poll noticed the other process

"""Area 1, live writer: another process appends through ``store`` at >= 500 events/s while a
read-only store (and the app, by Pilot) follows the session.

Every seq must be seen exactly once and in order; the writer must never fail and must finish all
its appends within a bound (a reader holding a lock would stall it on busy timeouts).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _reliability import fields, lines_of, run_app, scaled, shown_seqs, spawn, wait_until

from store import EventKind, Store
from zero_session_tui.widgets.replay import ReplayView

AREA = "live-writer"
RATE = 600  # events per second, one append (one transaction) each
SECONDS = scaled(3, 30)
COUNT = RATE * SECONDS
BOUND = SECONDS + max(3.0, SECONDS / 2)
"""Seconds the writer may take for all its appends (the pacing alone takes ``SECONDS``)."""
ULID = "01JLIVEWRITER0000000000000"


def _session(tmp_path: Path, initial: int = 0) -> tuple[Path, int]:
    db = tmp_path / "live.db"
    with Store.open(db) as store:
        sid = store.start_session(ULID, "https://engine.example", "0.3.0", None)
        for i in range(initial):
            store.append(sid, EventKind.SYSTEM, f"before {i}")
    return db, sid


def _writer_result(proc, figures) -> dict[str, str]:
    out, err = proc.communicate(timeout=30)
    lines = out.strip().splitlines()
    if proc.returncode != 0 or not lines or "written=" not in lines[-1]:
        figures.add(AREA, writer_failures=1)
        pytest.fail(f"the writer failed (exit {proc.returncode}): {out[-500:]} {err[-2000:]}")
    result = fields(lines[-1])
    figures.add(AREA, writers=1, written=int(result["written"]))
    figures.add(AREA, write_seconds=float(result["elapsed"]))
    figures.peak(AREA, slowest_append_ms=float(result["slowest_ms"]))
    return result


def _check_writer(result: dict[str, str], first_seq: int) -> None:
    assert int(result["written"]) == COUNT
    assert int(result["last_seq"]) == first_seq + COUNT - 1
    # Not a rate ratio: all COUNT appends done within the bound, so nothing throttled them.
    assert float(result["elapsed"]) <= BOUND, result


def test_a_read_only_store_sees_every_event_once_in_order(tmp_path: Path, figures) -> None:
    db, sid = _session(tmp_path)
    reader = Store.open_readonly(db)
    seen: list[tuple[int, str]] = []
    reads = 0
    proc = spawn("live", db, sid, COUNT, RATE)
    try:
        known = reader.data_version()
        give_up = time.monotonic() + BOUND + 30
        while time.monotonic() < give_up:
            finished = proc.poll() is not None
            version = reader.data_version()
            if version != known:
                # What the live tail does: on a new data_version, keyset-read what is new.
                known = version
                while batch := reader.events_after(sid, seen[-1][0] if seen else 0, 500):
                    reads += 1
                    seen.extend((event.seq, event.text) for event in batch)
            elif finished:
                break  # the writer is gone and nothing changed since the last read
            else:
                time.sleep(0.01)
    finally:
        if proc.poll() is None:
            proc.kill()
        reader.close()
    result = _writer_result(proc, figures)
    _check_writer(result, first_seq=1)
    seqs = [seq for seq, _ in seen]
    assert len(seqs) == len(set(seqs)), "a seq was seen twice"
    assert seqs == list(range(1, COUNT + 1)), "events missing or out of order"
    assert [text for _, text in seen] == [f"live {i}" for i in range(COUNT)]
    figures.add(AREA, seen_reader=len(seen), reads=reads)


@pytest.mark.skipif(
    not hasattr(ReplayView, "grow"), reason="the app has no live tail (ReplayView.grow) yet"
)
def test_the_app_follows_the_live_session(tmp_path: Path, figures) -> None:
    initial = 1
    db, sid = _session(tmp_path, initial)
    total = initial + COUNT

    async def scenario(app, pilot):
        replay = app.replay
        assert await wait_until(pilot, lambda: replay.timeline is not None and shown_seqs(replay))
        proc = spawn("live", db, sid, COUNT, RATE)
        counts: list[int] = []
        try:
            give_up = time.monotonic() + BOUND + 10
            while proc.poll() is None and time.monotonic() < give_up:
                await pilot.pause(0.1)
                counts.append(replay.timeline.count)
                # At any moment, each drawn line shows the seq of its row (seqs are 1..N),
                # so nothing is repeated, skipped or out of order; a line may still be loading.
                top = replay.scroll_offset.y
                for y, line in enumerate(lines_of(replay)):
                    if line.strip():
                        assert line.split()[0] == str(top + y + 1), (top, y, line)
        finally:
            if proc.poll() is None:
                proc.kill()
        caught_up = await wait_until(
            pilot,
            lambda: replay.timeline.count == total and shown_seqs(replay)[-1:] == [total],
            timeout=10,
        )
        timeline = replay.timeline
        rows = [timeline.seq_of_row(row) for row in range(timeline.count)]
        return proc, counts, caught_up, rows, shown_seqs(replay), lines_of(replay)

    _, (proc, counts, caught_up, rows, tail, lines) = run_app(
        [db], scenario, args=["--session", ULID, "--no-welcome"], clock=_real_now
    )
    result = _writer_result(proc, figures)
    _check_writer(result, first_seq=initial + 1)
    assert counts == sorted(counts), "the shown session shrank"
    assert len(set(counts)) >= 2, "the app did not grow the session while the writer ran"
    assert caught_up, f"the app did not reach seq {total} (last counts {counts[-3:]})"
    assert rows == list(range(1, total + 1)), "the app's rows skip or repeat a seq"
    assert tail[-1] == total, "the app does not show the newest event"
    assert f"live {COUNT - 1}" in lines[len(tail) - 1]
    figures.add(AREA, seen_app=COUNT)


def _real_now() -> datetime:
    return datetime.now(UTC)


# ---- the live tail's edges, made deterministic by holding the change poll ------------------


class _PollGate:
    """Wraps ``ChangeWatcher.changed`` so a test knows when a poll (which takes the
    ``data_version`` baseline the first time) has run, and can hold the polls that worker
    threads make until it has written (a call from the UI thread is never held)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, hold: bool) -> None:
        from zero_session_tui import change_watcher as live

        self.released = threading.Event()
        self.polled = threading.Event()
        if not hold:
            self.released.set()
        original = live.ChangeWatcher.changed

        def gated(watcher):
            if threading.current_thread() is not threading.main_thread():
                self.released.wait(20)
            try:
                return original(watcher)
            finally:
                self.polled.set()

        monkeypatch.setattr(live.ChangeWatcher, "changed", gated)

    async def first_poll(self, pilot) -> bool:
        return await wait_until(pilot, self.polled.is_set)


def _append_burst(db: Path, sid: int, count: int) -> None:
    with Store.open(db) as store:
        store.append_many(sid, [(EventKind.COMMAND, f"burst {i}") for i in range(count)])


async def _settled(app, pilot) -> None:
    """Let the start-up finish: the list's first highlight may preview (re-open) the session
    after a short delay; a re-read after the test's write would hide what is tested."""
    await pilot.pause(0.3)
    busy = ("open", "sessions", "open-ulid")
    assert await wait_until(
        pilot, lambda: not any(w.group in busy and not w.is_finished for w in app.workers)
    )


def _follow_scenario(db: Path, sid: int, initial: int, burst: int, gate_first: bool, gate):
    total = initial + burst

    async def scenario(app, pilot):
        replay = app.replay
        assert await wait_until(pilot, lambda: replay.timeline is not None and app.table.items)
        await _settled(app, pilot)
        if gate_first:
            assert await gate.first_poll(pilot)  # the baseline is taken: now write
        _append_burst(db, sid, burst)
        gate.released.set()
        # Polls run every 0.5 s: a few of them are plenty.
        grew = await wait_until(pilot, lambda: replay.timeline.count == total, timeout=2.5)
        shown = grew and await wait_until(pilot, lambda: total in shown_seqs(replay), timeout=1.5)
        return grew, shown, replay.timeline.count, shown_seqs(replay), replay.border_title

    return scenario


@pytest.mark.skipif(not hasattr(ReplayView, "grow"), reason="the app has no live tail yet")
def test_events_written_before_the_first_poll_are_shown(tmp_path, monkeypatch, figures):
    """Found by this suite at fde24d4: the live tail took its data_version baseline at its
    first poll, so events committed between opening the session and that poll never showed;
    fixed in 0bda382 (the first poll counts as a change)."""
    db, sid = _session(tmp_path, initial=1)
    gate = _PollGate(monkeypatch, hold=True)
    scenario = _follow_scenario(db, sid, 1, 5, gate_first=False, gate=gate)
    _, (grew, _, count, _, _) = run_app(
        [db], scenario, args=["--session", ULID, "--no-welcome"], clock=_real_now
    )
    assert grew, f"5 events committed before the first poll never appeared (count {count})"


@pytest.mark.skipif(not hasattr(ReplayView, "grow"), reason="the app has no live tail yet")
def test_a_burst_that_outgrows_the_pane_keeps_the_newest_event_on_screen(
    tmp_path, monkeypatch, figures
):
    """Found by this suite at fde24d4: the cursor moved to the new last event but the view
    stayed at the top, since Textual ignores ``scroll_to`` before the scrollbar is up; fixed
    in 0bda382 (``scroll_to(..., force=True)``)."""
    db, sid = _session(tmp_path, initial=1)
    gate = _PollGate(monkeypatch, hold=False)
    scenario = _follow_scenario(db, sid, 1, 100, gate_first=True, gate=gate)
    _, (grew, shown, count, seqs, _) = run_app(
        [db], scenario, args=["--session", ULID, "--no-welcome"], clock=_real_now
    )
    assert grew, count
    assert shown, f"following, but the newest seq 101 is not on screen: {seqs[-3:]}"


@pytest.mark.skipif(not hasattr(ReplayView, "grow"), reason="the app has no live tail yet")
def test_an_empty_live_session_is_followed_when_events_arrive(tmp_path, monkeypatch, figures):
    """Found by this suite at fde24d4: a live session opened while empty said "LIVE paused"
    and its first events stayed off screen (``following`` was False with no rows); fixed in
    0bda382."""
    db, sid = _session(tmp_path, initial=0)
    gate = _PollGate(monkeypatch, hold=False)
    scenario = _follow_scenario(db, sid, 0, 60, gate_first=True, gate=gate)
    _, (grew, shown, count, seqs, title) = run_app(
        [db], scenario, args=["--session", ULID, "--no-welcome"], clock=_real_now
    )
    assert grew, count
    assert shown, f"the newest seq 60 is not on screen: {seqs[-3:]} ({title})"

"""Live tail: the app follows the 200k session while another process appends 100 events/s.

    python -m bench.live_tail [--quick]       # 10 minutes (quick: 60 s), prints its section

The real app runs under tmux (``python -m zero_session_tui --db COPY --session ULID
--no-welcome``, the worktree's code) on a copy of the cached database, made with SQLite's
backup API so the cache stays as it was; the copy's 200k session is made open again
(``ended_at`` cleared: a session the client is still writing). Writer processes append
through ``store`` as the client does, a batch every 100 ms on a fixed schedule; each writes
``SEGMENT_S`` seconds' worth and exits, and the next one starts (the client's runs start and
end too, so ``-wal`` files come and go).

Measured on the app's process tree, from ``/proc``: CPU time (utime + stime) over the writing
after a warm-up, as a share of one core, and the resident set (VmRSS) at the end of the
warm-up and at the end. "Every event seen in order" is judged on the app's own follow log
(``ZERO_SESSION_TUI_FOLLOW_LOG``: one line per poll applied, with the seqs it appended to the
shown rows): the appended ranges must join up from the session's last seq before the writing
to the writer's last seq, with no gap and no repeat; and the screen must show the last event's
text at the end. The log also gives each poll's time in its worker: early and late medians
show whether a poll's cost grows with the session.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from store import EventKind, Store

from .dataset import Dataset, ensure_dataset
from .measure import Pane, PaneTimeout, process_tree
from .report import Goal
from .section import Section
from .tools import ROOT, base_env

__all__ = ["main", "section"]

RATE: Final = 100
"""Events per second the writers append."""
TICK_S: Final = 0.1
"""One batch every TICK_S seconds (RATE * TICK_S events each)."""
SEGMENT_S: Final = 20.0
"""Each writer process writes this long, then exits; the next one starts."""
FULL_S: Final = 600.0
QUICK_S: Final = 60.0
WARMUP_S: Final = 60.0
QUICK_WARMUP_S: Final = 15.0
"""Writing before the measured window starts: the app's bounded caches fill meanwhile (the
pane's drawn lines, the pages of rows, SQLite's page cache of 2 MB per connection)."""
CPU_GOAL: Final = 5.0
RSS_GOAL_MIB: Final = 2.0
MARK: Final = "LIVETAIL"
_KINDS: Final = (EventKind.COMMAND, EventKind.SYSTEM, EventKind.SYSTEM, EventKind.WARN)
CLK_TCK: Final = os.sysconf("SC_CLK_TCK")


def event_text(n: int) -> str:
    return f"{MARK} {n:07d} order book tick; latency {n % 97} ms; queue depth {n % 13}"


# ---- the writer (a process of its own) ------------------------------------------------------


def writer_main(db: str, ulid: str, first: int, count: int) -> None:
    """Append events ``first`` .. ``first + count - 1`` (by their number in the run) to
    ``ulid``, RATE a second in batches every TICK_S; print the last seq and exit."""
    per_tick = max(1, round(RATE * TICK_S))
    with Store.open(db) as store:
        session = store.get_session_by_ulid(ulid)
        if session is None:
            raise SystemExit(f"no session {ulid} in {db}")
        start = time.monotonic()
        n, last, tick = first, 0, 0
        while n < first + count:
            due = start + tick * TICK_S
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            batch = [
                (_KINDS[i % len(_KINDS)], event_text(i))
                for i in range(n, min(n + per_tick, first + count))
            ]
            last = store.append_many(session.id, batch)[-1]
            n += len(batch)
            tick += 1
    print(f"done {last}", flush=True)


# ---- the driver ----------------------------------------------------------------------------


@dataclass(slots=True)
class Sample:
    at: float
    cpu_s: float
    rss_kib: int


def sample(root: int) -> Sample:
    """CPU seconds and resident KiB of ``root``'s process tree now."""
    ticks, rss = 0, 0
    for pid in process_tree(root):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1])
    return Sample(time.monotonic(), ticks / CLK_TCK, rss)


@dataclass(slots=True)
class FollowCheck:
    """What the app's follow log says about the events it appended to the shown rows."""

    polls: list[tuple[float, float]] = field(default_factory=list)  # (monotonic, ms)
    appended: int = 0
    last_seq: int | None = None
    resets: int = 0
    problems: list[str] = field(default_factory=list)


def read_follow_log(path: Path, start_seq: int) -> FollowCheck:
    check = FollowCheck(last_seq=start_seq)
    if not path.exists():
        check.problems.append("no follow log written")
        return check
    for line in path.read_text().splitlines():
        parts = line.split()
        if parts[:1] == ["poll"]:
            check.polls.append((float(parts[1]), float(parts[2])))
        elif parts[:1] == ["grew"]:
            first, last, added, contiguous = (int(p) for p in parts[1:5])
            if not contiguous or added != last - first + 1:
                check.problems.append(f"rows {first}..{last} not contiguous ({added} added)")
            if check.last_seq is not None and first != check.last_seq + 1:
                check.problems.append(f"after seq {check.last_seq} came {first}")
            check.appended += added
            check.last_seq = last
        elif parts[:1] == ["reset"]:
            check.resets += 1  # a poll's answer dropped and read again: the ranges still join
    return check


def _copy(source: Path, target: Path, ulid: str) -> int:
    """``source`` copied through the backup API, ``ulid`` open again; its last seq."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL").fetchone()
        dst.execute("UPDATE sessions SET ended_at = NULL WHERE ulid = ?", (ulid,))
        dst.commit()
        (last,) = dst.execute(
            "SELECT MAX(e.seq) FROM events e JOIN sessions s ON s.id = e.session_id"
            " WHERE s.ulid = ?",
            (ulid,),
        ).fetchone()
    finally:
        src.close()
        dst.close()
    return int(last)


def _start_writer(db: Path, ulid: str, first: int, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "bench.live_tail", "--writer", str(db), ulid]
    return subprocess.Popen(
        [*argv, str(first), str(count)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


@dataclass(slots=True)
class Run:
    seconds: float
    start_seq: int
    warmup: float = WARMUP_S
    writer_last: int = 0
    writers: int = 0
    warm: Sample | None = None
    half: Sample | None = None
    end: Sample | None = None
    rss_max: int = 0
    screen_ok: bool = False
    check: FollowCheck = field(default_factory=FollowCheck)
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)


def run(ds: Dataset, seconds: float, progress: Callable[[str], None]) -> Run:
    with tempfile.TemporaryDirectory(prefix="live-tail-") as tmp:
        home = Path(tmp)
        db = home / "live.db"
        progress("live tail: copying the database")
        start_seq = _copy(ds.db, db, ds.big_ulid)
        log = home / "follow.log"
        env = {
            **base_env(),
            "PYTHONPATH": str(ROOT),
            "ZERO_SESSION_TUI_FOLLOW_LOG": str(log),
            **{
                f"XDG_{d}_HOME": str(home / d.lower()) for d in ("DATA", "CONFIG", "STATE", "CACHE")
            },
        }
        result = Run(seconds, start_seq, QUICK_WARMUP_S if seconds <= QUICK_S else WARMUP_S)
        argv = [sys.executable, "-m", "zero_session_tui", "--db", str(db)]
        argv += ["--session", ds.big_ulid, "--no-welcome"]
        with Pane("tail", env, home) as pane:
            since = pane.launch("ours-tail", argv, {})
            pane.wait_for(ds.big_last, since, poll=0.05, timeout=60)
            time.sleep(2.0)  # the counts read after the first screen
            root = pane.pane_pid()
            total = int(seconds * RATE)
            per_writer = int(SEGMENT_S * RATE)
            progress(f"live tail: {seconds:.0f} s at {RATE} events/s")
            began = time.monotonic()
            written = 0
            while written < total:
                count = min(per_writer, total - written)
                writer = _start_writer(db, ds.big_ulid, written + 1, count)
                result.writers += 1
                while writer.poll() is None:
                    now = time.monotonic()
                    current = sample(root)
                    if result.warm is None and now - began >= result.warmup:
                        result.warm = current
                    if result.half is None and now - began >= (seconds + result.warmup) / 2:
                        result.half = current
                    if result.warm is not None:
                        result.rss_max = max(result.rss_max, current.rss_kib)
                    time.sleep(0.5)
                out = writer.stdout.read() if writer.stdout is not None else ""
                if writer.returncode != 0 or not out.startswith("done "):
                    raise RuntimeError(f"writer failed ({writer.returncode}): {out!r}")
                result.writer_last = int(out.split()[1])
                written += count
                progress(f"live tail: {written:,} of {total:,} events written")
            result.end = sample(root)
            result.load = os.getloadavg()
            last_text = event_text(total)
            try:
                pane.wait_for(last_text, time.perf_counter(), poll=0.1, timeout=5)
                result.screen_ok = True
            except PaneTimeout:
                result.screen_ok = False
            time.sleep(1.0)  # the poll that showed it has written its log line
        result.check = read_follow_log(log, start_seq)
    return result


def _median_ms(polls: list[tuple[float, float]]) -> float | None:
    return statistics.median(ms for _, ms in polls) if polls else None


def report(result: Run) -> Section:
    warm, end, check = result.warm, result.end, result.check
    lines: list[str] = []
    cpu = rss_growth = None
    if warm is not None and end is not None and end.at > warm.at:
        cpu = (end.cpu_s - warm.cpu_s) / (end.at - warm.at) * 100
        rss_growth = (end.rss_kib - warm.rss_kib) / 1024
    expected = result.writer_last - result.start_seq
    in_order = (
        not check.problems
        and check.last_seq == result.writer_last
        and check.appended == expected
        and result.screen_ok
    )
    third = len(check.polls) // 3
    early, late = _median_ms(check.polls[:third]), _median_ms(check.polls[-third:] if third else [])
    window = (end.at - warm.at) if warm is not None and end is not None else 0.0
    lines.append(
        f"{result.seconds:.0f} s at {RATE} events/s into the {result.start_seq:,}-event session"
        f" ({result.writers} writer processes, {expected:,} events; measured over the last"
        f" {window:.0f} s, after {result.warmup:.0f} s of warm-up)"
    )
    lines.append(f"app CPU: {cpu:.2f} % of one core" if cpu is not None else "app CPU: -")
    if warm is not None and end is not None:
        lines.append(
            f"app RSS: {warm.rss_kib / 1024:.1f} MiB after warm-up,"
            + (f" {result.half.rss_kib / 1024:.1f} MiB half-way," if result.half else "")
            + f" {end.rss_kib / 1024:.1f} MiB at the end (max {result.rss_max / 1024:.1f} MiB):"
            + f" growth {rss_growth:+.2f} MiB"
        )
    lines.append(
        f"polls: {len(check.polls)} ({check.resets} read again); worker time median"
        f" {early or 0:.2f} ms in the first third, {late or 0:.2f} ms in the last third"
    )
    lines.append(
        f"events seen: {check.appended:,} of {expected:,}, last seq {check.last_seq}"
        f" (writer's {result.writer_last}); last text on screen: {result.screen_ok}"
        + (f"; problems: {'; '.join(check.problems[:3])}" if check.problems else "")
    )
    load = ", ".join(f"{x:.2f}" for x in result.load)
    lines.append(f"load average at the end: {load}")
    goals = [
        Goal(
            f"live tail CPU over {result.seconds:.0f} s at {RATE}/s: <= {CPU_GOAL:.0f} % of a core",
            f"{cpu:.2f} %" if cpu is not None else "-",
            None if cpu is None else cpu <= CPU_GOAL,
        ),
        Goal(
            f"live tail RSS growth: <= {RSS_GOAL_MIB:.0f} MiB",
            f"{rss_growth:+.2f} MiB" if rss_growth is not None else "-",
            None if rss_growth is None else rss_growth <= RSS_GOAL_MIB,
        ),
        Goal("live tail: every event seen, in order", "yes" if in_order else "no", in_order),
    ]
    return Section("live tail", lines, goals)


def section(ds: Dataset, *, quick: bool, progress: Callable[[str], None]) -> Section:
    return report(run(ds, QUICK_S if quick else FULL_S, progress))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.live_tail")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_S:.0f} s, not 10 minutes")
    parser.add_argument("--seconds", type=float, help="write this long instead")
    parser.add_argument("--writer", nargs=4, metavar=("DB", "ULID", "FIRST", "COUNT"))
    args = parser.parse_args(argv)
    if args.writer:
        db, ulid, first, count = args.writer
        writer_main(db, ulid, int(first), int(count))
        return
    ds = ensure_dataset()
    seconds = args.seconds or (QUICK_S if args.quick else FULL_S)
    result = report(run(ds, seconds, lambda text: print(text, file=sys.stderr, flush=True)))
    print(result.title)
    for line in result.lines:
        print(f"  {line}")
    for goal in result.goals:
        print(goal.line())


if __name__ == "__main__":
    main()

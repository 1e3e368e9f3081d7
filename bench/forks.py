"""The fork tree of a session with 10,000 forks: ``.venv/bin/python -m bench.forks``.

A database written with plain SQL (the client's tables, no index of ours): one parent
session with ``--events`` events a second apart and 10,000 forks started across them, in a
temporary directory. It prints, in milliseconds over ``--runs`` rounds (first, median, max):

- ``build``: ``fork_tree.build_fork_tree`` on a store of its own (what the worker runs), and
  how many SQL statements it ran;
- ``open``: the app (headless, 120x36, the parent shown) from the ``f`` key until the fork
  screen is mounted and refreshed (the worker, the screen, the tree's 201 lines painted).

The goal of issue 10 is ``open`` under 500 ms. The whole run takes a few seconds. ``--forks 1``
gives the floor: the same dialog with a tree of two lines.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store import Store, format_rfc3339
from store.schema import TABLES_SQL
from zero_session_tui.catalog import Catalog, SessionKey
from zero_session_tui.cli import parse_args
from zero_session_tui.fork_tree import MAX_CHILDREN, build_fork_tree

START = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
PARENT = "01KB0000000000000000PARENT"


def _fork_ulid(n: int) -> str:
    return f"01KB{n:016d}FORKS0"


def build(path: Path, forks: int, events: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(TABLES_SQL)
        conn.execute("BEGIN")
        end = START + timedelta(seconds=events + 1)
        # The parent records a start after every fork (its events keep theirs), so it is the
        # first row of the newest-first list, as a session just used would be.
        conn.execute(
            "INSERT INTO sessions (id, ulid, started_at, ended_at, cli_version, parent_ulid)"
            " VALUES (1, ?, ?, ?, '0.4.0', NULL)",
            (PARENT, format_rfc3339(end), format_rfc3339(end)),
        )
        conn.executemany(
            "INSERT INTO events (session_id, seq, at, kind, text) VALUES (1, ?, ?, 'system', ?)",
            (
                (n, format_rfc3339(START + timedelta(seconds=n)), f"event {n}")
                for n in range(1, events + 1)
            ),
        )
        step = (events + 1) / forks
        conn.executemany(
            "INSERT INTO sessions (ulid, started_at, ended_at, cli_version, parent_ulid)"
            " VALUES (?, ?, ?, '0.4.0', ?)",
            (
                (
                    _fork_ulid(n),
                    format_rfc3339(START + timedelta(seconds=n * step)),
                    format_rfc3339(end),
                    PARENT,
                )
                for n in range(1, forks + 1)
            ),
        )
        conn.execute(
            "INSERT INTO milestones (key, value, at) VALUES ('welcome_shown', 'true', ?)",
            (format_rfc3339(START),),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def time_build(path: Path, runs: int) -> tuple[list[float], int, int]:
    """Milliseconds per build, the statements of one build, and the forks it counted."""
    times: list[float] = []
    statements: list[str] = []
    counted = 0
    with Store.open_readonly(path) as store:
        for run in range(runs):
            if run == 0:
                store.set_trace(statements.append)
            started = time.perf_counter()
            root = build_fork_tree(store, 0, 1)
            times.append((time.perf_counter() - started) * 1000)
            store.set_trace(None)
            if root is None:
                raise RuntimeError("the parent session is missing")
            counted = len(root.children) + root.more
    return times, len(statements), counted


async def _open_once(path: Path, lines: int) -> float:
    from textual.widgets import Tree

    from zero_session_tui.__main__ import make_app
    from zero_session_tui.screens.forks import ForksScreen

    options = parse_args(["--db", str(path), "--session", PARENT, "--no-live", "--no-welcome"])
    catalog = Catalog.open(options.databases)
    try:
        app = make_app(options, catalog)
        async with app.run_test(size=(120, 36)) as pilot:
            deadline = time.perf_counter() + 30
            while app.state.shown_key != SessionKey(0, 1):
                if time.perf_counter() > deadline:
                    raise RuntimeError("the parent session was never shown")
                await asyncio.sleep(0.005)
            await app.workers.wait_for_complete()  # the list and the replay loaded
            await pilot.pause()
            started = time.perf_counter()
            app.simulate_key("f")  # as typed; Pilot.press would also wait for other work
            while not (isinstance(app.screen, ForksScreen) and app.screen.is_mounted):
                if time.perf_counter() - started > 30:
                    raise RuntimeError("the fork screen never opened")
                await asyncio.sleep(0.001)
            painted = asyncio.Event()
            app.screen.call_after_refresh(painted.set)  # once the screen has been refreshed
            await painted.wait()
            elapsed = (time.perf_counter() - started) * 1000
            if app.screen.query_one(Tree).last_line + 1 < lines:
                raise RuntimeError("the tree does not hold the forks")
            return elapsed
    finally:
        catalog.close()


def _line(name: str, times: list[float], note: str = "") -> str:
    first, median, worst = times[0], statistics.median(times), max(times)
    return f"{name:<6} first {first:8.1f} ms  median {median:8.1f} ms  max {worst:8.1f} ms{note}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.forks", description=__doc__)
    parser.add_argument("--forks", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=2_000, help="events of the parent")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-forks-") as tmp:
        path = Path(tmp) / "forks.db"
        started = time.perf_counter()
        build(path, options.forks, options.events)
        made = (time.perf_counter() - started) * 1000
        print(f"database: 1 parent of {options.events:,} events, {options.forks:,} forks"
              f" (written in {made:.0f} ms)")  # fmt: skip
        times, statements, counted = time_build(path, options.runs)
        print(_line("build", times, f"  ({statements} statements, {counted:,} forks counted)"))
        lines = 1 + min(options.forks, MAX_CHILDREN) + (options.forks > MAX_CHILDREN)
        opened = [asyncio.run(_open_once(path, lines)) for _ in range(options.runs)]
        print(_line("open", opened, "  (f until the tree is on screen; goal < 500 ms)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

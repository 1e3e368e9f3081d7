"""How long the overview (``O``) takes to appear: ``.venv/bin/python -m bench.overview``.

A benchmark, not a test (bench/README.md). Bounded: two databases in a temporary directory,
the demo (``zero_session_tui.demo.build_demo``) and one session of ``--events`` events
(default 200,000, ``tests/app/harness.build_big_session``, written through ``store``).
For each it prints, in milliseconds over ``--runs`` rounds (first, median, max):

- ``read``: ``store.overview.read_overview`` alone (the one statement and the folding);
- ``O to dialog``: the app headless (120x36), the list shown, from pressing ``O`` until the
  overview's dialog is mounted (it says it is reading);
- ``O to numbers``: until its rows are filled (the worker's read and the layout).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store import Store
from store.overview import read_overview
from tests.app.harness import build_big_session
from zero_session_tui.__main__ import make_app
from zero_session_tui.catalog import Catalog
from zero_session_tui.cli import parse_args
from zero_session_tui.demo import build_demo

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TIMEOUT = 120.0


def _figures(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"first {ms[0]:7.1f}  median {statistics.median(ms):7.1f}  max {max(ms):7.1f} ms"


def _read(db: Path, runs: int) -> list[float]:
    times = []
    with Store.open_readonly(db) as store:
        for _ in range(runs):
            start = time.perf_counter()
            read_overview(store, None, UTC)
            times.append(time.perf_counter() - start)
    return times


async def _until(pilot: Any, condition: Callable[[], bool], *, settle: bool = True) -> None:
    """Poll ``condition``; ``settle=False`` only yields to the loop (``pilot.pause`` first
    waits for the screen's queue, so it would time the work in that queue too)."""
    deadline = time.perf_counter() + TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("gave up waiting")
        if settle:
            await pilot.pause(0.002)
        else:
            await asyncio.sleep(0.002)


async def _app_round(db: Path) -> tuple[float, float]:
    """Seconds from ``O`` to the dialog on screen (reading), and to its rows filled."""
    from textual.widgets import DataTable

    from zero_session_tui.screens.overview import OverviewScreen

    options = parse_args(["--db", str(db), "--no-live", "--no-welcome"])
    catalog = Catalog.open(options.databases)
    try:
        app = make_app(options, catalog, clock=lambda: NOW, tz=UTC)
        async with app.run_test(size=(120, 36)) as pilot:
            await _until(pilot, lambda: bool(app.table.items))
            await pilot.pause()

            def up() -> bool:
                screen = app.screen
                return isinstance(screen, OverviewScreen) and screen.is_mounted

            def filled() -> bool:
                screen = app.screen
                if not isinstance(screen, OverviewScreen) or screen.overview is None:
                    return False
                return screen.query_one(DataTable).row_count == len(screen.overview.days)

            # Not ``pilot.press``: it returns only once the app is idle, the read done.
            start = time.perf_counter()
            app.simulate_key("O")
            await _until(pilot, up, settle=False)
            dialog = time.perf_counter() - start
            await _until(pilot, filled)
            return dialog, time.perf_counter() - start
    finally:
        catalog.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--db", type=Path, action="append", default=[], help="also this database (repeatable)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as root:
        demo = Path(root) / "demo.db"
        build_demo(demo, end=NOW)
        big = build_big_session(Path(root) / "big.db", args.events)
        named = [("demo", demo), (f"{args.events:,} events", big)]
        for db in args.db:
            named.append((db.name[:16], db))
        for name, db in named:
            print(f"{name:>16}  read          {_figures(_read(db, args.runs))}", flush=True)
            rounds = [asyncio.run(_app_round(db)) for _ in range(args.runs)]
            print(f"{name:>16}  O to dialog   {_figures([r[0] for r in rounds])}", flush=True)
            print(f"{name:>16}  O to numbers  {_figures([r[1] for r in rounds])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

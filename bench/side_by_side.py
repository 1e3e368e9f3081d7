"""How long side by side (``V``) takes: ``.venv/bin/python -m bench.side_by_side``.

A benchmark, not a test (bench/README.md). Bounded: one database in a temporary directory,
written through ``store`` with a fixed clock: a session of ``--events`` events (default
200,000, one a second), a rerun of it equal but for its last event, and a fork of the first
that left it half way and repeats its next ``--events``/2 events but for the last. Prints, in
milliseconds over ``--runs`` rounds (first, median, max):

- ``open``: ``pairing.read_pair`` (both sessions, the fork point, the first pages);
- ``time lookup``: ``alignment.row_at_or_before`` on a timeline with an empty LRU (a
  time-locked follow), at 20 moments spread over the session;
- ``difference SQLite`` / ``Python``: the first difference of the session and its rerun,
  which differ only at their last event (the longest walk there is), and of the fork and its
  parent: compared by SQLite (``alignment.first_difference_in_sql``, the app's way for one
  database, the shapes verified first) and page by page in Python
  (``alignment.first_difference``, for two databases or seqs with gaps);
- ``V to screen``: the app headless (120x36), the fork shown, from pressing ``V`` until both
  panes show their rows; ``V to difference``: until the first difference is marked.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from store import EventKind, Store
from store.clocks import SettableClock
from tests.app.harness import add_session, ready, ulid_at
from zero_session_tui.__main__ import make_app
from zero_session_tui.alignment import (
    counted_shape,
    first_difference,
    first_difference_in_sql,
    row_at_or_before,
)
from zero_session_tui.catalog import Catalog, SessionKey
from zero_session_tui.cli import parse_args
from zero_session_tui.pairing import Pair, read_pair
from zero_session_tui.timeline import Timeline

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
START = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
TIMEOUT = 300.0
KINDS = list(EventKind)


def _figures(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"first {ms[0]:8.1f}  median {statistics.median(ms):8.1f}  max {max(ms):8.1f} ms"


def _events(count: int, first: int = 0, last: str = "") -> list[tuple[EventKind, str]]:
    events = [(KINDS[n % 6], f"event number {n + 1}") for n in range(first, first + count)]
    if last:
        events[-1] = (EventKind.SYSTEM, last)
    return events


def build(path: Path, count: int) -> dict[str, str]:
    clock = SettableClock(START)
    one = ulid_at(START, "S1DE0NE")
    rerun = ulid_at(START + timedelta(days=1), "S1DE2")
    fork = ulid_at(START + timedelta(seconds=count // 2, milliseconds=500), "S1DEF0RK")
    second = timedelta(seconds=1)
    with Store.open(path, clock=clock) as store:
        add_session(store, clock, ulid=one, start=START, events=_events(count), gap=second)
        add_session(
            store,
            clock,
            ulid=rerun,
            start=START + timedelta(days=1),
            events=_events(count, last="the rerun's own last event"),
            gap=second,
        )
        add_session(
            store,
            clock,
            ulid=fork,
            start=START + timedelta(seconds=count // 2, milliseconds=500),
            events=_events(count // 2, first=count // 2, last="the fork's own last event"),
            gap=second,
            parent=one,
        )
    return {"one": one, "rerun": rerun, "fork": fork}


def _key(catalog: Catalog, ulid: str) -> SessionKey:
    found = catalog.find_ulid(ulid)
    assert found is not None
    return found[0]


def _timed(job: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return times


def _lookups(catalog: Catalog, pair: Pair) -> list[float]:
    timeline = pair.left
    origin = timeline.session.started_at
    assert origin is not None
    times = []
    for step in range(20):
        fresh = Timeline(timeline.key, timeline.session, timeline.shape)  # an empty LRU
        moment = origin + timedelta(seconds=timeline.count * step / 20 + 0.5)
        start = time.perf_counter()
        row_at_or_before(catalog, fresh, moment)
        times.append(time.perf_counter() - start)
    return times


def _walk(catalog: Catalog, pair: Pair, starts: tuple[int, int]) -> None:
    """Python's walk (sessions in two databases, or seqs with gaps)."""
    with catalog.reader(0) as ours, catalog.reader(0) as theirs:
        found = first_difference((ours, pair.left, starts[0]), (theirs, pair.right, starts[1]))
    assert found.found, found


def _walk_sql(catalog: Catalog, pair: Pair, starts: tuple[int, int]) -> None:
    """SQLite's (the app's way for one database), the shapes verified first as the app does."""
    left, right = pair.left, pair.right
    with catalog.reader(0) as store:
        shapes = [counted_shape(store, t) for t in (left, right)]
        found = first_difference_in_sql(
            store,
            (shapes[0], left.key.session_id, starts[0]),
            (shapes[1], right.key.session_id, starts[1]),
        )
    assert found is not None
    assert found.found, found


async def _until(pilot: Any, condition: Callable[[], bool]) -> None:
    """Poll with plain sleeps: ``pilot.pause`` (and ``press``) wait for the screen to be
    idle, which would time the difference's worker too."""
    deadline = time.perf_counter() + TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("gave up waiting")
        await asyncio.sleep(0.001)


async def _app_round(db: Path, fork: str) -> tuple[float, float]:
    from zero_session_tui.screens.side_by_side import SideBySideScreen

    options = parse_args(["--db", str(db), "--no-live", "--no-welcome", "--session", fork])
    catalog = Catalog.open(options.databases)
    try:
        app = make_app(options, catalog, clock=lambda: NOW, tz=UTC)
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)  # the fork shown, the replay focused: V acts on it
            assert app.focused is app.replay

            def panes() -> bool:
                screen = app.screen
                if not isinstance(screen, SideBySideScreen) or not screen.is_mounted:
                    return False
                for pane in (screen.left, screen.right):
                    timeline = pane.timeline
                    if timeline is None or not 0 <= pane.cursor < pane.rows:
                        continue
                    if timeline.cached(pane.cursor) is None:
                        return False
                return True

            start = time.perf_counter()
            await app.run_action("side_by_side")  # what V runs, without the pilot's waiting
            await _until(pilot, panes)
            shown = time.perf_counter() - start
            await _until(pilot, lambda: getattr(app.screen, "difference", None) is not None)
            return shown, time.perf_counter() - start
    finally:
        catalog.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as root:
        db = Path(root) / "sbs.db"
        start = time.perf_counter()
        ulids = build(db, args.events)
        print(f"built 2 x {args.events:,} + {args.events // 2:,} events in "
              f"{time.perf_counter() - start:.1f} s", flush=True)  # fmt: skip
        catalog = Catalog.open([db])
        try:
            one, rerun, fork = (_key(catalog, ulids[k]) for k in ("one", "rerun", "fork"))
            opened = _timed(lambda: read_pair(catalog, fork, None, NOW), args.runs)
            print(f"open (fork beside parent)   {_figures(opened)}", flush=True)
            rerun_pair = read_pair(catalog, one, rerun, NOW)
            fork_pair = read_pair(catalog, fork, None, NOW)
            assert rerun_pair is not None
            assert fork_pair is not None
            print(f"time lookup (20 moments)    {_figures(_lookups(catalog, rerun_pair))}")
            shift = fork_pair.shift or 0
            for how, walk in (("SQLite", _walk_sql), ("Python", _walk)):
                walks = _timed(lambda w=walk: w(catalog, rerun_pair, (0, 0)), args.runs)
                print(f"difference {how}, rerun  {_figures(walks)}  ({args.events:,} pairs)")
                walks = _timed(lambda w=walk: w(catalog, fork_pair, (shift, 0)), args.runs)
                print(f"difference {how}, fork   {_figures(walks)}  ({args.events // 2:,} pairs)")
        finally:
            catalog.close()
        rounds = [asyncio.run(_app_round(db, ulids["fork"])) for _ in range(args.runs)]
        print(f"V to screen                 {_figures([r[0] for r in rounds])}")
        print(f"V to difference             {_figures([r[1] for r in rounds])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The event view and copy on a 52 MB event: ``.venv/bin/python -m bench.event_view``.

A database in a temporary directory with one session: a prompt, one event of about 52 MB
(660,000 lines of 80 characters) and a last event. The app runs headless (120x36) with the
big event under the cursor. It prints, in milliseconds over ``--runs`` rounds (first, median,
max):

- ``m x40 + esc``: Enter opens the event view, then 40 presses of ``m`` and Esc are sent in
  one go; the time from the first ``m`` until the main screen is back (issue 10: 19 s before).
- ``one m``: a single press of ``m`` (key sent until the app is idle again), after 40 others.
- ``c: key answered``: ``c`` then ``t``; the time until ``t`` has toggled the time column,
  i.e. how long the UI was not answering (issue 10: the copy froze it for 2.9 s).
- ``c: notice``: the time from ``c`` until the "Copied ..." notice is up (the worker done).

Only keys and what the screen shows are used, so the same script measures an older checkout
(``PYTHONPATH=/path/to/checkout``). The whole run takes about a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store import EventKind, Store, milestones
from zero_session_tui.__main__ import make_app
from zero_session_tui.catalog import Catalog
from zero_session_tui.cli import parse_args

START = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
ULID = "01KB0000000000000000B1GTXT"
LINE = "the quick brown fox jumps over the lazy dog; portfolio rebalanced; checks ok"


def _build(path: Path, lines: int) -> int:
    text = "\n".join(f"{n:07d} {LINE}"[:80] for n in range(lines))
    with Store.open(path, clock=lambda: START) as store:
        sid = store.start_session(ULID, "https://engine.zero.example/v1", "0.4.0", None)
        store.append_many(
            sid,
            [(EventKind.PROMPT, "> /dump"), (EventKind.COMMAND, text), (EventKind.SYSTEM, "ok")],
        )
        store.end_session(sid)
        store.set_milestone(milestones.WELCOME_SHOWN, "true")
    return len(text)


async def _until(pilot: Any, condition: Any, timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("gave up waiting")
        await pilot.pause(0.005)


async def _round(db: Path) -> dict[str, float]:
    options = parse_args(["--db", str(db), "--session", f"{ULID}#2", "--no-welcome"])
    catalog = Catalog.open(options.databases)
    app: Any = make_app(options, catalog, clock=lambda: START, tz=UTC)
    timings: dict[str, float] = {}
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await _until(pilot, lambda: app.replay.cursor_event_seq() == 2)
            await _until(pilot, lambda: app.replay.timeline.cached(app.replay.cursor) is not None)
            await pilot.press("enter")
            await _until(pilot, lambda: app.screen is not app.main)
            await pilot.pause()
            started = time.perf_counter()
            await pilot.press(*["m"] * 40, "escape")
            await _until(pilot, lambda: app.screen is app.main)
            timings["m x40 + esc"] = (time.perf_counter() - started) * 1000
            await pilot.press("enter")
            await _until(pilot, lambda: app.screen is not app.main)
            await pilot.press(*["m"] * 40)
            started = time.perf_counter()
            await pilot.press("m")
            timings["one m"] = (time.perf_counter() - started) * 1000
            await pilot.press("escape")
            await _until(pilot, lambda: app.screen is app.main)
            absolute = app.replay.absolute_time
            started = time.perf_counter()
            await pilot.press("c", "t")
            await _until(pilot, lambda: app.replay.absolute_time != absolute)
            timings["c: key answered"] = (time.perf_counter() - started) * 1000

            def copied() -> bool:
                return any("Copied the text" in n.message for n in app._notifications)

            await _until(pilot, copied)
            timings["c: notice"] = (time.perf_counter() - started) * 1000
    finally:
        catalog.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lines", type=int, default=660_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big-event.db"
        size = _build(db, args.lines)
        print(f"event of {size:,} characters; {args.runs} rounds; ms: first median max")
        rounds = [asyncio.run(_round(db)) for _ in range(args.runs)]
    for name in rounds[0]:
        values = [r[name] for r in rounds]
        print(f"  {name:<16} {values[0]:9.1f} {statistics.median(values):9.1f} {max(values):9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

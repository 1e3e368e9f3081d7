"""The timeline strip on a 2,000,000-event session: ``python -m bench.strip [--runs N]``.

Builds (once, cached in ``bench/.cache/``) one session of 2M events through ``store``
(``strip_dataset.py``), then prints the median and the best of N runs of:

- the bins by time and by seq, read afresh, in one lane and in the app's two (what the strip
  waits for when a session opens);
- the bins brought up to date (a live session's poll: the last bin read again);
- the cells drawn from the bins (each cursor move or resize, on the UI thread);
- the marker seeks, through the bins and without them (a plain keyset scan), including the
  worst case: from the middle, across the quiet second half, to its one alert;
- in the app (headless, 120x36): from the session shown to the strip drawn, on a first
  launch (the browser's caches empty) and on later ones.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from store import Store
from zero_session_tui.strip_bins import Bins, next_marker, previous_marker, read_bins
from zero_session_tui.strip_model import build_view

from .strip_dataset import EVENTS, QUIET_FROM, ensure_strip_dataset

T = TypeVar("T")
MARKERS = frozenset({"warn", "alert", "mode_change"})
ALERTS = frozenset({"alert"})


def _timed(runs: int, job: Callable[[], T]) -> tuple[float, float, T]:
    times: list[float] = []
    result: T | None = None
    for _ in range(runs):
        started = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - started)
    assert result is not None
    return statistics.median(times), min(times), result


def _row(label: str, median: float, best: float, note: str = "") -> None:
    print(f"  {label:<58} {median * 1000:8.1f} ms  (best {best * 1000:7.1f})  {note}")


def _store_figures(db: Path, ulid: str, runs: int) -> None:
    with Store.open_readonly(db) as store:
        session = store.get_session_by_ulid(ulid)
        assert session is not None
        sid = session.id
        bins: dict[str, Bins] = {}
        print(f"store reads, {EVENTS:,} events in one session ({runs} runs each):")
        for mode in ("time", "seq"):
            key = (0, sid, ulid, mode)
            median, best, fresh = _timed(runs, lambda key=key: read_bins(store, key))
            counted = sum(s.count for s in fresh.stats if s is not None)
            note = f"{len(fresh.stats)} bins of {fresh.size:,} {'ms' if mode == 'time' else 'seqs'}"
            _row(f"bins by {mode}, read afresh", median, best, f"{note}, {counted:,} events")
            assert counted == EVENTS
            median, best, laned = _timed(
                runs, lambda key=key: read_bins(store, key, more=lambda: Store.open_readonly(db))
            )
            _row(f"bins by {mode}, read afresh in two lanes (as the app)", median, best)
            assert laned == fresh
            median, best, _ = _timed(runs, lambda key=key, b=fresh: read_bins(store, key, b))
            _row(f"bins by {mode}, brought up to date (live poll)", median, best)
            bins[mode] = fresh
        median, best, view = _timed(
            runs * 10,
            lambda: build_view(
                bins["time"], 118, bookmarks=[10, 500_000], head=1_000_000, window=(990, 1_020)
            ),
        )
        _row("cells for 118 columns from the bins (UI thread)", median, best)
        assert len(view.cells) == 118
        b = bins["time"]
        seeks: list[tuple[str, Callable[[], object]]] = [
            ("next marker from seq 1", lambda: next_marker(store, sid, MARKERS, 1, b)),
            ("next alert from seq 1", lambda: next_marker(store, sid, ALERTS, 1, b)),
            (
                "next alert from the middle, across the quiet half (bins)",
                lambda: next_marker(store, sid, ALERTS, QUIET_FROM, b),
            ),
            (
                "  the same without the bins (plain keyset scan)",
                lambda: next_marker(store, sid, ALERTS, QUIET_FROM, None),
            ),
            (
                "previous marker from seq 1,500,000 (bins)",
                lambda: previous_marker(store, sid, MARKERS, 1_500_000, b),
            ),
            (
                "  the same without the bins",
                lambda: previous_marker(store, sid, MARKERS, 1_500_000, None),
            ),
            ("previous alert from the end", lambda: previous_marker(store, sid, ALERTS, EVENTS, b)),
        ]
        for label, seek in seeks:
            median, best, found = _timed(runs, seek)
            _row(label, median, best, f"-> {found}")


async def _app_figure(db: Path, ulid: str) -> tuple[float, float]:
    """(seconds from start to the session shown, then to the strip drawn) in the app."""
    from tests.app.waiting import wait_until
    from zero_session_tui.__main__ import make_app
    from zero_session_tui.catalog import Catalog
    from zero_session_tui.cli import parse_args

    options = parse_args(["--db", str(db), "--session", ulid, "--no-welcome", "--no-live"])
    catalog = Catalog.open(options.databases)
    now = datetime(2026, 6, 3, tzinfo=UTC)
    app = make_app(options, catalog, clock=lambda: now, tz=UTC)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            started = time.perf_counter()
            shown_at: list[float] = []

            def shown() -> bool:
                if app.replay.timeline is not None and not shown_at:
                    shown_at.append(time.perf_counter())
                return bool(shown_at)

            await wait_until(pilot, shown, "the session", workers=False)
            await wait_until(
                pilot, lambda: bool(app.main.strip.view.cells), "the strip", workers=False
            )
            drawn = time.perf_counter()
            return shown_at[0] - started, drawn - shown_at[0]
    finally:
        catalog.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.strip", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    options = parser.parse_args(argv)
    data = ensure_strip_dataset()
    built = f"built in {data.build_seconds} s" if data.build_seconds else "cached"
    size = data.db.stat().st_size
    print(f"dataset: {data.db.name}, {data.events:,} events, {size / 2**20:.0f} MiB ({built})")
    _store_figures(data.db, data.ulid, options.runs)
    print("in the app (headless 120x36, --no-live), one browser home for every run:")
    figures = []
    with tempfile.TemporaryDirectory() as home:
        for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            os.environ[var] = str(Path(home) / var.lower())
        for _ in range(options.runs + 1):
            figures.append(asyncio.run(_app_figure(data.db, data.ulid)))
    first, warm = figures[0], figures[1:]
    print(
        f"  session shown after {statistics.median(f[0] for f in figures) * 1000:.0f} ms (median)"
    )
    _row(
        "first launch: strip drawn after the session shown",
        first[1],
        first[1],
        "(the list's summary cache is cold: it counts the same 2M events meanwhile)",
    )
    strip = [f[1] for f in warm]
    _row(
        "later launches: strip drawn after the session shown", statistics.median(strip), min(strip)
    )


if __name__ == "__main__":
    main()

"""Search over the benchmark's 1M events (issue 12): ``python -m bench.search_bench [--quick]``.

Measured, in this order, with the app's own code (``Catalog``, the search screen):

- the index built FROM SCRATCH (its file deleted first), as the app's worker builds it
  (``Catalog.update_index``): seconds, events/s; then its file's size against the database's;
- first hits without the index: ``Catalog.stream_events`` with no index file (a newest-first
  scan that streams its hits), and while the index is being built from scratch in another
  thread (what a search meets on the first launch); the time to the first batch with a hit,
  and to all of them (limit 50, the screen's);
- the same with the warm index;
- typed needle -> first hit on screen, in the real UI: the app under tmux (160x50, the main
  benchmark's pane), ``/`` then the needle sent in one ``send-keys`` (a burst: the debounce
  waits for its end, the worst case), timed until a hit row (text only a hit row shows) is on
  screen, debounce included.

Medians of ``RUNS`` runs (``--quick``: 3, and one build from scratch instead of ``BUILDS``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

from store.search_index_file import index_path_for
from zero_session_tui.background import run_lowered
from zero_session_tui.catalog import Catalog

from .dataset import CACHE, Dataset, ensure_dataset
from .measure import Pane
from .report import Goal
from .section import Section
from .tools import ROOT, base_env

__all__ = ["main", "section"]

RUNS: Final = 7
BUILDS: Final = 3
LIMIT: Final = 50  # the search screen's EVENT_HITS
XDG: Final = CACHE / "search-xdg"
POLL: Final = 0.003


def _index_file(db: Path) -> Path:
    return index_path_for(XDG / "cache" / "zero-session-tui", db)


_XDG_NAMES: Final = tuple(f"XDG_{name}_HOME" for name in ("DATA", "CONFIG", "STATE", "CACHE"))


def _use_xdg() -> dict[str, str | None]:
    """Point this process's XDG directories at the benchmark's; what they were."""
    before = {name: os.environ.get(name) for name in _XDG_NAMES}
    for name in _XDG_NAMES:
        os.environ[name] = str(XDG / name.split("_")[1].lower())
    return before


def _restore(before: dict[str, str | None]) -> None:
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _delete_index(db: Path) -> None:
    path = _index_file(db)
    for side in ("", "-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)


def _size(path: Path) -> int:
    return sum(
        Path(f"{path}{side}").stat().st_size
        for side in ("", "-wal")
        if Path(f"{path}{side}").exists()
    )


def _build(db: Path) -> tuple[float, int, float]:
    """(seconds, events indexed, CPU seconds of this process) of a build from scratch."""
    _delete_index(db)
    catalog = Catalog.open([db])
    try:
        started, cpu = time.perf_counter(), time.process_time()
        catalog.update_index(0, lambda done, newest: None)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        index = catalog.search_index(0)
        assert index is not None, "no search index"
        count = index._state().count
    finally:
        catalog.close()
    return seconds, count, cpu


def _first_hits(catalog: Catalog, needle: str) -> tuple[float, float, int]:
    """(seconds to the first batch with a hit, seconds to all, hits) of one streamed search."""
    started = time.perf_counter()
    first = None
    hits = 0
    for batch in catalog.stream_events(0, needle, LIMIT):
        if batch and first is None:
            first = time.perf_counter() - started
        hits += len(batch)
    total = time.perf_counter() - started
    return (total if first is None else first), total, hits


def _searches(
    db: Path, needle: str, runs: int, *, index: bool
) -> tuple[list[float], list[float], int]:
    firsts: list[float] = []
    totals: list[float] = []
    hits = 0
    for _ in range(runs):
        catalog = Catalog.open([db])
        try:
            if index:
                catalog.search_index(0)
            first, total, hits = _first_hits(catalog, needle)
        finally:
            catalog.close()
        firsts.append(first)
        totals.append(total)
    return firsts, totals, hits


def _during_build(db: Path, needle: str, runs: int) -> list[float]:
    """First hits while the index is built from scratch in another thread, at the lower
    priority the app builds it at (each run starts its search 0.5 s into a new build, the
    index then partly built)."""
    firsts: list[float] = []
    for _ in range(runs):
        _delete_index(db)
        catalog = Catalog.open([db])
        try:
            catalog.search_index(0)

            def build(catalog: Catalog = catalog) -> None:  # as the search screen builds it
                run_lowered(lambda: catalog.update_index(0, lambda *_: None), "search-index")

            builder = threading.Thread(target=build, daemon=True)
            builder.start()
            time.sleep(0.5)
            first, _total, _hits = _first_hits(catalog, needle)
            firsts.append(first)
            builder.join()
        finally:
            catalog.close()
    return firsts


def _gone(pane: Pane, text: str, timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while text in pane.screen():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{text!r} still on screen")
        time.sleep(0.01)


def _typed(ds: Dataset, needles: dict[str, tuple[str, str]], runs: int) -> dict[str, list[float]]:
    """Typed needle -> first hit on screen in the app under tmux: seconds from the needle
    sent in one ``send-keys`` (a burst, so the debounce waits for its end) until a hit row
    shows (``needles``: label -> (needle, text only its hit rows show))."""
    scripts = CACHE / "scripts"
    scripts.mkdir(parents=True, exist_ok=True)
    env = {
        "PYTHONPATH": str(ROOT),
        **{f"XDG_{n}_HOME": str(XDG / n.lower()) for n in ("DATA", "CONFIG", "STATE", "CACHE")},
    }
    argv = [sys.executable, "-m", "zero_session_tui", "--db", str(ds.db), "--no-welcome"]
    found: dict[str, list[float]] = {}
    with Pane("search", base_env(), scripts) as pane:
        started = pane.launch("ours-search", argv, env)
        pane.wait_for("Sessions \u00b7", started, poll=0.01, timeout=60)
        pane.keys("/")
        pane.wait_for("ULID, version, engine", time.perf_counter(), poll=0.01, timeout=30)
        time.sleep(1.0)  # the index's no-op update on opening the search
        for _ in range(runs):
            for label, (needle, shown) in needles.items():
                pane.keys("C-u")
                _gone(pane, shown)
                time.sleep(0.3)
                sent = pane.keys(f"-l {needle}")
                seconds = pane.wait_for(shown, sent, poll=POLL, timeout=10)
                found.setdefault(label, []).append(seconds)
    return found


def _ms(values: list[float]) -> str:
    median, low, high = (x * 1000 for x in (statistics.median(values), min(values), max(values)))
    return f"{median:.1f} ms (min {low:.1f}, max {high:.1f}, n {len(values)})"


def section(ds: Dataset, *, quick: bool, progress: Callable[[str], None]) -> Section:
    before = _use_xdg()
    try:
        return _section(ds, quick=quick, progress=progress)
    finally:
        _restore(before)


def _section(ds: Dataset, *, quick: bool, progress: Callable[[str], None]) -> Section:
    runs = 3 if quick else RUNS
    builds = 1 if quick else BUILDS
    lines: list[str] = []
    db_bytes = _size(ds.db)
    needles = {"rare": ds.rare_needle, "common": ds.common_needle}

    progress(f"search: {builds} index build(s) from scratch ...")
    built = [_build(ds.db) for _ in range(builds)]
    seconds = [b[0] for b in built]
    events = built[-1][1]
    rate = events / statistics.median(seconds)
    index_bytes = _size(_index_file(ds.db))
    ratio = index_bytes / db_bytes
    cpu = statistics.median(b[2] for b in built)
    lines.append(
        f"index build from scratch, {events:,} events: {_ms(seconds)} = {rate:,.0f} events/s"
        f" (CPU {cpu:.1f} s, both threads)"
    )
    mb = f"{index_bytes / 1e6:.1f} MB for a {db_bytes / 1e6:.1f} MB database"
    lines.append(f"index file {mb}: {ratio:.2f}x")

    scan_first: dict[str, float] = {}
    progress("search: first hits without the index (streaming scan) ...")
    _delete_index(ds.db)
    for label, needle in needles.items():
        firsts, totals, hits = _searches(ds.db, needle, runs, index=False)
        scan_first[label] = statistics.median(firsts)
        lines.append(
            f"no index, {label} {needle!r} first hit: {_ms(firsts)}; all {hits}: {_ms(totals)}"
        )
    progress("search: first hits while the index is built ...")
    for label, needle in needles.items():
        firsts = _during_build(ds.db, needle, max(3, runs // 2))
        scan_first[f"{label}-building"] = statistics.median(firsts)
        lines.append(f"index building, {label} first hit: {_ms(firsts)}")
    _build(ds.db)  # complete again, for the warm searches and the UI
    progress("search: first hits with the warm index ...")
    warm_first: dict[str, float] = {}
    for label, needle in needles.items():
        _searches(ds.db, needle, 1, index=True)  # warm-up
        firsts, totals, hits = _searches(ds.db, needle, runs, index=True)
        warm_first[label] = statistics.median(firsts)
        lines.append(f"warm index, {label} first hit: {_ms(firsts)}; all {hits}: {_ms(totals)}")

    typed: dict[str, list[float]] = {}
    if shutil.which("tmux"):
        progress("search: typed needle -> first hit on screen (tmux) ...")
        shown = {
            "rare": (ds.rare_needle, f"[{ds.rare_needle}"),
            "common": (ds.common_needle, f"{ds.common_needle} ok;"),
        }
        typed = _typed(ds, shown, runs)
        for key, values in typed.items():
            lines.append(f"typed -> first hit on screen, {key}: {_ms(values)}")
    else:
        lines.append("typed -> first hit on screen: tmux is not installed, not measured")

    worst_scan = max(scan_first[k] for k in scan_first if k.startswith("rare"))
    worst_typed = max((statistics.median(v) for v in typed.values()), default=None)
    goals = [
        Goal("search index built from scratch: >= 100,000 events/s", f"{rate / 1000:.0f}k/s",
             rate >= 100_000),
        Goal("search index file <= 1.0x the database", f"{ratio:.2f}x", ratio <= 1.0),
        Goal("no index yet: first hits of the rare needle <= 300 ms",
             f"{worst_scan * 1000:.0f} ms", worst_scan <= 0.300),
        Goal(
            "typed needle -> first hit on screen <= 150 ms (warm index)",
            "-" if worst_typed is None else f"{worst_typed * 1000:.0f} ms",
            None if worst_typed is None else worst_typed <= 0.150,
        ),
    ]  # fmt: skip
    return Section(title="search over 1M events", lines=lines, goals=goals)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 runs and one build")
    args = parser.parse_args(argv)
    ds = ensure_dataset()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load} (start); {os.cpu_count()} cores", flush=True)
    result = section(ds, quick=args.quick, progress=lambda line: print(line, flush=True))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n{result.title} (load average {load} at the end)")
    for line in result.lines:
        print(f"  {line}")
    for goal in result.goals:
        print(goal.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

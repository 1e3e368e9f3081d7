"""Rounds of measurements: every program once per round, in a rotating order."""

from __future__ import annotations

import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from store import Store
from zero_session_tui.catalog import Catalog

from .dataset import CACHE, Dataset
from .measure import Pane, PaneTimeout
from .tools import Launch, base_env

__all__ = ["Results", "measure_once", "run_rounds", "search_times"]


@dataclass
class Results:
    """Samples per (program, metric): seconds, or KiB for ``rss``."""

    samples: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)

    def add(self, name: str, metric: str, value: float) -> None:
        self.samples[(name, metric)].append(value)

    def get(self, name: str, metric: str) -> list[float]:
        return self.samples.get((name, metric), [])

    def median(self, name: str, metric: str) -> float | None:
        values = self.get(name, metric)
        return statistics.median(values) if values else None


def measure_once(launch: Launch, *, poll: float, settle: float, timeout: float) -> dict[str, float]:
    """One launch under a fresh tmux server: ``launch`` (s to the ready text), then for the
    viewers ``jump`` (s from the key to the first line) and ``rss`` (KiB, peak of the tree)."""
    scripts = CACHE / "scripts"
    scripts.mkdir(parents=True, exist_ok=True)
    found: dict[str, float] = {}
    with Pane(launch.name.replace("-", ""), base_env(), scripts) as pane:
        started = pane.launch(launch.name, launch.argv, launch.env)
        try:
            found["launch"] = pane.wait_for(launch.ready, started, poll=poll, timeout=timeout)
            if launch.first_key and launch.first_text:
                time.sleep(settle)  # let start-up work (indexing, list paging) finish first
                pressed = pane.keys(launch.first_key)
                found["jump"] = pane.wait_for(
                    launch.first_text, pressed, poll=poll / 2, timeout=timeout
                )
            found["rss"] = pane.peak_rss_kib()
        except PaneTimeout as error:
            dump = CACHE / f"timeout-{launch.name}.txt"
            dump.write_text(error.screen + "\n")
            raise PaneTimeout(f"{launch.name}: {error} (screen in {dump})", error.screen) from None
    return found


def run_rounds(
    launches: list[Launch],
    *,
    runs: int,
    warmup: int,
    poll: float,
    settle: float,
    timeout: float,
    progress: Callable[[str], None],
) -> Results:
    """``warmup`` unrecorded rounds, then ``runs`` rounds; each round launches every program
    once, the order rotated each round so no program always goes first."""
    results = Results()
    for round_no in range(warmup + runs):
        shift = round_no % len(launches)
        order = launches[shift:] + launches[:shift]
        label = "warm-up" if round_no < warmup else f"run {round_no - warmup + 1}/{runs}"
        line = []
        for launch in order:
            try:
                found = measure_once(launch, poll=poll, settle=settle, timeout=timeout)
            except PaneTimeout as error:
                results.failures.append(str(error))
                line.append(f"{launch.name}=timeout")
                continue
            if round_no >= warmup:
                for metric, value in found.items():
                    results.add(launch.name, metric, value)
            line.append(f"{launch.name}={found['launch'] * 1000:.0f}ms")
        progress(f"  {label}: {' '.join(line)}")
    return results


def prepare_index(db: Path) -> float:
    """Build (first run) or bring up to date the app's search index of ``db`` under
    bench/.cache/xdg; returns the seconds it took. Not part of the timed search."""
    os.environ["XDG_CACHE_HOME"] = str(CACHE / "xdg")
    catalog = Catalog.open([db])
    started = time.perf_counter()
    try:
        catalog.update_index(0, lambda done, newest: None)
    finally:
        catalog.close()
    return time.perf_counter() - started


def search_times(db: Path, needle: str, runs: int, *, scan: bool) -> tuple[list[float], int]:
    """Seconds to the first 20 hits, the way the app searches (``Catalog.search_events``:
    the FTS5 index, and a scan of what it has not indexed), or with ``scan`` by a plain
    ``Store.search_events`` scan; a fresh catalog each run (opening included)."""
    os.environ["XDG_CACHE_HOME"] = str(CACHE / "xdg")
    times: list[float] = []
    hits = 0
    for _ in range(runs):
        started = time.perf_counter()
        if scan:
            store = Store.open_readonly(db)
            found = store.search_events(needle, limit=20)
            store.close()
        else:
            catalog = Catalog.open([db])
            catalog.search_index(0)
            found = catalog.search_events(0, needle, 20)
            catalog.close()
        times.append(time.perf_counter() - started)
        hits = len(found)
    return times, hits


def dataset_search(ds: Dataset, runs: int, results: Results) -> dict[str, int]:
    """Both needles, through the app's index and by a plain scan; the samples go to
    ``results`` as ``search-rare`` / ``search-common`` (index) and ``scan-rare`` /
    ``scan-common``; the index's build or update time as ``index-update``."""
    results.add("index-update", "search", prepare_index(ds.db))
    counts: dict[str, int] = {}
    for label, needle in (("rare", ds.rare_needle), ("common", ds.common_needle)):
        for prefix, scan in (("search", False), ("scan", True)):
            times, hits = search_times(ds.db, needle, runs, scan=scan)
            for value in times:
                results.add(f"{prefix}-{label}", "search", value)
            counts[f"{prefix}-{label}"] = hits
    return counts

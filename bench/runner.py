"""Rounds of measurements: every program once per round, in a rotating order."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from store import Store

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


def search_times(db: Path, needle: str, runs: int) -> tuple[list[float], int]:
    """Seconds for ``Store.open_readonly(db).search_events(needle, limit=20)`` (open included,
    a fresh store each run), and how many hits the last run returned."""
    times: list[float] = []
    hits = 0
    for _ in range(runs):
        started = time.perf_counter()
        store = Store.open_readonly(db)
        found = store.search_events(needle, limit=20)
        times.append(time.perf_counter() - started)
        store.close()
        hits = len(found)
    return times, hits


def dataset_search(ds: Dataset, runs: int, results: Results) -> dict[str, int]:
    """Both needles; the samples go to ``results`` as ``search-rare`` / ``search-common``."""
    counts: dict[str, int] = {}
    for label, needle in (("search-rare", ds.rare_needle), ("search-common", ds.common_needle)):
        times, hits = search_times(ds.db, needle, runs)
        for value in times:
            results.add(label, "search", value)
        counts[label] = hits
    return counts

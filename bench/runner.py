"""Rounds of measurements: every program once per round, in a rotating order."""

from __future__ import annotations

import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from .dataset import CACHE
from .measure import Pane, PaneTimeout
from .tools import Launch, base_env

__all__ = ["KEY_PRESSES", "Results", "measure_once", "run_rounds"]

KEY_PRESSES = 3
"""PgDn, then j, are each pressed this many times per launch (each press one sample)."""
OUTPUT_POLL_S = 0.0005
"""How often ``key_to_output`` asks tmux for the notices it has (a round trip of ~0.1 ms)."""


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


def measure_once(
    launch: Launch, *, poll: float, settle: float, timeout: float
) -> dict[str, list[float]]:
    """One launch under a fresh tmux server: ``launch`` (s to the ready text), then for the
    viewers ``jump`` (s from the key to the first line), ``pgdn`` and ``j`` (s from each key
    to a changed screen), ``pgdn_out`` and ``j_out`` (s from each key to the program's first
    output after it), ``capture`` (s one styled capture of the screen takes) and ``rss``
    (KiB, peak of the tree)."""
    scripts = CACHE / "scripts"
    scripts.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[float]] = {}
    with Pane(launch.name.replace("-", ""), base_env(), scripts) as pane:
        started = pane.launch(launch.name, launch.argv, launch.env)
        try:
            found["launch"] = [pane.wait_for(launch.ready, started, poll=poll, timeout=timeout)]
            if launch.first_key and launch.first_text:
                time.sleep(settle)  # let start-up work (indexing, list paging) finish first
                pressed = pane.keys(launch.first_key)
                found["jump"] = [
                    pane.wait_for(launch.first_text, pressed, poll=poll / 2, timeout=timeout)
                ]
            for metric, key in (("pgdn", launch.page_key), ("j", launch.line_key)):
                if key is None:
                    continue
                found[metric] = [
                    pane.key_to_change(key, poll=poll / 2, quiet=0.15, timeout=timeout)
                    for _ in range(KEY_PRESSES)
                ]
            if launch.page_key or launch.line_key:
                # The same keys timed to the program's first output (no capture in it), and
                # what one capture of this screen costs (in every figure above).
                found["capture"] = [pane.capture_cost()]
                pane.watch_output()
                for metric, key in (("pgdn_out", launch.page_key), ("j_out", launch.line_key)):
                    if key is None:
                        continue
                    found[metric] = [
                        pane.key_to_output(key, poll=OUTPUT_POLL_S, quiet=0.15, timeout=timeout)
                        for _ in range(KEY_PRESSES)
                    ]
            found["rss"] = [float(pane.peak_rss_kib())]
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
                for metric, values in found.items():
                    for value in values:
                        results.add(launch.name, metric, value)
            line.append(f"{launch.name}={found['launch'][0] * 1000:.0f}ms")
        load = os.getloadavg()[0]
        progress(f"  {label} (load {load:.2f}): {' '.join(line)}")
    return results

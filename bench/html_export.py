"""The HTML replay export at scale: time and peak memory to export a 200,000-event session,
and the time Chromium takes to open the page. ``.venv/bin/python -m bench.html_export``.

A benchmark, not a test (bench/README.md). Bounded: one database built in a temp directory
(about 10 s), each export in a fresh interpreter with a timeout, the browser step too.

- time: wall clock of ``export_html`` alone (the store opened, the file fsynced and placed);
- peak RSS: the child's ``ru_maxrss`` after the export, beside that of the same child that
  only opened the store (the interpreter and imports): the difference is what it added;
- traced peak: ``tracemalloc``'s peak during the export (a separate, slower run);
- browser: Debian's chromium headless (tests/browser/conftest.py's flags), from
  ``driver.get(file://...)`` until the page says it is ready (parsed, first rows drawn).

Options: ``--events N`` (default 200,000), ``--runs N`` (default 3), ``--no-browser``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from store import EventKind, Store
from store.clocks import SettableClock

ULID = "01JBENCHHTM100000000000000"
TIMEOUT = 180
_CHILD = """
import json, resource, sys, time, tracemalloc
from pathlib import Path
from store import Store
db, out, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
from zero_session_tui.export_html import export_html
with Store.open_readonly(db) as store:
    session = store.get_session_by_ulid(sys.argv[4])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if mode == "trace":
        tracemalloc.start()
    start = time.perf_counter()
    path = export_html(store, session, out) if mode != "baseline" else None
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if mode == "trace" else 0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "before_kib": before, "after_kib": after,
                  "traced_peak": peak, "bytes": path.stat().st_size if path else 0,
                  "path": str(path)}))
"""


def build(db: Path, events: int) -> None:
    """One session of ``events`` events, written through ``store`` as the client writes."""
    rng = random.Random(14)
    clock = SettableClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    kinds = [EventKind.SYSTEM] * 6 + [EventKind.COMMAND] * 2 + [EventKind.PROMPT]
    kinds += [EventKind.WARN, EventKind.ALERT, EventKind.MODE_CHANGE]
    with Store.open(db, clock=clock) as store:
        sid = store.start_session(ULID, "https://engine.zero.example/v1", "0.4.0", None)
        for start in range(0, events, 50_000):
            batch: list[tuple[EventKind, str]] = []
            for n in range(start, min(events, start + 50_000)):
                kind = rng.choice(kinds)
                text = f"heartbeat ok; latency {rng.randint(5, 150)} ms; event {n}"
                if n % 997 == 0:
                    text = "portfolio summary\n" + "\n".join(f"  row {i}" for i in range(20))
                batch.append((kind, text))
                clock.advance(rng.choice((0.0, 0.05, 0.3, 4.0)))
                clock.queued.append(clock.now)
            store.append_many(sid, batch)
            clock.queued.clear()
        store.end_session(sid)


def child(db: Path, out: Path, mode: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db), str(out), mode, ULID],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the {mode} export failed:\n{result.stderr}")
    measured: dict[str, float] = json.loads(result.stdout)
    return measured


def browser_open(path: Path) -> tuple[float, float]:
    """(seconds from get() to ready, the page's own performance.now() at ready)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from tests.browser.conftest import CHROMEDRIVER, CHROMIUM, FLAGS

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="zst-bench-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.set_page_load_timeout(TIMEOUT)
        start = time.perf_counter()
        driver.get(path.as_uri())
        ready = None
        while ready is None and time.perf_counter() - start < TIMEOUT:
            ready = driver.execute_script("return document.documentElement.dataset.ready || null")
            if ready is None:
                time.sleep(0.02)
        seconds = time.perf_counter() - start
        if ready is None:
            raise TimeoutError(f"the page was not ready after {TIMEOUT} s")
        return seconds, float(ready) / 1000
    finally:
        driver.quit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.html_export", description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zst-bench-html-") as temp:
        db = Path(temp) / "bench.db"
        start = time.perf_counter()
        build(db, args.events)
        print(f"database: {args.events:,} events built in {time.perf_counter() - start:.1f} s")
        base = child(db, Path(temp) / "out", "baseline")
        runs = [child(db, Path(temp) / "out", "time") for _ in range(args.runs)]
        traced = child(db, Path(temp) / "out", "trace")
        seconds = [r["seconds"] for r in runs]
        added = [(r["after_kib"] - base["after_kib"]) / 1024 for r in runs]
        size = runs[0]["bytes"] / 1e6
        print(
            f"export: median {statistics.median(seconds):.2f} s "
            f"(min {min(seconds):.2f}, max {max(seconds):.2f}, {args.runs} runs), "
            f"file {size:.1f} MB"
        )
        peak = max(r["after_kib"] for r in runs) / 1024
        print(
            f"peak RSS of the exporting process: {peak:.1f} MiB; of the same process that only "
            f"opened the store: {base['after_kib'] / 1024:.1f} MiB (added "
            f"{max(added):+.1f} MiB); tracemalloc peak {traced['traced_peak'] / 1e6:.2f} MB"
        )
        if not args.no_browser:
            opened = [browser_open(Path(str(runs[0]["path"]))) for _ in range(args.runs)]
            print(
                "chromium opens it: median "
                f"{statistics.median(o[0] for o in opened):.2f} s from get() to ready "
                f"(page's own clock {statistics.median(o[1] for o in opened):.2f} s), "
                f"{args.runs} runs"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run the app instrumented (started by ``python -m bench.profile``, inside a tmux pane).

    python bench/profile_app.py LOG MARKER_REGEX [--then REGEX] [--pyinstrument OUT] -- APP...

Appends to LOG one line per moment: ``perf_counter thread what`` (perf_counter is
CLOCK_MONOTONIC, so the driver compares it with its own launch time). Moments: interpreter
ready, imports done, every ``Store`` call (start and duration), a few app hooks, and each
write to the terminal, flagged when the written text matches MARKER_REGEX. After the marker is
written the pyinstrument report (main thread) is saved and the app exits; with ``--then``,
it exits only after a write matching that second regex (e.g. the first event after Home).
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

T_START = time.perf_counter()
_LOG: list[str] = []
_CSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def note(what: str, at: float | None = None) -> None:
    stamp = time.perf_counter() if at is None else at
    _LOG.append(f"{stamp:.6f} {threading.current_thread().name} {what}")


def _timed(owner: type, name: str, label: str) -> None:
    original = getattr(owner, name, None)
    if original is None or not callable(original):
        return

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            ended = time.perf_counter()
            note(f"{label} {(ended - started) * 1000:.2f}ms", started)

    setattr(owner, name, wrapper)


def _instrument(markers: list[re.Pattern[str]], on_marker: Callable[[bool], None]) -> None:
    from textual.app import App
    from textual.drivers.linux_driver import LinuxDriver

    import store
    import zero_session_tui.__main__
    import zero_session_tui.app

    note("imports-done")
    for name in dir(store.Store):
        if not name.startswith("_") and callable(getattr(store.Store, name)):
            _timed(store.Store, name, f"store.{name}")
    from zero_session_tui import catalog

    _timed(catalog.Catalog, "open", "catalog.open")
    _timed(App, "run", "app.run(total)")
    app_mod = zero_session_tui.app
    for name in ("on_main_screen_ready", "_sessions_loaded", "_session_opened", "_found_ulid"):
        _timed(app_mod.ZeroSessionApp, name, f"app.{name}")
    from zero_session_tui.widgets import replay, session_table

    _timed(replay.ReplayView, "show", "replay.show")
    _timed(replay.ReplayView, "action_first", "replay.action_first")
    _timed(session_table.SessionTable, "add_items", "table.add_items")
    writes = 0
    pending = list(markers)
    original_write = LinuxDriver.write

    def write(self: LinuxDriver, data: str) -> None:
        nonlocal writes
        writes += 1
        hit = bool(pending) and bool(pending[0].search(_CSI.sub("", data)))
        note(f"write#{writes} {len(data)}B{' MARKER' if hit else ''}")
        original_write(self, data)
        if hit:
            pending.pop(0)
            on_marker(not pending)

    LinuxDriver.write = write  # type: ignore[method-assign]
    _trace_flushes()


def _trace_flushes() -> None:
    """Note when the writer thread has really flushed a marked write to the terminal."""
    from textual.drivers import _writer_thread

    def run(self: Any) -> None:
        write, flush, get, qsize = self._file.write, self._file.flush, self._queue.get, None
        qsize = self._queue.qsize
        while True:
            text = get()
            if text is None:
                break
            write(text)
            if qsize() == 0:
                flush()
                note(f"flushed (last {len(text)}B)")
        flush()

    _writer_thread.WriterThread.run = run  # type: ignore[method-assign]


def _inclusive(profiler: Any, top: int = 70) -> str:
    """Inclusive main-thread time per function (each call stack counted once per function),
    the largest first: where the time goes, whatever the tree hides."""
    totals: dict[str, float] = {}

    def walk(frame: Any, open_keys: frozenset[str]) -> None:
        key = f"{frame.function}  {_short(frame.file_path or '')}:{frame.line_no}"
        if key not in open_keys:
            totals[key] = totals.get(key, 0.0) + frame.time
            open_keys = open_keys | {key}
        for child in frame.children:
            walk(child, open_keys)

    root = profiler.last_session.root_frame()
    walk(root, frozenset())
    ranked = sorted(totals.items(), key=lambda item: -item[1])[:top]
    lines = [f"inclusive time by function, main thread (total {root.time:.3f} s):"]
    lines += [f"{seconds * 1000:9.1f} ms  {key}" for key, seconds in ranked]
    return "\n".join(lines)


def _short(path: str) -> str:
    for marker in ("site-packages/", "/work/main/", "python3.11/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def main() -> int:
    log, marker, *rest = sys.argv[1:]
    markers = [re.compile(marker)]
    profile_out: str | None = None
    if rest and rest[0] == "--then":
        markers.append(re.compile(rest[1]))
        rest = rest[2:]
    if rest and rest[0] == "--pyinstrument":
        profile_out, rest = rest[1], rest[2:]
    if rest and rest[0] == "--":
        rest = rest[1:]
    note("python-ready", T_START)
    profiler: Any = None
    if profile_out:
        from pyinstrument import Profiler  # type: ignore[import-not-found,unused-ignore]

        profiler = Profiler(interval=0.0005)
        profiler.start()

    def on_marker(last: bool) -> None:
        from textual._context import active_app

        note(
            f"marker-written (CPU so far: this thread {time.thread_time() * 1000:.0f} ms,"
            f" every thread {time.process_time() * 1000:.0f} ms)"
        )
        if not last:
            return
        if profiler is not None and profiler.is_running:
            profiler.stop()
            tree = profiler.output_text(unicode=True, color=False, show_all=False)
            Path(profile_out or "").write_text(f"{tree}\n\n{_inclusive(profiler)}")
        app = active_app.get()
        app.call_later(app.exit)

    _instrument(markers, on_marker)
    from zero_session_tui.__main__ import main as app_main

    try:
        return app_main(rest)
    finally:
        note("exit")
        Path(log).write_text("\n".join(_LOG) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())

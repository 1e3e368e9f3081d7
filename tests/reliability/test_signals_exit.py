"""Area 8, signals: the real app, run in a pseudo-terminal, exits cleanly on SIGTERM, SIGHUP
and SIGINT sent from outside (status 128 + signum, the terminal restored, no temp file of an
interrupted export left), even with a worker thread that never returns.

The child with a hung export is a small script that patches the app in the child and then
calls the real ``main``: no hook in the product.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from _signals_support import (
    AREA,
    EXIT_BOUND,
    SMALL,
    Homes,
    PtyApp,
    assert_restored,
    child_script,
    launch,
)

from store import Store
from zero_session_tui import exit_codes, terminal_guard

BIG = "01JSIGNAL0000000000000BIG1"
BIG_EVENTS = 300_000
HUNG_BOUND = terminal_guard.EXIT_GRACE + 3.0
"""Seconds from a signal to the process gone with a worker thread that never returns: the
watchdog ends the process."""


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One session big enough that its Markdown export takes seconds (measured: 3 s)."""
    path = tmp_path_factory.mktemp("big") / "sessions.db"
    with Store.open(path) as store:
        sid = store.start_session(BIG, None, "0.3.0", None)
        step = 50_000
        for start in range(0, BIG_EVENTS, step):
            rows = [("command", f"event {i} " + "x" * 60) for i in range(start, start + step)]
            store.append_many(sid, rows)
    return path


SIGNALS = {"SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP, "SIGINT": signal.SIGINT}


@pytest.mark.parametrize("name", list(SIGNALS))
def test_a_signal_exits_cleanly_and_restores_the_terminal(
    small_db: Path, homes: Homes, running: list[PtyApp], figures, name: str
) -> None:
    signum = SIGNALS[name]
    app = launch(running, homes, small_db)
    app.wait_for(SMALL[-6:])
    time.sleep(0.3)  # let it settle into its event loop
    app.signal(signum)
    status, took = app.finish(EXIT_BOUND)
    assert status == exit_codes.for_signal(signum) == 128 + signum
    assert_restored(app)
    assert app.after_restore() == [], "nothing but the restored terminal after a signal"
    figures.add(AREA, signals=1, restored=1)
    figures.peak(AREA, slowest_exit_s=took)


def test_a_signal_during_an_export_leaves_no_temp_file(
    big_db: Path, homes: Homes, running: list[PtyApp], figures
) -> None:
    app = launch(running, homes, big_db)
    app.wait_for(f"Replay \u00b7 {BIG}")  # the session is shown: export acts on it
    give_up = time.monotonic() + 20
    next_press = 0.0
    while not homes.temp_files():
        now = time.monotonic()
        assert now < give_up, f"the export never started: {app.text[-2000:]!r}"
        assert not (homes.exports / f"{BIG}.md").exists(), "the export finished too soon"
        if now >= next_press:
            app.press("e")
            next_press = now + 1.5
        app._read(0.01)
    pending = homes.temp_files()
    app.signal(signal.SIGTERM)
    status, took = app.finish(HUNG_BOUND)
    assert status == exit_codes.for_signal(signal.SIGTERM)
    assert_restored(app)
    left = homes.temp_files()
    assert left == [], f"temp files left: {left} (pending at the signal: {pending})"
    assert not (homes.exports / f"{BIG}.md").exists()  # interrupted: no export either
    figures.add(AREA, signals=1, restored=1, during_export=1, temp_files_left=len(left))
    figures.peak(AREA, slowest_exit_s=took)


def test_a_hung_worker_thread_does_not_keep_the_process_alive(
    small_db: Path, homes: Homes, running: list[PtyApp], tmp_path: Path, figures
) -> None:
    # The export's producer blocks forever after its first chunk: its thread never returns.
    script = child_script(
        tmp_path,
        """
        import time
        from zero_session_tui import export

        def hang(store, session, **options):
            yield b"# first chunk\\n"
            time.sleep(3600)
            yield b""

        export.markdown_chunks = hang
        """,
    )
    app = launch(running, homes, small_db, script)
    app.wait_for(f"Replay \u00b7 {SMALL}")
    give_up = time.monotonic() + 20
    while not homes.temp_files():
        assert time.monotonic() < give_up, "the hung export never started"
        app.press("e")
        app._read(0.5)
    app.signal(signal.SIGTERM)
    status, took = app.finish(HUNG_BOUND)
    assert status == exit_codes.for_signal(signal.SIGTERM)
    assert_restored(app)
    assert took < HUNG_BOUND
    assert app.after_restore() == [
        "zero-session-tui: a worker thread did not stop; exited without it"
    ]
    left = homes.temp_files()
    assert left == []
    figures.add(AREA, signals=1, restored=1, hung_worker=1, temp_files_left=len(left))
    figures.peak(AREA, slowest_exit_s=took)

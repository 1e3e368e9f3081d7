"""Area 8, unexpected errors: an error the app did not expect exits 1 with one line naming a
crash report that holds the traceback (whether Textual caught it in the running app or it
escaped ``main`` before an app ran), and leaves the terminal restored.

The child with an action that raises is a small script that patches the app in the child and
then calls the real ``main``: no hook in the product.
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

from zero_session_tui import exit_codes, terminal_guard
from zero_session_tui.__main__ import main


def test_an_error_textual_caught_exits_1_with_one_line_and_a_report(
    small_db: Path, homes: Homes, running: list[PtyApp], tmp_path: Path, figures
) -> None:
    script = child_script(
        tmp_path,
        """
        from zero_session_tui.app import ZeroSessionApp

        def broken_help(self):
            raise RuntimeError("the help screen broke in a test")

        ZeroSessionApp.action_help = broken_help
        """,
    )
    app = launch(running, homes, small_db, script)
    app.wait_for(SMALL[-6:])
    time.sleep(0.3)
    app.press("?")
    app.signalled_at = time.monotonic()
    status, _ = app.finish(EXIT_BOUND)
    assert status == exit_codes.CRASH == 1
    assert_restored(app)
    assert "Traceback" not in app.text  # Textual's big traceback went into the report
    lines = app.after_restore()
    assert len(lines) == 1, lines
    reports = sorted(homes.reports.glob("crash-*.txt"))
    assert len(reports) == 1
    assert lines[0] == (
        "zero-session-tui: unexpected error: RuntimeError: the help screen broke in a test "
        f"(child.py:5 in broken_help); full report saved to {reports[0]}"
    )
    report = reports[0].read_text()
    assert "Traceback (most recent call last)" in report
    assert 'raise RuntimeError("the help screen broke in a test")' in report
    assert report.rstrip().endswith("RuntimeError: the help screen broke in a test")
    assert reports[0].stat().st_mode & 0o077 == 0  # the report is the user's only
    figures.add(AREA, crash_reports=1)


def test_an_error_escaping_the_run_exits_1_with_one_line_and_a_report(
    small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, figures
) -> None:
    """In-process: ``main`` with a terminal taken as given and an app that cannot be made."""
    import zero_session_tui.__main__ as entry

    def broken_app(*args: object, **kwargs: object) -> None:
        raise LookupError("no app in this test")

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(terminal_guard, "missing_terminal", lambda: None)
    monkeypatch.setattr(entry, "make_app", broken_app)
    before = {signum: signal.getsignal(signum) for signum in terminal_guard.SIGNALS}
    status = main(["--db", str(small_db), "--no-welcome"])
    out, err = capsys.readouterr()
    assert status == exit_codes.CRASH
    assert out == ""
    reports = sorted((tmp_path / "state" / "zero-session-tui").glob("crash-*.txt"))
    assert len(reports) == 1
    assert err == (
        "zero-session-tui: unexpected error: LookupError: no app in this test "
        f"({Path(__file__).name}:{broken_app.__code__.co_firstlineno + 1} in broken_app); "
        f"full report saved to {reports[0]}\n"
    )
    report = reports[0].read_text()
    assert "Traceback (most recent call last)" in report
    assert "LookupError: no app in this test" in report
    # No app ran: the signal handlers are as they were, and no watchdog is left armed.
    assert {signum: signal.getsignal(signum) for signum in terminal_guard.SIGNALS} == before
    figures.add(AREA, crash_reports=1)

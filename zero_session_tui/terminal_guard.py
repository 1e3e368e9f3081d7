"""Running the app in a terminal, and leaving the terminal and the disk clean whatever happens.

- ``missing_terminal``: the app draws on a terminal and reads keys from one; without one it
  refuses to start (one line, exit 2) instead of writing escape codes into a pipe or a file.
- ``run``: runs the app on an asyncio loop of its own, with handlers for SIGTERM, SIGHUP and
  SIGINT that ask the app to exit, so Textual leaves the alternate screen, turns mouse tracking
  off and shows the cursor; the exit status is then 128 + the signal's number.
- The temp files of writes in progress (``store.atomic_write``) are removed on a signal and at
  every exit.
- An error Textual caught (it sets ``App.return_code`` to 1) or one that escaped ``App.run``
  becomes a crash report under the state directory and ONE line on stderr naming it; Textual's
  own traceback goes into the report, not onto the terminal (through ``App.error_console``).
- A watchdog: once a signal asked the app to exit, or the app has exited, the process is gone
  within ``EXIT_GRACE`` seconds even if a worker thread never returns (Textual's thread
  workers run in asyncio's default executor, whose threads the interpreter joins at exit).

Textual is not imported here (``__main__`` imports it only once the databases are known).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import sys
import termios
import threading
import traceback
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from store.atomic_write import remove_pending_temp_files

from . import exit_codes
from .crash_report import PROG, report_crash

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["EXIT_GRACE", "SIGNALS", "missing_terminal", "refuse_without_terminal", "run"]


SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
"""Signals that make the app exit cleanly, with status 128 + signum."""

EXIT_GRACE = 2.0
"""Seconds the process may take to end once asked to (by a signal) or once the app is done."""

# What Textual's driver turns on, turned off: written only by the watchdog's last resort, when
# the app did not get as far as restoring the terminal itself.
_RESTORE = (
    "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"  # mouse tracking off
    "\x1b[?2004l"  # bracketed paste off
    "\x1b[?7h"  # line wrap on
    "\x1b[<u"  # kitty keyboard protocol off
    "\x1b[?1049l"  # leave the alternate screen
    "\x1b[?25h"  # show the cursor
    "\x1b[?1004l"  # focus events off
)


def missing_terminal() -> str | None:
    """The first of stdin, stdout and stderr that is not a terminal, or None.

    Textual reads keys from stdin and draws on stderr (``sys.__stderr__``); stdout must be a
    terminal too, or the output of ``zero-session-tui > file`` would be escape codes."""
    for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout), ("stderr", sys.stderr)):
        try:
            if stream is not None and stream.isatty():
                continue
        except (ValueError, OSError):  # closed or detached
            pass
        return name
    return None


def refuse_without_terminal() -> bool:
    """Say so on stderr and return True when there is no terminal to run in."""
    missing = missing_terminal()
    if missing is None:
        return False
    print(
        f"{PROG}: needs a terminal ({missing} is not a tty); run it in an interactive "
        f"terminal, without redirecting its input or output",
        file=sys.stderr,
    )
    return True


def run(factory: Callable[[], App[Any]]) -> int:
    """Make the app with ``factory`` and run it in the terminal; returns the exit status.

    Meant as the process's last act: once an app has run, the process ends within
    ``EXIT_GRACE`` seconds (the watchdog) and a later SIGTERM, SIGHUP or SIGINT ends it at
    once. If the app could not even be made, the signal handlers are put back as they were."""
    return _Guard().run(factory)


class _Terminal:
    """The terminal's state before the app changed it, for the last-resort restore."""

    def __init__(self) -> None:
        self.attrs: list[Any] | None = None
        self.restored = False
        with contextlib.suppress(termios.error, ValueError, OSError, AttributeError):
            self.attrs = termios.tcgetattr(sys.__stdin__.fileno())  # type: ignore[union-attr]

    def restore(self) -> None:
        if self.restored:
            return
        with contextlib.suppress(ValueError, OSError, AttributeError):
            os.write(sys.__stderr__.fileno(), _RESTORE.encode())  # type: ignore[union-attr]
        if self.attrs is not None:
            with contextlib.suppress(termios.error, ValueError, OSError, AttributeError):
                stdin = sys.__stdin__.fileno()  # type: ignore[union-attr]
                termios.tcsetattr(stdin, termios.TCSANOW, self.attrs)
        self.restored = True


class _Watchdog:
    """Ends the process ``seconds`` after being armed, whatever the process is waiting for."""

    def __init__(self, terminal: _Terminal) -> None:
        self.terminal = terminal
        self.status = exit_codes.OK
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def arm(self, seconds: float, status: int) -> None:
        """Arm once; a later call only updates the status (the first deadline stands)."""
        with self._lock:
            self.status = status
            if self._timer is None:
                self._timer = threading.Timer(seconds, self.fire)
                self._timer.daemon = True
                self._timer.name = "zero-session-tui exit watchdog"
                self._timer.start()

    def fire(self, why: str = "a worker thread did not stop; exited without it") -> None:
        remove_pending_temp_files()
        self.terminal.restore()
        with contextlib.suppress(ValueError, OSError, AttributeError):
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            os.write(sys.__stderr__.fileno(), f"{PROG}: {why}\n".encode())  # type: ignore[union-attr]
        os._exit(self.status)


class _Guard:
    def __init__(self) -> None:
        self.terminal = _Terminal()
        self.watchdog = _Watchdog(self.terminal)
        self.app: App[Any] | None = None
        self.signum: int | None = None
        self.errors = io.StringIO()

    def run(self, factory: Callable[[], App[Any]]) -> int:
        escaped: str | None = None
        ran = False
        previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
        loop = asyncio.new_event_loop()
        try:
            for signum in SIGNALS:
                loop.add_signal_handler(signum, self._on_signal, signum)
            self.app = app = factory()
            app.error_console = self._error_console()
            asyncio.set_event_loop(loop)
            ran = True
            app.run(loop=loop)
        except KeyboardInterrupt:  # only if SIGINT came before the handler was installed
            self.signum = self.signum or signal.SIGINT
        except Exception:
            escaped = traceback.format_exc()
        finally:
            # Textual restored the terminal before ``run`` returned (or never changed it).
            self.terminal.restored = True
            if ran:
                status = exit_codes.for_signal(self.signum) if self.signum else exit_codes.CRASH
                self.watchdog.arm(EXIT_GRACE, status)
            _close_loop(loop)
            for signum, handler in previous.items():
                # After a run, a signal only has temp files to remove: the terminal is fine.
                if ran:
                    signal.signal(signum, _exit_on_signal)
                elif handler is not None:
                    signal.signal(signum, handler)
            remove_pending_temp_files()
        status = self._status(escaped)
        if ran:
            self.watchdog.arm(EXIT_GRACE, status)
        return status

    def _on_signal(self, signum: int) -> None:
        """In the event loop: ask the app to exit, and make sure the process does."""
        status = exit_codes.for_signal(signum)
        remove_pending_temp_files()
        if self.signum is not None:  # a second signal: stop waiting
            self.watchdog.status = status
            self.watchdog.fire("a second signal came while exiting; exited at once")
        self.signum = signum
        self.watchdog.arm(EXIT_GRACE, status)
        if self.app is not None:
            self.app.exit(return_code=status)

    def _error_console(self) -> Any:
        from rich.console import Console

        return Console(
            file=self.errors,
            markup=False,
            highlight=False,
            color_system=None,
            force_terminal=False,
            width=120,
        )

    def _status(self, escaped: str | None) -> int:
        if self.signum is not None:
            return exit_codes.for_signal(self.signum)
        code = self.app.return_code if self.app is not None else None
        caught = self.errors.getvalue()
        if escaped is None and not code:
            if caught.strip():  # an exit message, not an error: show it as Textual would
                sys.stderr.write(caught)
            return exit_codes.OK
        report = "\n\n".join(part for part in (caught.rstrip(), escaped) if part)
        report_crash(report)
        return exit_codes.CRASH if escaped is not None or code in (None, 1) else int(code)


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """What ``asyncio.run`` does at the end, except waiting for the executor's threads."""
    try:
        tasks = asyncio.all_tasks(loop)
        for task in tasks:
            task.cancel()
        if tasks:
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
    except Exception:  # closing anyway; the watchdog bounds the time
        pass
    finally:
        asyncio.set_event_loop(None)
        loop.close()  # removes the signal handlers; shuts the executor down without waiting


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    remove_pending_temp_files()
    os._exit(exit_codes.for_signal(signum))

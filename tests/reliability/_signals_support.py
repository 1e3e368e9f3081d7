"""Shared parts of the signals and terminals tests (area 8, ``test_signals_*.py``): the
databases and homes a child app runs with, the real app in a pseudo-terminal, and children
that patch the app before calling the real ``main``. The fixtures that use them, and the
area's summary line, are in ``conftest.py`` with every other area's."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from _reliability import REPO, child_env

from store import Store

AREA = "signals"
SMALL = "01JSIGNAL00000000000SMALL1"
COLUMNS, ROWS = 120, 36
DRAW_TIMEOUT = 30.0
EXIT_BOUND = 5.0
"""Seconds from a signal to the process gone (measured: about 0.25 s)."""

# What Textual turns on, and what must come after the last "on" for the terminal to be back.
RESTORES = {
    "alternate screen": ("\x1b[?1049h", "\x1b[?1049l"),
    "mouse tracking": ("\x1b[?1000h", "\x1b[?1000l"),
    "cursor": ("\x1b[?25l", "\x1b[?25h"),
}
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


# ---- databases and homes -----------------------------------------------------------------


def make_small_db(path: Path) -> Path:
    """One session of 50 prompts."""
    with Store.open(path) as store:
        sid = store.start_session(SMALL, None, "0.3.0", None)
        store.append_many(sid, [("prompt", f"hello {i}") for i in range(50)])
    return path


@dataclass
class Homes:
    root: Path

    @property
    def zero(self) -> Path:
        return self.root / "zero"

    @property
    def exports(self) -> Path:
        return self.zero / "exports"

    @property
    def reports(self) -> Path:
        return self.root / "state" / "zero-session-tui"

    def env(self) -> dict[str, str]:
        env = child_env(
            TERM="xterm-256color",
            COLUMNS=str(COLUMNS),
            LINES=str(ROWS),
            HOME=str(self.root / "home"),
            ZERO_HOME=str(self.zero),
            XDG_STATE_HOME=str(self.root / "state"),
            XDG_CACHE_HOME=str(self.root / "cache"),
            XDG_CONFIG_HOME=str(self.root / "config"),
        )
        env.pop("ZERO_SESSION_DB", None)
        env.pop("TEXTUAL_ALLOW_SIGNALS", None)
        return env

    def temp_files(self) -> list[str]:
        """Hidden temp files of ``write_atomically`` (``.NAME.XXXX``) in the exports dir."""
        if not self.exports.exists():
            return []
        return sorted(p.name for p in self.exports.iterdir() if p.name.startswith("."))


# ---- the app in a pseudo-terminal --------------------------------------------------------


@dataclass
class PtyApp:
    proc: subprocess.Popen[bytes]
    master: int
    output: bytearray = field(default_factory=bytearray)
    signalled_at: float | None = None

    @classmethod
    def start(cls, argv: list[str], homes: Homes) -> PtyApp:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=homes.env(),
            cwd=REPO,
            start_new_session=True,
        )
        os.close(slave)
        return cls(proc, master)

    def _read(self, timeout: float) -> bool:
        """Read what is there within ``timeout``; False once the terminal is closed."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the child is gone and closed the terminal
            return False
        self.output += chunk
        return bool(chunk)

    def wait_for(self, text: str, timeout: float = DRAW_TIMEOUT) -> None:
        give_up = time.monotonic() + timeout
        while text.encode() not in self.output:
            if time.monotonic() > give_up or self.proc.poll() is not None:
                pytest.fail(f"the app never drew {text!r}: {self.text[-3000:]!r}")
            self._read(0.05)

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def signal(self, signum: int) -> None:
        self.signalled_at = time.monotonic()
        os.kill(self.proc.pid, signum)

    def finish(self, bound: float) -> tuple[int, float]:
        """Read until the child exits (at most ``bound`` seconds): its status and how long it
        took since the signal."""
        give_up = time.monotonic() + bound
        while self.proc.poll() is None and time.monotonic() < give_up:
            self._read(0.02)
        status = self.proc.poll()
        took = time.monotonic() - (self.signalled_at or give_up - bound)
        while self._read(0.05):  # what is left in the terminal's buffer
            pass
        assert status is not None, f"still running {bound} s after the signal"
        return status, took

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")

    def after_restore(self) -> list[str]:
        """The lines written after the terminal was restored (escape sequences removed)."""
        tail = self.text.rpartition(RESTORES["cursor"][1])[2]
        return [line.strip() for line in _CSI.sub("", tail).splitlines() if line.strip()]


def launch(running: list[PtyApp], homes: Homes, db: Path, script: Path | None = None) -> PtyApp:
    """The app (or a patching ``script``) on ``db`` in a pty, closed by whoever owns
    ``running``."""
    head = [sys.executable, str(script)] if script else [sys.executable, "-m", "zero_session_tui"]
    app = PtyApp.start([*head, "--db", str(db), "--no-welcome"], homes)
    running.append(app)
    return app


def assert_restored(app: PtyApp) -> None:
    text = app.text
    for what, (on, off) in RESTORES.items():
        assert on in text, f"the app never turned on the {what}"
        assert text.rfind(off) > text.rfind(on), f"{what} not restored: {text[-600:]!r}"


def child_script(tmp_path: Path, body: str) -> Path:
    """A child that patches the app, then runs the real ``main``."""
    path = tmp_path / "child.py"
    path.write_text(
        textwrap.dedent(body)
        + "\nimport sys\nfrom zero_session_tui.__main__ import main\n"
        + "sys.exit(main(sys.argv[1:]))\n"
    )
    return path

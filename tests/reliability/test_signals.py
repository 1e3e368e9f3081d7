"""Area 8, signals and terminals: the real app, run in a pseudo-terminal, exits cleanly on
SIGTERM, SIGHUP and SIGINT sent from outside (status 128 + signum, the terminal restored, no
temp file of an interrupted export left), even with a worker thread that never returns; without
a terminal it refuses to start (exit 2, one line); an unexpected error exits 1 with one line
naming a crash report that holds the traceback.

The children that need a fault (a hung export, an action that raises) are small scripts that
patch the app in the child and then call the real ``main``: no hook in the product.
"""

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
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from _reliability import REPO, child_env

from store import Store
from zero_session_tui import exit_codes, terminal_guard
from zero_session_tui.__main__ import main

AREA = "signals"
SMALL = "01JSIGNAL00000000000SMALL1"
BIG = "01JSIGNAL0000000000000BIG1"
BIG_EVENTS = 300_000
COLUMNS, ROWS = 120, 36
DRAW_TIMEOUT = 30.0
EXIT_BOUND = 5.0
"""Seconds from a signal to the process gone (measured: about 0.25 s)."""
HUNG_BOUND = terminal_guard.EXIT_GRACE + 3.0
"""The same with a worker thread that never returns: the watchdog ends the process."""

# What Textual turns on, and what must come after the last "on" for the terminal to be back.
RESTORES = {
    "alternate screen": ("\x1b[?1049h", "\x1b[?1049l"),
    "mouse tracking": ("\x1b[?1000h", "\x1b[?1000l"),
    "cursor": ("\x1b[?25l", "\x1b[?25h"),
}
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def _summary(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{int(n['signals'])} signals to a running app in a pty "
        f"({int(n['during_export'])} during an export, {int(n['hung_worker'])} with a hung "
        f"worker thread), {int(n['restored'])} terminals restored, "
        f"{int(n['temp_files_left'])} temp files left, slowest exit "
        f"{m.get('slowest_exit_s', 0):.2f} s; no-tty exit 2 ({int(n['no_tty'])} ways); "
        f"crash exit 1 with report ({int(n['crash_reports'])} reports)"
    )


@pytest.fixture(autouse=True)
def _summary_line(figures) -> None:
    # The reliability conftest formats each area's line; this area brings its own format.
    formats = getattr(sys.modules[type(figures).__module__], "_FORMATS", None)
    if isinstance(formats, dict):
        formats.setdefault(AREA, _summary)


# ---- databases and homes -----------------------------------------------------------------


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "sessions.db"
    with Store.open(path) as store:
        sid = store.start_session(SMALL, None, "0.3.0", None)
        store.append_many(sid, [("prompt", f"hello {i}") for i in range(50)])
    return path


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


@pytest.fixture
def homes(tmp_path: Path) -> Homes:
    (tmp_path / "home").mkdir()
    return Homes(tmp_path)


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


@pytest.fixture
def running(homes: Homes) -> Iterator[list[PtyApp]]:
    apps: list[PtyApp] = []
    yield apps
    for app in apps:
        app.close()


def _launch(running: list[PtyApp], homes: Homes, db: Path, script: Path | None = None) -> PtyApp:
    head = [sys.executable, str(script)] if script else [sys.executable, "-m", "zero_session_tui"]
    app = PtyApp.start([*head, "--db", str(db), "--no-welcome"], homes)
    running.append(app)
    return app


def _assert_restored(app: PtyApp) -> None:
    text = app.text
    for what, (on, off) in RESTORES.items():
        assert on in text, f"the app never turned on the {what}"
        assert text.rfind(off) > text.rfind(on), f"{what} not restored: {text[-600:]!r}"


def _script(tmp_path: Path, body: str) -> Path:
    """A child that patches the app, then runs the real ``main``."""
    path = tmp_path / "child.py"
    path.write_text(
        textwrap.dedent(body)
        + "\nimport sys\nfrom zero_session_tui.__main__ import main\n"
        + "sys.exit(main(sys.argv[1:]))\n"
    )
    return path


# ---- signals -----------------------------------------------------------------------------

SIGNALS = {"SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP, "SIGINT": signal.SIGINT}


@pytest.mark.parametrize("name", list(SIGNALS))
def test_a_signal_exits_cleanly_and_restores_the_terminal(
    small_db: Path, homes: Homes, running: list[PtyApp], figures, name: str
) -> None:
    signum = SIGNALS[name]
    app = _launch(running, homes, small_db)
    app.wait_for(SMALL[-6:])
    time.sleep(0.3)  # let it settle into its event loop
    app.signal(signum)
    status, took = app.finish(EXIT_BOUND)
    assert status == exit_codes.for_signal(signum) == 128 + signum
    _assert_restored(app)
    assert app.after_restore() == [], "nothing but the restored terminal after a signal"
    figures.add(AREA, signals=1, restored=1)
    figures.peak(AREA, slowest_exit_s=took)


def test_a_signal_during_an_export_leaves_no_temp_file(
    big_db: Path, homes: Homes, running: list[PtyApp], figures
) -> None:
    app = _launch(running, homes, big_db)
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
    _assert_restored(app)
    left = homes.temp_files()
    assert left == [], f"temp files left: {left} (pending at the signal: {pending})"
    assert not (homes.exports / f"{BIG}.md").exists()  # interrupted: no export either
    figures.add(AREA, signals=1, restored=1, during_export=1, temp_files_left=len(left))
    figures.peak(AREA, slowest_exit_s=took)


def test_a_hung_worker_thread_does_not_keep_the_process_alive(
    small_db: Path, homes: Homes, running: list[PtyApp], tmp_path: Path, figures
) -> None:
    # The export's producer blocks forever after its first chunk: its thread never returns.
    script = _script(
        tmp_path,
        """
        import time
        from zero_session_tui import export

        def hang(store, session):
            yield b"# first chunk\\n"
            time.sleep(3600)
            yield b""

        export._markdown = hang
        """,
    )
    app = _launch(running, homes, small_db, script)
    app.wait_for(f"Replay \u00b7 {SMALL}")
    give_up = time.monotonic() + 20
    while not homes.temp_files():
        assert time.monotonic() < give_up, "the hung export never started"
        app.press("e")
        app._read(0.5)
    app.signal(signal.SIGTERM)
    status, took = app.finish(HUNG_BOUND)
    assert status == exit_codes.for_signal(signal.SIGTERM)
    _assert_restored(app)
    assert took < HUNG_BOUND
    assert app.after_restore() == [
        "zero-session-tui: a worker thread did not stop; exited without it"
    ]
    left = homes.temp_files()
    assert left == []
    figures.add(AREA, signals=1, restored=1, hung_worker=1, temp_files_left=len(left))
    figures.peak(AREA, slowest_exit_s=took)


# ---- no terminal -------------------------------------------------------------------------


@pytest.mark.parametrize("stream", ["stdin", "stdout", "stderr", "all three"])
def test_without_a_terminal_it_refuses_to_start(
    small_db: Path, homes: Homes, figures, stream: str
) -> None:
    """One stream not a tty (the others on a pty), or none a tty: exit 2 at once, one line,
    no escape code anywhere."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    everything = stream == "all three"
    streams = {
        name: (subprocess.DEVNULL if name == "stdin" else subprocess.PIPE)
        if everything or name == stream
        else slave
        for name in ("stdin", "stdout", "stderr")
    }
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "zero_session_tui", "--db", str(small_db)],
            **streams,  # type: ignore[call-overload]
            env=homes.env(),
            cwd=REPO,
            start_new_session=True,
        )
        out, err = proc.communicate(timeout=20)
        took = time.monotonic() - started
        os.close(slave)
        slave = -1
        terminal = bytearray()
        while select.select([master], [], [], 0.1)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            terminal += chunk
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    said = (err or b"") + bytes(terminal)
    first = "stdin" if everything else stream
    assert proc.returncode == exit_codes.NO_TERMINAL == 2
    assert took < 15
    assert (out or b"") == b""
    assert b"\x1b" not in said
    lines = said.decode().splitlines()
    assert len(lines) == 1, said
    assert lines[0].startswith(f"zero-session-tui: needs a terminal ({first} is not a tty)")
    figures.add(AREA, no_tty=1)


# ---- unexpected errors -------------------------------------------------------------------


def test_an_error_textual_caught_exits_1_with_one_line_and_a_report(
    small_db: Path, homes: Homes, running: list[PtyApp], tmp_path: Path, figures
) -> None:
    script = _script(
        tmp_path,
        """
        from zero_session_tui.app import ZeroSessionApp

        def broken_help(self):
            raise RuntimeError("the help screen broke in a test")

        ZeroSessionApp.action_help = broken_help
        """,
    )
    app = _launch(running, homes, small_db, script)
    app.wait_for(SMALL[-6:])
    time.sleep(0.3)
    app.press("?")
    app.signalled_at = time.monotonic()
    status, _ = app.finish(EXIT_BOUND)
    assert status == exit_codes.CRASH == 1
    _assert_restored(app)
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
        f"(test_signals.py:{broken_app.__code__.co_firstlineno + 1} in broken_app); "
        f"full report saved to {reports[0]}\n"
    )
    report = reports[0].read_text()
    assert "Traceback (most recent call last)" in report
    assert "LookupError: no app in this test" in report
    # No app ran: the signal handlers are as they were, and no watchdog is left armed.
    assert {signum: signal.getsignal(signum) for signum in terminal_guard.SIGNALS} == before
    figures.add(AREA, crash_reports=1)

"""Driving a terminal program under tmux: launch, poll the screen, send keys, read RSS.

Each measurement gets a fresh tmux server (``tmux -L bench...``) with one fixed-size pane. A
control-mode client (``tmux -C``) sends the commands, so polling the screen every few
milliseconds costs no process start per poll. Times are ``time.perf_counter`` seconds from
the moment the launch (or key) command is written to tmux until a ``capture-pane`` that
shows the awaited text has returned.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Final, Self

__all__ = ["Pane", "PaneTimeout", "tree_hwm_kib"]

WIDTH: Final = 160
HEIGHT: Final = 50
_IDLE = "exec sleep 86400"


class PaneTimeout(Exception):
    """The awaited text did not appear in time; ``screen`` is the last capture."""

    def __init__(self, what: str, screen: str) -> None:
        super().__init__(f"timed out waiting for {what!r}")
        self.screen = screen


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants alive now."""
    tree = _children()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def tree_hwm_kib(root: int) -> int:
    """Sum of VmHWM (peak resident set) over the process tree of ``root``, in KiB."""
    total = 0
    for pid in process_tree(root):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
    return total


class Pane:
    """A fresh tmux server with one WIDTH x HEIGHT pane; use as a context manager."""

    def __init__(self, label: str, env: Mapping[str, str], scripts: Path) -> None:
        self.socket = f"bench{label}{os.getpid()}"
        self.env = dict(env)
        self.scripts = scripts
        self._client: subprocess.Popen[bytes] | None = None
        self._pids: list[int] = []
        self._socket_path: Path | None = None
        self._watching = False
        self._first_output: float | None = None
        """With ``_watching``: when the first ``%output`` notification was read."""

    # ---- lifetime --------------------------------------------------------------------------

    def __enter__(self) -> Self:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def _start(self) -> None:
        self._tmux("kill-server", check=False)
        self._tmux("new-session", "-d", "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT), _IDLE)
        self._tmux("set-option", "-g", "default-terminal", "xterm-256color")
        self._tmux("set-option", "-g", "window-size", "manual")
        self._tmux("set-option", "-g", "status", "off")
        self._tmux("resize-window", "-t", "bench", "-x", str(WIDTH), "-y", str(HEIGHT))
        self._client = subprocess.Popen(
            ["tmux", "-L", self.socket, "-C", "attach-session", "-t", "bench"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self.env,
            bufsize=0,
        )
        _await_attach(self._client.stdout)  # type: ignore[arg-type]
        self.command("refresh-client -f no-output")
        self._socket_path = Path(self.command("display-message -p '#{socket_path}'")[0])

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Kill the program's process tree and the tmux server; wait until they are gone."""
        with contextlib.suppress(Exception):
            if self._client is not None and self._client.poll() is None:
                self._pids = process_tree(self.pane_pid())
        if self._client is not None:
            with contextlib.suppress(OSError):
                self._client.stdin.close()  # type: ignore[union-attr]
            self._client.kill()
            self._client.wait()
            self._client = None
        self._tmux("kill-server", check=False)
        if self._socket_path is not None:
            self._socket_path.unlink(missing_ok=True)  # tmux leaves it behind
        deadline = time.monotonic() + 2.0
        for pid in self._pids:
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.01)
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self._pids = []

    def _tmux(self, *args: str, check: bool = True) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            env=self.env,
            check=check,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    # ---- control mode ----------------------------------------------------------------------

    def command(self, line: str) -> list[str]:
        """Run one tmux command through the control client; its output lines."""
        client = self._client
        if client is None or client.stdin is None or client.stdout is None:
            raise RuntimeError("pane is not open")
        client.stdin.write(line.encode() + b"\n")
        return _read_reply(client.stdout, self._output_seen)

    def _output_seen(self) -> None:
        if self._watching and self._first_output is None:
            self._first_output = time.perf_counter()

    def pane_pid(self) -> int:
        return int(self.command("display-message -p -t bench '#{pane_pid}'")[0])

    def screen(self, *, styles: bool = False) -> str:
        """The pane's text; with ``styles`` its colours and attributes too (a moved cursor
        highlight changes only those)."""
        flags = "-p -e" if styles else "-p"
        return "\n".join(self.command(f"capture-pane {flags} -t bench"))

    # ---- measuring -------------------------------------------------------------------------

    def launch(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> float:
        """Start ``argv`` in the pane (replacing the idle placeholder); the start time."""
        script = self.scripts / f"launch-{name}.sh"
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
        script.write_text(f"#!/bin/sh\nexec env {exports} {shlex.join(argv)}\n")
        script.chmod(0o755)
        started = time.perf_counter()
        self.command(f"respawn-pane -k -t bench {script}")
        return started

    def keys(self, key: str) -> float:
        started = time.perf_counter()
        self.command(f"send-keys -t bench {key}")
        return started

    def wait_for(
        self, wanted: str | re.Pattern[str], since: float, *, poll: float, timeout: float
    ) -> float:
        """Seconds from ``since`` until the screen shows ``wanted``."""
        pattern = wanted if isinstance(wanted, re.Pattern) else re.compile(re.escape(wanted))
        deadline = since + timeout
        while True:
            screen = self.screen()
            now = time.perf_counter()
            if pattern.search(screen):
                return now - since
            if now > deadline:
                raise PaneTimeout(pattern.pattern, screen)
            time.sleep(poll)

    def steady(self, *, poll: float, quiet: float, timeout: float) -> str:
        """Wait until the screen (styles included) stays the same for ``quiet`` seconds;
        that screen."""
        deadline = time.perf_counter() + timeout
        last, since = self.screen(styles=True), time.perf_counter()
        while True:
            time.sleep(poll)
            now_screen, now = self.screen(styles=True), time.perf_counter()
            if now_screen != last:
                last, since = now_screen, now
            elif now - since >= quiet:
                return last
            if now > deadline:
                raise PaneTimeout("a steady screen", now_screen)

    def key_to_change(self, key: str, *, poll: float, quiet: float, timeout: float) -> float:
        """Seconds from sending ``key`` (once the screen is steady) until the screen, styles
        included, differs from what it showed before."""
        before = self.steady(poll=poll, quiet=quiet, timeout=timeout)
        pressed = self.keys(key)
        deadline = pressed + timeout
        while True:
            screen = self.screen(styles=True)
            now = time.perf_counter()
            if screen != before:
                return now - pressed
            if now > deadline:
                raise PaneTimeout(f"a change after {key}", screen)
            time.sleep(poll)

    def watch_output(self) -> None:
        """From now on, tmux tells this client of the program's output (``%output``
        notifications, read as each command's reply is): what ``key_to_output`` times. Left
        on once set (turning it off again has hung the control client's reply)."""
        self.command("refresh-client -f !no-output")

    def key_to_output(self, key: str, *, poll: float, quiet: float, timeout: float) -> float:
        """Seconds from sending ``key`` (once the screen is steady) until this client reads
        tmux's notice of the program's first output after it (polled every ``poll`` seconds
        by a command that does nothing), checked to have changed the screen. No capture of
        the screen is in it, unlike ``key_to_change``: a styled capture of a busy screen
        takes milliseconds itself. Call ``watch_output`` first."""
        before = self.steady(poll=poll, quiet=quiet, timeout=timeout)
        self.command("display-message -p ''")  # the output before the key is read here
        self._first_output, self._watching = None, True
        try:
            pressed = self.keys(key)
            deadline = pressed + timeout
            while self._first_output is None:
                if time.perf_counter() > deadline:
                    raise PaneTimeout(f"output after {key}", self.screen())
                time.sleep(poll)
                self.command("display-message -p ''")
            seen = self._first_output
        finally:
            self._watching = False
        after = self.steady(poll=poll, quiet=quiet, timeout=timeout)
        if after == before:
            raise PaneTimeout(f"a changed screen after {key}'s output", after)
        return seen - pressed

    def capture_cost(self, *, times: int = 10) -> float:
        """Median seconds one styled capture of the screen as it is now takes (part of every
        ``key_to_change`` figure)."""
        costs = []
        for _ in range(times):
            started = time.perf_counter()
            self.screen(styles=True)
            costs.append(time.perf_counter() - started)
        return sorted(costs)[len(costs) // 2]

    def peak_rss_kib(self) -> int:
        return tree_hwm_kib(self.pane_pid())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _await_attach(stream: IO[bytes]) -> None:
    """Commands sent before the client is attached fail with "no current client"."""
    while True:
        raw = stream.readline()
        if not raw:
            raise RuntimeError("tmux control client closed")
        if raw.startswith(b"%session-changed "):
            return


def _read_reply(stream: IO[bytes], on_output: Callable[[], None] | None = None) -> list[str]:
    """The lines of the next reply block to our own command (flag 1); notifications and the
    attach's own block (flag 0) are skipped, ``on_output`` called for each ``%output``."""
    lines: list[str] = []
    inside = False
    while True:
        raw = stream.readline()
        if not raw:
            raise RuntimeError("tmux control client closed")
        if not inside and on_output is not None and raw.startswith(b"%output "):
            on_output()
            continue
        line = raw.decode("utf-8", "replace").rstrip("\n")
        if not inside:
            if line.startswith("%begin ") and line.endswith(" 1"):
                inside = True
            continue
        if line.startswith(("%end ", "%error ")) and line.endswith(" 1"):
            if line.startswith("%error "):
                raise RuntimeError("tmux: " + " ".join(lines))
            return lines
        lines.append(line)

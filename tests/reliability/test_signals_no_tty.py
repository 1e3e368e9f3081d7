"""Area 8, terminals: without a terminal the real app refuses to start (exit 2, one line, no
escape code), whichever of stdin, stdout and stderr is not a tty."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from _reliability import REPO
from _signals_support import AREA, COLUMNS, ROWS, Homes

from zero_session_tui import exit_codes


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

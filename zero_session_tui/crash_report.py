"""Crash reports: one line on stderr saying what failed, and the full report saved under
the browser's state directory. Used by the app's terminal guard and by the subcommands; no
Textual or Rich here, so a subcommand's failure costs no UI import."""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from . import __version__, locations
from .sanitize import inert, one_line

__all__ = ["report_crash"]

PROG = "zero-session-tui"

# Lines of Rich's rendering of a traceback: the frame lines and the final "Type: message".
_FRAME = re.compile(r"[│|]\s*(\S+\.py):(\d+) in (\S+)")
_BOX = re.compile(r"^[\s│╭╰─╮╯|+-]*$")


def _summary(report: str) -> tuple[str, str]:
    """What failed (the last "Type: message" line) and where (the last frame), from a
    traceback as Rich or Python renders it."""
    lines = [line.rstrip() for line in report.splitlines() if line.strip()]
    what = next((line for line in reversed(lines) if not _BOX.match(line)), "")
    if what.lstrip().startswith(("│", "|")):
        what = ""
    where = ""
    for line in lines:
        match = _FRAME.search(line) or re.search(r'File "([^"]+)", line (\d+), in (\S+)', line)
        if match:
            where = f"{Path(match.group(1)).name}:{match.group(2)} in {match.group(3)}"
    return one_line(what.strip(), 200)[0], one_line(where, 200)[0]


def report_crash(report: str) -> None:
    """One line on stderr saying what failed and where the full ``report`` was saved (the
    app's crash, or a subcommand's)."""
    what, where = _summary(report)
    failed = what or "an error the app did not handle"
    if where:
        failed += f" ({where})"
    try:
        path = _save_report(report)
    except OSError as error:
        sys.stderr.write(inert(report) + "\n")
        print(
            f"{PROG}: unexpected error: {failed}; could not save the report "
            f"({error.strerror or error}), so it is printed above",
            file=sys.stderr,
        )
        return
    print(f"{PROG}: unexpected error: {failed}; full report saved to {path}", file=sys.stderr)


def _save_report(report: str) -> Path:
    now = datetime.now(UTC)
    directory = locations.state_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    header = [
        f"{PROG} {__version__} crash report",
        f"time: {now.isoformat(timespec='seconds')}",
        f"command: {' '.join(sys.argv)}",
        f"python: {sys.version.split()[0]}  textual: {_version('textual')}",
        "",
    ]
    text = inert("\n".join(header) + "\n" + report.rstrip() + "\n")
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 100):
        path = directory / (f"crash-{stamp}.txt" if n == 1 else f"crash-{stamp}-{n}.txt")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        return path
    raise FileExistsError(f"too many crash reports in {directory}")


def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"

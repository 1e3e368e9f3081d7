"""Run one subcommand: its output, its clock, and every failure as one line and a status.

A subcommand is a function ``(args, catalog, context) -> int``; the databases are opened
(read-only) before it runs and closed after. What can go wrong ends the same way in every one
of them, here: a database that cannot be opened or read (``BAD_DATABASE``), a session that is
not there (``NOT_FOUND``), a file that cannot be written (``WRITE_FAILED``), the reader of the
pipe gone (``PIPE_CLOSED``), ctrl+c (130): one line on stderr, never a traceback. Only a bug
escapes (Python's traceback, status 1).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO

from store import SessionError

from .. import exit_codes
from ..catalog import Catalog
from .opening import SessionNotFound, databases
from .output import Output, PipeClosed

__all__ = ["Context", "Subcommand", "WriteFailed", "run"]


class WriteFailed(Exception):
    """A subcommand's file could not be written (its message says which and why)."""


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Context:
    """Where a subcommand writes and what time it is (tests fix both)."""

    out: Output
    err: IO[str] = field(default_factory=lambda: sys.stderr)
    clock: Callable[[], datetime] = _now

    def say(self, message: str) -> None:
        """One line on stderr, prefixed with the program's name."""
        print(f"zero-session-tui: {message}", file=self.err)


Subcommand = Callable[[argparse.Namespace, Catalog, Context], int]


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter's last flush at
    exit does not raise (and print) a second BrokenPipeError."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout already closed, or not a file (a test's buffer)
        pass


def _open(args: argparse.Namespace, context: Context) -> Catalog | None:
    try:
        return Catalog.open(databases(args))
    except SessionError as error:
        context.say(str(error))
    except OSError as error:
        context.say(str(error.strerror or error))
    return None


def run(command: Subcommand, args: argparse.Namespace, context: Context | None = None) -> int:
    """Open the databases, run ``command``, and turn its failures into one line on stderr
    and an exit status (``exit_codes``)."""
    if context is None:
        context = Context(Output(sys.stdout.buffer))
    catalog = _open(args, context)
    if catalog is None:
        return exit_codes.BAD_DATABASE
    try:
        status = command(args, catalog, context)
        context.out.flush()
        return status
    except PipeClosed:
        if context.out.stream is sys.stdout.buffer:
            _silence_stdout()
        return exit_codes.PIPE_CLOSED
    except KeyboardInterrupt:
        return exit_codes.for_signal(signal.SIGINT)
    except WriteFailed as error:
        context.say(str(error))
        return exit_codes.WRITE_FAILED
    except SessionNotFound as error:
        context.say(str(error))
        return exit_codes.NOT_FOUND
    except SessionError as error:
        context.say(str(error))
        return exit_codes.BAD_DATABASE
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        context.say(f"{where}{error.strerror or error}")
        return exit_codes.WRITE_FAILED
    except Exception:
        # A bug, not bad input: one line and a saved report, never a traceback in the output.
        import traceback

        from ..crash_report import report_crash

        report_crash(traceback.format_exc())
        return exit_codes.CRASH
    finally:
        catalog.close()

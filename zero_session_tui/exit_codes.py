"""Process exit statuses."""

from __future__ import annotations

import signal
from typing import Final

OK: Final = 0
"""The app ran and the user quit; a subcommand did what it was asked (a search that finds
nothing, a prune with nothing to delete included)."""

CRASH: Final = 1
"""An unexpected error stopped the app (Textual caught it, or it escaped ``App.run``): one
line on stderr says what failed and names the full report, saved as
``$XDG_STATE_HOME/zero-session-tui/crash-<timestamp>.txt`` (``~/.local/state`` by default)."""

BAD_DATABASE: Final = 2
"""A database is missing, not SQLite, corrupt, unreadable or locked; nothing was changed."""

NO_TERMINAL: Final = 2
"""stdin, stdout or stderr is not a terminal: the app did not start (one line on stderr).
The databases are checked first, so a bad database still reports itself."""

NOT_FOUND: Final = 3
"""A subcommand's session is not in the databases given (``show``, ``export``), or the tail
of a ULID given matches more than one session; nothing was written."""

WRITE_FAILED: Final = 4
"""A subcommand could not write its file (``export``: the directory cannot be made or is read-only,
the disk is full); nothing was left half-written."""

PIPE_CLOSED: Final = 0
"""The reader of a subcommand's output went away (``| head -1``): the command stops at once,
silently, with status 0, as if it had printed everything, since the reader chose to stop.
(0, not 141, so ``set -o pipefail`` scripts do not fail on ``| head``.)"""

BAD_CONFIG: Final = 78
"""``export --redact``: the redaction config (``redaction.toml``) cannot be read or has a
wrong pattern; nothing was written."""

USAGE: Final = 64
"""The command line is wrong (argparse exits with 2 on its own; see ``cli.py``)."""

SIGNALLED: Final = 128
"""A signal ended the app: the status is 128 + the signal's number, as a shell reports it:
SIGHUP 129, SIGINT 130 (``kill -INT``; ctrl+c in the app is a key, not a signal), SIGTERM 143.
The terminal is restored and the temp files of interrupted writes are removed first."""


def for_signal(signum: int | signal.Signals) -> int:
    """The exit status after signal ``signum``: 128 + its number."""
    return SIGNALLED + int(signum)

"""The command line: what to open and how, or which subcommand to run. No Textual import here
(start-up speed). The bare command opens the app (``parse_args`` gives its ``Options``); a
subcommand (``parse``) runs without it (``subcommands``, and ``serve``)."""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from . import __version__, exit_codes, locations
from .session_ref import session_ref

__all__ = ["Options", "options_from", "parse", "parse_args"]

DESCRIPTION = """\
Browse, replay and follow the session history the ZERO client records in SQLite.

Databases are opened read-only: browsing never changes them. The only writes are the actions
you ask for (deleting a session, saving a wrap's milestone), each checked against the session's
ULID. The browser's own state lives under $XDG_STATE_HOME/zero-session-tui/.

Keys: arrows or j/k move, Enter opens a session or shows an event in full, Tab switches between
the list and the replay, Home/End or g/G jump to the first/last event, t toggles clock times,
ctrl+p lists every action, ? shows every key, q quits."""

EPILOG = """\
database location, first match wins:
  --db PATH                  (repeatable: several partitions in one list)
  $ZERO_SESSION_DB
  $ZERO_HOME/state/sessions.db   (ZERO_HOME defaults to ~/.zero)

subcommands, for scripts (plain, inert output; each has --help; the bare command opens the app):
  list       the sessions, newest first: a table, or --json
  show       one session: --format text|md|jsonl, from ULID#SEQ on
  search     sessions and events containing TEXT (--json)
  export     one session to a file: --format md|jsonl|html, --redact, --out DIR
  prune      delete empty or old sessions (a dry run unless --yes)
  serve      run the app in a browser tab

exit status:
  0        after quitting; a subcommand did its job (also when its reader closed the pipe,
           as `| head -1` does: it stops at once, silently)
  1        an unexpected error: one line says what, and where the full report was saved
  2        a database cannot be opened (nothing is created or changed), or no terminal;
           a subcommand: a database cannot be read or written, or changed while exported
  3        a subcommand's session is not there (or its tail matches several)
  4        a subcommand cannot write its file (export)
  64       a wrong command line
  78       export --redact: the redaction config is wrong
  128+N    ended by signal N (129 SIGHUP, 130 SIGINT, 143 SIGTERM), terminal restored

examples:
  zero-session-tui --demo
  zero-session-tui --db ~/.zero/state/sessions.db --session 01JD3X7Q9T1W8R2M4K6N0P5S7V#120
  zero-session-tui --session p5s7v          (the tail of a ULID, when only one session has it)
  zero-session-tui list --json | jq length
  zero-session-tui show p5s7v#120 | less"""


@dataclass(frozen=True, slots=True)
class Options:
    databases: list[Path] = field(default_factory=list)
    session: str | None = None
    seq: int | None = None
    demo: bool = False
    welcome: bool = True
    live: bool = True
    idle_cap: float = 2.0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(exit_codes.USAGE, f"{self.prog}: {message}\n")


def _idle_cap(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise argparse.ArgumentTypeError(f"{value!r}: give a finite number of seconds, 0 or more")
    return seconds


SUBCOMMANDS = frozenset({"list", "show", "search", "export", "prune", "serve"})
"""The subcommands' names (tests/cli checks them against the parsers registered)."""


class _NotBare(Exception):
    """The bare command's parser cannot take this command line: the full parser decides."""


class _BareParser(_Parser):
    def error(self, message: str) -> NoReturn:
        raise _NotBare(message)


def _bare_is_enough(argv: list[str]) -> bool:
    """No word of ``argv`` can be a subcommand, ``--help`` or ``--version`` (abbreviated
    too): the app's own parser will do, without importing every subcommand (start-up)."""
    for word in argv:
        if word in SUBCOMMANDS:
            return False
        if word.startswith("--") and len(word) > 2:
            if "--help".startswith(word) or "--version".startswith(word):
                return False
        elif word.startswith("-") and "h" in word:
            return False
    return True


def build_parser(*, with_subcommands: bool = True) -> argparse.ArgumentParser:
    parser = (_Parser if with_subcommands else _BareParser)(
        prog="zero-session-tui",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        action="append",
        type=Path,
        metavar="PATH",
        help=f"a session database to browse (default: {locations.default_database()})",
    )
    parser.add_argument(
        "--session",
        type=session_ref,
        metavar="ULID[#SEQ]",
        help="open straight at this session (a ULID in any case, or its tail as the list shows"
        " it), and at event SEQ when given",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="build (once, in the cache directory) a demo database and browse it",
    )
    parser.add_argument(
        "--no-welcome",
        action="store_true",
        help="do not show the first-launch welcome (and record nothing)",
    )
    parser.add_argument(
        "--no-live",
        action="store_true",
        help="do not watch the databases for new events and sessions",
    )
    parser.add_argument(
        "--idle-cap",
        type=_idle_cap,
        default=2.0,
        metavar="SECONDS",
        help="timed replay: longest pause between two events (default 2)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    if not with_subcommands:
        parser.set_defaults(command=None)
        return parser
    from . import serve, subcommands

    commands = parser.add_subparsers(
        dest="command", title="subcommands", metavar="COMMAND", parser_class=_Parser
    )
    subcommands.add_parsers(commands)
    serve.add_parser(commands)  # engineer D's; runs without the subcommands' runner
    return parser


APP_ONLY = ("session", "no_welcome", "no_live")
"""Options of the app that mean nothing to a subcommand (given with one: a usage error)."""


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The whole command line: ``command`` is None for the app, else the subcommand's name."""
    words = sys.argv[1:] if argv is None else list(argv)
    if _bare_is_enough(words):
        try:
            return build_parser(with_subcommands=False).parse_args(words)
        except _NotBare:
            pass  # a usage error: said by the full parser, as ever
    parser = build_parser()
    args = parser.parse_args(words)
    if args.command not in (None, "serve"):
        given = [name for name in APP_ONLY if getattr(args, name)]
        if given:
            flag = "--" + given[0].replace("_", "-")
            parser.error(f"{flag} opens the app: not with the {args.command} subcommand")
    return args


def parse_args(argv: list[str] | None = None) -> Options:
    """The app's options (the bare command)."""
    return options_from(parse(argv))


def options_from(args: argparse.Namespace) -> Options:
    session, seq = args.session if args.session else (None, None)
    return Options(
        databases=list(args.db or []),
        session=session,
        seq=seq,
        demo=args.demo,
        welcome=not args.no_welcome,
        live=not args.no_live,
        idle_cap=args.idle_cap,
    )
